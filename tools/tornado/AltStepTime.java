// AltStepTime — the JVM tiny training step of two builds in ONE process (each in its own class loader), timed round by
// round alternately (20 steps of one, then of the other, which goes first alternating), so that the load of a shared
// machine hits both alike; prints the per-round ratio after/before.
//
//   javac -d /tmp/h-before -cp BEFORE/tensor/target/classes:BEFORE/diffusion/target/classes tools/tornado/StepHarness.java
//   javac -d /tmp/h-after  -cp AFTER/tensor/target/classes:AFTER/diffusion/target/classes  tools/tornado/StepHarness.java
//   javac -d /tmp/alt tools/tornado/AltStepTime.java
//   java --add-modules jdk.incubator.vector -cp /tmp/alt AltStepTime BEFORE /tmp/h-before AFTER /tmp/h-after 60 30 20
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/** Both builds in one process (own class loaders), their steps alternated round by round: load drift hits both. */
public final class AltStepTime {
    /** root: a checkout built with mvn compile; harness: StepHarness compiled against it. */
    static Runnable load(String root, String harness) throws Exception {
        URL[] urls = {Path.of(root, "tensor/target/classes/").toUri().toURL(), Path.of(root, "diffusion/target/classes/").toUri().toURL(),
            Path.of(harness + "/").toUri().toURL()};
        ClassLoader cl = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
        return (Runnable) cl.loadClass("StepHarness").getMethod("make").invoke(null);
    }

    public static void main(String[] a) throws Exception {
        Runnable before = load(a[0], a[1]), after = load(a[2], a[3]);
        int warm = Integer.parseInt(a[4]), rounds = Integer.parseInt(a[5]), steps = Integer.parseInt(a[6]);
        for (int i = 0; i < warm; i++) { before.run(); after.run(); }
        double[] tb = new double[rounds], ta = new double[rounds], ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean bFirst = r % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean doB = (k == 0) == bFirst;
                Runnable f = doB ? before : after;
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++) f.run();
                double ms = (System.nanoTime() - t0) / 1e6 / steps;
                if (doB) tb[r] = ms; else ta[r] = ms;
            }
            ratio[r] = ta[r] / tb[r];
        }
        double[] s = ratio.clone(); Arrays.sort(s);
        double[] sb = tb.clone(); Arrays.sort(sb); double[] sa = ta.clone(); Arrays.sort(sa);
        System.out.printf("rounds %d x %d steps each: median ms/step before %.3f after %.3f; min before %.3f after %.3f; after/before per round: median %.3f, quartiles %.3f .. %.3f%n",
            rounds, steps, sb[rounds / 2], sa[rounds / 2], sb[0], sa[0], s[rounds / 2], s[rounds / 4], s[3 * rounds / 4]);
        System.out.println("ratios " + Arrays.toString(ratio));
    }
}
