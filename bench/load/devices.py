#!/usr/bin/env python3
"""Writes device lists in the server's import format (config/devices.sample.csv columns) for bench/load.sh.

usage: devices.py OUT_DIR BACKGROUND_DEVICES PROBE_DEVICES
  OUT_DIR/devices.csv     every device (background + probe), to import
  OUT_DIR/background.csv  the background devices only (the simulator's --devices-file)
Background devices: acme smoke detectors (70 %) and electrical-fire monitors (30 %), ten per site,
spread over a Shaoxing-sized box. Probe devices LP-000000.. are smoke detectors, one site each, so
every probe alarm is a new alarm at a new site; as many warm-up devices LW-000000.. the same way, for
the probe's untimed alarms before it starts timing (--warmup-prefix LW-).
"""
import random
import sys

out, background, probe = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(6)
header = "id,kind,vendor,name,site,address,building,floor,grid,lat,lon,contacts,heartbeat_s,installed_on\n"
streets = ["书圣故里", "仓桥直街", "八字桥", "鲁迅中路", "府山横街", "西小路", "前观巷", "笔飞弄"]


def row(device_id, kind, site, n):
    lat = 29.95 + rng.random() * 0.15
    lon = 120.50 + rng.random() * 0.15
    street = streets[n % len(streets)]
    number = n // 10 % 500 + 1
    heartbeat = 3600 if kind == "smoke_detector" else 300
    return (f"{device_id},{kind},acme,{street}{number}号 {n % 10 + 1}层 {kind},{site},绍兴市越城区{street}{number}号,"
            f"{n % 7 + 1}幢,{n % 6 + 1},GRID-{n % 64 + 1:02d},{lat:.6f},{lon:.6f},户主 王伟 137{n % 100000000:08d},{heartbeat},2025-06-01\n")


with open(f"{out}/devices.csv", "w", encoding="utf-8") as everything, open(f"{out}/background.csv", "w", encoding="utf-8") as bg:
    everything.write(header)
    bg.write(header)
    for n in range(background):
        kind = "electrical_fire_monitor" if n % 10 >= 7 else "smoke_detector"
        suffix = "EF" if kind == "electrical_fire_monitor" else "SD"
        line = row(f"LD-{n // 10:07d}-{suffix}{n % 10:02d}", kind, f"LD-{n // 10:07d}", n)
        everything.write(line)
        bg.write(line)
    for n in range(probe):
        everything.write(row(f"LP-{n:06d}", "smoke_detector", f"LP-SITE-{n:06d}", n))
        everything.write(row(f"LW-{n:06d}", "smoke_detector", f"LW-SITE-{n:06d}", n))
