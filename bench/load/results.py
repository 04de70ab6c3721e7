#!/usr/bin/env python3
"""Appends a row to a table of the "End-to-end load (bench/load.sh)" section of bench/RESULTS.md.

usage: results.py RESULTS.md TABLE_HEADER ROW
The section is created at the end of the file if missing, the table (found by its header line)
at the end of the section if missing; the row goes after the table's last row. Other sections
are left as they are.
"""
import sys

path, header, row = sys.argv[1], sys.argv[2], sys.argv[3]
SECTION = "## End-to-end load (bench/load.sh)"
try:
    lines = open(path, encoding="utf-8").read().split("\n")
except FileNotFoundError:
    lines = ["# Benchmark results", ""]
while lines and lines[-1] == "":
    lines.pop()

if SECTION not in lines:
    lines += ["", SECTION, "", "Rows appended by `bench/load.sh` (see the notes above each table for how to read them).", ""]
start = lines.index(SECTION)
end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
if header in lines[start:end]:
    i = lines.index(header, start, end) + 1
    while i < end and lines[i].startswith("|"):
        i += 1
    lines.insert(i, row)
else:
    block = ["", header, "|" + "|".join("---" for _ in range(header.count("|") - 1)) + "|", row]
    while end > start and lines[end - 1] == "":
        end -= 1
    lines[end:end] = block
open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
