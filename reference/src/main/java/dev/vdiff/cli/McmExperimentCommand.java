package dev.vdiff.cli;

import dev.vdiff.reference.mcm.experiment.McmExperiment;
import dev.vdiff.reference.mcm.experiment.McmExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code vdiff experiment mcm [--quick] --out DIR}: trains a teacher on degraded clips, distils plain-LCM and MCM students
 * (with ablations) from it, samples them at 1/2/4/8 steps and writes {@code DIR/metrics.json}, {@code DIR/report.md},
 * charts and GIFs ({@link McmExperiment}).
 */
@Command(name = "mcm", mixinStandardHelpOptions = true, sortOptions = false,
    description = "MCM (SPEC §4): teacher on low-quality videos, plain LCM vs MCM (learned motion head, frame discriminator on clean images, "
        + "mixed trajectories) and ablations at 1/2/4/8 sampling steps; writes metrics.json, report.md, quality.png, motion.png, loss.png and sample GIFs.")
public final class McmExperimentCommand implements Experiment {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder: new, empty, or one an earlier vdiff experiment mcm wrote (its files are deleted when the rerun starts; files it did not write are refused before any work)")
    Path out;
    @Option(names = "--quick", description = "a smaller run (under 10 minutes on 2 shared cores)")
    boolean quick;
    @Option(names = "--seed", defaultValue = "0", description = "seed of the teacher and every student (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--toy", hidden = true, description = "a seconds-long toy run (tests)")
    boolean toy;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;
    @Option(names = "--teacher", paramLabel = "eps|v-zero-snr", description = "the teacher's objective and schedule: eps on SPEC §1.1's schedule (the paper's kind), "
        + "or v on the schedule rescaled to zero terminal SNR (Lin et al. 2024) (default: the configuration's)")
    String teacher;
    @Option(names = "--teacher-eta", split = ",", paramLabel = "ETA[,ETA]", description = "DDIM eta of the teacher's reference rows; the first is the goals' teacher "
        + "(default: 0,1: the paper's deterministic DDIM, then stochastic DDIM)")
    double[] teacherEtas;
    @Option(names = "--teacher-lr-schedule", paramLabel = "NAME", description = "the teacher's learning rate after the warm-up: constant_with_warmup, "
        + "linear or cosine (decay to 0 at its last step) (default: constant_with_warmup)")
    String teacherLrSchedule;

    @Override
    public Integer call() throws Exception {
        ThreadsOption.apply(threads);
        McmExperimentConfig cfg = toy ? McmExperimentConfig.toy(seed) : quick ? McmExperimentConfig.quick(seed) : McmExperimentConfig.full(seed);
        try {
            if (teacher != null) cfg = cfg.withTeacher(McmExperimentConfig.TeacherKind.parse(teacher));
            if (teacherEtas != null) cfg = cfg.withTeacherEtas(teacherEtas);
            if (teacherLrSchedule != null) cfg = cfg.withTeacherLrSchedule(teacherLrSchedule);
        } catch (IllegalArgumentException e) {
            throw new dev.vdiff.tensor.UserError(e.getMessage());
        }
        McmExperiment.run(cfg, out, System.err);
        return 0;
    }
}
