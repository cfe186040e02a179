package dev.vdiff.reference.bench;

import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.parallel.Parallel;

/**
 * Timing harness, not a test: runs the benchmark's unet_train_step (or unet_forward with a third argument
 * {@code forward}) and prints, per step, best and median wall time, CPU time of the calling and compute threads,
 * collector pause time and process CPU time (all threads, the collector's included; 10 ms resolution). CPU
 * times are what a loaded machine disturbs least: compare code versions or JVM options by running this
 * alternately. Usage: {@code TrainStepCpuTiming threads steps [train|forward]}.
 */
public final class TrainStepCpuTiming {
    static final java.lang.management.ThreadMXBean TM = java.lang.management.ManagementFactory.getThreadMXBean();
    static long cpu() {
        long t = TM.getCurrentThreadCpuTime();
        for (java.lang.management.ThreadInfo i : TM.getThreadInfo(TM.getAllThreadIds())) {
            if (i != null && i.getThreadName().startsWith("vdiff-compute")) t += TM.getThreadCpuTime(i.getThreadId());
        }
        return t;
    }
    static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    static long gcMs() {
        long t = 0;
        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) t += b.getCollectionTime();
        return t;
    }
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]), steps = Integer.parseInt(args[1]);
        String which = args.length > 2 ? args[2] : "train";
        dev.vdiff.tensor.kernels.MicroKernel.warmUp();
        Workload w = which.equals("train") ? ModelWorkloads.trainStep() : ModelWorkloads.forward();
        double[] wall = new double[steps], cpu = new double[steps], gc = new double[steps], proc = new double[steps];
        Parallel.withThreads(threads, () -> {
            Runnable r = w.prepare(0, Device.JVM);
            for (int i = 0; i < 3; i++) r.run();
            for (int i = 0; i < steps; i++) {
                long g0 = gcMs(), c0 = cpu(), p0 = OS.getProcessCpuTime(), t0 = System.nanoTime();
                r.run();
                wall[i] = (System.nanoTime() - t0) / 1e6; cpu[i] = (cpu() - c0) / 1e6; gc[i] = gcMs() - g0; proc[i] = (OS.getProcessCpuTime() - p0) / 1e6;
            }
            return null;
        });
        java.util.Arrays.sort(wall); java.util.Arrays.sort(cpu); java.util.Arrays.sort(gc); java.util.Arrays.sort(proc);
        System.out.printf("%s threads=%d: wall best %.0f med %.0f ms | cpu best %.0f med %.0f ms | gc med %.0f ms | process cpu best %.0f med %.0f ms%n", which, threads, wall[0], wall[steps / 2], cpu[0], cpu[steps / 2], gc[steps / 2], proc[0], proc[steps / 2]);
    }
}
