"""The three formats on their own: formula escaping, typed cells, and reading files that
other programs wrote."""

import datetime
import io
import itertools
import zipfile
from decimal import Decimal

import pytest

from spreadsheets.formats import (
    CSV,
    FORMATS,
    ODS,
    ODS_MIMETYPE,
    XLSX,
    SpreadsheetFileError,
    detect_format,
    escape_formula,
    unescape_formula,
)
from tests.admin.test_spreadsheets_support import xlsx_bytes

TRICKY_TEXTS = [
    "",
    "'",
    "''",
    "=1+1",
    "'=1+1",
    "''=1+1",
    "+46 470 410 00",
    "-",
    "@",
    "\tflik",
    "\rvagnretur",
    "'s-Hertogenbosch",
    "Vanlig text",
    "a=b",
    "Rad ett\r\nRad två",
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_unescape_undoes_escape(text):
    assert unescape_formula(escape_formula(text)) == text


def test_escape_covers_every_trigger_and_only_text():
    for trigger in "=+-@\t\r":
        assert escape_formula(trigger + "x") == "'" + trigger + "x"
    assert escape_formula("'=x") == "''=x"
    assert escape_formula("'s-Hertogenbosch") == "'s-Hertogenbosch"
    assert escape_formula("a=b") == "a=b"
    assert escape_formula(-5) == -5
    assert escape_formula(Decimal("-3.25")) == Decimal("-3.25")


def test_a_users_own_apostrophe_before_a_formula_is_removed():
    assert unescape_formula("'=SUMMA(A1)") == "=SUMMA(A1)"
    assert unescape_formula("'vanlig") == "'vanlig"


def test_all_pairs_of_characters_round_trip():
    alphabet = "'=+-@\ta "
    for length in (1, 2, 3):
        for letters in itertools.product(alphabet, repeat=length):
            text = "".join(letters)
            assert unescape_formula(escape_formula(text)) == text


ROW = [
    "text",
    datetime.date(2014, 1, 1),
    Decimal("37500.50"),
    2014,
    None,
    "  två  mellanslag\toch flik\r\nny rad ",
    -5,
]


@pytest.mark.parametrize("format_class", FORMATS)
def test_write_then_read(format_class):
    stream = io.BytesIO()
    format_class().write(stream, list("ABCDEFG"), [ROW], title="Projekt")

    dataset = format_class().create_dataset(stream.getvalue())

    assert dataset.headers == list("ABCDEFG")
    text, date, amount, year, empty, spaced, negative = dataset[0]
    assert text == "text"
    assert spaced == ROW[5]
    assert empty in (None, "")
    if format_class is CSV:
        assert (date, amount, year, negative) == ("2014-01-01", "37500.50", "2014", "-5")
    else:
        assert date in (datetime.date(2014, 1, 1), datetime.datetime(2014, 1, 1))
        assert (Decimal(str(amount)), int(year), int(negative)) == (Decimal("37500.50"), 2014, -5)


def test_csv_has_a_byte_order_mark_and_quotes_what_needs_it():
    stream = io.BytesIO()
    CSV().write(stream, ["Namn", "Lista"], [["Växjö", "a; b, c"]])

    assert stream.getvalue() == '\ufeffNamn,Lista\r\nVäxjö,"a; b, c"\r\n'.encode()


def test_negative_number_is_not_escaped_in_csv():
    stream = io.BytesIO()
    CSV().write(stream, ["Tal"], [[-5], [Decimal("-1.5")]])

    assert stream.getvalue().decode("utf-8-sig").splitlines()[1:] == ["-5", "-1.5"]


def test_ods_with_repeated_rows_and_columns_as_libreoffice_writes_them():
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        "<office:body><office:spreadsheet><table:table>"
        '<table:table-row><table:table-cell office:value-type="string"><text:p>ID</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>Titel</text:p>'
        '</table:table-cell><table:table-cell table:number-columns-repeated="16382"/>'
        "</table:table-row>"
        '<table:table-row table:number-rows-repeated="2"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s '
        'text:c="2"/>b</text:p><text:p>rad två</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="2014"><text:p>2014</text:p>'
        "</table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048571"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)

    dataset = ODS().create_dataset(stream.getvalue())

    assert dataset.headers == ["ID", "Titel"]
    assert list(dataset) == [("a  b\nrad två", Decimal("2014"))]


def test_xlsx_from_another_program_gives_dates_and_numbers():
    data = xlsx_bytes([["Start", "Belopp"], [datetime.date(2014, 3, 1), 12.5], [None, None]])

    dataset = XLSX().create_dataset(data)

    assert list(dataset) == [(datetime.datetime(2014, 3, 1), 12.5)]


def test_detect_format_by_content():
    xlsx = xlsx_bytes([["A"], [1]])
    ods = io.BytesIO()
    ODS().write(ods, ["A"], [[1]])

    assert detect_format(xlsx) is XLSX
    assert detect_format(ods.getvalue()) is ODS
    assert detect_format(b"A,B\r\n1,2\r\n") is CSV
    assert detect_format(b"\x89PNG\r\n\x1a\n\x00\x00") is None


def test_column_without_header_is_an_error():
    with pytest.raises(SpreadsheetFileError, match="Kolumn 2 har ingen rubrik"):
        CSV().create_dataset(b"Titel,\r\nEtt,Tv\xc3\xa5\r\n")


def test_blank_trailing_columns_and_rows_are_ignored():
    dataset = CSV().create_dataset(b"Titel,,\r\nEtt,,\r\n,,\r\n")

    assert dataset.headers == ["Titel"]
    assert list(dataset) == [("Ett",)]


@pytest.mark.parametrize("format_class", FORMATS)
def test_the_file_leaves_in_pieces_before_the_last_row_is_read(format_class):
    """A download of 50 000 rows starts at once: the first bytes are handed on while rows
    are still being read, and a whole file is never held."""
    read = 0

    def rows():
        nonlocal read
        for number in range(5000):
            read += 1
            yield [f"rad {number}", number, datetime.date(2014, 1, 1)]

    chunks = format_class().iter_chunks(["Titel", "Nummer", "Datum"], rows(), title="Projekt")
    first = next(chunk for chunk in chunks if chunk)
    assert read < 5000
    rest = b"".join(chunks)
    assert read == 5000
    dataset = format_class().create_dataset(first + rest)
    assert len(dataset) == 5000
    assert dataset[4999][0] == "rad 4999"


@pytest.mark.parametrize(
    "text", ["_x0041_ står kvar", "tab\toch\rretur", "styrtecken \x01 och \x1f", "<&>\"'"]
)
def test_xlsx_keeps_text_that_looks_like_ooxml_escapes(text):
    stream = io.BytesIO()
    XLSX().write(stream, ["Text"], [[text]])

    assert XLSX().create_dataset(stream.getvalue())[0][0] == text


def test_xlsx_sheet_name_follows_excels_rules():
    stream = io.BytesIO()
    XLSX().write(stream, ["A"], [["x"]], title="Projekt/2024: [alla] och fler tecken än 31")

    workbook = zipfile.ZipFile(stream).read("xl/workbook.xml").decode()
    assert 'name="Projekt 2024   alla  och fler t"' in workbook


def test_ods_mimetype_is_first_stored_and_without_a_data_descriptor():
    """ODF: the mimetype entry is first, uncompressed, with no extra field; LibreOffice
    (24.8 and later) calls a STORED entry with a data descriptor corrupt."""
    stream = io.BytesIO()
    ODS().write(stream, ["A"], [["x"]])
    data = stream.getvalue()

    first = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert not first.flag_bits & 0x08
    assert first.extra == b""
    assert data[30:38] == b"mimetype" and data[38:84] == ODS_MIMETYPE.encode()
    for entry in zipfile.ZipFile(io.BytesIO(data)).infolist():
        assert not (entry.compress_type == zipfile.ZIP_STORED and entry.flag_bits & 0x08)


@pytest.mark.parametrize("format_class", [XLSX, ODS])
def test_not_a_number_becomes_an_empty_cell(format_class):
    stream = io.BytesIO()
    rows = [[float("nan"), float("inf"), "rad ett"], [1.5, None, "rad två"]]
    format_class().write(stream, ["A", "B", "C"], rows)

    dataset = format_class().create_dataset(stream.getvalue())
    assert list(dataset[0]) in ([None, None, "rad ett"], ["", "", "rad ett"])
    assert float(dataset[1][0]) == 1.5


def _xlsx_declaring(dimension: str, last_row: int) -> bytes:
    """A tiny XLSX whose sheet declares `dimension` and holds a header and one cell in
    `last_row`, as a hostile upload would."""
    data = xlsx_bytes([["Titel"], ["Ett"]])
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index("<dimension ")
                end = text.index("/>", start) + 2
                text = text[:start] + f'<dimension ref="{dimension}"/>' + text[end:]
                text = text.replace('<row r="2"', f'<row r="{last_row}"').replace(
                    '<c r="A2"', f'<c r="A{last_row}"'
                )
                content = text.encode()
            archive.writestr(info, content)
    return target.getvalue()


def test_an_xlsx_that_declares_16384_columns_is_read_only_as_wide_as_its_data():
    data = _xlsx_declaring("A1:XFD3000", 3000)
    assert len(data) < 10_000

    headers, body = XLSX().read(data)

    assert len(headers) <= 201 and len(body) == 1 and len(body[0]) <= 201
    assert XLSX().create_dataset(data).headers == ["Titel"]


def test_an_xlsx_with_more_rows_than_allowed_stops_at_the_limit():
    data = _xlsx_declaring("A1:A150001", 150_001)
    rows = [["Titel"], *([f"Rad {number}"] for number in range(100_001))]
    full = xlsx_bytes(rows)

    assert list(XLSX().create_dataset(data)) == [("Ett",)]  # blank rows between cost nothing
    with pytest.raises(SpreadsheetFileError, match="fler än 100 000 rader"):
        XLSX().create_dataset(full)


def test_an_ods_of_repeated_rows_is_refused_before_it_is_unfolded():
    row = (
        '<table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell office:value-type="string" table:number-columns-repeated="3">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        "<office:body><office:spreadsheet><table:table>" + row * 8 + "</table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODS_MIMETYPE)
        archive.writestr("content.xml", content)
    assert len(stream.getvalue()) < 2_000

    with pytest.raises(SpreadsheetFileError, match="fler än 100 000 rader"):
        ODS().read(stream.getvalue())


def test_a_csv_cell_longer_than_128_kb_is_read():
    long_text = "å" * 200_000
    dataset = CSV().create_dataset(f'Titel,Beskrivning\r\nEtt,"{long_text}"\r\n'.encode())

    assert list(dataset) == [("Ett", long_text)]


def test_a_workbook_whose_first_sheet_is_empty_says_so():
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.create_sheet("Listan").append(["Kommun", "Vänort", "Land"])
    stream = io.BytesIO()
    workbook.save(stream)

    with pytest.raises(SpreadsheetFileError, match="Det första bladet i filen är tomt"):
        XLSX().create_dataset(stream.getvalue())


def test_a_csv_with_only_a_byte_order_mark_is_empty():
    with pytest.raises(SpreadsheetFileError, match="^Filen är tom.$"):
        CSV().create_dataset("\ufeff".encode())


def _openpyxl_cells(data: bytes) -> tuple[list, list]:
    """The file as openpyxl reads it, from A1, without wholly empty rows: what the
    import read before python-calamine."""
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    body = [row for row in rows[1:] if any(value is not None for value in row)]
    return rows[0], body


@pytest.mark.parametrize(
    "cells",
    [
        # Data from C3: empty rows above, empty columns on the left.
        {"C3": "Titel", "D3": "Start", "C4": "Ett", "D4": datetime.date(2014, 3, 1)},
        # Numbers whole and not, a boolean, a date with a time, gaps between rows.
        {
            "A1": "A",
            "B1": "B",
            "A2": 37500,
            "B2": 12.5,
            "A5": True,
            "B5": datetime.datetime(2020, 1, 2, 13, 45),
        },
        # A header row with holes and a long text with a line break.
        {"A1": "ID", "C1": "Titel", "C2": "rad ett\nrad två", "B3": -3},
    ],
)
def test_xlsx_reads_cells_as_openpyxl_did(cells):
    import openpyxl

    workbook = openpyxl.Workbook()
    for key, value in cells.items():
        workbook.active[key] = value
    stream = io.BytesIO()
    workbook.save(stream)

    headers, body = XLSX().read(stream.getvalue())
    expected_headers, expected_body = _openpyxl_cells(stream.getvalue())

    width = len(expected_headers)
    assert [*headers, *[None] * (width - len(headers))] == expected_headers
    assert [[*row, *[None] * (width - len(row))] for row in body] == expected_body


def _workbook_bytes(cells: dict) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for key, value in cells.items():
        workbook.active[key] = value
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def test_a_cell_named_far_away_is_read_row_by_row_not_laid_out_whole():
    """Calamine holds a sheet's whole area at once (it would abort the process for a cell
    at XFD1048576, a 5 KB file): such a sheet is read by openpyxl, within its limits."""
    from spreadsheets import formats

    data = _workbook_bytes({"A1": "Titel", "A2": "Ett", "XFD1048576": "x"})

    assert not formats._calamine_reads_safely(zipfile.ZipFile(io.BytesIO(data)))
    headers, body = XLSX().read(data)  # one column past the limit read at most
    assert headers[0] == "Titel"
    assert body == [["Ett", *[None] * (len(headers) - 1)]]


def test_an_error_cell_is_read_as_its_error_text_not_as_empty():
    """A failed formula (#N/A) must not read as an empty cell, which would clear a field."""
    import openpyxl
    from openpyxl.cell.cell import TYPE_ERROR

    workbook = openpyxl.Workbook()
    workbook.active.append(["Titel", "Total budget"])
    workbook.active.append(["Ett", "#N/A"])
    workbook.active["B2"].data_type = TYPE_ERROR
    stream = io.BytesIO()
    workbook.save(stream)

    headers, body = XLSX().read(stream.getvalue())

    assert body == [["Ett", "#N/A"]]


def test_plain_sheets_are_read_with_calamine():
    from spreadsheets import formats

    data = _workbook_bytes({"A1": "Titel", "B1": "Start", "A2": "Ett", "B2": 2014})

    assert formats._calamine_reads_safely(zipfile.ZipFile(io.BytesIO(data)))
    assert XLSX().read(data) == (["Titel", "Start"], [["Ett", 2014]])
