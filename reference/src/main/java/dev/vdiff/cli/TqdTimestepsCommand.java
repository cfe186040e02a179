package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.tqd.BetaSampler;
import dev.vdiff.reference.tqd.TimestepLaw;
import dev.vdiff.reference.tqd.TimestepMapping;
import dev.vdiff.reference.tqd.TqdConfig;
import dev.vdiff.reference.tqd.TqdTimesteps;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Npy;
import dev.vdiff.tensor.random.Rng;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code vdiff tqd timesteps}: draws TQD timesteps for one (MQ, VQ) pair (SPEC §2.2) and writes them as
 * {@code .npy}: float64 {@code t} in {@code [1e-5, 1 - 1e-5]} (1 = noise), or mapped to a model's timesteps
 * (SPEC §2.4): {@code --as ddpm} int64 {@code min(floor(T t), T - 1)}, {@code --as flow} float64 {@code T t}.
 *
 * <pre>
 * $ vdiff tqd timesteps --mq 0.9 --vq 0.1 --count 100000 --seed 1 --out t.npy
 * TQD law: MQ 0.9, VQ 0.1, kappa_base 2, kappa_max 8 -> mu 0.9, kappa 6.8, Beta(6.12, 0.68); mean 0.9, variance 0.0115385
 * drew 100000 with the gamma sampler, seed 1: mean 0.900..., variance 0.0115..., min ..., max ...
 * wrote t.npy: float64 [100000], t (1 = noise)
 * </pre>
 */
@Command(name = "timesteps", mixinStandardHelpOptions = true,
    description = "Draws TQD timesteps t ~ Beta(mu*kappa, (1-mu)*kappa) for one (MQ, VQ) pair and writes them as .npy.")
public final class TqdTimestepsCommand implements CliCommand {
    @Option(names = "--mq", required = true, paramLabel = "M", description = "normalised motion quality in [0, 1]")
    double mq;

    @Option(names = "--vq", required = true, paramLabel = "V", description = "normalised visual quality in [0, 1]")
    double vq;

    @Option(names = "--kappa-base", paramLabel = "K", defaultValue = "2", description = "concentration at MQ = VQ (2: uniform, 4: Beta(2,2)); default ${DEFAULT-VALUE}")
    double kappaBase;

    @Option(names = "--kappa-max", paramLabel = "K", defaultValue = "8", description = "concentration at |MQ - VQ| = 1; default ${DEFAULT-VALUE}")
    double kappaMax;

    @Option(names = "--count", paramLabel = "N", defaultValue = "10000", description = "number of draws; default ${DEFAULT-VALUE}")
    int count;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "random seed; default ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--sampler", paramLabel = "NAME", defaultValue = "gamma", description = "gamma (Marsaglia-Tsang gamma ratio) or inversion (inverse CDF); default ${DEFAULT-VALUE}")
    String sampler;

    @Option(names = "--as", paramLabel = "WHAT", defaultValue = "t", description = "t (float64 in (0, 1)), ddpm (int64 timestep index) or flow (float64 T*t); default ${DEFAULT-VALUE}")
    String as;

    @Option(names = "--steps", paramLabel = "T", defaultValue = "1000", description = "model training timesteps for --as ddpm|flow; default ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--out", required = true, paramLabel = "FILE.npy", description = "output file (a new file: an existing one is not overwritten)")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Largest --count: 8 bytes each, 800 MB. */
    static final int MAX_COUNT = 100_000_000;

    @Override
    public Integer call() throws IOException {
        TqdConfig config = TqdCommand.config(kappaBase, kappaMax);
        TimestepLaw law = TimestepLaw.of(TqdCommand.score("--mq", mq), TqdCommand.score("--vq", vq), config);
        if (count < 1 || count > MAX_COUNT) throw new UserError("--count must be between 1 and " + MAX_COUNT + ", got " + count);
        if (steps < 1) throw new UserError("--steps must be >= 1, got " + steps);
        BetaSampler betaSampler;
        try {
            betaSampler = BetaSampler.parse(sampler);
        } catch (IllegalArgumentException e) {
            throw new UserError("--sampler: " + e.getMessage());
        }
        String kind = as.strip().toLowerCase(Locale.ROOT);
        if (!kind.equals("t") && !kind.equals("ddpm") && !kind.equals("flow")) throw new UserError("--as must be t, ddpm or flow, got '" + as + "'");
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) throw new UserError("--out must name a .npy file, got " + out);
        OutputCheck.file(out, "--out", "vdiff tqd timesteps", f -> false);   // a PNG/NPY carries no mark of who wrote it: never overwritten

        double[] t = TqdTimesteps.sample(law, count, Rng.seed(seed), betaSampler);
        Tensor result;
        String what;
        if (kind.equals("ddpm")) {
            result = Tensor.ofLongs(TimestepMapping.ddpm(steps).indices(t), count);
            what = "int64 [" + count + "], DDPM timestep min(floor(" + steps + " t), " + (steps - 1) + ")";
        } else if (kind.equals("flow")) {
            double[] ft = new double[count];
            for (int i = 0; i < count; i++) ft[i] = TimestepMapping.flow(steps).modelTimestep(t[i]);
            result = Tensor.of(ft, count);
            what = "float64 [" + count + "], flow-matching timestep " + steps + " t (sigma = t)";
        } else {
            result = Tensor.of(t, count);
            what = "float64 [" + count + "], t (1 = noise)";
        }
        Npy.write(out, result);

        double mean = 0, min = 1, max = 0;
        for (double x : t) {
            mean += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        mean /= count;
        double var = 0;
        for (double x : t) var += (x - mean) * (x - mean);
        var /= Math.max(1, count - 1);
        PrintWriter o = spec.commandLine().getOut();
        o.println("TQD law: MQ " + n(mq) + ", VQ " + n(vq) + ", kappa_base " + n(kappaBase) + ", kappa_max " + n(kappaMax)
            + " -> mu " + n(law.mu()) + ", kappa " + n(law.kappa()) + ", Beta(" + n(law.alpha()) + ", " + n(law.beta()) + "); mean "
            + n(law.mean()) + ", variance " + n(law.variance()));
        o.println("drew " + count + " with the " + betaSampler.cliName + " sampler, seed " + seed + ": mean " + n(mean) + ", variance " + n(var)
            + ", min " + n(min) + ", max " + n(max));
        o.println("wrote " + out + ": " + what);
        o.flush();
        return 0;
    }

    private static String n(double x) {
        return InspectCommand.num(x);
    }
}
