#!/usr/bin/env bash
# Kills a training run with SIGKILL at random moments, TRIALS times (default
# 300), and checks that its checkpoint always survives complete:
#   bash scripts/kill9.sh [TRIALS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/build/bin/gdc" "$here/examples/dropout_classifier.gd" -o "$work/train"
python3 "$here/test/integration/checkpoint/kill9.py" "$work/train" "$work/ck.safetensors" \
  "${1:-300}" --epochs 100000 --quiet --save "$work/ck.safetensors" --save-every 1
