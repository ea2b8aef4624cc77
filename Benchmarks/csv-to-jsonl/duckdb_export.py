#!/usr/bin/env python3
"""Convert the candidates CSV to JSON Lines with DuckDB, as the comparison for hire-etl.

Usage: duckdb_export.py IN.csv OUT.jsonl

The query does the same work as Benchmarks/csv-to-jsonl/job.yaml: it parses
every column, including the quoted multi-line notes, and writes one JSON object
a line with first_name, last_name, email, phone and source as strings and
opening as an integer.

The read_csv options are chosen so that DuckDB does no more work than hire-etl,
and no less:
- `columns` gives every column as VARCHAR except opening_id as INTEGER, which
  is the type hire-etl converts it to. DuckDB then skips type detection.
- `delim`, `quote`, `escape` and `new_line` fix the dialect, so DuckDB skips
  dialect sniffing. hire-etl only looks at the header line for the delimiter.
- `header=true` skips the header line. The names in `columns` match it.
DuckDB runs with its default settings, so it may use every core (2 on the
benchmark machines).
"""

import sys

import duckdb

CSV_COLUMNS = {
    "first_name": "VARCHAR",
    "last_name": "VARCHAR",
    "email": "VARCHAR",
    "phone": "VARCHAR",
    "opening_id": "INTEGER",
    "source": "VARCHAR",
    "notes": "VARCHAR",
}


def sql_string(text: str) -> str:
    """Return text as a single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def export_query(csv_path: str, jsonl_path: str) -> str:
    columns = ", ".join(f"{sql_string(name)}: {sql_string(kind)}" for name, kind in CSV_COLUMNS.items())
    return f"""
        COPY (
            SELECT first_name, last_name, email, phone, opening_id AS opening, source
            FROM read_csv(
                {sql_string(csv_path)},
                header = true,
                delim = ',',
                quote = '"',
                escape = '"',
                new_line = '\\n',
                columns = {{{columns}}}
            )
        ) TO {sql_string(jsonl_path)} (FORMAT json)
    """


def main(arguments: list) -> int:
    if len(arguments) != 2:
        print("usage: duckdb_export.py IN.csv OUT.jsonl", file=sys.stderr)
        return 2

    connection = duckdb.connect()
    connection.execute(export_query(arguments[0], arguments[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
