#!/usr/bin/env bash
# test.sh — the TornadoVM backend's cross-checks: every offloaded kernel (and the ops above them) against
# the JVM path on seeded random inputs, on TornadoVM's default OpenCL device (PoCL here, a GPU elsewhere).
#
#   TORNADOVM_HOME=... JAVA_HOME=<JDK 25> tools/tornado/test.sh [--quick]
#
# Builds the tensor and tornado modules (the `tornado` Maven profile turns on by itself when
# TORNADOVM_HOME is set and the JDK is 25+), then runs dev.vdiff.tornado.CrossCheck with TornadoVM's argfile
# and -Dtornado.recover.bailout=False: with TornadoVM's default (true) a kernel that fails to compile runs
# as plain sequential Java instead, and a broken kernel would pass. Exit status: 0 only if all checks pass.
# First SignalCheck: the JVM keeps its signal handlers beside the OpenCL runtime (libjsig preloaded, below).
# Without --quick it then checks the whole VideoUNet training step against the JVM (TrainStepCheck).
# Logs: target/tornado/crosscheck.log, target/tornado/trainstep.log.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${TORNADOVM_HOME:?set TORNADOVM_HOME (tools/tornado/build-sdk.sh prints it)}"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -f "$TORNADOVM_HOME/tornado-argfile" ] || { echo "test.sh: no tornado-argfile in $TORNADOVM_HOME (run tools/tornado/build-sdk.sh)" >&2; exit 2; }
"$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])' || { echo "test.sh: JAVA_HOME=$JAVA_HOME is not a JDK 25+" >&2; exit 2; }
export JAVA_HOME TORNADOVM_HOME
# PoCL's kernel cache in ~/.cache is shared by every process of the user, and concurrent builds can race
# ("unable to rename temporary ... kcache"); this run keeps its own.
export POCL_CACHE_DIR=${POCL_CACHE_DIR:-$ROOT/target/tornado/pocl-cache}
cd "$ROOT"
mkdir -p target/tornado
echo "building tensor, diffusion, tornado (JDK 25, profile tornado) ..."
MAVEN_OPTS=${MAVEN_OPTS:--Xmx1g} mvn -B -ntp -q -pl tornado,diffusion -am -Dmaven.test.skip=true compile
CP="$ROOT/tensor/target/classes:$ROOT/diffusion/target/classes:$ROOT/tornado/target/classes"
mkdir -p target/tornado/tools
"$JAVA_HOME/bin/javac" -g -d target/tornado/tools -cp "$CP" tools/tornado/TrainStepCheck.java tools/tornado/GpuBench.java tools/tornado/TransferCount.java tools/tornado/SignalCheck.java
# HotSpot's signal chaining (libjsig): PoCL and its LLVM replace the JVM's SIGSEGV/SIGBUS/SIGFPE handlers when the
# OpenCL runtime starts, which can kill the JVM at a safepoint (SIGSEGV, no hs_err) and turns an integer division
# by zero into a wrong value; preloaded, libjsig keeps the JVM's handlers and chains theirs (docs/PERFORMANCE.md,
# "HotSpot's signal handlers beside TornadoVM's OpenCL runtime").
JSIG="$JAVA_HOME/lib/libjsig.so"
[ -f "$JSIG" ] || { echo "test.sh: no $JSIG (HotSpot's signal-chaining library)" >&2; exit 2; }
J=(env LD_PRELOAD="$JSIG${LD_PRELOAD:+:$LD_PRELOAD}" "$JAVA_HOME/bin/java" @"$TORNADOVM_HOME/tornado-argfile" --add-modules jdk.incubator.vector
   -Dtornado.recover.bailout=False -Dvdiff.quietWarnings=true -Xmx6g -cp "$CP:$ROOT/target/tornado/tools:$ROOT/target/lib/*")
"${J[@]}" SignalCheck tornado || { echo "test.sh: the JVM's signal handlers are not chained (SignalCheck)" >&2; exit 1; }
set +e
"${J[@]}" dev.vdiff.tornado.CrossCheck "$@" 2>&1 | tee target/tornado/crosscheck.log
rc=${PIPESTATUS[0]}
rc2=0
if [ "${1:-}" != "--quick" ]; then
  # the whole VideoUNet step (forward, loss, backward) on TornadoVM against the JVM step
  "${J[@]}" TrainStepCheck tornado 2>&1 | tee target/tornado/trainstep.log
  rc2=${PIPESTATUS[0]}
fi
set -e
echo "test.sh: cross-checks exit $rc, train step exit $rc2 (logs: target/tornado/crosscheck.log, trainstep.log)"
[ "$rc" = 0 ] && [ "$rc2" = 0 ]
