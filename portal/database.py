"""Which database answers, and upkeep after writing much of a table at once."""

from django.db import connections


def is_postgresql(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


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
