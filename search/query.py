"""Finding and ranking: one query over the search documents for every kind at once.

On PostgreSQL a document matches when its vector matches the words (Swedish stems, and the
names without diacritics) or when its title holds the query as written without diacritics;
at most RANKED full-text matches and RANKED_TITLES title matches of each kind are ranked,
so a word found in nearly every row ("samarbete") costs no more than a rare one; a title
match ranks first. A kind that finds fewer than it shows then looks for titles with a word
close to the query (four letters or more; pg_trgm word similarity: "Trollhatan"), ranked
after what it found. Snippets come from PostgreSQL's headlines.

On SQLite (development) the same documents are compared as substrings without case or
diacritics, title matches first, and misspelt municipality names are found with difflib.

Each hit is the record itself, read through its kind's public queryset (so drafts, expired
partner requests and municipalities without a page are never shown), with `.rank` and
`.snippet`. One or two queries for the documents and one per kind with hits.
"""

import difflib
import re
from collections import defaultdict

from django.db import connections, router
from django.db.models import Q

from portal.names import fold
from search.models import Kind, SearchDocument
from search.text import START, STOP, marked_snippet, python_snippet

RANKED = 200
RANKED_TITLES = 100
#: Shorter queries are too noisy for misspellings ("a" is 0.5 similar to "Ale").
TRIGRAM_MIN_LENGTH = 4
#: How close (difflib ratio) a name must be to count as misspelt without PostgreSQL.
FUZZY_RATIO = 0.85
#: Hits read beyond the limit, in case some turn out not to be shown.
SPARE = 10

HEADLINE = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
TITLE_HEADLINE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"


#: The words as the candidates compare them: written out rather than read from the query's
#: CTE, so that the planner sees the words and estimates from the column's statistics how
#: many documents hold them.
WORDS_SQL = (
    "(websearch_to_tsquery('swedish', %(query)s) || websearch_to_tsquery('simple', %(folded)s))"
)


def _candidates_sql(kinds, misspelt: bool) -> tuple[str, str]:
    """Each kind's candidates: its full-text and title matches, or (`misspelt`) the titles
    with a word close to the query; as (the CTEs, the query over them).

    Each condition is a MATERIALIZED CTE, which PostgreSQL plans for all its rows: by what
    the condition costs and how many rows the statistics say match, an index for a rare
    word, the table in order for a word in nearly every document. Read through a LIMIT, it
    stops there. Planned with the LIMIT in view, the planner would gamble on finding enough
    rows early and read every row for a title that matches nothing (180–270 ms at 50 000
    projects), or build the index's bitmap of 50 000 matches for "kommun" (20 ms) where
    the table's first few hundred rows hold enough."""
    table = SearchDocument._meta.db_table
    ctes, parts = [], []

    def first(where: str, limit: int) -> None:
        name = f"c{len(ctes)}"
        ctes.append(f"{name} AS MATERIALIZED (SELECT id FROM {table} WHERE {where})")
        parts.append(f"(SELECT id FROM {name} LIMIT {limit})")

    for index, _kind in enumerate(kinds):
        kind = f"is_public AND kind = %(kind{index})s"
        if misspelt:
            first(f"{kind} AND folded_title %%> %(folded)s", RANKED_TITLES)
        else:
            first(f"{kind} AND vector @@ {WORDS_SQL}", RANKED)
            first(f"{kind} AND folded_title LIKE %(like)s", RANKED_TITLES)
    return ",\n".join(ctes), "\nUNION\n".join(parts)


def _ranked_sql(kinds, misspelt: bool) -> str:
    table = SearchDocument._meta.db_table
    closeness = "word_similarity(%(folded)s, d.folded_title)" if misspelt else "0.0"
    ctes, candidates = _candidates_sql(kinds, misspelt)
    return f"""
        WITH {ctes},
        query AS (
            SELECT websearch_to_tsquery('swedish', %(query)s) AS words,
                   websearch_to_tsquery('swedish', %(query)s)
                   || websearch_to_tsquery('simple', %(folded)s) AS q
        ),
        candidates AS ({candidates}),
        -- The candidates as an array: fetched by key (2 ms for 2 000), where a join
        -- would be planned as a hash of the whole table (20 ms).
        ranked AS (
            SELECT d.id, d.kind, d.object_id, d.title, d.body,
                   ts_rank(d.vector, query.q) + CASE
                       WHEN d.folded_title LIKE %(like)s THEN 1.0
                       WHEN d.vector @@ query.q THEN 0.0
                       ELSE {closeness} END AS rank
            FROM {table} d, query
            WHERE d.id = ANY(ARRAY(SELECT id FROM candidates)) AND NOT d.id = ANY(%(seen)s::bigint[])
        ),
        numbered AS (
            SELECT *, row_number() OVER (
                PARTITION BY kind ORDER BY rank DESC, title, object_id) AS place
            FROM ranked
        )
        SELECT kind, object_id, id, rank,
               ts_headline('swedish', body, query.words, %(headline)s),
               ts_headline('swedish', title, query.words, %(title_headline)s)
        FROM numbered, query
        WHERE place <= %(wanted)s
        ORDER BY kind, place
    """


def _postgresql(kinds, query: str, limit: int, using: str) -> dict:
    """Words and titles first; misspellings only for the kinds that found too few, so a
    common word costs no trigram comparisons with every title."""
    folded = fold(query)
    params = {
        "query": query,
        "folded": folded,
        "like": f"%{_escape_like(folded)}%",
        "headline": HEADLINE,
        "title_headline": TITLE_HEADLINE,
        "wanted": limit + SPARE,
        "seen": [],
    }
    found = defaultdict(list)
    with connections[using].cursor() as cursor:
        phases = [(kinds, False)]
        if len(folded) >= TRIGRAM_MIN_LENGTH:
            phases.append((None, True))
        for phase_kinds, misspelt in phases:
            if phase_kinds is None:  # the kinds still short of hits
                phase_kinds = [kind for kind in kinds if len(found[kind]) < limit + SPARE]
                if not phase_kinds:
                    break
            cursor.execute(
                _ranked_sql(phase_kinds, misspelt),
                {**params, **{f"kind{i}": kind for i, kind in enumerate(phase_kinds)}},
            )
            for kind, object_id, pk, rank, body_headline, title_headline in cursor.fetchall():
                if len(found[kind]) >= limit + SPARE:
                    continue
                params["seen"].append(pk)
                if START in (body_headline or ""):
                    snippet = marked_snippet(body_headline)
                elif kind != Kind.MUNICIPALITY and START in (title_headline or ""):
                    snippet = marked_snippet(title_headline)
                else:
                    snippet = None  # cut in Python from the record's own texts
                found[kind].append((object_id, rank, snippet))
    return found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _close_to_a_word(needle: str, text: str) -> bool:
    """A misspelling of one of the words in `text` ("trollhatan" for "trollhattans")."""
    for word in text.split():
        matcher = difflib.SequenceMatcher(None, needle, word)
        if matcher.real_quick_ratio() >= FUZZY_RATIO and matcher.ratio() >= FUZZY_RATIO:
            return True
    return False


def _substrings(kinds, query: str, limit: int, using: str) -> dict:
    folded = fold(query)
    documents = SearchDocument.objects.using(using).filter(kind__in=kinds, is_public=True)
    # Titles and names as substrings; the longer texts by whole words only, as PostgreSQL's
    # stems would ("tempe" is not found in "temperaturen").
    matching = documents.filter(
        Q(folded_title__contains=folded)
        | Q(folded_names__contains=folded)
        | Q(body__iregex=rf"\b{re.escape(query)}\b")
    ).values_list("kind", "object_id", "title", "folded_title")
    rows = [
        (kind, object_id, 1.0 if folded in folded_title else 0.5, title)
        for kind, object_id, title, folded_title in matching
    ]
    if Kind.MUNICIPALITY in kinds and len(folded) >= TRIGRAM_MIN_LENGTH:
        seen = {object_id for kind, object_id, *_ in rows if kind == Kind.MUNICIPALITY}
        for object_id, title, folded_title, folded_names in documents.filter(
            kind=Kind.MUNICIPALITY
        ).values_list("object_id", "title", "folded_title", "folded_names"):
            if object_id not in seen and _close_to_a_word(folded, f"{folded_title} {folded_names}"):
                rows.append((Kind.MUNICIPALITY, object_id, 0.8, title))
    found = defaultdict(list)
    rows.sort(key=lambda row: (-row[2], row[3], row[1]))
    for kind, object_id, rank, _title in rows:
        if len(found[kind]) < limit + SPARE:
            found[kind].append((object_id, rank, None))
    return found


def search(kinds: dict, query: str, limit: int) -> dict:
    """{kind: hits} for the `kinds` asked ({kind: (public queryset, snippet fields)}): at
    most `limit` records each, best first."""
    if not fold(query) or not kinds:  # nothing but separators ("-") finds nothing
        return {kind: [] for kind in kinds}
    using = router.db_for_read(SearchDocument)
    if connections[using].vendor == "postgresql":
        found = _postgresql(list(kinds), query, limit, using)
    else:
        found = _substrings(list(kinds), query, limit, using)
    results = {}
    for kind, (queryset, snippet_fields) in kinds.items():
        ranked = found.get(kind, [])
        records = queryset.in_bulk([object_id for object_id, *_ in ranked])
        hits = []
        for object_id, rank, snippet in ranked:
            record = records.get(object_id)
            if record is None:
                continue
            record.rank = rank
            record.snippet = snippet or python_snippet(
                query, *(getattr(record, name) for name in snippet_fields)
            )
            hits.append(record)
            if len(hits) == limit:
                break
        results[kind] = hits
    return results
