#!/usr/bin/env python3
"""How the layout of the telemetry store's stage changes the cost of moving it into the device index.

    python3 bench/sqlite/stage_layouts.py [--indexed N] [LAYOUT ...]
    # layouts: sliced range blocks modulo epochs epoch-ranges (default: all); N reports indexed, default 2,000,000

Builds, for each layout, a database in a temporary folder with the store's two tables of reports
(reading_row indexed by device and time, holding N reports of 50,000 devices written sorted as
moves leave them) and a stage of 262,144 reports of random devices, then moves the stage into the index
as the store does, a transaction a slice, and prints the move's wall and CPU seconds and the log it wrote,
then the time to read 200 devices' whole histories.

- sliced: one stage table; each of 8 slices copies a range of devices and deletes it from the stage (the
  store as shipped: each slice scans the stage, and each delete rewrites nearly every page of it).
- range: 8 stage tables, a device's reports in the one for its eighth of the device ids; a slice copies
  one table and empties it (SQLite drops a table's pages without reading them for a DELETE with no WHERE).
- blocks: 8 stage tables by blocks of 64 device ids in turn ((id >> 6) % 8): as range, with no need to
  know the ids' span in advance.
- modulo: 8 stage tables by id % 8: each slice then touches pages all over the index.
- epochs: as blocks, but reading_row indexed by (epoch, device, time), each move an epoch (the indexed
  reports as earlier moves left them, an epoch a stage): a move appends to the end of the index, and a
  read looks its device up in every epoch.
- epoch-ranges: as epochs, with the stage tables by eighths of the id span (as range): each slice then
  appends strictly after the one before.
Python's own SQLite, not the server's; compare the layouts within one run.
"""
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time

SLICES = 8
DEVICES = 50_000
INDEXED = 2_000_000
STAGED = 262_144
FIELDS = '{"smoke_obscuration_pct":1.25,"battery_pct":87,"temperature_c":23.5,"alarm":0}'

TABLE_OF = {
    "sliced": lambda device: 0,
    "range": lambda device: (device - 1) * SLICES // DEVICES,
    "blocks": lambda device: (device >> 6) % SLICES,
    "modulo": lambda device: device % SLICES,
    "epochs": lambda device: (device >> 6) % SLICES,
    "epoch-ranges": lambda device: (device - 1) * SLICES // DEVICES,
}


def by_epoch(layout):
    """Whether reading_row is indexed by (epoch, device, time) in this layout."""
    return layout.startswith("epoch")


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def build(path, layout, indexed_count):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE reading_row (time_ms INTEGER NOT NULL, tags_id INTEGER NOT NULL, fields TEXT NOT NULL, epoch INTEGER NOT NULL DEFAULT 0)")
    db.execute("CREATE INDEX reading_row_tags_time ON reading_row (" + ("epoch, " if by_epoch(layout) else "") + "tags_id, time_ms)")
    tables = [f"reading_recent_{k}" for k in range(1 if layout == "sliced" else SLICES)]
    for table in tables:
        db.execute(f"CREATE TABLE {table} (time_ms INTEGER NOT NULL, tags_id INTEGER NOT NULL, fields TEXT NOT NULL)")
    random.seed(1)
    # Sorted by device a stage at a time, as moves leave them; by epoch then device in the epochs layout.
    indexed = [(t, random.randrange(1, DEVICES + 1), FIELDS, t // STAGED) for t in range(indexed_count)]
    indexed.sort(key=(lambda r: (r[3], r[1], r[0])) if by_epoch(layout) else (lambda r: (r[1], r[0])))
    db.execute("BEGIN")
    db.executemany("INSERT INTO reading_row VALUES (?, ?, ?, ?)", indexed)
    db.execute("COMMIT")
    db.execute("BEGIN")
    for t in range(indexed_count, indexed_count + STAGED):
        device = random.randrange(1, DEVICES + 1)
        db.execute(f"INSERT INTO {tables[TABLE_OF[layout](device)]} VALUES (?, ?, ?)", (t, device, FIELDS))
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db, tables


def move(db, layout, tables, epoch):
    if layout == "sliced":
        first, last = db.execute(f"SELECT MIN(tags_id), MAX(tags_id) FROM {tables[0]}").fetchone()
        width = (last + 1 - first + SLICES - 1) // SLICES
        for start in range(first, last + 1, width):
            db.execute("BEGIN")
            db.execute(f"INSERT INTO reading_row SELECT time_ms, tags_id, fields, 0 FROM {tables[0]} "
                       "WHERE tags_id >= ? AND tags_id < ? ORDER BY tags_id, time_ms", (start, start + width))
            db.execute(f"DELETE FROM {tables[0]} WHERE tags_id >= ? AND tags_id < ?", (start, start + width))
            db.execute("COMMIT")
        return
    for table in tables:
        db.execute("BEGIN")
        db.execute(f"INSERT INTO reading_row SELECT time_ms, tags_id, fields, ? FROM {table} ORDER BY tags_id, time_ms", (epoch,))
        db.execute(f"DELETE FROM {table}")
        db.execute("COMMIT")


def read_ms(db, layout, epochs):
    """Milliseconds to read one device's whole history, over 200 devices."""
    # In the epochs layout a lookup an epoch, as the store reads (every epoch: the whole history).
    epoch = f"epoch IN ({','.join(map(str, range(epochs)))}) AND " if by_epoch(layout) else ""
    started = time.monotonic()
    for device in range(1, DEVICES, DEVICES // 200):
        db.execute(f"SELECT time_ms, fields FROM reading_row WHERE {epoch}tags_id = ? AND time_ms >= 0", (device,)).fetchall()
    return (time.monotonic() - started) / 200 * 1000


def main():
    args = sys.argv[1:]
    indexed_count = INDEXED
    if args[:1] == ["--indexed"]:
        indexed_count, args = int(args[1]), args[2:]
    layouts = args or list(TABLE_OF)
    with tempfile.TemporaryDirectory(prefix="stage-layouts-") as folder:
        for layout in layouts:
            path = os.path.join(folder, f"{layout}.db")
            db, tables = build(path, layout, indexed_count)
            epoch = (indexed_count + STAGED - 1) // STAGED
            wall, cpu = time.monotonic(), cpu_seconds()
            move(db, layout, tables, epoch)
            wall, cpu = time.monotonic() - wall, cpu_seconds() - cpu
            rows = db.execute("SELECT COUNT(*) FROM reading_row").fetchone()[0]
            log = os.path.getsize(path + "-wal") / 1e6
            print(f"{layout:7} move: {wall:.2f} s wall, {cpu:.2f} s CPU, {log:.0f} MB of log; {rows} reports indexed; "
                  f"a device's history read in {read_ms(db, layout, epoch + 1):.2f} ms", flush=True)
            db.close()


if __name__ == "__main__":
    main()
