#!/usr/bin/env bash
# Installs the Debian packages the project runs and tests against, when they are missing.
# Usage: scripts/install-deps.sh PACKAGE:BINARY [PACKAGE:BINARY ...]   (BINARY may be an absolute file path)
set -euo pipefail
missing=()
for spec in "$@"; do
  pkg=${spec%%:*}; bin=${spec#*:}
  if [[ $bin == /* ]]; then
    [ -e "$bin" ] || missing+=("$pkg")
  elif ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$bin" ] && [ ! -x "/usr/bin/$bin" ]; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/iotfire-apt.log 2>&1; then
  apt-get update >>/tmp/iotfire-apt.log 2>&1
  apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/iotfire-apt.log 2>&1 \
    || { echo "apt-get install failed; see /tmp/iotfire-apt.log" >&2; tail -20 /tmp/iotfire-apt.log >&2; exit 1; }
fi
# Debian's packages may start their own service on the default ports; the project starts its own
# instances on free ports, so stop those (by the pid the package wrote, never by name).
for pidfile in /run/mosquitto/mosquitto.pid /var/run/influxdb/influxd.pid; do
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
done
