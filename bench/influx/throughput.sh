#!/usr/bin/env bash
# Throughput of our InfluxDbWriter against a real influxd, next to curl posting the same request
# bodies (5,000 lines each, sequential posts, same gzip setting) — the client-side ceiling.
# Starts its own influxd on a free 127.0.0.1 port with data in a temp folder; stops it by pid.
# Usage: bench/influx/throughput.sh [points=1000000] [gzip=true] [rounds=2]
# Last line: JSON with points/s of each side (best round) and the ratio writer/curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
POINTS=${1:-1000000}
GZIP=${2:-true}
ROUNDS=${3:-2}
BATCH=5000

for bin in influxd curl; do
  command -v "$bin" >/dev/null || { echo "'$bin' not found: apt-get install -y influxdb curl" >&2; exit 1; }
done

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

work=$(mktemp -d /tmp/iotfire-influx-bench.XXXXXX)
port=$(free_port)
rpc=$(free_port)
while [ "$rpc" = "$port" ]; do rpc=$(free_port); done
url="http://127.0.0.1:$port"
cat > "$work/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$rpc"
[meta]
  dir = "$work/meta"
[data]
  dir = "$work/data"
  wal-dir = "$work/wal"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:$port"
  log-enabled = false
  max-body-size = 0
[logging]
  level = "warn"
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
CONF

influxd run -config "$work/influxdb.conf" > "$work/influxd.log" 2>&1 &
influx_pid=$!
cleanup() {
  kill "$influx_pid" 2>/dev/null || true
  wait "$influx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 200); do
  curl -sf "$url/ping" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "$url/ping" >/dev/null || { echo "influxd did not start:" >&2; cat "$work/influxd.log" >&2; exit 1; }

echo "== build" >&2
dotnet build -c Release bench/IoTFireAlert.InfluxThroughput -nologo -v quiet >&2
app=bench/IoTFireAlert.InfluxThroughput/bin/Release/net10.0/IoTFireAlert.InfluxThroughput

echo "== generate $POINTS points in batches of $BATCH (gzip=$GZIP)" >&2
"$app" gen --points "$POINTS" --batch "$BATCH" --gzip "$GZIP" --out "$work/batches" >&2

query() { curl -s -G "$url/query" --data-urlencode "db=$1" --data-urlencode "q=$2"; }
count() { query "$1" 'SELECT COUNT(residual_current_ma) FROM electrical_fire' | sed -E 's/.*"values":\[\[[^,]*,([0-9]+)\]\].*/\1/'; }

encoding=()
[ "$GZIP" = "true" ] && encoding=(-H "Content-Encoding: gzip")
best_curl=0
best_writer=0
for round in $(seq 1 "$ROUNDS"); do
  query "" "CREATE DATABASE curl_$round" >/dev/null
  query "" "CREATE DATABASE writer_$round" >/dev/null

  run_curl() {
    local start end
    start=$(date +%s%N)
    for f in "$work"/batches/batch-*; do
      # 'Expect:' off: curl would otherwise wait for a 100-continue on every body over 1 KiB.
      code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary "@$f" "${encoding[@]}" -H 'Expect:' \
        -H 'Content-Type: text/plain; charset=utf-8' "$url/write?db=curl_$round&precision=ns")
      [ "$code" = "204" ] || { echo "curl post of $f answered $code" >&2; exit 1; }
    done
    end=$(date +%s%N)
    curl_pps=$(awk -v p="$POINTS" -v ns=$((end - start)) 'BEGIN { printf "%.0f", p / (ns / 1e9) }')
  }
  run_writer() {
    writer_json=$("$app" writer --points "$POINTS" --batch "$BATCH" --gzip "$GZIP" --url "$url" --db "writer_$round")
    writer_pps=$(sed -E 's/.*"points_per_s":([0-9]+).*/\1/' <<<"$writer_json")
  }
  # Alternate who goes first, so neither side always meets the warmer server.
  if [ $((round % 2)) -eq 1 ]; then run_curl; run_writer; else run_writer; run_curl; fi
  curl_count=$(count "curl_$round")
  writer_count=$(count "writer_$round")
  echo "round $round: curl $curl_pps points/s ($curl_count stored), writer $writer_pps points/s ($writer_count stored)" >&2
  [ "$curl_count" = "$POINTS" ] && [ "$writer_count" = "$POINTS" ] || { echo "stored counts differ from $POINTS" >&2; exit 1; }
  [ "$curl_pps" -gt "$best_curl" ] && best_curl=$curl_pps
  [ "$writer_pps" -gt "$best_writer" ] && best_writer=$writer_pps
  query "" "DROP DATABASE curl_$round" >/dev/null
  query "" "DROP DATABASE writer_$round" >/dev/null
done

ratio=$(awk -v w="$best_writer" -v c="$best_curl" 'BEGIN { printf "%.2f", w / c }')
echo "{\"points\":$POINTS,\"batch\":$BATCH,\"gzip\":$GZIP,\"rounds\":$ROUNDS,\"writer_points_per_s\":$best_writer,\"curl_points_per_s\":$best_curl,\"ratio\":$ratio}"
