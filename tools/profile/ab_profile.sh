#!/usr/bin/env bash
# Interleaved A/B of the train step's per-op CPU-time profile: `vdiff bench --profile-ops STEPS` run alternately
# from two built source trees (A, B: each with tensor/diffusion/reference/verification target/classes, e.g. an
# extracted `git archive` of the older commit built with `mvn -o -q -pl reference,verification -am compile`).
# Writes OUT/{a,b}-R.json and .log per round; compare with side_by_side.py A.json B.json (ratio = A / B).
#   tools/profile/ab_profile.sh A_ROOT B_ROOT OUT ROUNDS STEPS THREADS
set -euo pipefail
A="$1"; B="$2"; OUT="$3"; ROUNDS="${4:-2}"; STEPS="${5:-4}"; THREADS="${6:-1}"
LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/target/lib/*"
mkdir -p "$OUT"
run() {   # root tag round
  local cp=""
  for m in tensor diffusion reference verification; do cp="$cp$1/$m/target/classes:"; done
  java --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "$cp$LIB" dev.vdiff.cli.Vdiff bench --profile-ops "$STEPS" \
    --threads "$THREADS" --json "$OUT/$2-$3.json" > "$OUT/$2-$3.log" 2>&1
  grep "step CPU ms" "$OUT/$2-$3.log" | sed "s/^/$2 round $3: /"
}
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then run "$A" a "$r"; run "$B" b "$r"; else run "$B" b "$r"; run "$A" a "$r"; fi
done
