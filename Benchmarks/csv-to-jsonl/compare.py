#!/usr/bin/env python3
"""Check that two JSON Lines files contain the same records in the same order.

Usage: compare.py HIRE_ETL.jsonl DUCKDB.jsonl

Records are compared as parsed JSON, so key order and string escaping do not
matter, and a missing key equals a key whose value is null. Prints the first
differences and exits with status 1 if any record differs, else exits 0.
"""

import itertools
import json
import sys

MAX_REPORTED = 5


def without_nulls(record: dict) -> dict:
    return {key: value for key, value in record.items() if value is not None}


def compare(left_path: str, right_path: str) -> int:
    """Print the differing records and return how many differ."""
    differences = 0
    with open(left_path, encoding="utf-8") as left, open(right_path, encoding="utf-8") as right:
        pairs = itertools.zip_longest(left, right)
        for line_number, (left_line, right_line) in enumerate(pairs, start=1):
            if left_line is None or right_line is None:
                shorter = left_path if left_line is None else right_path
                print(f"line {line_number}: {shorter} ends here, the other file goes on")
                return differences + 1
            left_record = without_nulls(json.loads(left_line))
            right_record = without_nulls(json.loads(right_line))
            if left_record == right_record:
                continue
            differences += 1
            if differences <= MAX_REPORTED:
                print(f"line {line_number}:\n  {left_path}: {left_record}\n  {right_path}: {right_record}")
    return differences


def main(arguments: list) -> int:
    if len(arguments) != 2:
        print("usage: compare.py HIRE_ETL.jsonl DUCKDB.jsonl", file=sys.stderr)
        return 2
    differences = compare(arguments[0], arguments[1])
    if differences:
        print(f"{differences} records differ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
