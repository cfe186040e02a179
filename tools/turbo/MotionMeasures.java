// MotionMeasures — flicker and motion of a finished `vdiff experiment turbo` run's teacher and students
// (docs/experiments/turbo.md, "Teacher sampling and flicker"): the teacher sampled with DDIM 16 + CFG at eta 0 and
// eta 1, the motion-guided and unguided 4-step students, and held-out real clips, each scored by the quality
// distance, the optical-flow motion (eval.FlowMotion), the object-track motion (turbo.TrackMotion) and the
// fraction of noise frames (turbo.NoiseFrames). Same labels and starting noise as the experiment's table
// (Rng.seed(seed + 1)); with SEEDS > 1 the students are also compared paired over noise seeds seed+100.. .
//
//   java --add-modules jdk.incubator.vector -cp "tensor/target/classes:diffusion/target/classes:reference/target/classes:target/lib/*" \
//        tools/turbo/MotionMeasures.java RUN_DIR [SEEDS]
import dev.vdiff.reference.eval.FlowMotion;
import dev.vdiff.reference.eval.SampleQuality;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.VideoGenerator;
import dev.vdiff.reference.turbo.NoiseFrames;
import dev.vdiff.reference.turbo.TrackMotion;
import dev.vdiff.reference.turbo.TurboMethod;
import dev.vdiff.reference.turbo.TurboSettings;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.nio.file.Path;
import java.util.List;

public final class MotionMeasures {
    static double threshold;

    public static void main(String[] a) throws Exception {
        Path out = Path.of(a[0]);
        int seeds = a.length > 1 ? Integer.parseInt(a[1]) : 0;
        Path teacherDir = out.resolve("teacher");
        RunSpec t = RunSpec.read(teacherDir);
        var data = t.data().open();
        long[] labels = VideoGenerator.balancedLabels(5, 8);
        SampleQuality q = new SampleQuality(data.videos(DataSpec.HELD_OUT_A, Math.max(8, 4 * labels.length)));
        List<Tensor> real = data.videos(DataSpec.HELD_OUT_B, labels.length);
        threshold = dev.vdiff.reference.turbo.experiment.MotionStudy.noiseThreshold(t, Math.max(8, 4 * labels.length));   // as the experiment calibrates it
        System.out.printf("noise-frame threshold %.4f%n", threshold);
        System.out.printf("%-22s %9s %8s %8s %8s%n", "arm", "quality", "flow", "track", "noisyfr");
        print("real_held_out", q, real);
        Denoiser teacher = Models.build(t.model(), DType.FLOAT32, Rng.seed(0));
        teacher.module().loadStateDict(Checkpoints.emaWeights(new Checkpoints(RunSpec.checkpointsDir(teacherDir), 1).latest().orElseThrow()));
        for (double eta : new double[] {0, 1}) {
            var s = new SamplerSettings(SamplerSettings.Kind.DDIM, 16, 2.0, eta, 1.0, 50, 1.0);
            print("teacher_ddim16_eta" + (int) eta, q, gen(teacher, t, s, labels, 1));
        }
        Denoiser on = student(out.resolve("students/full")), off = student(out.resolve("students/mg_off"));
        RunSpec sr = RunSpec.read(out.resolve("students/full"));
        var lcm4 = new SamplerSettings(SamplerSettings.Kind.LCM, 4, 1.0, 0, 1.0, 50, 1.0);
        print("student_lcm4 (mg on)", q, gen(on, sr, lcm4, labels, 1));
        print("mg_off_lcm4", q, gen(off, sr, lcm4, labels, 1));
        if (seeds > 0) {
            int n = seeds * labels.length;
            double[][] m = new double[6][n];
            for (int k = 0; k < seeds; k++) {
                Tensor a1 = clips(gen(on, sr, lcm4, labels, 100 + k)), b1 = clips(gen(off, sr, lcm4, labels, 100 + k));
                double[][] v = {FlowMotion.of(a1), FlowMotion.of(b1), TrackMotion.of(a1, threshold), TrackMotion.of(b1, threshold)};
                for (int j = 0; j < 4; j++) System.arraycopy(v[j], 0, m[j], k * labels.length, labels.length);
            }
            paired("flow  on-off", m[0], m[1]);
            paired("track on-off", m[2], m[3]);
        }
    }

    static Denoiser student(Path dir) throws Exception {
        RunSpec run = RunSpec.read(dir);
        TurboSettings s = TurboMethod.settings(run);
        var net = TurboMethod.student(run, s, s.sampleOmega(), s.sampleMotionStrength());
        net.module().loadStateDict(Checkpoints.emaWeights(new Checkpoints(RunSpec.checkpointsDir(dir), 1).latest().orElseThrow()));
        return net;
    }

    static List<Tensor> gen(Denoiser net, RunSpec run, SamplerSettings s, long[] labels, long noise) {
        VideoGenerator g = new VideoGenerator(net, run.objective(), run.schedule(), s, 8);
        return g.generate(labels, run.data().frames(), 3, run.data().height(), run.data().width(), Rng.seed(noise), null);
    }

    static Tensor clips(List<Tensor> v) {
        return Concat.cat(0, v.stream().map(x -> x.unsqueeze(0)).toArray(Tensor[]::new));
    }

    static void print(String name, SampleQuality q, List<Tensor> v) {
        Tensor c = clips(v);
        System.out.printf("%-22s %9.2f %8.4f %8.4f %8.3f%n", name, q.distance(v), mean(FlowMotion.of(c)), mean(TrackMotion.of(c, threshold)), NoiseFrames.fraction(c, threshold));
    }

    static void paired(String name, double[] x, double[] y) {
        int n = x.length, hi = 0;
        double m = 0;
        for (int i = 0; i < n; i++) { m += (x[i] - y[i]) / n; if (x[i] > y[i]) hi++; }
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (x[i] - y[i] - m) * (x[i] - y[i] - m);
        System.out.printf("%s: %.4f vs %.4f, diff %.4f +- %.4f, higher %d/%d%n", name, mean(x), mean(y), m, Math.sqrt(ss / (n - 1) / n), hi, n);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x / v.length;
        return s;
    }
}
