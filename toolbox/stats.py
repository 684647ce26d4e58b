"""The toolbox's figures for the consultant's statistics (moderation.statistics finds this module by its name).

How much each part of the toolbox is used, as counts of items created or changed per month, counted for the
owner's community: never what they hold, never whose they are. An item counts once in the month it was made and
once more in the month of its latest change (if that is a later month): only the latest change is kept, so an
earlier month's count can only go down when it is counted again. See forum/stats.py for the shape of
monthly_counts.

A new kind of toolbox item is counted by adding its model (and the field holding its latest change) to
MODULE_MODELS.
"""

from django.apps import apps
from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from toolbox.models import Module

TITLE = _("Recovery toolbox")
ORDER = 40  # where this section comes on the statistics page

# Module → [(model name, field with the latest change or None)]. Models not (yet) in the app are skipped.
MODULE_MODELS = {
    Module.GOALS: [("Goal", "updated_at"), ("Activity", "done_at")],
    Module.NETWORK: [("NetworkPerson", "updated_at")],
    Module.CRISIS_PLAN: [("CrisisPlan", "updated_at")],
    Module.MEDICATION: [("Medication", "updated_at")],
    Module.REFLECTIONS: [("Reflection", "updated_at")],
}

FIGURES = [
    {"key": f"toolbox_{module.value}", "label": capfirst(module.label),
     "help": _("Items members created or changed in this part of the toolbox (counted, never read).")}
    for module in MODULE_MODELS
]


def _models(module):
    for name, changed in MODULE_MODELS[module]:
        try:
            model = apps.get_model("toolbox", name)
        except LookupError:
            continue
        fields = {field.name for field in model._meta.get_fields()}
        if "owner" in fields and "created_at" in fields:
            yield model, changed if changed in fields else None


def _per_month(queryset, field):
    return (queryset.annotate(month=TruncMonth(field))
            .values("owner__community_id", "month")
            .annotate(n=Count("pk"))
            .order_by())


def monthly_counts(*, start, end):
    result = {}
    for module in MODULE_MODELS:
        figure = f"toolbox_{module.value}"
        for model, changed in _models(module):
            members = model.objects.filter(owner__role="service_user", owner__community__isnull=False)
            groups = [_per_month(members.filter(created_at__gte=start, created_at__lt=end), "created_at")]
            if changed:
                # A change in the month the item was made is part of making it: counted once.
                later = (members.filter(**{f"{changed}__gte": start, f"{changed}__lt": end})
                         .annotate(made=TruncMonth("created_at"), latest=TruncMonth(changed))
                         .exclude(made=F("latest")))
                groups.append(_per_month(later, changed))
            for rows in groups:
                for row in rows:
                    key = (row["owner__community_id"], timezone.localtime(row["month"]).date(), figure)
                    result[key] = result.get(key, 0) + row["n"]
    return result
