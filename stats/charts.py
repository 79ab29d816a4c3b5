"""Horizontal bar charts drawn on the server, as geometry for templates/includes/chart.html.

No JavaScript and no chart library: a chart is a list of labelled rows, each with one bar per
series. The SVG has no viewBox; bar widths are percentages of its width and everything else
is in CSS pixels, so the text keeps its size on a phone and on paper while the bars scale.
The template gives the SVG a <title> and a <desc> and puts the same numbers in a table.

Series are told apart by more than colour: the portal's figures are solid bars, the survey's
outlined ones, always in the same order, with a legend and the value written beside each bar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from portal.formatting import format_count, format_percent

PERCENT = "procent"
COUNT = "antal"

BACKGROUND = "#ffffff"
TEXT_COLOUR = "#1b1b1b"

FONT_SIZE = 15
LABEL_HEIGHT = 22  # a row's label, on its own line above the bars
BAR_HEIGHT = 18
BAR_GAP = 4
ROW_GAP = 14
#: The longest bar may take this share of the width; the rest holds the value beside it.
BAR_SPACE = Decimal(78)
VALUE_OFFSET = 6  # pixels between a bar's end and its value


@dataclass(frozen=True)
class Series:
    """One set of bars: how it is named in the legend and the table, and how it is drawn."""

    label: str
    fill: str
    stroke: str
    solid: bool = True


def live_series(label: str = "I portalen") -> Series:
    return Series(label=label, fill="#0b4f8a", stroke="#0b4f8a")


def survey_series(label: str = "SKL:s enkät 2018") -> Series:
    return Series(label=label, fill=BACKGROUND, stroke="#6b4a00", solid=False)


def format_value(value, unit: str) -> str:
    return format_percent(value) if unit == PERCENT else format_count(value)


def share(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    """Part of whole in whole per cent, rounded half up; None when there is no whole."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ChartRow:
    """A category: its label, one value per series (None: no figure) and, for the table
    only, notes such as "3 av 20"."""

    label: str
    values: tuple
    notes: tuple = ()


@dataclass
class Bar:
    series: Series
    value: Decimal | int | None
    text: str
    y: int
    width: Decimal  # per cent of the drawing's width
    text_y: int

    @property
    def drawn(self) -> bool:
        return self.value is not None and self.width > 0


@dataclass
class Row:
    label: str
    label_y: int
    bars: list[Bar]
    notes: tuple  # (heading, text) pairs, for the table


@dataclass
class Chart:
    id: str
    title: str
    description: str
    category_heading: str
    unit: str
    series: list[Series]
    rows: list[Row]
    height: int
    note_headings: tuple = ()
    font_size: int = FONT_SIZE
    bar_height: int = BAR_HEIGHT
    text_colour: str = TEXT_COLOUR
    value_offset: int = VALUE_OFFSET
    columns: list[str] = field(init=False)

    def __post_init__(self):
        self.columns = [series.label for series in self.series] + list(self.note_headings)


def scale_maximum(rows: list[ChartRow], unit: str) -> Decimal:
    """Per cent runs to 100; counts to the largest value (at least 1)."""
    if unit == PERCENT:
        return Decimal(100)
    values = [Decimal(value) for row in rows for value in row.values if value is not None]
    return max([Decimal(1), *values])


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    category_heading: str,
    rows: list[ChartRow],
    series: list[Series],
    unit: str = PERCENT,
    note_headings: tuple = (),
) -> Chart:
    """Lay out a horizontal bar chart: every row a label line, then one bar per series."""
    maximum = scale_maximum(rows, unit)
    laid_out = []
    y = 0
    for row in rows:
        if len(row.values) != len(series):
            raise ValueError(f"{row.label}: {len(row.values)} values for {len(series)} series")
        label_y = y + LABEL_HEIGHT - 6
        y += LABEL_HEIGHT
        bars = []
        for value, one_series in zip(row.values, series, strict=True):
            if value is None:
                width = Decimal(0)
            else:
                width = min(Decimal(value), maximum) * BAR_SPACE / maximum
            bars.append(
                Bar(
                    series=one_series,
                    value=value,
                    text=format_value(value, unit),
                    y=y,
                    width=width.quantize(Decimal("0.01")),
                    text_y=y + BAR_HEIGHT - 4,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        y += ROW_GAP - BAR_GAP
        notes = tuple(zip(note_headings, row.notes, strict=True))
        laid_out.append(Row(label=row.label, label_y=label_y, bars=bars, notes=notes))
    return Chart(
        id=id,
        title=title,
        description=description,
        category_heading=category_heading,
        unit=unit,
        series=list(series),
        rows=laid_out,
        height=max(y - ROW_GAP + BAR_GAP, 1),
        note_headings=tuple(note_headings),
    )
