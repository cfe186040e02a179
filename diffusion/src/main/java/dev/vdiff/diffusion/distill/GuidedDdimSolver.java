package dev.vdiff.diffusion.distill;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;

/**
 * The teacher's guided DDIM step of consistency distillation: from {@code z = z_{t_{n+k}}} at {@code t_s} one
 * deterministic DDIM step (SPEC §1.3, eta = 0) to {@code t_e = max(t_s - skip, 0)}, with classifier-free guidance
 * in the LCM convention and an optional motion-guidance term (T2V-Turbo-v2, SPEC §3.1 eqs. 3 and 8, §3.3; oracle
 * papers suite op {@code cfg_ddim_teacher_step}, PAPERS.md §3.3). MCM uses the same step without the motion term
 * (SPEC §4.2, skip 20 on its 50-point grid).
 *
 * <p><b>CFG convention (read this first).</b> The guidance scale {@code omega} is in the <em>LCM</em> convention of
 * SPEC §1.4: {@code x = x_c + omega (x_c - x_u) = (1 + omega) x_c - omega x_u}, applied separately to the clean
 * estimate and to the noise estimate. {@code omega = 0} is the plain conditional teacher; LCM {@code omega}
 * equals Imagen/VideoCrafter2 {@code s - 1}, so T2V-Turbo's {@code omega ~ U[5, 15]} is Imagen {@code s} in
 * {@code [6, 16]}. The unconditional prediction {@code e_u} is the teacher's output for the null condition (the
 * empty prompt, or the null class label of a class-conditioned teacher).
 *
 * <table>
 *   <caption>Notation (SPEC §1.2-1.4, §3.1, §3.3)</caption>
 *   <tr><th>here</th><th>SPEC / paper</th><th>meaning</th></tr>
 *   <tr><td>{@code z}</td><td>z_{t_{n+k}}</td><td>the noisy latent at the start time {@code t_s}</td></tr>
 *   <tr><td>{@code eC}, {@code eU}</td><td>eps_psi(z, c, t), eps_psi(z, empty, t)</td><td>teacher noise predictions</td></tr>
 *   <tr><td>{@code g}</td><td>grad_z G_m(z, z_ref, t) (eq. 8)</td><td>the motion score, zeros when unused</td></tr>
 *   <tr><td>{@code omega}</td><td>omega</td><td>guidance scale, LCM convention, one per sample</td></tr>
 *   <tr><td>{@code lambdaIn}</td><td>lambda (after the gating of eq. 8)</td><td>motion strength, one per sample</td></tr>
 *   <tr><td>{@code tS}, {@code tE}</td><td>t_{n+k}, t_n</td><td>start and end time, {@code tE = max(tS - skip, 0)}</td></tr>
 *   <tr><td>{@code x0T}, {@code eT}</td><td>x0_T, e_T</td><td>guided clean and noise estimates</td></tr>
 *   <tr><td>{@code zPrev}</td><td>z_hat^{Psi,omega,lambda}_{t_n}</td><td>the solver's estimate at {@code t_n}</td></tr>
 * </table>
 * <pre>
 *   x0_c = (z - s_{t_s} e_c) / a_{t_s},     x0_u = (z - s_{t_s} e_u) / a_{t_s}           (SPEC §1.2)
 *   x0_T = x0_c + omega (x0_c - x0_u)                                                     (SPEC §1.4, LCM form)
 *   e_T  = e_c + omega (e_c - e_u)  [ - lambda m(t_s) g ]                                 (RELEASED_CODE)
 *   z_prev = a_{t_e} x0_T + s_{t_e} e_T  [ - lambda g ]                                   (DDIM eta = 0; PAPER_EQ8)
 * </pre>
 * The motion term is one of two {@link MotionTerm}s; the default is the released code's.
 *
 * <pre>{@code
 * GuidedDdimSolver solver = new GuidedDdimSolver(NoiseSchedule.videoCrafter2(), 5, MotionTerm.RELEASED_CODE);
 * GuidedDdimSolver.Result r = solver.step(z, eC, eU, g, omega, lambdaIn, tS);
 * r.zPrev();     // the distillation target's input, at r.tE() = max(tS - 5, 0)
 * }</pre>
 *
 * @param schedule the teacher's training noise schedule
 * @param skip the raw-timestep distance between {@code t_{n+k}} and {@code t_n} (T2V-Turbo: 5 = one step of its
 *             200-point grid; MCM: 20 = one step of its 50-point grid)
 * @param motionTerm how the motion score enters the step
 */
public record GuidedDdimSolver(NoiseSchedule schedule, int skip, MotionTerm motionTerm) {
    /** Where and how the motion score {@code g} enters the solver (SPEC §3.3 note). Both move z_prev down the energy. */
    public enum MotionTerm {
        /**
         * The released T2V-Turbo-v2 code ({@code pred_noise -= motion_gs * (1 - alphas) ** 0.5 * score} with
         * {@code alphas = sqrt(abar)}): {@code e_T -= lambda sqrt(1 - sqrt(abar_{t_s})) g}; {@code x0_T} is untouched,
         * so {@code z_prev} moves by {@code -lambda s_{t_e} sqrt(1 - a_{t_s}) g}. SPEC §3.3 notes that the factor
         * looks like a slip for {@code sqrt(1 - abar)}, but it trained the released model. The default, and the
         * papers suite's convention.
         */
        RELEASED_CODE,
        /**
         * The paper's eq. 8: the scaled score is added to the solver's output, {@code z_prev = z_hat^{Psi,omega} +
         * lambda grad G}. [RECONSTRUCTED sign] The paper prints {@code +}; with {@code G_m >= 0} an energy to be
         * lowered (eq. 6) and SPEC §3.3 ("both move z_prev down the energy"), we apply it as a descent step,
         * {@code z_prev - lambda g} (SPEC §3.5 item 3 checks that this lowers G).
         */
        PAPER_EQ8
    }

    /** The three tensors of one step (each the shape and dtype of {@code z}) and the end times {@code t_e [B]}. */
    public record Result(Tensor x0T, Tensor eT, Tensor zPrev, Tensor tE) {}

    public GuidedDdimSolver {
        if (schedule == null || motionTerm == null) throw new IllegalArgumentException("GuidedDdimSolver: schedule and motion term are required");
        if (skip < 1 || skip >= schedule.numTrainTimesteps()) {
            throw new IllegalArgumentException("GuidedDdimSolver: skip must be in 1.." + (schedule.numTrainTimesteps() - 1) + ", got " + skip);
        }
    }

    /** The released code's motion factor {@code m(t) = sqrt(1 - sqrt(abar_t))} (SPEC §3.3). */
    public double releasedMotionFactor(int t) {
        return Math.sqrt(1 - schedule.sqrtAlphaBar(t));
    }

    /** {@code t_e = max(t_s - skip, 0)} per sample (SPEC §3.5 item 1, PAPERS.md §3.3). */
    public Tensor endTimes(Tensor tS) {
        long[] ts = PerSample.timesteps("GuidedDdimSolver", "t_s", tS, tS.numel(), schedule.numTrainTimesteps());
        long[] te = new long[ts.length];
        for (int i = 0; i < ts.length; i++) te[i] = Math.max(ts[i] - skip, 0);
        return Tensor.ofLongs(te, te.length);
    }

    /**
     * One guided step. Not differentiable by design (the teacher's target is a constant of the student's loss),
     * but built from tensor ops, so it records nothing only inside a no-grad scope.
     *
     * @param z {@code [B, ...]} float32/float64
     * @param eC the teacher's conditional noise prediction, shape of {@code z}
     * @param eU the teacher's unconditional (null-condition) noise prediction, shape of {@code z}
     * @param g the motion score, shape of {@code z}, or null for none (then {@code lambdaIn} is ignored)
     * @param omega {@code [B]}, LCM convention
     * @param lambdaIn {@code [B]}, the motion strength after gating (0 switches the term off), or null with {@code g}
     * @param tS int64 {@code [B]}, start times in {@code 0..T-1}
     */
    public Result step(Tensor z, Tensor eC, Tensor eU, Tensor g, Tensor omega, Tensor lambdaIn, Tensor tS) {
        String who = "GuidedDdimSolver";
        if (z == null || !z.dtype().isFloat() || z.rank() < 1) throw new IllegalArgumentException(who + ": z must be a float tensor [B, ...], got " + (z == null ? "null" : z.dtype().toString()));
        int b = z.shape(0);
        PerSample.sameSample(who, "e_c", z, eC);
        PerSample.sameSample(who, "e_u", z, eU);
        if (g != null) PerSample.sameSample(who, "g", z, g);
        double[] w = PerSample.floats(who, "omega", omega, b);
        double[] lam = g == null ? null : PerSample.floats(who, "lambda_in", lambdaIn, b);
        long[] ts = PerSample.timesteps(who, "t_s", tS, b, schedule.numTrainTimesteps());
        Tensor tE = endTimes(tS);
        // 1. Clean estimates of both teacher passes at t_s (SPEC §1.2).
        Tensor aS = schedule.sqrtAlphaBar(tS), sS = schedule.sqrtOneMinusAlphaBar(tS);
        Tensor x0c = Parameterization.x0FromEpsilon(z, eC, aS, sS);
        Tensor x0u = Parameterization.x0FromEpsilon(z, eU, aS, sS);
        // 2. CFG in the LCM form on both estimates (SPEC §1.4; eq. 3): x = x_c + omega (x_c - x_u).
        Tensor omegaB = Tensor.of(w, b);
        Tensor x0T = Arithmetic.add(x0c, PerSample.times(Arithmetic.sub(x0c, x0u), omegaB));
        Tensor eT = Arithmetic.add(eC, PerSample.times(Arithmetic.sub(eC, eU), omegaB));
        // 3. Released code: the motion score scaled by lambda sqrt(1 - sqrt(abar_{t_s})) leaves the noise estimate (SPEC §3.3).
        boolean motion = g != null && anyNonZero(lam);
        if (motion && motionTerm == MotionTerm.RELEASED_CODE) {
            double[] k = new double[b];
            for (int i = 0; i < b; i++) k[i] = lam[i] * releasedMotionFactor((int) ts[i]);
            eT = Arithmetic.sub(eT, PerSample.times(g, k));
        }
        // 4. DDIM, eta = 0, to t_e (SPEC §1.3): z_prev = a_{t_e} x0_T + s_{t_e} e_T.
        Tensor zPrev = Parameterization.addNoise(x0T, eT, schedule.sqrtAlphaBar(tE), schedule.sqrtOneMinusAlphaBar(tE));
        // 5. Paper eq. 8: the scaled score is applied to the solver's output (descent; see MotionTerm.PAPER_EQ8).
        if (motion && motionTerm == MotionTerm.PAPER_EQ8) zPrev = Arithmetic.sub(zPrev, PerSample.times(g, lam));
        return new Result(x0T, eT, zPrev, tE);
    }

    private static boolean anyNonZero(double[] v) {
        for (double x : v) if (x != 0) return true;
        return false;
    }
}
