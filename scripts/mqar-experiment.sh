#!/usr/bin/env bash
# The MQAR experiment at tiny scale (MEASURE.md "Synthetic tasks"): attention vs Mamba and Gated
# DeltaNet, each recurrent model with states of several sizes, on the same task, seed and steps.
# As in Zoology, every model has a short causal conv before its token mixing: Mamba and GDN their own,
# attention Primer's (convSize=3) — without it, attention must first learn a previous-token head.
# Runs every model in parallel on the CPU reference backend (--cpu; pass BACKEND= to use WebGPU),
# writes each run's JSON lines to $OUT/NAME.jsonl, then prints one summary row per model:
# accuracy on the fixed held-out set, decode-state bytes (cost model, batch 1, at the training
# length), steps, parameters and wall time.
#   scripts/mqar-experiment.sh      # STEPS=800 OUT=/tmp/mqar-results; TASK=… MODEL=… override the sets
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${STEPS:-800}
OUT=${OUT:-/tmp/mqar-results}
BACKEND=${BACKEND---cpu}
TASK=${TASK:-pairs=4,keys=8,values=8,heldOut=256}
MODEL=${MODEL:-contextLength=24,width=32,layers=2,batchSize=16,lr=0.01,warmup=20,logEvery=100,evalEvery=200}
mkdir -p "$OUT"

run() {
  local name=$1
  shift
  # shellcheck disable=SC2086
  npm run --silent cli -- train --task mqar $BACKEND --steps "$STEPS" --seed 1 --json "$@" \
    >"$OUT/$name.jsonl" 2>"$OUT/$name.err" &
}

run attention --preset transformer --set "$TASK,$MODEL,heads=2,convSize=3"
for n in 1 4 16; do run "mamba-dstate$n" --preset mamba --set "$TASK,$MODEL,dState=$n"; done
for n in 2 8 16; do run "gdn-headdim$n" --preset gdn --spec scripts/mqar-gdn-spec.json --set "$TASK,$MODEL,headDim=$n"; done
wait

node -e '
const fs = require("fs");
const dir = process.argv[1];
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
  const s = fs.readFileSync(`${dir}/${f}`, "utf8").split("\n").filter((l) => l.includes("\"summary\"")).map((l) => JSON.parse(l))[0];
  if (!s) { console.log(JSON.stringify({ model: f, error: "no summary (see .err)" })); continue; }
  const a = s.accuracy[0];
  console.log(JSON.stringify({ model: f.replace(".jsonl", ""), accuracy: a.accuracy, answers: a.answers, decodeStateBytes: s.decodeStateBytes, steps: s.steps, parameters: s.parameters, finalValLoss: s.finalValLoss, seconds: Math.round(s.elapsedMs / 1000) }));
}' "$OUT"
