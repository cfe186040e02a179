package dev.vdiff.cli;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.UserError;
import dev.vdiff.verification.CaseRunner;
import dev.vdiff.verification.OpRegistry;
import dev.vdiff.verification.OracleCase;
import dev.vdiff.verification.Reporter;
import dev.vdiff.verification.Suite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code vdiff verify}: runs every case of a golden suite (oracle FORMAT.md) with vdiff's ops in float64
 * and float32 and prints one line per failing (case, precision), then {@code N passed, M failed}. The ops are
 * the core catalogue and the papers' families ({@link Catalog#opFamilies()}); the runner itself is in
 * {@code verification/}. Exit code 0
 * when everything passed, 1 when anything failed, 2 for an unusable suite or bad flags.
 *
 * <pre>
 * ./vdiff verify                                    # the project's copy, both precisions
 * ./vdiff verify --suite ../shared/oracle/cases --dtype float64 --only conv2d,conv3d --verbose
 * </pre>
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Checks vdiff's ops against a golden-case suite (outputs and gradients, float64 and float32).")
public final class VerifyCommand implements CliCommand {
    /** The project's copy of the public suite, relative to the repository root. */
    static final Path PROJECT_SUITE = Path.of("verification", "golden", "public");

    @Spec
    CommandSpec spec;

    @Option(names = "--suite", paramLabel = "DIR",
        description = "Suite directory holding manifest.json (default: the project's verification/golden/public).")
    Path suite;

    @Option(names = "--dtype", paramLabel = "float64|float32|both", defaultValue = "both",
        description = "Precision(s) to evaluate in (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--only", split = ",", paramLabel = "OP",
        description = "Run only the cases of these ops (comma-separated op names).")
    List<String> only;

    @Option(names = "--verbose", description = "Also print a line for every passing case.")
    boolean verbose;

    @Override
    public Integer call() {
        List<DType> dtypes = dtypes(dtype);
        Suite s;
        try {
            s = Suite.load(suite != null ? suite : defaultSuite());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Set<String> ops = selectedOps(s);
        PrintWriter out = spec.commandLine().getOut();
        Reporter reporter = new Reporter(out, verbose);
        CaseRunner runner = new CaseRunner(OpRegistry.of(Catalog.opFamilies()));
        for (OracleCase c : s.cases()) {
            if (ops != null && !ops.contains(c.op())) continue;
            for (DType d : dtypes) reporter.report(runner.run(c, d));
        }
        return reporter.finish() ? 0 : 1;
    }

    /** {@code $vdiff.home/verification/golden/public} when the launcher set {@code vdiff.home}, else relative to the working directory. */
    static Path defaultSuite() {
        String home = System.getProperty("vdiff.home");
        return home != null && !home.isEmpty() ? Path.of(home).resolve(PROJECT_SUITE) : PROJECT_SUITE;
    }

    private static List<DType> dtypes(String flag) {
        switch (flag) {
            case "float64": return List.of(DType.FLOAT64);
            case "float32": return List.of(DType.FLOAT32);
            case "both": return List.of(DType.FLOAT64, DType.FLOAT32);
            default: throw new UserError("--dtype must be float64, float32 or both, not '" + flag + "'");
        }
    }

    /** The ops named by --only (null = all); each must occur in the suite, so that a typo is not a silent no-op. */
    private Set<String> selectedOps(Suite s) {
        if (only == null || only.isEmpty()) return null;
        Set<String> present = new TreeSet<>();
        for (OracleCase c : s.cases()) present.add(c.op());
        Set<String> selected = new LinkedHashSet<>();
        for (String op : only) {
            String name = op.trim();
            if (name.isEmpty()) continue;
            if (!present.contains(name)) throw new UserError("--only: the suite has no case of op '" + name + "' (its ops: " + String.join(", ", present) + ")");
            selected.add(name);
        }
        return selected;
    }
}
