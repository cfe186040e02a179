// StepRate — seconds per training step of variants of the demo's network and batch, measured interleaved in one
// process (ROUNDS rounds of STEPS steps of each variant after 5 warm-up steps), so that a loaded machine slows
// every variant alike and only the ratios are reported as results. docs/demo/RECIPE.md's cost table comes from it.
//
//   tools/demo/run.sh StepRate ROUNDS STEPS batch:ch0:ch1:groups[:t] ...
//   e.g. tools/demo/run.sh StepRate 3 6 4:32:64:16 8:32:64:16 16:32:64:16 4:16:32:8 4:48:48:16:t
// A fifth field "t" adds temporal attention at full resolution (ModelSpec.temporal0; needs ch0 = ch1).
import dev.vdiff.reference.demo.*;
import dev.vdiff.reference.train.*;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.random.Rng;
import java.util.*;

public class StepRate {
    public static void main(String[] a) throws Exception {
        if (a.length < 3) {
            System.err.println("usage: StepRate ROUNDS STEPS batch:ch0:ch1:groups[:t] ...");
            System.exit(2);
        }
        int rounds = Integer.parseInt(a[0]), steps = Integer.parseInt(a[1]);
        List<Trainer> trainers = new ArrayList<>();
        for (int i = 2; i < a.length; i++) {
            String[] p = a[i].split(":");
            DemoConfig c = DemoConfig.full();
            RunSpec run = c.run();
            run = run.withTrain(run.train().withBatchSize(Integer.parseInt(p[0])));
            run = new RunSpec(run.model().withCh0(Integer.parseInt(p[1])).withCh1(Integer.parseInt(p[2])).withGroups(Integer.parseInt(p[3])).withTemporal0(p.length > 4 && p[4].equals("t")), run.data(), run.objective(), run.noise(), run.train(), run.sections());
            Denoiser m = Models.build(run, DType.FLOAT32, Rng.seed(0));
            System.out.printf("%s: %,d parameters%n", a[i], m.module().parameterCount());
            Trainer t = new Trainer(m, run.data().open(), run.train(), run.objective(), run.schedule(), TimestepSampler.uniform(1000));
            for (int k = 0; k < 5; k++) t.step();
            trainers.add(t);
        }
        double[] sec = new double[trainers.size()];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < trainers.size(); i++) {
                long t0 = System.nanoTime();
                for (int k = 0; k < steps; k++) trainers.get(i).step();
                double s = (System.nanoTime() - t0) * 1e-9;
                sec[i] += s;
                System.out.printf(Locale.ROOT, "round %d %s %.3f s/step%n", r, a[i + 2], s / steps);
            }
        }
        for (int i = 0; i < trainers.size(); i++) System.out.printf(Locale.ROOT, "%s: %.4f s/step, ratio to first %.3f%n", a[i + 2], sec[i] / rounds / steps, sec[i] / sec[0]);
    }
}
