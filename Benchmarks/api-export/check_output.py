"""Check an exported JSON Lines file: EXPECTED lines, each a JSON object with an id, no id twice.

Usage: check_output.py FILE EXPECTED
Prints nothing and exits 0 when the file passes. Otherwise prints what is wrong and exits 1.
"""

import json
import sys


def main() -> int:
    path, expected = sys.argv[1], int(sys.argv[2])
    ids = set()
    lines = 0
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            lines += 1
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"error: {path} line {number} is not valid JSON: {error}", file=sys.stderr)
                return 1
            if not isinstance(record, dict) or "id" not in record:
                print(f"error: {path} line {number} is not an object with an id", file=sys.stderr)
                return 1
            ids.add(record["id"])
    if lines != expected or len(ids) != expected:
        print(
            f"error: {path} has {lines} lines and {len(ids)} distinct ids, expected {expected} of each",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
