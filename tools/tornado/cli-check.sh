#!/usr/bin/env bash
# cli-check.sh — `vdiff train` and `vdiff sample` with --backend tornado end to end on a tiny run, on
# TornadoVM's default OpenCL device (PoCL here):
#   1. the same seed on the same backend gives the same bits: two tornado runs, their checkpoints (model,
#      EMA, optimizer) compared byte for byte;
#   2. tornado against the JVM: the per-step training losses (state.json) within a relative 1e-3, the
#      trained weights within an absolute 1e-3 (and how many differ at all), the sampled videos within an
#      absolute 2e-2 (float32 kernels in another summation order, through
#      training steps and sampling steps);
#   3. the tornado run sampled with --backend tornado twice: the same bits.
#
#   TORNADOVM_HOME=... JAVA_HOME=<JDK 25> tools/tornado/cli-check.sh        (log: target/tornado/cli-check.log)
# Exit 0 only if every comparison passes. It writes only under target/tornado/cli/ (replaced on each run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${TORNADOVM_HOME:?set TORNADOVM_HOME (tools/tornado/build-sdk.sh prints it)}"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export POCL_CACHE_DIR=${POCL_CACHE_DIR:-$ROOT/target/tornado/pocl-cache}
cd "$ROOT"
W=target/tornado/cli
# CLI_CHECK_REUSE=1 keeps the runs already in $W (a train or sample whose folder exists is not run again)
[ "${CLI_CHECK_REUSE:-0}" = 1 ] || rm -rf "$W"
mkdir -p "$W"
exec > >(tee target/tornado/cli-check.log) 2>&1
STEPS=${CLI_CHECK_STEPS:-3}
TINY=(--size 8 --frames 2 --ch0 8 --ch1 16 --heads 2 --groups 4 --emb 16 --batch 2 --train-clips 5 --warmup 2 --lr 3e-3
      --checkpoint-every 0 --steps "$STEPS" --seed 7)
SAMPLE=(--steps 2 --per-label 1 --labels 0,3 --scale 2 --seed 3)   # MP4 needs 16x16 and up
ck="checkpoints/step-$(printf %08d "$STEPS")"
run() {
  local out=$3; [ "$1" = sample ] && out=$5    # train --out DIR ... / sample --run RUN --out DIR ...
  [ "${CLI_CHECK_REUSE:-0}" = 1 ] && [ -d "$out" ] && { echo "== reusing $out"; return; }
  echo "== [$(date +%T)] vdiff $*"; ./vdiff "$@"
}

run train --out "$W/jvm" "${TINY[@]}"
run train --out "$W/tornado-a" --backend tornado "${TINY[@]}"
run train --out "$W/tornado-b" --backend tornado "${TINY[@]}"
run sample --run "$W/jvm" --out "$W/sample-jvm" "${SAMPLE[@]}"
run sample --run "$W/tornado-a" --out "$W/sample-tornado-a" --backend tornado "${SAMPLE[@]}"
run sample --run "$W/tornado-a" --out "$W/sample-tornado-b" --backend tornado "${SAMPLE[@]}"

fail=0
for f in model.safetensors ema.safetensors optimizer.safetensors; do
  if cmp -s "$W/tornado-a/$ck/$f" "$W/tornado-b/$ck/$f"; then echo "ok   same seed, same backend: $f identical"
  else echo "FAIL same seed, same backend: $f differs"; fail=1; fi
done
if cmp -s "$W/sample-tornado-a/samples.safetensors" "$W/sample-tornado-b/samples.safetensors"; then echo "ok   tornado sampling twice: samples.safetensors identical"
else echo "FAIL tornado sampling twice: samples.safetensors differs"; fail=1; fi
python3 - "$W" "$ck" <<'PY' || fail=1
import json, struct, sys
w, ck = sys.argv[1], sys.argv[2]
def losses(run): return json.load(open(f"{w}/{run}/{ck}/state.json"))["losses"]
def tensors(path):
    b = open(path, "rb").read(); n = struct.unpack("<Q", b[:8])[0]; head = json.loads(b[8:8 + n]); out = {}
    for k, v in head.items():
        if k == "__metadata__": continue
        s, e = v["data_offsets"]; raw = b[8 + n + s:8 + n + e]
        fmt = {"F32": "f", "F64": "d", "I64": "q"}[v["dtype"]]
        out[k] = struct.unpack("<%d%s" % (len(raw) // struct.calcsize(fmt), fmt), raw)
    return out
ok = True
j, t = losses("jvm"), losses("tornado-a")
worst = max(abs(a - b) / abs(b) for a, b in zip(t, j))
print("%s losses tornado %s vs jvm %s: worst relative difference %.2e (tolerance 1e-3)" % ("ok  " if worst <= 1e-3 and len(j) == len(t) else "FAIL", ["%.6f" % x for x in t], ["%.6f" % x for x in j], worst))
ok &= worst <= 1e-3 and len(j) == len(t)
mj, mt = tensors(f"{w}/jvm/{ck}/model.safetensors"), tensors(f"{w}/tornado-a/{ck}/model.safetensors")
n = sum(len(v) for v in mj.values()); changed = sum(a != b for k in mj for a, b in zip(mj[k], mt[k]))
d = max(abs(a - b) for k in mj for a, b in zip(mj[k], mt[k]))
print("%s trained weights tornado vs jvm: %d of %d values differ (so the tornado kernels ran), max |difference| %.2e (tolerance 1e-3)" % ("ok  " if d <= 1e-3 else "FAIL", changed, n, d))
ok &= d <= 1e-3
sj, st = tensors(f"{w}/sample-jvm/samples.safetensors"), tensors(f"{w}/sample-tornado-a/samples.safetensors")
for k in sj:
    d = max(abs(a - b) for a, b in zip(sj[k], st[k]))
    print("%s samples '%s' (%d values): max |tornado - jvm| %.2e (tolerance 2e-2)" % ("ok  " if d <= 2e-2 else "FAIL", k, len(sj[k]), d))
    ok &= d <= 2e-2
sys.exit(0 if ok else 1)
PY
echo "cli-check: $([ $fail = 0 ] && echo PASS || echo FAIL)"
exit $fail
