"""Reading files: what spreadsheet programs write is read; what is malformed, hostile or too
big is refused as a whole with a clear message, before it takes memory."""

import io
import time
import tracemalloc
import zipfile

import pytest

from licensedesk.imports import reading
from licensedesk.imports.reading import FileProblem
from licensedesk.imports.tests.helpers import csv_bytes, xlsx_bytes


def test_the_header_is_read_in_any_case_and_spelling_and_other_columns_are_ignored():
    sheet = reading.read(
        b"SLC,Product,Visible to,Description \r\nm01-c01,Corporate,a@b.example,x\r\n"
    )
    assert sheet.columns == ("slc", "description", "visible_to")
    assert sheet.ignored == ["Product"]
    assert sheet.rows == [(2, {"slc": "m01-c01", "visible_to": "a@b.example", "description": "x"})]


def test_a_byte_order_mark_and_semicolons_are_understood():
    content = '\ufeffslc;customer;groups\nM01-1;Café Nord;"North; South"\n'.encode()
    sheet = reading.read(content)
    assert sheet.rows == [(2, {"slc": "M01-1", "customer": "Café Nord", "groups": "North; South"})]


def test_cells_the_export_protected_from_formulas_are_read_without_the_quote():
    sheet = reading.read(csv_bytes([["M01-1", "'=Acme", "'-minus", "'plain", ""]]))
    cells = sheet.rows[0][1]
    assert (cells["customer"], cells["description"], cells["groups"]) == (
        "=Acme",
        "-minus",
        "'plain",
    )


def test_empty_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    sheet = reading.read(
        xlsx_bytes([["M01-1", "", "", "", ""], [None] * 5, ["M01-2", "", "", "", ""]])
    )
    assert [number for number, _ in sheet.rows] == [2, 4]


def test_numbers_from_a_spreadsheet_are_text():
    sheet = reading.read(xlsx_bytes([["M01-1", 42, 1.5, "", ""]]))
    assert sheet.rows[0][1]["customer"] == "42"
    assert sheet.rows[0][1]["description"] == "1.5"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"customer\nAcme\n", "must name the columns"),
        (b"slc,SLC\nx,y\n", "column slc is in the file twice"),
        (b"slc\nx,y,z\n", "more cells than the header"),
        (b"\xff\xfeslc", "UTF-8"),
        (b"  \n", "empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
        (b"PK\x03\x04broken", "not a valid XLSX"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(content, message):
    with pytest.raises(FileProblem) as refused:
        reading.read(content)
    assert message in refused.value.message


def _with_part(content: bytes, name: str, data: bytes) -> bytes:
    """The XLSX `content` with its part `name` replaced by `data`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = data if item.filename == name else source.read(item.filename)
            target.writestr(item, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_an_xlsx_with_entity_expansion_is_refused_fast():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
            for i in range(1, 10)
        )
        + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    content = _with_part(
        xlsx_bytes([["M01-1", "", "", "", ""]]), "xl/worksheets/sheet1.xml", laughs
    )
    start = time.monotonic()
    with pytest.raises(FileProblem):
        reading.read(content)
    assert time.monotonic() - start < 5


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 50_000)
    padding = b"<!-- " + b"x" * 100_000 + b" -->"
    content = xlsx_bytes([["M01-1", "", "", "", ""]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    content = _with_part(
        content, "xl/worksheets/sheet1.xml", sheet.replace(b"<sheetData>", padding + b"<sheetData>")
    )
    assert len(content) < 50_000  # small packed: a zip bomb in miniature
    with pytest.raises(FileProblem) as refused:
        reading.read(content)
    assert "unpacks to more" in refused.value.message


def _refused_within_bounds(content: bytes, message: str) -> None:
    """Refused with `message`, in little time and memory."""
    tracemalloc.start()
    start = time.monotonic()
    try:
        with pytest.raises(FileProblem) as refused:
            reading.read(content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message in refused.value.message
    assert time.monotonic() - start < 10
    assert peak < 100 * 1024 * 1024


def test_an_xlsx_that_claims_a_million_rows_is_refused_without_making_them_up():
    content = xlsx_bytes([["M01-1", "", "", "", ""]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    last = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>M01-2</t></is></c></row>'
    sheet = sheet.replace(b'<dimension ref="A1:E2" />', b'<dimension ref="A1:XFD1048576" />')
    content = _with_part(
        content, "xl/worksheets/sheet1.xml", sheet.replace(b"</sheetData>", last + b"</sheetData>")
    )
    assert len(content) < 10_000
    _refused_within_bounds(content, "more than 20,000 rows")


def test_a_stray_cell_in_the_last_column_of_an_xlsx_is_not_read():
    content = xlsx_bytes([["M01-1", "", "", "", ""]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    far = b'<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = sheet.replace(b'<dimension ref="A1:E2" />', b'<dimension ref="A1:XFD3" />')
    content = _with_part(
        content, "xl/worksheets/sheet1.xml", sheet.replace(b"</sheetData>", far + b"</sheetData>")
    )
    sheet = reading.read(content)
    assert [cells["slc"] for _, cells in sheet.rows] == ["M01-1"]


def test_a_csv_of_lone_carriage_returns_counts_each_as_a_row():
    _refused_within_bounds(b"slc\r" + b"x\r" * 4_000_000, "more than 20,000 rows")


def test_more_columns_than_the_import_reads_are_refused():
    header = ",".join(["slc"] + [f"note {i}" for i in range(reading.MAX_COLUMNS)])
    with pytest.raises(FileProblem) as refused:
        reading.read(f"{header}\nM01-1\n".encode())
    assert "more than 50 columns" in refused.value.message


def test_an_ignored_column_s_name_is_shown_without_control_characters():
    sheet = reading.read(b"slc,no\x00te\x07\nM01-1,x\n")
    assert sheet.ignored == ["note"]
