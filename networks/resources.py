"""Network memberships as a spreadsheet: one row per municipality and network.

A membership has no ID of its own: the municipality and the network identify it, so a
row with a municipality and network that already have a membership updates it.
"""

from import_export.fields import Field

from networks.keys import network_key
from networks.models import Membership, MembershipRole
from spreadsheets import keys
from spreadsheets.fields import ChildListField
from spreadsheets.resources import SpreadsheetResource
from spreadsheets.widgets import (
    IntegerCellWidget,
    NaturalKeyWidget,
    TextWidget,
    TitledYearsListWidget,
)


class MembershipResource(SpreadsheetResource):
    municipality = Field("municipality", "Kommun", NaturalKeyWidget(keys.municipality_key()))
    network = Field("network", "Nätverk", NaturalKeyWidget(network_key()))
    since_year = Field("since_year", "Medlem sedan år", IntegerCellWidget())
    until_year = Field("until_year", "Medlem till och med år", IntegerCellWidget())
    roles = ChildListField("roles", "Roller", TitledYearsListWidget(MembershipRole))
    note = Field("note", "Om medlemskapet", TextWidget())

    refused_message = "Medlemskapet hör till en kommun du inte samordnar."

    class Meta:
        model = Membership
        import_id_fields = ["municipality", "network"]
        fields = ("municipality", "network", "since_year", "until_year", "roles", "note")

    def import_key(self, instance):
        if instance.municipality_id and instance.network_id:
            return (instance.municipality_id, instance.network_id)
        return None

    def id_field_name(self) -> str:
        return "network"

    def check_instance(self, instance, errors):
        super().check_instance(instance, errors)
        since, until = instance.since_year, instance.until_year
        if since and until and until < since and not {"since_year", "until_year"} & errors.keys():
            errors["until_year"] = ["Slutåret kan inte ligga före startåret."]
