#!/usr/bin/env bash
# pack-gpu.sh — everything the GPU trip needs in one tar.gz under 64 MiB, for a machine with a GPU and
# PyTorch but no Java and no network: a jlinked Java 25 runtime, the TornadoVM SDK (OpenCL backend, slimmed
# to what the OpenCL runtime loads), the OpenCL ICD loader, vdiff's tensor/diffusion/tornado classes, the
# GpuBench program and the PyTorch CUDA script. tools/tornado/gpu-run.sh unpacks and runs it there.
#
#   TORNADOVM_HOME=... tools/tornado/pack-gpu.sh        -> target/tornado-gpu/bundle.tar.gz
# Env: JDK25 (default /usr/lib/jvm/temurin-25-jdk-amd64).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${TORNADOVM_HOME:?set TORNADOVM_HOME (tools/tornado/build-sdk.sh prints it)}"
JDK=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT="$ROOT/target/tornado-gpu"
STAGE="$OUT/stage"
rm -rf "$STAGE"; mkdir -p "$STAGE/app" "$STAGE/lib" "$STAGE/py"

echo "== classes (tensor, diffusion, tornado; JDK 25, profile tornado)"
(cd "$ROOT" && JAVA_HOME=$JDK MAVEN_OPTS=${MAVEN_OPTS:--Xmx1g} mvn -B -ntp -q -pl tornado,diffusion -am -Dmaven.test.skip=true compile)
for m in tensor diffusion tornado; do "$JDK/bin/jar" --create --file "$STAGE/app/vdiff-$m.jar" -C "$ROOT/$m/target/classes" .; done
# diffusion's one runtime dependency (from Maven Central via the normal build's target/lib, or ~/.m2)
for j in jgrapht-core-1.5.2.jar jheaps-0.14.jar; do
  src=$(ls "$ROOT/target/lib/$j" ~/.m2/repository/org/jgrapht/jgrapht-core/1.5.2/"$j" ~/.m2/repository/org/jheaps/jheaps/0.14/"$j" 2>/dev/null | head -1 || true)
  [ -n "$src" ] && cp "$src" "$STAGE/app/" || echo "  note: $j not found (only needed if VideoUNet touches jgrapht)"
done
mkdir -p "$STAGE/app/bench"
"$JDK/bin/javac" -g -d "$STAGE/app/bench" -cp "$STAGE/app/vdiff-tensor.jar:$STAGE/app/vdiff-diffusion.jar:$STAGE/app/vdiff-tornado.jar" "$ROOT/tools/tornado/GpuBench.java" "$ROOT/tools/tornado/TrainStepCheck.java" "$ROOT/tools/tornado/TransferCount.java"
"$JDK/bin/javac" -g -d "$STAGE/app/bench" -cp "$(ls "$TORNADOVM_HOME"/share/java/tornado/tornado-api-*.jar | head -1)" "$ROOT/tools/tornado/ArenaProbe.java"

echo "== TornadoVM SDK (slim: the jars the OpenCL runtime never loads are left out)"
cp -a "$TORNADOVM_HOME" "$STAGE/sdk"
(cd "$STAGE/sdk/share/java" && rm -f graalJars/truffle-api-*.jar graalJars/graal-sdk-*.jar \
  tornado/tornado-unittests-*.jar tornado/tornado-benchmarks-*.jar tornado/tornado-examples-*.jar tornado/tornado-fuzz-*.jar \
  tornado/tornado-cu*.jar tornado/tornado-matrices-*.jar tornado/lucene-core-*.jar tornado/junit-*.jar \
  tornado/hamcrest-core-*.jar tornado/jmh-core-*.jar tornado/jopt-simple-*.jar tornado/commons-lang3-*.jar \
  tornado/ejml-*.jar tornado/log4j-*.jar tornado/jsr305-*.jar tornado/collections-*.jar tornado/word-*.jar tornado/polyglot-*.jar)
rm -f "$STAGE/sdk/tornado-argfile"   # made on the device from the template: the paths differ there

echo "== Java 25 runtime (jlink)"
# TornadoVM's modules need logging, management, unsupported and JVMCI; vdiff's kernels the Vector API.
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,jdk.internal.vm.ci,jdk.incubator.vector \
  --strip-debug --no-header-files --no-man-pages --output "$STAGE/jre" 2>&1 | { grep -v "incubator" || true; }

echo "== OpenCL ICD loader (used there only if the machine has none)"
cp -L "$(ldconfig -p | awk '/libOpenCL.so.1 .*x86-64/ {print $NF; exit}')" "$STAGE/lib/libOpenCL.so.1"

echo "== PyTorch side"
cp "$ROOT/tools/tornado/torch_cuda_bench.py" "$STAGE/py/"
cp "$ROOT/../shared/bench/pytorch_baseline.py" "$STAGE/py/" 2>/dev/null || cp /work/shared/bench/pytorch_baseline.py "$STAGE/py/"
git -C "$ROOT" rev-parse --short HEAD > "$STAGE/COMMIT"

tar czf "$OUT/bundle.tar.gz" -C "$STAGE" .
for p in jre sdk app lib py; do printf '  %-4s %6s on disk\n' "$p" "$(du -sh "$STAGE/$p" | cut -f1)"; done
bytes=$(stat -c %s "$OUT/bundle.tar.gz")
awk -v b="$bytes" 'BEGIN { printf "bundle: target/tornado-gpu/bundle.tar.gz %.1f MiB (carry limit 64 MiB)\n", b / 1048576 }'
[ "$bytes" -lt 67108864 ] || { echo "pack-gpu: bundle is over 64 MiB" >&2; exit 1; }
