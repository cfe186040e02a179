package dev.vdiff.verification;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Prints the outcome of a run: one line per failing (case, precision) pair, optionally one per passing pair,
 * and a last line {@code N passed, M failed} counting (case, precision) pairs.
 *
 * <pre>
 * FAIL conv2d_03 [float32] conv2d: grad.weight[3, 1, 0, 2]: actual 0.1234567890 vs expected 0.1234000000 (error/tolerance 4.52, 1 of 108 elements off)
 * FAIL tiny_video_unet_01 [float64] tiny_video_unet: UnsupportedOperationException: vdiff has no evaluator for op 'tiny_video_unet'
 * 272 passed, 2 failed
 * </pre>
 */
public final class Reporter {
    private final PrintWriter out;
    private final boolean verbose;
    private int passed;
    private int failed;

    public Reporter(PrintWriter out, boolean verbose) {
        this.out = out;
        this.verbose = verbose;
    }

    public void report(CaseResult r) {
        if (r.passed()) {
            passed++;
            if (verbose) out.println(line(r));
        } else {
            failed++;
            out.println(line(r));
        }
        out.flush();
    }

    /** Prints the summary line and returns whether everything passed. */
    public boolean finish() {
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        return failed == 0;
    }

    public int passed() {
        return passed;
    }

    public int failed() {
        return failed;
    }

    /** The line of one result: the worst tensor of a failure (and how many others failed), or the worst ratio of a pass. */
    public static String line(CaseResult r) {
        OracleCase c = r.oracleCase();
        String head = String.format(Locale.ROOT, "%s %s [%s] %s: ", r.passed() ? "ok  " : "FAIL", c.id(), r.dtype(), c.op());
        if (r.error() != null) return head + r.error();
        TensorCheck worst = r.worst();
        if (worst == null) return head + "nothing to compare";
        if (r.passed()) {
            return head + String.format(Locale.ROOT, "worst error/tolerance %.3g (%s), %d ms", worst.worstRatio(), worst.tensor(), r.nanos() / 1_000_000);
        }
        long others = r.checks().stream().filter(t -> !t.pass()).count() - 1;
        return head + worst.describe() + (others > 0 ? "; " + others + " more tensor(s) off" : "");
    }
}
