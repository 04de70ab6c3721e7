#!/usr/bin/env bash
# Subscriber throughput through one Mosquitto: libmosquitto reference pair vs our client pair,
# same broker, same run. usage: bench/mqtt/throughput.sh [qos0_count] [qos1_count] [payload_bytes]
# Last line: JSON with messages/s at the subscriber and the ratio ours/reference.
set -euo pipefail
cd "$(dirname "$0")/../.."
QOS0_N=${1:-500000}
QOS1_N=${2:-200000}
SIZE=${3:-150}
WORK=$(mktemp -d /tmp/iotfire-mqtt-bench.XXXXXX)
chmod 755 "$WORK"
BROKER_PID=""
cleanup() { [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

gcc -O2 -o "$WORK/ref_sub" bench/mqtt/ref_sub.c -lmosquitto
gcc -O2 -o "$WORK/ref_pub" bench/mqtt/ref_pub.c -lmosquitto
dotnet build -c Release bench/IoTFireAlert.MqttThroughput -v q -nologo >/dev/null
OURS=bench/IoTFireAlert.MqttThroughput/bin/Release/net10.0/IoTFireAlert.MqttThroughput

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
max_inflight_messages 0
max_queued_messages 1000000
max_queued_bytes 0
log_dest none
CONF
/usr/sbin/mosquitto -c "$WORK/mosquitto.conf" & BROKER_PID=$!
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.05; done

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

rate() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])["rate"])' "$1"; }
declare -A R
for qos in 0 1; do
  n=$([ $qos = 0 ] && echo "$QOS0_N" || echo "$QOS1_N")
  for name in ref ours; do
    out=$(run $name $qos "$n")
    echo "$name qos$qos: $out" >&2
    R[$name$qos]=$out
  done
done
python3 - "$SIZE" "$QOS0_N" "$QOS1_N" "${R[ref0]}" "${R[ours0]}" "${R[ref1]}" "${R[ours1]}" <<'PY'
import json, sys
size, n0, n1 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ref0, ours0, ref1, ours1 = (json.loads(a) for a in sys.argv[4:8])
ratio = lambda a, b: round(a["rate"] / b["rate"], 3) if b["rate"] else None
print(json.dumps({
  "payload_bytes": size,
  "qos0": {"messages": n0, "reference_per_s": ref0["rate"], "ours_per_s": ours0["rate"], "reference_received": ref0["received"], "ours_received": ours0["received"], "ratio": ratio(ours0, ref0)},
  "qos1": {"messages": n1, "reference_per_s": ref1["rate"], "ours_per_s": ours1["rate"], "reference_received": ref1["received"], "ours_received": ours1["received"], "ratio": ratio(ours1, ref1)},
}))
PY
