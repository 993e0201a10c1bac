"""Reading a spreadsheet of license registrations (CSV, or XLSX through openpyxl) into rows
of the columns the import knows. Bounded before and while anything is parsed: the bytes, for
XLSX (a zip) its parts' unpacked size, and the rows and columns read, counted as they are
read, so that neither a large file, a zip bomb nor a sheet that claims a million rows or
columns can take the memory of a web process."""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from openpyxl import load_workbook

from licensedesk.core.errors import ServiceError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 50
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
        return _sheet(_xlsx_rows(content))
    if content.startswith(_OLE_MAGIC):
        raise FileProblem("This is an old Excel file (.xls): save it as .xlsx or as CSV UTF-8.")
    return _sheet(_csv_rows(content))


def is_xlsx(content: bytes) -> bool:
    return content.startswith(_ZIP_MAGIC)


def _too_many_rows() -> FileProblem:
    return FileProblem(
        f"The file has more than {MAX_ROWS:,} rows: split it into several.",
        code="too_many_rows",
    )


def _csv_rows(content: bytes) -> Iterator[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "The file is neither XLSX nor UTF-8 text: save it as .xlsx or as CSV UTF-8."
        ) from exc
    if not text.strip():
        raise FileProblem("The file is empty.", code="empty_file")
    header = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    # Spreadsheet programs in many countries save CSV with semicolons.
    delimiter = ";" if header.count(";") > header.count(",") else ","
    # Rows as the csv module sees them (a lone CR ends one too), read one at a time.
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise FileProblem(f"The file is not valid CSV ({exc}).") from exc


def _ragged() -> FileProblem:
    return FileProblem(
        "A row has more cells than the header row has names: give every column a name in "
        "the first row."
    )


def _xlsx_rows(content: bytes) -> Iterator[tuple]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
                raise FileProblem("The XLSX file unpacks to more than the import takes.")
    except (zipfile.BadZipFile, EOFError) as exc:
        raise FileProblem("The file is not a valid XLSX file.") from exc
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        # openpyxl makes up the rows missing between two row numbers and pads every row to
        # the widest: read at most one column more than the import takes, row by row.
        yield from book.active.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem("The file is not a valid XLSX file.") from exc


def _header_name(value) -> str:
    """A header as the import knows it: "Visible to", "visible_to", "SLC " are the same."""
    return "_".join(_text(value).lower().replace("-", " ").replace("_", " ").split())


def _sheet(table: Iterable) -> Sheet:
    """The known columns of `table` (its first row names them) and its non-empty rows, read
    no further than the row limit allows."""
    table = iter(table)
    header = list(next(table, None) or [])
    while header and header[-1] in (None, ""):
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise FileProblem(f"The file has more than {MAX_COLUMNS} columns.")
    headers = [_header_name(h) for h in header]
    if "slc" not in headers:
        raise FileProblem(
            "The first row must name the columns, among them slc (and any of customer, "
            "description, groups, visible_to). Download the template to start from.",
            code="missing_slc_column",
        )
    doubled = sorted({h for h in headers if h in COLUMNS and headers.count(h) > 1})
    if doubled:
        raise FileProblem(f"The column {doubled[0]} is in the file twice.")
    known = {index: name for index, name in enumerate(headers) if name in COLUMNS}
    ignored = [
        _printable(_text(h)) for h, name in zip(header, headers, strict=True) if name not in COLUMNS
    ]
    rows = []
    for number, values in enumerate(table, start=2):
        if number > MAX_ROWS + 1:
            raise _too_many_rows()
        if any(value not in (None, "") for value in values[len(header) :]):
            raise _ragged()
        cells = {name: _cell(values[i]) if i < len(values) else "" for i, name in known.items()}
        if any(cells.values()):  # empty rows (a sheet's formatted tail) are no rows
            rows.append((number, cells))
    return Sheet(
        columns=tuple(c for c in COLUMNS if c in known.values()), rows=rows, ignored=ignored
    )


def _printable(name: str) -> str:
    # An ignored column's name is only shown back: without the characters that cannot be.
    return "".join(ch for ch in name if ch.isprintable())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(value) -> str:
    return unneutralised(_text(value).strip())


def unneutralised(text: str) -> str:
    """`text` without the quote the export put before what would start a formula."""
    return _NEUTRALISED.sub("", text)
