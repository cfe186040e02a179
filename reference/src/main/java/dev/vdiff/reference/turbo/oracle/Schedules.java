package dev.vdiff.reference.turbo.oracle;

import dev.vdiff.diffusion.NoiseSchedule;

/** The noise schedule named by a case's schedule attrs (PAPERS.md §2). */
final class Schedules {
    private Schedules() {}

    static NoiseSchedule of(OracleOp.Context ctx) {
        return NoiseSchedule.of(ctx.string("beta_schedule"), ctx.integer("num_train_timesteps"), ctx.real("beta_start"), ctx.real("beta_end"));
    }
}
