"""The filter forms work with the keyboard alone: Tab to a select, arrow to a value, Enter."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

MAX_TABS = 150
SUBMIT_TEXTS = ("Visa", "Filtrera")


def tab_until(page, locator, what: str, max_tabs: int = MAX_TABS) -> int:
    """Press Tab until `locator` has the focus; fail if it never gets it."""
    seen = []
    for presses in range(1, max_tabs + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return presses
        seen.append(
            page.evaluate(
                """() => {
                    const el = document.activeElement;
                    if (!el || el === document.body) return '(body)';
                    const name = (el.getAttribute('aria-label') || el.textContent || el.name || '')
                        .trim().replace(/\\s+/g, ' ').slice(0, 30);
                    return `${el.tagName.toLowerCase()} ${name}`.trim();
                }"""
            )
        )
    pytest.fail(f"{what} never got the focus in {max_tabs} presses of Tab; focus went: {seen}")


@pytest.mark.parametrize(
    ("path", "label", "param"),
    [("/projekt/", "Status", "status"), ("/samarbeten/", "Typ", None)],
    ids=["projekt-status", "samarbeten-typ"],
)
def test_filter_form_with_keyboard_only(page, path, label, param):
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: status not 200"

    select = page.get_by_label(label, exact=True)
    assert select.count() == 1, f"{path}: expected one control labelled {label!r}"
    assert select.evaluate("el => el.tagName") == "SELECT", f"{path}: {label!r} is not a select"
    forms = page.locator("main form").filter(has=select)
    assert forms.count() == 1, f"{path}: the {label!r} select is not in a form inside main"
    form = forms.first
    assert form.evaluate("form => form.method") == "get", f"{path}: the filter form is not GET"
    name = select.get_attribute("name")
    assert name, f"{path}: the {label!r} select has no name"
    if param is not None:
        assert name == param, f"{path}: the {label!r} select is named {name!r}, not {param!r}"

    # From the top of a fresh page, with the keyboard only.
    tab_until(page, select, f"{path}: the {label!r} select")
    before = select.input_value()
    page.keyboard.press("ArrowDown")
    chosen = select.input_value()
    if chosen == before:  # already at the last option
        page.keyboard.press("ArrowUp")
        chosen = select.input_value()
    assert chosen != before, f"{path}: the arrow keys do not change the {label!r} select"
    assert chosen, f"{path}: the arrow keys chose the empty option of {label!r}"

    submit = form.locator("button[type=submit], input[type=submit]")
    submit_texts = [
        (text or "").strip()
        for text in submit.evaluate_all("buttons => buttons.map(b => b.value || b.textContent)")
    ]
    matching = [i for i, text in enumerate(submit_texts) if text in SUBMIT_TEXTS]
    assert matching, (
        f"{path}: no submit button labelled {' or '.join(SUBMIT_TEXTS)} in the filter form; "
        f"found {submit_texts}"
    )
    button = submit.nth(matching[0])
    tab_until(page, button, f"{path}: the submit button", max_tabs=30)
    assert select.input_value() == chosen, f"{path}: tabbing away changed {label!r}"

    with page.expect_navigation():
        page.keyboard.press("Enter")

    query = parse_qs(urlsplit(page.url).query)
    assert query.get(name) == [chosen], (
        f"{path}: after Enter the URL is {page.url}, expected {name}={chosen}"
    )
    selected = page.get_by_label(label, exact=True)
    assert selected.input_value() == chosen, f"{path}: the result page forgot the {label!r} value"
    page.reload()
    assert selected.input_value() == chosen, f"{path}: after reload {label!r} lost its value"
    count = page.locator(".result-count")
    assert count.count() >= 1, f"{path}: no element with class result-count"
    assert count.first.inner_text().strip(), f"{path}: the result count is empty"
