package dev.vdiff.cli;

import dev.vdiff.reference.bench.Benchmarks;
import dev.vdiff.reference.bench.StepProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.vdiff.tensor.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code vdiff bench}: the benchmarks of {@code shared/bench} ({@link Benchmarks}), with the same workloads,
 * timing rules and JSON keys as {@code pytorch_baseline.py}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Times the shared/bench workloads (float32) and writes the baseline's JSON format.")
public final class BenchCommand implements CliCommand {
    @Option(names = "--threads", description = "Compute threads (default: ${DEFAULT-VALUE}).", defaultValue = "2")
    int threads;

    @Option(names = "--repeats", description = "Timed samples per benchmark (default: the baseline's plan).")
    Integer repeats;

    @Option(names = "--warmup", description = "Minimum untimed warm-up calls (default: the baseline's plan).")
    Integer warmup;

    @Option(names = "--warmup-seconds", description = "Warm-up lasts at least this long: the Vector API kernels run on slow paths until C2 has compiled them, which takes seconds (default: ${DEFAULT-VALUE}; quick: a quarter).", defaultValue = "8.0")
    double warmupSeconds;

    @Option(names = "--quick", description = "Few repeats: a smoke test with the same keys.")
    boolean quick;

    @Option(names = "--only", split = ",", description = "Run only these benchmarks (comma-separated).")
    List<String> only;

    @Option(names = "--memory", description = "Also measure the activation memory of unet_train_step (heap the autograd graph holds; compare with tools/pytorch_activations.py).")
    boolean memory;

    @Option(names = "--json", description = "Write the machine-readable result here (a new file, or one an earlier vdiff bench wrote; anything else is refused before timing).")
    Path json;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-background", defaultValue = "0.15", description = "Shared-machine guard: allowed load of other processes beyond the CPUs left free (default: ${DEFAULT-VALUE}; 1 = off).")
    double maxBackground;

    @Option(names = "--max-wait-s", defaultValue = "120", description = "Longest wait for a quiet machine per benchmark (default: ${DEFAULT-VALUE}).")
    double maxWaitS;

    @Option(names = "--backend", defaultValue = "jvm", description = "Kernel backend: jvm, or tornado (TornadoVM; needs TORNADOVM_HOME, see docs/TORNADO.md) (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--profile-ops", paramLabel = "STEPS", description = "Instead of timing: profile unet_train_step op by op (CPU time per op kind, forward and backward apart) over STEPS profiled steps interleaved with as many plain ones; prints a table, --json writes it (see docs/PERFORMANCE.md, tools/profile/).")
    Integer profileOps;

    @Override
    public Integer call() throws Exception {
        if (json != null) OutputCheck.file(json, "--json", "vdiff bench", BenchCommand::writtenByBench);
        if (profileOps != null) {
            if (!"jvm".equals(backend)) throw new dev.vdiff.tensor.UserError("--profile-ops profiles the JVM kernels only, got --backend " + backend);
            return StepProfile.run(new StepProfile.Settings(threads, profileOps, seed, json));
        }
        return Benchmarks.run(new Benchmarks.Settings(threads, repeats, warmup, warmupSeconds, quick, only, memory, json, seed, maxBackground, maxWaitS, backend));
    }

    /** An earlier vdiff bench result ({@code "implementation": "java-vdiff"}), not the PyTorch baseline's or a user's file. */
    static boolean writtenByBench(Path p) {
        try {
            return "java-vdiff".equals(Json.parseObject(Files.readAllBytes(p)).get("implementation"));   // a profile file too
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
