#!/usr/bin/env python3
"""Alarm latency inside and outside the store's stage moves, from a `bench/load.sh --latencies DIR` run.

    python3 bench/load/move_latency.py DIR [PHASE]     # PHASE: half (default) or max

Reads DIR/samples-PHASE.txt (every 0.5 s: Unix time, messages ingested, CPU ticks, stage-move seconds,
queued store calls) and DIR/latencies-PHASE.txt (an alarm a line: index, offset ms, publish-to-SSE ms,
ingress ms, broker echo ms, publish Unix ms). An alarm counts as during a move when the writer's
stage-move seconds grew over the sample interval it was published in or the next one (the counter
grows only when a slice ends). Prints the alarms and their p90/p99 during moves and outside them, and
the writer's move seconds per message ingested over the phase.
"""
import bisect
import sys


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


def main():
    folder, phase = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "half"
    samples = [[float(v) for v in line.split()] for line in open(f"{folder}/samples-{phase}.txt")]
    alarms = [line.split() for line in open(f"{folder}/latencies-{phase}.txt")]
    times = [s[0] for s in samples]

    def moving(i):
        return 0 < i < len(samples) and samples[i][3] - samples[i - 1][3] > 1e-3

    during, outside = [], []
    for alarm in alarms:
        latency, published = float(alarm[2]), int(alarm[5]) / 1000
        i = bisect.bisect_right(times, published)
        if i == 0 or i >= len(samples):
            continue
        (during if moving(i) or moving(i + 1) else outside).append(latency)
    move_s = samples[-1][3] - samples[0][3]
    messages = samples[-1][1] - samples[0][1]
    print(f"{folder} {phase}: all p99 {quantile(during + outside, 0.99):.2f} ms; "
          f"during moves {len(during)} alarms, p90 {quantile(during, 0.9):.2f}, p99 {quantile(during, 0.99):.2f} ms; "
          f"outside {len(outside)}, p90 {quantile(outside, 0.9):.2f}, p99 {quantile(outside, 0.99):.2f} ms; "
          f"move seconds a message {move_s / messages * 1e6:.2f} us")


if __name__ == "__main__":
    main()
