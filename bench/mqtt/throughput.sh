#!/usr/bin/env bash
# Subscriber throughput through one Mosquitto: libmosquitto reference pair vs our client pair,
# same broker, same run. usage: bench/mqtt/throughput.sh [qos0_count] [qos1_count] [payload_bytes] [runs]
# Each run measures reference then ours back to back, per QoS; the ratio ours/reference is taken
# within a run (the machine is shared, absolute figures drift) and the median over runs reported.
# Last line: JSON with the median messages/s at the subscriber and the median ratio ours/reference.
set -euo pipefail
cd "$(dirname "$0")/../.."
QOS0_N=${1:-500000}
QOS1_N=${2:-200000}
SIZE=${3:-150}
RUNS=${4:-3}
WORK=$(mktemp -d /tmp/iotfire-mqtt-bench.XXXXXX)
chmod 755 "$WORK"
BROKER_PID=""
cleanup() { [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

. bench/lib/broker.sh
build_reference "$WORK"
dotnet build -c Release bench/IoTFireAlert.MqttThroughput -v q -nologo >/dev/null
OURS=bench/IoTFireAlert.MqttThroughput/bin/Release/net10.0/IoTFireAlert.MqttThroughput

PORT=$(free_port)
start_broker "$WORK" "$PORT"

# run <sub command...> -- <pub command...>: prints the subscriber's JSON
run() {
  local name=$1 qos=$2 n=$3 ready="$WORK/ready-$1-$2"
  rm -f "$ready"
  if [ "$name" = ref ]; then "$WORK/ref_sub" 127.0.0.1 "$PORT" "$qos" "$n" "$ready" > "$WORK/out" &
  else "$OURS" sub 127.0.0.1 "$PORT" "$qos" "$n" "$ready" > "$WORK/out" & fi
  local sub=$!
  for _ in $(seq 600); do [ -f "$ready" ] && break; sleep 0.05; done
  if [ "$name" = ref ]; then "$WORK/ref_pub" 127.0.0.1 "$PORT" "$qos" "$n" "$SIZE"
  else "$OURS" pub 127.0.0.1 "$PORT" "$qos" "$n" "$SIZE"; fi
  wait "$sub"
  cat "$WORK/out"
}

declare -a RESULTS=()
for run in $(seq "$RUNS"); do
  for qos in 0 1; do
    n=$([ $qos = 0 ] && echo "$QOS0_N" || echo "$QOS1_N")
    for name in ref ours; do
      out=$(run $name $qos "$n")
      echo "run $run $name qos$qos: $out" >&2
      RESULTS+=("$run $qos $name $out")
    done
  done
done
printf '%s\n' "${RESULTS[@]}" | python3 -c '
import json, statistics, sys
size, n0, n1 = (int(a) for a in sys.argv[1:4])
runs = {}
for line in sys.stdin:
    run, qos, name, js = line.split(" ", 3)
    runs.setdefault((int(qos), int(run)), {})[name] = json.loads(js)
out = {"payload_bytes": size}
for qos, n in ((0, n0), (1, n1)):
    pairs = [v for (q, _), v in sorted(runs.items()) if q == qos]
    ratios = [round(p["ours"]["rate"] / p["ref"]["rate"], 3) if p["ref"]["rate"] else None for p in pairs]
    ok = [r for r in ratios if r is not None]
    out["qos%d" % qos] = {
        "messages": n,
        "reference_per_s": statistics.median(p["ref"]["rate"] for p in pairs),
        "ours_per_s": statistics.median(p["ours"]["rate"] for p in pairs),
        "reference_received": [p["ref"]["received"] for p in pairs],
        "ours_received": [p["ours"]["received"] for p in pairs],
        "runs_reference_per_s": [p["ref"]["rate"] for p in pairs],
        "runs_ours_per_s": [p["ours"]["rate"] for p in pairs],
        "runs_ratio": ratios,
        "ratio": statistics.median(ok) if ok else None,
    }
print(json.dumps(out))
' "$SIZE" "$QOS0_N" "$QOS1_N"
