"""Partnerships (twin towns, municipal partnerships, other agreements) as a spreadsheet.

Not in the spreadsheet (kept as they are on import): contact people, photo, the
partnership that replaced this one, exchange programmes, parties' notes, review date.
"""

from import_export.fields import Field

from contacts.keys import organisation_key
from partnerships.models import Partnership, PartnershipKind, PartnershipParty, PartyRole
from portal.choices import ActivityLevel
from spreadsheets import keys
from spreadsheets.fields import ChildListField, ListField
from spreadsheets.resources import PeriodResource
from spreadsheets.widgets import (
    BooleanCellWidget,
    ChoiceWidget,
    DateCellWidget,
    NameListWidget,
    NaturalKeyWidget,
    OrganisationRoleListWidget,
    TextWidget,
)


class PartnershipResource(PeriodResource):
    slug = Field("slug", "ID", TextWidget())
    name = Field("name", "Namn", TextWidget())
    kind = Field("kind", "Samarbetsform", ChoiceWidget(PartnershipKind.choices))
    municipality = Field("municipality", "Kommun", NaturalKeyWidget(keys.municipality_key()))
    parties = ChildListField(
        "parties",
        "Parter",
        OrganisationRoleListWidget(
            PartnershipParty,
            organisations=organisation_key(),
            roles=PartyRole.choices,
            default_role=PartyRole.PARTNER,
            years=("since_year", "until_year"),
        ),
    )
    activity_level = Field("activity_level", "Aktivitetsgrad", ChoiceWidget(ActivityLevel.choices))
    activity_noted_on = Field("activity_noted_on", "Aktivitetsgrad bedömd", DateCellWidget())
    end_reason = Field("end_reason", "Varför det upphörde", TextWidget())
    coordinated_by = Field("coordinated_by", "Samordnas av", NaturalKeyWidget(organisation_key()))
    themes = ListField("themes", "Samarbetsområden", NameListWidget(keys.theme_key()))
    funding_sources = ListField(
        "funding_sources", "Finansieringsformer", NameListWidget(keys.funding_source_key())
    )
    background = Field("background", "Bakgrund", TextWidget())
    steering_group = Field("steering_group", "Styrgrupp", TextWidget())
    earlier_projects_note = Field("earlier_projects_note", "Om tidigare projekt", TextWidget())
    is_published = Field("is_published", "Publicerad", BooleanCellWidget(), default=False)

    slug_source = "name"
    required_fields = ("name", "kind", "municipality")

    class Meta:
        model = Partnership
        fields = (
            "slug",
            "name",
            "kind",
            "municipality",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "duration_months",
            "parties",
            "activity_level",
            "activity_noted_on",
            "end_reason",
            "coordinated_by",
            "themes",
            "funding_sources",
            "background",
            "steering_group",
            "earlier_projects_note",
            "is_published",
        )
