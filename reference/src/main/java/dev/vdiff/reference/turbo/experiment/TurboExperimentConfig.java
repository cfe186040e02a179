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
 * @param perClass generated videos per class and arm (and real clips per class in each reference set)
 * @param motionSeeds noise seeds of the motion study ({@link MotionStudy}): each draws the arm's videos again
 * @param seed seed of everything
 */
public record TurboExperimentConfig(int size, int frames, int ch0, int ch1, long teacherSteps, int teacherBatch, int rewardSteps,
                                    long studentSteps, int studentBatch, double studentLr, int gridPoints, double omegaMin, double omegaMax,
                                    double sampleOmega, int perClass, int motionSeeds, long seed) {
    /** The full run (the size of the committed report). */
    public static TurboExperimentConfig full() {
        return new TurboExperimentConfig(16, 8, 16, 32, 1500, 8, 300, 300, 4, 3e-4, 50, 0.5, 1.5, 1, 8, 5, 0);
    }

    /** --quick: under 10 minutes on 2 quiet cores. */
    public static TurboExperimentConfig quick() {
        return new TurboExperimentConfig(16, 8, 16, 32, 500, 8, 100, 60, 4, 3e-4, 50, 0.5, 1.5, 1, 4, 3, 0);
    }

    /** A seconds-long toy (tests). */
    public static TurboExperimentConfig toy() {
        return new TurboExperimentConfig(8, 4, 8, 16, 2, 2, 2, 2, 2, 1e-3, 10, 1, 3, 2, 1, 2, 0);
    }

    public TurboExperimentConfig withSeed(long s) {
        return new TurboExperimentConfig(size, frames, ch0, ch1, teacherSteps, teacherBatch, rewardSteps, studentSteps, studentBatch, studentLr,
            gridPoints, omegaMin, omegaMax, sampleOmega, perClass, motionSeeds, s);
    }
}
