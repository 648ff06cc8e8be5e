#!/usr/bin/env bash
# Fuzzes gdc's front end (parse -> check -> MLIRGen -> verify -> lower to
# Linalg) for SECONDS on one core with libFuzzer (docs/fuzzing.md).
#
#   scripts/fuzz.sh SECONDS [libFuzzer flags...]
#
# Configures and builds build-fuzz (-DGDC_FUZZ=ON, AddressSanitizer) if
# needed, seeds from every .gd file in the tree, and keeps going after a
# crash, a timeout or running out of memory (libFuzzer's fork mode with one
# job), so that a long run finds more than its first bug. Writes:
#   build-fuzz/fuzz/corpus/     the corpus it grows (kept between runs)
#   build-fuzz/fuzz/crashes/    crash-*, timeout-*, oom-* reproducers
#   build-fuzz/fuzz/last.log    libFuzzer's output
# and prints the final stats line. Reproduce one with
#   build-fuzz/bin/gdc-fuzz build-fuzz/fuzz/crashes/crash-...
# or, outside the fuzz build, `build/bin/gdc FILE --emit=linalg`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh SECONDS [libFuzzer flags...]" >&2
  exit 2
fi
seconds=$1
shift
build="${GDC_FUZZ_BUILD:-$here/build-fuzz}"
work="$build/fuzz"

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$here" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld -DGDC_FUZZ=ON
fi
nice cmake --build "$build" --target gdc-fuzz -- -j"${GDC_FUZZ_JOBS:-2}"

# Seeds: every gd source in the tree, flattened into one directory (libFuzzer
# would also read the .test and .py files next to them).
mkdir -p "$work/corpus" "$work/crashes"
rm -rf "$work/seeds"
mkdir -p "$work/seeds"
(cd "$here" && find examples lang/std test -name '*.gd' -type f) | while read -r f; do
  cp "$here/$f" "$work/seeds/${f//\//_}"
done

# -max_len: the nesting and size limits gdc enforces are reached well within
# 8 KB, and longer inputs only slow each run down. -timeout: no real program
# takes a second; two is a hang. -rss_limit_mb: a compiler that needs 2 GB
# for a fuzzed program has a bug.
# ASan's defaults spend a third of the time recording stacks and recycling
# memory; a report is reproduced with the defaults anyway.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_stack_use_after_return=0:malloc_context_size=2:quarantine_size_mb=16}"
cd "$work"
set +e
nice "$build/bin/gdc-fuzz" corpus seeds \
  -dict="$here/tools/gdc-fuzz/gd.dict" \
  -max_total_time="$seconds" -timeout=2 -rss_limit_mb=2048 -max_len=8192 \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -artifact_prefix="$work/crashes/" "$@" > "$work/last.log" 2>&1
status=$?
set -e
echo "fuzz: libFuzzer exited with $status; its output is in $work/last.log"
# Fork mode's status lines: "#EXECS: cov: N ft: N corp: N exec/s: N
# oom/timeout/crash: N/N/N time: Ns ...".
grep -E '^#[0-9]+: cov:' "$work/last.log" | tail -n 1 || tail -n 5 "$work/last.log"
found=$(find "$work/crashes" -type f | wc -l)
echo "fuzz: $found reproducer(s) in $work/crashes"
find "$work/crashes" -type f -newer "$work/seeds" | sed 's/^/  /'
