// EpsCheckerboard — where the period-2 checkerboard of an eps teacher with 2x2 patches comes from
// (docs/experiments/turbo.md). For 8 held-out clips of a vdiff train run, noised to t = 999, 800, 500, 200 with
// fixed noise, it prints the noise-prediction error (MSE), the share of that error's energy in the single
// checkerboard mode (-1)^(x+y) of every frame and channel (white noise: about 1/(H W) = 0.004 at 16x16), the same
// share for x0_hat = (z - s_t eps_hat) / a_t, and the rms error of x0_hat (the eps error times s_t / a_t).
//
//   java --add-modules jdk.incubator.vector -cp "tensor/target/classes:diffusion/target/classes:reference/target/classes:target/lib/*" \
//        tools/turbo/EpsCheckerboard.java RUN_DIR
import dev.vdiff.reference.train.*;
import dev.vdiff.tensor.*;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.random.Rng;
import dev.vdiff.tensor.ops.Concat;
import java.nio.file.*;
import java.util.*;

/** Period-2 share of the eps error and of x0_hat at given t: energy of the checkerboard component / total energy. */
public class EpsCheckerboard {
    static double[] share(double[] v, int n, int f, int c, int h, int w) {
        double checker = 0, total = 0;
        for (int i = 0; i < n * f * c; i++) {
            double mean = 0;
            for (int k = 0; k < h * w; k++) mean += v[i * h * w + k] / (h * w);
            double cb = 0;
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                double d = v[i * h * w + y * w + x];
                total += (d - mean) * (d - mean);
                cb += ((x + y) % 2 == 0 ? 1 : -1) * d;
            }
            cb /= h * w;   // amplitude of the (-1)^(x+y) component
            checker += cb * cb * h * w;
        }
        return new double[] {checker / total, total};
    }
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        RunSpec run = RunSpec.read(dir);
        Path ck = new Checkpoints(RunSpec.checkpointsDir(dir), 1).latest().orElseThrow();
        Denoiser net = Models.build(run, DType.FLOAT32, Rng.seed(0));
        net.module().loadStateDict(Checkpoints.emaWeights(ck));
        var sch = run.schedule();
        List<Tensor> real = run.data().open().videos(DataSpec.HELD_OUT_A, 8);
        Tensor x0 = Concat.cat(0, real.stream().map(v -> v.unsqueeze(0)).toArray(Tensor[]::new));
        int[] s = x0.shape();
        long[] y = new long[8];
        for (int i = 0; i < 8; i++) y[i] = i % run.model().classes();
        System.out.println(dir + " patch " + run.model().patch() + " objective " + run.objective());
        try (var g = Autograd.noGrad()) {
            for (int t : new int[] {999, 800, 500, 200}) {
                double aa = sch.sqrtAlphaBar(t), ss = sch.sqrtOneMinusAlphaBar(t);
                Tensor eps = Rng.seed(5).normal(DType.FLOAT32, s);
                double[] e = eps.contiguous().toDoubleArray(), x = x0.contiguous().toDoubleArray();
                double[] z = new double[e.length];
                for (int i = 0; i < z.length; i++) z[i] = aa * x[i] + ss * e[i];
                long[] ts = new long[8]; Arrays.fill(ts, t);
                double[] p = net.forward(Tensor.of(z, s).to(DType.FLOAT32), Tensor.ofLongs(ts, 8), Tensor.ofLongs(y, 8)).contiguous().toDoubleArray();
                double[] err = new double[e.length], x0hat = new double[e.length];
                double mse = 0;
                for (int i = 0; i < e.length; i++) { err[i] = p[i] - e[i]; x0hat[i] = (z[i] - ss * p[i]) / aa; mse += err[i] * err[i] / e.length; }
                double[] se = share(err, 8, s[1], s[2], s[3], s[4]), sx = share(x0hat, 8, s[1], s[2], s[3], s[4]), sr = share(x, 8, s[1], s[2], s[3], s[4]);
                System.out.printf(Locale.ROOT, "t=%d  s/a=%.2f  eps mse %.4f  checker share of eps error %.4f  of x0_hat %.4f (real clips %.4f)  x0_hat rms err %.3f%n",
                    t, ss / aa, mse, se[0], sx[0], sr[0], Math.sqrt(mse) * ss / aa);
            }
        }
    }
}
