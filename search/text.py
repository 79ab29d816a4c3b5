"""Text as search compares it, and the snippets shown under a hit."""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.names import UNDECOMPOSED

#: What PostgreSQL puts around matched words; replaced with <mark> after escaping.
START, STOP = "\x01", "\x02"
SNIPPET_CONTEXT = 80  # characters either side of a match in a snippet cut in Python

#: portal.names' letters without a decomposition, each as its first letter: "æ" as "a".
_ONE_FOR_ONE = str.maketrans({letter: base[0] for letter, base in UNDECOMPOSED.items()})


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one ("Växjö" → "vaxjo", "Køge" →
    "koge"), so that a match's position is the same in the text as written: for snippets.
    What is compared in search (the documents' folded names, the query) is portal.names.fold."""
    return "".join(
        unicodedata.normalize("NFKD", char)[:1].lower().translate(_ONE_FOR_ONE) or char
        for char in text
    )


def _clean(text: str) -> str:
    """Markdown and line breaks out of a snippet: links keep their text, markers go."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|`|^#+\s*|^>\s*)", "", text, flags=re.MULTILINE)
    return " ".join(text.split())


def marked_snippet(raw: str) -> SafeString:
    """Headline text with START/STOP around matches as safe HTML: everything else escaped."""
    html = escape(_clean(raw)).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)


def python_snippet(query: str, *texts: str) -> SafeString:
    """The first text that contains the query (ignoring case and diacritics), cut around it."""
    needle = fold(query)
    for text in texts:
        text = _clean(text or "")
        # As written first ("ä" is not marked for "a"), then without diacritics.
        at = text.lower().find(query.lower()) if query else -1
        if at < 0 or len(text.lower()) != len(text):
            folded = fold(text)
            at = folded.find(needle) if needle and len(folded) == len(text) else -1
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
