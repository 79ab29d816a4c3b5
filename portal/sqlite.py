"""SQLite (development, `make run`) compares text the way PostgreSQL does for residents.

SQLite's LIKE, behind Django's contains/icontains/startswith/iexact on SQLite, folds the case
of ASCII letters only: "VÄXJÖ" would not find "Växjö", nor "århus" "Århus". On every new
SQLite connection the LIKE operator is replaced by one that folds all of Unicode
(`str.casefold`), keeping LIKE's wildcards (% and _) and its ESCAPE character. PostgreSQL
is untouched: there Django uses UPPER(...) LIKE UPPER(...), which already folds Unicode.
"""

import functools
import re


@functools.lru_cache(maxsize=512)
def _like_pattern(pattern: str, escape: str | None) -> re.Pattern:
    parts, escaped = [], False
    for char in pattern.casefold():
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif escape is not None and char == escape:
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def unicode_like(pattern, value, escape=None):
    """SQLite's like(X, Y[, Z]): whether Y matches the pattern X, escape character Z."""
    if pattern is None or value is None:
        return None
    matched = _like_pattern(str(pattern), escape).fullmatch(str(value).casefold())
    return int(matched is not None)


def use_unicode_like(sender, connection, **kwargs) -> None:
    """connection_created receiver."""
    if connection.vendor != "sqlite":
        return
    for arity in (2, 3):
        connection.connection.create_function("like", arity, unicode_like, deterministic=True)
