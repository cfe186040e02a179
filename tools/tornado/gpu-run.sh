#!/usr/bin/env bash
# gpu-run.sh — the GPU trip, in one call on a machine with an NVIDIA GPU, PyTorch, no Java, no network.
# Run from the repository root with the bundle of pack-gpu.sh carried along:
#
#   bash tools/tornado/gpu-run.sh target/tornado-gpu/bundle.tar.gz      (steps capped at 570 s in all; typically about 5 minutes)
#
# 1. finds NVIDIA's OpenCL driver (libnvidia-opencl.so.1) and says what it found; registers it with the
#    ICD loader if no vendor file does; uses the carried libOpenCL.so.1 if the machine has no loader;
# 1b. ArenaProbe: the TornadoVM behaviour the device arena relies on (graphs of one plan sharing one device
#    array, uploads through a staging array, partial read-backs), on this device's OpenCL;
# 2. CrossCheck: every offloaded kernel against the JVM path, on the GPU (bailout off);
# 2b. TrainStepCheck: the whole VideoUNet step (loss, output, every gradient) against the JVM step;
# 3. DeviceBench: the GEMM kernel alone, 4096^3, data resident;
# 4. GpuBench on --backend tornado; TransferCount (bytes host<->device per train step); then the unet_train_step on the JVM with 2 threads (the CPU baseline);
# 5. the same workloads in PyTorch eager on CUDA.
# Logs go to $OUT (the device tool's result folder) or target/tornado-gpu/out. Each step has a timeout, so
# one hang cannot eat the whole trip; a step that fails is reported and the next one still runs.
# For a dry run on PoCL: GPU_RUN_WORK=groupnorm_fwd_bwd GPU_RUN_CROSSCHECK_ARGS=--quick GPU_RUN_GEMM_N=128
# GPU_RUN_TRAINSTEP=0 GPU_RUN_TRANSFERS=tiny (the train step takes ~12 min on PoCL).
set -uo pipefail
BUNDLE=${1:?usage: gpu-run.sh <bundle.tar.gz>}
LOG=${OUT:-target/tornado-gpu/out}
mkdir -p "$LOG"
B=$(mktemp -d /tmp/vdiff-gpu.XXXX)
tar xzf "$BUNDLE" -C "$B"
exec > >(tee "$LOG/gpu-run.log") 2>&1
echo "bundle of commit $(cat "$B/COMMIT"), unpacked in $B; $(date -u)"
nvidia-smi -L 2>/dev/null || echo "nvidia-smi: not found"

echo "== OpenCL driver"
found=""
for d in $(ldconfig -p 2>/dev/null | awk '/libnvidia-opencl.so.1/ {print $NF}') /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64 /usr/local/cuda/compat /usr/lib/wsl/lib; do
  f="$d"; [ -d "$d" ] && f="$d/libnvidia-opencl.so.1"
  if [ -e "$f" ]; then found=$(readlink -f "$f"); break; fi
done
echo "libnvidia-opencl.so.1: ${found:-NOT FOUND}"
echo "vendor files: $(ls /etc/OpenCL/vendors/ 2>/dev/null | tr '\n' ' ' || true)"
[ -d /etc/OpenCL/vendors ] && cat /etc/OpenCL/vendors/*.icd 2>/dev/null; echo
if [ -n "$found" ] && ! grep -qs nvidia /etc/OpenCL/vendors/*.icd; then
  mkdir -p "$B/vendors" && echo "$found" > "$B/vendors/nvidia.icd"
  export OCL_ICD_VENDORS="$B/vendors"
  echo "registered $found through OCL_ICD_VENDORS=$OCL_ICD_VENDORS"
fi
if ldconfig -p 2>/dev/null | grep -q "libOpenCL.so.1 "; then echo "ICD loader: the machine's"
else export LD_LIBRARY_PATH="$B/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; echo "ICD loader: carried ($B/lib)"; fi

export TORNADOVM_HOME="$B/sdk"
sed "s#\${TORNADOVM_HOME}#$TORNADOVM_HOME#g" "$TORNADOVM_HOME/tornado-argfile.template" > "$TORNADOVM_HOME/tornado-argfile"
CP="$B/app/vdiff-tensor.jar:$B/app/vdiff-diffusion.jar:$B/app/vdiff-tornado.jar:$B/app/bench:$(ls "$B"/app/j*.jar 2>/dev/null | tr '\n' ':')"
# HotSpot's signal chaining: the OpenCL runtime may replace the JVM's SIGSEGV/SIGBUS/SIGFPE handlers (PoCL's LLVM
# does; docs/PERFORMANCE.md, "HotSpot's signal handlers beside TornadoVM's OpenCL runtime")
JSIG="$B/jre/lib/libjsig.so"
[ -f "$JSIG" ] || { echo "gpu-run: no $JSIG: the OpenCL runtime's signal handlers are not chained"; JSIG=; }
J=(env ${JSIG:+LD_PRELOAD="$JSIG"} "$B/jre/bin/java" @"$TORNADOVM_HOME/tornado-argfile" -Dtornado.recover.bailout=False -Xmx24g -cp "$CP")
JVM=("$B/jre/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xmx24g -cp "$CP")
WORK=${GPU_RUN_WORK:-unet_train_step,unet_forward,matmul_1024,matmul_4096,conv2d_fwd_bwd,groupnorm_fwd_bwd}
step() { local t=$1; shift; echo; echo "== [$(date +%T)] $*"; timeout "$t" "$@"; local rc=$?; echo "-- exit $rc"; }

if [ -n "$found" ] || [ -n "$(ls /etc/OpenCL/vendors/*.icd 2>/dev/null)" ]; then
  step 25 "${J[@]}" ArenaProbe | tee "$LOG/arenaprobe.log"
  step 120 "${J[@]}" dev.vdiff.tornado.CrossCheck ${GPU_RUN_CROSSCHECK_ARGS:-} | tee "$LOG/crosscheck.log"
  [ "${GPU_RUN_TRAINSTEP:-1}" = 1 ] && step 90 "${J[@]}" TrainStepCheck tornado | tee "$LOG/trainstep.log"
  step 40 "${J[@]}" dev.vdiff.tornado.DeviceBench ${GPU_RUN_GEMM_N:-4096} 10
  step 115 "${J[@]}" GpuBench tornado 16 5 "$WORK"
  # bytes over the bus per benchmark train step, as TornadoVM's profiler counts them
  step 60 "${J[@]}" -Dvdiff.tornado.countTransfers=true TransferCount ${GPU_RUN_TRANSFERS:-benchmark} | tee "$LOG/transfers.log"
else
  echo "no NVIDIA OpenCL driver found: the TornadoVM steps are skipped"
fi
step 75 "${JVM[@]}" GpuBench jvm 2 2 unet_train_step
step 45 python3 "$B/py/torch_cuda_bench.py" 10 "$WORK"
echo "done $(date -u)"
