package dev.vdiff.reference.eval;

import dev.vdiff.tensor.Tensor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tool, not a test: counts the failed steps of {@link VisualQualityRankingTest}'s grid over several seeds, for
 * measuring a change to {@link VisualQuality} (docs/TQD.md). The degraded clips (after the GIF round trip where the
 * grid has one) do not depend on the scorer, so {@code cache} writes their colour planes once per seed
 * ({@code DIR/seed<S>.bin}); {@code score} reads them back, scores every clip with the current code and prints every
 * failed step with its measures, the failures per seed, and (with {@code --dump FILE}) every score's fields.
 *
 * <pre>
 *   java -cp ... dev.vdiff.reference.eval.RankingGrid cache DIR 1 2 3 4 5
 *   java -cp ... dev.vdiff.reference.eval.RankingGrid score DIR 1 2 3 4 5 [--dump FILE]
 * </pre>
 */
final class RankingGrid {
    private static final int[] SIZES = {16, 64, 128};
    private static final Map<TestDegradations, double[]> STRENGTHS = Map.of(
        TestDegradations.BLUR, new double[] {0.5, 1, 1.5, 2, 3},
        TestDegradations.NOISE, new double[] {2, 5, 10, 20, 40},
        TestDegradations.BLOCKS, new double[] {0.5, 1, 2, 4, 8});

    private RankingGrid() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        List<Long> seeds = new ArrayList<>();
        Path dump = null;
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--dump")) dump = Path.of(args[++i]);
            else seeds.add(Long.parseLong(args[i]));
        }
        if (args[0].equals("cache")) {
            for (long s : seeds) cache(dir, s);
        } else {
            PrintStream out = dump == null ? null : new PrintStream(Files.newOutputStream(dump));
            int total = 0;
            StringBuilder per = new StringBuilder();
            for (long s : seeds) {
                int n = score(dir, s, out);
                total += n;
                per.append(" seed ").append(s).append(": ").append(n);
            }
            System.out.println("FAILURES" + per + "; total " + total);
            if (out != null) out.close();
        }
    }

    /** Every clip of the grid for {@code seed}: key "raw|gif size CONTENT DEGRADATION strength" (strength 0: clean, written once per content). */
    private static void cache(Path dir, long seed) throws IOException {
        Path tmp = Files.createTempDirectory(dir, "gif");
        Path file = dir.resolve("seed" + seed + ".bin"), part = dir.resolve("seed" + seed + ".part");
        long t0 = System.nanoTime();
        int n = 0;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(part), 1 << 20))) {
            for (boolean gif : new boolean[] {false, true}) {
                for (int size : SIZES) {
                    for (TestContent c : TestContent.values()) {
                        Tensor clean = c.render(size, size, seed);
                        String base = (gif ? "gif " : "raw ") + size + " " + c;
                        write(out, base + " CLEAN 0", gif ? TestDegradations.throughGif(clean, tmp) : clean);
                        for (TestDegradations d : TestDegradations.values()) {
                            for (double st : STRENGTHS.get(d)) {
                                Tensor v = d.apply(clean, st, seed);
                                write(out, base + " " + d + " " + st, gif ? TestDegradations.throughGif(v, tmp) : v);
                                n++;
                            }
                        }
                    }
                }
            }
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(tmp);
        System.out.printf("seed %d: %d degraded clips cached in %.1f s%n", seed, n, (System.nanoTime() - t0) / 1e9);
    }

    private static void write(DataOutputStream out, String key, Tensor video) throws IOException {
        float[][][] p = RgbPlanes.of(video);
        out.writeUTF(key);
        out.writeInt(p.length);
        out.writeInt(p[0].length);
        out.writeInt(video.shape(2));
        out.writeInt(video.shape(3));
        ByteBuffer b = ByteBuffer.allocate(p[0][0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[][] c : p) {
            for (float[] f : c) {
                b.clear();
                b.asFloatBuffer().put(f);
                out.write(b.array());
            }
        }
    }

    /** Scores every cached clip of {@code seed}, prints its failed steps, returns their count. */
    private static int score(Path dir, long seed, PrintStream dump) throws IOException {
        Map<String, VisualQuality> scores = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve("seed" + seed + ".bin")), 1 << 20))) {
            while (true) {
                String key;
                try {
                    key = in.readUTF();
                } catch (EOFException e) {
                    break;
                }
                int cs = in.readInt(), fs = in.readInt(), h = in.readInt(), w = in.readInt();
                float[][][] p = new float[cs][fs][h * w];
                byte[] raw = new byte[h * w * 4];
                for (float[][] c : p) {
                    for (float[] f : c) {
                        in.readFully(raw);
                        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
                    }
                }
                VisualQuality q = VisualQuality.of(p, h, w);
                scores.put(key, q);
                if (dump != null) {
                    dump.printf("%d %s %s %s %s %s %s%n", seed, key.replace(' ', '_'), Double.doubleToLongBits(q.sharpness()),
                        Double.doubleToLongBits(q.noise()), Double.doubleToLongBits(q.blockiness()), Double.doubleToLongBits(q.detail()),
                        Double.doubleToLongBits(q.score()));
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int failures = 0;
        for (boolean gif : new boolean[] {false, true}) {
            for (int size : SIZES) {
                for (TestContent c : TestContent.values()) {
                    String base = (gif ? "gif " : "raw ") + size + " " + c;
                    for (TestDegradations d : TestDegradations.values()) {
                        String prevKey = base + " CLEAN 0";
                        VisualQuality clean = scores.get(prevKey), prev = clean;
                        for (double st : STRENGTHS.get(d)) {
                            String key = base + " " + d + " " + st;
                            VisualQuality q = scores.get(key);
                            if (!(q.score() < prev.score()) || !(q.score() < clean.score())) {
                                failures++;
                                System.out.printf("FAIL seed %d %s: %s -> %s%n   %s%n   %s%n", seed, base + " " + d,
                                    prevKey.substring(prevKey.lastIndexOf(' ') + 1), st, fmt(prev), fmt(q));
                            }
                            prev = q;
                            prevKey = key;
                        }
                    }
                }
            }
        }
        System.out.printf("seed %d: %d clips scored in %.1f s, %d failed steps%n", seed, scores.size(), seconds, failures);
        return failures;
    }

    private static String fmt(VisualQuality q) {
        return String.format("VQ %.4e  S %.3e  sigma %.2f gl  B %.3f  N %.4f", q.score(), q.sharpness(), 255 * q.noise(), q.blockiness(), q.detail());
    }
}
