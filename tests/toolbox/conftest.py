import pytest

from toolbox import services
from toolbox.models import Module


@pytest.fixture(autouse=True)
def in_english():
    """Services called outside a request speak the site's default language (Norwegian); these tests read
    English text, as the factory users (preferred_language "en") see it."""
    from django.utils import translation

    with translation.override("en"):
        yield


TEXTS = {
    "warning_signs": "I stop answering the phone",
    "coping_on_my_own": "A walk by the harbour",
    "distractions": "The library café",
    "safer_surroundings": "My sister keeps the pills",
    "reasons_for_living": "My dog Pepper",
}


@pytest.fixture
def alice_plan(alice):
    return services.save_crisis_plan(
        owner=alice, texts=TEXTS, people=[("Anne", "+47 912 34 567")], professionals=[("GP Nordby", "22 33 44 55")],
    )


@pytest.fixture
def shared_plan(alice, linked_provider, alice_plan):
    services.set_share(owner=alice, provider_id=linked_provider.pk, module=Module.CRISIS_PLAN, shared=True)
    return alice_plan


def plan_form_data(**changes):
    data = dict(TEXTS)
    data.update({"person_1_name": "Anne", "person_1_phone": "+47 912 34 567"})
    data.update(changes)
    return data
