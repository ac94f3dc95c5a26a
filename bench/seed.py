#!/usr/bin/env python3
"""Seed Chorus with shares for bench/redirect.sh through the JSON API (API.md) alone.

    seed.py BASE_URL API_KEY SHARES OUT_FILE [THREADS]

Creates ceil(SHARES / 100) employees and min(SHARES, 100) content items
(https://example.com/post/N), then one linkedin share per (employee, content) pair until
SHARES shares exist, and writes their slugs to OUT_FILE, one per line. Standard library
only; one keep-alive connection per thread. E-mails carry a per-run tag, so seeding a
database that already holds an earlier run's data (e.g. PostgreSQL) works too.
Exits with status 3, having created nothing, when the server has no POST /api/v1/content.
"""
import http.client
import json
import socket
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

PER_EMPLOYEE = 100


class Api:
    def __init__(self, base, key):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.prefix = u.path.rstrip("/") + "/api/v1"
        self.headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        self.local = threading.local()

    def _conn(self):
        c = getattr(self.local, "conn", None)
        if c is None:
            c = http.client.HTTPConnection(self.host, self.port, timeout=30)
            c.connect()
            c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.local.conn = c
        return c

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(3):
            c = None
            try:
                c = self._conn()
                c.request(method, self.prefix + path, body=data, headers=self.headers)
                r = c.getresponse()
                raw = r.read()
                return r.status, (json.loads(raw) if raw else None)
            except (http.client.HTTPException, OSError):
                if c is not None:
                    c.close()
                self.local.conn = None
                if attempt == 2:
                    raise
                time.sleep(0.2)


RETRIED = {"n": 0}
RETRY_LOCK = threading.Lock()


def call_retrying(api, method, path, body):
    """Retries HTTP 500/503 (seen as "database is locked" under concurrent API writes on
    SQLite): a failed request was rolled back, and POST /shares is idempotent anyway."""
    for attempt in range(12):
        status, out = api.call(method, path, body)
        if status not in (500, 503) or attempt == 11:
            return status, out
        with RETRY_LOCK:
            RETRIED["n"] += 1
        time.sleep(min(0.02 * 2 ** attempt, 1.0))


def expect(status, body, ok, what):
    if status not in ok:
        sys.exit(f"seed: {what} -> HTTP {status}: {body}")
    return body


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    base, key, total, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    api = Api(base, key)
    tag = time.strftime("%Y%m%d%H%M%S")
    n_emp = -(-total // PER_EMPLOYEE)
    n_content = min(total, PER_EMPLOYEE)
    t0 = time.monotonic()

    def employee(i):
        body = {"email": f"bench-{tag}-{i}@example.com", "name": f"Bench Employee {i}",
                "team": f"team-{i % 10}"}
        return expect(*call_retrying(api, "POST", "/employees", body), (201,), "POST /employees")["id"]

    def content(i):
        body = {"title": f"Bench post {i}", "url": f"https://example.com/post/{i}"}
        return expect(*call_retrying(api, "POST", "/content", body), (201,), "POST /content")["id"]

    # Content first: on a build without the content/shares API, stop before adding anything.
    status, body = api.call("POST", "/content", {"title": "Bench post 0", "url": "https://example.com/post/0"})
    if status in (404, 405):
        print(f"seed: POST /api/v1/content -> HTTP {status}: this build has no content/shares API",
              file=sys.stderr)
        sys.exit(3)
    first_content = expect(status, body, (201,), "POST /content")["id"]

    with ThreadPoolExecutor(threads) as pool:
        content_ids = [first_content] + list(pool.map(content, range(1, n_content)))
        emp_ids = list(pool.map(employee, range(n_emp)))
        pairs = [(emp_ids[i // PER_EMPLOYEE], content_ids[i % PER_EMPLOYEE]) for i in range(total)]

        def share(pair):
            body = {"employee_id": pair[0], "content_id": pair[1], "network": "linkedin"}
            return expect(*call_retrying(api, "POST", "/shares", body), (200, 201), "POST /shares")["slug"]

        slugs = list(pool.map(share, pairs, chunksize=64))

    if len(set(slugs)) != total:
        sys.exit(f"seed: expected {total} distinct slugs, got {len(set(slugs))}")
    with open(out, "w") as f:
        f.write("\n".join(slugs) + "\n")
    dt = time.monotonic() - t0
    print(f"seed: {n_emp} employees, {n_content} content items, {total} shares "
          f"in {dt:.1f} s ({total / dt:.0f} shares/s) with {threads} threads -> {out}")
    if RETRIED["n"]:
        print(f"seed: NOTE {RETRIED['n']} API requests answered HTTP 500/503 and were retried "
              f"(concurrent writes; see the server log)")


if __name__ == "__main__":
    main()
