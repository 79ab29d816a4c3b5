from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def positive_int(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 1 else None


class PagePagination(PageNumberPagination):
    """`?page=2&page_size=50`: pages of at most MAX_PAGE_SIZE, with the total count.

    Bad values are answered, never guessed at: a page or size that is not a whole number
    from 1 up gives 400, a page past the end 404, each with a Swedish message.
    """

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "Sidnummer, från 1."
    page_size_query_description = (
        f"Antal per sida, 1–{MAX_PAGE_SIZE} (utan parametern {DEFAULT_PAGE_SIZE})."
    )

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        size = positive_int(value)
        if size is None or size > self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Antal per sida ska vara ett heltal från 1 till {self.max_page_size}."
                    ]
                }
            )
        return size

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param, "")
        if value == "":
            return 1
        number = positive_int(value)
        if number is None:
            raise ValidationError(
                {self.page_query_param: ["Sidnumret ska vara ett heltal, 1 eller större."]}
            )
        return number

    def paginate_queryset(self, queryset, request, view=None):
        """The page in three steps, as the public lists read theirs (public/listing.py): the
        count, the page's primary keys in the list's order by a narrow query that joins
        nothing the filters do not need, then those rows with everything the serializer
        shows, from the view's unfiltered queryset (`page_rows`)."""
        self.request = request
        size = self.get_page_size(request)
        number = self.get_page_number(request, None)
        paginator = Paginator([], size)
        paginator.count = queryset.count()  # what Paginator.count would ask, set up front
        try:
            self.page = paginator.page(number)
        except EmptyPage:
            pages = paginator.num_pages
            raise NotFound(
                f"Sidan {number} finns inte; det finns {pages} {'sida' if pages == 1 else 'sidor'}."
            ) from None
        start = (number - 1) * size
        read_keys = getattr(view, "page_keys", page_keys)
        keys = read_keys(queryset, start, start + size)
        self.page.object_list = view.page_rows(keys) if keys else []
        return list(self.page.object_list)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["allowEmptyValue"] = True  # the same as leaving it out
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


def page_keys(queryset, start: int, stop: int) -> list:
    """The primary keys of the rows from `start` up to `stop` of the ordered list."""
    return list(queryset.values_list("pk", flat=True)[start:stop])


def page_keys_by_groups(queryset, start: int, stop: int, groups: tuple[str, ...]) -> list:
    """`page_keys` for a list ordered by `groups` (field names, "-" for descending) and then
    by a unique field that an index on `groups` and the primary key does not hold, such as
    the projects' `-start_date, title, slug`.

    Skipping 40 000 rows in that order sorts them all; in the order `groups, pk` it is a
    walk along the index. Both orders put the same group values at each position, so the
    page's groups are read in the index's order, then every row of those groups in the
    list's own order, and the page is cut from them: the first group's rows on the page are
    its last ones (unless it fills the whole page, which then is read the plain way).
    """
    fields = [group.removeprefix("-") for group in groups]
    positions = list(queryset.order_by(*groups, "pk").values_list(*fields)[start:stop])
    if not positions:
        return []
    first = positions[0]
    if first == positions[-1]:
        return page_keys(queryset, start, stop)
    condition = Q()
    for values in dict.fromkeys(positions):
        condition |= Q(
            **{
                (f"{field}__isnull" if value is None else field): (True if value is None else value)
                for field, value in zip(fields, values, strict=True)
            }
        )
    rows = list(queryset.filter(condition).values_list("pk", *fields))
    before = sum(1 for row in rows if tuple(row[1:]) == first) - positions.count(first)
    return [row[0] for row in rows[before : before + len(positions)]]
