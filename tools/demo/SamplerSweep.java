// SamplerSweep — re-measures a saved `vdiff demo` run with other samplers or other sampling noise: the demo's metric
// (frechet_clip_feature_distance against the same 256 held-out clips DataSpec.HELD_OUT_A) on the 30 clips (6 per
// class) that the run's EMA weights generate with each sampler. With the demo's sampler and seed 1234 it reproduces
// the demo's "trained" number exactly. docs/demo/RECIPE.md's sampler rows and metric-noise figures come from it.
//
//   tools/demo/run.sh SamplerSweep DEMO_OUT/run STEP steps:guidance:eta[:rescale[:seed[:raw]]] ...
//   e.g. tools/demo/run.sh SamplerSweep demo-out/run 600 16:2:1:0:1234 16:2:1:0:1235 32:2:1 16:2:1:0:1234:raw
// A sixth field "raw" samples the trained weights themselves instead of their EMA. With -Dpng=DIR (java option) it also
// writes the first 4 clips of each class per sampler as DIR/<spec>/<class>.gif|mp4|png (the demo's sample files), to look at.
// Every sampler's line also counts the asked-for objects (ObjectPresence: frames that show them, and with the right shape).
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.reference.demo.BackgroundStats;
import dev.vdiff.reference.demo.ObjectPresence;
import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.train.*;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import java.nio.file.*;
import java.util.*;

public class SamplerSweep {
    public static void main(String[] a) throws Exception {
        if (a.length < 3) {
            System.err.println("usage: SamplerSweep RUN_DIR STEP steps:guidance:eta[:rescale[:seed[:raw]]] ...");
            System.exit(2);
        }
        Path runDir = Path.of(a[0]);
        RunSpec run = RunSpec.read(runDir);
        Path ckpt = RunSpec.checkpointsDir(runDir).resolve(Checkpoints.name(Long.parseLong(a[1])));
        DataSpec d = run.data();
        VideoDataset data = d.open();
        List<Tensor> reference = data.videos(DataSpec.HELD_OUT_A, 256);
        SampleQuality q = new SampleQuality(reference);
        long[] labels = VideoGenerator.balancedLabels(d.classes(), 6);
        // The backgrounds of real clips, for the "backgrounds" line of every sampler (BackgroundStats).
        System.out.printf(Locale.ROOT, "data: 30 held-out clips: backgrounds %s%n", BackgroundStats.of(data.videos(DataSpec.HELD_OUT_B, labels.length)).describe());
        System.out.printf(Locale.ROOT, "data: 256 reference clips: backgrounds %s%n", BackgroundStats.of(reference).describe());
        System.out.printf(Locale.ROOT, "data: 30 held-out clips: objects %s%n", ObjectPresence.of(data.videos(DataSpec.HELD_OUT_B, labels.length),
            ObjectPresence.ofData(data, DataSpec.HELD_OUT_B, labels.length)).describe());
        Denoiser model = Models.build(run, DType.FLOAT32, Rng.seed(0));
        for (int i = 2; i < a.length; i++) {
            String[] p = a[i].split(":");
            boolean raw = p.length > 5 && p[5].equals("raw");
            model.module().loadStateDict(raw ? Checkpoints.modelWeights(ckpt) : Checkpoints.emaWeights(ckpt));
            SamplerSettings s = new SamplerSettings(SamplerSettings.Kind.DDIM, Integer.parseInt(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]), 1.0, 50, 1.0,
                p.length > 3 ? Double.parseDouble(p[3]) : 0);
            long t0 = System.nanoTime();
            VideoGenerator gen = new VideoGenerator(model, run.objective(), run.schedule(), s, 8);
            List<Tensor> v = gen.generate(labels, d.frames(), 3, d.height(), d.width(), Rng.seed(p.length > 4 ? Long.parseLong(p[4]) : 1234), k -> {});
            String png = System.getProperty("png");
            if (png != null) {
                for (int c = 0; c < d.classes(); c++) {
                    SampleWriter.write(Path.of(png, a[i].replace(':', '_')), d.className(c).replace(' ', '-'), v.subList(c * 6, c * 6 + 4), 6, 6);
                }
            }
            System.out.printf(Locale.ROOT, "%s  %s, %s weights  distance %.3f  (%.0f s)%n", a[i], s.describe(), raw ? "trained" : "EMA", q.distance(v), (System.nanoTime() - t0) * 1e-9);
            // Diagnosis: the distance's mean term is the sum of the squared per-feature mean shifts (in reference
            // standard deviations); the rest is the covariance term. The largest shifts name what is off.
            double[] shift = q.meanShift(v);
            double meanTerm = 0;
            Integer[] order = new Integer[shift.length];
            for (int j = 0; j < shift.length; j++) {
                meanTerm += shift[j] * shift[j];
                order[j] = j;
            }
            Arrays.sort(order, (x, y) -> Double.compare(Math.abs(shift[y]), Math.abs(shift[x])));
            StringBuilder top = new StringBuilder();
            for (int j = 0; j < 8; j++) top.append(String.format(Locale.ROOT, " %s %+.2f", dev.vdiff.reference.eval.ClipFeatures.NAMES.get(order[j]), shift[order[j]]));
            System.out.printf(Locale.ROOT, "    mean term %.1f of it; largest mean shifts (reference std):%s%n", meanTerm, top);
            System.out.printf(Locale.ROOT, "    backgrounds %s%n", BackgroundStats.of(v).describe());
            // Whether the asked-for objects are there (ObjectPresence): the distance rewards an object that fades out.
            ObjectPresence.Summary objects = ObjectPresence.of(v, ObjectPresence.ofClasses(labels));
            StringBuilder per = new StringBuilder();
            for (ObjectPresence.Row r : objects.perObject()) per.append(String.format(Locale.ROOT, "; %s %.0f%%/%.0f%%", r.what(), 100 * r.presence(), 100 * r.shapeAccuracy()));
            System.out.printf(Locale.ROOT, "    objects %s (per object, frames with it / shape right:%s)%n", objects.describe(), per.substring(1));
            // Counterfactual: the same clips with each frame shifted so that its background colour is the clip's mean (no drift).
            List<Tensor> steady = new ArrayList<>();
            for (Tensor x : v) steady.add(BackgroundStats.steadied(x));
            double[] sShift = q.meanShift(steady);
            double sTerm = 0;
            for (double z : sShift) sTerm += z * z;
            System.out.printf(Locale.ROOT, "    the same clips with steadied backgrounds (no drift): distance %.3f, mean term %.1f%n", q.distance(steady), sTerm);
        }
    }
}
