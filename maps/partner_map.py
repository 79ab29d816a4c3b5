"""The map of partner places: where the partners abroad of published partnerships, projects
and stories are.

The map is an SVG drawn here on the server, so it needs neither JavaScript nor map tiles:
country outlines from the data the project ships (maps/data/countries.json, Natural Earth
1:110m), an equirectangular projection fitted to the places, and each place a link to its
entry in a list with the same facts in text. When settings.MAP_TILE_URL is set,
static/js/map.js lays a Leaflet tile map of the same points over it, and takes it away again
when the tiles cannot be loaded.

A partner place is an organisation outside Sweden with coordinates that is a partner in a
published partnership, takes part in a published project or is the partner abroad of a
published story. Under each place the list names at most LINKS_PER_KIND partnerships,
projects and stories, and counts the rest with a link to the filtered list, so a place with
thousands of projects costs no more than one with five. Points that would overlap on the SVG
are drawn as one marker with their number, which leads to a list of those places.

A municipality's page has a small map with the list of its places beside it (three
queries). The national map (/karta/, one query) has thousands of places, so its list has one
row a country, with links to the filtered public lists, and each country has a page of its
places with their links (/karta/<code>/, PLACES_PER_PAGE at a time, four queries), where the
national map's points lead.
"""

from __future__ import annotations

import functools
import html
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeData, SafeString, mark_safe

from contacts.models import Organisation
from partnerships.models import Partnership, PartnershipKind, PartnershipParty, PartyRole
from portal.formatting import PeriodStatus, derive_status, group_thousands, swedish_sort_key
from portal.models import Municipality
from portal.periods import today
from projects.models import Project, ProjectParticipant, Story

COUNTRIES_FILE = Path(__file__).resolve().parent / "data" / "countries.json"
HOME_COUNTRY = "SE"

#: The SVG's coordinate system; CSS scales it to the width of the page.
WIDTH = 800
HEIGHT = 450
#: Space around the places, as a share of their extent and at least so many degrees.
MARGIN_SHARE = 0.08
MARGIN_DEGREES = 3.0
#: The standard parallel is the middle of the view, but never nearer a pole than this, so a
#: map of the far north is not stretched without end.
MAX_STANDARD_PARALLEL = 60.0
#: How far, in pixels, a simplified outline may stray from the shipped one.
TOLERANCE = 1.0
#: The radius of a place's point and of a group's marker on the SVG, in pixels.
POINT_RADIUS = 7
GROUP_RADIUS = 9
#: Points nearer each other than this are drawn as one group marker, so that no two markers
#: overlap (the group's is the larger).
GROUP_DISTANCE = 2 * GROUP_RADIUS
#: Under each place, at most so many partnerships, projects and stories are named; the rest
#: are counted, with a link to the list of them.
LINKS_PER_KIND = 5
#: A group marker's title names so many of its places, and counts the rest.
GROUP_TITLE_NAMES = 5
#: A country's page lists so many places at a time, each with its links.
PLACES_PER_PAGE = 50


# --- Country outlines ----------------------------------------------------------------------


@dataclass(frozen=True)
class Ring:
    """One closed outline (an island, a mainland, a hole), in degrees."""

    points: tuple[tuple[float, float], ...]
    west: float
    south: float
    east: float
    north: float


@functools.cache
def country_outlines() -> dict[str, tuple[Ring, ...]]:
    """Each country's rings by ISO alpha-2 code, read once per process."""
    data = json.loads(COUNTRIES_FILE.read_text(encoding="utf-8"))
    outlines = {}
    for code, rings in data["countries"].items():
        outlines[code] = tuple(_ring(flat) for flat in rings)
    return outlines


def _ring(flat: list[int]) -> Ring:
    points = tuple((flat[i] / 100, flat[i + 1] / 100) for i in range(0, len(flat), 2))
    lons = [lon for lon, _ in points]
    lats = [lat for _, lat in points]
    return Ring(points, min(lons), min(lats), max(lons), max(lats))


def country_bounds(code: str) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a country's outline, or None when it has none."""
    rings = country_outlines().get(code)
    if not rings:
        return None
    return (
        min(ring.west for ring in rings),
        min(ring.south for ring in rings),
        max(ring.east for ring in rings),
        max(ring.north for ring in rings),
    )


@functools.cache
def country_centre(code: str) -> tuple[float, float] | None:
    """(lon, lat) of the centroid of a country's largest ring (its mainland), or None when
    it has no outline. Approximate: a concave mainland may have it outside."""
    rings = country_outlines().get(code)
    if not rings:
        return None

    def area_and_centroid(ring: Ring) -> tuple[float, float, float]:
        area = x_sum = y_sum = 0.0
        points = ring.points
        for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
            cross = x1 * y2 - x2 * y1
            area += cross
            x_sum += (x1 + x2) * cross
            y_sum += (y1 + y2) * cross
        if not area:
            return 0.0, (ring.west + ring.east) / 2, (ring.south + ring.north) / 2
        return abs(area) / 2, x_sum / (3 * area), y_sum / (3 * area)

    _, lon, lat = max(area_and_centroid(ring) for ring in rings)
    return lon, lat


# --- Projection ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Equirectangular: x proportional to longitude × cos(standard parallel), y to latitude,
    north up, centred on (centre_lon, centre_lat) with `scale` pixels a degree of latitude."""

    centre_lon: float
    centre_lat: float
    scale: float
    parallel: float
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def x_factor(self) -> float:
        return self.scale * math.cos(math.radians(self.parallel))

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.width / 2 + (lon - self.centre_lon) * self.x_factor,
            self.height / 2 - (lat - self.centre_lat) * self.scale,
        )

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of what the map shows, in degrees."""
        half_lon = self.width / 2 / self.x_factor
        half_lat = self.height / 2 / self.scale
        return (
            self.centre_lon - half_lon,
            self.centre_lat - half_lat,
            self.centre_lon + half_lon,
            self.centre_lat + half_lat,
        )


def fit_projection(
    points: list[tuple[float, float]], width: int = WIDTH, height: int = HEIGHT
) -> Projection:
    """The projection that shows every (lon, lat) in `points` with a margin, as large as the
    width × height frame allows, kept inside the world where the frame leaves room."""
    lons = [lon for lon, _ in points]
    lats = [lat for _, lat in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    parallel = max(-MAX_STANDARD_PARALLEL, min(MAX_STANDARD_PARALLEL, (south + north) / 2))
    cos_parallel = math.cos(math.radians(parallel))
    lon_margin = max((east - west) * MARGIN_SHARE, MARGIN_DEGREES)
    lat_margin = max((north - south) * MARGIN_SHARE, MARGIN_DEGREES)
    west, east = west - lon_margin, east + lon_margin
    south, north = south - lat_margin, north + lat_margin
    if east - west > 360:  # never more than the world around
        west, east = -180.0, 180.0
    # Degrees of latitude the frame must hold, for the longitudes and for the latitudes.
    span = max((east - west) * cos_parallel * height / width, north - south)
    scale = height / span
    centre_lon = _keep_inside((west + east) / 2, width / 2 / (scale * cos_parallel), 180)
    centre_lat = _keep_inside((south + north) / 2, height / 2 / scale, 90)
    return Projection(centre_lon, centre_lat, scale, parallel, width, height)


def _keep_inside(centre: float, half: float, limit: float) -> float:
    """Move a view's centre so that the view stays within ±limit, when it fits."""
    if half >= limit:
        return 0.0
    return max(-limit + half, min(limit - half, centre))


# --- SVG paths -----------------------------------------------------------------------------


def clip_to_frame(points: list[tuple[float, float]], left, top, right, bottom) -> list:
    """Sutherland–Hodgman: the polygon cut to the rectangle. Outside the frame it leaves
    only edges along the rectangle, which the caller keeps outside what is shown."""
    edges = [
        (lambda p: p[0] >= left, lambda a, b: _at_x(a, b, left)),
        (lambda p: p[0] <= right, lambda a, b: _at_x(a, b, right)),
        (lambda p: p[1] >= top, lambda a, b: _at_y(a, b, top)),
        (lambda p: p[1] <= bottom, lambda a, b: _at_y(a, b, bottom)),
    ]
    for inside, cross in edges:
        if not points:
            break
        result = []
        previous = points[-1]
        for current in points:
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
            previous = current
        points = result
    return points


def _at_x(a, b, x):
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _at_y(a, b, y):
    return (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)


def ring_path(ring: Ring, projection: Projection) -> str:
    """The ring as compact SVG path data in whole pixels ("M12 34l3-1 2 5z"), or "" when
    nothing of it shows."""
    pad = 4  # pixels outside the frame, where the cut edges run unseen
    projected = [projection.point(lon, lat) for lon, lat in ring.points]
    clipped = clip_to_frame(projected, -pad, -pad, projection.width + pad, projection.height + pad)
    pixels = []
    for x, y in simplify(clipped, TOLERANCE):
        point = (round(x), round(y))
        if not pixels or point != pixels[-1]:
            pixels.append(point)
    while len(pixels) > 1 and pixels[-1] == pixels[0]:
        pixels.pop()
    if len(pixels) < 3:
        return ""
    steps = []
    for (x1, y1), (x2, y2) in zip(pixels, pixels[1:], strict=False):
        steps += [x2 - x1, y2 - y1]
    return f"M{_numbers(pixels[0])}l{_numbers(steps)}z"


def simplify(points: list[tuple[float, float]], tolerance: float) -> list:
    """Ramer–Douglas–Peucker: the fewest points that stay within `tolerance` pixels of the
    line, so an outline carries no more detail than the map can show at its size."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, distance = first, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            if length:
                away = abs(dy * (x - x1) - dx * (y - y1)) / length
            else:
                away = math.hypot(x - x1, y - y1)
            if away > distance:
                farthest, distance = index, away
        if farthest != first:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _numbers(values) -> str:
    """Numbers for path data, a space between them only where no minus sign separates them."""
    text = ""
    for value in values:
        if text and value >= 0:
            text += " "
        text += str(value)
    return text


@functools.lru_cache(maxsize=256)
def country_paths(projection: Projection) -> tuple[dict, ...]:
    """The countries the view touches, each as one path: ({"code": "SE", "d": "M…"}, …).
    Kept per projection: a municipality's view changes only when its places do."""
    west, south, east, north = projection.bounds
    paths = []
    for code, rings in country_outlines().items():
        parts = [
            ring_path(ring, projection)
            for ring in rings
            if ring.east >= west
            and ring.west <= east
            and ring.north >= south
            and ring.south <= north
        ]
        d = "".join(part for part in parts if part)
        if d:
            paths.append({"code": code, "d": d, "is_home": code == HOME_COUNTRY})
    return tuple(paths)


# --- Places --------------------------------------------------------------------------------


@dataclass
class Link:
    """What ties a place to Sweden: a partnership, a project or a story."""

    kind: str  # "Vänort", "Kommunalt partnerskap", "Projekt", "Berättelse" …
    title: str
    url: str
    municipality: Municipality
    ended: bool = False
    #: A project's status derived from its period ("Avslutat"), or "" when it has none.
    status: str = ""


@dataclass
class LinkGroup:
    """A place's partnerships, projects or stories: the first LINKS_PER_KIND of them, how
    many there are in all, and the list that shows them all."""

    kind: str  # "partnerships", "projects", "stories": the template words the rest by it
    links: list[Link] = field(default_factory=list)
    total: int = 0
    list_url: str = ""

    @property
    def more_count(self) -> int:
        return self.total - len(self.links)

    @property
    def more_count_display(self) -> str:
        return group_thousands(self.more_count)


@dataclass
class Place:
    """An organisation abroad on the map, with what ties it to Sweden."""

    slug: str
    name: str
    country_code: str
    country: str  # the Swedish name
    lat: float
    lon: float
    partnerships: LinkGroup = field(default_factory=lambda: LinkGroup("partnerships"))
    projects: LinkGroup = field(default_factory=lambda: LinkGroup("projects"))
    stories: LinkGroup = field(default_factory=lambda: LinkGroup("stories"))
    #: Where the place is drawn on the SVG, in whole pixels.
    x: int = 0
    y: int = 0
    #: Where the place's entry is when it is not in the list beside the map: on the
    #: national map, its country's page.
    url: str = ""
    pk: int | None = None
    #: Of "partnerships", "projects" and "stories", what the place is a partner in (read
    #: for the national map, which shows no links).
    kinds: set[str] = field(default_factory=set)

    @property
    def anchor(self) -> str:
        return f"plats-{self.slug}"

    @property
    def link_groups(self) -> tuple[LinkGroup, ...]:
        return (self.partnerships, self.projects, self.stories)

    @property
    def links(self) -> list[Link]:
        """Every link the list shows under the place."""
        return [link for group in self.link_groups for link in group.links]

    @property
    def href(self) -> str:
        return self.url or f"#{self.anchor}"


def place_order(place: Place) -> tuple[str, str, str]:
    """Places are listed by country, then by name."""
    return (place.country.casefold(), place.name.casefold(), place.anchor)


def mapped(path: str) -> Q:
    """The organisation at `path` is abroad and has a place on the map."""
    return Q(**{f"{path}__latitude__isnull": False, f"{path}__longitude__isnull": False}) & ~Q(
        **{f"{path}__country": HOME_COUNTRY}
    )


def published(path: str, municipality: Municipality | None, involving=None) -> Q:
    """The partnership, project or story at `path` is public: the rule of the models'
    `published()`, written as conditions on the joined rows, not an IN (subquery), which
    SQLite's planner turns into a probe per project and place. Of one municipality if
    given: owned by it, or (with `involving`, the records' queryset) one it takes part in."""
    condition = Q(**{f"{path}is_published": True})
    if municipality is not None and involving is not None:
        condition &= Q(**{f"{path}in": involving.involving(municipality).values("pk")})
    elif municipality is not None:
        condition &= Q(**{f"{path}municipality": municipality})
    return condition


#: What each row of the three queries carries of the place and of the municipality.
PLACE_FIELDS = ("id", "slug", "name", "country_id", "country__name", "latitude", "longitude")
MUNICIPALITY_FIELDS = ("id", "slug", "name", "display_name")
PERIOD_FIELDS = ("start_date", "ends_on")


def first_of_each(queryset, place_field: str, ends_field: str | None, *order):
    """The queryset cut to the first LINKS_PER_KIND rows of each place (live ones before
    ended ones, then by `order`), each row annotated with `total`: how many rows the place
    has in all. One query, however many rows a place has."""
    ordering = [*order, "pk"]
    if ends_field:
        ended_last = Case(When(**{f"{ends_field}__lt": today()}, then=Value(1)), default=Value(0))
        queryset = queryset.alias(ended_last=ended_last)
        ordering.insert(0, "ended_last")
    place = F(place_field)
    return (
        queryset.annotate(
            rank=Window(RowNumber(), partition_by=place, order_by=ordering),
            total=Window(Count("pk"), partition_by=place),
        )
        .filter(rank__lte=LINKS_PER_KIND)
        .order_by(*ordering)
    )


def list_url(url_name: str, place: Place, municipality: Municipality | None) -> str:
    """The public list filtered, as near as its filters go, to this place's entries: free
    text on the place's name (the lists search partners' names) and its country."""
    query = {"q": place.name, "country": place.country_code}
    if municipality is not None:
        query["municipality"] = municipality.slug
    return f"{reverse(url_name)}?{urlencode(query)}"


def detail_url(url_name: str):
    """A function from slug to the detail page's address: one reverse() for all rows."""
    placeholder = "0slug0"
    pattern = reverse(url_name, args=[placeholder])
    return lambda slug: pattern.replace(placeholder, slug, 1)


def partner_places(
    municipality: Municipality | None = None, organisation_ids: list[int] | None = None
) -> list[Place]:
    """The places of published partnerships, projects and stories (of one municipality, or
    of all Sweden; of these organisations only, when given), ordered by country and name.
    Three queries.

    The rows are read as values, not model instances (a national map has tens of thousands);
    a period's status is derived by the function the models' `status_on` uses."""
    on = today()
    places: dict[int, Place] = {}
    municipalities: dict[int, Municipality] = {}

    def columns(place_path: str, municipality_path: str, *own: str) -> list[str]:
        return [
            *(f"{place_path}__{name}" for name in PLACE_FIELDS),
            *(f"{municipality_path}__{name}" for name in MUNICIPALITY_FIELDS),
            *own,
            "total",
        ]

    def among(place_field: str) -> dict:
        return {} if organisation_ids is None else {f"{place_field}__in": organisation_ids}

    def split(row: tuple) -> tuple[Place, Municipality, tuple, int]:
        """A row's place, municipality, own values and total."""
        place_values = row[: len(PLACE_FIELDS)]
        municipality_values = row[len(PLACE_FIELDS) : len(PLACE_FIELDS) + 4]
        place_id, slug, name, country_code, country, lat, lon = place_values
        place = places.get(place_id)
        if place is None:
            place = places[place_id] = Place(
                slug, name, country_code, country, float(lat), float(lon)
            )
        municipality_id = municipality_values[0]
        if municipality_id not in municipalities:
            municipality_id, slug, name, display_name = municipality_values
            municipalities[municipality_id] = Municipality(
                pk=municipality_id, slug=slug, name=name, display_name=display_name
            )
        return place, municipalities[municipality_id], row[len(PLACE_FIELDS) + 4 : -1], row[-1]

    partnership_url = detail_url("partnerships:detail")
    parties = first_of_each(
        PartnershipParty.objects.filter(
            published("partnership__", municipality, Partnership.objects),
            mapped("organisation"),
            role=PartyRole.PARTNER,
            **among("organisation_id"),
        ),
        "organisation_id",
        "partnership__ends_on",
        "partnership__name",
    ).values_list(
        *columns(
            "organisation",
            "partnership__municipality",
            "partnership__slug",
            "partnership__name",
            "partnership__kind",
            *(f"partnership__{name}" for name in PERIOD_FIELDS),
        )
    )
    for row in parties:
        place, owner, (slug, name, kind, start_date, ends_on), total = split(row)
        place.partnerships.total = total
        place.partnerships.links.append(
            Link(
                kind=PartnershipKind(kind).label,
                title=name,
                url=partnership_url(slug),
                municipality=owner,
                ended=derive_status(start_date, ends_on, on) == PeriodStatus.FINISHED,
            )
        )
    project_url = detail_url("projects:detail")
    participants = first_of_each(
        ProjectParticipant.objects.filter(
            published("project__", municipality, Project.objects),
            mapped("organisation"),
            **among("organisation_id"),
        ),
        "organisation_id",
        "project__ends_on",
        "project__title",
    ).values_list(
        *columns(
            "organisation",
            "project__municipality",
            "project__slug",
            "project__title",
            "project__acronym",
            *(f"project__{name}" for name in PERIOD_FIELDS),
        )
    )
    for row in participants:
        place, owner, (slug, title, acronym, start_date, ends_on), total = split(row)
        status = derive_status(start_date, ends_on, on)
        place.projects.total = total
        place.projects.links.append(
            Link(
                kind="Projekt",
                title=acronym or title,
                url=project_url(slug),
                municipality=owner,
                status=status.label if status else "",
            )
        )
    municipality_url = detail_url("portal:municipality_detail")
    story_rows = first_of_each(
        Story.objects.filter(published("", municipality), mapped("partner"), **among("partner_id")),
        "partner_id",
        None,
        "title",
    ).values_list(*columns("partner", "municipality", "title"))
    for row in story_rows:
        place, owner, (title,), total = split(row)
        place.stories.total = total
        place.stories.links.append(
            Link(
                kind="Berättelse",
                title=title,
                url=f"{municipality_url(owner.slug)}#berattelser",
                municipality=owner,
            )
        )
    for each in places.values():
        for group, url_name in zip(
            each.link_groups,
            ("partnerships:list", "projects:list", "stories:list"),
            strict=True,
        ):
            if group.more_count:
                group.list_url = list_url(url_name, each, municipality)
    return sorted(places.values(), key=place_order)


# --- Markers -------------------------------------------------------------------------------


@dataclass
class Marker:
    """One point on the SVG: a place, or a group of places that would overlap there."""

    places: list[Place]
    x: int
    y: int
    #: On the national map, a group's places by country (GroupCountry).
    countries: list = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return len(self.places) > 1

    @property
    def anchor(self) -> str:
        """Where the marker leads: the place in the list, or the group's entry."""
        first = self.places[0]
        return f"grupp-{first.slug}" if self.is_group else first.anchor

    @property
    def href(self) -> str:
        """Where the marker leads: the group's entry, or the place's."""
        return f"#{self.anchor}" if self.is_group else self.places[0].href

    @property
    def centre(self) -> Place:
        """The place the marker is drawn at."""
        return next(place for place in self.places if (place.x, place.y) == (self.x, self.y))

    @property
    def radius(self) -> int:
        return GROUP_RADIUS if self.is_group else POINT_RADIUS

    @property
    def count(self) -> int:
        return len(self.places)

    @property
    def count_display(self) -> str:
        return group_thousands(self.count)

    @property
    def title_places(self) -> list[Place]:
        return self.places[:GROUP_TITLE_NAMES]

    @property
    def more_count_display(self) -> str:
        return group_thousands(max(0, self.count - GROUP_TITLE_NAMES))


def group_markers(places: list[Place], distance: int = GROUP_DISTANCE) -> list[Marker]:
    """The places as markers no two of which lie nearer than `distance` pixels
    (marker_layout), in the places' order."""
    layout = marker_layout(tuple(Point(place.x, place.y) for place in places), distance)
    return [Marker([places[index] for index in indices], x, y) for x, y, indices in layout]


class Point(NamedTuple):
    x: int
    y: int


@functools.lru_cache(maxsize=256)
def marker_layout(
    places: tuple[Point, ...], distance: int
) -> tuple[tuple[int, int, tuple[int, ...]], ...]:
    """Markers for points no two of which lie nearer than `distance` pixels: (x, y, the
    indices of its points) for each. Kept per set of points, like the outlines: the national
    map's thousands of places move only when places are added, removed or moved.

    Places with the most neighbours within `distance` become markers first, at their own
    point; every other place joins the nearest marker within that distance, or becomes one.
    Ties keep the places' order, so the result is deterministic. A grid of `distance`-sized
    cells keeps the search local, and places on the same pixel are counted together, so
    thousands of places in a few spots cost no more than a few spots. Markers and their
    points come in the points' order."""
    limit = distance * distance
    on_pixel: dict[tuple[int, int], int] = {}
    for place in places:
        on_pixel[place.x, place.y] = on_pixel.get((place.x, place.y), 0) + 1
    grid: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    for (x, y), count in on_pixel.items():
        grid.setdefault((x // distance, y // distance), []).append((x, y, count))

    def around(x: int, y: int, cells: dict) -> list:
        column, row = x // distance, y // distance
        return [
            item
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for item in cells.get((column + dx, row + dy), ())
        ]

    # Each cell's count and the box its pixels lie in: a cell whose box lies wholly within
    # `distance` of a pixel counts at once, one wholly beyond it not at all.
    cells = {
        key: (
            sum(count for _, _, count in items),
            min(x for x, _, _ in items),
            min(y for _, y, _ in items),
            max(x for x, _, _ in items),
            max(y for _, y, _ in items),
        )
        for key, items in grid.items()
    }

    def neighbours_of(x: int, y: int) -> int:
        column, row = x // distance, y // distance
        total = 0
        for key in ((column + dx, row + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
            if key not in cells:
                continue
            count, left, top, right, bottom = cells[key]
            far_x, far_y = max(x - left, right - x), max(y - top, bottom - y)
            if far_x * far_x + far_y * far_y < limit:
                total += count
                continue
            near_x, near_y = max(left - x, 0, x - right), max(top - y, 0, y - bottom)
            if near_x * near_x + near_y * near_y >= limit:
                continue
            total += sum(
                count
                for ox, oy, count in grid[key]
                if (ox - x) * (ox - x) + (oy - y) * (oy - y) < limit
            )
        return total

    neighbours_on_pixel = {(x, y): neighbours_of(x, y) for x, y in on_pixel}
    neighbours = [neighbours_on_pixel[place.x, place.y] for place in places]
    markers: dict[tuple[int, int], list[Marker]] = {}
    first_place: dict[int, int] = {}  # id(marker) -> index of its first place
    for index in sorted(range(len(places)), key=lambda i: (-neighbours[i], i)):
        place = places[index]
        nearest, nearest_distance = None, limit
        for marker in around(place.x, place.y, markers):
            away = (marker.x - place.x) ** 2 + (marker.y - place.y) ** 2
            if away < nearest_distance:
                nearest, nearest_distance = marker, away
        if nearest is None:
            nearest = Marker([], place.x, place.y)
            markers.setdefault((place.x // distance, place.y // distance), []).append(nearest)
            first_place[id(nearest)] = index
        nearest.places.append((index, place))
        first_place[id(nearest)] = min(first_place[id(nearest)], index)
    result = sorted(
        (marker for cell in markers.values() for marker in cell),
        key=lambda marker: first_place[id(marker)],
    )
    return tuple(
        (marker.x, marker.y, tuple(sorted(index for index, _ in marker.places)))
        for marker in result
    )


# --- The map -------------------------------------------------------------------------------


@dataclass
class PartnerMap:
    """What templates/includes/partner_map.html draws: the outlines, the places and the
    data static/js/map.js needs for tiles."""

    places: list[Place]
    projection: Projection
    #: (west, south, east, north) of the places and Sweden, which a tile map fits itself to.
    extent: tuple[float, float, float, float]
    countries: tuple[dict, ...] = ()
    markers: list[Marker] = field(default_factory=list)
    #: The national map hands map.js its markers, not its thousands of places.
    national: bool = False

    @property
    def groups(self) -> list[Marker]:
        """The markers that stand for several places, which the list beside the map names."""
        return [marker for marker in self.markers if marker.is_group]

    @property
    def width(self) -> int:
        return self.projection.width

    @property
    def height(self) -> int:
        return self.projection.height

    @property
    def place_count(self) -> int:
        return len(self.places)

    @property
    def country_count(self) -> int:
        return len({place.country_code for place in self.places})

    @property
    def place_count_display(self) -> str:
        return group_thousands(self.place_count)

    @property
    def country_count_display(self) -> str:
        return group_thousands(self.country_count)

    @property
    def tile_url(self) -> str:
        return settings.MAP_TILE_URL

    @property
    def tile_attribution(self) -> str:
        return settings.MAP_TILE_ATTRIBUTION

    @property
    def script_data(self) -> dict:
        """The places and the view for map.js (only sent when tiles are configured)."""
        west, south, east, north = self.extent
        return {
            "tileUrl": self.tile_url,
            "attribution": self.tile_attribution,
            "bounds": [[round(south, 4), round(west, 4)], [round(north, 4), round(east, 4)]],
            "places": [self._tile_marker(marker) for marker in self.markers]
            if self.national
            else [
                {
                    "lat": place.lat,
                    "lon": place.lon,
                    "name": f"{place.name}, {place.country}",
                    "href": f"#{place.anchor}",
                }
                for place in self.places
            ],
        }

    @staticmethod
    def _tile_marker(marker: Marker) -> dict:
        centre = marker.centre
        if not marker.is_group:
            name = f"{centre.name}, {centre.country}"
        else:
            names = ", ".join(place.name for place in marker.title_places)
            name = f"{marker.count_display} orter: {names}"
            if marker.count > GROUP_TITLE_NAMES:
                name += f" och {marker.more_count_display} till"
        return {
            "lat": centre.lat,
            "lon": centre.lon,
            "name": name,
            "href": marker.href,
            "count": marker.count,
        }


MORE_WORDS = {
    "partnerships": ("samarbete", "samarbeten"),
    "projects": ("projekt", "projekt"),
    "stories": ("berättelse", "berättelser"),
}


def _escaped(value) -> str:
    """As format_html treats an argument (conditional_escape): safe HTML as it is, anything
    else as text, escaped."""
    return value if isinstance(value, SafeData) else html.escape(str(value))


def place_list_html(places: list[Place], show_municipality: bool = False) -> SafeString:
    """The list beside a map: each place with its links (the first LINKS_PER_KIND of each
    kind, then "och N till"), written out in Python. A municipality with hundreds of
    partner places has thousands of links; through the template language they were most of
    its page's rendering time, and through format_html a tenth of it. Every text is
    escaped (`_escaped`, what format_html does; tests/test_maps.py compares the two)."""
    e = _escaped
    parts = []
    for place in places:
        parts.append(
            f'<li id="{e(place.anchor)}" tabindex="-1">\n      <strong>{e(place.name)}</strong>, '
            f'{e(place.country)}\n      <ul class="map-links">\n        '
        )
        for group in place.link_groups:
            for link in group.links:
                owner = f" ({e(link.municipality.public_name)})" if show_municipality else ""
                ended = ", har upphört" if link.ended else ""
                status = f", {e(link.status.lower())}" if link.status else ""
                parts.append(
                    f'<li>{e(link.kind)}: <a href="{e(link.url)}">{e(link.title)}</a>'
                    f"{owner}{ended}{status}</li>"
                )
            if group.more_count:
                one, many = MORE_WORDS[group.kind]
                parts.append(
                    f'\n        <li class="map-more"><a href="{e(group.list_url)}">och '
                    f"{e(group.more_count_display)} {one if group.more_count == 1 else many} "
                    "till</a></li>"
                )
        parts.append("\n      </ul>\n    </li>\n    ")
    return mark_safe("".join(parts))


def partner_map(places: list[Place], *, national: bool = False) -> PartnerMap | None:
    """The map of these places with Sweden in view, or None when there is nothing to show."""
    if not places:
        return None
    points = [(place.lon, place.lat) for place in places]
    home = country_bounds(HOME_COUNTRY)
    if home:
        points += [(home[0], home[1]), (home[2], home[3])]
    projection = fit_projection(points)
    for place in places:
        x, y = projection.point(place.lon, place.lat)
        place.x, place.y = round(x), round(y)
    lons = [lon for lon, _ in points]
    lats = [lat for _, lat in points]
    return PartnerMap(
        places=places,
        projection=projection,
        extent=(min(lons), min(lats), max(lons), max(lats)),
        countries=country_paths(projection),
        markers=group_markers(places),
        national=national,
    )


def municipality_partner_map(municipality: Municipality) -> PartnerMap | None:
    return partner_map(partner_places(municipality))


# --- The national map and the pages of each country ---------------------------------------


def mapped_places(country_code: str | None = None) -> list[Place]:
    """Every place abroad of a published partnership, project or story (in one country, if
    given), each with the kinds it is a partner in but without its links, ordered by country
    and name. One query: a union of one semi-join per kind, which the database answers from
    the places' side with an index probe each, where one condition with three ORs would
    read every project participant."""
    fields = ("id", "slug", "name", "country_id", "country__name", "latitude", "longitude")
    candidates = Organisation.objects.filter(
        latitude__isnull=False, longitude__isnull=False
    ).exclude(country=HOME_COUNTRY)
    if country_code is not None:
        candidates = candidates.filter(country=country_code)
    records = {
        "partnerships": PartnershipParty.objects.filter(
            published("partnership__", None), role=PartyRole.PARTNER, organisation=OuterRef("pk")
        ),
        "projects": ProjectParticipant.objects.filter(
            published("project__", None), organisation=OuterRef("pk")
        ),
        "stories": Story.objects.filter(published("", None), partner=OuterRef("pk")),
    }
    first, *rest = (
        candidates.filter(Exists(rows))
        .annotate(record_kind=Value(kind))
        .order_by()
        .values_list(*fields, "record_kind")
        for kind, rows in records.items()
    )
    places: dict[int, Place] = {}
    for pk, slug, name, code, country, lat, lon, kind in first.union(*rest, all=True):
        place = places.get(pk)
        if place is None:
            place = places[pk] = Place(slug, name, code, country, float(lat), float(lon), pk=pk)
        place.kinds.add(kind)
    return sorted(places.values(), key=place_order)


@dataclass
class CountryEntry:
    """A country in the list beside the national map: its places, and its page."""

    code: str
    name: str
    places: list[Place] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        return {kind for place in self.places for kind in place.kinds}

    @property
    def url(self) -> str:
        return reverse("portal:map_country", args=[self.code.lower()])

    @property
    def place_count(self) -> int:
        return len(self.places)

    @property
    def place_count_display(self) -> str:
        return group_thousands(self.place_count)

    def list_url(self, url_name: str) -> str:
        return f"{reverse(url_name)}?{urlencode({'country': self.code})}"

    @property
    def lists(self) -> list[dict]:
        """The public lists of this country's partnerships, projects and stories, those
        its places on the map are partners in."""
        kinds = self.kinds
        return [
            {"kind": kind, "url": self.list_url(url_name)}
            for kind, url_name in (
                ("partnerships", "partnerships:list"),
                ("projects", "projects:list"),
                ("stories", "stories:list"),
            )
            if kind in kinds
        ]


@dataclass
class GroupCountry:
    """The places of a group marker in one country: the first few named, the rest counted."""

    country: CountryEntry
    places: list[Place]

    @property
    def named_places(self) -> list[Place]:
        return self.places[:GROUP_TITLE_NAMES]

    @property
    def more_count(self) -> int:
        return len(self.places) - len(self.named_places)

    @property
    def more_count_display(self) -> str:
        return group_thousands(self.more_count)


def country_page_url(country_url: str, index: int) -> str:
    """The page of a country's list that holds its place number `index` (from 0)."""
    page = index // PLACES_PER_PAGE + 1
    return country_url if page == 1 else f"{country_url}?page={page}"


def national_map() -> tuple[PartnerMap | None, list[CountryEntry]]:
    """The map of every place and the list of their countries. The map leads from each point
    to the place's entry on its country's page, and from a group's marker to the group's
    entry, which names its places by country; the list has one row a country. So the page
    grows with the countries and with what the map can show, never with the places. One
    query."""
    places = mapped_places()
    countries: dict[str, CountryEntry] = {}
    for place in places:
        entry = countries.get(place.country_code)
        if entry is None:
            entry = countries[place.country_code] = CountryEntry(place.country_code, place.country)
        entry.places.append(place)
    for entry in countries.values():
        url = entry.url
        for index, place in enumerate(entry.places):
            place.url = f"{country_page_url(url, index)}#{place.anchor}"
    the_map = partner_map(places, national=True)
    if the_map is not None:
        for marker in the_map.groups:
            by_country: dict[str, list[Place]] = {}
            for place in marker.places:
                by_country.setdefault(place.country_code, []).append(place)
            marker.countries = [
                GroupCountry(countries[code], sorted(found, key=place_order))
                for code, found in sorted(
                    by_country.items(), key=lambda item: swedish_sort_key(countries[item[0]].name)
                )
            ]
    return the_map, sorted(countries.values(), key=lambda entry: swedish_sort_key(entry.name))


def map_page(request):
    the_map, countries = national_map()
    return render(
        request,
        "portal/map.html",
        {"partner_map": the_map, "countries": countries, "nav": "karta"},
    )


def map_country_page(request, code: str):
    """One country's places with their partnerships, projects and stories, PLACES_PER_PAGE
    at a time, and a map of those on the page. Four queries."""
    if code != code.lower():
        return redirect("portal:map_country", code=code.lower(), permanent=True)
    places = mapped_places(code.upper()) if len(code) == 2 else []
    if not places:
        raise Http404("Inga orter på kartan i det landet.")
    country = CountryEntry(places[0].country_code, places[0].country, places)
    paginator = Paginator(places, PLACES_PER_PAGE)
    number = request.GET.get("page", "")
    # As the public lists do: past the end is the last page; zero, negative or text the first.
    page = paginator.get_page(number if number.isdigit() and int(number) >= 1 else 1)
    shown = partner_places(organisation_ids=[place.pk for place in page.object_list])
    return render(
        request,
        "portal/map_country.html",
        {
            "country": country,
            "page_obj": page,
            "first_shown": group_thousands(page.start_index()),
            "last_shown": group_thousands(page.end_index()),
            "partner_map": partner_map(shown),
            "nav": "karta",
        },
    )
