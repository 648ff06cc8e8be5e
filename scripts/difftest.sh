#!/usr/bin/env bash
# A longer run of the random-program differential test than the suite's:
#   scripts/difftest.sh [PROGRAMS] [FIRST_SEED]     (defaults: 3000, 1000)
# Each failing program is kept under build/difftest-failures/seedN (source,
# data, initial parameters, torch's reference); copy one into
# test/difftest/regressions/ to make it a regression test. Needs a build
# (scripts/setup.sh) and Debian's python3-torch.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
programs=${1:-3000}
seed=${2:-1000}
failures="$here/build/difftest-failures"
mkdir -p "$failures"
exec /usr/bin/python3 "$here/tools/difftest/difftest.py" --gdc "$here/build/bin/gdc" \
  --programs "$programs" --seed "$seed" --jobs "$(nproc)" --save-failures "$failures"
