"""The import preview's differences are the library's, also where they are written
without diff_match_patch (spreadsheets/resources.py, _Diff), except that an empty cell is
shown empty where the library writes "None"."""

from hypothesis import given, settings
from hypothesis import strategies as st
from import_export.resources import Diff

from spreadsheets.resources import _Diff

cells = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.sampled_from(["", "Växjö", "a <b> & c", "rad 1\nrad 2", "Tempe (Partner)"]),
    st.text(max_size=12),
)


def html(diff_class, left, right, new):
    diff = diff_class.__new__(diff_class)
    diff.left, diff.right, diff.new = left, right, new
    return diff.as_html()


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(cells, cells), max_size=6), new=st.booleans())
def test_the_same_html_as_the_librarys_diff_with_empty_cells_empty(pairs, new):
    left = [pair[0] for pair in pairs]
    right = [pair[1] for pair in pairs]

    def blank(values):
        return ["" if value is None else value for value in values]

    assert html(_Diff, left, right, new) == html(Diff, blank(left), blank(right), new)


def test_an_empty_cell_is_not_shown_as_none():
    assert "None" not in "".join(filter(None, html(_Diff, [None, "a"], [None, None], False)))
    assert "None" not in "".join(filter(None, html(_Diff, [None], ["Växjö"], True)))
