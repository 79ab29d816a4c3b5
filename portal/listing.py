"""The public lists' shared view: a plain GET filter form, a result count and pagination
that never fails (a page number past the end shows the last page; zero, a negative number
or text shows the first).

A page is read in two steps (a "deferred join"): the primary keys of its rows, in the list's
order, by a narrow query over the filtered list that skips the other pages' rows in an
index, not in a join of every related table; then those 20 rows with their related rows and
prefetches. Deep pages and pages of a long filtered list cost about the same as the first."""

from django.core.paginator import Paginator
from django.http import QueryDict
from django_filters.views import FilterView

PAGE_SIZE = 20


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
    #: The list as a file (portal/downloads.py), e.g. "projects:download"; empty for none.
    download_url_name = ""

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
        return context
