#!/usr/bin/env bash
# Alarm latency at one fixed background rate, with what the server's runtime did meanwhile: the
# experiment behind the latency findings in bench/RESULTS.md (load.sh searches rates; this holds one).
#
#   bench/load/latency.sh [--rate N] [--seconds S] [--prefill RATE:SECONDS] [--driver probe|simulator] [--poll-metrics] [--no-nodelay] [--env "K=V ..."] [--trace FILE] [--perf] [--stall-watch]
#
# Starts its own Mosquitto (set_tcp_nodelay on, as deployed; --no-nodelay leaves it off) and a fresh
# server (Release) on free 127.0.0.1 ports, imports 50,000 background devices + probe devices,
# publishes background load at --rate msg/s (QoS 0, bench/IoTFireAlert.LoadProbe background) and
# 20 smoke alarms/s timed from publish to the SSE stream for --seconds. Prints the probe's JSON, the
# five slowest alarms (index, offset ms, latency ms, publish -> ingress ms, broker echo ms, publish Unix ms), the
# embedded telemetry store's values written, commits and queue-full waits, the server's CPU and context switches a message over the timed
# window and, when dotnet-counters is installed (dotnet tool install -g dotnet-counters --version
# 10.0.750501), the seconds in which the server paused for garbage collection and what it allocated
# a message.
# --driver simulator publishes the background with the simulator (realistic payloads in the three vendor
# formats, as bench/load.sh drives it) instead of the probe's plain publisher.
# --poll-metrics reads /metrics every 0.5 s during the window, as bench/load.sh's sampler does.
# --prefill RATE:SECONDS first drives the background devices at RATE for SECONDS and waits until the
# server has processed it all, its store's queue included: the timed window then meets a server as
# bench/load.sh's half phase does, after its search (a grown telemetry database, a store catching up).
# --env passes extra server settings, e.g. --env "DOTNET_GCgen0size=0x400000". --trace FILE writes a
# dotnet-trace gc-verbose trace of the timed window (allocations with stacks, every GC; needs
# dotnet tool install -g dotnet-trace --version 10.0.750501) and prints bench/IoTFireAlert.TraceReport's
# reading of it (allocations by type and stack, GC pauses with their phases, GC handles); other
# providers through TRACE_PROVIDERS, e.g. "--profile dotnet-common,dotnet-sampled-thread-time".
# --perf samples the server with perf (linux-perf) over the second half of the timed window and prints its CPU by
# library and the top symbols (JIT code named through DOTNET_PerfMapEnabled). Everything it starts is stopped by pid
# on exit. SERVER_DLL=path runs another build of the server (e.g. a ReadyToRun publish) in the same harness.
# --syscalls counts the server's system calls with perf trace over the second half of the timed window and
# prints them a message, by thread and by call (each costs a kernel entry, dear on a virtual machine).
# --stall-watch runs bench/load/stall_watch.py beside the server over the timed window (a process that only
# sleeps 1 ms at a time) and prints its late wake-ups next to the slowest alarms: a stall both saw held the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=25000 SECONDS_TIMED=30 NODELAY="set_tcp_nodelay true" EXTRA="" TRACE="" PERF="" PREFILL="" DRIVER=probe POLL="" SYSCALLS="" STALL_WATCH=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE=$2; shift ;;
    --seconds) SECONDS_TIMED=$2; shift ;;
    --prefill) PREFILL=$2; shift ;;
    --driver) DRIVER=$2; shift ;;
    --poll-metrics) POLL=1 ;;
    --no-nodelay) NODELAY="" ;;
    --env) EXTRA="$EXTRA $2"; shift ;;
    --trace) TRACE=$(realpath -m "$2"); shift ;;
    --syscalls) SYSCALLS=1 ;;
    --stall-watch) STALL_WATCH=1 ;;
    --perf) PERF=1; EXTRA="$EXTRA DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0" ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "latency.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

WORK=$(mktemp -d /tmp/iotfire-latency.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
. bench/lib/broker.sh
. bench/lib/server.sh
scripts/install-deps.sh mosquitto:mosquitto || { echo "Mosquitto is needed (scripts/install-deps.sh said why above)" >&2; exit 1; }

dotnet build -c Release src/IoTFireAlert.Server -nologo -v q >"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log" >&2; exit 1; }
dotnet build -c Release bench/IoTFireAlert.LoadProbe -nologo -v q >>"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log" >&2; exit 1; }
case "$DRIVER" in
  probe) ;;
  simulator) dotnet build -c Release simulators/IoTFireAlert.Simulator -nologo -v q >>"$WORK/build.log" 2>&1 || { tail -20 "$WORK/build.log" >&2; exit 1; } ;;
  *) echo "latency.sh: --driver must be probe or simulator" >&2; exit 2 ;;
esac
SIM_DLL=simulators/IoTFireAlert.Simulator/bin/Release/net10.0/IoTFireAlert.Simulator.dll
# background RATE SECONDS: sets BACKGROUND to the command publishing the background devices' messages
# at RATE for SECONDS with the chosen driver (a command, not a function: started with &, its pid is the driver's).
background() {
  if [ "$DRIVER" = simulator ]; then
    BACKGROUND=(dotnet "$SIM_DLL" run --broker "127.0.0.1:$BROKER_PORT" --devices-file "$WORK/background.csv" --rate "$1" --duration "$2s" --qos 0 --connections 4 --no-progress)
  else
    BACKGROUND=(dotnet "$PROBE_DLL" background --broker "127.0.0.1:$BROKER_PORT" --devices-file "$WORK/background.csv" --rate "$1" --duration "$2s" --qos 0 --connections 4)
  fi
}
SERVER_DLL=${SERVER_DLL:-src/IoTFireAlert.Server/bin/Release/net10.0/IoTFireAlert.Server.dll}
PROBE_DLL=bench/IoTFireAlert.LoadProbe/bin/Release/net10.0/IoTFireAlert.LoadProbe.dll
python3 bench/load/devices.py "$WORK" 50000 "$((SECONDS_TIMED * 20))"

BROKER_PORT=$(free_port)
start_broker "$WORK" "$BROKER_PORT" "$(command -v mosquitto || echo /usr/sbin/mosquitto)" "$NODELAY" || { echo "mosquitto did not start" >&2; exit 1; }
PIDS+=("$BROKER_PID")
HTTP_PORT=$(free_port)
SERVER_URL="http://127.0.0.1:$HTTP_PORT"
mkdir -p "$WORK/data"
read -r -a EXTRA_ENV <<< "$EXTRA"
SERVER_ENV=(IOTFIRE_ROOT="$(pwd)" IOTFIRE_Http__Urls="$SERVER_URL" IOTFIRE_Mqtt__Host=127.0.0.1 IOTFIRE_Mqtt__Port="$BROKER_PORT"
  IOTFIRE_Mqtt__ClientId="iotfire-latency-$$" IOTFIRE_Storage__SqlitePath="$WORK/data/iotfire.db"
  IOTFIRE_Telemetry__Sqlite__Path="$WORK/data/telemetry.db" IOTFIRE_Logging__LogLevel__Default=Warning "${EXTRA_ENV[@]}")
env "${SERVER_ENV[@]}" dotnet "$SERVER_DLL" import-devices "$WORK/devices.csv" >"$WORK/import.log" 2>&1
env "${SERVER_ENV[@]}" dotnet "$SERVER_DLL" >"$WORK/server.log" 2>&1 & SERVER_PID=$!
PIDS+=("$SERVER_PID")
until curl -sf "$SERVER_URL/healthz" >/dev/null 2>&1; do
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/server.log" >&2; exit 1; }
  sleep 0.2
done

if [ -n "$PREFILL" ]; then
  background "${PREFILL%%:*}" "${PREFILL##*:}"
  "${BACKGROUND[@]}" >"$WORK/prefill.out" 2>&1
  wait_drained 600
  echo "prefill: $(tail -1 "$WORK/prefill.out"); server processed $(metric iotfire_partition_messages_total) messages"
fi

COUNTERS=$HOME/.dotnet/tools/dotnet-counters
if [ -x "$COUNTERS" ]; then
  "$COUNTERS" collect -p "$SERVER_PID" --refresh-interval 1 --format csv -o "$WORK/counters.csv" --counters System.Runtime >/dev/null 2>&1 &
  PIDS+=($!)
fi
background "$RATE" "$((SECONDS_TIMED + 10))"
"${BACKGROUND[@]}" >"$WORK/background.out" 2>&1 &
PIDS+=($!)
sleep 3
if [ -n "$POLL" ]; then
  (while :; do curl -sf "$SERVER_URL/metrics" >/dev/null; cpu_ticks >/dev/null; sleep 0.5; done) &
  PIDS+=($!)
fi
# Per thread: tid, name, context switches (voluntary + involuntary) so far (wake-ups cost a system call and a
# switch), CPU ticks so far (user + system: fields 14 and 15 of stat, counted after the parenthesised name).
switches() {
  local t
  for t in /proc/"$SERVER_PID"/task/*; do
    printf '%s %s %s %s\n' "${t##*/}" "$(tr ' ' '_' < "$t/comm" 2>/dev/null)" "$(awk '/ctxt_switches/ { s += $2 } END { print s + 0 }' "$t/status" 2>/dev/null)" \
      "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{ print $12 + $13 }')"
  done
}
CPU0=$(cpu_ticks) MSG0=$(metric iotfire_messages_in_total) T0=$(date +%s.%N)
switches > "$WORK/switches0"
if [ -n "$TRACE" ]; then
  [ -x "$HOME/.dotnet/tools/dotnet-trace" ] || { echo "--trace needs dotnet-trace (see --help)" >&2; exit 1; }
  "$HOME/.dotnet/tools/dotnet-trace" collect -p "$SERVER_PID" ${TRACE_PROVIDERS:---profile gc-verbose} --duration "$(printf "00:%02d:%02d:%02d" $((SECONDS_TIMED / 3600)) $((SECONDS_TIMED / 60 % 60)) $((SECONDS_TIMED % 60)))" \
    -o "$TRACE" >"$WORK/trace.log" 2>&1 &
  TRACE_PID=$!
fi
if [ -n "$PERF" ]; then
  command -v perf >/dev/null || { echo "--perf needs perf (Debian: linux-perf)" >&2; exit 1; }
  # The second half of the window only: the first is dominated by the JIT compiling the server.
  (sleep $((SECONDS_TIMED / 2)); exec perf record -F 999 -g -p "$SERVER_PID" -o "$WORK/perf.data" -- sleep $((SECONDS_TIMED / 2))) >"$WORK/perf.log" 2>&1 &
  PERF_PID=$!
fi
if [ -n "$SYSCALLS" ]; then
  command -v perf >/dev/null || { echo "--syscalls needs perf (Debian: linux-perf)" >&2; exit 1; }
  (sleep $((SECONDS_TIMED / 2)); metric iotfire_messages_in_total > "$WORK/syscalls.m0"
   perf trace -s -p "$SERVER_PID" -o "$WORK/syscalls.txt" -- sleep $((SECONDS_TIMED / 2)) >/dev/null 2>&1
   metric iotfire_messages_in_total > "$WORK/syscalls.m1") &
  SYSCALLS_PID=$!
fi
if [ -n "$STALL_WATCH" ]; then
  python3 bench/load/stall_watch.py "$WORK/stalls.txt" "$((SECONDS_TIMED + 3))" &
  STALL_PID=$!
fi
dotnet "$PROBE_DLL" alarms --broker "127.0.0.1:$BROKER_PORT" --http "$SERVER_URL" --prefix LP- --rate 20 --duration "${SECONDS_TIMED}s" \
  --warmup 2s --warmup-prefix LW- --qos 1 --settle 30s --latencies "$WORK/latencies.txt" | tail -1
CPU1=$(cpu_ticks) MSG1=$(metric iotfire_messages_in_total) T1=$(date +%s.%N)
switches > "$WORK/switches1"
curl -sf "$SERVER_URL/metrics" | awk '/^iotfire_telemetry_(points_written_total|commits_total|queue_full_waits_total|stage_moves_total|stage_move_seconds_total) / { printf "%s%s %s", sep, $1, $2; sep = ", " } END { print "" }'
awk -v c="$((CPU1 - CPU0))" -v hz="$(getconf CLK_TCK)" -v m0="$MSG0" -v m1="$MSG1" -v t0="$T0" -v t1="$T1" 'BEGIN {
  printf "server: %.0f msg/s received, %.0f %% of a core, %.1f us CPU a message\n", (m1 - m0) / (t1 - t0), 100 * c / hz / (t1 - t0), 1e6 * c / hz / (m1 - m0) }'
# Context switches a message over the window, by thread name (threads that came and went count from 0).
awk -v m="$((MSG1 - MSG0))" 'FNR == NR { before[$1] = $3; next } { by[$2] += $3 - before[$1]; all += $3 - before[$1] }
  END { printf "server context switches: %.2f a message\n", all / m; for (k in by) printf "  %s %.3f\n", k, by[k] / m }' \
  "$WORK/switches0" "$WORK/switches1" | { read -r total; echo "$total; by thread:"; sort -k2 -nr | head -8; }
# CPU a message over the window by thread name: which part of the server the messages cost.
awk -v m="$((MSG1 - MSG0))" -v hz="$(getconf CLK_TCK)" 'FNR == NR { before[$1] = $4; next } { by[$2] += $4 - before[$1]; all += $4 - before[$1] }
  END { printf "server CPU by thread: %.1f us a message\n", 1e6 * all / hz / m; for (k in by) if (by[k] > 0) printf "  %s %.1f\n", k, 1e6 * by[k] / hz / m }' \
  "$WORK/switches0" "$WORK/switches1" | { read -r total; echo "$total; by thread:"; sort -k2 -nr | head -8; }
if [ -n "$TRACE" ]; then
  wait "$TRACE_PID" || true
  echo "trace: $TRACE"
  dotnet run -c Release --project bench/IoTFireAlert.TraceReport -- "$TRACE"
fi
if [ -n "$SYSCALLS" ]; then
  wait "$SYSCALLS_PID" || true
  # perf trace -s: a header line per thread ("name (tid), N events, ..."), then one line per call with its count.
  awk -v m="$(( $(cat "$WORK/syscalls.m1") - $(cat "$WORK/syscalls.m0") ))" '
    / events, / { thread = $0; sub(/ \([0-9]+\), .*/, "", thread); gsub(/^ +/, "", thread); gsub(/ /, "_", thread); next }
    $2 ~ /^[0-9]+$/ && $1 ~ /^[a-z_0-9]+$/ { by_thread[thread] += $2; by_call[$1] += $2; by_both[thread " " $1] += $2; all += $2 }
    END {
      printf "H server system calls: %.2f a message (%d messages in the traced half)\n", all / m, m
      for (t in by_thread) printf "T %s %.3f\n", t, by_thread[t] / m
      for (c in by_call) printf "C %s %.3f\n", c, by_call[c] / m
      for (b in by_both) printf "B %s %.3f\n", b, by_both[b] / m
    }' "$WORK/syscalls.txt" > "$WORK/syscalls.report"
  sed -n 's/^H //p' "$WORK/syscalls.report"
  echo "by thread:"; awk '$1 == "T" { print "  " $2, $3 }' "$WORK/syscalls.report" | sort -k2 -nr | head -10
  echo "by call:"; awk '$1 == "C" { print "  " $2, $3 }' "$WORK/syscalls.report" | sort -k2 -nr | head -12
  echo "by thread and call:"; awk '$1 == "B" { print "  " $2, $3, $4 }' "$WORK/syscalls.report" | sort -k3 -nr | head -16
fi
if [ -n "$PERF" ]; then
  wait "$PERF_PID" || true
  echo "server CPU by library (perf):"
  perf report -i "$WORK/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -8
  echo "top symbols:"
  perf report -i "$WORK/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep '%' | head -15 | cut -c1-160
fi
echo "slowest alarms (index, offset ms, latency ms, publish -> ingress ms, broker echo ms, publish Unix ms):"
sort -k3 -n -r "$WORK/latencies.txt" | head -5
if [ -n "$STALL_WATCH" ]; then
  wait "$STALL_PID" || true
  tail -1 "$WORK/stalls.txt"
  echo "late wake-ups outside the server (due Unix ms, late ms, steal ms, busy ms over all CPUs), with the alarms in flight then:"
  # An alarm was in flight from its publish to publish + latency; a wake-up late from due to due + late.
  awk 'FNR == NR { if ($1 != "#") { due[FNR] = $1; late[FNR] = $2; line[FNR] = $0; n = FNR }; next }
    { for (k = 1; k <= n; k++) if ($6 <= due[k] + late[k] && $6 + $3 >= due[k]) hit[k] = hit[k] sprintf(" #%d(%.0f ms)", $1, $3) }
    END { for (k = 1; k <= n; k++) print "  " line[k] (hit[k] ? "  alarms:" hit[k] : "") }' "$WORK/stalls.txt" "$WORK/latencies.txt" | sort -k2 -nr | head -12
fi
if [ -f "$WORK/counters.csv" ]; then
  echo "seconds with GC pauses over 5 ms (wall clock, pause s):"
  awk -F, '/dotnet.gc.pause.time/ && $5 + 0 > 0.005 { print "  " $1, $5 }' "$WORK/counters.csv"
  # Allocation per message over the seconds the background ran at its rate (skipping start-up).
  awk -F, -v rate="$RATE" '/dotnet.gc.heap.total_allocated/ { n++; if (n > 5) { s += $5; m++ } }
    END { if (m) printf "allocated: %.1f MB/s, %.0f B a message\n", s / m / 1e6, s / m / rate }' "$WORK/counters.csv"
fi
