"""The survey's vocabulary, shared by partnerships, networks and the statistics."""

from django.db import models


class CooperationKind(models.TextChoices):
    """SKL 2018: the three kinds of international cooperation."""

    TWIN_TOWN = "vanort", "Vänort"
    MUNICIPAL_PARTNERSHIP = "kommunalt_partnerskap", "Kommunalt partnerskap"
    OTHER = "annat_samarbete", "Annat samarbete"


class ActivityLevel(models.TextChoices):
    """SKL 2018: how active a live twin town or partnership is."""

    ACTIVE = "aktiv", "Aktiv"
    SPORADIC = "sporadisk", "Sporadisk"
    DORMANT = "vilande", "Vilande"


class WorldRegion(models.TextChoices):
    """How the survey groups partner countries."""

    NORDIC = "norden", "Norden"
    EUROPE = "ovriga_europa", "Övriga Europa"
    WORLD = "ovriga_varlden", "Övriga världen"


class Currency(models.TextChoices):
    SEK = "SEK", "SEK (svenska kronor)"
    EUR = "EUR", "EUR (euro)"
    DKK = "DKK", "DKK (danska kronor)"
    NOK = "NOK", "NOK (norska kronor)"
    USD = "USD", "USD (amerikanska dollar)"
    GBP = "GBP", "GBP (brittiska pund)"
