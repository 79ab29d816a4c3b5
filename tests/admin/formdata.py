"""Turn an admin change form, as the browser received it, into the POST it would send."""

import datetime


def _value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def _form_fields(form, data: dict) -> None:
    for name in form.fields:
        bound = form[name]
        value = bound.value()
        if isinstance(value, bool) or name.startswith("is_"):
            if value:
                data[bound.html_name] = "on"
            continue
        widget = bound.field.widget
        if hasattr(widget, "decompress"):  # a split date and time: name_0, name_1
            for index, part in enumerate(widget.decompress(value)):
                data[f"{bound.html_name}_{index}"] = _value(part)
            continue
        data[bound.html_name] = _value(value)


def change_form_data(response, **overrides) -> dict:
    """The fields of the main form and every inline formset, with their current values."""
    data: dict = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = _value(
                formset.management_form[name].value()
            )
        for form in formset.initial_forms:
            _form_fields(form, data)
        # The extra empty forms are left out, as a browser would leave them blank.
        data[formset.management_form.add_prefix("TOTAL_FORMS")] = str(len(formset.initial_forms))
    data.update(overrides)
    return data
