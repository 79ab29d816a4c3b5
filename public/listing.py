"""The public lists' shared view: a plain GET filter form, a result count and pagination
that never fails (a page number past the end shows the last page; zero, a negative number
or text shows the first).

A page is read in two steps (a "deferred join"): the primary keys of its rows, in the list's
order, by a narrow query over the filtered list that skips the other pages' rows in an
index, not in a join of every related table; then those 20 rows with their related rows and
prefetches. Deep pages and pages of a long filtered list cost about the same as the first.

A list with a `row_template` is assembled from fragments (public/fragments.py): each row is
rendered once per version of its record and kept, and the rest of the page (form, count,
pagination and the keys of its rows) once per filter combination and version of the lists.
A repeat request then costs cache reads and no query; after an edit only the edited rows
and the lists' surroundings are rendered again."""

import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django_filters.views import FilterView

from public import fragments

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
#: Stands for the rows while the rest of a list's page is rendered (never shown).
ROWS_MARK = "\x00rows\x00"


def _bounds(page) -> tuple[int, int]:
    """The page's rows as a range of positions in the whole list."""
    if not page.paginator.count:
        return 0, 0
    return page.start_index() - 1, page.end_index()


class PublicListView(FilterView):
    paginate_by = PAGE_SIZE
    # Invalid fields are reported beside the form; the valid ones still filter.
    strict = False
    nav = ""
    heading = ""
    intro = ""
    #: The list as a file (spreadsheets/downloads.py), e.g. "projects:download"; empty for none.
    download_url_name = ""
    #: One row (the record named as `row_kind`), e.g. "projects/includes/project_row.html": the page
    #: is then assembled from fragments. Empty: rendered whole.
    row_template = ""
    #: The kind of record whose version keys a row's fragment, e.g. "project".
    row_kind = ""
    #: What stands between the rows, as the list's loop wrote it.
    row_indent = "\n      "

    def get(self, request, *args, **kwargs):
        if not (self.row_template and fragments.enabled()):
            return super().get(request, *args, **kwargs)
        try:
            key = fragments.list_key(request)
            kept = fragments.fragment_cache().get(key)
        except Exception:
            logger.exception("The fragment cache does not answer; rendering from the database.")
            key = kept = None
        if kept is not None:
            before, after, keys = kept
            return HttpResponse(before + self.rows_html(keys, {}) + after)
        self.rows_marked = True
        response = super().get(request, *args, **kwargs)
        response.render()
        before, mark, after = response.content.decode().partition(ROWS_MARK)
        if not mark:
            return response
        objects = {row.pk: row for row in self.object_list_shown}
        keys = list(objects)
        response.content = before + self.rows_html(keys, objects) + after
        if key is not None:
            try:
                fragments.fragment_cache().set(
                    key, (before, after, keys), settings.PUBLIC_FRAGMENT_CACHE_SECONDS
                )
            except Exception:
                logger.exception("The fragment cache could not store %s.", request.path)
        return response

    def rows_html(self, keys: list, objects: dict) -> str:
        """The rows of the records `keys`, each from the cache under its version or
        rendered from `objects` or the database; as the list's loop wrote them."""
        template = get_template(self.row_template)
        rows = fragments.rows(
            self.row_kind,
            keys,
            objects,
            load=lambda missing: self.get_queryset().in_bulk(missing),
            render=lambda record: template.render({self.row_kind: record}).rstrip("\n"),
        )
        return mark_safe("".join(f"{self.row_indent}{row}{self.row_indent}" for row in rows))

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size, allow_empty_first_page=True)
        number = self.request.GET.get("page", "")
        # Paginator.get_page shows the last page for 0 and -1; the first is what was meant.
        page = paginator.get_page(number if number.isdigit() and int(number) >= 1 else 1)
        start, end = _bounds(page)
        keys = list(queryset.values_list("pk", flat=True)[start:end])
        # The rows with everything the template shows; the filters are done with.
        rows = self.get_queryset().in_bulk(keys) if keys else {}
        page.object_list = [rows[key] for key in keys if key in rows]
        self.object_list_shown = page.object_list
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.filterset.form
        for name in form.errors:
            if name in form.fields:
                form.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{form[name].auto_id}-fel"}
                )
        params = self.request.GET.copy()
        params.pop("page", None)
        # The download links carry the filters the list applies: the valid ones.
        download_params = QueryDict(mutable=True)
        for name in form.fields:
            if name in params and name not in form.errors:
                download_params.setlist(name, params.getlist(name))
        context.update(
            download_url_name=self.download_url_name,
            download_querystring=download_params.urlencode(),
            nav=self.nav,
            heading=self.heading,
            intro=self.intro,
            querystring=params.urlencode(),
            is_filtered=any(value for key, value in params.items()),
        )
        if self.row_template:
            # The rows are put in after rendering (get), or here when there are no fragments.
            context["rows"] = (
                ROWS_MARK
                if getattr(self, "rows_marked", False)
                else self.rows_html(
                    [row.pk for row in context["object_list"]],
                    {row.pk: row for row in context["object_list"]},
                )
            )
        return context
