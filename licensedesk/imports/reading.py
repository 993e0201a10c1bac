"""Reading a spreadsheet of license registrations (CSV or XLSX, through tablib and openpyxl)
into rows of the columns the import knows. Bounded before anything is parsed: the bytes, the
rows, and for XLSX (a zip) its parts' unpacked size, so that neither a large file nor a zip
bomb can take the memory of a web process."""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import tablib
from tablib.exceptions import InvalidDimensions

from licensedesk.core.errors import ServiceError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX is a zip of XML parts: what they may unpack to, and how many there may be.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PARTS = 500

COLUMNS = ("slc", "customer", "description", "groups", "visible_to")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
# The export keeps spreadsheet programs from running a cell as a formula by putting a quote
# before it (licenses/export.py): read back, the quote goes.
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")


class FileProblem(ServiceError):
    """The file as a whole cannot be read: nothing in it is imported."""

    def __init__(self, message: str, code: str = "invalid_file", status: int = 400):
        super().__init__(message, code=code, field="file", status=status)


def too_large() -> FileProblem:
    return FileProblem(
        f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into several.",
        code="file_too_large",
        status=413,
    )


@dataclass
class Sheet:
    """The rows of a file: `columns` are the known columns it has (a missing one keeps what a
    license has), `rows` (spreadsheet row number, {column: text}) with the header as row 1."""

    columns: tuple[str, ...]
    rows: list[tuple[int, dict[str, str]]]
    ignored: list[str] = field(default_factory=list)


def read(content: bytes) -> Sheet:
    """The rows of a CSV (UTF-8, comma or semicolon) or XLSX file (its first sheet)."""
    if len(content) > MAX_BYTES:
        raise too_large()
    if is_xlsx(content):
        dataset = _load_xlsx(content)
    elif content.startswith(_OLE_MAGIC):
        raise FileProblem("This is an old Excel file (.xls): save it as .xlsx or as CSV UTF-8.")
    else:
        dataset = _load_csv(content)
    return _sheet(dataset)


def is_xlsx(content: bytes) -> bool:
    return content.startswith(_ZIP_MAGIC)


def _too_many_rows() -> FileProblem:
    return FileProblem(
        f"The file has more than {MAX_ROWS:,} rows: split it into several.",
        code="too_many_rows",
    )


def _load_csv(content: bytes) -> tablib.Dataset:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "The file is neither XLSX nor UTF-8 text: save it as .xlsx or as CSV UTF-8."
        ) from exc
    # A cell may span lines, so lines only bound rows from above: twice the rows allowed.
    if text.count("\n") > 2 * MAX_ROWS:
        raise _too_many_rows()
    if not text.strip():
        raise FileProblem("The file is empty.", code="empty_file")
    header = text.split("\n", 1)[0]
    # Spreadsheet programs in many countries save CSV with semicolons.
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        return tablib.Dataset().load(text, format="csv", delimiter=delimiter)
    except csv.Error as exc:
        raise FileProblem(f"The file is not valid CSV ({exc}).") from exc
    except InvalidDimensions as exc:
        raise _ragged() from exc


def _ragged() -> FileProblem:
    return FileProblem(
        "A row has more cells than the header row has names: give every column a name in "
        "the first row."
    )


def _load_xlsx(content: bytes) -> tablib.Dataset:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
                raise FileProblem("The XLSX file unpacks to more than the import takes.")
            if _sheet_rows(archive, parts) > MAX_ROWS + 1:
                raise _too_many_rows()
    except (zipfile.BadZipFile, EOFError) as exc:
        raise FileProblem("The file is not a valid XLSX file.") from exc
    try:
        return tablib.Dataset().load(content, format="xlsx")
    except InvalidDimensions as exc:
        raise _ragged() from exc
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem("The file is not a valid XLSX file.") from exc


def _sheet_rows(archive: zipfile.ZipFile, parts) -> int:
    """The rows of every worksheet, counted by their <row> tags in a streamed pass (no
    parsing), so that a sheet of a million short rows is refused before openpyxl reads it."""
    rows = 0
    for part in parts:
        if not part.filename.startswith("xl/worksheets/"):
            continue
        tail = b""
        with archive.open(part) as stream:
            while chunk := stream.read(1 << 20):
                data = tail + chunk
                rows += data.count(b"<row ") + data.count(b"<row>")
                tail = data[-5:]
                rows -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again next
        rows += tail.count(b"<row ") + tail.count(b"<row>")
    return rows


def _header_name(value) -> str:
    """A header as the import knows it: "Visible to", "visible_to", "SLC " are the same."""
    return "_".join(_text(value).lower().replace("-", " ").replace("_", " ").split())


def _sheet(dataset: tablib.Dataset) -> Sheet:
    headers = [_header_name(h) for h in (dataset.headers or [])]
    if "slc" not in headers:
        raise FileProblem(
            "The first row must name the columns, among them slc (and any of customer, "
            "description, groups, visible_to). Download the template to start from.",
            code="missing_slc_column",
        )
    doubled = sorted({h for h in headers if h in COLUMNS and headers.count(h) > 1})
    if doubled:
        raise FileProblem(f"The column {doubled[0]} is in the file twice.")
    if dataset.height > MAX_ROWS:
        raise _too_many_rows()
    known = {index: name for index, name in enumerate(headers) if name in COLUMNS}
    ignored = [
        _text(h) for h, name in zip(dataset.headers, headers, strict=True) if name not in COLUMNS
    ]
    rows = []
    for number, values in enumerate(dataset, start=2):
        cells = {name: _cell(values[index]) for index, name in known.items()}
        if any(cells.values()):  # empty rows (a sheet's formatted tail) are no rows
            rows.append((number, cells))
    return Sheet(
        columns=tuple(c for c in COLUMNS if c in known.values()), rows=rows, ignored=ignored
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(value) -> str:
    return _NEUTRALISED.sub("", _text(value).strip())
