package dev.vdiff.tensor.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The vector GEMM kernels warm up on the threads that use them, with no thread of their own. */
class GemmWarmUpTest {
    @Test
    void noWarmUpThreadAndTheVectorKernelsAreChosenOnceCompiled() {
        assumeTrue(Simd.ENABLED, "jdk.incubator.vector is not in the boot layer (or -Dvdiff.simd=false): scalar kernels only");
        float[] c = new float[64 * 64];
        Gemm.sgemm(false, false, 64, 64, 64, new float[64 * 64], 0, 64, new float[64 * 64], 0, 64, c, 0, 64, false);
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().contains("warm")),
            "a warm-up thread is running");
        assertTrue(MicroKernel.warmUp(), "the vector kernels were not compiled within the warm-up budget");
        assertSame(MicroKernel.VECTOR_F, MicroKernel.floatKernel());
        assertSame(MicroKernel.VECTOR_D, MicroKernel.doubleKernel());
    }
}
