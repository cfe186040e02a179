package dev.vdiff.reference.data;

import dev.vdiff.tensor.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptionTableTest {
    @TempDir
    Path dir;

    @Test
    void readsHeaderQuotesAndOptionalLabels() throws IOException {
        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "path,caption,label\n"
            + "a.mp4,a dog running,3\n"
            + "\n"
            + "sub/b.gif,\"a cat, \"\"jumping\"\"\"\n"
            + "c.webm, trimmed ,\n");
        Map<String, CaptionTable.Entry> t = CaptionTable.read(csv);
        assertEquals(List.of("a.mp4", "sub/b.gif", "c.webm"), List.copyOf(t.keySet()));
        assertEquals(new CaptionTable.Entry("a dog running", 3), t.get("a.mp4"));
        assertEquals(new CaptionTable.Entry("a cat, \"jumping\"", -1), t.get("sub/b.gif"));
        assertEquals(new CaptionTable.Entry("trimmed", -1), t.get("c.webm"));
    }

    @Test
    void badRowsNameTheLine() throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "a.mp4,fine,1\nb.mp4,bad label,x\n");
        UserError e = assertThrows(UserError.class, () -> CaptionTable.read(csv));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'x'"), e.getMessage());

        Files.writeString(csv, "only-one-field\n");
        e = assertThrows(UserError.class, () -> CaptionTable.read(csv));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("path,caption[,label]"), e.getMessage());

        Files.writeString(csv, "a.mp4,x\na.mp4,y\n");
        e = assertThrows(UserError.class, () -> CaptionTable.read(csv));
        assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
    }
}
