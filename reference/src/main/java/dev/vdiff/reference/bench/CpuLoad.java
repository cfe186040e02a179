package dev.vdiff.reference.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine was with <em>other</em> processes during a timed sample, the same measure as the
 * PyTorch baseline's: (CPU time used on the whole machine - this process's CPU time) / (CPUs x wall time),
 * from {@code /proc/stat} and the JVM's process CPU time. 0 = otherwise idle; 0.5 on 2 CPUs = about one
 * core taken by something else. {@link #backgroundFraction()} is null where {@code /proc/stat} is absent.
 */
final class CpuLoad {
    private static final double TICK = 0.01;   // USER_HZ is 100 on Linux
    private final long t0 = System.nanoTime();
    private final Double busy0 = busySeconds();
    private final double own0 = ownSeconds();

    static Double busySeconds() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = line.trim().split("\\s+");
            long sum = 0, idle = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                long v = Long.parseLong(f[i]);
                sum += v;
                if (i == 4 || i == 5) idle += v;   // idle and iowait
            }
            return (sum - idle) * TICK;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static double ownSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() * 1e-9;
        }
        return 0;
    }

    Double backgroundFraction() {
        Double busy1 = busySeconds();
        if (busy0 == null || busy1 == null) return null;
        double wall = (System.nanoTime() - t0) * 1e-9;
        double other = (busy1 - busy0) - (ownSeconds() - own0) - 2 * TICK;   // 2 ticks of slack, as the baseline
        int cpus = Runtime.getRuntime().availableProcessors();
        return wall > 0 ? Math.max(0, other / (cpus * wall)) : null;
    }
}
