#!/usr/bin/env bash
# Installs what the tests need, builds, and runs every test project.
# Ends with one line: "N passed, N failed" (", N skipped" when any were skipped).
# Fast tests only: ./test.sh --fast   (skips the projects that start real servers)
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

scripts/install-deps.sh mosquitto:mosquitto mosquitto-clients:mosquitto_pub influxdb:influxd \
  victoria-metrics:victoria-metrics chromium:chromium openssl:openssl \
  fonts-wqy-microhei:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc libmosquitto-dev:/usr/include/mosquitto.h || exit 1

fast=0; [ "${1:-}" = "--fast" ] && fast=1

echo "== build"
if ! dotnet build IoTFireAlert.sln -c Release -nologo -v quiet 2>&1 | tail -25 | grep -v "^$"; then :; fi
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  dotnet build IoTFireAlert.sln -c Release -nologo -v quiet 2>&1 | grep -E "error" | sort -u | head -40
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0; failed=0; skipped=0; bad_projects=()
projects=$(ls tests/*/*.csproj | grep -v TestSupport | sort)
for proj in $projects; do
  name=$(basename "$proj" .csproj)
  if [ $fast -eq 1 ] && [[ $name == *IntegrationTests* ]]; then continue; fi
  echo "== $name"
  out=$(mktemp)
  dotnet test "$proj" -c Release --no-build -nologo --logger "console;verbosity=minimal" 2>&1 | tee "$out" \
    | grep -E "^\s*(Failed|Passed|Skipped) |error|Error Message|Assert|Exception|^\s+at |Passed!|Failed!|Total tests" | head -200
  summary=$(grep -E "(Passed|Failed)! +- +Failed: " "$out" | tail -1)
  if [ -z "$summary" ]; then
    echo "  $name: no test summary (crashed or did not run)"
    tail -30 "$out"
    failed=$((failed + 1)); bad_projects+=("$name")
  else
    f=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")
    p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
    s=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    [ "$f" -eq 0 ] || bad_projects+=("$name")
  fi
  rm -f "$out"
done

[ ${#bad_projects[@]} -eq 0 ] || echo "failing projects: ${bad_projects[*]}"
line="$passed passed, $failed failed"
[ $skipped -eq 0 ] || line="$line, $skipped skipped"
echo "$line"
[ $failed -eq 0 ]
