#!/usr/bin/env bash
# build-sdk.sh — build TornadoVM's OpenCL SDK from a TornadoVM checkout, install a CPU OpenCL device (PoCL)
# to run it on, and write the JVM argfile vdiff's launcher and tests use.
#
#   tools/tornado/build-sdk.sh <TornadoVM checkout> [work dir, default /tmp/vdiff-tornado]
#
# The checkout: `git clone --branch jdk25 https://github.com/beehive-lab/TornadoVM` (a real git work tree:
# the build runs git). Needs: Debian/Ubuntu with apt, a JDK 25 (JDK25 env var, default
# /usr/lib/jvm/temurin-25-jdk-amd64), network access to Maven Central and the apt mirrors. Nothing else is
# downloaded: TornadoVM's own installer (bin/compile) would pip-install Python modules, fetch the Graal
# jars with Python and git-clone the Khronos headers; each of those is replaced below by its equivalent
# from Maven Central or Debian. Safe to re-run: finished steps are skipped (REBUILD=1 forces the Maven build).
#
# At the end it prints the two lines to export (TORNADOVM_HOME, JAVA_HOME) and writes them to
# <work dir>/env.sh. See docs/TORNADO.md.
set -euo pipefail

usage() { echo "usage: $0 <TornadoVM checkout (branch jdk25)> [work dir]" >&2; exit 2; }
[ $# -ge 1 ] || usage
SRC=$(cd "$1" && pwd) || usage
WORK=${2:-/tmp/vdiff-tornado}
mkdir -p "$WORK/logs"
WORK=$(cd "$WORK" && pwd)
JDK=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
[ -x "$JDK/bin/javac" ] || { echo "build-sdk: no JDK 25 at $JDK (set JDK25=/path/to/jdk-25)" >&2; exit 2; }
[ -f "$SRC/bin/pull_graal_jars.py" ] && [ -x "$SRC/mvnw" ] || { echo "build-sdk: $SRC does not look like a TornadoVM checkout (no bin/pull_graal_jars.py or mvnw)" >&2; exit 2; }
export JAVA_HOME=$JDK PATH="$JDK/bin:$PATH"
# The Maven wrapper's own Maven (3.9; Debian's 3.8 cannot read the comments in .mvn/maven.config) and the
# artifacts go under the work dir, not ~/.m2, so this build shares nothing with other projects.
export MAVEN_USER_HOME="$WORK/m2"
REPO="$WORK/m2/repository"
mvnw() { (cd "$SRC" && ./mvnw -B -Dstyle.color=never -Dmaven.repo.local="$REPO" "$@"); }
say() { echo "[$(date +%T)] $*"; }

# 1. Debian packages: Khronos headers and the ICD loader to build the JNI library against, PoCL as a
#    device, clinfo to see it, cmake/g++ for the JNI build, python3 for TornadoVM's post-install helpers.
need=()
for p in opencl-c-headers ocl-icd-opencl-dev pocl-opencl-icd clinfo cmake g++ python3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  say "apt-get install ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >"$WORK/logs/apt.log"
fi

# 2. Graal compiler jars into <checkout>/graalJars. Their names and version are read from
#    bin/pull_graal_jars.py (so a newer branch is followed) and fetched from Maven Central with Maven.
ver=$(grep -oP '^VERSION\s*=\s*"\K[^"]+' "$SRC/bin/pull_graal_jars.py")
mkdir -p "$SRC/graalJars"
grep -oP '"\K[a-z]+/[a-z-]+(?=/\{VERSION\}/)' "$SRC/bin/pull_graal_jars.py" | while read -r path; do
  group="org.graalvm.${path%%/*}" artifact="${path##*/}"
  [ -f "$SRC/graalJars/$artifact-$ver.jar" ] || [ -f "$WORK/absent-$artifact-$ver" ] && continue
  say "Graal jar $group:$artifact:$ver"
  if ! mvnw -q -N dependency:copy -Dartifact="$group:$artifact:$ver" -DoutputDirectory="$SRC/graalJars" >>"$WORK/logs/graal.log" 2>&1; then
    # compiler-management is absent from Central for 25.0.2; only libgraal (GraalVM JDKs) uses it.
    if [ "$artifact" = compiler-management ]; then echo "  not on Maven Central; the OpenCL backend does not use it"; touch "$WORK/absent-$artifact-$ver"
    else echo "build-sdk: could not fetch $group:$artifact:$ver (see $WORK/logs/graal.log)" >&2; exit 1; fi
  fi
done

# 3. OpenCL headers where the JNI CMake project looks for its clone of KhronosGroup/OpenCL-Headers.
mkdir -p "$SRC/tornado-drivers/opencl-jni/src/main/cpp/headers/include"
cp -r /usr/include/CL "$SRC/tornado-drivers/opencl-jni/src/main/cpp/headers/include/"

# 4. The Maven build of the jdk25 + OpenCL configuration (tests skipped: they need a device and hours).
echo "tornado.backends=opencl-backend" > "$SRC/tornado-assembly/src/etc/tornado.backend"
head=$(git -C "$SRC" rev-parse HEAD)
if [ "${REBUILD:-0}" = 1 ] || [ "$(cat "$WORK/built-commit" 2>/dev/null)" != "$head" ] || [ ! -e "$SRC/bin/sdk" ]; then
  say "mvnw install (log: $WORK/logs/install.log)"
  if ! mvnw -Pjdk25,opencl-backend -Dtornado.backend=opencl -DskipTests install >"$WORK/logs/install.log" 2>&1; then
    grep -E '\[ERROR\]' "$WORK/logs/install.log" | head -20 >&2
    echo "build-sdk: Maven build failed, see $WORK/logs/install.log" >&2; exit 1
  fi
  echo "$head" > "$WORK/built-commit"
else
  say "commit ${head:0:9} already built (REBUILD=1 to build again)"
fi

# 5. Post-install: link bin/sdk to the assembled SDK, record the backend, write the argfile (all JVM flags
#    a TornadoVM program needs: module path, Graal jars, exports), expanded for this location.
(cd "$SRC" && python3 bin/update_paths.py >"$WORK/logs/update-paths.log")
SDK=$(readlink -f "$SRC/bin/sdk")
echo "tornado.backends=opencl-backend" > "$SDK/etc/tornado.backend"
(cd "$SDK/bin" && TORNADOVM_HOME="$SDK" python3 gen-tornado-argfile-template.py opencl >"$WORK/logs/argfile.log") \
  || { cat "$WORK/logs/argfile.log" >&2; echo "build-sdk: writing the argfile template failed" >&2; exit 1; }
sed "s#\${TORNADOVM_HOME}#$SDK#g" "$SDK/tornado-argfile.template" > "$SDK/tornado-argfile"
# 6. Jars on the SDK's module path that hold packages vdiff takes from its own class path: TornadoVM's EJML 0.38 (for
#    its matrix examples) becomes a named module there and hides vdiff's EJML 0.43 (the demo's metric then fails with a
#    NoSuchMethodError). The OpenCL runtime does not use them (pack-gpu.sh leaves them out too): moved aside, not deleted.
mkdir -p "$SDK/share/java/not-on-module-path"
for j in "$SDK"/share/java/tornado/ejml-*.jar; do [ -e "$j" ] && mv "$j" "$SDK/share/java/not-on-module-path/"; done
printf 'export TORNADOVM_HOME=%s\nexport JAVA_HOME=%s\n' "$SDK" "$JDK" > "$WORK/env.sh"
say "SDK: $SDK"
clinfo -l 2>/dev/null | sed 's/^/  /' || true
echo "export TORNADOVM_HOME=$SDK"
echo "export JAVA_HOME=$JDK"
