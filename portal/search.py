"""Site search (/sok/): who finds what, how hits are ranked, and the snippets under them.

On PostgreSQL, municipalities, partnerships, projects, networks and partner requests are
searched with Swedish full-text search over a stored `search_vector` (weights A–C,
GIN-indexed), ranked with `SearchRank`, with snippets from `SearchHeadline`, and misspelt or
unaccented names ("Vaxjo", "Trollhatan") found with pg_trgm word similarity over `unaccent()`ed
names. The old substring matches are kept as well, so a prefix ("Växj") or a partner's name
still finds.

On SQLite (development) the same functions answer with substring matches, ranked title/name
hits first, with snippets cut in Python; municipality names are compared without diacritics.

Every selector costs one query, whatever it finds.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Greatest
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "swedish"
# A name counts as a misspelling of the query when their pg_trgm word similarity is above
# pg_trgm.word_similarity_threshold (PostgreSQL's default, 0.6): the `%>` operator's threshold.
#: Shorter queries are too noisy for trigram matching ("a" is 0.5 similar to "Ale").
TRIGRAM_MIN_LENGTH = 4
#: An IMMUTABLE wrapper of unaccent() (created by a migration; unaccent() itself is only STABLE),
#: so that names can be indexed unaccented for the misspelling matches.
UNACCENT_FUNCTION = "portal_unaccent"
#: What PostgreSQL puts around matched words; replaced with <mark> after escaping.
START, STOP = "\x01", "\x02"
#: How close (difflib ratio) a name must be to count as misspelt without PostgreSQL.
FUZZY_RATIO = 0.85
SNIPPET_CONTEXT = 80  # characters either side of a match in the SQLite snippet
#: How many matching rows of one kind are ranked at most, and how many title matches among
#: them at least (PostgreSQL).
RANKED = 1500
RANKED_TITLES = 500

#: What each searchable model's vector holds: (field path, weight). A path through a foreign
#: key or a many-to-many field is read with a subquery, so a whole table can be updated at once.
VECTOR_FIELDS = {
    "portal.Municipality": [
        ("name", "A"),
        ("short_name", "A"),
        ("display_name", "A"),
        ("intro", "C"),
    ],
    "partnerships.Partnership": [
        ("name", "A"),
        ("partners__name", "B"),
        ("background", "C"),
        ("municipality__name", "C"),
    ],
    "projects.Project": [
        ("title", "A"),
        ("acronym", "A"),
        ("original_title", "B"),
        ("summary", "B"),
        ("participants__name", "B"),
        ("description", "C"),
        ("municipality__name", "C"),
    ],
    "networks.Network": [
        ("name", "A"),
        ("acronym", "A"),
        ("description", "C"),
    ],
    "seeking.PartnerRequest": [
        ("title", "A"),
        ("countries__name", "B"),
        ("themes__name", "B"),
        ("description", "C"),
    ],
}


def is_postgresql(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


# Keeping the vectors current


def _text_of(model, path: str):
    """An expression for `path` on `model` usable in a bulk UPDATE (no joins)."""
    if "__" not in path:
        return F(path)
    name, rest = path.split("__", 1)
    field = model._meta.get_field(name)
    related = field.related_model._base_manager
    if field.many_to_many:
        names = (
            related.filter(**{field.related_query_name(): OuterRef("pk")})
            .values(field.related_query_name())
            .annotate(text=StringAgg(rest, delimiter=" ", order_by=rest))
            .values("text")
        )
    else:
        names = related.filter(pk=OuterRef(field.attname)).values(rest)
    return Coalesce(
        Subquery(names[:1], output_field=TextField()), Value(""), output_field=TextField()
    )


def vector_expression(model, fields=None):
    """The weighted Swedish search vector of a row of `model` (also a historical model)."""
    fields = fields or VECTOR_FIELDS[model._meta.label]
    vector = None
    for path, weight in fields:
        part = SearchVector(_text_of(model, path), weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    return vector


class _DistinctFrom(Func):
    arg_joiner = " IS DISTINCT FROM "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def refresh_search_vectors(queryset, fields=None) -> int:
    """Recompute the stored vectors of the rows in `queryset`; nothing outside PostgreSQL.

    Only rows whose vector changes are written: rewriting unchanged rows would leave a dead
    row version and GIN index entries behind for each (a reload of the seeds on top of the
    scale data once left 350 000 dead rows and made search three times slower)."""
    if not is_postgresql(queryset.db):
        return 0
    vector = vector_expression(queryset.model, fields)
    return queryset.filter(_DistinctFrom(F("search_vector"), vector)).update(search_vector=vector)


def vacuum_analyze(*models) -> None:
    """After writing a large share of a table at once (the scale data): dead row versions
    out, the GIN indexes' pending entries merged, and the planner's statistics current.
    PostgreSQL only, and only outside a transaction (VACUUM cannot run inside one)."""
    connection = connections["default"]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def refresh_search_vector(instance) -> None:
    """Called from the searchable models' save(): the row is findable by its new text at once."""
    model = type(instance)
    refresh_search_vectors(model._base_manager.using(instance._state.db).filter(pk=instance.pk))
    if model._meta.label == "portal.Municipality" and is_postgresql(instance._state.db):
        # Projects and partnerships carry their municipality's name.
        from partnerships.models import Partnership
        from projects.models import Project

        for related in (Project, Partnership):
            refresh_search_vectors(
                related._base_manager.using(instance._state.db).filter(municipality=instance)
            )


# Snippets


def _clean(text: str) -> str:
    """Markdown and line breaks out of a snippet: links keep their text, markers go."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|`|^#+\s*|^>\s*)", "", text, flags=re.MULTILINE)
    return " ".join(text.split())


def marked_snippet(raw: str) -> SafeString:
    """Headline text with START/STOP around matches as safe HTML: everything else escaped."""
    html = escape(_clean(raw)).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one: "Växjö" → "vaxjo"."""
    return "".join(unicodedata.normalize("NFKD", char)[:1].lower() or char for char in text)


def python_snippet(query: str, *texts: str) -> SafeString:
    """The first text that contains the query (ignoring case and diacritics), cut around it."""
    needle = fold(query)
    for text in texts:
        text = _clean(text or "")
        # As written first ("ä" is not marked for "a"), then without diacritics.
        at = text.lower().find(query.lower()) if query else -1
        if at < 0 or len(text.lower()) != len(text):
            at = fold(text).find(needle) if needle else -1
        if at < 0:
            continue
        start, end = max(0, at - SNIPPET_CONTEXT), at + len(needle) + SNIPPET_CONTEXT
        before, match, after = (
            text[start:at],
            text[at : at + len(needle)],
            text[at + len(needle) : end],
        )
        html = "{}{}<mark>{}</mark>{}{}".format(
            "… " if start else "",
            escape(before),
            escape(match),
            escape(after),
            " …" if end < len(text) else "",
        )
        return mark_safe(html)
    return mark_safe("")


# Searching


@dataclass(frozen=True)
class Searchable:
    """How one type of thing is searched."""

    #: Fields that show as the hit's title; a match there ranks first without PostgreSQL.
    title_fields: tuple[str, ...]
    #: Further substring matches (paths may cross relations; many-valued ones use a subquery).
    other_fields: tuple[str, ...]
    #: Names compared with trigram similarity (PostgreSQL) for misspellings.
    name_fields: tuple[str, ...]
    #: Longer texts a snippet is cut from, in order of preference.
    body_fields: tuple[str, ...]
    #: Many-valued paths among `other_fields`, matched through `pk__in` to avoid duplicates.
    many_fields: tuple[str, ...] = ()
    #: Whether a match in the title (the first title field) makes a snippet when the longer
    #: texts have none; not for municipalities, whose names are all the link shows.
    title_snippet: bool = True

    @property
    def snippet_fields(self) -> tuple[str, ...]:
        return (
            (*self.body_fields, *self.title_fields[:1]) if self.title_snippet else self.body_fields
        )


def _unaccent(expression):
    return Func(expression, function=UNACCENT_FUNCTION, output_field=TextField())


def _substring_q(queryset, spec: Searchable, query: str) -> Q:
    """Rows with `query` inside one of the spec's fields. Only the model's own columns are
    compared in the main query (each has a trigram index on PostgreSQL, so the whole condition
    becomes one bitmap scan); a path into another table is looked up first, as a list of keys."""
    model = queryset.model
    condition = Q()
    for path in (*spec.title_fields, *spec.other_fields):
        if path in spec.many_fields:
            ids = model._base_manager.filter(**{f"{path}__icontains": query})
            condition |= Q(pk__in=list(ids.values_list("pk", flat=True).distinct()))
        elif "__" in path:
            name, rest = path.split("__", 1)
            related = model._meta.get_field(name).related_model._base_manager
            ids = related.filter(**{f"{rest}__icontains": query}).values_list("pk", flat=True)
            condition |= Q(**{f"{name}__in": list(ids)})
        else:
            condition |= Q(**{f"{path}__icontains": query})
    return condition


def _title_q(spec: Searchable, query: str) -> Q:
    condition = Q()
    for path in spec.title_fields:
        condition |= Q(**{f"{path}__icontains": query})
    return condition


def _misspelt_q(spec: Searchable, query: str) -> Q:
    """Names that a misspelt `query` is close to: pg_trgm's `%>` (word similarity above
    pg_trgm.word_similarity_threshold, 0.6 by default), unaccented on both sides, which the
    trigram indexes on portal_unaccent(name) answer."""
    condition = Q()
    if len(query) >= TRIGRAM_MIN_LENGTH:
        for name in spec.name_fields:
            condition |= Q(TrigramWordSimilar(_unaccent(F(name)), _unaccent(Value(query))))
    return condition


def _postgresql_search(queryset, spec: Searchable, query: str, limit: int, order: str) -> list:
    search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
    misspelt = _misspelt_q(spec, query)
    matched = Q(search_vector=search_query) | _substring_q(queryset, spec, query)
    # A title match ranks first. Word similarity only for rows that neither the title nor the
    # full text found: CASE is evaluated lazily, and similarity over every hit of a common
    # word would cost more than the search.
    whens = [When(_title_q(spec, query), then=Value(1.0))]
    default = Value(0.0)
    if len(query) >= TRIGRAM_MIN_LENGTH:
        similarities = [
            TrigramWordSimilarity(_unaccent(Value(query)), _unaccent(F(name)))
            for name in spec.name_fields
        ]
        whens.append(When(search_vector=search_query, then=Value(0.0)))
        default = similarities[0] if len(similarities) == 1 else Greatest(*similarities)
    closeness = Case(*whens, default=default, output_field=FloatField())
    headline = {
        "start_sel": START,
        "stop_sel": STOP,
        "config": CONFIG,
    }
    body = Concat(
        *[part for name in spec.body_fields for part in (F(name), Value(" \n"))],
        output_field=TextField(),
    )
    # Ranked are at most the first RANKED rows that match and the first RANKED_TITLES whose
    # title does (in the table's order: no sort before the cut). A word in nearly every
    # row ("samarbete", "kommun") would otherwise have every row ranked and sorted, which
    # costs hundreds of milliseconds at scale and says little about which ones matter.
    narrow = queryset.order_by()
    candidates = Q(pk__in=narrow.filter(matched | misspelt).values("pk")[:RANKED]) | Q(
        pk__in=narrow.filter(_title_q(spec, query)).values("pk")[:RANKED_TITLES]
    )
    queryset = (
        queryset.filter(candidates)
        .annotate(
            rank=SearchRank(F("search_vector"), search_query) + closeness,
            # PostgreSQL makes these after the sort and limit: for the rows shown only.
            body_headline=SearchHeadline(
                body,
                search_query,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
                **headline,
            ),
            title_headline=SearchHeadline(
                F(spec.title_fields[0]), search_query, highlight_all=True, **headline
            ),
        )
        .order_by("-rank", order)
    )
    hits = list(queryset[:limit])
    for hit in hits:
        if START in (hit.body_headline or ""):
            hit.snippet = marked_snippet(hit.body_headline)
        elif spec.title_snippet and START in (hit.title_headline or ""):
            hit.snippet = marked_snippet(hit.title_headline)
        else:
            hit.snippet = python_snippet(
                query, *(getattr(hit, name) for name in spec.snippet_fields)
            )
    return hits


def _substring_search(queryset, spec: Searchable, query: str, limit: int, order: str) -> list:
    queryset = (
        queryset.filter(_substring_q(queryset, spec, query))
        .annotate(
            rank=Case(
                When(_title_q(spec, query), then=Value(1.0)),
                default=Value(0.5),
                output_field=FloatField(),
            )
        )
        .order_by("-rank", order)
    )
    hits = list(queryset[:limit])
    for hit in hits:
        hit.snippet = python_snippet(query, *(getattr(hit, name) for name in spec.snippet_fields))
    return hits


def _search(queryset, spec: Searchable, query: str, limit: int, order: str) -> list:
    if not query:
        return []
    if is_postgresql(queryset.db):
        return _postgresql_search(queryset, spec, query, limit, order)
    return _substring_search(queryset, spec, query, limit, order)


MUNICIPALITY = Searchable(
    title_fields=("name", "short_name", "display_name"),
    other_fields=("intro",),
    name_fields=("short_name", "name"),
    body_fields=("intro",),
    title_snippet=False,
)
PARTNERSHIP = Searchable(
    title_fields=("name",),
    other_fields=("partners__name", "background", "municipality__short_name"),
    name_fields=("name",),
    body_fields=("background",),
    many_fields=("partners__name",),
)
PROJECT = Searchable(
    title_fields=("title", "acronym"),
    other_fields=("original_title", "summary", "municipality__short_name"),
    name_fields=("title", "acronym"),
    body_fields=("summary", "description"),
)
NETWORK = Searchable(
    title_fields=("name", "acronym"),
    other_fields=("description",),
    name_fields=("name", "acronym"),
    body_fields=("description",),
)

PARTNER_REQUEST = Searchable(
    title_fields=("title",),
    other_fields=(
        "municipality__short_name",
        "organisation__name",
        "countries__name",
        "themes__name",
    ),
    name_fields=("title",),
    body_fields=("description",),
    many_fields=("countries__name", "themes__name"),
)


def _close_to_a_word(needle: str, text: str) -> bool:
    """A misspelling of one of the words in `text` ("trollhatan" for "trollhattans")."""
    for word in text.split():
        matcher = difflib.SequenceMatcher(None, needle, word)
        if matcher.real_quick_ratio() >= FUZZY_RATIO and matcher.ratio() >= FUZZY_RATIO:
            return True
    return False


def search_municipalities(query: str, limit: int) -> list:
    """Published municipalities, best first; each hit has `.rank` and `.snippet`."""
    from portal.models import Municipality

    municipalities = Municipality.objects.public()
    if not query or is_postgresql(municipalities.db):
        return _search(municipalities, MUNICIPALITY, query, limit, "short_name")
    # SQLite: 290 rows, compared in Python without case or diacritics ("vaxjo", "ÖREBRO").
    needle = fold(query)
    hits = []
    for municipality in municipalities.order_by("short_name"):
        names = fold(
            " ".join([municipality.name, municipality.short_name, municipality.display_name])
        )
        if needle in names:
            municipality.rank = 1.0
        elif len(needle) >= TRIGRAM_MIN_LENGTH and _close_to_a_word(needle, names):
            municipality.rank = 0.8
        elif needle in fold(municipality.intro):
            municipality.rank = 0.5
        else:
            continue
        municipality.snippet = python_snippet(query, municipality.intro)
        hits.append(municipality)
    hits.sort(key=lambda hit: -hit.rank)  # stable: by short name within a rank
    return hits[:limit]


def search_partnerships(query: str, limit: int) -> list:
    from partnerships.models import Partnership

    partnerships = Partnership.objects.published().select_related("municipality")
    return _search(partnerships, PARTNERSHIP, query, limit, "name")


def search_projects(query: str, limit: int) -> list:
    from projects.models import Project

    projects = Project.objects.published().select_related("municipality")
    return _search(projects, PROJECT, query, limit, "title")


def search_networks(query: str, limit: int) -> list:
    from networks.models import Network

    return _search(Network.objects.published(), NETWORK, query, limit, "name")


def search_partner_requests(query: str, limit: int) -> list:
    """Published partner requests that are still current (expired ones are never found)."""
    from seeking.models import PartnerRequest

    requests = PartnerRequest.objects.public().select_related(
        "municipality", "organisation__country"
    )
    return _search(requests, PARTNER_REQUEST, query, limit, "title")


# Migrations


def create_extensions(apps, schema_editor) -> None:
    """pg_trgm and unaccent, for misspelt names; both are trusted extensions (PostgreSQL 13+)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


def create_unaccent_function(apps, schema_editor) -> None:
    """UNACCENT_FUNCTION: unaccent() with its dictionary named, hence IMMUTABLE and indexable."""
    if schema_editor.connection.vendor == "postgresql":
        # The extension's own schema (public unless the database put it elsewhere), named in
        # full so the function does not depend on the search path.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT extnamespace::regnamespace::text FROM pg_extension "
                "WHERE extname = 'unaccent'"
            )
            schema = cursor.fetchone()[0]
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {UNACCENT_FUNCTION}(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
            f"AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
        )


def drop_unaccent_function(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {UNACCENT_FUNCTION}(text)")


def trigram_indexes(label: str, substring=(), misspelt=()) -> list:
    """Migration operations: on PostgreSQL, trigram GIN indexes on `label`'s columns that the
    search compares, each on the very expression the query uses so the planner can take it:
    `UPPER(col::text)` for the substring matches (Django's icontains is UPPER(col::text) LIKE
    UPPER('%q%')) and `portal_unaccent(col::text)` for the misspelling matches (`%>`).
    Nothing on other databases."""

    def definitions(model):
        table = model._meta.db_table
        for kind, function, columns in (
            ("up", "upper", substring),
            ("ua", UNACCENT_FUNCTION, misspelt),
        ):
            for name in columns:
                column = model._meta.get_field(name).column
                yield (
                    f"{table}_{column}_{kind}_trgm",
                    f"gin ({function}({column}::text) gin_trgm_ops)",
                )

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(label)
        for index, expression in definitions(model):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(index)} "
                f"ON {schema_editor.quote_name(model._meta.db_table)} USING {expression}"
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for index, _expression in definitions(apps.get_model(label)):
                schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")

    from django.db import migrations

    return [migrations.RunPython(forwards, backwards, elidable=True)]


def index_and_backfill(label: str, fields) -> list:
    """Migration operations: on PostgreSQL, a GIN index on `label`'s search_vector and the
    vectors of the rows already there. Nothing on other databases (a GinIndex in Meta.indexes
    would also be created, and fail, whenever SQLite rebuilds the table)."""

    def index_name(model) -> str:
        return f"{model._meta.db_table}_search_gin"

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(label)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(index_name(model))} "
            f"ON {schema_editor.quote_name(model._meta.db_table)} USING gin (search_vector)"
        )
        model._base_manager.using(schema_editor.connection.alias).update(
            search_vector=vector_expression(model, fields)
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            model = apps.get_model(label)
            name = schema_editor.quote_name(index_name(model))
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    from django.db import migrations

    return [migrations.RunPython(forwards, backwards, elidable=True)]
