#!/usr/bin/env python3
"""Pages of write-ahead log a telemetry report costs, inserted into the device index as it arrives
against staged and moved a stage at a time (the embedded store's layout, docs/telemetry-schema.md).

    python3 bench/load/wal_pages.py [prefill] [reports] [stage ...]
    python3 bench/load/wal_pages.py 3600000 360000 60000 180000 360000

A database of `prefill` reports of 50,000 devices in broker order (a prime stride) is built once;
each mode then starts from a copy of it, writes `reports` more in commits of 120 with automatic
checkpoints off, and counts the frames in the log: one frame is one page written (and later copied
into the database by the checkpointer). Prints one JSON line.
"""
import json, os, shutil, sqlite3, sys, tempfile

DEVICES, STRIDE, COMMIT = 50_000, 7_919, 120
FIELDS = '{"smoke":0,"battery_pct":90,"cable_temp_c":21.5,"seq":1,"heartbeat":1}'
prefill = int(sys.argv[1]) if len(sys.argv) > 1 else 3_600_000
reports = int(sys.argv[2]) if len(sys.argv) > 2 else 360_000
stages = [int(a) for a in sys.argv[3:]] or [60_000, 180_000, 360_000]

def row(n):
    return (1_764_460_000_000 + n, n * STRIDE % DEVICES + 1, FIELDS)

def frames(path):
    size = os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0
    return max(0, size - 32) // (4096 + 24)

folder = tempfile.mkdtemp(prefix="iotfire-wal-pages-")
try:
    base = os.path.join(folder, "base.db")
    db = sqlite3.connect(base, isolation_level=None)
    db.executescript("""
        PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;
        CREATE TABLE reading_row (time_ms INTEGER NOT NULL, tags_id INTEGER NOT NULL, fields TEXT NOT NULL);
        CREATE INDEX reading_row_tags_time ON reading_row (tags_id, time_ms);
        CREATE TABLE reading_recent (time_ms INTEGER NOT NULL, tags_id INTEGER NOT NULL, fields TEXT NOT NULL);""")
    for start in range(0, prefill, 200_000):
        db.execute("BEGIN")
        db.executemany("INSERT INTO reading_row VALUES (?,?,?)", (row(n) for n in range(start, min(prefill, start + 200_000))))
        db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()

    def run(stage):
        path = os.path.join(folder, "run.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        shutil.copyfile(base, path)
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA wal_autocheckpoint = 0")
        table, staged = ("reading_recent" if stage else "reading_row"), 0
        for start in range(prefill, prefill + reports, COMMIT):
            db.execute("BEGIN")
            db.executemany(f"INSERT INTO {table} VALUES (?,?,?)", (row(n) for n in range(start, start + COMMIT)))
            db.execute("COMMIT")
            staged += COMMIT
            if stage and staged >= stage:
                db.executescript("""BEGIN;
                    INSERT INTO reading_row SELECT * FROM reading_recent ORDER BY tags_id, time_ms;
                    DELETE FROM reading_recent; COMMIT;""")
                staged = 0
        result = frames(path) / reports
        db.close()
        return round(result, 3)

    out = {"prefill": prefill, "reports": reports, "commit": COMMIT, "pages_per_report_direct": run(0)}
    for stage in stages:
        out[f"pages_per_report_stage_{stage}"] = run(stage)
    print(json.dumps(out))
finally:
    shutil.rmtree(folder, ignore_errors=True)
