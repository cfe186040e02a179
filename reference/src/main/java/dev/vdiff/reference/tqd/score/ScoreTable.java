package dev.vdiff.reference.tqd.score;

import dev.vdiff.reference.eval.VisualQuality;
import dev.vdiff.tensor.UserError;
import dev.vdiff.reference.data.CsvLine;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.tensor.io.AtomicWrite;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quality scores of a data set as CSV: what {@code vdiff score} writes and what TQD training reads (SPEC §2.1).
 *
 * <pre>
 * path,mq_raw,vq_raw,mq,vq,flow_magnitude,flow_coherence,sharpness,noise,blockiness
 * clips/a.mp4,0.5432,0.3301,0.8125,0.5,1.2,0.96,0.00186,0.0012,1.23
 * </pre>
 *
 * <p>Reading ({@link #read}) accepts any CSV with a header row naming a {@code path} column and either {@code mq}
 * and {@code vq} (already normalised, each in [0, 1]; used as they are) or {@code mq_raw} and {@code vq_raw}
 * (normalised here over the file's rows with the given {@link ScoreNormalization}); other columns are ignored,
 * so a table of VideoAlign scores works too. Fields may be quoted (RFC 4180, no line breaks inside); blank lines
 * are skipped, and so are rows with a non-empty {@code error} column (clips the Spark job could not score,
 * docs/SCALE.md). Problems are {@link UserError}s naming the file and line.
 */
public final class ScoreTable {
    /** Column names, in the order {@link #write} uses. */
    public static final List<String> COLUMNS = List.of("path", "mq_raw", "vq_raw", "mq", "vq",
        "flow_magnitude", "flow_coherence", "sharpness", "noise", "blockiness");

    private ScoreTable() {}

    /** One clip's raw quality and its normalised scores. */
    public record Row(String path, ClipQuality quality, double mq, double vq) {}

    /** The normalised scores of one clip, as read back. */
    public record Scores(double mq, double vq) {}

    /** Normalises every row's raw scores over the rows ({@code mq}, {@code vq} separately). */
    public static List<Row> normalised(List<String> paths, List<ClipQuality> qualities, ScoreNormalization normalization) {
        int n = paths.size();
        double[] mq = new double[n], vq = new double[n];
        for (int i = 0; i < n; i++) {
            mq[i] = qualities.get(i).mqRaw();
            vq[i] = qualities.get(i).vqRaw();
        }
        double[] m = n == 0 ? mq : normalization.fit(mq).apply(mq), v = n == 0 ? vq : normalization.fit(vq).apply(vq);
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) rows.add(new Row(paths.get(i), qualities.get(i), m[i], v[i]));
        return rows;
    }

    /** Writes the rows with a header (atomically); numbers with 6 significant digits. */
    public static void write(Path csv, List<Row> rows) throws IOException {
        AtomicWrite.writeFile(csv, temp -> {
            try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                w.write(String.join(",", COLUMNS) + "\n");
                for (Row r : rows) {
                    MotionQuality m = r.quality().motion();
                    VisualQuality v = r.quality().visual();
                    w.write(CsvLine.quote(r.path()) + "," + num(m.score()) + "," + num(v.score()) + "," + num(r.mq()) + "," + num(r.vq())
                        + "," + num(m.magnitude()) + "," + num(m.coherence()) + "," + num(v.sharpness()) + "," + num(v.noise()) + "," + num(v.blockiness()) + "\n");
                }
            }
        });
    }

    /** The normalised scores of every row of {@code csv} by path, in file order (see the class comment). */
    public static Map<String, Scores> read(Path csv, ScoreNormalization normalization) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read scores file " + csv + ": " + e.getMessage());
        }
        int headerLine = 0;
        while (headerLine < lines.size() && lines.get(headerLine).isBlank()) headerLine++;
        if (headerLine == lines.size()) throw new UserError(csv + ": empty scores file (expected a header row: path,mq,vq or path,mq_raw,vq_raw)");
        List<String> header = CsvLine.fields(lines.get(headerLine), csv + " line " + (headerLine + 1));
        Map<String, Integer> col = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) col.putIfAbsent(header.get(i).strip().toLowerCase(Locale.ROOT), i);
        boolean normalisedGiven = col.containsKey("mq") && col.containsKey("vq");
        String mName = normalisedGiven ? "mq" : "mq_raw", vName = normalisedGiven ? "vq" : "vq_raw";
        if (!col.containsKey("path") || !col.containsKey(mName) || !col.containsKey(vName)) {
            throw new UserError(csv + " line " + (headerLine + 1) + ": the header must name path and mq,vq (normalised) or mq_raw,vq_raw; got " + String.join(",", header));
        }
        int pathCol = col.get("path"), mCol = col.get(mName), vCol = col.get(vName), errorCol = col.getOrDefault("error", -1);
        List<String> paths = new ArrayList<>();
        List<Double> ms = new ArrayList<>(), vs = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int n = headerLine + 1; n < lines.size(); n++) {
            if (lines.get(n).isBlank()) continue;
            String where = csv + " line " + (n + 1);
            List<String> f = CsvLine.fields(lines.get(n), where);
            if (f.size() != header.size()) throw new UserError(where + ": expected " + header.size() + " fields like the header, got " + f.size());
            if (errorCol >= 0 && !f.get(errorCol).isBlank()) continue;   // not scored: no score to read
            String path = f.get(pathCol).strip().replace('\\', '/');
            if (path.isEmpty()) throw new UserError(where + ": empty path");
            if (!seen.add(path)) throw new UserError(where + ": " + path + " is listed twice");
            double m = number(f.get(mCol), mName, where), v = number(f.get(vCol), vName, where);
            if (normalisedGiven && !(m >= 0 && m <= 1 && v >= 0 && v <= 1)) {
                throw new UserError(where + ": mq and vq must be normalised scores in [0, 1], got " + f.get(mCol).strip() + ", " + f.get(vCol).strip() + " (give mq_raw,vq_raw columns to have them normalised)");
            }
            paths.add(path);
            ms.add(m);
            vs.add(v);
        }
        if (paths.isEmpty()) throw new UserError(csv + ": no score rows after the header");
        double[] m = ms.stream().mapToDouble(Double::doubleValue).toArray(), v = vs.stream().mapToDouble(Double::doubleValue).toArray();
        if (!normalisedGiven) {
            m = normalization.fit(m).apply(m);
            v = normalization.fit(v).apply(v);
        }
        Map<String, Scores> out = new LinkedHashMap<>();
        for (int i = 0; i < paths.size(); i++) out.put(paths.get(i), new Scores(m[i], v[i]));
        return out;
    }

    /**
     * The scores of {@code paths} (e.g. a video folder's files, relative to it, in clip order) as
     * {@code {mq[], vq[]}}; a {@link UserError} naming the first missing paths if some have no row in {@code table}.
     */
    public static double[][] align(Map<String, Scores> table, List<String> paths, String tableName) {
        double[] mq = new double[paths.size()], vq = new double[paths.size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            Scores s = table.get(paths.get(i).replace('\\', '/'));
            if (s == null) {
                missing.add(paths.get(i));
                continue;
            }
            mq[i] = s.mq();
            vq[i] = s.vq();
        }
        if (!missing.isEmpty()) {
            String some = String.join(", ", missing.subList(0, Math.min(5, missing.size()))) + (missing.size() > 5 ? ", ..." : "");
            throw new UserError(missing.size() + " clip(s) have no row in " + tableName + ": " + some);
        }
        return new double[][] {mq, vq};
    }

    private static double number(String s, String column, String where) {
        try {
            double x = Double.parseDouble(s.strip());
            if (Double.isFinite(x)) return x;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError(where + ": " + column + " must be a finite number, got '" + s.strip() + "'");
    }

    /** Six significant digits, no trailing zeros, plain decimal where short ({@code 0.5}, {@code 0.00186}, {@code 1.5e-07}). */
    static String num(double x) {
        if (x == 0) return "0";
        String s = String.format(Locale.ROOT, "%.6g", x);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.contains(".")) mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        return e < 0 ? mantissa : mantissa + s.substring(e);
    }
}
