// GuidedTeacher — does the motion-guidance energy carry motion at this scale? (docs/experiments/turbo.md, "Motion
// guidance, checked"). On a finished `vdiff experiment turbo` run (its students/full folder: teacher weights and
// settings), for K held-out real clips with their labels:
//  1. the reference's temporal attention (SPEC §3.4: teacher attention on the DDIM-inverted clean clip, chosen
//     layers): where the top-1 key of each query frame lies (itself, a neighbour, farther), its probability, and
//     how much the maps of the moving clip differ from those of the same clip frozen at its first frame;
//  2. the teacher's motion-augmented PF-ODE itself (the distillation target, SPEC §3.1 eqs. 3 and 8): from pure
//     noise, 50 steps of GuidedDdimSolver on the run's grid (skip T/N), omega as the run samples, the motion score
//     of each clip's own reference in the noisiest tau of the grid, for several lambda: energy along the way,
//     object-track speed (turbo.TrackMotion), direction agreement with the reference (eval.ShapeTrack velocity,
//     cosine), flow motion and noise frames of the result. lambda 0 is the same trajectory without guidance.
//
//   java --add-modules jdk.incubator.vector -cp "tensor/target/classes:diffusion/target/classes:reference/target/classes:target/lib/*" \
//        [-Dlayers=dec0_tattn] tools/turbo/GuidedTeacher.java RUN_DIR [K] [SEEDS] [lambda ...]
// RUN_DIR: an experiment folder (its students/full is read) or a student run folder; -Dlayers overrides the run's
// --motion-layers (decoder, or layer names joined by ',').
// Part 2 runs SEEDS starting noises per clip (the same for every lambda) and reports, per lambda > 0, the paired
// per-trajectory difference to lambda 0 (mean +- standard error) of the track speed.
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.diffusion.sampling.Timesteps;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.reference.eval.FlowMotion;
import dev.vdiff.reference.eval.ShapeTrack;
import dev.vdiff.reference.train.DataSpec;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.turbo.MotionScore;
import dev.vdiff.reference.turbo.NoiseFrames;
import dev.vdiff.reference.turbo.TrackMotion;
import dev.vdiff.reference.turbo.TurboMethod;
import dev.vdiff.reference.turbo.TurboSettings;
import dev.vdiff.reference.turbo.experiment.MotionStudy;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

public final class GuidedTeacher {
    public static void main(String[] a) throws Exception {
        // an experiment folder (its students/full), or a `vdiff distill --method turbo` run folder itself
        Path dir = java.nio.file.Files.exists(Path.of(a[0]).resolve("run.json")) ? Path.of(a[0]) : Path.of(a[0]).resolve("students/full");
        int k = a.length > 1 ? Integer.parseInt(a[1]) : 8;
        int seeds = a.length > 2 ? Integer.parseInt(a[2]) : 1;
        double[] lambdas = a.length > 3 ? Arrays.stream(a, 3, a.length).mapToDouble(Double::parseDouble).toArray() : new double[] {0, 0.05, 0.5, 2};
        RunSpec run = RunSpec.read(dir);
        TurboSettings s = TurboMethod.settings(run);
        NoiseSchedule schedule = run.schedule();
        FrozenTeacher teacher = new FrozenTeacher(VideoUNet.load(Models.config(run.model()), Safetensors.read(dir.resolve(TurboSettings.TEACHER_FILE)), DType.FLOAT32));
        int[] grid = Timesteps.distillationGrid(s.gridPoints(), schedule.numTrainTimesteps());
        // -Dlayers=dec0_tattn,dec1_tattn: another layer selection than the run's --motion-layers (names as there)
        String layers = System.getProperty("layers", s.motionLayers());
        MotionScore.Config mc = System.getProperty("layers") == null ? s.motion()
            : new MotionScore.Config(layers.equals("decoder") ? MotionScore.Config.defaults().layers() : List.of(layers.split(","))::contains, s.inversionStride());
        MotionScore ms = new MotionScore(teacher, schedule, grid, mc);
        var data = run.data().open();
        List<Tensor> real = data.videos(DataSpec.HELD_OUT_A, k);
        long[] y = new long[k];
        for (int i = 0; i < k; i++) y[i] = data.label(DataSpec.HELD_OUT_A + i);
        Tensor x0 = Concat.cat(0, real.stream().map(v -> v.unsqueeze(0)).toArray(Tensor[]::new));   // [K, F, 3, H, W]
        Tensor cond = Tensor.ofLongs(y, k);
        int f = x0.shape(1);
        // a still copy of every clip: its first frame repeated
        Tensor still = Concat.cat(1, java.util.Collections.nCopies(f, x0.narrow(1, 0, 1)).toArray(new Tensor[0]));
        double threshold = MotionStudy.noiseThreshold(run, 40);
        double[] refTrack = TrackMotion.of(x0, threshold);
        System.out.printf("reference clips: track %.3f, flow %.3f px/frame; layers %s, inversion stride %d, tau %.2f, grid %d, omega %.2f%n",
            mean(refTrack), mean(FlowMotion.of(x0)), layers, s.inversionStride(), s.tau(), s.gridPoints(), s.sampleOmega());
        // 1. the reference's attention structure
        for (int n : new int[] {s.gridPoints() / 2, 3 * s.gridPoints() / 4, s.gridPoints() - 1}) {
            Tensor t = Tensor.ofLongs(fillL(k, grid[n]), k);
            try (var g = Autograd.noGrad()) {
                Map<String, Tensor> am = ms.attention(refs(ms, x0, n, cond), t, cond), as = ms.attention(refs(ms, still, n, cond), t, cond);
                for (var e : am.entrySet()) {
                    double[] p = e.getValue().contiguous().toDoubleArray(), q = as.get(e.getKey()).contiguous().toDoubleArray();
                    int rows = p.length / f;   // query rows of all [F, F] maps; row r is query frame r % F
                    int self = 0, near = 0;
                    double top = 0, diff = 0, mass = 0;
                    for (int r = 0; r < rows; r++) {
                        int i = r % f, best = 0;
                        for (int j = 1; j < f; j++) if (p[r * f + j] > p[r * f + best]) best = j;
                        if (best == i) self++;
                        else if (Math.abs(best - i) == 1) near++;
                        top += p[r * f + best];
                        for (int j = 0; j < f; j++) {
                            diff += Math.abs(p[r * f + j] - q[r * f + j]);
                            mass += p[r * f + j];
                        }
                    }
                    System.out.printf("n %d (t %d) %s: %d rows; top-1 on itself %.2f, on a neighbour %.2f, farther %.2f; mean top-1 prob %.3f (uniform %.3f); |A(moving) - A(still)| / |A| = %.3f%n",
                        n, grid[n], e.getKey(), rows, (double) self / rows, (double) near / rows, 1 - (double) (self + near) / rows, top / rows, 1.0 / f, diff / mass);
                }
            }
        }
        // 2. the motion-augmented teacher trajectory from noise
        GuidedDdimSolver solver = new GuidedDdimSolver(schedule, schedule.numTrainTimesteps() / s.gridPoints(), s.motionTerm());
        double[] refV = velocities(x0);
        double[][] tracks = new double[lambdas.length][k * seeds];
        for (int li = 0; li < lambdas.length; li++) for (int sd = 0; sd < seeds; sd++) {
            double lam = lambdas[li];
            Tensor z = Rng.seed(123 + sd).normal(DType.FLOAT32, x0.shape());
            double eSum = 0;
            int eCount = 0;
            for (int n = s.gridPoints() - 1; n >= 0; n--) {
                Tensor tS = Tensor.ofLongs(fillL(k, grid[n]), k);
                boolean guided = lam > 0 && n >= (1 - s.tau()) * s.gridPoints();
                Tensor g = null;
                if (guided) {
                    g = ms.score(z, x0, fillI(k, n), cond);
                    try (var ng = Autograd.noGrad()) {
                        eSum += sum(ms.energy(z, refs(ms, x0, n, cond), tS, cond).toDoubleArray()) / k;
                        eCount++;
                    }
                }
                try (var ng = Autograd.noGrad()) {
                    Tensor eC = teacher.eps(z, tS, cond), eU = teacher.eps(z, tS, teacher.nullCondition(cond));
                    z = solver.step(z, eC, eU, g, Tensor.of(fillD(k, s.sampleOmega()), k), Tensor.of(fillD(k, guided ? lam : 0), k), tS).zPrev().detach();
                }
            }
            Tensor out = dev.vdiff.tensor.ops.Pointwise.clamp(z, -1, 1);
            double[] v = velocities(out);
            double cos = 0;
            int counted = 0;
            for (int i = 0; i < k; i++) {
                double na = Math.hypot(v[2 * i], v[2 * i + 1]), nb = Math.hypot(refV[2 * i], refV[2 * i + 1]);
                if (na > 0.15 && nb > 0.15) {
                    cos += (v[2 * i] * refV[2 * i] + v[2 * i + 1] * refV[2 * i + 1]) / (na * nb);
                    counted++;
                }
            }
            System.arraycopy(TrackMotion.of(out, threshold), 0, tracks[li], sd * k, k);
            System.out.printf("seed %d lambda %-5s mean E over guided steps %s; result: track %.3f, flow %.3f px/frame, noise frames %.3f, direction cosine with the reference %.2f over %d moving clips%n",
                sd, lam, eCount == 0 ? "-" : String.format("%.4f", eSum / eCount), mean(TrackMotion.of(out, threshold)), mean(FlowMotion.of(out)), NoiseFrames.fraction(out, threshold),
                counted == 0 ? Double.NaN : cos / counted, counted);
        }
        for (int li = 0; li < lambdas.length; li++) {
            if (lambdas[li] == 0) continue;
            int n = k * seeds, hi = 0;
            double m = 0, ss = 0;
            for (int i = 0; i < n; i++) { m += (tracks[li][i] - tracks[0][i]) / n; if (tracks[li][i] > tracks[0][i]) hi++; }
            for (int i = 0; i < n; i++) ss += Math.pow(tracks[li][i] - tracks[0][i] - m, 2);
            System.out.printf("track, lambda %s - lambda %s: %.3f vs %.3f, paired difference %+.3f +- %.3f, higher in %d of %d trajectories%n",
                lambdas[li], lambdas[0], mean(tracks[li]), mean(tracks[0]), m, Math.sqrt(ss / (n - 1) / n), hi, n);
        }
    }

    static Tensor refs(MotionScore ms, Tensor x0, int n, Tensor cond) {
        List<Tensor> r = new ArrayList<>();
        for (int i = 0; i < x0.shape(0); i++) r.add(ms.reference(x0.narrow(0, i, 1).contiguous(), n, cond.narrow(0, i, 1).contiguous()));
        return Concat.cat(0, r.toArray(new Tensor[0]));
    }

    /** (vx, vy) per clip from eval.ShapeTrack. */
    static double[] velocities(Tensor clips) {
        double[] v = new double[2 * clips.shape(0)];
        for (int i = 0; i < clips.shape(0); i++) {
            var r = ShapeTrack.of(clips.narrow(0, i, 1).reshape(clips.shape(1), 3, clips.shape(3), clips.shape(4)));
            v[2 * i] = r.vx();
            v[2 * i + 1] = r.vy();
        }
        return v;
    }

    static long[] fillL(int n, long v) { long[] a = new long[n]; Arrays.fill(a, v); return a; }
    static int[] fillI(int n, int v) { int[] a = new int[n]; Arrays.fill(a, v); return a; }
    static double[] fillD(int n, double v) { double[] a = new double[n]; Arrays.fill(a, v); return a; }
    static double sum(double[] v) { double s = 0; for (double x : v) s += x; return s; }
    static double mean(double[] v) { return sum(v) / v.length; }
}
