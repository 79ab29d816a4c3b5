"""Widgets: how one spreadsheet cell becomes a value on a model, and back.

Widgets hand native values to the formats (a `date`, a `Decimal`, an `int`), so dates and
amounts become date and number cells. On import they accept what a person or a
spreadsheet program is likely to put in a cell (a date cell or "2014-03-01", 37500 or
"37 500,50", "Växjö kommun" or the SCB code 0780) and answer anything else with a
ValueError whose message is Swedish; django-import-export shows it beside the row and
column.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import Lower
from import_export import widgets

from portal.formatting import format_phone, format_year_range, month_name, normalise_phone

LIST_SEPARATOR = ";"


def is_blank(value) -> bool:
    return value is None or (type(value) is str and not value.strip())


def cell_text(value) -> str:
    """A cell as text, whatever type the spreadsheet program gave it."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def quoted(value) -> str:
    return f"”{cell_text(value).strip()}”"


def split_list(value) -> list[str]:
    """A list cell split at semicolons: "Miljö; Kultur" → ["Miljö", "Kultur"]."""
    return [part.strip() for part in cell_text(value).split(LIST_SEPARATOR) if part.strip()]


class TextWidget(widgets.CharWidget):
    """Plain text. Numbers and dates typed into a text column are taken as written."""

    def clean(self, value, row=None, **kwargs) -> str:
        return cell_text(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(value)


class PhoneWidget(TextWidget):
    """Exported the Swedish way (073-677 07 09), stored as E.164 like the admin form does."""

    def clean(self, value, row=None, **kwargs) -> str:
        try:
            return normalise_phone(cell_text(value))
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error

    def render(self, value, obj=None, **kwargs) -> str:
        return format_phone(value or "")


def _number_text(value) -> str:
    """A number as Python reads it: "37 500,50" → "37500.50". Spaces go; the last of comma
    and point is the decimal sign."""
    text = re.sub(r"[\s\u00a0\u202f']", "", cell_text(value))
    if "," in text and "." in text:
        decimal_sign = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_sign == "," else ",", "")
    return text.replace(",", ".").replace("−", "-")


class IntegerCellWidget(widgets.IntegerWidget):
    """A whole number (a year, a number of months): a number cell on export."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        if is_blank(value):
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            number = Decimal(_number_text(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(
                f"{quoted(value)} är inget heltal. Skriv bara siffror, till exempel 2014."
            )
        if abs(number) > 10**9:
            raise ValueError(f"{quoted(value)} är ett för stort tal.")
        return int(number)

    def render(self, value, obj=None, **kwargs) -> int | None:
        return value


class AmountWidget(widgets.DecimalWidget):
    """Money: a number cell on export; on import 37500, "37 500,50" or "37500.50"."""

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        if is_blank(value):
            return None
        if isinstance(value, float):
            value = repr(value)
        try:
            number = value if isinstance(value, Decimal) else Decimal(_number_text(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(
                f"{quoted(value)} är inget belopp. Skriv bara siffror, till exempel 37500 eller "
                "37 500,50; valutan står i en egen kolumn."
            )
        return number

    def render(self, value, obj=None, **kwargs) -> Decimal | None:
        return value


_MONTHS = {month_name(number): number for number in range(1, 13)}
_DATE_TEXT = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$"
    r"|^(?:(?P<sv_day>\d{1,2})\s+)?(?P<sv_month>[a-zåäö]+)\s+(?P<sv_year>\d{4})$",
    re.IGNORECASE,
)


class DateCellWidget(widgets.DateWidget):
    """A date cell on export. On import a date cell, "2014-03-01", "2014-03", "2014",
    "1 mars 2014" or "mars 2014"; a year or month means its first day (the precision
    column says how exact the date is)."""

    MESSAGE = "{value} är inget datum. Skriv till exempel 2014-03-01, 2014-03 eller 2014."

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if is_blank(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                number = int(value)
                if number != value:
                    raise ValueError
                if 1000 <= number <= 9999:
                    return datetime.date(number, 1, 1)
                # A date cell without a date format: Excel's serial day number.
                return datetime.date.fromordinal(datetime.date(1899, 12, 30).toordinal() + number)
            match = _DATE_TEXT.match(cell_text(value).strip())
            if match is None:
                raise ValueError
            if match["year"]:
                return datetime.date(
                    int(match["year"]), int(match["month"] or 1), int(match["day"] or 1)
                )
            month = _MONTHS.get(match["sv_month"].lower())
            if month is None:
                raise ValueError
            return datetime.date(int(match["sv_year"]), month, int(match["sv_day"] or 1))
        except (ValueError, OverflowError) as error:
            raise ValueError(self.MESSAGE.format(value=quoted(value))) from error

    def render(self, value, obj=None, **kwargs) -> datetime.date | None:
        return value


class ChoiceWidget(widgets.Widget):
    """A choice written as its Swedish label ("Förstudie", "År"); the stored value is
    understood too, and case does not matter."""

    def __init__(self, choices, *, render_value: bool = False):
        super().__init__()
        self.choices = list(choices)
        self.render_value = render_value
        self.lookup = {}
        for value, label in self.choices:
            self.lookup[str(label).casefold()] = value
            self.lookup[str(value).casefold()] = value

    def clean(self, value, row=None, **kwargs) -> str:
        if is_blank(value):
            return ""
        try:
            return self.lookup[cell_text(value).strip().casefold()]
        except KeyError as error:
            names = ", ".join(
                str(value if self.render_value else label) for value, label in self.choices
            )
            raise ValueError(
                f"{quoted(value)} finns inte bland valen. Skriv något av: {names}."
            ) from error

    def render(self, value, obj=None, **kwargs) -> str:
        if value in (None, ""):
            return ""
        if self.render_value:
            return str(value)
        return str(dict(self.choices).get(value, value))


class BooleanCellWidget(widgets.BooleanWidget):
    """Ja or Nej."""

    TRUE_TEXTS = {"ja", "j", "sant", "true", "1", "x"}
    FALSE_TEXTS = {"nej", "n", "falskt", "false", "0"}

    def clean(self, value, row=None, **kwargs) -> bool | None:
        if isinstance(value, bool):
            return value
        if is_blank(value):
            return None
        text = cell_text(value).strip().casefold()
        if text in self.TRUE_TEXTS:
            return True
        if text in self.FALSE_TEXTS:
            return False
        raise ValueError(f"{quoted(value)}: skriv Ja eller Nej.")

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return "Ja" if value else "Nej"


class NaturalKey:
    """Finds a related record from what a person writes: a name, a code or an ID (slug).

    `lookups` are tried in order, case-insensitively; a lookup that matches one record
    wins. The export writes `label_field`, or `fallback_field` (the slug) where two records
    share that label (or it holds the list separator), so that what is exported can
    always be imported.
    The records are read once, when the first cell is looked up, and kept for the life of
    the widget (one import), so an import reads each table once rather than once per cell.
    """

    def __init__(
        self,
        model,
        *,
        lookups=("name", "slug"),
        label_field="name",
        fallback_field="slug",
        unknown="Hittar ingen post {value}.",
        queryset=None,
    ):
        self.model = model
        self.lookups = lookups
        self.label_field = label_field
        self.fallback_field = fallback_field
        self.unknown = unknown
        self._queryset = queryset
        self._cache = {}
        self._shared_labels = None
        self._records = None
        self._by_lookup = None

    def queryset(self):
        return self._queryset.all() if self._queryset is not None else self.model.objects.all()

    def records(self) -> dict:
        """Every record this key can find, by primary key, read once."""
        if self._records is None:
            self._records = {record.pk: record for record in self.queryset()}
        return self._records

    def matches(self, lookup: str, text: str) -> list:
        """The records whose `lookup` field is `text`, without regard to case (as the
        `iexact` lookup compares)."""
        if self._by_lookup is None:
            self._by_lookup = {name: {} for name in self.lookups}
            for record in self.records().values():
                for name, index in self._by_lookup.items():
                    field_value = getattr(record, name)
                    if field_value not in (None, ""):
                        index.setdefault(str(field_value).casefold(), []).append(record)
        return self._by_lookup[lookup].get(text.casefold(), [])

    def candidates(self, value) -> list[str]:
        return [cell_text(value).strip()]

    def find(self, value):
        cache_key = cell_text(value).strip().casefold()
        if cache_key in self._cache:
            return self._cache[cache_key]
        ambiguous = False
        for text in self.candidates(value):
            for lookup in self.lookups:
                matches = self.matches(lookup, text) if text else []
                if len(matches) == 1:
                    self._cache[cache_key] = matches[0]
                    return matches[0]
                ambiguous = ambiguous or len(matches) > 1
        if ambiguous:
            raise ValueError(
                f"Flera {self.model._meta.verbose_name_plural} passar {quoted(value)}. "
                "Skriv adressnamnet i stället."
            )
        raise ValueError(self.unknown.format(value=quoted(value)))

    def label(self, obj) -> str:
        return self.label_from(getattr(obj, self.label_field), getattr(obj, self.fallback_field))

    def label_from(self, text: str, fallback: str) -> str:
        if LIST_SEPARATOR in text or text.casefold() in self.shared_labels():
            return fallback
        return text

    def shared_labels(self) -> set[str]:
        """Labels that more than one record has, compared case-insensitively."""
        if self._shared_labels is None:
            self._shared_labels = set(
                self.model.objects.annotate(key=Lower(self.label_field))
                .values("key")
                .annotate(count=Count("pk"))
                .filter(count__gt=1)
                .values_list("key", flat=True)
            )
        return self._shared_labels


class MunicipalityKey(NaturalKey):
    """A municipality by name (Växjö kommun, Växjö) or SCB code; a code typed as a number
    (780, because a spreadsheet dropped the leading zero) is understood too."""

    def __init__(self, model, **kwargs):
        kwargs.setdefault("lookups", ("name", "display_name", "short_name", "scb_code", "slug"))
        kwargs.setdefault(
            "unknown",
            "Hittar ingen kommun {value}. Skriv kommunens namn, till exempel Växjö kommun, "
            "eller SCB-koden, till exempel 0780.",
        )
        super().__init__(model, **kwargs)

    def candidates(self, value) -> list[str]:
        text = cell_text(value).strip()
        if text.isdigit() and len(text) < 4:
            return [text.zfill(4), text.zfill(2)]
        return [text]

    def label_from(self, text: str, fallback: str) -> str:
        return text


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the related record's name."""

    def __init__(self, key: NaturalKey, **kwargs):
        self.key = key
        super().__init__(model=key.model, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        return self.key.find(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else self.key.label(value)


class NameListWidget(widgets.ManyToManyWidget):
    """A many-to-many relation as names separated by semicolons: "Miljö; Kultur"."""

    def __init__(self, key: NaturalKey, **kwargs):
        self.key = key
        super().__init__(model=key.model, separator=LIST_SEPARATOR, **kwargs)

    def clean(self, value, row=None, **kwargs) -> list:
        found, errors = {}, []
        for part in split_list(value):
            try:
                obj = self.key.find(part)
            except ValueError as error:
                errors.append(str(error))
            else:
                found[obj.pk] = obj
        if errors:
            raise ValueError(" ".join(errors))
        return list(found.values())

    def join(self, labels) -> str:
        return f"{LIST_SEPARATOR} ".join(sorted(labels, key=str.casefold))

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return self.join(self.key.label(related) for related in value.all())


_YEARS = re.compile(
    r"^(?:(?P<start>\d{4})\s*(?P<dash>[–-])?\s*(?P<end>\d{4})?"
    r"|(?:från|sedan)\s+(?P<open_start>\d{4})"
    r"|till och med\s+(?P<open_end>\d{4}))$",
    re.IGNORECASE,
)


def parse_years(text: str) -> tuple[int | None, int | None]:
    """Years as format_year_range writes them: "2021–2023", "2024", "sedan 2005", "från
    2021", "2005–", "till och med 2017"."""
    match = _YEARS.match(text.strip())
    if match is None:
        raise ValueError(
            f"{quoted(text)} är inga år. Skriv till exempel 2021–2023, 2024, sedan 2005 "
            "eller till och med 2017."
        )
    if match["open_start"]:
        return int(match["open_start"]), None
    if match["open_end"]:
        return None, int(match["open_end"])
    start = int(match["start"])
    if match["end"]:
        end = int(match["end"])
        if end < start:
            raise ValueError(f"{quoted(text)}: slutåret kan inte ligga före startåret.")
        return start, end
    return (start, None) if match["dash"] else (start, start)


class ChildListWidget(widgets.ManyToManyWidget):
    """Child records (a project's participants, a partnership's parties, a membership's
    roles) as a list in one cell, items separated by semicolons.

    `fields` are the child model's fields an item sets; the first identifies the child
    within its parent. `clean` gives one dict per item. An item is written from the
    values named by `export_values` (lookups such as "organisation__name"), so an export
    can read them for many parents with one `values()` query (ChildListField.export_texts).
    """

    fields: tuple[str, ...] = ()
    export_values: tuple[str, ...] = ()

    def __init__(self, model, **kwargs):
        super().__init__(model=model, separator=LIST_SEPARATOR, **kwargs)

    def parse_item(self, text: str) -> dict:
        raise NotImplementedError

    def format_values(self, values: dict) -> str:
        raise NotImplementedError

    def sort_values(self, values: dict):
        return self.format_values(values).casefold()

    def check(self, items: list[dict]) -> None:
        """Raise ValueError for a list that breaks a rule across items."""
        keys = [item[self.fields[0]] for item in items]
        for key in keys:
            if keys.count(key) > 1:
                raise ValueError(f"{quoted(str(key))} står mer än en gång i listan.")

    def clean(self, value, row=None, **kwargs) -> list[dict]:
        items, errors = [], []
        for part in split_list(value):
            try:
                items.append(self.parse_item(part))
            except ValueError as error:
                errors.append(str(error))
        if errors:
            raise ValueError(" ".join(errors))
        self.check(items)
        return items

    def join(self, rows) -> str:
        """The cell for the given children, each a dict of `export_values`."""
        rows = sorted(rows, key=self.sort_values)
        return f"{LIST_SEPARATOR} ".join(self.format_values(values) for values in rows)

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None or getattr(getattr(value, "instance", None), "pk", 0) is None:
            return ""  # a record not saved yet has no children
        children = value.all()
        if children._result_cache is not None:  # prefetched with the record: no query
            return self.join(
                [{name: _follow(child, name) for name in self.export_values} for child in children]
            )
        # One query, with the related names joined in, rather than one per child.
        return self.join(value.order_by().values(*self.export_values))


def _follow(obj, lookup: str):
    """What values(lookup) gives for `obj`: "organisation__name" → obj.organisation.name."""
    for name in lookup.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


class OrganisationRoleListWidget(ChildListWidget):
    """Organisations with their role, optionally with years: "Tempe (Partner, sedan 2005)".

    A role is read by its value, its label or one of `aliases` (which may themselves hold
    parentheses: "Huvudpartner (lead partner)"), so an item is read from its end against
    the known roles. An item without a role gets the default role.
    """

    def __init__(
        self,
        model,
        *,
        organisations: NaturalKey,
        roles,
        default_role: str,
        years: tuple[str, str] | None = None,
        single_roles: tuple[str, ...] = (),
        aliases: dict[str, str] | None = None,
        **kwargs,
    ):
        super().__init__(model, **kwargs)
        self.organisations = organisations
        self.roles = list(roles)
        self.role_labels = {value: str(label) for value, label in self.roles}
        self.default_role = default_role
        self.years = years
        self.single_roles = single_roles
        self.fields = ("organisation", "role", *(years or ()))
        self.export_values = (
            f"organisation__{organisations.label_field}",
            f"organisation__{organisations.fallback_field}",
            "role",
            *(years or ()),
        )
        self.role_order = {value: index for index, (value, _) in enumerate(self.roles)}
        self.role_lookup = {}
        for value, label in self.roles:
            # "lead_partner", "Huvudpartner"; a label with an explanation in parentheses
            # is also known by its first part and by the explanation.
            names = [value, str(label), str(label).split(" (")[0]]
            names += re.findall(r"\(([^()]+)\)$", str(label))
            for name in names:
                self.role_lookup[name.casefold()] = value
        for name, value in (aliases or {}).items():
            self.role_lookup[name.casefold()] = value
        alternatives = "|".join(
            re.escape(name) for name in sorted(self.role_lookup, key=len, reverse=True)
        )
        years_part = r"(?:\s*,\s*(?P<years>[^()]*?))?" if years else ""
        self.pattern = re.compile(
            rf"^(?P<name>.+?)\s*\((?P<role>{alternatives}){years_part}\)$", re.IGNORECASE
        )

    def role_names(self) -> str:
        return ", ".join(self.role_labels.values())

    def parse_item(self, text: str) -> dict:
        match = self.pattern.match(text)
        name, role, years = text, self.default_role, ""
        if match:
            name = match["name"]
            role = self.role_lookup[match["role"].casefold()]
            years = match.groupdict().get("years") or ""
        try:
            organisation = self.organisations.find(name)
        except ValueError as error:
            if match or not text.endswith(")"):
                raise
            raise ValueError(
                f"{error} Skriv organisationens namn och rollen inom parentes, till exempel "
                f"”Tempe (Partner)”. Roller: {self.role_names()}."
            ) from error
        item = {"organisation": organisation, "role": role}
        if self.years:
            start, end = parse_years(years) if years.strip() else (None, None)
            item.update(zip(self.years, (start, end), strict=True))
        return item

    def check(self, items):
        super().check(items)
        for role in self.single_roles:
            if sum(item["role"] == role for item in items) > 1:
                raise ValueError(f"Bara en organisation kan ha rollen {self.role_labels[role]}.")

    def format_values(self, values: dict) -> str:
        name_lookup, fallback_lookup, role, *years = self.export_values
        parts = [self.role_labels.get(values[role], values[role])]
        if self.years:
            period = format_year_range(*(values[field] for field in years))
            if period:
                parts.append(period)
        name = self.organisations.label_from(values[name_lookup], values[fallback_lookup])
        return f"{name} ({', '.join(parts)})"

    def sort_values(self, values: dict):
        name_lookup, _, role, *_ = self.export_values
        return (self.role_order.get(values[role], 99), values[name_lookup].casefold())


class TitledYearsListWidget(ChildListWidget):
    """Titles with optional years: "Ordförande (2021–2023); Värdkommun (2024)"."""

    _SUFFIX = re.compile(r"^(?P<title>.+?)\s*\((?P<years>[^()]*\d{4}[^()]*)\)$")

    def __init__(self, model, *, title="title", years=("start_year", "end_year"), **kwargs):
        super().__init__(model, **kwargs)
        self.title = title
        self.years = years
        self.fields = self.export_values = (title, *years)

    def parse_item(self, text: str) -> dict:
        match = self._SUFFIX.match(text)
        title, (start, end) = text, (None, None)
        if match:
            try:
                start, end = parse_years(match["years"])
            except ValueError:
                pass  # a title that ends in brackets, such as "Samordnare (Agenda 2030)"
            else:
                title = match["title"]
        max_length = self.model._meta.get_field(self.title).max_length
        if len(title) > max_length:
            raise ValueError(f"{quoted(title)} är längre än {max_length} tecken.")
        return dict(zip(self.fields, (title, start, end), strict=True))

    def format_values(self, values: dict) -> str:
        title = values[self.title]
        years = format_year_range(*(values[field] for field in self.years), open_prefix="från")
        return f"{title} ({years})" if years else title

    def sort_values(self, values: dict):
        start = values[self.years[0]]
        return (start is None, start or 0, values[self.title].casefold())
