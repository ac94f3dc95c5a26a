#!/usr/bin/env python3
"""Count rows in Chorus's `clicks` table of a SQLite file (standard library only).

    clicks.py DB_FILE            print the count now
    clicks.py DB_FILE settle     wait until the count stops changing (1 s unchanged, at
                                 most 30 s), then print it
    clicks.py DB_FILE kinds      print `kind=count` pairs

Opens the file read-only; WAL lets this read while Chorus writes.
"""
import sqlite3
import sys
import time


def connect(path):
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def count(db):
    return db.execute("SELECT COUNT(*) FROM clicks").fetchone()[0]


def main():
    path = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else "now"
    db = connect(path)
    if mode == "kinds":
        rows = db.execute("SELECT kind, COUNT(*) FROM clicks GROUP BY kind ORDER BY kind")
        print(" ".join(f"{k}={n}" for k, n in rows))
        return
    n = count(db)
    if mode == "settle":
        deadline = time.monotonic() + 30
        stable_since = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - stable_since < 1.0:
            time.sleep(0.1)
            m = count(db)
            if m != n:
                n, stable_since = m, time.monotonic()
    print(n)


if __name__ == "__main__":
    main()
