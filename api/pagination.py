from django.core.paginator import EmptyPage
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
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except EmptyPage:
            pages = paginator.num_pages
            raise NotFound(
                f"Sidan {number} finns inte; det finns {pages} {'sida' if pages == 1 else 'sidor'}."
            ) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["allowEmptyValue"] = True  # the same as leaving it out
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
