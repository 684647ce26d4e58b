import factory
from django.utils import timezone

from reconnect.models import CareLink, Community, ConsentVersion, Invitation, Notification, Role, User


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Community {n}")
    municipality = factory.LazyAttribute(lambda o: o.name)
    slug = factory.Sequence(lambda n: f"community-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    pseudonym = factory.Sequence(lambda n: f"member{n}")
    real_name = factory.Sequence(lambda n: f"Real Person {n}")
    role = Role.SERVICE_USER
    community = factory.SubFactory(CommunityFactory)
    preferred_language = "en"
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """Real accounts (invitation, demo data) always have their address verified in allauth's table."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class ProviderFactory(UserFactory):
    role = Role.PROVIDER
    community = None
    pseudonym = factory.Sequence(lambda n: f"provider{n}")


class ConsultantFactory(UserFactory):
    role = Role.CONSULTANT
    community = None
    pseudonym = factory.Sequence(lambda n: f"consultant{n}")


class AdminFactory(UserFactory):
    role = Role.ADMIN
    community = None
    is_staff = True
    is_superuser = True
    pseudonym = factory.Sequence(lambda n: f"admin{n}")


class CareLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareLink

    provider = factory.SubFactory(ProviderFactory)
    service_user = factory.SubFactory(UserFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "test"
    text = factory.Sequence(lambda n: f"Something new #{n}")
    link = "/"


class ConsentVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentVersion
        django_get_or_create = ("version",)

    version = factory.Sequence(lambda n: n + 100)
    summary_nb = "Vilkår"
    summary_en = "Terms"
    text_nb = "Vilkårstekst"
    text_en = "Terms text"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Role.SERVICE_USER
    community = factory.SubFactory(CommunityFactory)
    invited_by = factory.SubFactory(AdminFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=14))
