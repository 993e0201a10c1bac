"""One table, three formats: CSV and JSON streamed a chunk of rows at a time, XLSX written by
openpyxl in write-only mode into a temporary file, then streamed. Memory stays that of one
chunk whatever the number of rows (docs/benchmarks.md, "Exports")."""

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# What a column holds: how each format writes it and how the API documents it.
TEXT, INT, BOOL, DATE, DATETIME, LIST, OBJECT = (
    "text", "int", "bool", "date", "datetime", "list", "object",
)  # fmt: skip

CSV, XLSX, JSON = "csv", "xlsx", "json"
FORMATS = (CSV, XLSX, JSON)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    JSON: "application/json",
}
# A spreadsheet program runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """`name` heads the column (CSV, XLSX) and keys the value (JSON); `value(row)` gives a
    str, int, bool, date, datetime, list of str, dict or None, as `kind` says."""

    name: str
    value: Callable[[Any], Any]
    kind: str = TEXT
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    """An export: its file name, its columns, and `chunks(user, params)`, the lists of rows
    `user` may see as `params` (the list page's filters) narrow and order them."""

    name: str
    columns: tuple[Column, ...]
    chunks: Callable[[Any, Any], Iterable[list]]

    @property
    def headers(self) -> list[str]:
        return [column.name for column in self.columns]

    def values(self, row) -> list:
        return [column.value(row) for column in self.columns]


def neutralised(text: str) -> str:
    """Keep a spreadsheet program from running a CSV cell as a formula (OWASP's advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def iso(value) -> str:
    """Dates as YYYY-MM-DD, times in UTC to the second."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    return value.isoformat()


# CSV ------------------------------------------------------------------------------------


def csv_text(value, kind: str) -> str | int:
    if value is None:
        return ""
    if kind == LIST:
        # Each item too: a spreadsheet that splits at ";" would make each a cell of its own.
        value = LIST_SEPARATOR.join(neutralised(item) for item in value)
    elif kind == OBJECT:
        value = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    elif kind in (DATE, DATETIME):
        return iso(value)
    elif kind == BOOL:
        return "true" if value else "false"
    return neutralised(value) if isinstance(value, str) else value


def csv_stream(table: Table, chunks: Iterable[list]):
    """The CSV's text, header first, one piece per chunk of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headers)
    yield _take(buffer)
    kinds = [column.kind for column in table.columns]
    for chunk in chunks:
        for row in chunk:
            values = table.values(row)
            writer.writerow([csv_text(v, k) for v, k in zip(values, kinds, strict=True)])
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


# JSON -----------------------------------------------------------------------------------


def json_value(value, kind: str):
    if value is not None and kind in (DATE, DATETIME):
        return iso(value)
    return value


def json_stream(table: Table, chunks: Iterable[list]):
    """A JSON array of one object per row, one piece per chunk. Values are data, never
    neutralised: no program runs a JSON string as a formula."""
    kinds = [(column.name, column.kind) for column in table.columns]
    yield "["
    separator = "\n"
    for chunk in chunks:
        objects = (_json_object(kinds, table.values(row)) for row in chunk)
        yield separator + ",\n".join(objects)
        separator = ",\n"
    yield "\n]\n"


def _json_object(kinds, values) -> str:
    pairs = zip(kinds, values, strict=True)
    return json.dumps(
        {name: json_value(value, kind) for (name, kind), value in pairs},
        ensure_ascii=False,
        default=str,
    )


# XLSX -----------------------------------------------------------------------------------

XLSX_FORMATS = {DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm:ss"}


def xlsx_cell(sheet, value, kind: str):
    if value is None:
        return None
    if kind == LIST:
        value = LIST_SEPARATOR.join(value)
    elif kind == OBJECT:
        value = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    elif kind in XLSX_FORMATS:
        if isinstance(value, datetime):  # Excel knows no time zones: UTC, as the CSV says
            value = value.astimezone(UTC).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_FORMATS[kind]
        return cell
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # XML cannot hold them
    if not value.startswith(FORMULA_STARTS):
        return value
    # Text, never a formula, and still text when edited (Excel's leading apostrophe): the
    # value itself stays exact, so that an edited file imports back unchanged.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def xlsx_file(table: Table, chunks: Iterable[list]):
    """The workbook in a temporary file (deleted when closed), positioned at its start."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    try:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(table.name)
        sheet.append(table.headers)
        kinds = [column.kind for column in table.columns]
        for chunk in chunks:
            for row in chunk:
                values = table.values(row)
                sheet.append([xlsx_cell(sheet, v, k) for v, k in zip(values, kinds, strict=True)])
        book.save(file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file


# Responses ------------------------------------------------------------------------------


def response(table: Table, user, params, fmt: str):
    """The download of `table` as `user` sees it with `params`, in `fmt` (one of FORMATS)."""
    chunks = table.chunks(user, params)
    filename = f"{table.name}.{fmt}"
    if fmt == XLSX:
        answer = FileResponse(
            xlsx_file(table, chunks),
            as_attachment=True,
            filename=filename,
            content_type=CONTENT_TYPES[XLSX],
        )
    else:
        writer = csv_stream if fmt == CSV else json_stream
        answer = StreamingHttpResponse(writer(table, chunks), content_type=CONTENT_TYPES[fmt])
        answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    answer["Cache-Control"] = "private, no-store"
    return answer


def download(request, table: Table, params=None):
    """A web page's export: the format from `?format=` (CSV if none), the filters from the
    query string unless `params` gives them."""
    fmt = request.GET.get("format") or CSV
    if fmt not in FORMATS:
        return HttpResponseBadRequest(
            "Choose format=csv, xlsx or json.", content_type="text/plain; charset=utf-8"
        )
    return response(table, request.user, request.GET if params is None else params, fmt)


def json_schema(table: Table, title: str) -> dict:
    """The JSON Schema of one object of the table's JSON export (for the API's document)."""
    types = {
        TEXT: {"type": "string"},
        INT: {"type": "integer"},
        BOOL: {"type": "boolean"},
        DATE: {"type": "string", "format": "date"},
        DATETIME: {"type": "string", "format": "date-time"},
        LIST: {"type": "array", "items": {"type": "string"}},
        OBJECT: {"type": "object"},
    }
    properties = {}
    for column in table.columns:
        schema = types[column.kind]
        properties[column.name] = (
            {"anyOf": [schema, {"type": "null"}]} if column.nullable else schema
        )
    return {"title": title, "type": "object", "properties": properties, "required": table.headers}
