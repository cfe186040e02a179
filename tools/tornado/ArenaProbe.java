// ArenaProbe — checks, on TornadoVM's default device, the TornadoVM behaviour that a device-resident design for
// vdiff's tensors relies on (docs/TORNADO.md, "Where data lives"): one execution plan with several task graphs that
// share ONE device array (the "arena") through persistOnDevice / consumeFromDevice, executed in any order, with
// regions uploaded through a small staging array and a copy kernel, and regions read back with a partial download
// (TornadoExecutionResult.transferToHost(DataRange)). Prints what it checked, the bytes TornadoVM's profiler
// reports for each execution, and PROBE PASS / PROBE FAIL (exit status 0 / 1).
//
//   java @$TORNADOVM_HOME/tornado-argfile -Dtornado.recover.bailout=False -cp <this> ArenaProbe
import uk.ac.manchester.tornado.api.DataRange;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

import java.util.Locale;

public final class ArenaProbe {
    static final int ARENA = 1 << 16, STAGE = 1 << 12, LOCAL = 64;

    /** mem[p1 + i] = 2 mem[p0 + i] + 1 for i < p2: a kernel that reads one arena region and writes another. */
    static void affine(KernelContext ctx, IntArray p, FloatArray mem) {
        int i = ctx.globalIdx;
        if (i < p.get(2)) mem.set(p.get(1) + i, 2f * mem.get(p.get(0) + i) + 1f);
    }

    /** mem[p0 + i] = stage[i] for i < p1: an upload of one region. */
    static void upload(KernelContext ctx, IntArray p, FloatArray stage, FloatArray mem) {
        int i = ctx.globalIdx;
        if (i < p.get(1)) mem.set(p.get(0) + i, stage.get(i));
    }

    static int failures;
    static long in, out;

    static void check(String what, boolean ok) {
        System.out.println((ok ? "ok   " : "FAIL ") + what);
        if (!ok) failures++;
    }

    static TornadoExecutionResult run(TornadoExecutionPlan plan, int graph, GridScheduler s, WorkerGrid1D grid, int n, String what) {
        grid.setGlobalWork((long) (n + LOCAL - 1) / LOCAL * LOCAL, 1, 1);
        grid.setLocalWork(LOCAL, 1, 1);
        TornadoExecutionResult r = plan.withGraph(graph).withGridScheduler(s).withProfiler(ProfilerMode.SILENT).execute();
        long bi = r.getProfilerResult().getTotalBytesCopyIn(), bo = r.getProfilerResult().getTotalBytesCopyOut();
        in += bi;
        out += bo;
        System.out.printf(Locale.ROOT, "     %-44s host->device %,9d B, device->host %,9d B%n", what, bi, bo);
        return r;
    }

    public static void main(String[] args) throws Exception {
        FloatArray mem = new FloatArray(ARENA), stage = new FloatArray(STAGE);
        IntArray pc = new IntArray(4), pu = new IntArray(4);
        TaskGraph compute = new TaskGraph("arena")
            .transferToDevice(DataTransferMode.FIRST_EXECUTION, mem)
            .transferToDevice(DataTransferMode.EVERY_EXECUTION, pc)
            .task("t", ArenaProbe::affine, new KernelContext(), pc, mem)
            .persistOnDevice(mem)
            .transferToHost(DataTransferMode.UNDER_DEMAND, mem);
        TaskGraph up = new TaskGraph("upload")
            .transferToDevice(DataTransferMode.EVERY_EXECUTION, pu, stage)
            .consumeFromDevice("arena", mem)
            .task("t", ArenaProbe::upload, new KernelContext(), pu, stage, mem)
            .persistOnDevice(mem);
        WorkerGrid1D gc = new WorkerGrid1D(LOCAL), gu = new WorkerGrid1D(LOCAL);
        GridScheduler sc = new GridScheduler("arena.t", gc), su = new GridScheduler("upload.t", gu);
        int n = 3000, a = 1024, b = 8192, c = 20000, d = 40000, e = 60000 - 4096;
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(compute.snapshot(), up.snapshot())) {
            // 0. the arena graph once with nothing to do: allocates the arena on the device (zeros, one upload)
            pc.set(0, 0); pc.set(1, 0); pc.set(2, 0);
            run(plan, 0, sc, gc, 1, "allocate the arena (first execution)");
            long afterAlloc = in;
            // 1. upload region A through the staging array
            for (int i = 0; i < n; i++) stage.set(i, i * 0.5f);
            pu.set(0, a); pu.set(1, n);
            run(plan, 1, su, gu, n, "upload A (staging array + copy kernel)");
            // 2. B = 2A + 1 on the device, then read B back partially
            pc.set(0, a); pc.set(1, b); pc.set(2, n);
            TornadoExecutionResult r = run(plan, 0, sc, gc, n, "B = 2A + 1 (arena graph)");
            for (int i = 0; i < ARENA; i++) mem.set(i, -7f);   // host copy garbage: a partial download must fill B only
            long t0 = System.nanoTime();
            r.transferToHost(new DataRange(mem).withOffset(b).withSize(n));
            System.out.printf(Locale.ROOT, "     partial download of B (%d floats) in %.2f ms%n", n, (System.nanoTime() - t0) / 1e6);
            boolean okB = true;
            for (int i = 0; i < n; i++) okB &= mem.get(b + i) == 2f * (i * 0.5f) + 1f;
            check("B read back through DataRange equals 2A + 1", okB);
            check("the partial download left the rest of the host array alone", mem.get(b - 1) == -7f && mem.get(b + n) == -7f && mem.get(a) == -7f);
            // 3. a second upload (region C) after the arena graph ran: does the arena graph see it?
            for (int i = 0; i < n; i++) stage.set(i, 1000f - i);
            pu.set(0, c); pu.set(1, n);
            run(plan, 1, su, gu, n, "upload C");
            pc.set(0, c); pc.set(1, d); pc.set(2, n);
            r = run(plan, 0, sc, gc, n, "D = 2C + 1");
            // 4. B stayed on the device through the other graph's launches: E = 2B + 1 from the resident B
            pc.set(0, b); pc.set(1, e); pc.set(2, n);
            r = run(plan, 0, sc, gc, n, "E = 2B + 1 (B resident since step 2)");
            r.transferToHost(new DataRange(mem).withOffset(d).withSize(n));
            r.transferToHost(new DataRange(mem).withOffset(e).withSize(n));
            boolean okD = true, okE = true;
            for (int i = 0; i < n; i++) {
                okD &= mem.get(d + i) == 2f * (1000f - i) + 1f;
                okE &= mem.get(e + i) == 2f * (2f * (i * 0.5f) + 1f) + 1f;
            }
            check("D = 2C + 1: the arena graph sees the upload graph's second write", okD);
            check("E = 2B + 1: B kept on the device across both graphs' launches", okE);
            check("the arena itself crossed the bus once (its first execution), then only launch parameters and the staging array",
                in - afterAlloc == 2L * (4L * STAGE + 24 + 16) + 3L * (16 + 24) || in - afterAlloc < 3L * 4 * STAGE);
            System.out.printf(Locale.ROOT, "     total host->device %,d B (arena allocation %,d B), device->host %,d B by the profiler%n", in, afterAlloc, out);
        }
        System.out.println(failures == 0 ? "PROBE PASS" : "PROBE FAIL (" + failures + ")");
        System.exit(failures == 0 ? 0 : 1);
    }
}
