"""Load the reference data and the seed fixtures, idempotently.

Order: the 21 counties and 290 municipalities from SCB's lists, the 21 regions, all
countries, then one
fixture file per source text. Fixture files use Django's serialisation format in YAML
with natural keys (slugs, ISO codes, SCB codes) and no primary keys, so that a reviewer
can hold each file against its source. An object is found by its natural key and only
the fields the fixture names are set, so a seed file can add facts to a municipality
that the SCB list created. Every object is validated with `full_clean` and saved only
when something changed: loading twice changes nothing.
"""

import csv
from collections import Counter
from pathlib import Path

import yaml
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from portal.countries import all_countries
from portal.models import Country, County, Municipality, MunicipalityKind

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
REFERENCE_DIR = FIXTURES_DIR / "reference"

# One file per source text in ../shared/seeds/, in an order where every natural key a
# file refers to is defined by the same or an earlier file.
FIXTURE_FILES = [
    "002_skl_enkat_2018.yaml",
    "000_vaxjo_internationella_projekt.yaml",
    "001_trollhattan_vanorter_och_natverk.yaml",
    "003_kristianstad_koge_interreg.yaml",
    "004_millenniekommunerna.yaml",
]


# Reference data that builds on the seeds (a seed programme gets its period), loaded after them.
REFERENCE_FIXTURE_FILES = ["reference/programmes.yaml", "reference/glossary.yaml"]


class FixtureError(Exception):
    pass


class LoadReport(Counter):
    """Counts of created, updated and unchanged objects per model."""

    def add(self, model: type[models.Model], outcome: str, count: int = 1) -> None:
        self[(model._meta.label, outcome)] += count

    def total(self, outcome: str) -> int:
        return sum(count for (_, kind), count in self.items() if kind == outcome)

    def summary(self) -> str:
        return (
            f"{self.total('created')} nya, {self.total('updated')} ändrade, "
            f"{self.total('unchanged')} oförändrade"
        )


def municipality_slugs(rows: list[dict]) -> dict[str, str]:
    """SCB code → slug. Håbo and Habo both slugify to "habo": the name that is already
    plain ASCII keeps it and the other gets its county ("habo-uppsala")."""
    plain = Counter(slugify(row["municipality_name_short"]) for row in rows)
    slugs = {}
    for row in rows:
        name = row["municipality_name_short"]
        slug = slugify(name)
        if plain[slug] > 1 and slug != name.lower():
            slug = f"{slug}-{slugify(row['county_name_short'])}"
        slugs[row["municipality_code"]] = slug
    return slugs


def field_values(instance: models.Model) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def sync_counties(report: LoadReport) -> None:
    with open(REFERENCE_DIR / "counties.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        _sync(
            County,
            {"code": row["county_code"]},
            {"name": row["county_name"], "short_name": row["county_name_short"]},
            report,
        )


#: Official names the reference file gets wrong, by SCB code. The file adds a genitive s
#: to names ending in x, which Swedish does not ("Kalix kommun", as SCB and the
#: municipalities themselves write it). The file is kept as published; this corrects it.
OFFICIAL_NAME_CORRECTIONS = {
    "2513": "Överkalix kommun",
    "2514": "Kalix kommun",
}


def sync_municipalities(report: LoadReport) -> None:
    """All 290 kommuner. Display names, texts and publishing come from the seed fixtures."""
    with open(REFERENCE_DIR / "municipalities.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        row["municipality_name"] = OFFICIAL_NAME_CORRECTIONS.get(
            row["municipality_code"], row["municipality_name"]
        )
    counties = {county.code: county for county in County.objects.all()}
    slugs = municipality_slugs(rows)
    for row in rows:
        _sync(
            Municipality,
            {"scb_code": row["municipality_code"]},
            {
                "name": row["municipality_name"],
                "short_name": row["municipality_name_short"],
                "county": counties[row["county_code"]],
                "kind": MunicipalityKind.MUNICIPALITY,
            },
            report,
            create_only={"slug": slugs[row["municipality_code"]]},
        )


def sync_regions(report: LoadReport) -> None:
    """Sweden's 21 regions: 20 of their own, and Gotland, a kommun with a region's tasks,
    whose display name becomes Region Gotland. Unpublished until someone writes for them."""
    with open(REFERENCE_DIR / "regions.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    counties = {county.code: county for county in County.objects.all()}
    for row in rows:
        if row["municipality_code"]:
            _sync(
                Municipality,
                {"scb_code": row["municipality_code"]},
                {},
                report,
                create_only={},
                set_if_blank={"display_name": row["region_name"]},
            )
            continue
        _sync(
            Municipality,
            {"scb_code": row["county_code"]},
            {
                "name": row["region_name"],
                "short_name": row["region_name"],
                "county": counties[row["county_code"]],
                "kind": MunicipalityKind.REGION,
            },
            report,
            create_only={"slug": row["slug"]},
        )


def sync_countries(report: LoadReport) -> None:
    existing = {country.code: country for country in Country.objects.all()}
    to_create, to_update = [], []
    for data in all_countries():
        values = {"name": data.name, "name_en": data.name_en, "world_region": data.world_region}
        country = existing.get(data.code)
        if country is None:
            to_create.append(Country(code=data.code, **values))
        elif any(getattr(country, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(country, key, value)
            to_update.append(country)
        else:
            report.add(Country, "unchanged")
    Country.objects.bulk_create(to_create)
    Country.objects.bulk_update(to_update, ["name", "name_en", "world_region"])
    report.add(Country, "created", len(to_create))
    report.add(Country, "updated", len(to_update))


def _sync(
    model, lookup: dict, values: dict, report: LoadReport, create_only=None, set_if_blank=None
) -> None:
    """Create or update the row `lookup` finds: `values` always, `create_only` on creation,
    `set_if_blank` where the field is still empty (an editor's own wording stays)."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values, **(create_only or {}), **(set_if_blank or {}))
        instance.full_clean()
        instance.save()
        report.add(model, "created")
        return
    before = field_values(instance)
    for key, value in values.items():
        setattr(instance, key, value)
    for key, value in (set_if_blank or {}).items():
        if not getattr(instance, key):
            setattr(instance, key, value)
    if field_values(instance) == before:
        report.add(model, "unchanged")
        return
    instance.full_clean()
    instance.save()
    report.add(model, "updated")


def resolve_natural_key(model: type[models.Model], key, where: str) -> models.Model:
    parts = key if isinstance(key, list | tuple) else [key]
    try:
        return model._default_manager.get_by_natural_key(*parts)
    except ObjectDoesNotExist as error:
        raise FixtureError(f"{where}: {model._meta.verbose_name} {parts!r} finns inte.") from error


def load_object(item: dict, report: LoadReport, where: str) -> None:
    try:
        model = apps.get_model(item["model"])
    except (KeyError, LookupError) as error:
        raise FixtureError(f"{where}: okänd modell {item.get('model')!r}.") from error
    values, many_to_many = {}, {}
    for name, raw in (item.get("fields") or {}).items():
        try:
            field = model._meta.get_field(name)
        except Exception as error:
            raise FixtureError(f"{where}: {model._meta.label} har inget fält {name!r}.") from error
        if field.many_to_many:
            many_to_many[name] = [
                resolve_natural_key(field.related_model, key, where) for key in raw
            ]
        elif field.is_relation:
            values[name] = (
                None if raw is None else resolve_natural_key(field.related_model, raw, where)
            )
        else:
            values[name] = raw

    identity = {}
    for path in model.natural_key_fields:
        name = path.split("__")[0]
        if name not in values:
            raise FixtureError(f"{where}: {model._meta.label} saknar nyckelfältet {name!r}.")
        identity[name] = values[name]

    instance = model._default_manager.filter(**identity).first()
    created = instance is None
    if created:
        instance = model()
        if "is_published" not in values and hasattr(instance, "is_published"):
            # A seed file is the published record of its source text: what it creates is
            # public unless it says otherwise. New records made in the admin start as drafts.
            instance.is_published = True
    before = None if created else field_values(instance)
    for name, value in values.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        raise FixtureError(f"{where}: {instance!r}: {error.message_dict}") from error
    changed = created or field_values(instance) != before
    if changed:
        instance.save()
    m2m_changed = False
    for name, targets in many_to_many.items():
        manager = getattr(instance, name)
        wanted = {target.pk for target in targets}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(targets)
            m2m_changed = True
    report.add(
        model, "created" if created else "updated" if changed or m2m_changed else "unchanged"
    )


def load_fixture_file(path: Path, report: LoadReport) -> None:
    with open(path, encoding="utf-8") as file:
        items = yaml.safe_load(file) or []
    for index, item in enumerate(items, start=1):
        load_object(item, report, where=f"{path.name}, post {index}")


@transaction.atomic
def load_initial_data(fixture_files: list[str] | None = None) -> LoadReport:
    from operations import page_cache
    from projects import facets
    from search import index as search_index

    # Each project's filter values and each record's search document once, when everything
    # is in (a fixture file adds a partnership's partners after the partnership), and the
    # public pages' fragments renewed once.
    with facets.batch(), search_index.batch(), page_cache.bulk():
        return _load_initial_data(fixture_files)


def _load_initial_data(fixture_files: list[str] | None) -> LoadReport:
    report = LoadReport()
    sync_counties(report)
    sync_municipalities(report)
    sync_regions(report)
    sync_countries(report)
    for name in FIXTURE_FILES if fixture_files is None else fixture_files:
        load_fixture_file(FIXTURES_DIR / name, report)
    if fixture_files is None:
        for name in REFERENCE_FIXTURE_FILES:
            load_fixture_file(FIXTURES_DIR / name, report)
    # Rows saved raw or without their relations yet: every document is compared once more
    # (only those that differ are written).
    from search import index as search_index

    search_index.rebuild()
    return report
