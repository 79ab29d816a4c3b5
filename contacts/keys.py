"""How an organisation is named in a spreadsheet's cell (spreadsheets/widgets.py: NaturalKey)."""

from contacts.models import Organisation, OrganisationName
from spreadsheets.widgets import NaturalKey, cell_text, quoted


class OrganisationKey(NaturalKey):
    """An organisation by name or slug, else by its normalised name or another name of it
    (portal.names: "KØGE KOMMUNE", "Municipality of Køge"), when that gives exactly one.
    An unknown name is answered with the nearest registered names."""

    def __init__(self, model, **kwargs):
        super().__init__(model, **kwargs)
        self._by_key = None

    def _index(self) -> dict[str, set[int]]:
        from portal.names import organisation_name_keys

        if self._by_key is None:
            self._by_key = {}
            names = [(pk, record.name) for pk, record in self.records().items()]
            names += list(OrganisationName.objects.values_list("organisation_id", "name"))
            for pk, name in names:
                for key in organisation_name_keys(name):
                    self._by_key.setdefault(key, set()).add(pk)
        return self._by_key

    def find(self, value):
        try:
            return super().find(value)
        except ValueError as error:
            if "Flera" in str(error):
                raise
            from portal.names import nearest_keys, organisation_name_key, organisation_name_keys

            index = self._index()
            found = set().union(*(index.get(key, set()) for key in organisation_name_keys(value)))
            if len(found) == 1:
                organisation = self.records()[found.pop()]
                self._cache[cell_text(value).strip().casefold()] = organisation
                return organisation
            if found:
                names = sorted(self.records()[pk].name for pk in found if pk in self.records())
                raise ValueError(
                    f"Flera organisationer passar {quoted(value)}: {'; '.join(names)}. Skriv "
                    "adressnamnet i stället."
                ) from error
            close = nearest_keys(organisation_name_key(value), index)
            ids = {pk for key in close for pk in index[key]}
            names = sorted(self.records()[pk].name for pk in ids if pk in self.records())
            hint = f" Närmast: {'; '.join(names[:3])}." if names else ""
            raise ValueError(f"{error}{hint}") from error


def organisation_key() -> OrganisationKey:

    return OrganisationKey(
        Organisation,
        unknown="Hittar ingen organisation {value}. Skriv organisationens namn eller "
        "adressnamn; en ny organisation läggs först till under Organisationer (en lista med "
        "en rad per partner, under Importera projektlista, lägger till dem som saknas).",
    )
