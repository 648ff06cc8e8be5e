#!/usr/bin/env bash
# Builds what the tests need and runs the whole suite (lit + FileCheck tests
# of the dialect, passes, driver and examples; the GoogleTest suites through
# lit), then prints one summary line: "lit: N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build"
if [ ! -f "$build/build.ninja" ]; then
  echo "test: no build in $build; run scripts/setup.sh first" >&2
  exit 2
fi
cmake --build "$build" || { echo "test: the build failed" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
/usr/lib/llvm-22/bin/lit -sv "$build/test" "$build/test/unit" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
count() { grep -E "^\s+$1:" "$log" | awk '{s += $2} END {print s + 0}'; }
passed=$(count Passed)
failed=$(( $(count Failed) + $(count Unresolved) + $(count "Timed Out") + $(count "Unexpectedly Passed") ))
echo "lit: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
