package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.distill.GuidedStudent;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.PatchedDenoiser;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Module;

/**
 * A distilled student as the generic trainer and samplers see it ({@link Denoiser}): pixels {@code [B, F, C, H, W]}
 * in, predicted noise out, with the run's pixel folding ({@link PatchedDenoiser#fold}) around the
 * {@link GuidedStudent}. The guidance scale and the motion strength are inputs of the network (SPEC §3.4b): the
 * sampler calls it once per step with {@code omega} and {@code lambda(t) = motionStrength} for
 * {@code t >= T (1 - percentage)}, else 0; no classifier-free second pass.
 *
 * <p>x0 clipping [RECONSTRUCTED, on by default]: the released pipeline works in latent space and clips nothing; in
 * vdiff's pixel space the network's {@code x0_hat = (z - s_t e) / a_t} is clamped to the data range [-1, 1] and the
 * noise re-derived from it, {@code e' = (z - a_t clamp(x0_hat)) / s_t}, exactly as the teacher's DDIM sampler does
 * ({@code VideoGenerator}'s clip), so both are sampled under the same rule. At {@code t = 999}, {@code a_t = 0.068}
 * multiplies a small network's errors by 15; without the clamp a briefly trained student's one-step output leaves
 * the pixel range.
 */
public final class StudentNetwork implements Denoiser {
    private final GuidedStudent student;
    private final int patch, classes, numTrainTimesteps;
    private final double omega, motionStrength, percentage;
    private final boolean clipX0;
    private final NoiseSchedule schedule = NoiseSchedule.videoCrafter2();

    public StudentNetwork(GuidedStudent student, int patch, int classes, double omega, double motionStrength, double percentage) {
        this(student, patch, classes, omega, motionStrength, percentage, true);
    }

    /** @param clipX0 clamp the x0 estimate to [-1, 1] at sampling (the class comment) */
    public StudentNetwork(GuidedStudent student, int patch, int classes, double omega, double motionStrength, double percentage, boolean clipX0) {
        this.student = student;
        this.patch = patch;
        this.classes = classes;
        this.numTrainTimesteps = 1000;
        this.omega = omega;
        this.motionStrength = motionStrength;
        this.percentage = percentage;
        this.clipX0 = clipX0;
    }

    public GuidedStudent student() {
        return student;
    }

    /** Pixels {@code [B, F, C, H, W]} to the UNet's layout (folded {@code p x p} blocks). */
    public Tensor fold(Tensor x) {
        return patch == 1 ? x : PatchedDenoiser.fold(x, patch);
    }

    /** The UNet's layout back to pixels. */
    public Tensor unfold(Tensor z) {
        return patch == 1 ? z : PatchedDenoiser.unfold(z, patch);
    }

    @Override
    public Module module() {
        return student;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    /** One student call with this network's sampling inputs (omega, and lambda by the time of each sample). */
    @Override
    public Tensor forward(Tensor x, Tensor t, Tensor y) {
        int b = x.shape(0);
        long[] ts = t.contiguous().longs();
        double[] w = new double[b], l = new double[b];
        for (int i = 0; i < b; i++) {
            w[i] = omega;
            l[i] = ts[i] >= numTrainTimesteps * (1 - percentage) ? motionStrength : 0;
        }
        DType d = x.dtype();
        Tensor lambda = student.config().motionConditioning() ? Tensor.of(l, b).to(d) : null;
        Tensor e = unfold(student.forward(fold(x), t, y, Tensor.of(w, b).to(d), lambda));
        return clipX0 ? clipped(x, e, ts) : e;
    }

    /** {@code e' = (z - a_t clamp(x0_hat, -1, 1)) / s_t} per sample, {@code x0_hat = (z - s_t e) / a_t} (SPEC §1.2). */
    private Tensor clipped(Tensor z, Tensor e, long[] ts) {
        int b = z.shape(0), per = z.numel() / b;
        double[] zv = z.toDoubleArray(), ev = e.toDoubleArray(), out = new double[zv.length];
        for (int i = 0; i < b; i++) {
            double a = schedule.sqrtAlphaBar((int) ts[i]), s = schedule.sqrtOneMinusAlphaBar((int) ts[i]);
            for (int j = i * per; j < (i + 1) * per; j++) {
                double x0 = Math.max(-1, Math.min(1, (zv[j] - s * ev[j]) / a));
                out[j] = (zv[j] - a * x0) / s;
            }
        }
        return Tensor.of(out, z.shape()).to(e.dtype());
    }
}
