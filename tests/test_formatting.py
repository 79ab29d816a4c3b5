"""Periods, money and phone numbers rendered the Swedish way."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.formatting import (
    DatePrecision,
    PeriodStatus,
    derive_status,
    format_amount,
    format_count,
    format_count_of,
    format_duration,
    format_money,
    format_percent,
    format_period,
    format_phone,
    format_year_range,
    normalise_phone,
    swedish_date,
)

d = datetime.date
NBSP = "\u00a0"  # a number must never wrap between its digits
YEAR, MONTH, DAY = DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY


@pytest.mark.parametrize(
    ("start", "start_precision", "end", "end_precision", "prefix", "expected"),
    [
        (d(2014, 1, 1), YEAR, d(2015, 12, 31), YEAR, "från", "2014–2015"),
        (d(2018, 1, 1), YEAR, d(2018, 12, 31), YEAR, "från", "2018"),
        (d(2017, 1, 1), MONTH, d(2019, 12, 31), MONTH, "från", "januari 2017 – december 2019"),
        (d(2018, 1, 1), MONTH, d(2018, 6, 30), MONTH, "från", "januari – juni 2018"),
        (d(2014, 1, 1), DAY, d(2014, 12, 31), DAY, "från", "1 januari – 31 december 2014"),
        (d(2014, 12, 1), DAY, None, YEAR, "från", "från 1 december 2014"),
        (d(2017, 11, 1), MONTH, None, YEAR, "från", "från november 2017"),
        (d(2005, 1, 1), YEAR, None, YEAR, "sedan", "sedan 2005"),
        (None, YEAR, d(2017, 12, 31), YEAR, "sedan", "till och med 2017"),
        (d(2016, 1, 1), YEAR, d(2018, 9, 30), MONTH, "från", "2016 – september 2018"),
        (None, YEAR, None, YEAR, "från", ""),
    ],
)
def test_period_renders_in_the_precision_it_was_given(
    start, start_precision, end, end_precision, prefix, expected
):
    assert format_period(start, start_precision, end, end_precision, open_prefix=prefix) == expected


def test_year_ranges():
    assert format_year_range(2021, 2023) == "2021–2023"
    assert format_year_range(2024, 2024) == "2024"
    assert format_year_range(2004, None) == "sedan 2004"
    assert format_year_range(None, 2017) == "till och med 2017"
    assert format_year_range(None, None) == ""


def test_swedish_date():
    assert swedish_date(d(2018, 12, 11)) == "11 december 2018"
    assert swedish_date(d(2024, 5, 15)) == "15 maj 2024"
    assert swedish_date(None) == ""


def test_durations():
    assert format_duration(18) == "1 år och 6 månader"
    assert format_duration(60) == "5 år"
    assert format_duration(1) == "1 månad"
    assert format_duration(None) == ""


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (d(2016, 12, 31), PeriodStatus.PLANNED),
        (d(2017, 1, 1), PeriodStatus.ONGOING),
        (d(2019, 12, 31), PeriodStatus.ONGOING),
        (d(2020, 1, 1), PeriodStatus.FINISHED),
    ],
)
def test_status_changes_on_the_first_and_last_day(today, expected):
    assert derive_status(d(2017, 1, 1), d(2019, 12, 31), today) == expected


def test_status_of_open_and_unknown_periods():
    assert derive_status(d(2005, 1, 1), None, d(2026, 11, 23)) == PeriodStatus.ONGOING
    assert derive_status(None, d(2017, 12, 31), d(2026, 11, 23)) == PeriodStatus.FINISHED
    assert derive_status(None, None, d(2026, 11, 23)) is None


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (37500, "EUR", f"37{NBSP}500 EUR"),
        (Decimal("75000.00"), "EUR", f"75{NBSP}000 EUR"),
        (3000000, "SEK", f"3{NBSP}000{NBSP}000 SEK"),
        (Decimal("1234.50"), "SEK", f"1{NBSP}234,50 SEK"),
        (0, "SEK", "0 SEK"),
        (None, "SEK", ""),
    ],
)
def test_money_in_swedish(amount, currency, expected):
    assert format_money(amount, currency) == expected


def test_amounts_group_thousands_with_a_no_break_space():
    assert format_amount(-1234) == f"-1{NBSP}234"
    assert format_amount(999) == "999"
    assert " " not in format_amount(1234567)


def test_counts_group_thousands_with_a_no_break_space():
    assert format_count(1025) == f"1{NBSP}025"
    assert format_count(Decimal("483.0")) == "483"
    assert format_count(7) == "7"
    assert format_count(None) == "–"


def test_counts_with_a_noun_in_the_singular_or_plural():
    assert format_count_of(1, "vänort", "vänorter") == "1 vänort"
    assert format_count_of(0, "vänort", "vänorter") == "0 vänorter"
    assert format_count_of(1025, "vänort", "vänorter") == f"1{NBSP}025 vänorter"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (42, f"42{NBSP}%"),
        (Decimal("36.0"), f"36{NBSP}%"),
        (Decimal("12.5"), f"12,5{NBSP}%"),
        (Decimal("0.25"), f"0,25{NBSP}%"),
        (1250, f"1{NBSP}250{NBSP}%"),
        (0, f"0{NBSP}%"),
        (None, "–"),
    ],
)
def test_percentages_are_written_the_swedish_way(value, text):
    assert format_percent(value) == text


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("073-677 07 09", "+46736770709", "073-677 07 09"),
        ("0702-063826", "+46702063826", "070-206 38 26"),
        ("0470-410 00", "+4647041000", "0470-410 00"),
        ("0520 49 60 94", "+46520496094", "0520-49 60 94"),
        ("+46 470 43276", "+4647043276", "0470-432 76"),
        ("+45 56 67 67 67", "+4556676767", "+45 56 67 67 67"),
    ],
)
def test_phone_numbers_are_stored_normalised_and_shown_swedish_style(typed, stored, shown):
    assert normalise_phone(typed) == stored
    assert format_phone(stored) == shown


@pytest.mark.parametrize("typed", ["inte ett nummer", "123", "0470-4"])
def test_a_bad_phone_number_gets_a_swedish_message(typed):
    with pytest.raises(ValidationError) as error:
        normalise_phone(typed)
    assert "telefonnummer" in error.value.messages[0]


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (5 * 1024 * 1024, "5 MB"),
        (5 * 1024 * 1024 + 1, "5,1 MB"),
        (int(2.25 * 1024 * 1024), "2,3 MB"),
        (1, "0,1 MB"),
    ],
)
def test_file_sizes_round_up_to_a_tenth(size, text):
    from portal.formatting import format_megabytes

    assert format_megabytes(size) == text


def test_names_sort_in_swedish_order():
    from portal.formatting import swedish_sort_key

    names = [
        "Österrike",
        "Åland",
        "Ägypten",
        "Zambia",
        "Montserrat",
        "Moçambique",
        "réunion",
        "Ryssland",
        "Uganda",
        "Übersee",
        "Yemen",
    ]

    assert sorted(names, key=swedish_sort_key) == [
        "Moçambique",
        "Montserrat",
        "réunion",
        "Ryssland",
        "Uganda",
        "Übersee",
        "Yemen",
        "Zambia",
        "Åland",
        "Ägypten",
        "Österrike",
    ]
