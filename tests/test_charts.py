"""The statistics page's bar charts: Swedish numbers, geometry, and colours that can be seen."""

import itertools
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from stats.charts import (
    BACKGROUND,
    COUNT,
    PERCENT,
    TEXT_COLOUR,
    ChartRow,
    bar_chart,
    live_series,
    share,
    survey_series,
)

NBSP = "\u00a0"


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula_agrees_with_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_bar_values_are_written_with_the_shared_swedish_formatting():
    """Counts and percentages come from portal.formatting: no-break spaces, decimal comma."""
    counts = chart([ChartRow("A", (1025,))], unit=COUNT, series=[live_series()])
    assert counts.rows[0].bars[0].text == f"1{NBSP}025"
    percent = chart([ChartRow("A", (Decimal("12.5"), None))])
    assert [bar.text for bar in percent.rows[0].bars] == [f"12,5{NBSP}%", "–"]


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(146, 213, 69), (80, 213, 38), (1, 8, 13), (1, 3, 33), (0, 5, 0), (3, 0, None)],
)
def test_share_rounds_half_up_and_needs_a_whole(part, whole, expected):
    assert share(part, whole) == (None if expected is None else Decimal(expected))


def chart(rows, unit=PERCENT, series=None, **kwargs):
    return bar_chart(
        id="test",
        title="Test",
        description="Ett test.",
        category_heading="Sak",
        rows=rows,
        series=series or [live_series(), survey_series()],
        unit=unit,
        **kwargs,
    )


def test_percent_bars_scale_to_a_hundred():
    laid_out = chart([ChartRow("A", (50, 100)), ChartRow("B", (0, None))])
    (a_live, a_survey), (b_live, b_survey) = (row.bars for row in laid_out.rows)
    assert a_survey.width == 2 * a_live.width
    assert a_survey.width == Decimal("78.00")  # the rest of the width holds the value text
    assert not b_live.drawn and b_live.text == f"0{NBSP}%"
    assert not b_survey.drawn and b_survey.text == "–"


def test_count_bars_scale_to_the_largest_value():
    laid_out = chart([ChartRow("A", (4,)), ChartRow("B", (8,))], unit=COUNT, series=[live_series()])
    widths = [row.bars[0].width for row in laid_out.rows]
    assert widths[1] == Decimal("78.00") and widths[0] == Decimal("39.00")


def test_rows_and_bars_do_not_overlap_and_fit_the_height():
    laid_out = chart([ChartRow(str(i), (i * 10, i * 5)) for i in range(5)])
    tops = [bar.y for row in laid_out.rows for bar in row.bars]
    assert tops == sorted(tops)
    assert all(
        later - earlier >= laid_out.bar_height for earlier, later in itertools.pairwise(tops)
    )
    assert tops[-1] + laid_out.bar_height <= laid_out.height
    assert all(row.label_y < row.bars[0].y for row in laid_out.rows)


def test_a_row_must_have_one_value_per_series():
    with pytest.raises(ValueError):
        chart([ChartRow("A", (1,))])


def test_notes_are_paired_with_their_headings():
    laid_out = chart([ChartRow("A", (10, 20), notes=("3 av 30",))], note_headings=("Antal",))
    assert laid_out.columns == ["I portalen", "SKL:s enkät 2018", "Antal"]
    assert laid_out.rows[0].notes == (("Antal", "3 av 30"),)


def test_colours_meet_wcag_contrast_on_white():
    """Bars (graphics) need 3:1 against the background, text 4.5:1; the two series must
    differ by more than colour, so the survey's bars are outlined, not filled."""
    live, survey = live_series(), survey_series()
    assert contrast(live.fill, BACKGROUND) >= 3
    assert contrast(survey.stroke, BACKGROUND) >= 3
    assert contrast(TEXT_COLOUR, BACKGROUND) >= 4.5
    assert live.solid and not survey.solid
    assert survey.fill == BACKGROUND


def test_the_template_draws_an_accessible_svg_and_the_same_numbers_in_a_table():
    laid_out = chart(
        [ChartRow("Aktiv", (Decimal("12.5"), 36)), ChartRow("Vilande", (0, None))],
        note_headings=(),
    )
    html = render_to_string("includes/chart.html", {"chart": laid_out})
    assert 'role="img"' in html
    assert 'aria-labelledby="test-titel"' in html and '<title id="test-titel">Test</title>' in html
    assert 'aria-describedby="test-beskrivning"' in html
    assert f"Aktiv – I portalen: 12,5{NBSP}%; SKL:s enkät 2018: 36{NBSP}%." in html
    assert f"Vilande – I portalen: 0{NBSP}%; SKL:s enkät 2018: ingen siffra." in html
    # Geometry is written with a decimal point whatever the locale (Swedish uses a comma).
    assert 'width="9.75%"' in html and 'width="28.08%"' in html
    assert "9,75" not in html
    assert "<caption>Tabell: Test</caption>" in html
    assert '<th scope="row">Aktiv</th>' in html
    assert html.count('<th scope="col"') == 3
    assert f'<td class="num" data-label="I portalen">12,5{NBSP}%</td>' in html
    assert '<td class="num" data-label="SKL:s enkät 2018">–</td>' in html
    assert html.count("<rect") == 2 + 2  # two legend keys, two drawn bars (zero and none are not)
