"""Pieces every public list's filter form shares: free text, year range, calm validation."""

import re

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.choices import WorldRegion
from portal.database import is_postgresql
from portal.formatting import PeriodStatus, swedish_sort_key
from portal.models import Country, FundingSource, Theme
from portal.names import fold
from public.selectors import public_municipalities
from search.models import SearchDocument

MAX_QUERY_LENGTH = 200
#: How many rows behind a foreign key (municipalities, organisations) one free-text filter
#: looks up at most.
MAX_KEYS = 1000
YEAR_MIN, YEAR_MAX = 1900, 2100


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "Skriv året med fyra siffror, till exempel 2018.",
                "min_value": f"Året måste vara {YEAR_MIN} eller senare.",
                "max_value": f"Året måste vara {YEAR_MAX} eller tidigare.",
            },
        )
        super().__init__(**kwargs)


class YearFilter(django_filters.NumberFilter):
    field_class = YearField


def one_of(*field_names: str):
    """A filter method matching the value on any of several paths (OR), without duplicates."""

    def method(queryset, name, value):
        condition = Q()
        for field in field_names:
            condition |= Q(**{field: value})
        return queryset.filter(condition).distinct()

    return method


def contains(model, path: str, value: str) -> Q:
    """Rows of `model` with `value` inside the text at `path`, without joining the list's
    query to another table, so no row comes twice and no DISTINCT is needed. The keys of
    matching rows behind a foreign key (a few hundred municipalities at most) are looked up
    first: on PostgreSQL their IN list joins the other conditions' bitmap index scans (each
    compared column has a trigram index), where a subquery would make it test every row."""
    if "__" not in path:
        return Q(**{f"{path}__icontains": value})
    name, rest = path.split("__", 1)
    field = model._meta.get_field(name)
    if field.many_to_one:
        related = field.related_model._base_manager.filter(**{f"{rest}__icontains": value})
        return Q(**{f"{name}__in": list(related.values_list("pk", flat=True)[:MAX_KEYS])})
    # Many-valued (a partnership's partners): a subquery of keys, however many there are.
    return Q(pk__in=model._base_manager.filter(**{f"{path}__icontains": value}).values("pk"))


def prefix_query(value: str):
    """Every word of `value` as the beginning of a word, in Swedish full-text search
    ("klimat" finds "klimatet" and "klimatanpassning"), or among the names without
    diacritics ("koge" finds Køge); None without words."""
    words = re.findall(r"\w+", value)
    if not words:
        return None

    def every_word(words, config):
        return SearchQuery(
            " & ".join(f"{word}:*" for word in words), config=config, search_type="raw"
        )

    return every_word(words, "swedish") | every_word(re.findall(r"\w+", fold(value)), "simple")


class PublicFilterSet(django_filters.FilterSet):
    """Free text over `search_fields`, capped in length, for every public list."""

    search_fields: tuple[str, ...] = ()
    #: The kind of the model's search documents (search.models.Kind), and the texts among
    #: `search_fields` that they hold: on PostgreSQL these are matched as word beginnings
    #: through the documents' GIN index, where a substring match would read every row's text.
    search_kind: str = ""
    vector_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(
        label="Fritext",
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )

    def filter_text(self, queryset, name, value):
        value = value.strip()[:MAX_QUERY_LENGTH]
        if not value:
            return queryset
        model = queryset.model
        full_text = bool(self.search_kind) and is_postgresql(queryset.db)
        condition = Q()
        for field in self.search_fields:
            if not (full_text and field in self.vector_fields):
                condition |= contains(model, field, value)
        if self.search_kind:
            # Lists show published records only: the documents' indexes hold those.
            documents = SearchDocument.objects.filter(kind=self.search_kind, is_public=True)
            if full_text:
                query = prefix_query(value)
                documents = documents.filter(vector=query) if query is not None else None
            elif folded := fold(value):  # the names without diacritics, as substrings
                documents = documents.filter(
                    Q(folded_title__contains=folded) | Q(folded_names__contains=folded)
                )
            else:  # nothing but separators ("-"): nothing more to compare
                documents = None
            if documents is not None:
                condition |= Q(pk__in=documents.values("object_id"))
        return queryset.filter(condition)


class PeriodFilterSet(PublicFilterSet):
    """Adds status (derived from the period and today) and a year range that overlaps it."""

    status = django_filters.ChoiceFilter(
        label="Status", choices=PeriodStatus.choices, method="filter_status", empty_label="Alla"
    )
    year_from = YearFilter(label="Från år", method="filter_years")
    year_to = YearFilter(label="Till år", method="filter_years")

    def filter_status(self, queryset, name, value):
        return {
            PeriodStatus.PLANNED: queryset.planned,
            PeriodStatus.ONGOING: queryset.ongoing,
            PeriodStatus.FINISHED: queryset.finished,
        }[value]()

    def filter_years(self, queryset, name, value):
        # Both ends are applied together in filter_queryset, once the form is clean.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        year_from = self.form.cleaned_data.get("year_from")
        year_to = self.form.cleaned_data.get("year_to")
        if year_from and year_to and year_from > year_to:
            return queryset
        if year_from:
            queryset = queryset.filter(Q(ends_on__isnull=True) | Q(ends_on__year__gte=year_from))
        if year_to:
            queryset = queryset.filter(
                Q(start_date__isnull=True) | Q(start_date__year__lte=year_to)
            )
        if year_from or year_to:
            queryset = queryset.exclude(start_date__isnull=True, ends_on__isnull=True)
        return queryset

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_year_check_added", False):
            original_clean = form.clean

            def clean():
                cleaned = original_clean()
                year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
                if year_from and year_to and year_from > year_to:
                    form.add_error("year_to", "Till-året kan inte vara före från-året.")
                return cleaned

            form.clean = clean
            form._year_check_added = True
        return form


class ListSelect(forms.Select):
    """A select written out in Python. Django renders each <option> through two templates,
    about a tenth of a millisecond each, and the filter forms have some 700 options (every
    country and municipality): most of a list's rendering time. Same HTML, same attributes."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    flatatt(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


class SwedishOrderChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """The choices in Swedish alphabetical order (portal.formatting.swedish_sort_key), which
    neither SQLite nor a C-collated PostgreSQL gives: "Moçambique" among the Mo-, Åland
    before Österrike."""

    def __iter__(self):
        empty, models_ = [], []
        for choice in super().__iter__():
            (empty if choice[0] in ("", self.field.null_value) else models_).append(choice)
        yield from empty
        yield from sorted(models_, key=lambda choice: swedish_sort_key(choice[1]))


class SwedishOrderChoiceField(django_filters.fields.ModelChoiceField):
    iterator = SwedishOrderChoiceIterator
    widget = ListSelect


class SwedishOrderChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SwedishOrderChoiceField


def municipality_choices():
    # Only what the option shows and the filter looks up (not the intro texts).
    return (
        public_municipalities()
        .only("pk", "slug", "name", "display_name", "short_name")
        .order_by("short_name")
    )


def involving(queryset, name, value):
    """A filter method: records the municipality owns or takes part in (portal.parties)."""
    return queryset.involving(value)


def municipality_filter(field_name: str = "municipality", *, method=None):
    """The Kommun filter; for partnerships and projects `method=involving`, so a record
    shared by several Swedish municipalities is found by each of them."""
    return SwedishOrderChoiceFilter(
        label="Kommun",
        field_name=field_name,
        queryset=municipality_choices(),
        to_field_name="slug",
        empty_label="Alla",
        distinct=method is None,
        method=method,
    )


def country_filter(*field_names: str, method=None):
    return SwedishOrderChoiceFilter(
        label="Land",
        queryset=Country.objects.order_by("name"),
        method=method or one_of(*field_names),
        to_field_name="code",
        empty_label="Alla",
    )


def region_filter(*field_names: str, method=None):
    return django_filters.ChoiceFilter(
        label="Världsdel",
        choices=WorldRegion.choices,
        method=method or one_of(*field_names),
        empty_label="Alla",
    )


def theme_filter(method=None):
    return SwedishOrderChoiceFilter(
        label="Samarbetsområde",
        queryset=Theme.objects.order_by("name"),
        to_field_name="slug",
        method=method or one_of("themes", "themes__parent"),
        empty_label="Alla",
    )


def funding_filter(*field_names: str, method=None):
    return SwedishOrderChoiceFilter(
        label="Finansiering",
        queryset=FundingSource.objects.order_by("name"),
        to_field_name="slug",
        method=method or one_of(*field_names),
        empty_label="Alla",
    )
