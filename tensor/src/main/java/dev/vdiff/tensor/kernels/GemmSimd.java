package dev.vdiff.tensor.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API micro-kernels: an 8 x (3 vectors) tile of C kept in 24 vector registers (AVX-512: 8 x 48
 * floats or 8 x 24 doubles), the shape that measured fastest among 4..12 rows x 2..4 vectors on AVX-512
 * (on the loaded AMD EPYC of 2026-12-07, 8x3, 6x4, 4x6 and 12x2 all reached the same 115-117 GFLOP/s).
 * Per step k: load 3 vectors of the B panel, broadcast each of the 8 A values, 24 fused multiply-adds.
 * The float kernel also reads B in place ({@code tileRows}: row k of B anywhere in an array, for operands
 * such as the stride-1 convolution's padded grid that need no packing).
 * The code is unrolled by hand (generated once, then kept as source): C2 keeps vector locals in
 * registers only when every operation on them is inlined into one method.
 *
 * <p>Only loaded when {@link Simd#ENABLED}. Fulfils the {@link MicroKernel} contract, so the results equal the
 * scalar kernels' bit for bit (both use one fused multiply-add per product, in the same order).
 */
final class GemmSimd {
    private GemmSimd() {}

    static MicroKernel.F floatKernel() {
        return new FloatTile();
    }

    static MicroKernel.F wideFloatKernel() {
        return new FloatTileWide();
    }

    static MicroKernel.D doubleKernel() {
        return new DoubleTile();
    }

    /*
     * Warm-up on the caller's thread, no thread of its own. Below C2 the Vector API is not intrinsified (every
     * operation allocates and loops over lanes): these kernels are then some 500 times slower than compiled,
     * and slower than the scalar kernel. C2 compiles a method only after it has been called (and looped) often
     * enough. So until a kernel is compiled, each product runs the scalar kernel (same bits) and, before that,
     * a few calls of the vector kernel on a tiny problem ("warm steps"), timing them; once a call is as fast as
     * only compiled code can be, the products switch to the vector kernel. The first product of a kind warms
     * up back to back for at most FIRST_WARM_NS (about a second on a quiet machine is enough: C2 compiles the
     * kernels after some 600 calls); if C2 has not delivered by then (a loaded machine's compile queue can take
     * minutes), later warm steps are skipped while less than their own cost has passed since the last one, so
     * they take at most half of the callers' time. A JVM without C2 (-Xint, -XX:TieredStopAtLevel below 4)
     * never compiles them: there products stay scalar and no warm step runs.
     */
    private static final int WARM_KC = 32, WARM_CALLS = 8;
    private static final int[] WARM_ROWS = new int[WARM_KC];   // tileRows on the warm-up problem: B row k at k * NR
    static {
        for (int k = 0; k < WARM_KC; k++) WARM_ROWS[k] = k * FloatTile.NR;
    }
    /** Compiled: 8 x 48 x 32 = 12k fused multiply-adds take about half a microsecond (float: four such calls, tile and tileRows of the 8 x 48 and the 4 x 64 kernel, and four smaller ones of the partial-width tiles); below C2, hundreds. */
    private static final long COMPILED_NS = 10_000;
    private static final boolean C2 = c2Available();

    private static volatile boolean floatCompiled, doubleCompiled;
    private static volatile long nextFloatWarm, nextDoubleWarm;   // System.nanoTime() before which no warm step runs
    private static final long FIRST_WARM_NS = 2_000_000_000L;
    private static final java.util.concurrent.atomic.AtomicBoolean FLOAT_FIRST = new java.util.concurrent.atomic.AtomicBoolean(),
        DOUBLE_FIRST = new java.util.concurrent.atomic.AtomicBoolean();

    private static boolean c2Available() {
        try {
            var vm = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Boolean.parseBoolean(vm.getVMOption("UseCompiler").getValue())
                && (!Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue())
                    || Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) >= 4);
        } catch (RuntimeException | LinkageError e) {
            return true;   // not HotSpot, or options unknown: assume an optimising compiler and keep trying
        }
    }

    /** True once the float32 kernels run at compiled speed; before, runs a warm step when one is due (see above). */
    static boolean floatCompiled() {
        if (floatCompiled || !C2) return floatCompiled;
        if (FLOAT_FIRST.compareAndSet(false, true)) {
            long end = System.nanoTime() + FIRST_WARM_NS;
            while (!floatCompiled && System.nanoTime() - end < 0) floatWarmStep(true);
            return floatCompiled;
        }
        return floatWarmStep(false);
    }

    /** One warm step; unless {@code now}, only when due. */
    private static boolean floatWarmStep(boolean now) {
        long t0 = System.nanoTime();
        if (!now && t0 - nextFloatWarm < 0) return false;
        FloatTile f = new FloatTile();
        FloatTileWide fw = new FloatTileWide();
        float[] a = new float[WARM_KC * FloatTile.MR], b = new float[WARM_KC * FloatTileWide.NR], c = new float[FloatTile.MR * FloatTileWide.NR];
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < WARM_CALLS; i++) {
            long s = System.nanoTime();
            f.tile(WARM_KC, a, 0, b, 0, c, 0, FloatTile.NR);
            f.tileRows(WARM_KC, a, 0, b, WARM_ROWS, 0, 0, c, 0, FloatTile.NR, null);
            fw.tile(WARM_KC, a, 0, b, 0, c, 0, FloatTileWide.NR);
            fw.tileRows(WARM_KC, a, 0, b, WARM_ROWS, 0, 0, c, 0, FloatTileWide.NR, null);
            for (int v = 1; v <= 2; v++) {   // the partial-width tiles (GemmSimdNarrow)
                FloatTile.NARROW.tile(v, WARM_KC, a, 0, b, 0, FloatTile.NR, c, 0, FloatTile.NR);
                FloatTile.NARROW.tileRows(v, WARM_KC, a, 0, b, WARM_ROWS, 0, 0, c, 0, FloatTile.NR);
            }
            fastest = Math.min(fastest, System.nanoTime() - s);
        }
        if (fastest < COMPILED_NS) floatCompiled = true;
        long t1 = System.nanoTime();
        nextFloatWarm = t1 + (t1 - t0);
        return floatCompiled;
    }

    /** The float64 form of {@link #floatCompiled()}. */
    static boolean doubleCompiled() {
        if (doubleCompiled || !C2) return doubleCompiled;
        if (DOUBLE_FIRST.compareAndSet(false, true)) {
            long end = System.nanoTime() + FIRST_WARM_NS;
            while (!doubleCompiled && System.nanoTime() - end < 0) doubleWarmStep(true);
            return doubleCompiled;
        }
        return doubleWarmStep(false);
    }

    /** One warm step; unless {@code now}, only when due. */
    private static boolean doubleWarmStep(boolean now) {
        long t0 = System.nanoTime();
        if (!now && t0 - nextDoubleWarm < 0) return false;
        DoubleTile d = new DoubleTile();
        double[] a = new double[WARM_KC * DoubleTile.MR], b = new double[WARM_KC * DoubleTile.NR], c = new double[DoubleTile.MR * DoubleTile.NR];
        long fastest = Long.MAX_VALUE;
        for (int i = 0; i < WARM_CALLS; i++) {
            long s = System.nanoTime();
            d.tile(WARM_KC, a, 0, b, 0, c, 0, DoubleTile.NR);
            fastest = Math.min(fastest, System.nanoTime() - s);
        }
        if (fastest < COMPILED_NS) doubleCompiled = true;
        long t1 = System.nanoTime();
        nextDoubleWarm = t1 + (t1 - t0);
        return doubleCompiled;
    }

    /**
     * Runs warm steps back to back until both kernels are compiled (at most {@code maxSeconds}) and says
     * whether they are: for benchmarks that want the vector kernels from their first timed call.
     */
    static boolean warmUpNow(double maxSeconds) {
        long giveUp = System.nanoTime() + (long) (maxSeconds * 1e9);
        while (C2 && !(floatCompiled && doubleCompiled) && System.nanoTime() - giveUp < 0) {
            if (!floatCompiled) floatWarmStep(true);
            if (!doubleCompiled) doubleWarmStep(true);
        }
        return floatCompiled && doubleCompiled;
    }

    /** C[8, 3L] (+)= A-panel[kc, 8]^T . B-panel[kc, 3L], L = lanes of the preferred float species. */
    private static final class FloatTile implements MicroKernel.F {
        static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        static final int L = S.length(), MR = 8, NR = 3 * L;
        static final GemmSimdNarrow NARROW = new GemmSimdNarrow();

        public int mr() { return MR; }
        public int nr() { return NR; }
        @Override public MicroKernel.NarrowF narrow() { return NARROW; }

        public void tile(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc) {
            FloatVector z = FloatVector.zero(S);
            FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z;
            FloatVector c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z;
            FloatVector c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z;
            FloatVector c60 = z, c61 = z, c62 = z, c70 = z, c71 = z, c72 = z;
            for (int k = 0; k < kc; k++) {
                int bk = bo + k * NR, ak = ao + k * MR;
                FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L), b2 = FloatVector.fromArray(S, b, bk + 2 * L);
                { FloatVector x = FloatVector.broadcast(S, a[ak + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); c62 = x.fma(b2, c62); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); c72 = x.fma(b2, c72); }
            }
            // C += acc, written out here rather than in a helper: a vector passed to a call that C2 does not inline
            // is boxed (an allocation per use). No branch on the data either: a branch that profiling saw go one
            // way only is compiled as a trap, and recompiling this method takes C2 seconds.
            int o;
            o = co;
            FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c02).intoArray(c, o + 2 * L);
            o = co + ldc;
            FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c12).intoArray(c, o + 2 * L);
            o = co + 2 * ldc;
            FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c22).intoArray(c, o + 2 * L);
            o = co + 3 * ldc;
            FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c32).intoArray(c, o + 2 * L);
            o = co + 4 * ldc;
            FloatVector.fromArray(S, c, o).add(c40).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c41).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c42).intoArray(c, o + 2 * L);
            o = co + 5 * ldc;
            FloatVector.fromArray(S, c, o).add(c50).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c51).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c52).intoArray(c, o + 2 * L);
            o = co + 6 * ldc;
            FloatVector.fromArray(S, c, o).add(c60).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c61).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c62).intoArray(c, o + 2 * L);
            o = co + 7 * ldc;
            FloatVector.fromArray(S, c, o).add(c70).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c71).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c72).intoArray(c, o + 2 * L);
        }

        /** {@link #tile} with B's rows read where they lie ({@link MicroKernel.F#tileRows}); generated from it. */
        public void tileRows(int kc, float[] a, int ao, float[] b, int[] rows, int ro, int bBase, float[] c, int co, int ldc, float[] unused) {
            FloatVector z = FloatVector.zero(S);
            FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z;
            FloatVector c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z;
            FloatVector c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z;
            FloatVector c60 = z, c61 = z, c62 = z, c70 = z, c71 = z, c72 = z;
            for (int k = 0; k < kc; k++) {
                int bk = bBase + rows[ro + k], ak = ao + k * MR;   // B row k read in place, no panel
                FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L), b2 = FloatVector.fromArray(S, b, bk + 2 * L);
                { FloatVector x = FloatVector.broadcast(S, a[ak + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); c62 = x.fma(b2, c62); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); c72 = x.fma(b2, c72); }
            }
            // C += acc, written out here rather than in a helper: a vector passed to a call that C2 does not inline
            // is boxed (an allocation per use). No branch on the data either: a branch that profiling saw go one
            // way only is compiled as a trap, and recompiling this method takes C2 seconds.
            int o;
            o = co;
            FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c02).intoArray(c, o + 2 * L);
            o = co + ldc;
            FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c12).intoArray(c, o + 2 * L);
            o = co + 2 * ldc;
            FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c22).intoArray(c, o + 2 * L);
            o = co + 3 * ldc;
            FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c32).intoArray(c, o + 2 * L);
            o = co + 4 * ldc;
            FloatVector.fromArray(S, c, o).add(c40).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c41).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c42).intoArray(c, o + 2 * L);
            o = co + 5 * ldc;
            FloatVector.fromArray(S, c, o).add(c50).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c51).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c52).intoArray(c, o + 2 * L);
            o = co + 6 * ldc;
            FloatVector.fromArray(S, c, o).add(c60).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c61).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c62).intoArray(c, o + 2 * L);
            o = co + 7 * ldc;
            FloatVector.fromArray(S, c, o).add(c70).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c71).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c72).intoArray(c, o + 2 * L);
        }
    }

    /**
     * C[4, 4L] (+)= A-panel[kc, 4]^T . B-panel[kc, 4L]: 16 accumulators, four rows by four vectors (AVX-512:
     * 4 x 64 floats). For products whose B columns come in runs of a multiple of 64 (the convolution weight
     * gradient's (tap, channel) columns with 64, 128, 192 or 256 channels), so that every panel lies inside
     * one run and B can be read in place; a row count of 4 also divides every output-channel count of the
     * models (4, 64, 128). Same contract and bits as {@link FloatTile}.
     */
    private static final class FloatTileWide implements MicroKernel.F {
        static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        static final int L = S.length(), MR = 4, NR = 4 * L;

        public int mr() { return MR; }
        public int nr() { return NR; }

        public void tile(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc) {
            FloatVector z = FloatVector.zero(S);
            FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
            FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
            FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
            FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
            for (int k = 0; k < kc; k++) {
                int bk = bo + k * NR, ak = ao + k * MR;
                FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L), b2 = FloatVector.fromArray(S, b, bk + 2 * L), b3 = FloatVector.fromArray(S, b, bk + 3 * L);
                { FloatVector x = FloatVector.broadcast(S, a[ak + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33); }
            }
            // C += acc, written out (see FloatTile)
            int o;
            o = co;
            FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c02).intoArray(c, o + 2 * L);
            FloatVector.fromArray(S, c, o + 3 * L).add(c03).intoArray(c, o + 3 * L);
            o = co + ldc;
            FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c12).intoArray(c, o + 2 * L);
            FloatVector.fromArray(S, c, o + 3 * L).add(c13).intoArray(c, o + 3 * L);
            o = co + 2 * ldc;
            FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c22).intoArray(c, o + 2 * L);
            FloatVector.fromArray(S, c, o + 3 * L).add(c23).intoArray(c, o + 3 * L);
            o = co + 3 * ldc;
            FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c32).intoArray(c, o + 2 * L);
            FloatVector.fromArray(S, c, o + 3 * L).add(c33).intoArray(c, o + 3 * L);
        }

        /** {@link #tile} with B's rows read where they lie ({@link MicroKernel.F#tileRows}). */
        public void tileRows(int kc, float[] a, int ao, float[] b, int[] rows, int ro, int bBase, float[] c, int co, int ldc, float[] unused) {
            FloatVector z = FloatVector.zero(S);
            FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
            FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
            FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
            FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
            for (int k = 0; k < kc; k++) {
                int bk = bBase + rows[ro + k], ak = ao + k * MR;   // B row k read in place, no panel
                FloatVector b0 = FloatVector.fromArray(S, b, bk), b1 = FloatVector.fromArray(S, b, bk + L), b2 = FloatVector.fromArray(S, b, bk + 2 * L), b3 = FloatVector.fromArray(S, b, bk + 3 * L);
                { FloatVector x = FloatVector.broadcast(S, a[ak + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23); }
                { FloatVector x = FloatVector.broadcast(S, a[ak + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33); }
            }
            // C += acc, written out (see FloatTile)
            int o;
            o = co;
            FloatVector.fromArray(S, c, o).add(c00).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c02).intoArray(c, o + 2 * L);
            FloatVector.fromArray(S, c, o + 3 * L).add(c03).intoArray(c, o + 3 * L);
            o = co + ldc;
            FloatVector.fromArray(S, c, o).add(c10).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c12).intoArray(c, o + 2 * L);
            FloatVector.fromArray(S, c, o + 3 * L).add(c13).intoArray(c, o + 3 * L);
            o = co + 2 * ldc;
            FloatVector.fromArray(S, c, o).add(c20).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c22).intoArray(c, o + 2 * L);
            FloatVector.fromArray(S, c, o + 3 * L).add(c23).intoArray(c, o + 3 * L);
            o = co + 3 * ldc;
            FloatVector.fromArray(S, c, o).add(c30).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
            FloatVector.fromArray(S, c, o + 2 * L).add(c32).intoArray(c, o + 2 * L);
            FloatVector.fromArray(S, c, o + 3 * L).add(c33).intoArray(c, o + 3 * L);
        }
    }

    /** C[8, 3L] (+)= A-panel[kc, 8]^T . B-panel[kc, 3L], L = lanes of the preferred double species. */
    private static final class DoubleTile implements MicroKernel.D {
        static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
        static final int L = S.length(), MR = 8, NR = 3 * L;

        public int mr() { return MR; }
        public int nr() { return NR; }

        public void tile(int kc, double[] a, int ao, double[] b, int bo, double[] c, int co, int ldc) {
            DoubleVector z = DoubleVector.zero(S);
            DoubleVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z;
            DoubleVector c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z;
            DoubleVector c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z;
            DoubleVector c60 = z, c61 = z, c62 = z, c70 = z, c71 = z, c72 = z;
            for (int k = 0; k < kc; k++) {
                int bk = bo + k * NR, ak = ao + k * MR;
                DoubleVector b0 = DoubleVector.fromArray(S, b, bk), b1 = DoubleVector.fromArray(S, b, bk + L), b2 = DoubleVector.fromArray(S, b, bk + 2 * L);
                { DoubleVector x = DoubleVector.broadcast(S, a[ak + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); }
                { DoubleVector x = DoubleVector.broadcast(S, a[ak + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); }
                { DoubleVector x = DoubleVector.broadcast(S, a[ak + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); }
                { DoubleVector x = DoubleVector.broadcast(S, a[ak + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); }
                { DoubleVector x = DoubleVector.broadcast(S, a[ak + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); }
                { DoubleVector x = DoubleVector.broadcast(S, a[ak + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); }
                { DoubleVector x = DoubleVector.broadcast(S, a[ak + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61); c62 = x.fma(b2, c62); }
                { DoubleVector x = DoubleVector.broadcast(S, a[ak + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71); c72 = x.fma(b2, c72); }
            }
            // C += acc, written out here rather than in a helper: a vector passed to a call that C2 does not inline
            // is boxed (an allocation per use). No branch on the data either: a branch that profiling saw go one
            // way only is compiled as a trap, and recompiling this method takes C2 seconds.
            int o;
            o = co;
            DoubleVector.fromArray(S, c, o).add(c00).intoArray(c, o);
            DoubleVector.fromArray(S, c, o + L).add(c01).intoArray(c, o + L);
            DoubleVector.fromArray(S, c, o + 2 * L).add(c02).intoArray(c, o + 2 * L);
            o = co + ldc;
            DoubleVector.fromArray(S, c, o).add(c10).intoArray(c, o);
            DoubleVector.fromArray(S, c, o + L).add(c11).intoArray(c, o + L);
            DoubleVector.fromArray(S, c, o + 2 * L).add(c12).intoArray(c, o + 2 * L);
            o = co + 2 * ldc;
            DoubleVector.fromArray(S, c, o).add(c20).intoArray(c, o);
            DoubleVector.fromArray(S, c, o + L).add(c21).intoArray(c, o + L);
            DoubleVector.fromArray(S, c, o + 2 * L).add(c22).intoArray(c, o + 2 * L);
            o = co + 3 * ldc;
            DoubleVector.fromArray(S, c, o).add(c30).intoArray(c, o);
            DoubleVector.fromArray(S, c, o + L).add(c31).intoArray(c, o + L);
            DoubleVector.fromArray(S, c, o + 2 * L).add(c32).intoArray(c, o + 2 * L);
            o = co + 4 * ldc;
            DoubleVector.fromArray(S, c, o).add(c40).intoArray(c, o);
            DoubleVector.fromArray(S, c, o + L).add(c41).intoArray(c, o + L);
            DoubleVector.fromArray(S, c, o + 2 * L).add(c42).intoArray(c, o + 2 * L);
            o = co + 5 * ldc;
            DoubleVector.fromArray(S, c, o).add(c50).intoArray(c, o);
            DoubleVector.fromArray(S, c, o + L).add(c51).intoArray(c, o + L);
            DoubleVector.fromArray(S, c, o + 2 * L).add(c52).intoArray(c, o + 2 * L);
            o = co + 6 * ldc;
            DoubleVector.fromArray(S, c, o).add(c60).intoArray(c, o);
            DoubleVector.fromArray(S, c, o + L).add(c61).intoArray(c, o + L);
            DoubleVector.fromArray(S, c, o + 2 * L).add(c62).intoArray(c, o + 2 * L);
            o = co + 7 * ldc;
            DoubleVector.fromArray(S, c, o).add(c70).intoArray(c, o);
            DoubleVector.fromArray(S, c, o + L).add(c71).intoArray(c, o + L);
            DoubleVector.fromArray(S, c, o + 2 * L).add(c72).intoArray(c, o + 2 * L);
        }
    }
}
