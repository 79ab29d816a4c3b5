"""The public lists' shared view: a plain GET filter form, a result count and pagination
that never fails (a page number past the end shows the last page; zero, a negative number
or text shows the first)."""

from django.core.paginator import Paginator
from django.http import QueryDict
from django_filters.views import FilterView

PAGE_SIZE = 20


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
