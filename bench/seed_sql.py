#!/usr/bin/env python3
"""Fallback seeding for bench/redirect.sh, for a Chorus build without the content/shares
API: writes employees, content and shares straight into a SQLite database that
`chorus migrate` has created (standard library only).

    seed_sql.py DB_FILE SHARES OUT_FILE

Same shape as seed.py: ceil(SHARES / 100) employees, 100 content items
(https://example.com/post/N), one linkedin share per (employee, content) pair, each with a
random 7-character slug and the destination the API would store (the content URL plus
Chorus's default UTM tags for LinkedIn). The running server finds them on its first
lookup of each slug (its cache goes to the database on a miss).
"""
import random
import sqlite3
import string
import sys
import time

PER_EMPLOYEE = 100
ALPHABET = string.ascii_letters + string.digits


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, total, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    t0 = time.monotonic()
    rng = random.SystemRandom()
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    tag = time.strftime("%Y%m%d%H%M%S")
    n_emp = -(-total // PER_EMPLOYEE)
    n_content = min(total, PER_EMPLOYEE)
    db = sqlite3.connect(path, timeout=30)
    with db:
        emp_ids = []
        for i in range(n_emp):
            cur = db.execute(
                "INSERT INTO employees (email, name, role, active, leaderboard_opt_in, created_at) "
                "VALUES (?, ?, 'employee', 1, 1, ?)",
                (f"bench-{tag}-{i}@example.com", f"Bench Employee {i}", now))
            emp_ids.append(cur.lastrowid)
        content = []
        for i in range(n_content):
            url = f"https://example.com/post/{i}"
            cur = db.execute(
                "INSERT INTO content (title, url, origin, click_param, created_at) "
                "VALUES (?, ?, 'curated', 1, ?)", (f"Bench post {i}", url, now))
            content.append((cur.lastrowid, url))
        slugs = set()
        while len(slugs) < total:
            slugs.add("".join(rng.choice(ALPHABET) for _ in range(7)))
        slugs = sorted(slugs)
        rows = []
        for i, slug in enumerate(slugs):
            content_id, url = content[i % PER_EMPLOYEE]
            dest = f"{url}?utm_source=linkedin&utm_medium=social&utm_source_platform=employee_advocacy"
            token = "".join(rng.choice(ALPHABET) for _ in range(22))
            rows.append((emp_ids[i // PER_EMPLOYEE], content_id, slug, token, dest, now))
        db.executemany(
            "INSERT INTO shares (employee_id, content_id, network, slug, token, destination, created_at) "
            "VALUES (?, ?, 'linkedin', ?, ?, ?, ?)", rows)
    with open(out, "w") as f:
        f.write("\n".join(slugs) + "\n")
    print(f"seed (SQL fallback): {n_emp} employees, {n_content} content items, {total} shares "
          f"in {time.monotonic() - t0:.1f} s -> {out}")


if __name__ == "__main__":
    main()
