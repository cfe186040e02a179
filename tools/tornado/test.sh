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
# Log: target/tornado/crosscheck.log.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${TORNADOVM_HOME:?set TORNADOVM_HOME (tools/tornado/build-sdk.sh prints it)}"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -f "$TORNADOVM_HOME/tornado-argfile" ] || { echo "test.sh: no tornado-argfile in $TORNADOVM_HOME (run tools/tornado/build-sdk.sh)" >&2; exit 2; }
"$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])' || { echo "test.sh: JAVA_HOME=$JAVA_HOME is not a JDK 25+" >&2; exit 2; }
export JAVA_HOME TORNADOVM_HOME
cd "$ROOT"
mkdir -p target/tornado
echo "building tensor + tornado (JDK 25, profile tornado) ..."
MAVEN_OPTS=${MAVEN_OPTS:--Xmx1g} mvn -B -ntp -q -pl tornado -am -Dmaven.test.skip=true compile
CP="$ROOT/tensor/target/classes:$ROOT/tornado/target/classes"
set +e
"$JAVA_HOME/bin/java" @"$TORNADOVM_HOME/tornado-argfile" --add-modules jdk.incubator.vector \
  -Dtornado.recover.bailout=False -Dvdiff.quietWarnings=true -Xmx4g \
  -cp "$CP" dev.vdiff.tornado.CrossCheck "$@" 2>&1 | tee target/tornado/crosscheck.log
rc=${PIPESTATUS[0]}
set -e
echo "test.sh: exit $rc (log: target/tornado/crosscheck.log)"
exit "$rc"
