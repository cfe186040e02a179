package dev.vdiff.reference.data;

import dev.vdiff.tensor.UserError;

import java.util.ArrayList;
import java.util.List;

/** One line of a CSV file (RFC 4180 quoting, no line breaks inside fields): what the caption and score tables read. */
public final class CsvLine {
    private CsvLine() {}

    /** The fields of {@code line}; an unterminated quote is a {@link UserError} naming {@code where} (file and line). */
    public static List<String> fields(String line, String where) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cur.append(ch);
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) throw new UserError(where + ": unterminated quote");
        out.add(cur.toString());
        return out;
    }

    /** {@code s} as one CSV field: quoted (with doubled quotes) when it holds a comma, a quote or edge spaces. */
    public static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.strip().equals(s)) return s;
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
