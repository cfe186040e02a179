package dev.vdiff.cli;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.vdiff.cli.InspectCommandTest.vdiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vdiff tqd timesteps} and {@code vdiff tqd plot}: files, summaries, and one-line errors naming the flag. */
class TqdCommandTest {
    @TempDir
    Path tmp;

    @Test
    void timestepsWritesDrawsOfTheLaw() throws Exception {
        Path out = tmp.resolve("t.npy");
        InspectCommandTest.Run r = vdiff("tqd", "timesteps", "--mq", "0.9", "--vq", "0.1", "--count", "20000", "--seed", "3", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mu 0.9, kappa 6.8, Beta(6.12, 0.68)"), r.out());
        Tensor t = Npy.read(out);
        assertEquals(DType.FLOAT64, t.dtype());
        assertArrayEquals(new int[] {20000}, t.shape());
        double mean = 0;
        for (double x : t.doubles()) {
            assertTrue(x > 0 && x < 1, "t = " + x);
            mean += x;
        }
        // E[t] = mu = 0.9; sd of the mean sqrt(0.09 / 7.8 / 20000) = 7.6e-4.
        assertEquals(0.9, mean / 20000, 5 * 7.6e-4);
        // Same seed, same bits; another seed, other draws.
        Path again = tmp.resolve("again.npy"), other = tmp.resolve("other.npy");
        vdiff("tqd", "timesteps", "--mq", "0.9", "--vq", "0.1", "--count", "20000", "--seed", "3", "--out", again.toString());
        vdiff("tqd", "timesteps", "--mq", "0.9", "--vq", "0.1", "--count", "20000", "--seed", "4", "--out", other.toString());
        assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(again));
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(out), Files.readAllBytes(other)));
    }

    @Test
    void timestepsMappedToDdpmIndices() throws Exception {
        Path out = tmp.resolve("n.npy");
        InspectCommandTest.Run r = vdiff("tqd", "timesteps", "--mq", "0.1", "--vq", "0.9", "--kappa-base", "4", "--count", "5000",
            "--as", "ddpm", "--sampler", "inversion", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Tensor n = Npy.read(out);
        assertEquals(DType.INT64, n.dtype());
        for (long x : n.longs()) assertTrue(x >= 0 && x <= 999, "n = " + x);
        assertTrue(r.out().contains("inversion sampler"), r.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--mq 1.5 --vq 0.1 --out x.npy                        | --mq",
        "--mq 0.5 --vq -0.1 --out x.npy                       | --vq",
        "--mq 0.5 --vq 0.1 --kappa-base 0 --out x.npy         | --kappa-base",
        "--mq 0.5 --vq 0.1 --kappa-base 4 --kappa-max 2 --out x.npy | --kappa-max",
        "--mq 0.5 --vq 0.1 --count 0 --out x.npy              | --count",
        "--mq 0.5 --vq 0.1 --sampler boxmuller --out x.npy    | --sampler",
        "--mq 0.5 --vq 0.1 --as sigma --out x.npy             | --as",
        "--mq 0.5 --vq 0.1 --out x.txt                        | --out",
        "--mq abc --vq 0.1 --out x.npy                        | --mq",
        "--vq 0.1 --out x.npy                                 | --mq",
    })
    void badTimestepFlagsNameTheFlag(String args, String flag) {
        String[] a = ("tqd timesteps " + args.strip()).split("\\s+");
        for (int i = 0; i < a.length; i++) if (a[i].endsWith(".npy") || a[i].endsWith(".txt")) a[i] = tmp.resolve(a[i]).toString();
        InspectCommandTest.Run r = vdiff(a);
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains(flag), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void plotLaysOutRowsAndColumnsLikeFigure5() throws Exception {
        Path png = tmp.resolve("fig5.png");
        InspectCommandTest.Run r = vdiff("tqd", "plot", "--out", png.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(3 * 480, img.getWidth());    // MQ > VQ, MQ = VQ, MQ < VQ
        assertEquals(2 * 360, img.getHeight());   // kappa_base 4, 2
        Path one = tmp.resolve("one.png");
        r = vdiff("tqd", "plot", "--pair", "0.8:0.2", "--pair", "0.6:0.1", "--kappa-base", "2", "--out", one.toString());
        assertEquals(0, r.code(), r.err());
        img = ImageIO.read(one.toFile());
        assertEquals(480, img.getWidth());
        assertEquals(360, img.getHeight());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--pair 0.8 --out p.png                | --pair",
        "--pair 0.8:x --out p.png              | --pair",
        "--pair 0.8:1.2 --out p.png            | --pair",
        "--kappa-base -1 --out p.png           | --kappa-base",
        "--kappa-max 1 --out p.png             | --kappa-max",
        "--out p.jpg                           | --out",
    })
    void badPlotFlagsNameTheFlag(String args, String flag) {
        String[] a = ("tqd plot " + args.strip()).split("\\s+");
        for (int i = 0; i < a.length; i++) if (a[i].startsWith("p.")) a[i] = tmp.resolve(a[i]).toString();
        InspectCommandTest.Run r = vdiff(a);
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains(flag), r.err());
        assertTrue(r.err().startsWith("vdiff tqd plot: error: ") || r.err().contains("Usage"), r.err());
    }
}
