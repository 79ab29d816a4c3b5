"""SQLite (development, `make run`) compares text the way PostgreSQL does for residents.

SQLite's LIKE, behind Django's contains/icontains/startswith/iexact on SQLite, folds the case
of ASCII letters only: "VÄXJÖ" would not find "Växjö", nor "århus" "Århus". On every new
SQLite connection the LIKE operator is replaced by one that lower-cases all of Unicode
(`str.lower`, which keeps a character a character, so `_` still stands for one), and is
otherwise SQLite's: the wildcards % and _, an ESCAPE of exactly one character compared as
written, no match for a pattern that ends in its escape character, and NULL for any NULL
operand. PostgreSQL is untouched: there Django uses UPPER(...) LIKE UPPER(...).
"""

import functools
import re


@functools.lru_cache(maxsize=512)
def _like_pattern(pattern: str, escape: str | None) -> re.Pattern | None:
    """The pattern as a regular expression; None when it can match nothing."""
    if escape is not None and len(escape) != 1:
        raise ValueError("ESCAPE expression must be a single character")
    parts, escaped = [], False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char.lower()))
            escaped = False
        elif char == escape:
            escaped = True
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char.lower()))
    if escaped:
        return None
    return re.compile("".join(parts), re.DOTALL)


def _like(pattern, value, escape):
    if pattern is None or value is None:
        return None
    compiled = _like_pattern(str(pattern), escape)
    return int(compiled is not None and compiled.fullmatch(str(value).lower()) is not None)


def unicode_like(pattern, value):
    """SQLite's like(X, Y): whether Y matches the pattern X."""
    return _like(pattern, value, None)


def unicode_like_escape(pattern, value, escape):
    """SQLite's like(X, Y, Z), the form of `Y LIKE X ESCAPE Z`."""
    if escape is None:
        return None
    return _like(pattern, value, str(escape))


def use_unicode_like(sender, connection, **kwargs) -> None:
    """connection_created receiver."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function("like", 2, unicode_like, deterministic=True)
    connection.connection.create_function("like", 3, unicode_like_escape, deterministic=True)
