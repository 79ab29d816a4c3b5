"""Build maps/data/countries.json, the country outlines of the partner map, from Natural
Earth's 1:110m countries as the npm package world-atlas ships them (see README.md here).

    npm install --prefix /tmp/mapdata world-atlas@2.0.2 mapshaper@0.7.70
    npx --prefix /tmp/mapdata mapshaper \
        -i /tmp/mapdata/node_modules/world-atlas/countries-110m.json \
        -target countries -o format=geojson precision=0.01 /tmp/mapdata/countries.geojson
    .venv/bin/python maps/data/build_countries.py /tmp/mapdata/countries.geojson

The output keeps, per country, its ISO 3166-1 alpha-2 code and its rings (outer rings and
holes alike; the map fills them even-odd) as flat lists of longitude, latitude in hundredths
of a degree. A ring that crosses the antimeridian runs on past ±180° and comes twice, once
on each side. The outlines are not simplified here: 1:110m is Natural Earth's coarsest
scale already, and simplifying it further drops islands such as Zealand, where Køge lies.
maps/partner_map.py simplifies each map's outlines to its own pixel size when it draws them.
"""

import json
import sys
from pathlib import Path

import pycountry

OUTPUT = Path(__file__).resolve().parent / "countries.json"
SOURCE = {
    "data": "Natural Earth 1:110m Admin 0 – Countries, version 4.1.0 (public domain)",
    "package": "world-atlas 2.0.2 (npm, ISC licence, Mike Bostock)",
    "converted": "mapshaper 0.7.70 to GeoJSON, coordinates rounded to 0.01°",
}
#: Features without an ISO numeric code in world-atlas. Sweden recognises Kosovo; the other
#: two are drawn as part of the state Sweden recognises.
UNCODED = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}


def alpha_2(feature: dict) -> str:
    numeric = feature.get("id")
    if numeric is None:
        return UNCODED[feature["properties"]["name"]]
    return pycountry.countries.get(numeric=numeric).alpha_2


def rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def unwrapped(ring: list[list[float]]) -> list[list[list[float]]]:
    """The ring without jumps across the antimeridian (Russia's Chukotka, Fiji): longitudes
    run on past ±180, and a copy a turn to the other side draws what lies beyond it."""
    points = [list(ring[0])]
    for lon, lat in ring[1:]:
        previous = points[-1][0]
        while lon - previous > 180:
            lon -= 360
        while previous - lon > 180:
            lon += 360
        points.append([lon, lat])
    east = max(lon for lon, _ in points)
    west = min(lon for lon, _ in points)
    if east > 180:
        return [points, [[lon - 360, lat] for lon, lat in points]]
    if west < -180:
        return [points, [[lon + 360, lat] for lon, lat in points]]
    return [points]


def flat(ring: list[list[float]]) -> list[int]:
    return [round(value * 100) for point in ring for value in point]


def build(geojson: dict) -> dict:
    countries: dict[str, list[list[int]]] = {}
    for feature in geojson["features"]:
        if feature["geometry"] is None:
            continue
        code = alpha_2(feature)
        countries.setdefault(code, []).extend(
            flat(part) for ring in rings(feature["geometry"]) for part in unwrapped(ring)
        )
    return {"source": SOURCE, "countries": dict(sorted(countries.items()))}


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        data = build(json.load(file))
    OUTPUT.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n")
    print(f"{OUTPUT}: {len(data['countries'])} countries, {OUTPUT.stat().st_size} bytes")
