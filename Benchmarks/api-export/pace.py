"""Measure how fast list pages of one resource arrived at the sandbox, from its request log.

Usage: pace.py LOG RESOURCE BURST
LOG contains the sandbox's --log lines of one run, such as
`2026-12-04T23:39:59.245Z GET /api/v2/candidates?limit=100 200 100.4ms`.
Prints one line: `PAGES NOT_OK SPAN_SECONDS PACED_RATE`. PAGES counts the GET requests for
RESOURCE, and NOT_OK counts those whose status was not 200. SPAN_SECONDS is the time from
the second page's arrival to the last one's. PACED_RATE is (PAGES - 1 - BURST) / SPAN_SECONDS.

The reader fetches the first page alone, because its `count` sets how many pages follow, so
the rate is measured from the second page on. A token bucket of rate R that holds at most
BURST tokens lets the k-th of those pages start no earlier than (k - BURST) / R seconds after
the first of them, so PACED_RATE cannot exceed R: it is the pages per second with the burst
taken off. The sandbox logs arrival times in whole milliseconds, so over a span of 5 s the
rate is exact to about 0.05%.
"""

import datetime
import sys


def main() -> int:
    log, resource, burst = sys.argv[1], sys.argv[2], int(sys.argv[3])
    prefix = f"/api/v2/{resource}?"
    arrivals = []
    not_ok = 0
    with open(log, encoding="utf-8") as file:
        for line in file:
            fields = line.split()
            if len(fields) < 4 or fields[1] != "GET" or not fields[2].startswith(prefix):
                continue
            arrived = datetime.datetime.strptime(fields[0], "%Y-%m-%dT%H:%M:%S.%fZ")
            arrivals.append(arrived.replace(tzinfo=datetime.timezone.utc).timestamp())
            if fields[3] != "200":
                not_ok += 1
    if len(arrivals) <= burst + 2:
        print(f"error: {log} has {len(arrivals)} page requests, too few to measure a rate", file=sys.stderr)
        return 1
    # The log is written as responses finish, so arrivals can be out of order.
    arrivals.sort()
    span = arrivals[-1] - arrivals[1]
    print(f"{len(arrivals)} {not_ok} {span:.3f} {(len(arrivals) - 1 - burst) / span:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
