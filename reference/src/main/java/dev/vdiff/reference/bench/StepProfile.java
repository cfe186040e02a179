package dev.vdiff.reference.bench;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.autograd.OpProfile;
import dev.vdiff.tensor.io.AtomicWrite;
import dev.vdiff.tensor.io.Json;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.parallel.Parallel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code vdiff bench --profile-ops N}: where the benchmark's training step ({@code unet_train_step}: zero the
 * gradients, forward, MSE loss, backward, one AdamW step) spends its CPU time, op by op, forward and backward
 * apart ({@link OpProfile}). Profiled steps alternate with unprofiled ones, whose CPU time shows what the
 * profile's own marks cost. Per key the median over the profiled steps is reported (a loaded machine disturbs
 * single steps), then keys are summed into op kinds ({@link #kind}) for the side by side with PyTorch
 * ({@code tools/profile/pytorch_step_profile.py} reads the JSON this writes).
 */
public final class StepProfile {
    private StepProfile() {}

    /** What to profile: thread count, profiled steps (as many unprofiled ones interleaved), seed, JSON file or null. */
    public record Settings(int threads, int steps, long seed, Path json) {}

    public static int run(Settings s) throws Exception {
        if (s.threads() < 1) throw new UserError("--threads must be at least 1, got " + s.threads());
        if (s.steps() < 1) throw new UserError("--profile-ops needs at least 1 step, got " + s.steps());
        Parallel.setThreads(s.threads());
        dev.vdiff.tensor.kernels.MicroKernel.warmUp();
        ModelWorkloads.Inputs in = ModelWorkloads.Inputs.make(s.seed());
        AdamW opt = new AdamW(in.model().namedParameters(), 1e-4);
        System.out.printf("profiling unet_train_step: %d profiled + %d plain steps, threads=%d, CPU time of the caller and compute threads%n",
            s.steps(), s.steps(), s.threads());
        for (int i = 0; i < 3; i++) step(in, opt, false);   // C2 compiles the kernels; the compute pool starts
        List<Map<String, OpProfile.Entry>> runs = new ArrayList<>();
        double[] plain = new double[s.steps()], profiled = new double[s.steps()];
        long t0 = System.nanoTime();
        for (int i = 0; i < s.steps(); i++) {
            long c0 = cpu();
            step(in, opt, false);
            plain[i] = (cpu() - c0) / 1e6;
            c0 = cpu();
            OpProfile.start();
            step(in, opt, true);
            runs.add(OpProfile.stop());
            profiled[i] = (cpu() - c0) / 1e6;
            double el = (System.nanoTime() - t0) / 1e9;
            System.out.printf("  step pair %d/%d: plain %.0f ms CPU, profiled %.0f ms CPU (%.0f s elapsed, ETA %.0f s)%n",
                i + 1, s.steps(), plain[i], profiled[i], el, el / (i + 1) * (s.steps() - i - 1));
        }
        Map<String, double[]> perKey = new TreeMap<>();   // key -> {median ms, calls per step}
        for (String key : keysOf(runs)) {
            double[] ms = new double[runs.size()];
            long calls = 0;
            for (int r = 0; r < runs.size(); r++) {
                OpProfile.Entry e = runs.get(r).get(key);
                ms[r] = e == null ? 0 : e.nanos() / 1e6;
                calls = Math.max(calls, e == null ? 0 : e.count());
            }
            perKey.put(key, new double[] {median(ms), calls});
        }
        Map<String, double[]> perKind = new TreeMap<>();
        long marks = 0;
        for (var e : perKey.entrySet()) {
            double[] k = perKind.computeIfAbsent(kind(e.getKey()), x -> new double[2]);
            k[0] += e.getValue()[0];
            k[1] += e.getValue()[1];
            marks += (long) e.getValue()[1];
        }
        double total = 0;
        for (double[] v : perKind.values()) total += v[0];
        System.out.printf("%nstep CPU ms: plain median %.1f (best %.1f), profiled median %.1f (best %.1f); %d marks per step%n",
            median(plain), min(plain), median(profiled), min(profiled), marks);
        System.out.printf("%n%-34s %10s %8s %7s%n", "op kind", "ms/step", "calls", "share");
        for (var e : perKind.entrySet()) {
            System.out.printf("%-34s %10.2f %8d %6.1f%%%n", e.getKey(), e.getValue()[0], (long) e.getValue()[1], 100 * e.getValue()[0] / total);
        }
        System.out.printf("%-34s %10.2f%n", "sum of medians", total);
        System.out.printf("%n%-60s %10s %8s%n", "key (per shape)", "ms/step", "calls");
        for (var e : perKey.entrySet()) {
            if (e.getValue()[0] >= 0.5) System.out.printf("%-60s %10.2f %8d%n", e.getKey(), e.getValue()[0], (long) e.getValue()[1]);
        }
        if (s.json() != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("implementation", "java-vdiff");
            doc.put("what", "unet_train_step per-op CPU time (vdiff bench --profile-ops)");
            doc.put("threads", s.threads());
            doc.put("steps", s.steps());
            doc.put("cpu_model", MachineInfo.cpuModel());
            doc.put("loadavg_end", MachineInfo.loadAverage());
            doc.put("java", Runtime.version().toString());
            doc.put("step_cpu_ms_plain", Arrays.stream(plain).boxed().toList());
            doc.put("step_cpu_ms_profiled", Arrays.stream(profiled).boxed().toList());
            doc.put("kinds_ms", table(perKind));
            doc.put("keys_ms", table(perKey));
            byte[] bytes = (Json.write(doc) + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicWrite.write(s.json(), ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
            System.out.println("wrote " + s.json());
        }
        return 0;
    }

    /** The benchmark's step; with {@code marks}, the phases outside the engine get their own keys. */
    private static void step(ModelWorkloads.Inputs in, AdamW opt, boolean marks) {
        opt.zeroGrad();
        if (marks) OpProfile.mark("opt.zero_grad");
        Tensor loss = Losses.mse(in.model().forward(in.x(), in.t(), in.y()), in.target());
        loss.backward();
        if (marks) OpProfile.mark("bwd.engine");
        opt.step();
        if (marks) OpProfile.mark("opt.step");
        if (!Double.isFinite(loss.item())) throw new IllegalStateException("unet_train_step: loss is not finite");
        if (marks) OpProfile.mark("other");
    }

    /**
     * The op kind of a profile key: phase ({@code fwd}, {@code bwd}, {@code opt}) and a class of ops shared with
     * the PyTorch script's table (convolution parts, linear, attention, group norm, SiLU, elementwise, copies).
     */
    static String kind(String key) {
        String k = key.replaceAll("\\[[^]]*]|\\(copy\\)", "");   // drop per-shape detail
        int dot = k.indexOf('.');
        String phase = dot < 0 ? k : k.substring(0, dot), op = dot < 0 ? "" : k.substring(dot + 1);
        if (phase.equals("opt") || phase.equals("other")) return k;
        String base = op.contains(".") ? op.substring(0, op.indexOf('.')) : op;
        String part = op.contains(".") ? op.substring(op.indexOf('.') + 1) : "";
        String cls = switch (base) {
            case "conv2d", "conv3d" -> part.isEmpty() ? "conv" : "conv " + part;
            case "linear", "matmul", "bmm" -> "linear/matmul";
            case "attention", "sdpa", "scaled_dot_product_attention" -> "attention";
            case "group_norm", "layer_norm" -> base;
            case "silu", "sigmoid", "gelu", "leaky_relu", "relu", "tanh", "exp", "cos", "sin" -> "activation (silu ...)";
            case "add", "sub", "mul", "div", "mul_scalar", "add_scalar", "neg", "pow", "sqrt", "clamp", "sum_to", "sum", "mean" -> "elementwise/reduce";
            case "reshape", "permute", "transpose", "contiguous", "narrow", "cat", "expand", "unsqueeze", "squeeze", "pad_narrowed", "view", "chunk", "upsample_nearest2d" -> "copy/reshape/permute/cat/upsample";
            case "mse", "mse_loss" -> "loss";
            case "embedding" -> "embedding";
            case "accumulate", "leaf_grad", "engine", "glue" -> base;
            default -> "other (" + base + ")";
        };
        return phase + " " + cls;
    }

    private static List<String> keysOf(List<Map<String, OpProfile.Entry>> runs) {
        List<String> keys = new ArrayList<>();
        for (var r : runs) for (String k : r.keySet()) if (!keys.contains(k)) keys.add(k);
        return keys;
    }

    private static Map<String, Object> table(Map<String, double[]> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : m.entrySet()) out.put(e.getKey(), Map.of("ms", Math.round(e.getValue()[0] * 1000) / 1000.0, "calls", (long) e.getValue()[1]));
        return out;
    }

    private static final java.lang.management.ThreadMXBean TM = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU ns of this thread and the compute threads (as {@link OpProfile} counts them). */
    private static long cpu() {
        long t = TM.getCurrentThreadCpuTime();
        for (java.lang.management.ThreadInfo i : TM.getThreadInfo(TM.getAllThreadIds())) {
            if (i != null && i.getThreadName().startsWith("vdiff-compute")) t += TM.getThreadCpuTime(i.getThreadId());
        }
        return t;
    }

    private static double median(double[] a) {
        double[] b = a.clone();
        Arrays.sort(b);
        return b.length % 2 == 1 ? b[b.length / 2] : (b[b.length / 2 - 1] + b[b.length / 2]) / 2;
    }

    private static double min(double[] a) {
        return Arrays.stream(a).min().orElse(Double.NaN);
    }
}
