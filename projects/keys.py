"""How a programme is named in a spreadsheet's cell."""

from projects.models import Programme
from spreadsheets.widgets import NaturalKey


def programme_key() -> NaturalKey:

    return NaturalKey(
        Programme,
        lookups=("name", "short_name", "slug"),
        unknown="Hittar inget program {value}. Skriv programmets namn, till exempel "
        "Interreg Öresund.",
    )
