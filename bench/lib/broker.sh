# Sourced by the benchmark scripts (bench/mqtt/throughput.sh, bench/load.sh, bench/load/latency.sh): the parts they share.

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# build_reference DIR: the libmosquitto reference publisher and subscriber (bench/mqtt/ref_*.c) into DIR.
build_reference() {
  gcc -O2 -o "$1/ref_sub" bench/mqtt/ref_sub.c -lmosquitto && gcc -O2 -o "$1/ref_pub" bench/mqtt/ref_pub.c -lmosquitto
}

# start_broker DIR PORT [MOSQUITTO [EXTRA_LINE]]: an own Mosquitto for measurements on 127.0.0.1:PORT
# (anonymous, no persistence, no queue or in-flight limits, so the broker never drops what a benchmark
# sends), plus one extra configuration line if given. Sets BROKER_PID; fails when the broker does not
# listen within five seconds.
start_broker() {
  local dir=$1 port=$2 bin=${3:-/usr/sbin/mosquitto} extra=${4:-}
  cat > "$dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
max_inflight_messages 0
max_queued_messages 1000000
max_queued_bytes 0
log_dest none
$extra
CONF
  "$bin" -c "$dir/mosquitto.conf" & BROKER_PID=$!
  for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0; sleep 0.05; done
  return 1
}
