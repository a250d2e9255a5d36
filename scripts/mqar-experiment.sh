#!/usr/bin/env bash
# The MQAR experiment at tiny scale (MEASURE.md "Synthetic tasks"): attention vs Mamba and Gated
# DeltaNet, each recurrent model with states of several sizes, on the same task, seed and steps.
# As in Zoology, every model has a short causal conv before its token mixing: Mamba and GDN their own,
# attention Primer's (convSize=3) — without it, attention must first learn a previous-token head.
# Also as in Zoology, each model is trained at every learning rate of LRS and reported at its best: one
# shared rate would favour whichever model it happens to suit (GDN needs a lower one than attention).
# Runs JOBS at a time on the CPU reference backend (--cpu; pass BACKEND= to use WebGPU), writes each
# run's JSON lines to $OUT/NAME@LR.jsonl, then prints one row per run and one per model at its best
# rate: accuracy on the fixed held-out set, decode-state bytes (cost model, batch 1, at the training
# length), steps, parameters and wall time.
#   scripts/mqar-experiment.sh      # STEPS=800 LRS="0.001 0.003 0.01" JOBS=4 OUT=/tmp/mqar-results
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${STEPS:-800}
OUT=${OUT:-/tmp/mqar-results}
BACKEND=${BACKEND---cpu}
TASK=${TASK:-pairs=4,keys=8,values=8,heldOut=256}
MODEL=${MODEL:-contextLength=24,width=32,layers=2,batchSize=16,warmup=20,logEvery=100,evalEvery=200}
LRS=${LRS:-0.001 0.003 0.01}
JOBS=${JOBS:-4}
mkdir -p "$OUT"

# run NAME PRESET SETTINGS [ARGS…]: the model at every rate of LRS, at most JOBS runs at a time.
run() {
  local name=$1 preset=$2 set=$3
  shift 3
  for lr in $LRS; do
    while (($(jobs -rp | wc -l) >= JOBS)); do wait -n || true; done
    # shellcheck disable=SC2086
    npm run --silent cli -- train --task mqar $BACKEND --steps "$STEPS" --seed 1 --json \
      --preset "$preset" --set "$TASK,$MODEL,$set,lr=$lr" "$@" \
      >"$OUT/$name@$lr.jsonl" 2>"$OUT/$name@$lr.err" &
  done
}

run attention transformer heads=2,convSize=3
for n in 1 4 16; do run "mamba-dstate$n" mamba "dState=$n"; done
for n in 2 8 16; do run "gdn-headdim$n" gdn "headDim=$n" --spec scripts/mqar-gdn-spec.json; done
wait

node -e '
const fs = require("fs");
const dir = process.argv[1];
const best = new Map();
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
  const [model, lr] = f.replace(".jsonl", "").split("@");
  const s = fs.readFileSync(`${dir}/${f}`, "utf8").split("\n").filter((l) => l.includes("\"summary\"")).map((l) => JSON.parse(l))[0];
  if (!s) { console.log(JSON.stringify({ model, lr, error: "no summary (see .err)" })); continue; }
  const a = s.accuracy[0];
  const row = { model, lr: Number(lr), accuracy: a.accuracy, answers: a.answers, decodeStateBytes: s.decodeStateBytes, steps: s.steps, parameters: s.parameters, finalValLoss: s.finalValLoss, seconds: Math.round(s.elapsedMs / 1000) };
  console.log(JSON.stringify(row));
  if (!best.has(model) || row.accuracy > best.get(model).accuracy) best.set(model, row);
}
for (const row of best.values()) console.log(JSON.stringify({ best: true, ...row }));' "$OUT"
