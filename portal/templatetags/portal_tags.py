"""Template filters that render derived facts and admin-entered text safely."""

import json

import markdown as markdown_lib
import nh3
from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.formatting import format_money, format_phone, swedish_date

register = template.Library()

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@register.filter
def markdown(text: str) -> str:
    """Admin-entered Markdown or plain paragraphs, as sanitised HTML. Raw HTML never passes."""
    if not text:
        return ""
    html = markdown_lib.markdown(text, output_format="html")
    return mark_safe(  # noqa: S308 — nh3 has removed everything not on the allow-list
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


@register.filter
def jsonld(data) -> str:
    """A schema.org JSON-LD block, escaped like json_script so no text can close the tag."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for char, escape in (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.filter
def sv_date(value) -> str:
    return swedish_date(value)


@register.filter
def phone(value: str) -> str:
    return format_phone(value)


@register.filter
def tel_href(value: str) -> str:
    """tel: link target from a stored E.164 number."""
    return f"tel:{value}" if value else ""


@register.simple_tag
def money(amount, currency) -> str:
    return format_money(amount, currency)


@register.filter
def page_numbers(page) -> list:
    """The page numbers a pagination shows: the first and the last, two either side of
    the current one, None where others are left out (however many pages there are)."""
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [number if isinstance(number, int) else None for number in numbers]


@register.simple_tag
def edited_on(record):
    """The day a person last changed `record` (in the admin or by an import), from its
    history; None when only the fixture loader or a script wrote it, whose date says
    nothing about the facts. One query."""
    history = getattr(record, "history", None)
    if history is None:
        return None
    moment = (
        history.filter(history_user__isnull=False)
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    return timezone.localdate(moment) if moment else None
