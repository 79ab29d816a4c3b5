"""The API's own reads where the shared selectors (public/selectors.py) would cost too much
for a list that is counted and paged on every request."""

from django.db.models import Exists

from public import selectors


class ExistsForEachRow(Exists):
    """EXISTS that PostgreSQL answers row by row, through the subquery's index.

    Inside an OR, PostgreSQL turns a correlated EXISTS into a hashed list of every
    matching row (for the organisations, all 175 000 project participants joined to their
    projects, about 300 ms at scale) whenever it misjudges that as cheaper. An OFFSET 0
    keeps it from rewriting the subquery (LIMIT 1 OFFSET 0 is valid in SQLite too), so each
    row asks its index and stops at the first match: about a tenth of the time.
    """

    template = "EXISTS(%(subquery)s OFFSET 0)"


def public_organisations():
    """Organisations that take part in something published: the rule of
    public.selectors.public_organisations, asked row by row."""
    return selectors.public_organisations(exists=ExistsForEachRow)
