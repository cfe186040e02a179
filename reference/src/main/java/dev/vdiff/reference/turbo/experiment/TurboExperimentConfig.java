package dev.vdiff.reference.turbo.experiment;

/**
 * The sizes of {@code vdiff experiment turbo}.
 *
 * @param size clip height and width (pixels)
 * @param frames frames per clip
 * @param ch0 UNet channels at full resolution (the teacher's)
 * @param ch1 UNet channels at half resolution
 * @param teacherSteps teacher training steps (when no teacher is given)
 * @param teacherBatch clips per teacher step
 * @param rewardSteps steps of each reward model
 * @param studentSteps distillation steps of every student
 * @param studentBatch clips per distillation step
 * @param studentLr the students' learning rate
 * @param gridPoints N of the solver grid
 * @param omegaMin omega range of the solver (LCM convention), chosen for a small teacher (the paper's [5, 15]
 *                 over-saturates it)
 * @param omegaMax upper end
 * @param sampleOmega omega fed to the students; the teacher samples with the same guidance, Imagen s = 1 + omega
 * @param teacherEta DDIM eta of the teacher rows the goals compare to ({@code teacher_ddim16}, {@code teacher_ddim50}):
 *                   0 = the paper's deterministic DDIM, 1 = the DDPM posterior (stochastic DDIM, SPEC §1.3); the
 *                   other value is measured too, as the rows {@code teacher_ddim16_eta<other>} and {@code _ddim50_}.
 *                   Default 1: a short-trained eps teacher sampled with eta 0 draws noise frames that eta 1 removes
 *                   (docs/experiments/turbo.md), and the fair baseline is the teacher's better sampler. The
 *                   distillation's solver is DDIM eta 0 whatever this says (the PF-ODE, SPEC §3.1 eq. 3).
 * @param perClass generated videos per class and arm (and real clips per class in each reference set)
 * @param motionSeeds noise seeds of the motion study ({@link MotionStudy}): each draws the arm's videos again
 * @param seed seed of everything
 */
public record TurboExperimentConfig(int size, int frames, int ch0, int ch1, long teacherSteps, int teacherBatch, int rewardSteps,
                                    long studentSteps, int studentBatch, double studentLr, int gridPoints, double omegaMin, double omegaMax,
                                    double sampleOmega, double teacherEta, int perClass, int motionSeeds, long seed) {
    public TurboExperimentConfig {
        if (teacherEta != 0 && teacherEta != 1) throw new IllegalArgumentException("the teacher's DDIM eta must be 0 or 1, got " + teacherEta);
    }

    /** The full run (the size of the committed report). */
    public static TurboExperimentConfig full() {
        return new TurboExperimentConfig(16, 8, 16, 32, 1500, 8, 300, 300, 4, 3e-4, 50, 0.5, 1.5, 1, 1, 8, 5, 0);
    }

    /** --quick: under 10 minutes on 2 quiet cores. */
    public static TurboExperimentConfig quick() {
        return new TurboExperimentConfig(16, 8, 16, 32, 500, 8, 100, 60, 4, 3e-4, 50, 0.5, 1.5, 1, 1, 4, 3, 0);
    }

    /** A seconds-long toy (tests). */
    public static TurboExperimentConfig toy() {
        return new TurboExperimentConfig(8, 4, 8, 16, 2, 2, 2, 2, 2, 1e-3, 10, 1, 3, 2, 1, 1, 2, 0);
    }

    public TurboExperimentConfig withSeed(long s) {
        return new TurboExperimentConfig(size, frames, ch0, ch1, teacherSteps, teacherBatch, rewardSteps, studentSteps, studentBatch, studentLr,
            gridPoints, omegaMin, omegaMax, sampleOmega, teacherEta, perClass, motionSeeds, s);
    }

    /** The same with the goal's teacher rows sampled at DDIM {@code eta} (0 or 1). */
    public TurboExperimentConfig withTeacherEta(double eta) {
        return new TurboExperimentConfig(size, frames, ch0, ch1, teacherSteps, teacherBatch, rewardSteps, studentSteps, studentBatch, studentLr,
            gridPoints, omegaMin, omegaMax, sampleOmega, eta, perClass, motionSeeds, seed);
    }

    /** The other eta (measured as the extra teacher rows). */
    public double otherTeacherEta() {
        return teacherEta == 0 ? 1 : 0;
    }
}
