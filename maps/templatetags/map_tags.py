"""Template filters of the partner map."""

from django import template

from maps.partner_map import place_list_html

register = template.Library()


@register.filter
def place_list(places, show_municipality=False):
    """The entries of the list beside a partner map (maps.partner_map.place_list_html)."""
    return place_list_html(places, bool(show_municipality))
