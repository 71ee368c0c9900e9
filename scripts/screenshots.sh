#!/usr/bin/env bash
# Regenerates docs/img/report-*.png: one report per kind (result, sweep, plan, validation, trace),
# each rendered in headless Chromium (playwright-core, Debian's /usr/bin/chromium) and saved as a
# PNG under 300 KB. Not part of `npm test`; run after `npm run build`. Takes a few minutes.
#   bash scripts/screenshots.sh [work-dir]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-$(mktemp -d)}"
DS="node $ROOT/bin/dispatchsim.js"
cd "$WORK"
F="--partitions 4 --cores 4 --rate 200k/s --work 5us --batch 100 --duration-ms 20"
$DS new pipeline $F --wait yield --out yield.json >/dev/null
$DS new pipeline $F --wait await --out await.json >/dev/null
# result: the issue's question, both wait strategies, 3 runs each
$DS simulate yield.json --runs 3 --out yield-result.json >/dev/null
$DS simulate await.json --runs 3 --out await-result.json --trace trace.json --trace-events 400 >/dev/null
$DS report yield-result.json await-result.json --out result.html >/dev/null
# sweep: partitions × rate on the await pipeline
$DS sweep await.json --vary /template/partitions=1,2,4 --vary rate=100k/s,200k/s,300k/s --runs 2 --out sweep.json >/dev/null
$DS report sweep.json --out sweep.html >/dev/null
# plan: cores 1..4 × wait strategy at p99 <= 1 ms
$DS plan yield.json --slo 'p99<=1ms' --rate 200k/s --vary '/machine/cores+/runtime/workers=1..4' --vary wait=yield,await --runs 2 --out plan.json >/dev/null || true
$DS report plan.json --out plan.html >/dev/null
# validation: the architectures' stored measurements (test fixtures) against the simulator
$DS validate "$ROOT"/scenarios/architectures/v2-yield-{1,2,4,8}p-2c.json --measured "$ROOT/test/fixtures/validate/architectures" --runs 2 --out validation.json >/dev/null || true
$DS report validation.json --out validation.html >/dev/null
# trace summary: the await run's first 400 trace events
$DS report trace.json --out trace.html >/dev/null
node "$ROOT/scripts/screenshots-shoot.mjs" "$WORK" "$ROOT/docs/img" result sweep plan validation trace
echo "inputs and reports in $WORK"
