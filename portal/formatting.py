"""Derived facts rendered in Swedish, computed in one place.

Pages, admin, exports and the API all call these, so "2014–2015" or "37 500 EUR" is
written the same way everywhere.
"""

import calendar
import datetime
import functools
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.dates import MONTHS


class DatePrecision(models.TextChoices):
    YEAR = "year", "År"
    MONTH = "month", "Månad"
    DAY = "day", "Dag"


@functools.cache
def month_name(month: int) -> str:
    # Switching the language costs more than the rest of formatting a date.
    with translation.override("sv"):
        return str(MONTHS[month]).lower()


def swedish_date(value: datetime.date | None) -> str:
    """11 december 2018."""
    if value is None:
        return ""
    return f"{value.day} {month_name(value.month)} {value.year}"


def first_day(value: datetime.date, precision: str) -> datetime.date:
    """The first day of the year or month a date stands for."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def last_day(value: datetime.date, precision: str) -> datetime.date:
    """The last day of the year or month a date stands for."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return value


def add_months(value: datetime.date, months: int) -> datetime.date:
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    return value.replace(
        year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1])
    )


def _date_part(value: datetime.date, precision: str, *, with_year: bool = True) -> str:
    if precision == DatePrecision.YEAR:
        return str(value.year)
    year = f" {value.year}" if with_year else ""
    if precision == DatePrecision.MONTH:
        return f"{month_name(value.month)}{year}"
    return f"{value.day} {month_name(value.month)}{year}"


def format_period(
    start: datetime.date | None,
    start_precision: str,
    end: datetime.date | None,
    end_precision: str,
    *,
    open_prefix: str = "från",
) -> str:
    """Render a period with the precision it was given in.

    "2014–2015", "2018", "januari 2017 – december 2019", "1 januari – 31 december 2014",
    "från 1 december 2014" (a project), "sedan 2005" (a relation), "till och med 2017".
    """
    if start is None and end is None:
        return ""
    if end is None:
        return f"{open_prefix} {_date_part(start, start_precision)}"
    if start is None:
        return f"till och med {_date_part(end, end_precision)}"
    if start_precision == end_precision == DatePrecision.YEAR:
        if start.year == end.year:
            return str(start.year)
        return f"{start.year}–{end.year}"
    same_year = start.year == end.year and start_precision != DatePrecision.YEAR
    start_text = _date_part(start, start_precision, with_year=not same_year)
    return f"{start_text} – {_date_part(end, end_precision)}"


def format_year_range(start: int | None, end: int | None, *, open_prefix: str = "sedan") -> str:
    """2021–2023, 2024, sedan 2005, till och med 2017."""
    return format_period(
        datetime.date(start, 1, 1) if start else None,
        DatePrecision.YEAR,
        datetime.date(end, 12, 31) if end else None,
        DatePrecision.YEAR,
        open_prefix=open_prefix,
    )


def format_duration(months: int | None) -> str:
    """18 månader, 3 år, 2 år och 6 månader."""
    if not months:
        return ""
    years, rest = divmod(months, 12)
    parts = []
    if years:
        parts.append(f"{years} år")
    if rest:
        parts.append(f"{rest} månad" if rest == 1 else f"{rest} månader")
    return " och ".join(parts)


class PeriodStatus(models.TextChoices):
    PLANNED = "planerat", "Planerat"
    ONGOING = "pagaende", "Pågående"
    FINISHED = "avslutat", "Avslutat"


def derive_status(
    starts_on: datetime.date | None, ends_on: datetime.date | None, today: datetime.date
) -> PeriodStatus | None:
    """Status from a period and a day, never stored. None when the period is unknown."""
    if starts_on is None and ends_on is None:
        return None
    if starts_on is not None and today < starts_on:
        return PeriodStatus.PLANNED
    if ends_on is not None and today > ends_on:
        return PeriodStatus.FINISHED
    return PeriodStatus.ONGOING


#: Between groups of digits and before a per cent sign, so a number never wraps apart.
NO_BREAK_SPACE = "\u00a0"


#: Å, Ä and Ö (and Danish-Norwegian Æ and Ø, as Swedish dictionaries place them) come after Z.
_AFTER_Z = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"}


def swedish_sort_key(text: str) -> tuple[str, str]:
    """Sorts names as a Swedish reader expects: case and other accents ignored ("Moçambique"
    among the Mo-, "Réunion" among the Re-), Ü as Y, and Å, Ä, Ö last in that order."""
    letters = []
    for char in str(text).casefold():
        if char in _AFTER_Z:
            letters.append(_AFTER_Z[char])
        elif char == "ü":
            letters.append("y")
        else:
            letters.append(unicodedata.normalize("NFKD", char)[0])
    return "".join(letters), str(text)


def join_swedish(items: list[str], last: str = " och ") -> str:
    """A list in Swedish: "a", "a och b", "a, b och c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + last + items[-1]


def group_thousands(number: int) -> str:
    """1 025, 3 000 000: groups of three digits joined by a no-break space."""
    return f"{number:,}".replace(",", NO_BREAK_SPACE)


def format_megabytes(size: int) -> str:
    """A file's size for a message, rounded up to a tenth: 5.04 MB is "5,1 MB", so a file
    just over a 5 MB limit is never called "5 MB"."""
    tenths = -(-size * 10 // (1024 * 1024))
    whole, tenth = divmod(tenths, 10)
    return f"{whole},{tenth} MB" if tenth else f"{whole} MB"


def format_count(value: int | Decimal | None) -> str:
    """A whole number for a page or a chart: 7, 1 025; – when there is no figure."""
    if value is None:
        return "–"
    return group_thousands(int(value))


def format_count_of(count: int, singular: str, plural: str) -> str:
    """1 vänort, 3 vänorter, 0 vänorter."""
    return f"{format_count(count)} {singular if count == 1 else plural}"


def format_percent(value: Decimal | int | float | None) -> str:
    """42 %, 12,5 % — a no-break space before the sign, a decimal comma; – for no figure."""
    if value is None:
        return "–"
    value = Decimal(str(value))
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole = int(value)
    fraction = value - whole
    number = group_thousands(whole)
    if fraction:
        number += "," + f"{fraction.normalize():f}"[2:]
    return f"{sign}{number}{NO_BREAK_SPACE}%"


def format_amount(amount: Decimal | int | None) -> str:
    """37 500, 3 000 000, 1 234,50 — Swedish grouping (a no-break space) and decimal comma."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    whole = int(amount)
    cents = abs(amount - whole)
    text = group_thousands(whole)
    if cents:
        text += "," + f"{cents:.2f}"[2:]
    return text


def format_money(amount: Decimal | int | None, currency: str) -> str:
    """37 500 EUR."""
    if amount is None:
        return ""
    return f"{format_amount(amount)} {currency}".strip()


def format_money_rounded(amount: Decimal | int | None, currency: str) -> str:
    """For a summary: 37 500 EUR; from a million on, 1,2 miljoner EUR, 3 miljoner SEK,
    1 miljon EUR, 2,5 miljarder SEK (one decimal, dropped when it is 0)."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    for size, singular, plural in (
        (Decimal(10**9), "miljard", "miljarder"),
        (Decimal(10**6), "miljon", "miljoner"),
    ):
        if abs(amount) >= size:
            tenths = int((abs(amount) / size * 10).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            whole, tenth = divmod(tenths, 10)
            number = ("-" if amount < 0 else "") + group_thousands(whole)
            if tenth:
                number += f",{tenth}"
            word = singular if tenths == 10 else plural
            return f"{number}{NO_BREAK_SPACE}{word} {currency}".strip()
    return format_money(amount, currency)


def normalise_phone(value: str) -> str:
    """Store a phone number as E.164 (+46736770709); Swedish numbers may omit +46."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "SE")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            "”%(value)s” är inte ett telefonnummer. Skriv till exempel 0470-410 00.",
            code="invalid_phone",
            params={"value": value},
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "”%(value)s” är inte ett giltigt telefonnummer. Skriv till exempel 0470-410 00.",
            code="invalid_phone",
            params={"value": value},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """Swedish numbers the Swedish way (073-677 07 09), others internationally."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "SE")
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 46:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
