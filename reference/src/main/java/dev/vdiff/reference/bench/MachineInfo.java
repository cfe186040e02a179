package dev.vdiff.reference.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Facts about the machine that a benchmark file records, read the same way as the PyTorch baseline. */
final class MachineInfo {
    private MachineInfo() {}

    /** lscpu's "Model name", else /proc/cpuinfo's "model name" (the baseline's order, so compare.py agrees). */
    static String cpuModel() {
        try {
            Process p = new ProcessBuilder("lscpu").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            for (String line : out.split("\n")) {
                if (line.trim().startsWith("Model name:")) return line.split(":", 2)[1].trim();
            }
        } catch (IOException e) {
            // fall back to /proc/cpuinfo
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.split(":", 2)[1].trim();
            }
        } catch (IOException e) {
            // unknown
        }
        return System.getProperty("os.arch", "unknown");
    }

    static List<Double> loadAverage() {
        List<Double> l = new ArrayList<>();
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            for (int i = 0; i < 3; i++) l.add(Double.parseDouble(f[i]));
        } catch (IOException | RuntimeException e) {
            double v = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            l.add(v);
        }
        return l;
    }
}
