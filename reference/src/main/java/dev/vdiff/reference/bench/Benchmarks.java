package dev.vdiff.reference.bench;

import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.Parallel;
import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.io.Json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks of {@code shared/bench} ({@code docs/bench/tiny_video_unet.md}) with the same workloads, the
 * same timing rules and the same JSON keys as {@code pytorch_baseline.py}, so that {@code compare.py} reads both
 * files and prints ratios. Run both on the same machine, one after the other, with the same thread count.
 * {@code vdiff bench} ({@code dev.vdiff.cli.BenchCommand}) parses the flags into {@link Settings} and calls
 * {@link #run}.
 */
public final class Benchmarks {
    static final String SUITE = "tiny-video-unet-bench";

    /**
     * What to run.
     *
     * @param threads        compute threads
     * @param repeats        timed samples per benchmark (null: the baseline's plan)
     * @param warmup         minimum untimed warm-up calls (null: the baseline's plan)
     * @param warmupSeconds  warm-up lasts at least this long (quick: a quarter)
     * @param quick          few repeats: a smoke test with the same keys
     * @param only           benchmarks to run (null or empty: all)
     * @param memory         also measure the training step's activation memory
     * @param json           where to write the machine-readable result (null: nowhere)
     * @param seed           seed of the random inputs
     * @param maxBackground  shared-machine guard: allowed load of other processes beyond the CPUs left free
     * @param maxWaitS       longest wait for a quiet machine per benchmark
     */
    public record Settings(int threads, Integer repeats, Integer warmup, double warmupSeconds, boolean quick, List<String> only,
                           boolean memory, Path json, long seed, double maxBackground, double maxWaitS) {}

    private final int threads;
    private final Integer repeats;
    private final Integer warmup;
    private final double warmupSeconds;
    private final boolean quick;
    private final List<String> only;
    private final boolean memory;
    private final Path json;
    private final long seed;
    private final double maxBackground;
    private final double maxWaitS;

    private Benchmarks(Settings s) {
        threads = s.threads();
        repeats = s.repeats();
        warmup = s.warmup();
        warmupSeconds = s.warmupSeconds();
        quick = s.quick();
        only = s.only();
        memory = s.memory();
        json = s.json();
        seed = s.seed();
        maxBackground = s.maxBackground();
        maxWaitS = s.maxWaitS();
    }

    /** Runs the benchmarks, printing a table to standard output (and the JSON file when asked); returns 0. */
    public static int run(Settings s) throws Exception {
        return new Benchmarks(s).call();
    }

    /** Every benchmark, in the baseline's order. */
    static List<Workload> catalogue() {
        List<Workload> all = new ArrayList<>(ModelWorkloads.all());
        all.addAll(MicroWorkloads.all());
        return all;
    }

    private int call() throws Exception {
        if (threads < 1) throw new UserError("--threads must be at least 1, got " + threads);
        if (repeats != null && repeats < 1) throw new UserError("--repeats must be at least 1, got " + repeats);
        List<Workload> wanted = select(catalogue(), only);
        Parallel.setThreads(threads);
        var started = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        List<Double> load0 = MachineInfo.loadAverage();
        String cpu = MachineInfo.cpuModel();
        System.out.printf("%s v1  implementation=java-vdiff %s  threads=%d  quick=%s%n", SUITE, version(), threads, quick);
        System.out.printf("cpu: %s  (%d logical CPUs)  loadavg at start: %s%n", cpu, Runtime.getRuntime().availableProcessors(), load0);
        System.out.printf("runtime: Java %s, %s, vector API %s%n%n", Runtime.version(), System.getProperty("java.vm.name"), vectorApi());
        System.out.printf("%-24s %11s %11s %11s %9s %6s%n", "benchmark", "median_ms", "min_ms", "max_ms", "GFLOP/s", "bgcpu");
        System.out.println("-".repeat(88));
        Sampler sampler = new Sampler(maxBackground, maxWaitS, threads);
        Map<String, Object> results = new LinkedHashMap<>();
        for (Workload w : wanted) {
            int[] plan = w.plan(quick);
            Runnable fn = w.prepare(seed);
            var r = sampler.run(fn, warmup != null ? warmup : plan[0], quick ? warmupSeconds / 4 : warmupSeconds,
                repeats != null ? repeats : plan[1], w.minSampleS(quick), w.flop());
            results.put(w.key(), r);
            printLine(w.key(), r);
        }
        System.out.println("-".repeat(88));
        List<Double> load1 = MachineInfo.loadAverage();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("suite", SUITE);
        doc.put("suite_version", 1);
        doc.put("implementation", "java-vdiff");
        doc.put("implementation_version", version());
        doc.put("threads", threads);
        doc.put("quick", quick);
        doc.put("started_utc", started.toString());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu_model", cpu);
        machine.put("logical_cpus", Runtime.getRuntime().availableProcessors());
        machine.put("loadavg_start", load0);
        machine.put("loadavg_end", load1);
        doc.put("machine", machine);
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("java", Runtime.version().toString());
        runtime.put("vm_options", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        runtime.put("vector_api", vectorApi());
        runtime.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        doc.put("runtime", runtime);
        doc.put("model", ModelWorkloads.modelInfo());
        doc.put("results", results);
        doc.put("peak_heap_mib", peakHeapMiB());
        if (memory) {
            Map<String, Object> mem = ActivationMemory.measure(seed);
            System.out.printf("memory: unet_train_step holds %.1f MiB for backward (retained after backward: %.1f MiB)%n",
                (Double) mem.get("activation_mib"), (Double) mem.get("retained_after_backward_mib"));
            doc.put("memory", mem);
        }
        if (json != null) {
            byte[] bytes = (Json.write(doc) + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicWrite.write(json, ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
            System.out.println("wrote " + json);
        }
        return 0;
    }

    static List<Workload> select(List<Workload> all, List<String> only) {
        if (only == null || only.isEmpty()) return all;
        List<Workload> out = new ArrayList<>();
        List<String> known = new ArrayList<>();
        for (Workload w : all) known.add(w.key());
        for (String name : only) {
            String n = name.trim();
            Workload hit = null;
            for (Workload w : all) if (w.key().equals(n)) hit = w;
            if (hit == null) throw new UserError("--only: unknown benchmark '" + n + "'; known: " + String.join(", ", known));
            out.add(hit);
        }
        return out;
    }

    private static void printLine(String key, Map<String, Object> r) {
        Object gf = r.get("gflops_median");
        Object bg = r.get("background_cpu_frac");
        System.out.printf("%-24s %11.3f %11.3f %11.3f %9s %6s   (n=%d x%d, warm-up %d%s)%n", key,
            (Double) r.get("median_ms"), (Double) r.get("min_ms"), (Double) r.get("max_ms"),
            gf == null ? "-" : String.format("%.1f", (Double) gf), bg == null ? "-" : String.format("%.2f", (Double) bg),
            (Integer) r.get("repeats"), (Integer) r.get("inner_iters"), (Integer) r.get("warmup"),
            Boolean.TRUE.equals(r.get("noisy")) ? ", NOISY" : "");
    }

    static boolean vectorApi() {
        return dev.vdiff.tensor.kernels.Simd.ENABLED;
    }

    static String version() {
        String v = Benchmarks.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }

    static double peakHeapMiB() {
        double peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) peak += pool.getPeakUsage().getUsed();
        }
        return Math.round(peak / (1024.0 * 1024.0) * 10) / 10.0;
    }
}
