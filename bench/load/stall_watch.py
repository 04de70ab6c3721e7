#!/usr/bin/env python3
"""A control for the alarm path's stalls: does the whole machine stall, or only the server?

    bench/load/stall_watch.py OUT SECONDS

Sleeps 1 ms at a time for SECONDS and writes to OUT one line per late wake-up (more than 10 ms after it
was due): the Unix time in ms it was due, how late it woke in ms, the CPU time the hypervisor stole from
this guest (steal) and the CPU time not idle over that wait, in ms summed over all CPUs, from /proc/stat.
A process outside the server that misses its wake-up at the moment an alarm was late says the machine
(the hypervisor, or every core busy) held both; a late alarm with no late wake-up points at the server.
The last line is a summary: wake-ups, late ones, the longest lateness, steal over the whole run.
"""
import os
import sys
import time

LATE_MS = 10.0
TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def cpu_ticks():
    """(steal, busy) ticks summed over all CPUs, from the first line of /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return steal, user + nice + system + irq + softirq + steal


def main(out_path, seconds):
    end = time.monotonic() + seconds
    wakeups = late = 0
    longest = 0.0
    steal_start, _ = cpu_ticks()
    with open(out_path, "w") as out:
        while True:
            before = cpu_ticks()
            due_wall = time.time() + 0.001
            due = time.monotonic() + 0.001
            time.sleep(0.001)
            woke = time.monotonic()
            wakeups += 1
            lateness = (woke - due) * 1000.0
            if lateness > LATE_MS:
                after = cpu_ticks()
                late += 1
                longest = max(longest, lateness)
                out.write(f"{due_wall * 1000.0:.0f} {lateness:.1f} {(after[0] - before[0]) * TICK_MS:.0f} {(after[1] - before[1]) * TICK_MS:.0f}\n")
                out.flush()
            if woke >= end:
                break
        steal_end, _ = cpu_ticks()
        out.write(f"# wakeups {wakeups} late {late} longest_ms {longest:.1f} steal_ms {(steal_end - steal_start) * TICK_MS:.0f}\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], float(sys.argv[2]))
