#!/usr/bin/env bash
# Starts IoTFireAlert on embedded defaults: its own Mosquitto (127.0.0.1:1883, TLS on 8883),
# SQLite in .data/, and the dispatch console on http://127.0.0.1:8080.
# To use an existing broker instead, set IOTFIRE_Mqtt__Host (and __Port, __Username, __Password).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

scripts/install-deps.sh mosquitto:mosquitto mosquitto-clients:mosquitto_passwd openssl:openssl

mkdir -p .run .data
secrets=.run/secrets.env
if [ ! -f "$secrets" ]; then
  (umask 077; {
    echo "IOTFIRE_ADMIN_KEY=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)"
    echo "IOTFIRE_DISPATCHER_KEY=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)"
  } > "$secrets")
  echo "First run: API keys written to $(pwd)/$secrets and MQTT accounts to $(pwd)/.run/broker/credentials.env (mode 600)."
fi
set -a; . "$secrets"; set +a

echo "Building (Release) ..."
dotnet build src/IoTFireAlert.Server -c Release -nologo -v quiet

broker_pid=""
cleanup() { [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if [ -z "${IOTFIRE_Mqtt__Host:-}" ]; then
  port=${MQTT_PORT:-1883}; tls_port=${MQTT_TLS_PORT:-8883}
  scripts/broker-config.sh "$(pwd)/.run/broker" "$port" "$tls_port"
  set -a; . .run/broker/credentials.env; set +a
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use: stop that broker or set MQTT_PORT." >&2; exit 1
  fi
  mosquitto -c .run/broker/mosquitto.conf > .run/mosquitto.log 2>&1 &
  broker_pid=$!
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  echo "Mosquitto (pid $broker_pid) on 127.0.0.1:$port, TLS on $tls_port; log in .run/mosquitto.log"
  export IOTFIRE_Mqtt__Host=127.0.0.1 IOTFIRE_Mqtt__Port=$port
  export IOTFIRE_Mqtt__Username=iotfire-server IOTFIRE_Mqtt__Password=$MQTT_PASSWORD_IOTFIRE_SERVER
fi

export IOTFIRE_Security__ApiKeys__0__Name=administrator IOTFIRE_Security__ApiKeys__0__Role=administrator IOTFIRE_Security__ApiKeys__0__Key=$IOTFIRE_ADMIN_KEY
export IOTFIRE_Security__ApiKeys__1__Name=dispatch-desk IOTFIRE_Security__ApiKeys__1__Role=dispatcher IOTFIRE_Security__ApiKeys__1__Key=$IOTFIRE_DISPATCHER_KEY
echo "Console: http://127.0.0.1:8080  (dispatcher key: $secrets)"
dotnet src/IoTFireAlert.Server/bin/Release/net10.0/IoTFireAlert.Server.dll "$@"
