package dev.vdiff.reference.mcm;

import dev.vdiff.diffusion.ConsistencyFunction;
import dev.vdiff.diffusion.Denoiser;
import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.random.Rng;

import java.util.Arrays;

/**
 * One evaluation of MCM's disentangled motion-distillation loss {@code L_MCD} with mixed trajectories
 * (SPEC §4.2, §4.3; released {@code main.py} steps 2-10, {@code --cd_pred_x0_portion}). Numbered as the code:
 * <pre>
 *   0. with probability p_gen (one draw per step): x0 <- x0_hat(eps', eps_student(eps', 999, c))   (no grad)
 *   1. n ~ U{0..N-1} per sample;  t_s = (n+1) k - 1  (k = T / N = 20);  t_e = max(t_s - k, 0)
 *   2. omega ~ U[omegaMin, omegaMax] per sample
 *   3. z = a_{t_s} x0 + s_{t_s} eps;  z = eps exactly where n = N-1 (pure noise at the last grid index)
 *   4. F_s = c_skip(t_s) z + c_out(t_s) x0_hat(z, eps_student(z, t_s, c))                 S = 4
 *   5. teacher, LCM CFG form: x0_T = (1+omega) x0_c - omega x0_u;  e_T = (1+omega) e_c - omega e_u
 *      z_prev = a_{t_e} x0_T + s_{t_e} e_T                                                (DDIM, eta 0)
 *   6. F_t = c_skip(t_e) z_prev + c_out(t_e) x0_hat(z_prev, eps_target(z_prev, t_e, c))    (no grad)
 *   7. L_MCD = mean( sqrt((g(F_s) - g^-(F_t))^2 + c^2) - c ),  c = 0.001                    (pseudo-Huber)
 * </pre>
 * The target network is the online student under no-grad (the released LoRA setting) or an EMA copy: the
 * caller passes whichever {@link Denoiser} it chose. With {@link MotionRepresentation#RAW} this is plain LCM
 * distillation (SPEC §4.6 item 5).
 */
public final class MotionConsistencyDistillation {
    /** Options; {@link #MCM} holds the released values (SPEC §4.5). */
    public record Config(int gridPoints, double omegaMin, double omegaMax, double huberC, LcmBoundary boundary, double pGen) {
        public static final Config MCM = new Config(50, 5, 15, 0.001, LcmBoundary.MCM, 0.5);

        public Config {
            if (gridPoints < 1) throw new IllegalArgumentException("MCM: grid points must be >= 1, got " + gridPoints);
            if (!(omegaMin <= omegaMax) || omegaMin < 0) throw new IllegalArgumentException("MCM: need 0 <= omega min <= omega max, got " + omegaMin + ", " + omegaMax);
            if (!(huberC > 0)) throw new IllegalArgumentException("MCM: huber c must be > 0, got " + huberC);
            if (!(pGen >= 0 && pGen <= 1)) throw new IllegalArgumentException("MCM: p_gen must be in [0, 1], got " + pGen);
        }
    }

    /** The loss and what the step drew (for logging and tests). */
    public record Step(Tensor loss, boolean generated, int[] gridIndex, Tensor x0, Tensor eps, Tensor z, Tensor studentOutput, Tensor targetOutput) {}

    private final Config config;
    private final NoiseSchedule schedule;
    private final ConsistencyFunction consistency;

    public MotionConsistencyDistillation(Config config, NoiseSchedule schedule) {
        this.config = config;
        this.schedule = schedule;
        if (schedule.numTrainTimesteps() % config.gridPoints() != 0) throw new IllegalArgumentException("MCM: " + config.gridPoints() + " grid points do not divide " + schedule.numTrainTimesteps() + " training timesteps");
        this.consistency = new ConsistencyFunction(schedule, config.boundary());
    }

    /** Grid spacing {@code k = T / N}. */
    public int spacing() {
        return schedule.numTrainTimesteps() / config.gridPoints();
    }

    /**
     * One loss evaluation on clean latents {@code x0 [B, ...]} with condition {@code cond} ({@code nullCond}
     * for the teacher's unconditional pass). Draws from {@code rng} in a fixed order: the mixed-trajectory
     * coin, the generation noise (when generating), grid indices, omegas, noise.
     */
    public Step loss(Denoiser student, Denoiser target, Denoiser teacher, MotionTarget g, Tensor x0, Tensor cond, Tensor nullCond, Rng rng) {
        int b = x0.shape(0), k = spacing(), last = config.gridPoints() - 1, tMax = schedule.numTrainTimesteps() - 1;
        DType dt = x0.dtype();
        // 0. mixed trajectories (SPEC §4.3)
        boolean generated = rng.nextDouble() < config.pGen();
        if (generated) {
            Tensor epsGen = rng.normal(dt, x0.shape());
            try (var s = Autograd.noGrad()) {
                Tensor t999 = timesteps(b, tMax);
                x0 = Parameterization.x0(student.predictionType(), epsGen, student.predict(epsGen, t999, cond), schedule.sqrtAlphaBar(t999), schedule.sqrtOneMinusAlphaBar(t999));
            }
        }
        // 1-2. grid indices and guidance scales, per sample
        int[] n = new int[b];
        long[] ts = new long[b], te = new long[b];
        double[] omega = new double[b];
        for (int i = 0; i < b; i++) n[i] = rng.nextInt(config.gridPoints());
        for (int i = 0; i < b; i++) omega[i] = config.omegaMin() + (config.omegaMax() - config.omegaMin()) * rng.nextDouble();
        for (int i = 0; i < b; i++) {
            ts[i] = (long) (n[i] + 1) * k - 1;
            te[i] = Math.max(ts[i] - k, 0);
        }
        Tensor tS = Tensor.ofLongs(ts, b), tE = Tensor.ofLongs(te, b);
        // 3. student input; pure noise at the last grid index
        Tensor eps = rng.normal(dt, x0.shape());
        Tensor z = Parameterization.addNoise(x0.detach(), eps, schedule.sqrtAlphaBar(tS), schedule.sqrtOneMinusAlphaBar(tS));
        z = replaceRows(z, eps, n, last);
        // 4. online student
        Tensor fS = consistency.apply(student, z, tS, cond);
        Tensor fT;
        try (var s = Autograd.noGrad()) {
            // 5. teacher with CFG (LCM form) and one DDIM step t_s -> t_e
            Tensor aS = schedule.sqrtAlphaBar(tS), sS = schedule.sqrtOneMinusAlphaBar(tS);
            Tensor eC = teacher.predict(z, tS, cond), eU = teacher.predict(z, tS, nullCond);
            Tensor x0C = Parameterization.x0(teacher.predictionType(), z, eC, aS, sS), x0U = Parameterization.x0(teacher.predictionType(), z, eU, aS, sS);
            Tensor epsC = Parameterization.epsilon(teacher.predictionType(), z, eC, aS, sS), epsU = Parameterization.epsilon(teacher.predictionType(), z, eU, aS, sS);
            Tensor x0T = guided(x0C, x0U, omega), eT = guided(epsC, epsU, omega);
            Tensor zPrev = Parameterization.addNoise(x0T, eT, schedule.sqrtAlphaBar(tE), schedule.sqrtOneMinusAlphaBar(tE));
            // 6. target network at t_e, 7. its motion representation
            fT = g.target(consistency.apply(target, zPrev, tE, cond));
        }
        Tensor loss = Losses.pseudoHuber(g.student(fS), fT.detach(), config.huberC());
        return new Step(loss, generated, n, x0, eps, z, fS, fT);
    }

    private static Tensor timesteps(int b, long t) {
        long[] v = new long[b];
        Arrays.fill(v, t);
        return Tensor.ofLongs(v, b);
    }

    /** {@code (1 + omega_b) c - omega_b u} per sample (SPEC §1.4, LCM form). */
    private static Tensor guided(Tensor c, Tensor u, double[] omega) {
        Tensor w = perSample(omega, c);
        return Arithmetic.sub(Arithmetic.mul(c, Arithmetic.add(w, 1.0)), Arithmetic.mul(u, w));
    }

    /** A {@code [B, 1, 1, ...]} tensor of per-sample values in x's dtype. */
    private static Tensor perSample(double[] v, Tensor x) {
        int[] shape = new int[x.rank()];
        Arrays.fill(shape, 1);
        shape[0] = v.length;
        return Tensor.of(v.clone(), shape).to(x.dtype());
    }

    /** z with the rows b where {@code n[b] == last} replaced by eps, bit for bit. */
    private static Tensor replaceRows(Tensor z, Tensor eps, int[] n, int last) {
        boolean any = false;
        for (int v : n) any |= v == last;
        if (!any) return z;
        Tensor out = z.contiguous().copy();
        Tensor e = eps.contiguous();
        int row = out.numel() / n.length;
        for (int i = 0; i < n.length; i++) {
            if (n[i] == last) System.arraycopy(e.storage(), i * row, out.storage(), i * row, row);
        }
        return out;
    }
}
