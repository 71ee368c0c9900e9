#!/usr/bin/env bash
# The accuracy benchmark behind docs/accuracy.md: simulate and measure every scenario in
# scenarios/validation with a model calibrated on this machine, medians of repeated runs.
# Usage: scripts/validate-accuracy.sh [model] [out-dir] [tokio]   (default models/host-release.json, reports/tmp/accuracy,
#   each scenario's runtime.tokio; give e.g. 1.53 to simulate that version and build the probe against its release)
# Exits 6 when some figure is outside the 10 % tolerance (it usually is: see docs/accuracy.md).
set -uo pipefail
cd "$(dirname "$0")/.."
model=${1:-models/host-release.json}
out=${2:-reports/tmp/accuracy}
tokio=(); [ -n "${3:-}" ] && tokio=(--tokio "$3")
mkdir -p "$out/measured"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
node bin/dispatchsim.js validate scenarios/validation --model "$model" --tolerance 10% --repeat 7 --warmup 1 "${tokio[@]}" \
  --save-measured "$out/measured" --out "$out/validation.json" | tee "$out/table.md"
rc=${PIPESTATUS[0]}
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "$rc"
