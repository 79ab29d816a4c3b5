"""How a network is named in a spreadsheet's cell."""

from networks.models import Network
from spreadsheets.widgets import NaturalKey


def network_key() -> NaturalKey:

    return NaturalKey(
        Network,
        lookups=("name", "acronym", "slug"),
        unknown="Hittar inget nätverk {value}. Skriv nätverkets namn; ett nytt nätverk "
        "läggs först till under Nätverk.",
    )
