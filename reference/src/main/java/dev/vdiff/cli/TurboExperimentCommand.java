package dev.vdiff.cli;

import dev.vdiff.reference.turbo.experiment.TurboExperiment;
import dev.vdiff.reference.turbo.experiment.TurboExperimentConfig;
import dev.vdiff.tensor.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code vdiff experiment turbo [--quick] [--teacher RUN] --out DIR}: T2V-Turbo-v2 at toy scale
 * ({@link TurboExperiment}): teacher DDIM 16/50 with CFG vs distilled students with LCM 1/2/4/8 steps, and the
 * ablations at 4 steps; writes metrics.json, report.md, charts and sample GIFs.
 */
@Command(name = "turbo", mixinStandardHelpOptions = true, sortOptions = false,
    description = "T2V-Turbo-v2 (SPEC §3): a teacher, reward models and four distilled students; teacher DDIM 16/50 + CFG (eta 0 and 1) vs student LCM 1/2/4/8 "
        + "(quality with its noise floor, rewards, time, network calls), ablations at 4 steps (motion guidance, rewards, EMA target) and a motion study "
        + "(the motion term's share of the solver step; guidance on vs off over several noise seeds, paired); the teacher trained here is eps with patch 1; "
        + "writes metrics.json, report.md, quality_vs_steps.png, time_vs_steps.png and sample GIFs.")
public final class TurboExperimentCommand implements Experiment {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder: new, empty, or one an earlier vdiff experiment turbo wrote (its files, its teacher/, students/ and rewards/ runs included are deleted when the rerun starts; files it did not write are refused before any work)")
    Path out;
    @Option(names = "--quick", description = "a smaller run (under 10 minutes on 2 quiet cores)")
    boolean quick;
    @Option(names = "--teacher", paramLabel = "RUN", description = "use this vdiff train run as the teacher instead of training one (eps objective)")
    Path teacher;
    @Option(names = "--teacher-eta", defaultValue = "1", paramLabel = "ETA", description = "DDIM eta of the teacher rows the goals compare to: 0 = the paper's deterministic DDIM, "
        + "1 = the DDPM posterior (stochastic; removes a short-trained eps teacher's noise frames); the other value is measured as extra rows (default: ${DEFAULT-VALUE})")
    double teacherEta;
    @Option(names = "--seed", defaultValue = "0", description = "seed of everything (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--toy", hidden = true, description = "a seconds-long toy run (tests)")
    boolean toy;
    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        ThreadsOption.apply(threads);
        if (teacherEta != 0 && teacherEta != 1) throw new UserError("--teacher-eta must be 0 or 1, got " + teacherEta);
        TurboExperimentConfig cfg = (toy ? TurboExperimentConfig.toy() : quick ? TurboExperimentConfig.quick() : TurboExperimentConfig.full()).withSeed(seed).withTeacherEta(teacherEta);
        TurboExperiment.run(cfg, teacher, out, System.err);
        return 0;
    }
}
