"""Contact people as a spreadsheet. A person belongs to no municipality: a coordinator
may add people, and change the ones they reach (portal.scoping)."""

from import_export.fields import Field

from contacts.models import Person
from portal.spreadsheets import keys
from portal.spreadsheets.resources import SpreadsheetResource
from portal.spreadsheets.widgets import NaturalKeyWidget, PhoneWidget, TextWidget


class PersonResource(SpreadsheetResource):
    slug = Field("slug", "ID", TextWidget())
    name = Field("name", "Namn", TextWidget())
    title = Field("title", "Titel", TextWidget())
    organisation = Field("organisation", "Organisation", NaturalKeyWidget(keys.organisation_key()))
    email = Field("email", "E-post", TextWidget())
    phone = Field("phone", "Telefon", PhoneWidget())

    owner_field = None
    slug_source = "name"
    required_fields = ("name",)

    class Meta:
        model = Person
        fields = ("slug", "name", "title", "organisation", "email", "phone")
