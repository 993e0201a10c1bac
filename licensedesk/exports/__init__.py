"""Exports of the lists a partner works with, in CSV, XLSX and JSON (docs/formats.md).

Each app says what its export holds (`<app>/export.py`: a `formats.Table` of columns and the
rows the caller may see, read in key-ordered chunks by `chunks.py`); `formats.py` writes any
table in each format, streamed in constant memory; `api.py` serves them under the API."""
