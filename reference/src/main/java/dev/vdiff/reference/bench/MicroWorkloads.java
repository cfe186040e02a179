package dev.vdiff.reference.bench;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.ops.Attention;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Normalization;
import dev.vdiff.tensor.random.Rng;

import java.util.List;

/**
 * The six micro-benchmarks of {@code shared/bench/README.md}, same workloads as
 * {@code pytorch_baseline.py}: float32, inputs built before timing, forward + backward where the key says
 * so (gradients of every input and parameter, as {@code torch.autograd.grad} computes them).
 */
final class MicroWorkloads {
    private MicroWorkloads() {}

    static final int HEADS = 4, HEAD_DIM = 32;

    static List<Workload> all() {
        return List.of(matmul(512), matmul(1024), conv2d(), attention("attn_spatial_fwd_bwd", 16, 256),
            attention("attn_temporal_fwd_bwd", 2 * 16 * 16, 8), groupNorm());
    }

    /** Plans of the micro-benchmarks: (3 warm-up, 15 samples, 0.2 s) full, (1, 5, 0.05 s) quick. */
    abstract static class Micro implements Workload {
        private final String key;
        private final Long flop;

        Micro(String key, Long flop) {
            this.key = key;
            this.flop = flop;
        }

        @Override public String key() { return key; }
        @Override public Long flop() { return flop; }
        @Override public int[] plan(boolean quick) { return quick ? new int[] {1, 5} : new int[] {3, 15}; }
        @Override public double minSampleS(boolean quick) { return quick ? 0.05 : 0.2; }
    }

    /** C = A B for square float32 matrices. */
    static Workload matmul(int n) {
        return new Micro("matmul_" + n, 2L * n * n * n) {
            @Override
            public Runnable prepare(long seed, Device device) {
                Rng rng = Rng.seed(seed);
                Tensor a = rng.normal(DType.FLOAT32, n, n).moveTo(device), b = rng.normal(DType.FLOAT32, n, n).moveTo(device);
                return () -> LinearAlgebra.matmul(a, b);
            }
        };
    }

    /** Conv 3x3, 64->64, stride 1, padding 1, bias, on x [16, 64, 32, 32]: forward, then dx, dW, db. */
    static Workload conv2d() {
        long fwd = 2L * 16 * 64 * 32 * 32 * 64 * 9;
        return new Micro("conv2d_fwd_bwd", 3 * fwd) {
            @Override
            public Runnable prepare(long seed, Device device) {
                Rng rng = Rng.seed(seed);
                Tensor x = rng.normal(DType.FLOAT32, 16, 64, 32, 32).requiresGrad(true).moveTo(device);
                double bound = 1 / Math.sqrt(64 * 9);
                Tensor w = rng.uniform(-bound, bound, DType.FLOAT32, 64, 64, 3, 3).requiresGrad(true);
                Tensor b = rng.uniform(-bound, bound, DType.FLOAT32, 64).requiresGrad(true);
                Tensor gout = rng.normal(DType.FLOAT32, 16, 64, 32, 32);
                return () -> {
                    clear(x, w, b);
                    Convolution.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1}).backward(gout);
                };
            }
        };
    }

    /** Attention core on q, k, v [S, T, 128], 4 heads x 32: forward, then dq, dk, dv. */
    static Workload attention(String key, int s, int t) {
        long fwd = 4L * s * HEADS * t * t * HEAD_DIM;
        return new Micro(key, 3 * fwd) {
            @Override
            public Runnable prepare(long seed, Device device) {
                Rng rng = Rng.seed(seed);
                int c = HEADS * HEAD_DIM;
                Tensor q = rng.normal(DType.FLOAT32, s, t, c).requiresGrad(true).moveTo(device);
                Tensor k = rng.normal(DType.FLOAT32, s, t, c).requiresGrad(true);
                Tensor v = rng.normal(DType.FLOAT32, s, t, c).requiresGrad(true);
                Tensor go = rng.normal(DType.FLOAT32, s, t, c);
                return () -> {
                    clear(q, k, v);
                    Attention.multiHead(q, k, v, HEADS).backward(go);
                };
            }
        };
    }

    /** GroupNorm (32 groups, eps 1e-5, affine) on [16, 128, 16, 16]: forward, then dx, dgamma, dbeta. */
    static Workload groupNorm() {
        return new Micro("groupnorm_fwd_bwd", null) {
            @Override
            public Runnable prepare(long seed, Device device) {
                Rng rng = Rng.seed(seed);
                Tensor x = rng.normal(DType.FLOAT32, 16, 128, 16, 16).requiresGrad(true).moveTo(device);
                Tensor w = Tensor.ones(DType.FLOAT32, 128).requiresGrad(true);
                Tensor b = Tensor.zeros(DType.FLOAT32, 128).requiresGrad(true);
                Tensor go = rng.normal(DType.FLOAT32, 16, 128, 16, 16);
                return () -> {
                    clear(x, w, b);
                    Normalization.groupNorm(x, 32, w, b, 1e-5).backward(go);
                };
            }
        };
    }

    /** torch.autograd.grad returns fresh gradients; we drop the previous call's so nothing accumulates. */
    static void clear(Tensor... ts) {
        for (Tensor t : ts) t.zeroGrad();
    }
}
