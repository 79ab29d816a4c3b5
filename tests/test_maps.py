"""maps/partner_map.py without the database: the projection, clipping, path data and outlines."""

import math
import random
from types import SimpleNamespace

import pytest

from maps import partner_map as maps
from portal.formatting import group_thousands


def test_projection_fits_every_point_inside_the_frame_with_a_margin():
    points = [(-111.94, 33.425), (105.435, 10.386), (27.1, -26.71), (25.105, 60.403)]
    projection = maps.fit_projection(points)
    for lon, lat in points:
        x, y = projection.point(lon, lat)
        assert 10 < x < maps.WIDTH - 10, (lon, x)
        assert 10 < y < maps.HEIGHT - 10, (lat, y)


def test_projection_puts_north_up_and_east_right():
    projection = maps.fit_projection([(10, 50), (20, 60)])
    x_west, y_south = projection.point(10, 50)
    x_east, y_north = projection.point(20, 60)
    assert x_east > x_west
    assert y_north < y_south


def test_projection_is_equirectangular_at_the_middle_latitude():
    """A degree of latitude is `scale` pixels everywhere; a degree of longitude is that times
    the cosine of the standard parallel, the middle of the places' latitudes."""
    projection = maps.fit_projection([(10, 40), (30, 60)])
    assert projection.parallel == pytest.approx(50)
    x0, y0 = projection.point(20, 50)
    x1, y1 = projection.point(21, 51)
    assert y0 - y1 == pytest.approx(projection.scale)
    assert x1 - x0 == pytest.approx(projection.scale * math.cos(math.radians(50)))


def test_projection_centres_the_places_and_fills_the_frame_on_one_axis():
    projection = maps.fit_projection([(0, 0), (40, 10)])
    x0, _ = projection.point(0, 5)
    x1, _ = projection.point(40, 5)
    assert (x0 + x1) / 2 == pytest.approx(maps.WIDTH / 2)
    # Wide places fill the width, less the margin on both sides.
    margin = max(40 * maps.MARGIN_SHARE, maps.MARGIN_DEGREES) * projection.x_factor
    assert x1 - x0 + 2 * margin == pytest.approx(maps.WIDTH)


def test_one_place_gets_a_view_around_it():
    projection = maps.fit_projection([(12.182, 55.458)])
    west, south, east, north = projection.bounds
    assert west < 12.182 < east and south < 55.458 < north
    assert north - south >= 2 * maps.MARGIN_DEGREES


def test_a_view_of_places_around_the_world_stays_inside_the_world_where_it_can():
    projection = maps.fit_projection([(-170, -50), (170, 70)])
    west, _, east, _ = projection.bounds
    assert west >= -180 - 1e-9 and east <= 180 + 1e-9


def test_view_bounds_match_the_frame_edges():
    projection = maps.fit_projection([(5, 45), (25, 65)])
    west, south, east, north = projection.bounds
    assert projection.point(west, north) == pytest.approx((0, 0))
    assert projection.point(east, south) == pytest.approx((maps.WIDTH, maps.HEIGHT))


def test_clip_to_frame_cuts_a_polygon_to_the_rectangle():
    square = [(-10, -10), (10, -10), (10, 10), (-10, 10)]
    clipped = maps.clip_to_frame(square, 0, 0, 5, 5)
    assert sorted(set(clipped)) == [(0, 0), (0, 5), (5, 0), (5, 5)]
    assert maps.clip_to_frame([(20, 20), (30, 20), (30, 30)], 0, 0, 5, 5) == []


def test_ring_path_is_compact_relative_path_data():
    projection = maps.Projection(centre_lon=0, centre_lat=0, scale=10, parallel=0)
    ring = maps._ring([0, 0, 1000, 0, 1000, 500, 0, 500])  # 10° × 5° at the centre
    assert maps.ring_path(ring, projection) == "M400 225l100 0 0-50-100 0z"


def test_ring_path_leaves_out_what_the_view_does_not_show():
    projection = maps.Projection(centre_lon=0, centre_lat=0, scale=10, parallel=0)
    far_away = maps._ring([10000, 6000, 10100, 6000, 10100, 6100])
    assert maps.ring_path(far_away, projection) == ""


def test_the_shipped_outlines_have_the_partner_countries():
    outlines = maps.country_outlines()
    for code in ["SE", "DK", "XK", "ZA", "VN", "US", "KE", "MD", "GE", "NA"]:
        assert outlines[code], code
    west, south, east, north = maps.country_bounds("SE")
    assert 10 < west < 12 and 68 < north < 70 and 54 < south < 56 and 23 < east < 25
    assert maps.country_bounds("ZZ") is None


def test_russia_is_drawn_on_both_sides_of_the_antimeridian():
    """Chukotka lies east of 180°: it shows at the east edge of a view of Siberia and at the
    west edge of a view of Alaska."""
    siberia = maps.fit_projection([(170, 65), (178, 67)])
    alaska = maps.fit_projection([(-175, 65), (-165, 67)])
    paths = {
        name: {country["code"]: country["d"] for country in maps.country_paths(projection)}
        for name, projection in [("siberia", siberia), ("alaska", alaska)]
    }
    assert "RU" in paths["siberia"] and "RU" in paths["alaska"]
    assert "US" in paths["alaska"]


def test_country_paths_cover_only_countries_in_view_and_mark_sweden():
    projection = maps.fit_projection([(11, 55), (24, 69)])
    codes = {country["code"]: country for country in maps.country_paths(projection)}
    assert {"SE", "NO", "FI", "DK"} <= set(codes)
    assert "AU" not in codes and "BR" not in codes
    assert codes["SE"]["is_home"] and not codes["NO"]["is_home"]


def test_simplify_keeps_corners_and_drops_what_lies_within_the_tolerance():
    line = [(0, 0), (5, 0.2), (10, 0), (10, 10)]
    assert maps.simplify(line, 1.0) == [(0, 0), (10, 0), (10, 10)]
    assert maps.simplify(line, 0.1) == line
    assert maps.simplify([(0, 0), (1, 1)], 1.0) == [(0, 0), (1, 1)]


def test_outlines_keep_small_islands_where_partners_lie():
    """Zealand (Køge) is a ring of Denmark's own, and it is drawn on a map of the Öresund."""
    zealand = [ring for ring in maps.country_outlines()["DK"] if ring.east > 12]
    assert zealand and zealand[0].west < 12.182 < zealand[0].east
    projection = maps.fit_projection([(12.182, 55.458), (13.0, 56.0)])
    assert maps.ring_path(zealand[0], projection)


# --- Markers: places that would overlap share one ---------------------------------------------


def points(*xy):
    return [SimpleNamespace(x=x, y=y) for x, y in xy]


def test_points_nearer_than_the_group_distance_share_a_marker_and_others_stay_alone():
    gdynia, slupsk, far = points((100, 100), (95, 100), (300, 300))
    markers = maps.group_markers([gdynia, slupsk, far])
    assert [marker.places for marker in markers] == [[gdynia, slupsk], [far]]
    assert markers[0].is_group and markers[0].radius == maps.GROUP_RADIUS
    assert (markers[0].x, markers[0].y) in {(100, 100), (95, 100)}
    assert not markers[1].is_group and markers[1].radius == maps.POINT_RADIUS
    assert (markers[1].x, markers[1].y) == (300, 300)


def test_a_marker_is_placed_where_the_places_crowd_not_where_the_first_one_is():
    """A, B and C in a row 10 px apart: B, with the most neighbours, holds all three."""
    a, b, c = points((0, 0), (10, 0), (20, 0))
    (marker,) = maps.group_markers([a, b, c])
    assert (marker.x, marker.y) == (10, 0) and marker.places == [a, b, c]


def test_markers_never_overlap_every_place_is_in_one_and_near_it_deterministically():
    rng = random.Random(6)
    places = points(*((rng.randint(0, 300), rng.randint(0, 150)) for _ in range(600)))
    markers = maps.group_markers(places)
    assert [
        (m.x, m.y, [places.index(p) for p in m.places]) for m in maps.group_markers(places)
    ] == [(m.x, m.y, [places.index(p) for p in m.places]) for m in markers]
    grouped = [place for marker in markers for place in marker.places]
    assert sorted(map(id, grouped)) == sorted(map(id, places))
    for marker in markers:
        for place in marker.places:
            assert math.hypot(place.x - marker.x, place.y - marker.y) < maps.GROUP_DISTANCE
    for i, first in enumerate(markers):
        for second in markers[i + 1 :]:
            apart = math.hypot(first.x - second.x, first.y - second.y)
            assert apart >= first.radius + second.radius


def test_counts_are_formatted_by_the_shared_helper():
    """No formatting of its own: whatever portal.formatting groups thousands with."""
    group = maps.LinkGroup("projects", links=[], total=12345)
    assert group.more_count_display == group_thousands(12345)
    marker = maps.Marker(points(*[(0, 0)] * 1234), 0, 0)
    assert marker.count_display == group_thousands(1234)
    assert marker.more_count_display == group_thousands(1234 - maps.GROUP_TITLE_NAMES)


def test_the_layout_is_kept_per_set_of_points_and_markers_hold_the_places_given():
    """The national map's thousands of places are grouped once per set of points; each
    request's markers still hold that request's places."""
    first = points((100, 100), (95, 100), (300, 300))
    again = points((100, 100), (95, 100), (300, 300))
    maps.marker_layout.cache_clear()
    maps.group_markers(first)
    markers = maps.group_markers(again)
    assert maps.marker_layout.cache_info().hits == 1
    assert [marker.places for marker in markers] == [[again[0], again[1]], [again[2]]]
    assert all(place is mine for place, mine in zip(markers[0].places, again[:2], strict=True))
    moved = points((100, 100), (95, 100), (104, 100))
    assert [len(marker.places) for marker in maps.group_markers(moved)] == [3]


def _format_html_place_list(places, show_municipality):
    """The list beside a map as format_html wrote it (the reference for place_list_html)."""
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    parts = []
    for place in places:
        parts.append(
            format_html(
                '<li id="{}" tabindex="-1">\n      <strong>{}</strong>, {}\n'
                '      <ul class="map-links">\n        ',
                place.anchor,
                place.name,
                place.country,
            )
        )
        for group in place.link_groups:
            for link in group.links:
                parts.append(
                    format_html(
                        '<li>{}: <a href="{}">{}</a>{}{}{}</li>',
                        link.kind,
                        link.url,
                        link.title,
                        format_html(" ({})", link.municipality.public_name)
                        if show_municipality
                        else "",
                        ", har upphört" if link.ended else "",
                        f", {link.status.lower()}" if link.status else "",
                    )
                )
            if group.more_count:
                one, many = maps.MORE_WORDS[group.kind]
                parts.append(
                    format_html(
                        '\n        <li class="map-more"><a href="{}">och {} {} till</a></li>',
                        group.list_url,
                        group.more_count_display,
                        one if group.more_count == 1 else many,
                    )
                )
        parts.append("\n      </ul>\n    </li>\n    ")
    return mark_safe("".join(parts))


@pytest.mark.parametrize("show_municipality", [False, True])
def test_the_place_list_escapes_as_format_html_did(show_municipality):
    from portal.models import Municipality

    owner = Municipality(name='Ö<sby> & "Co"', slug="osby", display_name="")
    place = maps.Place("tempe", "Tempe <AZ>", "US", "USA & 'Kanada'", 33.4, -111.9)
    place.partnerships.links = [
        maps.Link("Vänort", 'Tempe "<script>"', "/samarbeten/a&b/", owner, ended=True)
    ]
    place.partnerships.total = 1
    place.projects.links = [
        maps.Link("Projekt", "Vatten & <b>miljö</b>", "/projekt/x/", owner, status="Pågående")
    ]
    place.projects.total = 1234
    place.projects.list_url = "/projekt/?partner=tempe&q=<x>"
    other = maps.Place("koge", "Køge", "DK", "Danmark", 55.5, 12.2)
    other.stories.links = [maps.Link("Berättelse", "En 'berättelse'", "/b/", owner)]
    other.stories.total = 2
    other.stories.list_url = "/berattelser/"

    written = maps.place_list_html([place, other], show_municipality)

    assert written == _format_html_place_list([place, other], show_municipality)
    assert "<script>" not in written and "&lt;script&gt;" in written
