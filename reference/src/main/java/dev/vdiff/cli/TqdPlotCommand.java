package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.tqd.TimestepPlot;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code vdiff tqd plot}: the densities of TQD's timestep laws for several (MQ, VQ) pairs as a PNG, laid out
 * like the paper's Figure 5 (a row per {@code --kappa-base}; columns MQ > VQ, MQ = VQ, MQ < VQ).
 *
 * <pre>
 * $ vdiff tqd plot --out fig5.png                                   # pairs 0.9:0.1 0.7:0.3 0.5:0.5 0.3:0.7 0.1:0.9, kappa_base 4 and 2
 * $ vdiff tqd plot --pair 0.8:0.2 --pair 0.2:0.8 --kappa-base 2 --kappa-max 12 --out p.png
 * </pre>
 */
@Command(name = "plot", mixinStandardHelpOptions = true,
    description = "Plots TQD timestep densities for (MQ, VQ) pairs as a PNG (the paper's Figure 5).")
public final class TqdPlotCommand implements CliCommand {
    @Option(names = "--pair", paramLabel = "MQ:VQ", description = "a pair of normalised scores, repeatable; default 0.9:0.1 0.7:0.3 0.5:0.5 0.3:0.7 0.1:0.9")
    List<String> pairs = new ArrayList<>();

    @Option(names = "--kappa-base", paramLabel = "K", description = "a row per value, repeatable; default 4 and 2 (as in Figure 5)")
    List<Double> kappaBases = new ArrayList<>();

    @Option(names = "--kappa-max", paramLabel = "K", defaultValue = "8", description = "concentration at |MQ - VQ| = 1; default ${DEFAULT-VALUE}")
    double kappaMax;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "output image (a new file: an existing one is not overwritten)")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> given = pairs.isEmpty() ? List.of("0.9:0.1", "0.7:0.3", "0.5:0.5", "0.3:0.7", "0.1:0.9") : pairs;
        List<double[]> parsed = new ArrayList<>();
        for (String p : given) parsed.add(parsePair(p));
        List<Double> bases = kappaBases.isEmpty() ? List.of(4.0, 2.0) : kappaBases;
        double[] k = new double[bases.size()];
        for (int i = 0; i < k.length; i++) {
            TqdCommand.config(bases.get(i), kappaMax);   // checks both flags
            k[i] = bases.get(i);
        }
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) throw new UserError("--out must name a .png file, got " + out);
        OutputCheck.file(out, "--out", "vdiff tqd plot", f -> false);   // a PNG/NPY carries no mark of who wrote it: never overwritten
        TimestepPlot.write(out, parsed, k, kappaMax);
        spec.commandLine().getOut().println("wrote " + out + ": " + parsed.size() + " (MQ, VQ) pair(s), kappa_base " + bases + ", kappa_max " + InspectCommand.num(kappaMax));
        spec.commandLine().getOut().flush();
        return 0;
    }

    static double[] parsePair(String s) {
        String[] parts = s.split(":");
        if (parts.length != 2) throw new UserError("--pair must be MQ:VQ (e.g. 0.9:0.1), got '" + s + "'");
        double[] p = new double[2];
        for (int i = 0; i < 2; i++) {
            try {
                p[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new UserError("--pair must be MQ:VQ with numbers (e.g. 0.9:0.1), got '" + s + "'");
            }
            TqdCommand.score("--pair " + (i == 0 ? "MQ" : "VQ"), p[i]);
        }
        return p;
    }
}
