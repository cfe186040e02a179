package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.io.TensorFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vdiff inspect FILE}: one line per tensor of a {@code .npy}, {@code .npz} or {@code .safetensors}
 * file with its name, dtype, shape, min, max and mean (computed in double), after a line naming the format
 * and the tensor count.
 *
 * <pre>
 * $ vdiff inspect pair.npz
 * pair.npz: npz, 2 tensors
 * name  dtype    shape    min   max    mean
 * x     float64  [2, 3]  -1.1  0.75  -0.175
 * idx   int64    [4]      -20     1    -9.5
 * </pre>
 *
 * <p>A converted dtype shows the file's own type in parentheses ({@code float32 (F16)}); NaNs are left out
 * of min and max and counted in a note; safetensors metadata gets a line of its own.
 * </pre>
 *
 * <p>A file that cannot be read prints {@code vdiff inspect: error: <file>: <what is wrong>} and exits 2.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Lists the tensors of a .npy, .npz or .safetensors file: name, dtype, shape, min, max, mean.")
public final class InspectCommand implements CliCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "a .npy, .npz or .safetensors file")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        // Whatever goes wrong reading the user's file is about that file: one line (the messages name it).
        TensorFile.Format format;
        List<TensorFile.Info> infos;
        LinkedHashMap<String, Tensor> tensors;
        try {
            format = TensorFile.detect(file);
            infos = TensorFile.list(file);
            tensors = TensorFile.read(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError("no such file: " + file);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }

        PrintWriter out = spec.commandLine().getOut();
        out.println(file + ": " + format + ", " + tensors.size() + (tensors.size() == 1 ? " tensor" : " tensors"));
        if (format == TensorFile.Format.SAFETENSORS) {
            Map<String, String> meta = Safetensors.metadata(file);
            if (!meta.isEmpty()) {
                List<String> kv = new ArrayList<>();
                meta.forEach((k, v) -> kv.add(k + "=" + v));
                out.println("metadata: " + String.join(", ", kv));
            }
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"name", "dtype", "shape", "min", "max", "mean", ""});
        for (TensorFile.Info info : infos) rows.add(row(info, tensors.get(info.name())));
        printTable(out, rows);
        out.flush();
        return 0;
    }

    private static String[] row(TensorFile.Info info, Tensor t) {
        String dtype = info.dtype() + (info.converted() ? " (" + info.stored() + ")" : "");
        String shape = Shape.str(info.shape());
        if (t.numel() == 0) return new String[] {info.name(), dtype, shape, "-", "-", "-", "(empty)"};
        if (t.dtype() == DType.INT64) {
            long[] v = t.contiguous().longs();
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            double sum = 0;
            for (long x : v) {
                min = Math.min(min, x);
                max = Math.max(max, x);
                sum += x;
            }
            return new String[] {info.name(), dtype, shape, Long.toString(min), Long.toString(max), num(sum / v.length), ""};
        }
        double[] v = t.toDoubleArray();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        long nans = 0;
        for (double x : v) {
            if (Double.isNaN(x)) {
                nans++;   // min and max skip NaNs; the mean is NaN, as in NumPy
            } else {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            sum += x;
        }
        String note = nans == 0 ? "" : "(" + nans + " NaN)";
        if (nans == v.length) return new String[] {info.name(), dtype, shape, "nan", "nan", "nan", note};
        return new String[] {info.name(), dtype, shape, num(min), num(max), num(sum / v.length), note};
    }

    /** Six significant digits without trailing zeros: 3.5, -0.000398715, 1.5e+20, inf. */
    static String num(double x) {
        if (Double.isNaN(x)) return "nan";
        if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
        String s = String.format(Locale.ROOT, "%.6g", x);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.contains(".")) mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        return e < 0 ? mantissa : mantissa + s.substring(e);
    }

    private static void printTable(PrintWriter out, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) for (int c = 0; c < cols; c++) width[c] = Math.max(width[c], r[c].length());
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                String pad = " ".repeat(width[c] - r[c].length());
                boolean numeric = c >= 3 && c <= 5;   // min, max, mean: right-aligned
                sb.append(numeric ? pad + r[c] : r[c] + pad).append(c == cols - 1 ? "" : "  ");
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
