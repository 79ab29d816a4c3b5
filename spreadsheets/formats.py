"""The three spreadsheet formats (XLSX, CSV in UTF-8, ODS) and formula escaping.

Each format subclasses django-import-export's own format class, so the admin's format
menu, `Format.export_data(dataset)` and `Format.create_dataset(data)` work as before. On
top of that each one

- writes a whole file straight from an iterator of rows (`iter_chunks`, and `write` on
  top of it), so an export never holds a tablib Dataset in memory, and hands the file on in
  pieces as it is written: CSV through the csv module, XLSX and ODS as XML written row by
  row and zipped as it comes by stream-zip. XlsxWriter and openpyxl assemble an XLSX
  package only when the workbook is closed, so the few parts of SpreadsheetML are written
  here;
- reads a file with its own Swedish error messages (`create_dataset`), and recognises
  itself by content (`detect`), so a PNG renamed .xlsx is told apart from a spreadsheet.

Cells are typed: text is a text cell, `date` a date cell, `int`/`float`/`Decimal` a number
cell. Widgets (spreadsheets.widgets) hand over those native values.

Formula injection
-----------------
A spreadsheet program runs a text cell that begins with `=`, `+`, `-` or `@` (and, in some
programs, a leading tab or carriage return) as a formula once the cell is edited or the
file is saved as CSV and reopened. Every exported text cell that begins with one of those
characters is written with an apostrophe in front (`'=HYPERLINK(…)`), in every format and
every export path: the escaping happens in `SpreadsheetResource.export_resource`, which
both the streaming export and django-import-export's own `Resource.export()` call.
Numbers and dates are number and date cells, never text, so -5 stays the number -5.

To keep the round trip lossless the escape is undone on import, and only where it was
added: `unescape_formula` removes one apostrophe when what follows it is itself something
`escape_formula` would have escaped. Text that already starts with apostrophes followed by
such a character ("'=x") gets one more, so `unescape_formula(escape_formula(s)) == s` for
every string, and "'s-Hertogenbosch" is left alone both ways. An apostrophe a user types
in front of a formula in their own file ("'=1+1") is removed, which is what they meant.
"""

import contextlib
import contextvars
import csv
import datetime
import hashlib
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree
from xml.sax.saxutils import escape as xml_escape

import tablib
from import_export.formats import base_formats
from stream_zip import NO_COMPRESSION_32, ZIP_32, stream_zip

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE_PREFIX = "'"
#: First characters of text that may need escaping (a quick test before the full one).
FORMULA_STARTS = frozenset((*FORMULA_TRIGGERS, ESCAPE_PREFIX))

# Limits on what a file may unpack to, so a small upload cannot expand to gigabytes.
MAX_UNPACKED_SIZE = 200 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
TOO_MANY_ROWS = f"Filen har fler än {MAX_ROWS:,} rader. Dela upp den i flera filer.".replace(
    ",", " "
)
TOO_MANY_COLUMNS = f"Filen har fler än {MAX_COLUMNS} kolumner."
EMPTY_FIRST_SHEET = (
    "Det första bladet i filen är tomt. Bara det första bladet läses: lägg rubrikraden och "
    "raderna där och försök igen."
)

EXCEL_EPOCH_ORDINAL = datetime.date(1899, 12, 30).toordinal()


class SpreadsheetFileError(ValueError):
    """A file that cannot be read as the spreadsheet it claims to be; the message is Swedish
    and meant for the person who uploaded it."""


def needs_formula_escape(value: str) -> bool:
    rest = value.lstrip(ESCAPE_PREFIX)
    return bool(rest) and rest[0] in FORMULA_TRIGGERS


def escape_formula(value):
    """Prefix an apostrophe to text a spreadsheet could run as a formula. Non-text as is."""
    if type(value) is str and value and needs_formula_escape(value):
        return ESCAPE_PREFIX + value
    return value


def unescape_formula(value):
    """Undo `escape_formula`: drop one apostrophe where escape_formula would have added it."""
    if (
        type(value) is str
        and len(value) > 1
        and value[0] == ESCAPE_PREFIX
        and needs_formula_escape(value[1:])
    ):
        return value[1:]
    return value


def _cell_text(value) -> str:
    """A cell for a text format (CSV): ISO dates, plain decimal numbers."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _build_dataset(headers: Sequence, rows: Iterable[Sequence]) -> tablib.Dataset:
    """A Dataset from raw cells: blank rows dropped, trailing blank columns trimmed."""
    headers = ["" if header is None else str(header).strip() for header in headers]
    body = []
    for row in rows:
        values = list(row)
        if all(value is None or (type(value) is str and not value.strip()) for value in values):
            continue
        body.append(values)
        if len(body) > MAX_ROWS:
            raise SpreadsheetFileError(TOO_MANY_ROWS)
    width = max([len(headers), *(len(values) for values in body)])

    def blank_column(index: int) -> bool:
        header = headers[index] if index < len(headers) else ""
        return not header and all(
            index >= len(values) or values[index] in (None, "") for values in body
        )

    while width and blank_column(width - 1):
        width -= 1
    headers = (headers + [""] * width)[:width]
    for number, header in enumerate(headers, start=1):
        if not header:
            raise SpreadsheetFileError(
                f"Kolumn {number} har ingen rubrik. Första raden ska ha en rubrik för "
                "varje kolumn, till exempel Titel eller Kommun."
            )
    dataset = tablib.Dataset(headers=headers)
    for values in body:
        dataset.append((values + [None] * width)[:width])
    return dataset


def describe_unknown_file(data: bytes) -> str:
    """A Swedish sentence on what an unreadable upload seems to be."""
    signatures = [
        (b"\x89PNG", "en PNG-bild"),
        (b"\xff\xd8\xff", "en JPEG-bild"),
        (b"GIF8", "en GIF-bild"),
        (b"%PDF", "en PDF-fil"),
        (b"\xd0\xcf\x11\xe0", "en fil i Excels gamla format (xls)"),
    ]
    for signature, description in signatures:
        if data.startswith(signature):
            kind = description
            break
    else:
        if zipfile.is_zipfile(io.BytesIO(data)):
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
            if "word/document.xml" in names:
                kind = "ett Word-dokument"
            else:
                kind = "en zip-fil men inget kalkylblad"
        else:
            kind = "inget kalkylblad"
    return (
        f"Filen går inte att läsa: den ser ut att vara {kind}. Ladda upp en Excel-fil "
        "(xlsx), en OpenDocument-fil (ods) eller en CSV-fil sparad som UTF-8."
    )


def _within_columns(row: Sequence) -> Sequence:
    """The row without its empty cells past MAX_COLUMNS; an error if one of them is filled."""
    if len(row) <= MAX_COLUMNS:
        return row
    if any(value is not None and value != "" for value in row[MAX_COLUMNS:]):
        raise SpreadsheetFileError(TOO_MANY_COLUMNS)
    return row[:MAX_COLUMNS]


def _at_most_rows(rows: Iterable, limit: int) -> Iterator:
    """The rows, or an error as soon as there are more than `limit`: repeated rows in a
    small file must not be unfolded into millions."""
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise SpreadsheetFileError(TOO_MANY_ROWS)
        yield row


def _check_unpacked_size(archive: zipfile.ZipFile) -> None:
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_SIZE:
        raise SpreadsheetFileError("Filen packar upp till för mycket data för att importeras.")


MACROS_REFUSED = (
    "Filen innehåller makron (program som körs i kalkylbladet) och tas därför inte emot. "
    "Spara den utan makron, i Excel som Excel-arbetsbok (xlsx) eller i LibreOffice som "
    "OpenDocument-kalkylblad (ods), och ladda upp den igen."
)
#: Where a workbook keeps macros: Excel's VBA project (xlsm, xltm, also renamed to .xlsx),
#: its macro sheets, and OpenDocument's Basic and script folders.
_MACRO_PARTS = re.compile(
    r"^(?:xl/vbaProject\.bin|xl/macrosheets/|xl/activeX/|Basic/|Scripts/)", re.IGNORECASE
)


def _refuse_macros(archive: zipfile.ZipFile) -> None:
    """A macro-enabled workbook is refused whatever its name: its macros would run on the
    computer of whoever opens the exported copy, and nothing here needs them."""
    names = archive.namelist()
    if any(_MACRO_PARTS.match(name) for name in names):
        raise SpreadsheetFileError(MACROS_REFUSED)
    if "[Content_Types].xml" in names:
        types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in types or b"vbaProject" in types:
            raise SpreadsheetFileError(MACROS_REFUSED)


XLSX_UNREADABLE = (
    "Filen gick inte att läsa som en Excel-fil (xlsx). Öppna den i Excel och spara den igen "
    "som Excel-arbetsbok (xlsx)."
)
#: Cells calamine may lay out for a sheet (it holds the whole sheet area at once, 32 bytes a
#: cell): a 100 000-row list of 40 columns fits; one cell far away (XFD1048576) would not.
CALAMINE_MAX_AREA = 4_000_000
_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
_XLSX_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_XLSX_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_XLSX_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\bt="e"')


def _ooxml_unescape(value):
    """Undo OOXML's _xHHHH_ escapes (a carriage return is stored as _x000D_); openpyxl
    leaves them in place."""
    if type(value) is str and "_x" in value:
        return _OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)
    return value


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _calamine_reads_safely(archive: zipfile.ZipFile) -> bool:
    """Whether every sheet is one calamine reads as openpyxl would, within memory: each
    cell names its place (calamine lays out the area its cells span, so one cell named far
    away would take gigabytes, and it would abort the process, not raise), the area is at
    most CALAMINE_MAX_AREA cells, and no cell holds an error such as #N/A (calamine reads
    it as empty, which would clear a field without a word)."""
    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        xml = archive.read(name)
        references = _XLSX_CELL_REF.findall(xml)
        if len(references) != len(_XLSX_CELL.findall(xml)) or _XLSX_ERROR_CELL.search(xml):
            return False
        if references:
            width = max(_column_number(letters) for letters, _ in references)
            height = max(int(row) for _, row in references)
            if width * height > CALAMINE_MAX_AREA:
                return False
    return True


def _calamine_cell(value):
    """A cell as openpyxl gives it: None for an empty cell, a whole number as an int, a
    date as a datetime. Calamine undoes OOXML's _xHHHH_ escapes itself."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if kind is datetime.date:
        return datetime.datetime(value.year, value.month, value.day)
    return value


class SpreadsheetFormat:
    """What the three formats share on top of django-import-export's Format API."""

    extension = ""

    def get_title(self) -> str:
        # The admin's format menu shows the title; import_export's guess_format.js matches
        # it against the uploaded file's extension, so it is the extension itself.
        return self.extension

    def get_extension(self) -> str:
        return self.extension

    def is_binary(self) -> bool:
        # Every format reads bytes, so decoding (and its errors) is ours, in Swedish.
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def can_import(self) -> bool:
        return True

    def can_export(self) -> bool:
        return True

    @classmethod
    def detect(cls, data: bytes) -> bool:
        raise NotImplementedError

    def read(self, data: bytes) -> tuple[list, Iterable[Sequence]]:
        """The header row and the following rows, as cell values."""
        raise NotImplementedError

    def read_file(self, data: bytes) -> tuple[list, list]:
        """`read`, parsed once for the same bytes within `reading_once()`."""
        memo = _read_memo.get()
        if memo is None:
            headers, rows = self.read(data)
            return headers, list(rows)
        key = (type(self), hashlib.sha256(data).digest())
        if key not in memo:
            try:
                headers, rows = self.read(data)
                memo[key] = (headers, list(rows))
            except SpreadsheetFileError as error:
                memo[key] = error
        found = memo[key]
        if isinstance(found, SpreadsheetFileError):
            raise found
        return found

    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else bytes(in_stream)
        if not data:
            raise SpreadsheetFileError("Filen är tom.")
        headers, rows = self.read_file(data)
        return _build_dataset(headers, rows)

    def iter_chunks(
        self, headers: Sequence[str], rows: Iterable[Sequence], *, title=""
    ) -> Iterator[bytes]:
        """The file in pieces as it is written, for a StreamingHttpResponse: the first bytes
        leave before the last row is read, and no more than a chunk is ever held."""
        raise NotImplementedError

    def write(self, stream, headers: Sequence[str], rows: Iterable[Sequence], *, title=""):
        """Write a complete file to a binary stream."""
        for chunk in self.iter_chunks(headers, rows, title=title):
            stream.write(chunk)

    def export_data(self, dataset, **kwargs) -> bytes:
        stream = io.BytesIO()
        self.write(stream, dataset.headers or [], iter(dataset), title=dataset.title or "")
        return stream.getvalue()


#: While `reading_once()` runs: what each file read gave (or the error), by its bytes' hash.
_read_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "spreadsheet_read_memo", default=None
)


@contextlib.contextmanager
def reading_once():
    """Within it, a file is parsed once however often it is read: an admin upload is read
    by the partner-list check, the form's check and the preview, in one request. Nothing
    is kept after it ends."""
    if _read_memo.get() is not None:
        yield
        return
    token = _read_memo.set({})
    try:
        yield
    finally:
        _read_memo.reset(token)


class XLSX(SpreadsheetFormat, base_formats.XLSX):
    extension = "xlsx"

    @classmethod
    def detect(cls, data: bytes) -> bool:
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return False
        return "xl/workbook.xml" in names

    def read(self, data):
        """With python-calamine (Rust), some twenty times faster than openpyxl (which parses
        a sheet without <dimension>, such as our own exports, twice), when the sheets are
        plain (`_calamine_reads_safely`); otherwise with openpyxl, row by row."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            _check_unpacked_size(archive)
            _refuse_macros(archive)
            fast = _calamine_reads_safely(archive)
        except SpreadsheetFileError:
            raise
        except Exception as error:
            raise SpreadsheetFileError(XLSX_UNREADABLE) from error
        return self._read_with_calamine(data) if fast else self._read_with_openpyxl(data)

    def _read_with_calamine(self, data):
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        except Exception as error:
            raise SpreadsheetFileError(XLSX_UNREADABLE) from error
        if sheet.start is None:  # nothing filled
            raise SpreadsheetFileError(EMPTY_FIRST_SHEET)
        # Calamine gives the rows from the first, the empty ones above the data included,
        # but the columns from the first filled one: the empty ones on the left go back
        # (tests/admin/test_spreadsheets_formats.py compares with openpyxl's reading).
        empty_left = [None] * sheet.start[1]
        rows = iter(sheet.iter_rows())
        headers = [*empty_left, *(_calamine_cell(value) for value in next(rows, ()))]
        body = []
        for row in rows:
            if all(value == "" for value in row):
                continue  # keep no row that is wholly empty
            body.append([*empty_left, *(_calamine_cell(value) for value in row)])
            if len(body) > MAX_ROWS:
                raise SpreadsheetFileError(TOO_MANY_ROWS)
        if not body and all(value in (None, "") for value in headers):
            raise SpreadsheetFileError(EMPTY_FIRST_SHEET)
        return headers, body

    def _read_with_openpyxl(self, data):
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:
            raise SpreadsheetFileError(XLSX_UNREADABLE) from error
        try:
            sheet = workbook.worksheets[0]
            # A few bytes can declare a sheet of 1 048 576 rows × 16 384 columns (its
            # <dimension>), which openpyxl fills in: read one column past the limit at most,
            # and keep no row that is wholly empty.
            width = min(sheet.max_column or MAX_COLUMNS + 1, MAX_COLUMNS + 1)
            rows = iter(sheet.iter_rows(values_only=True, max_col=width))
            headers = [_ooxml_unescape(value) for value in _within_columns(next(rows, ()))]
            body = []
            for row in rows:
                if row.count(None) == len(row):
                    continue
                body.append([_ooxml_unescape(value) for value in _within_columns(row)])
                if len(body) > MAX_ROWS:
                    raise SpreadsheetFileError(TOO_MANY_ROWS)
        finally:
            workbook.close()
        if not body and all(value in (None, "") for value in headers):
            raise SpreadsheetFileError(EMPTY_FIRST_SHEET)
        return headers, body

    def iter_chunks(self, headers, rows, *, title=""):
        name = _XML_ILLEGAL.sub("", title or "Blad1")
        # Excel's rules for sheet names: at most 31 characters, none of []:*?/\
        name = re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip() or "Blad1"
        # The autofilter's range is known once the last row is written; the workbook part
        # that names it comes after the sheet in the package.
        extent = {}

        def sheet() -> Iterator[bytes]:
            yield _xlsx_sheet_head(headers).encode("utf-8")
            buffer, last_row = [], 1
            for last_row, row in enumerate(rows, start=2):
                buffer.append(_xlsx_row(last_row, row))
                if len(buffer) == ZIP_ROWS_PER_CHUNK:
                    yield "".join(buffer).encode("utf-8")
                    buffer.clear()
            extent["range"] = f"A1:{_column_letter(max(len(headers), 1) - 1)}{max(last_row, 2)}"
            buffer.append(f'</sheetData><autoFilter ref="{extent["range"]}"/></worksheet>')
            yield "".join(buffer).encode("utf-8")

        def workbook() -> Iterator[bytes]:
            yield _xlsx_workbook(name, extent["range"]).encode("utf-8")

        yield from _zip(
            [
                ("[Content_Types].xml", [_XLSX_CONTENT_TYPES.encode("utf-8")]),
                ("_rels/.rels", [_XLSX_ROOT_RELS.encode("utf-8")]),
                ("xl/_rels/workbook.xml.rels", [_XLSX_WORKBOOK_RELS.encode("utf-8")]),
                ("xl/styles.xml", [_XLSX_STYLES.encode("utf-8")]),
                ("xl/worksheets/sheet1.xml", sheet()),
                ("xl/workbook.xml", workbook()),
            ]
        )


#: Rows written to a ZIP member between two chunks handed on.
ZIP_ROWS_PER_CHUNK = 500


def _zip(members, *, stored: tuple[str, ...] = ()) -> Iterator[bytes]:
    """A ZIP package written as its members' chunks come, by stream-zip.

    Deflated members carry their sizes after the data (a data descriptor), so nothing has
    to be held back. Members named in `stored` (ODS's mimetype) are small and written
    uncompressed with their sizes up front and no extra field, as ODF requires and
    LibreOffice checks.
    """
    modified = datetime.datetime.now()
    files = (
        (name, modified, 0o644, NO_COMPRESSION_32 if name in stored else ZIP_32, chunks)
        for name, chunks in members
    )
    return stream_zip(
        files,
        extended_timestamps=False,
        get_compressobj=lambda: zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS),
    )


_XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""
_XLSX_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_XLSX_PACKAGE_RELS}">\
<Relationship Id="rId1" Type="{_XLSX_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>"""
_XLSX_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_XLSX_PACKAGE_RELS}">\
<Relationship Id="rId1" Type="{_XLSX_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="{_XLSX_RELATIONSHIPS}/styles" Target="styles.xml"/>\
</Relationships>"""
# Cell styles by index: 0 plain, 1 bold header, 2 date, 3 amount with two decimals and
# thousands grouping, 4 date and time.
_XLSX_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_XLSX_MAIN}">\
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""
#: Excel's limit on the characters in one cell.
XLSX_MAX_CELL_TEXT = 32_767
# OOXML writes characters XML cannot hold as _xHHHH_, and so a literal "_x0041_" in text must
# have its underscore escaped (_x005F_) to survive; both readers undo both.
_OOXML_LITERAL = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_OOXML_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_COLUMN_LETTERS: list[str] = []


def _column_letter(index: int) -> str:
    """A, B, … Z, AA, … for a 0-based column index."""
    while len(_COLUMN_LETTERS) <= index:
        number, letters = len(_COLUMN_LETTERS) + 1, ""
        while number:
            number, remainder = divmod(number - 1, 26)
            letters = chr(65 + remainder) + letters
        _COLUMN_LETTERS.append(letters)
    return _COLUMN_LETTERS[index]


def _xlsx_text(value: str) -> str:
    value = value[:XLSX_MAX_CELL_TEXT]
    if "_x" in value:
        value = _OOXML_LITERAL.sub("_x005F_", value)
    value = _OOXML_CONTROL.sub(lambda match: f"_x{ord(match.group(0)):04X}_", value)
    return xml_escape(value.replace("\ufffe", "\ufffd").replace("\uffff", "\ufffd"))


def _xlsx_cell(reference: str, value) -> str:
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        return (
            f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">'
            f"{_xlsx_text(value)}</t></is></c>"
        )
    if value is None:
        return ""
    if kind is datetime.date:
        return f'<c r="{reference}" s="2"><v>{value.toordinal() - EXCEL_EPOCH_ORDINAL}</v></c>'
    if kind is Decimal:
        return f'<c r="{reference}" s="3"><v>{format(value, "f")}</v></c>'
    if kind is bool:
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        if kind is float and not math.isfinite(value):
            return ""  # no cell: a spreadsheet has no number for NaN or infinity
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    if kind is datetime.datetime:
        value = value.replace(tzinfo=None)
        serial = value.toordinal() - EXCEL_EPOCH_ORDINAL
        serial += (value.hour * 3600 + value.minute * 60 + value.second) / 86400
        return f'<c r="{reference}" s="4"><v>{serial!r}</v></c>'
    return _xlsx_cell(reference, str(value))


def _xlsx_row(number: int, values: Sequence) -> str:
    cells = "".join(
        [
            _xlsx_cell(f"{_column_letter(column)}{number}", value)
            for column, value in enumerate(values)
            if value is not None and value != ""
        ]
    )
    return f'<row r="{number}">{cells}</row>'


def _xlsx_sheet_head(headers: Sequence[str]) -> str:
    columns = "".join(
        f'<col min="{index}" max="{index}" width="{min(max(len(header) + 4, 12), 40)}" '
        'customWidth="1"/>'
        for index, header in enumerate(headers, start=1)
    )
    header_cells = "".join(
        f'<c r="{_column_letter(column)}1" t="inlineStr" s="1"><is><t xml:space="preserve">'
        f"{_xlsx_text(str(header))}</t></is></c>"
        for column, header in enumerate(headers)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_XLSX_MAIN}" xmlns:r="{_XLSX_RELATIONSHIPS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{columns}</cols>" if columns else "")
        + f'<sheetData><row r="1">{header_cells}</row>'
    )


_QUOTE = {'"': "&quot;"}


def _xlsx_workbook(sheet_name: str, filter_range: str) -> str:
    start, end = (re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", cell) for cell in filter_range.split(":"))
    reference = "'" + sheet_name.replace("'", "''") + f"'!{start}:{end}"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_XLSX_MAIN}" xmlns:r="{_XLSX_RELATIONSHIPS}">'
        "<bookViews><workbookView/></bookViews><sheets>"
        f'<sheet name="{xml_escape(sheet_name, _QUOTE)}" sheetId="1" r:id="rId1"/>'
        '</sheets><definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" '
        f'hidden="1">{xml_escape(reference)}</definedName></definedNames></workbook>'
    )


class CSV(SpreadsheetFormat, base_formats.CSV):
    """RFC 4180 CSV in UTF-8 with a byte order mark, so Excel recognises the encoding.

    On import both comma and semicolon (what Excel writes in Swedish) are understood.
    """

    extension = "csv"
    CHUNK_ROWS = 1000

    @classmethod
    def detect(cls, data: bytes) -> bool:
        sample = data[:8192]
        return b"\x00" not in sample and not zipfile.is_zipfile(io.BytesIO(data))

    def read(self, data):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SpreadsheetFileError(
                "Filen är inte sparad som UTF-8 (den ser ut att vara sparad som Latin-1 eller "
                "Windows-1252, så å, ä och ö skulle bli fel). Spara den som ”CSV UTF-8 "
                "(kommaavgränsad)” i Excel, eller välj teckenkodningen UTF-8, och försök igen."
            ) from error
        first_line = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=first_line.count)
        if not first_line.count(delimiter):
            delimiter = ","
        # A cell may be as long as the file (a long description); the upload's size limit
        # bounds it, not the csv module's default of 128 KB.
        if csv.field_size_limit() < len(text):
            csv.field_size_limit(len(text))
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            rows = list(reader)
        except csv.Error as error:
            raise SpreadsheetFileError(
                f"Filen gick inte att läsa som CSV på rad {reader.line_num}. Kontrollera att "
                "citattecknen i cellerna går jämnt ut, eller spara filen på nytt som CSV UTF-8."
            ) from error
        if not rows:
            raise SpreadsheetFileError("Filen är tom.")
        return rows[0], rows[1:]

    def iter_chunks(self, headers, rows, *, title=""):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(headers)
        # The header row leaves at once, before the first rows are read from the database.
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        pending = 0
        for row in rows:
            writer.writerow([value if type(value) is str else _cell_text(value) for value in row])
            pending += 1
            if pending == self.CHUNK_ROWS:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
                pending = 0
        yield buffer.getvalue().encode("utf-8")

    def get_content_type(self) -> str:
        return "text/csv; charset=utf-8"


ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_NAMESPACES = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
_XMLNS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in ODS_NAMESPACES.items())
_ODS_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="{ODS_NAMESPACES["manifest"]}" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{ODS_MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_ODS_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_XMLNS} office:version="1.2"><office:styles>
<style:style style:name="Default" style:family="table-cell"/>
</office:styles></office:document-styles>
"""
_ODS_CONTENT_HEAD = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {_XMLNS} office:version="1.2"><office:automatic-styles>
<number:date-style style:name="Ndate"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
<number:number-style style:name="Namount"><number:number number:decimal-places="2" number:min-decimal-places="2" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
<style:style style:name="cedate" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="Ndate"/>
<style:style style:name="ceamount" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="Namount"/>
<style:style style:name="cehead" style:family="table-cell" style:parent-style-name="Default"><style:text-properties fo:font-weight="bold"/></style:style>
</office:automatic-styles><office:body><office:spreadsheet>"""
_ODS_CONTENT_TAIL = "</office:spreadsheet></office:body></office:document-content>"

# Characters XML 1.0 cannot hold at all; replaced so one bad byte cannot spoil the file.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE_RUN = re.compile(r"(?<= ) +|^ +| (?=$)")


def _ods_spaces(match: re.Match) -> str:
    count = len(match.group(0))
    return f'<text:s text:c="{count}"/>' if count > 1 else "<text:s/>"


def _ods_paragraphs(value: str) -> str:
    """Text as <text:p> elements; runs of spaces, tabs and carriage returns kept exactly."""
    value = _XML_ILLEGAL.sub("\ufffd", value)
    paragraphs = []
    for line in value.split("\n"):
        line = xml_escape(line, {"\r": "&#13;"})
        if "  " in line or line.startswith(" ") or line.endswith(" "):
            line = _SPACE_RUN.sub(_ods_spaces, line)
        if "\t" in line:
            line = line.replace("\t", "<text:tab/>")
        paragraphs.append(f"<text:p>{line}</text:p>")
    return "".join(paragraphs)


def _ods_cell(value) -> str:
    kind = type(value)
    if kind is str:
        if not value:
            return "<table:table-cell/>"
        return f'<table:table-cell office:value-type="string">{_ods_paragraphs(value)}</table:table-cell>'
    if value is None:
        return "<table:table-cell/>"
    if kind is datetime.date:
        text = value.isoformat()
        return (
            f'<table:table-cell table:style-name="cedate" office:value-type="date" '
            f'office:date-value="{text}"><text:p>{text}</text:p></table:table-cell>'
        )
    if kind is Decimal:
        text = format(value, "f")
        return (
            f'<table:table-cell table:style-name="ceamount" office:value-type="float" '
            f'office:value="{text}"><text:p>{text}</text:p></table:table-cell>'
        )
    if kind is bool:
        text = "true" if value else "false"
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{text}">'
            f"<text:p>{text}</text:p></table:table-cell>"
        )
    if kind is int or kind is float:
        if kind is float and not math.isfinite(value):
            return "<table:table-cell/>"  # a spreadsheet has no number for NaN or infinity
        text = repr(value)
        return (
            f'<table:table-cell office:value-type="float" office:value="{text}">'
            f"<text:p>{text}</text:p></table:table-cell>"
        )
    if kind is datetime.datetime:
        text = value.replace(tzinfo=None).isoformat(timespec="seconds")
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{text}">'
            f"<text:p>{text}</text:p></table:table-cell>"
        )
    return _ods_cell(str(value))


def _qname(prefix: str, name: str) -> str:
    return f"{{{ODS_NAMESPACES[prefix]}}}{name}"


_TABLE = _qname("table", "table")
_ROW = _qname("table", "table-row")
_CELL = _qname("table", "table-cell")
_COVERED = _qname("table", "covered-table-cell")
_P = _qname("text", "p")
_S = _qname("text", "s")
_TAB = _qname("text", "tab")
_BREAK = _qname("text", "line-break")
_ANNOTATION = _qname("office", "annotation")
_ROWS_REPEATED = _qname("table", "number-rows-repeated")
_COLUMNS_REPEATED = _qname("table", "number-columns-repeated")
_VALUE_TYPE = _qname("office", "value-type")
_VALUE = _qname("office", "value")
_DATE_VALUE = _qname("office", "date-value")
_BOOLEAN_VALUE = _qname("office", "boolean-value")
_TEXT_C = _qname("text", "c")


def _ods_text(element) -> str:
    """The text of an element as ODF defines it: <text:s>, <text:tab>, line breaks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _S:
            parts.append(" " * int(child.get(_TEXT_C, "1")))
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag == _BREAK:
            parts.append("\n")
        elif child.tag != _ANNOTATION:
            parts.append(_ods_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_value(cell):
    value_type = cell.get(_VALUE_TYPE)
    if value_type in ("float", "percentage", "currency"):
        try:
            return Decimal(cell.get(_VALUE))
        except (InvalidOperation, TypeError):
            pass
    elif value_type == "date":
        text = cell.get(_DATE_VALUE, "")
        try:
            if "T" in text:
                moment = datetime.datetime.fromisoformat(text)
                return moment.date() if moment.time() == datetime.time() else moment
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    elif value_type == "boolean":
        return cell.get(_BOOLEAN_VALUE) == "true"
    paragraphs = [_ods_text(child) for child in cell if child.tag == _P]
    return "\n".join(paragraphs) if paragraphs else None


def _read_ods_rows(content) -> Iterator[list]:
    """Rows of the first sheet of content.xml, parsed incrementally.

    Repeated empty cells and rows (LibreOffice writes a million empty rows as one element)
    only count when something follows them.
    """
    depth = 0  # 1 inside the first sheet, more inside a table nested in it
    pending_rows = 0
    row: list = []
    pending_cells = 0
    for event, element in ElementTree.iterparse(content, events=("start", "end")):
        tag = element.tag
        if tag == _TABLE:
            depth += 1 if event == "start" else -1
            if depth == 0:
                return
            continue
        if event == "start" or depth != 1:
            continue
        if tag in (_CELL, _COVERED):
            value = _ods_value(element) if tag == _CELL else None
            repeat = int(element.get(_COLUMNS_REPEATED, "1"))
            if value is None or value == "":
                pending_cells += repeat
            else:
                if pending_cells:
                    if len(row) + pending_cells > MAX_COLUMNS:
                        raise SpreadsheetFileError(TOO_MANY_COLUMNS)
                    row.extend([None] * pending_cells)
                    pending_cells = 0
                if len(row) + repeat > MAX_COLUMNS:
                    raise SpreadsheetFileError(TOO_MANY_COLUMNS)
                row.extend([value] * repeat)
            element.clear()
        elif tag == _ROW:
            repeat = int(element.get(_ROWS_REPEATED, "1"))
            if row:
                if pending_rows:
                    if pending_rows > MAX_ROWS:
                        raise SpreadsheetFileError(TOO_MANY_ROWS)
                    for _ in range(pending_rows):
                        yield []
                    pending_rows = 0
                for _ in range(min(repeat, MAX_ROWS + 1)):
                    yield list(row)
            else:
                pending_rows += repeat
            row, pending_cells = [], 0
            element.clear()


class ODS(SpreadsheetFormat, base_formats.ODS):
    """OpenDocument spreadsheet, written as zipped XML row by row and read incrementally."""

    extension = "ods"

    @classmethod
    def detect(cls, data: bytes) -> bool:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            return archive.read("mimetype").strip() == ODS_MIMETYPE.encode()
        except (zipfile.BadZipFile, KeyError):
            return False

    def read(self, data):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            _check_unpacked_size(archive)
            _refuse_macros(archive)
            with archive.open("content.xml") as content:
                rows = list(_at_most_rows(_read_ods_rows(content), MAX_ROWS + 1))
        except SpreadsheetFileError:
            raise
        except Exception as error:
            raise SpreadsheetFileError(
                "Filen gick inte att läsa som en OpenDocument-fil (ods). Öppna den i "
                "LibreOffice eller Excel och spara den igen som ods."
            ) from error
        if not rows:
            raise SpreadsheetFileError(EMPTY_FIRST_SHEET)
        return rows[0], rows[1:]

    def iter_chunks(self, headers, rows, *, title=""):
        def content() -> Iterator[bytes]:
            name = xml_escape(title or "Blad1", {'"': "&quot;"})
            parts = [_ODS_CONTENT_HEAD, f'<table:table table:name="{name}">']
            parts.append(
                f'<table:table-column table:number-columns-repeated="{max(len(headers), 1)}"/>'
            )
            parts.append("<table:table-row>")
            for header in headers:
                parts.append(
                    '<table:table-cell table:style-name="cehead" office:value-type="string">'
                    f"{_ods_paragraphs(header)}</table:table-cell>"
                )
            parts.append("</table:table-row>")
            yield "".join(parts).encode("utf-8")
            buffer = []
            for row in rows:
                buffer.append(
                    "<table:table-row>"
                    + "".join([_ods_cell(value) for value in row])
                    + "</table:table-row>"
                )
                if len(buffer) == ZIP_ROWS_PER_CHUNK:
                    yield "".join(buffer).encode("utf-8")
                    buffer.clear()
            buffer.append("</table:table>" + _ODS_CONTENT_TAIL)
            yield "".join(buffer).encode("utf-8")

        # The mimetype comes first and uncompressed, so the file identifies itself.
        yield from _zip(
            [
                ("mimetype", [ODS_MIMETYPE.encode("ascii")]),
                ("META-INF/manifest.xml", [_ODS_MANIFEST.encode("utf-8")]),
                ("styles.xml", [_ODS_STYLES.encode("utf-8")]),
                ("content.xml", content()),
            ],
            stored=("mimetype",),
        )

    def get_content_type(self) -> str:
        return ODS_MIMETYPE


#: The formats the admin offers, in menu order.
FORMATS = [XLSX, CSV, ODS]


def detect_format(data: bytes, formats=FORMATS):
    """The format class that recognises the file's content, or None. CSV is tried last."""
    for format_class in sorted(formats, key=lambda cls: cls is CSV):
        if format_class.detect(data):
            return format_class
    return None
