"""The downloadable template: a header row of the columns the import reads."""

import tablib

from licensedesk.imports import reading

KINDS = {"csv": "text/csv; charset=utf-8", "xlsx": reading.XLSX_TYPE}


def template(kind: str) -> tuple[bytes, str]:
    data = tablib.Dataset(headers=list(reading.COLUMNS))
    content = data.export(kind)
    return (content.encode() if isinstance(content, str) else content), KINDS[kind]
