package dev.vdiff.reference.turbo;

import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.Parameterization;
import dev.vdiff.diffusion.distill.FrozenTeacher;
import dev.vdiff.diffusion.distill.GuidedDdimSolver;
import dev.vdiff.diffusion.sampling.Timesteps;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.autograd.Autograd;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.random.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * The teacher side of one T2V-Turbo-v2 training step (SPEC §3.3, Algorithm 1; eqs. 3 and 8): draw a grid point and
 * a guidance scale per clip, noise the clip, run the teacher twice (conditional and null condition), compute the
 * motion score where the gate allows it, and take one {@link GuidedDdimSolver} step.
 *
 * <table>
 *   <caption>Notation (SPEC §3.1-3.3)</caption>
 *   <tr><th>here</th><th>SPEC / paper</th><th>released code</th></tr>
 *   <tr><td>{@code gridPoints}</td><td>N (200)</td><td>{@code num_ddim_timesteps}</td></tr>
 *   <tr><td>{@code n}</td><td>n, index on the grid, {@code t_s = grid[n] = t_{n+k}}</td><td>{@code index}</td></tr>
 *   <tr><td>{@code omegaMin, omegaMax}</td><td>[w_min, w_max] = [5, 15], LCM convention</td><td>{@code w_min, w_max}</td></tr>
 *   <tr><td>{@code motionStrength}</td><td>lambda = 500 with the energy's 10^4 scale, i.e. 0.05 here</td><td>{@code motion_gs}</td></tr>
 *   <tr><td>{@code tau}</td><td>tau = 0.5</td><td>{@code percentage}</td></tr>
 * </table>
 * Per clip b:
 * <pre>
 *   n_b ~ U{0 .. N-1};  t_s = grid[n_b];  eps ~ N(0, I);  z = a_{t_s} x0 + s_{t_s} eps                 (SPEC §1.2)
 *   omega_b ~ U[omega_min, omega_max]
 *   lambda_b = motionStrength  if gate(x0_b) and n_b >= (1 - tau) N,  else 0                          (eq. 8 gating)
 *   e_c = teacher(z, t_s, c),  e_u = teacher(z, t_s, null)
 *   g_b = dE/dz (MotionScore) where lambda_b > 0, else 0
 *   z_prev = GuidedDdimSolver.step(z, e_c, e_u, g, omega, lambda, t_s)  at t_e = max(t_s - skip, 0)
 * </pre>
 * [RECONSTRUCTED] The released preprocessing draws n from the upper half for its "with motion" rows and from the
 * lower half for the others and mixes both tables; a uniform n over the whole grid gives the same mixture.
 * Random numbers are drawn in a fixed order (n, eps, omega), so a seed fixes the whole step.
 */
public final class AugmentedSolver {
    /**
     * @param gridPoints N, the distillation DDIM grid {@code (i+1) T/N - 1} (SPEC §1.3); one solver step = T/N
     * @param omegaMin lower end of the guidance scale, LCM convention
     * @param omegaMax upper end (equal to omegaMin: a fixed scale)
     * @param motionStrength lambda_in fed to the solver and to the student (0 disables motion guidance)
     * @param tau the fraction of the noisiest grid points that get motion guidance
     * @param motionTerm how the motion score enters the solver step
     */
    public record Config(int gridPoints, double omegaMin, double omegaMax, double motionStrength, double tau, GuidedDdimSolver.MotionTerm motionTerm) {
        public Config {
            if (gridPoints < 2) throw new IllegalArgumentException("AugmentedSolver: the grid needs at least 2 points, got " + gridPoints);
            if (!(omegaMin >= 0) || !(omegaMax >= omegaMin) || Double.isInfinite(omegaMax)) {
                throw new IllegalArgumentException("AugmentedSolver: the guidance range must satisfy 0 <= omega_min <= omega_max < inf, got [" + omegaMin + ", " + omegaMax + "]");
            }
            if (!(motionStrength >= 0) || Double.isInfinite(motionStrength)) throw new IllegalArgumentException("AugmentedSolver: the motion strength must be >= 0, got " + motionStrength);
            if (!(tau >= 0 && tau <= 1)) throw new IllegalArgumentException("AugmentedSolver: tau must be in [0, 1], got " + tau);
            if (motionTerm == null) throw new IllegalArgumentException("AugmentedSolver: a motion term is required");
        }

        /** The paper's values (SPEC §3.2): N = 200, omega ~ U[5, 15], lambda_in = 0.05, tau = 0.5, the released code's motion term. */
        public static Config t2vTurboV2() {
            return new Config(200, 5, 15, 0.05, 0.5, GuidedDdimSolver.MotionTerm.RELEASED_CODE);
        }

        /** The same without motion guidance (T2V-Turbo-v2 "w/o MG", eq. 3 solver). */
        public Config withoutMotion() {
            return new Config(gridPoints, omegaMin, omegaMax, 0, tau, motionTerm);
        }

        /** Whether grid index n gets motion guidance: {@code n >= (1 - tau) N} (eq. 8), and the strength is > 0. */
        public boolean motionAt(int n) {
            return motionStrength > 0 && n >= (1 - tau) * gridPoints;
        }
    }

    /** One solver step for a batch: the student's inputs ({@code z, tS, omega, lambda}) and the target's ({@code zPrev, tE}). */
    public record Sample(Tensor x0, Tensor z, int[] n, Tensor tS, Tensor tE, Tensor omega, Tensor lambda, Tensor zPrev) {}

    private final FrozenTeacher teacher;
    private final NoiseSchedule schedule;
    private final Config config;
    private final int[] grid;
    private final GuidedDdimSolver solver;
    private final MotionScore motionScore;
    private final MotionGate gate;

    /** {@code motionScore} and {@code gate} may be null when {@code config.motionStrength() == 0}. */
    public AugmentedSolver(FrozenTeacher teacher, NoiseSchedule schedule, Config config, MotionScore.Config motion, MotionGate gate) {
        this.teacher = teacher;
        this.schedule = schedule;
        this.config = config;
        this.grid = Timesteps.distillationGrid(config.gridPoints(), schedule.numTrainTimesteps());
        this.solver = new GuidedDdimSolver(schedule, schedule.numTrainTimesteps() / config.gridPoints(), config.motionTerm());
        if (config.motionStrength() > 0 && (motion == null || gate == null)) throw new IllegalArgumentException("AugmentedSolver: motion guidance needs a motion score configuration and a motion gate");
        this.motionScore = config.motionStrength() > 0 ? new MotionScore(teacher, schedule, grid, motion) : null;
        this.gate = gate;
    }

    public Config config() {
        return config;
    }

    /** The ascending distillation grid (a copy). */
    public int[] grid() {
        return grid.clone();
    }

    public GuidedDdimSolver solver() {
        return solver;
    }

    /** The motion score of this solver, or null without motion guidance. */
    public MotionScore motionScore() {
        return motionScore;
    }

    /** The per-clip motion strength fed to solver and student: {@code lambda_b} of the table above. */
    public double[] gatedLambda(int[] n, boolean[] goodMotion) {
        double[] lam = new double[n.length];
        for (int i = 0; i < n.length; i++) lam[i] = goodMotion[i] && config.motionAt(n[i]) ? config.motionStrength() : 0;
        return lam;
    }

    /**
     * Draws {@code n, eps, omega} from {@code rng} and runs the teacher's augmented step for clips {@code x0 [B, ...]}.
     * Must not be called inside a no-grad scope when motion guidance is on (the score differentiates the teacher).
     */
    public Sample sample(Tensor x0, Tensor cond, Rng rng) {
        int b = x0.shape(0);
        DType dt = x0.dtype();
        // 1. Grid index, noise and guidance scale per clip, in this order.
        int[] n = new int[b];
        long[] ts = new long[b];
        for (int i = 0; i < b; i++) {
            n[i] = rng.nextInt(config.gridPoints());
            ts[i] = grid[n[i]];
        }
        Tensor tS = Tensor.ofLongs(ts, b);
        Tensor eps = rng.normal(dt, x0.shape());
        double[] w = new double[b];
        for (int i = 0; i < b; i++) w[i] = config.omegaMin() + (config.omegaMax() - config.omegaMin()) * rng.nextDouble();
        Tensor omega = Tensor.of(w, b);
        // 2. The noisy latent (x0 needs no gradient, so nothing is recorded).
        Tensor z = Parameterization.addNoise(x0, eps, schedule.sqrtAlphaBar(tS), schedule.sqrtOneMinusAlphaBar(tS)).detach();
        // 3. Gating of the motion term (eq. 8) and its score where it is on (needs gradients through the teacher).
        double[] lam = motionScore == null ? new double[b] : gatedLambda(n, gate.goodMotion(x0));
        Tensor g = motionScore == null ? null : scoreWhere(lam, z, x0, n, cond);
        try (var s = Autograd.noGrad()) {
            // 4. The two teacher passes and the guided DDIM step.
            Tensor eC = teacher.eps(z, tS, cond);
            Tensor eU = teacher.eps(z, tS, teacher.nullCondition(cond));
            GuidedDdimSolver.Result r = solver.step(z, eC, eU, g, omega, Tensor.of(lam, b), tS);
            return new Sample(x0, z, n, tS, r.tE(), omega, Tensor.of(lam.clone(), b), r.zPrev().detach());
        }
    }

    /** The motion score for the clips with lambda > 0 (one sub-batch), zeros for the others; null if none. */
    private Tensor scoreWhere(double[] lam, Tensor z, Tensor x0, int[] n, Tensor cond) {
        List<Integer> on = new ArrayList<>();
        for (int i = 0; i < lam.length; i++) if (lam[i] > 0) on.add(i);
        if (on.isEmpty()) return null;
        Tensor[] zs = new Tensor[on.size()], xs = new Tensor[on.size()];
        long[] labels = new long[on.size()];
        int[] ns = new int[on.size()];
        for (int j = 0; j < on.size(); j++) {
            int i = on.get(j);
            zs[j] = z.narrow(0, i, 1);
            xs[j] = x0.narrow(0, i, 1);
            ns[j] = n[i];
            if (cond != null) labels[j] = cond.contiguous().longs()[i];
        }
        Tensor gSub = motionScore.score(Concat.cat(0, zs), Concat.cat(0, xs), ns, cond == null ? null : Tensor.ofLongs(labels, labels.length));
        Tensor[] rows = new Tensor[lam.length];
        for (int i = 0, j = 0; i < lam.length; i++) rows[i] = lam[i] > 0 ? gSub.narrow(0, j++, 1) : Tensor.zeros(z.dtype(), z.narrow(0, i, 1).shape());
        return Concat.cat(0, rows).contiguous();
    }
}
