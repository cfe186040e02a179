package dev.vdiff.reference.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loss chart's axis and legend, and the progress log's last line (issue 10). */
class LossChartTest {
    @Test
    void logAxisOnlyWhenTheLossSpansTwoDecades() {
        assertFalse(LossChart.logarithmic(new double[] {0.9, 0.5, 0.2}), "within one decade a log axis shows no numbers");
        assertFalse(LossChart.logarithmic(new double[] {0.5, 0.1, 0.04}), "just over a decade a log axis shows one number");
        assertTrue(LossChart.logarithmic(new double[] {1.0, 0.3, 0.01}));
        assertFalse(LossChart.logarithmic(new double[] {1.0, 0.0, 0.01}), "a zero loss cannot go on a log axis");
    }

    @Test
    void noOneStepMovingAverage(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        assertNull(LossChart.averageName(1));
        assertEquals("moving average (4 steps)", LossChart.averageName(4));
        LossChart.write(tmp.resolve("loss.png"), List.of(1.0, 0.8, 0.7), "short run");
        assertTrue(Files.size(tmp.resolve("loss.png")) > 1000);
    }

    @Test
    void theLastProgressLineIsPrintedOnce() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Consumer<String> c = TrainProgress.onceper(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        c.accept("train  50% [==  ] 2/4 steps (0:00:01 / 0:00:01) 2.0 steps/s");
        c.accept("train 100% [====] 4/4 steps (0:00:02 / 0:00:00) 2.0 steps/s");
        c.accept("train 100% [====] 4/4 steps (0:00:03 / 0:00:00) 2.0 steps/s");   // the redraw at close
        assertEquals(2, bytes.toString(StandardCharsets.UTF_8).lines().count(), bytes.toString(StandardCharsets.UTF_8));
        // vdiff score's bar counts clips
        List<String> lines = new java.util.ArrayList<>();
        Consumer<String> clips = TrainProgress.onceper(lines::add, "clips");
        clips.accept("score 100% [====] 3/3 clips (0:00:02 / 0:00:00)");
        clips.accept("score 100% [====] 3/3 clips (0:00:02 / 0:00:00)");
        assertEquals(1, lines.size(), lines.toString());
    }
}
