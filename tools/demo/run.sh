#!/usr/bin/env bash
# Compiles tools/demo/*.java against the built classes (run ./vdiff once first, or mvn package) and runs one of them.
#   tools/demo/run.sh SamplerSweep|StepRate ARGS...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CP="$ROOT/tensor/target/classes:$ROOT/diffusion/target/classes:$ROOT/reference/target/classes:$ROOT/target/lib/*"
OUT="$ROOT/target/tools-demo"
mkdir -p "$OUT"
javac -d "$OUT" -cp "$CP" "$ROOT"/tools/demo/*.java
exec java --add-modules jdk.incubator.vector -XX:+UseParallelGC -cp "$OUT:$CP" "$@"
