"""Operations of the migrations that made the full-text search before the search app
(search/): the extensions, the unaccent wrapper, trigram indexes on the columns that the
admin's and the lists' substring matches compare, and the per-model search vectors that
search 0001 replaced with search documents (the migrations pass the fields as they were)."""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce

CONFIG = "swedish"
#: An IMMUTABLE wrapper of unaccent() (unaccent() itself is only STABLE), so that names can
#: be indexed unaccented.
UNACCENT_FUNCTION = "portal_unaccent"


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


def vector_expression(model, fields):
    """The weighted Swedish search vector of a row of a historical `model`."""
    vector = None
    for path, weight in fields:
        part = SearchVector(_text_of(model, path), weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    return vector


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


def drop_misspelling_indexes(label: str, columns) -> list:
    """Migration operations: the `portal_unaccent` trigram indexes of `trigram_indexes`
    (`misspelt=`) dropped, now that misspellings are looked for in the search documents
    (search app); made again when migrating back."""
    from django.db import migrations

    [made] = trigram_indexes(label, misspelt=columns)
    return [migrations.RunPython(made.reverse_code, made.code, elidable=True)]
