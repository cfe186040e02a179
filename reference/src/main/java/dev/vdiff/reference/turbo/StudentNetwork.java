package dev.vdiff.reference.turbo;

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
 */
public final class StudentNetwork implements Denoiser {
    private final GuidedStudent student;
    private final int patch, classes, numTrainTimesteps;
    private final double omega, motionStrength, percentage;

    public StudentNetwork(GuidedStudent student, int patch, int classes, double omega, double motionStrength, double percentage) {
        this.student = student;
        this.patch = patch;
        this.classes = classes;
        this.numTrainTimesteps = 1000;
        this.omega = omega;
        this.motionStrength = motionStrength;
        this.percentage = percentage;
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
        return unfold(student.forward(fold(x), t, y, Tensor.of(w, b).to(d), lambda));
    }
}
