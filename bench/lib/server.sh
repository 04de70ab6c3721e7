# Sourced by the benchmark scripts that run a server (bench/load.sh, bench/load/latency.sh): reading it
# while it runs. They set SERVER_URL (its HTTP address) and SERVER_PID.

# Sum of a counter over its label sets, from /metrics.
metric() { curl -sf "$SERVER_URL/metrics" | awk -v name="$1" '$1 == name || index($1, name "{") == 1 { s += $2 } END { printf "%d\n", s }'; }

# The server's CPU so far (utime + stime, in clock ticks).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }

# wait_drained [SECONDS]: waits up to SECONDS (default 30) until the partitions' processed count
# (iotfire_partition_messages_total, summed; the ingress counter also counts what merely waits in the
# bounded queues) stops moving and the embedded store's queue is empty: the broker's and the server's
# queues are drained, and what follows does not start with earlier rows still to write.
wait_drained() {
  local previous=-1 now deadline=$((SECONDS + ${1:-30}))
  while [ $SECONDS -lt $deadline ]; do
    now=$(metric iotfire_partition_messages_total)
    [ "$now" = "$previous" ] && [ "$(metric iotfire_telemetry_queued_batches)" = 0 ] && return 0
    previous=$now; sleep 1
  done
}
