package dev.vdiff.reference.mcm.experiment;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The machine's load, for the report: timings on a shared machine are only comparable as ratios measured in one run. */
final class MachineLoadLine {
    private MachineLoadLine() {}

    /** {@code "load average 3.1, 2.9, 2.5 on 2 cores"} (from /proc/loadavg where it exists). */
    static String describe() {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            Path p = Path.of("/proc/loadavg");
            if (Files.isReadable(p)) {
                String[] f = Files.readString(p).trim().split("\\s+");
                return "load average " + f[0] + ", " + f[1] + ", " + f[2] + " on " + cores + " cores";
            }
        } catch (java.io.IOException | RuntimeException e) {
            // fall through to the JVM's one-minute figure
        }
        return String.format(Locale.ROOT, "load average %.2f on %d cores", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), cores);
    }
}
