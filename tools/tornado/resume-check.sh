#!/usr/bin/env bash
# resume-check.sh — `vdiff train --backend tornado --resume` continues bit for bit with the optimizer state on the
# device: 5 steps in one run against 3 steps + `--resume` to 5 (the tiny network of cli-check.sh); the step-5
# checkpoints (model, EMA, optimizer) must be byte-identical. Writes only under target/tornado/resume/.
#
#   TORNADOVM_HOME=... JAVA_HOME=<JDK 25> tools/tornado/resume-check.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${TORNADOVM_HOME:?set TORNADOVM_HOME (tools/tornado/build-sdk.sh prints it)}"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export POCL_CACHE_DIR=${POCL_CACHE_DIR:-$ROOT/target/tornado/pocl-cache}
cd "$ROOT"
W=target/tornado/resume
rm -rf "$W"
mkdir -p "$W"
TINY=(--size 8 --frames 2 --ch0 8 --ch1 16 --heads 2 --groups 4 --emb 16 --batch 2 --train-clips 5 --warmup 2 --lr 3e-3
      --checkpoint-every 0 --seed 7)
./vdiff train --out "$W/a" --backend tornado "${TINY[@]}" --steps 5 > "$W/a.log" 2>&1
./vdiff train --out "$W/b" --backend tornado "${TINY[@]}" --steps 3 > "$W/b.log" 2>&1
./vdiff train --resume "$W/b" --steps 5 --backend tornado > "$W/b-resumed.log" 2>&1
fail=0
for f in model.safetensors ema.safetensors optimizer.safetensors; do
  if cmp -s "$W/a/checkpoints/step-00000005/$f" "$W/b/checkpoints/step-00000005/$f"; then echo "ok   5 steps = 3 steps + resume to 5: $f identical"
  else echo "FAIL 5 steps vs 3 steps + resume to 5: $f differs"; fail=1; fi
done
grep -h '"losses"' "$W/a/checkpoints/step-00000005/state.json" "$W/b/checkpoints/step-00000005/state.json"
echo "resume-check: $([ $fail = 0 ] && echo PASS || echo FAIL)"
exit $fail
