"""The OpenAPI description's own pieces: typed filter parameters and the error answers."""

import django_filters
from django import forms
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers


class PublicFilterExtension(DjangoFilterExtension):
    """Types the public FilterSets' parameters the way their form fields read them.

    The FilterSets are the public pages' own (public/filters.py and each app's filters.py):
    their years are whole numbers with bounds, and their choices of a municipality,
    country, theme, programme or funding source are slugs or codes matched by a filter
    method, which drf-spectacular cannot type by itself.
    """

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = self.typed_parameters(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        # As in the pages' forms, an empty value ("?kind=") means no filter.
        for parameter in parameters:
            parameter["allowEmptyValue"] = True
        return parameters

    def typed_parameters(self, auto_schema, model, filterset_class, field_name, filter_field):
        form_field = filter_field.field
        if isinstance(form_field, forms.IntegerField):
            schema = {"type": "integer"}
            if form_field.min_value is not None:
                schema["minimum"] = form_field.min_value
            if form_field.max_value is not None:
                schema["maximum"] = form_field.max_value
        elif isinstance(filter_field, django_filters.ModelChoiceFilter):
            schema = {"type": "string"}
        else:
            return super().resolve_filter_field(
                auto_schema, model, filterset_class, field_name, filter_field
            )
        return [
            build_parameter_type(
                name=field_name,
                location=OpenApiParameter.QUERY,
                description=str(filter_field.label or ""),
                schema=schema,
            )
        ]


NOT_FOUND = OpenApiResponse(
    response=inline_serializer("NotFound", {"detail": serializers.CharField()}),
    description="Finns inte, är inte publicerad, eller sidan ligger efter den sista.",
)
BAD_REQUEST = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"year_from": ["Skriv året med fyra siffror, till exempel 2018."]},
    },
    description=(
        "En parameter har ett ogiltigt värde. Nycklarna är parametrarnas namn och värdena "
        "listor av felmeddelanden på svenska."
    ),
)
