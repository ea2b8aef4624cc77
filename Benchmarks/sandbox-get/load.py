"""Send GET requests over keep-alive connections to 127.0.0.1 and print the rate.

Usage: load.py PORT PATH API_KEY SECONDS CONNECTIONS

Each connection runs in its own process with http.client and sends requests one after
another for SECONDS. The last line printed is "requests N non2xx M seconds S", the totals
over all connections. Used by run when wrk is not installed.
"""

import http.client
import multiprocessing
import sys
import time


def hammer(port: int, path: str, key: str, seconds: float, results) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"ApiKey {key}"}
    requests = 0
    non_2xx = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        requests += 1
        if not 200 <= response.status < 300:
            non_2xx += 1
    connection.close()
    results.put((requests, non_2xx))


def main() -> None:
    if len(sys.argv) != 6:
        sys.exit("usage: load.py PORT PATH API_KEY SECONDS CONNECTIONS")
    port, path, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    seconds, connections = float(sys.argv[4]), int(sys.argv[5])

    results = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=hammer, args=(port, path, key, seconds, results))
        for _ in range(connections)
    ]
    start = time.monotonic()
    for worker in workers:
        worker.start()
    totals = [results.get(timeout=seconds + 30) for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - start

    requests = sum(count for count, _ in totals)
    non_2xx = sum(count for _, count in totals)
    print(f"requests {requests} non2xx {non_2xx} seconds {elapsed:.3f}")


if __name__ == "__main__":
    main()
