"""Swedish for the admin screens of django-import-export, django-simple-history and
django-axes, which ship without it: locale/sv/LC_MESSAGES/django.po, compiled to the
committed django.mo.

To change a translation, edit the .po and compile it:

    msgfmt --check -o locale/sv/LC_MESSAGES/django.mo locale/sv/LC_MESSAGES/django.po
"""

import ast
import gettext
import html
import re
import shutil
import subprocess
from pathlib import Path

import django
import import_export
import pytest
import simple_history
from axes import apps as axes_apps
from django.conf import settings
from django.core.management import call_command

from projects.models import Project

LOCALE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"

PACKAGES = {
    "django-import-export": Path(import_export.__file__).parent,
    "django-simple-history": Path(simple_history.__file__).parent,
    "django-axes": Path(axes_apps.__file__).parent,
}


# --- a tiny .po reader --------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list), flags.

    Enough for the files at hand: no obsolete (#~) entries are returned.
    """
    entries: list[dict] = []
    entry: dict = {}
    field = None

    def finish():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {}

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            if "msgstr" in entry:
                finish()
            if line.startswith("#,"):
                entry.setdefault("flags", set()).update(
                    flag.strip() for flag in line[2:].split(",")
                )
            field = None  # an obsolete entry's lines (#~) are skipped with it
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if field is None:
                continue
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
            continue
        if keyword in ("msgctxt", "msgid") and "msgstr" in entry:
            finish()
        value = ast.literal_eval(rest)
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if match:
            entry.setdefault("msgstr", [])
            entry["msgstr"].append(value)
            field = ("msgstr", int(match.group(1)))
        elif keyword == "msgstr":
            entry["msgstr"] = [value]
            field = ("msgstr", 0)
        else:
            entry[keyword] = value
            field = keyword
    finish()
    return entries


def compiled(entries: list[dict]) -> dict:
    """What msgfmt puts into the .mo, in the form of gettext.GNUTranslations._catalog."""
    catalog = {}
    for entry in entries:
        if "fuzzy" in entry.get("flags", ()) and entry["msgid"]:
            continue
        if not all(entry["msgstr"]):
            continue  # untranslated: left out
        key = entry["msgid"]
        if "msgctxt" in entry:
            key = f"{entry['msgctxt']}\x04{key}"
        if "msgid_plural" in entry:
            for index, text in enumerate(entry["msgstr"]):
                catalog[(key, index)] = text
        else:
            catalog[key] = entry["msgstr"][0]
    return catalog


def read_mo(path: Path) -> dict:
    with path.open("rb") as file:
        return gettext.GNUTranslations(file)._catalog


def package_msgids(package_dir: Path) -> set[str]:
    """Every msgid the package offers for translation, from its own locale files."""
    msgids = set()
    for po in package_dir.glob("locale/*/LC_MESSAGES/django.po"):
        msgids.update(entry["msgid"] for entry in read_po(po) if entry["msgid"])
    return msgids


# --- the catalogue ----------------------------------------------------------------------


def test_the_compiled_catalogue_is_up_to_date():
    assert read_mo(MO) == compiled(read_po(PO)), (
        "locale/sv/LC_MESSAGES/django.mo is out of date; run "
        "msgfmt --check -o locale/sv/LC_MESSAGES/django.mo locale/sv/LC_MESSAGES/django.po"
    )


def test_msgfmt_accepts_the_catalogue_and_agrees_with_the_reader(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (gettext) is not installed")
    mo = tmp_path / "django.mo"
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(mo), str(PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert read_mo(mo) == read_mo(MO)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_msgid_of_the_package_is_translated(package):
    ours = {entry["msgid"]: entry for entry in read_po(PO)}
    offered = package_msgids(PACKAGES[package])
    assert offered, f"{package} ships no locale files any more"
    missing = sorted(msgid for msgid in offered if msgid not in ours)
    untranslated = sorted(
        msgid for msgid in offered if msgid in ours and not all(ours[msgid]["msgstr"])
    )
    assert missing == []
    assert untranslated == []


@pytest.mark.parametrize("package", PACKAGES)
def test_every_msgid_in_the_package_source_is_translated(package, tmp_path, settings, monkeypatch):
    """The packages' own locale files lag behind their source, so extract from the source."""
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (gettext) is not installed")
    settings.LOCALE_PATHS = []  # so that makemessages cannot write into the project
    source = tmp_path / "source"
    shutil.copytree(
        PACKAGES[package],
        source,
        ignore=shutil.ignore_patterns("locale", "tests", "migrations", "__pycache__"),
    )
    (source / "locale").mkdir()
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["sv"], verbosity=0, no_location=True)
    offered = {
        entry["msgid"]
        for entry in read_po(source / "locale" / "sv" / "LC_MESSAGES" / "django.po")
        if entry["msgid"]
    }
    assert offered
    translated = {entry["msgid"] for entry in read_po(PO) if all(entry["msgstr"])}
    assert sorted(offered - translated) == []


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def test_placeholders_are_kept():
    for entry in read_po(PO):
        if not entry["msgid"]:
            continue
        wanted = sorted(PLACEHOLDER.findall(entry.get("msgid_plural", entry["msgid"])))
        for text in entry["msgstr"]:
            assert sorted(PLACEHOLDER.findall(text)) == wanted, entry["msgid"]


def test_plural_entries_have_both_swedish_forms():
    header = read_po(PO)[0]["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header
    for entry in read_po(PO):
        if "msgid_plural" in entry:
            assert len(entry["msgstr"]) == 2, entry["msgid"]


def test_words_django_already_translates_keep_djangos_swedish():
    """The catalogue overrides every other, so it must not change Django's own admin."""
    ours = read_mo(MO)
    djangos = {}
    for mo in Path(django.__file__).parent.glob("**/locale/sv/LC_MESSAGES/django.mo"):
        djangos.update(read_mo(mo))
    shared = {key for key in ours if key and key in djangos}
    assert "History" in shared
    assert {key: ours[key] for key in shared} == {key: djangos[key] for key in shared}


# --- the pages ----------------------------------------------------------------------------


def visible_text(response) -> str:
    """The text a user sees: no markup, scripts or styles, but the labels of buttons."""
    content = response.content.decode()
    content = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", content)
    content = re.sub(r"(?is)<input\b[^>]*\btype=\"(?:submit|button)\"[^>]*>", button, content)
    content = re.sub(r"(?s)<[^>]+>", " ", content)
    return re.sub(r"\s+", " ", html.unescape(content))


def button(match) -> str:
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return f" {value.group(1)} " if value else " "


def assert_swedish(text: str, swedish: list[str], english: list[str]):
    for phrase in swedish:
        assert phrase in text, phrase
    for phrase in english:
        assert not re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text), phrase


@pytest.fixture
def project(db):
    """A seed project with history (the seed data is saved through the models)."""
    project = Project.objects.get(acronym="SUMBA")
    assert project.history.exists()
    return project


@pytest.mark.django_db
def test_the_import_page_is_swedish(admin_client):
    response = admin_client.get("/admin/projects/project/import/")
    assert response.status_code == 200
    assert_swedish(
        visible_text(response),
        ["Importera", "Hem", "Följande fält importeras:", "Fil att importera:", "Skicka"],
        ["Import", "Home", "This importer", "File to import", "Submit", "This file"],
    )


@pytest.mark.django_db
def test_the_export_page_is_swedish(admin_client):
    response = admin_client.get("/admin/projects/project/export/")
    assert response.status_code == 200
    assert_swedish(
        visible_text(response),
        ["Exportera", "Följande fält exporteras:", "Markera alla", "Format:", "Skicka"],
        ["Export", "This exporter", "Select all", "Submit"],
    )


@pytest.mark.django_db
def test_the_change_list_links_to_import_and_export_in_swedish(admin_client):
    response = admin_client.get("/admin/projects/project/")
    assert_swedish(visible_text(response), ["Importera", "Exportera"], ["Import", "Export"])


def test_the_history_page_is_swedish(admin_client, project):
    response = admin_client.get(f"/admin/projects/project/{project.pk}/history/")
    assert response.status_code == 200
    count = project.history.count()
    assert_swedish(
        visible_text(response),
        [
            f"Ändringshistorik: {project}",
            "Välj en tidpunkt i listan nedan för att återställa en tidigare version",
            "Post",
            "Datum tid",
            "Ändrad av",
            "Orsak till ändringen",
            "Ändringar",
            "Skapad",
            f"{count} post" if count == 1 else f"{count} poster",
        ],
        [
            "Change history",
            "Choose a date",
            "changed_fields",
            "Date/time",
            "Changed by",
            "Change reason",
            "Changes",
            "Created",
            "Changed",
            "entry",
            "entries",
        ],
    )


def test_the_revert_page_is_swedish(admin_client, project):
    record = project.history.earliest()
    url = f"/admin/projects/project/{project.pk}/history/{record.history_id}/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert_swedish(
        visible_text(response),
        [
            f"Återställ {record.instance}",
            "Historik",
            "Klicka på ”Återställ” nedan för att återställa posten till den här versionen.",
            "Återställ",
            "Stäng",
        ],
        ["Revert", "Press the", "History", "Close", "View on site"],
    )


@pytest.mark.django_db
def test_the_login_attempt_log_is_swedish(admin_client):
    response = admin_client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert_swedish(
        visible_text(response),
        ["Inloggningsförsök", "Spärrad", "Tidpunkt för försöket"],
        ["access attempts", "Access Attempt", "Locked Out", "Attempt Time"],
    )


def test_every_permission_is_named_in_swedish(admin_client):
    """The user and group forms list the permissions by name: "Kan lägga till loggpost",
    not Django's English "Can add log entry"."""
    from django.contrib.auth.models import Group, Permission

    english = list(
        Permission.objects.filter(name__startswith="Can ").values_list("name", flat=True)
    )
    assert not english, english[:5]
    assert Permission.objects.get(codename="add_logentry").name == "Kan lägga till loggpost"
    assert Permission.objects.get(codename="change_project").name == "Kan ändra projekt"

    group = Group.objects.create(name="Testgrupp")
    page = admin_client.get(f"/admin/auth/group/{group.pk}/change/").content.decode()
    assert "Kan ta bort loggpost" in page and "Can delete" not in page
