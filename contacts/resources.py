"""Contact people as a spreadsheet. A person belongs to no municipality: a coordinator
may add people, and change the ones they reach (access.scoping)."""

from import_export.fields import Field

from contacts.keys import organisation_key
from contacts.models import Person
from spreadsheets.resources import SpreadsheetResource
from spreadsheets.widgets import (
    BooleanCellWidget,
    NaturalKeyWidget,
    PhoneWidget,
    TextWidget,
)


class PersonResource(SpreadsheetResource):
    slug = Field("slug", "ID", TextWidget())
    name = Field("name", "Namn", TextWidget())
    title = Field("title", "Titel", TextWidget())
    organisation = Field("organisation", "Organisation", NaturalKeyWidget(organisation_key()))
    email = Field("email", "E-post", TextWidget())
    phone = Field("phone", "Telefon", PhoneWidget())
    contact_details_public = Field(
        "contact_details_public",
        "Visa e-post och telefon publikt",
        BooleanCellWidget(),
        default=False,
    )

    owner_field = None
    slug_source = "name"
    required_fields = ("name",)

    class Meta:
        model = Person
        fields = (
            "slug",
            "name",
            "title",
            "organisation",
            "email",
            "phone",
            "contact_details_public",
        )
