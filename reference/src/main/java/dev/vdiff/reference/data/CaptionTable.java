package dev.vdiff.reference.data;

import dev.vdiff.tensor.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Captions and labels for a folder of videos, read from CSV rows {@code path,caption[,label]}.
 *
 * <p>{@code path} is relative to the video folder, with {@code /} separators. Fields may be quoted
 * ({@code "a cat, running"}, with {@code ""} for a quote inside). A first row whose first field is
 * {@code path} is a header and skipped; blank lines are skipped. {@code label} is a non-negative integer,
 * -1 when absent.
 */
final class CaptionTable {
    record Entry(String caption, int label) {}

    private CaptionTable() {}

    /** The rows of {@code csv} by path, in file order; a {@link UserError} naming the line for a bad row. */
    static Map<String, Entry> read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read captions file " + csv + ": " + Ffmpeg.reason(e));
        }
        Map<String, Entry> rows = new LinkedHashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) continue;
            String where = csv + " line " + (n + 1);
            List<String> f = CsvLine.fields(line, where);
            if (rows.isEmpty() && f.get(0).strip().equalsIgnoreCase("path")) continue;
            if (f.size() < 2 || f.size() > 3) throw new UserError(where + ": expected path,caption[,label], got " + f.size() + " field(s)");
            String path = f.get(0).strip().replace('\\', '/');
            if (path.isEmpty()) throw new UserError(where + ": empty path");
            int label = -1;
            if (f.size() == 3 && !f.get(2).isBlank()) {
                try {
                    label = Integer.parseInt(f.get(2).strip());
                } catch (NumberFormatException e) {
                    label = -2;
                }
                if (label < 0) throw new UserError(where + ": label must be a non-negative integer, got '" + f.get(2).strip() + "'");
            }
            if (rows.put(path, new Entry(f.get(1).strip(), label)) != null) throw new UserError(where + ": " + path + " is listed twice");
        }
        return rows;
    }
}
