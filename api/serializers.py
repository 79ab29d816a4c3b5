"""What the API shows of each record.

Derived facts come from the models, as on the pages: a period's Swedish text and status
(portal/periods.py), money in Swedish (portal/formatting.py), a person's e-mail and phone
only through `Person.public_email`, `public_phone` and `public_phone_display`, and a
partnership only where it is public (`Project.public_partnership`,
`Partnership.public_replaced_by`). Every record carries its API address (`url`) and,
where it has one, its public page (`page_url`), both absolute.
"""

import re

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse as drf_reverse

from contacts.models import ContactCentre, Organisation, OrganisationName, Person
from networks.models import Membership, MembershipRole, Network
from partnerships.models import ExchangeProgramme, Partnership, PartnershipParty
from portal.choices import Currency
from portal.formatting import DatePrecision, PeriodStatus
from portal.models import Country, County, FundingSource, Municipality, Theme
from projects.models import Programme, Project, ProjectParticipant


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    # Every field is output only, so the OpenAPI description lists them all as present. No
    # docstring: drf-spectacular would give it to every serializer below as its description.

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


#: The characters of a slug in the API's and the pages' addresses (Django's `slug` converter,
#: the API's lookup_value_regex): they need no quoting in a URL.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
#: Stands for the slug while an address is reversed once for a whole answer.
SLUG_PLACEHOLDER = "slug-placeholder-0"


class SlugUrlField(serializers.Field):
    """An absolute address built around the record's slug.

    Reversing a URL costs as much as the rest of a record's fields together, and a page of
    projects names a few hundred records (participants, municipalities, partnerships). So
    the address is reversed once per answer with a placeholder for the slug (kept in the
    serializer's context, which nested serializers share) and the slug put in its place; a
    slug that an address could not hold is reversed the usual way.
    """

    def __init__(self, **kwargs):
        super().__init__(source="slug", read_only=True, **kwargs)

    def reverse(self, slug: str) -> str:
        raise NotImplementedError

    def to_representation(self, slug):
        if not SLUG.fullmatch(slug):
            return self.reverse(slug)
        templates = self.context.setdefault("_address_templates", {})
        key = (type(self), self.view_name)
        if key not in templates:
            templates[key] = self.reverse(SLUG_PLACEHOLDER)
        return templates[key].replace(SLUG_PLACEHOLDER, slug, 1)


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(SlugUrlField):
    """The record's address in the API, as DRF's HyperlinkedIdentityField writes it."""

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        super().__init__(**kwargs)

    def reverse(self, slug):
        return drf_reverse(self.view_name, kwargs={"slug": slug}, request=self.context["request"])


def api_url(view_name: str) -> ApiUrlField:
    return ApiUrlField(f"api:{view_name}")


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(SlugUrlField):
    """The absolute address of the record's public page."""

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        super().__init__(**kwargs)

    def reverse(self, slug):
        return self.context["request"].build_absolute_uri(reverse(self.view_name, args=[slug]))


@extend_schema_field(OpenApiTypes.URI)
class FilteredListUrlField(SlugUrlField):
    """The API list filtered to this municipality, e.g. its projects."""

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        super().__init__(**kwargs)

    def reverse(self, slug):
        path = f"{reverse(self.view_name)}?municipality={slug}"
        return self.context["request"].build_absolute_uri(path)


class ChoiceLabelField(serializers.CharField):
    """The Swedish label of a choice field (the model's get_<field>_display()), called
    directly: DRF would first inspect the method's signature for every record."""

    def __init__(self, field_name: str, **kwargs):
        super().__init__(source=f"get_{field_name}_display", read_only=True, **kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.source)()


class BlankAsNullField(serializers.CharField):
    """Text that is null rather than "" when there is none."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return str(value) if value else None


# References: enough to name a related record and to follow it.


class CountrySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name"]


class CountySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = County
        fields = ["code", "name"]


class ThemeSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class FundingSourceSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = FundingSource
        fields = ["slug", "name"]


class ProgrammeSerializer(ReadOnlyModelSerializer):
    period_display = serializers.CharField(
        read_only=True, help_text="Programperioden, till exempel 2021–2027; tom om okänd."
    )

    class Meta:
        model = Programme
        fields = ["slug", "name", "short_name", "start_year", "end_year", "period_display"]


class MunicipalityRefSerializer(ReadOnlyModelSerializer):
    name = serializers.CharField(source="public_name", read_only=True)
    url = api_url("municipality-detail")

    class Meta:
        model = Municipality
        fields = ["slug", "scb_code", "name", "url"]


class PublishedMunicipalityRefSerializer(MunicipalityRefSerializer):
    """Kommunen eller regionen; null om den inte har någon publik sida."""

    def get_attribute(self, instance):
        municipality = super().get_attribute(instance)
        # The view annotates whether the municipality has a public page (portal.models'
        # public.selectors.public_municipalities()); a record's own municipality always has one.
        public = getattr(instance, "municipality_is_public", None)
        if public is None and municipality is not None:
            public = municipality.is_published
        return municipality if municipality and public else None


class OrganisationRefSerializer(ReadOnlyModelSerializer):
    """En organisation som deltar i något publicerat och därför också finns i API:t."""

    country = CountrySerializer(read_only=True)
    url = api_url("organisation-detail")

    class Meta:
        model = Organisation
        fields = ["slug", "name", "short_name", "country", "url"]


class OrganisationNameSerializer(ReadOnlyModelSerializer):
    """En organisation som nämns vid något annat (den som samordnar, en persons arbetsgivare)."""

    class Meta:
        model = Organisation
        fields = ["slug", "name"]


class PartnershipRefSerializer(ReadOnlyModelSerializer):
    url = api_url("partnership-detail")

    class Meta:
        model = Partnership
        fields = ["slug", "name", "kind", "url"]


class ProjectRefSerializer(ReadOnlyModelSerializer):
    url = api_url("project-detail")

    class Meta:
        model = Project
        fields = ["slug", "title", "acronym", "url"]


# Derived facts.


class PeriodSerializer(serializers.Serializer):
    """En period i den precision den angavs: svensk text och ISO-datum.

    Datumen är första och sista dagen av det de står för: "2014–2015" börjar 2014-01-01
    med precisionen "year" och slutar 2015-12-31.
    """

    display = serializers.CharField(source="period_display", help_text="Som på sidan.")
    start = serializers.DateField(source="start_date", allow_null=True)
    start_precision = serializers.ChoiceField(choices=DatePrecision.choices, allow_null=True)
    end = serializers.DateField(source="end_date", allow_null=True)
    end_precision = serializers.ChoiceField(choices=DatePrecision.choices, allow_null=True)
    ends_on = serializers.DateField(
        allow_null=True,
        help_text="Slutet som angivet, eller räknat från längden när bara den är känd.",
    )
    duration_months = serializers.IntegerField(allow_null=True)
    duration_display = BlankAsNullField()

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for date, precision in (("start", "start_precision"), ("end", "end_precision")):
            if data[date] is None:
                data[precision] = None
        return data


class MoneySerializer(serializers.Serializer):
    """Ett belopp och dess valuta, och detsamma skrivet på svenskt sätt."""

    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.ChoiceField(choices=Currency.choices)
    display = serializers.CharField(help_text="Till exempel ”37 500 EUR”.")

    def __init__(self, *, amount: str, currency: str, display: str, **kwargs):
        self.attributes = {"amount": amount, "currency": currency, "display": display}
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def get_attribute(self, instance):
        if getattr(instance, self.attributes["amount"]) is None:
            return None
        return {key: getattr(instance, name) for key, name in self.attributes.items()}


class StatusMixin(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=PeriodStatus.choices,
        allow_null=True,
        read_only=True,
        help_text="Räknas fram ur perioden och dagens datum; null när perioden är okänd.",
    )
    status_display = serializers.CharField(read_only=True)


# People.


class PersonSerializer(ReadOnlyModelSerializer):
    """En kontaktperson. E-post och telefon är null om personen inte har godkänt att de visas."""

    organisation = OrganisationNameSerializer(read_only=True, allow_null=True)
    email = BlankAsNullField(source="public_email")
    phone = BlankAsNullField(source="public_phone", help_text="I internationell form (E.164).")
    phone_display = BlankAsNullField(source="public_phone_display", help_text="Som på sidan.")

    class Meta:
        model = Person
        fields = ["name", "title", "organisation", "email", "phone", "phone_display"]


class ContactCentreSerializer(ReadOnlyModelSerializer):
    phone_display = serializers.CharField(read_only=True)

    class Meta:
        model = ContactCentre
        fields = [
            "name",
            "opening_hours",
            "street_address",
            "postal_code",
            "city",
            "phone",
            "phone_display",
            "email",
        ]


# Municipalities.


class MunicipalitySerializer(ReadOnlyModelSerializer):
    kind_display = ChoiceLabelField("kind")
    public_name = serializers.CharField(read_only=True, help_text="Namnet som sidan visar.")
    county = CountySerializer(read_only=True)
    contacts = PersonSerializer(many=True, read_only=True)
    contact_centre = ContactCentreSerializer(
        source="contact_centre_or_none", read_only=True, allow_null=True
    )
    partnership_count = serializers.IntegerField(read_only=True)
    project_count = serializers.IntegerField(read_only=True)
    network_count = serializers.IntegerField(read_only=True)
    story_count = serializers.IntegerField(read_only=True)
    url = api_url("municipality-detail")
    page_url = PageUrlField("portal:municipality_detail")
    partnerships_url = FilteredListUrlField("api:partnership-list")
    projects_url = FilteredListUrlField("api:project-list")
    networks_url = FilteredListUrlField("api:network-list")

    class Meta:
        model = Municipality
        fields = [
            "slug",
            "scb_code",
            "name",
            "display_name",
            "public_name",
            "short_name",
            "kind",
            "kind_display",
            "county",
            "website",
            "intro",
            "partnership_count",
            "project_count",
            "network_count",
            "story_count",
            "contacts",
            "contact_centre",
            "updated_at",
            "url",
            "page_url",
            "partnerships_url",
            "projects_url",
            "networks_url",
        ]
        extra_kwargs = {"intro": {"help_text": "Markdown."}}


# Partnerships.


class PartnershipPartySerializer(ReadOnlyModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True)
    role_display = ChoiceLabelField("role")

    class Meta:
        model = PartnershipParty
        fields = ["organisation", "role", "role_display", "since_year", "until_year", "note"]


class ExchangeProgrammeSerializer(ReadOnlyModelSerializer):
    organiser = OrganisationNameSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ExchangeProgramme
        fields = ["name", "organiser", "description"]


class PartnershipSerializer(StatusMixin, ReadOnlyModelSerializer):
    kind_display = ChoiceLabelField("kind")
    municipality = MunicipalityRefSerializer(read_only=True)
    parties = PartnershipPartySerializer(many=True, read_only=True)
    other_municipalities = MunicipalityRefSerializer(
        many=True,
        read_only=True,
        help_text="Fler svenska kommuner och regioner som deltar, utöver den som äger posten.",
    )
    period = PeriodSerializer()
    is_former = serializers.SerializerMethodField(help_text="Upphört; visas som tidigare.")
    activity_level_display = ChoiceLabelField("activity_level")
    coordinated_by = OrganisationNameSerializer(read_only=True, allow_null=True)
    themes = ThemeSerializer(many=True, read_only=True)
    funding_sources = FundingSourceSerializer(many=True, read_only=True)
    contacts = PersonSerializer(many=True, read_only=True)
    exchange_programmes = ExchangeProgrammeSerializer(many=True, read_only=True)
    replaced_by = PartnershipRefSerializer(
        source="public_replaced_by", read_only=True, allow_null=True
    )
    replaces = PartnershipRefSerializer(many=True, read_only=True)
    projects = ProjectRefSerializer(many=True, read_only=True)
    url = api_url("partnership-detail")
    page_url = PageUrlField("partnerships:detail")

    class Meta:
        model = Partnership
        fields = [
            "slug",
            "name",
            "kind",
            "kind_display",
            "municipality",
            "parties",
            "other_municipalities",
            "period",
            "status",
            "status_display",
            "is_former",
            "end_reason",
            "activity_level",
            "activity_level_display",
            "activity_noted_on",
            "background",
            "coordinated_by",
            "steering_group",
            "earlier_projects_note",
            "themes",
            "funding_sources",
            "contacts",
            "exchange_programmes",
            "replaced_by",
            "replaces",
            "projects",
            "updated_at",
            "url",
            "page_url",
        ]
        extra_kwargs = {"background": {"help_text": "Markdown."}}

    def get_is_former(self, partnership) -> bool:
        return not partnership.is_live


# Projects.


class ProjectParticipantSerializer(ReadOnlyModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True)
    role_display = ChoiceLabelField("role")
    budget = MoneySerializer(
        amount="budget_amount", currency="budget_currency", display="budget_display"
    )
    swedish_municipality = MunicipalityRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="Den svenska kommun eller region som deltagaren är, när den har bekräftat.",
    )

    class Meta:
        model = ProjectParticipant
        fields = ["organisation", "role", "role_display", "budget", "swedish_municipality", "note"]


class ProjectSerializer(StatusMixin, ReadOnlyModelSerializer):
    kind_display = ChoiceLabelField("kind")
    municipality = MunicipalityRefSerializer(read_only=True)
    partnership = PartnershipRefSerializer(
        source="public_partnership", read_only=True, allow_null=True
    )
    programme = ProgrammeSerializer(read_only=True, allow_null=True)
    funding_sources = FundingSourceSerializer(many=True, read_only=True)
    period = PeriodSerializer()
    budget = MoneySerializer(
        amount="total_budget", currency="budget_currency", display="budget_display"
    )
    grant = MoneySerializer(
        amount="grant_amount", currency="grant_currency", display="grant_display"
    )
    participants = ProjectParticipantSerializer(
        source="project_participants", many=True, read_only=True
    )
    other_municipalities = MunicipalityRefSerializer(
        many=True,
        read_only=True,
        help_text="Fler svenska kommuner och regioner som deltar, utöver den som äger posten.",
    )
    lead_partner = OrganisationRefSerializer(read_only=True, allow_null=True)
    partner_countries = CountrySerializer(
        many=True,
        read_only=True,
        help_text="Länder som anges för projektet utöver deltagarnas.",
    )
    countries = CountrySerializer(
        many=True,
        read_only=True,
        help_text="Alla länder utomlands som projektet arbetar med: deltagarnas, de angivna "
        "och samarbetets partners. Det är dem filtret country söker i.",
    )
    themes = ThemeSerializer(many=True, read_only=True)
    contacts = PersonSerializer(many=True, read_only=True)
    url = api_url("project-detail")
    page_url = PageUrlField("projects:detail")

    class Meta:
        model = Project
        fields = [
            "slug",
            "title",
            "acronym",
            "original_title",
            "original_language",
            "kind",
            "kind_display",
            "municipality",
            "partnership",
            "programme",
            "funding_sources",
            "summary",
            "description",
            "period",
            "status",
            "status_display",
            "budget",
            "grant",
            "money_note",
            "participants",
            "other_municipalities",
            "lead_partner",
            "partner_countries",
            "countries",
            "themes",
            "contacts",
            "website",
            "updated_at",
            "url",
            "page_url",
        ]
        extra_kwargs = {"description": {"help_text": "Markdown."}}


# Networks.


class MembershipRoleSerializer(ReadOnlyModelSerializer):
    years_display = serializers.CharField(read_only=True)

    class Meta:
        model = MembershipRole
        fields = ["title", "start_year", "end_year", "years_display"]


class MembershipSerializer(ReadOnlyModelSerializer):
    municipality = MunicipalityRefSerializer(read_only=True)
    period_display = serializers.CharField(read_only=True)
    roles = MembershipRoleSerializer(many=True, read_only=True)

    class Meta:
        model = Membership
        fields = ["municipality", "since_year", "until_year", "period_display", "note", "roles"]


class NetworkSerializer(ReadOnlyModelSerializer):
    category_display = ChoiceLabelField("category")
    scope_display = ChoiceLabelField("scope")
    programme = ProgrammeSerializer(read_only=True, allow_null=True)
    member_count = serializers.IntegerField(
        read_only=True, help_text="Medlemmar bland kommunerna med en publik sida."
    )
    memberships = MembershipSerializer(source="public_memberships", many=True, read_only=True)
    url = api_url("network-detail")
    page_url = PageUrlField("networks:detail")

    class Meta:
        model = Network
        fields = [
            "slug",
            "name",
            "acronym",
            "category",
            "category_display",
            "scope",
            "scope_display",
            "description",
            "website",
            "founded_year",
            "seat",
            "size",
            "size_text",
            "programme",
            "member_count",
            "memberships",
            "updated_at",
            "url",
            "page_url",
        ]
        extra_kwargs = {"description": {"help_text": "Markdown."}}


# Organisations.


class OrganisationOtherNameSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = OrganisationName
        fields = ["name", "is_former"]


class OrganisationSerializer(ReadOnlyModelSerializer):
    kind_display = ChoiceLabelField("kind")
    country = CountrySerializer(read_only=True)
    other_names = OrganisationOtherNameSerializer(many=True, read_only=True)
    municipality = PublishedMunicipalityRefSerializer(
        read_only=True, allow_null=True, help_text="Den svenska kommun som organisationen hör till."
    )
    url = api_url("organisation-detail")

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "short_name",
            "other_names",
            "kind",
            "kind_display",
            "country",
            "region",
            "latitude",
            "longitude",
            "website",
            "description",
            "municipality",
            "url",
        ]
        # Numbers in decimal degrees (WGS 84), as maps read them; null when not placed.
        extra_kwargs = {
            "latitude": {"coerce_to_string": False},
            "longitude": {"coerce_to_string": False},
        }


class OrganisationPartnershipSerializer(ReadOnlyModelSerializer):
    partnership = PartnershipRefSerializer(read_only=True)
    role_display = ChoiceLabelField("role")

    class Meta:
        model = PartnershipParty
        fields = ["partnership", "role", "role_display", "since_year", "until_year"]


class OrganisationProjectSerializer(ReadOnlyModelSerializer):
    project = ProjectRefSerializer(read_only=True)
    role_display = ChoiceLabelField("role")

    class Meta:
        model = ProjectParticipant
        fields = ["project", "role", "role_display"]


class OrganisationDetailSerializer(OrganisationSerializer):
    """En organisation med de publicerade samarbeten och projekt den deltar i."""

    partnerships = OrganisationPartnershipSerializer(
        source="public_parties", many=True, read_only=True
    )
    projects = OrganisationProjectSerializer(
        source="public_participations", many=True, read_only=True
    )

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "partnerships", "projects"]
