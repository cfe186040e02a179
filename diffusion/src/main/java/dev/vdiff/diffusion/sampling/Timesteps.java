package dev.vdiff.diffusion.sampling;

/**
 * The discrete timesteps the samplers visit, from the noisiest to the cleanest (SPEC §1.3, §1.5). All grids are
 * over the training timesteps {@code 0 .. T-1} and use integer division as the reference code does.
 *
 * <table>
 *   <caption>Grids (T = 1000)</caption>
 *   <tr><th>grid</th><th>formula</th><th>example</th><th>source</th></tr>
 *   <tr><td>{@link Spacing#TRAILING}</td><td>{@code (i+1) k - 1}, {@code k = T / n}, visited from i = n-1 down</td>
 *       <td>n = 50: 999, 979, ..., 19</td><td>the distillation {@code DDIMSolver} grid (SPEC §1.3); diffusers'
 *       "trailing" when n divides T</td></tr>
 *   <tr><td>{@link Spacing#FROM_TOP}</td><td>{@code t_j = T - 1 - j k}, {@code k = (T - 1) / (n - 1)}, j = 0..n-1</td>
 *       <td>n = 16: 999, 933, ..., 9 (k = 66)</td><td>the benchmark sampler, docs/bench/tiny_video_unet.md §7 and its
 *       {@code DDIM_STRIDE = 66}: evenly spaced from the top down to near 0 (not diffusers' "leading", which
 *       ends exactly at 0, nor its rounded "linspace")</td></tr>
 *   <tr><td>{@link #lcm}</td><td>{@code reverse(origin)[0::O/n][0:n]}, {@code origin = (i+1) c - 1},
 *       {@code c = T / O}</td><td>(n=4, O=50): 999, 759, 519, 279</td><td>LCM multistep, SPEC §1.5</td></tr>
 * </table>
 * The two DDIM spacings coincide for n = 50 (and whenever {@code T/n = (T-1)/(n-1)}), not for n = 16.
 */
public final class Timesteps {
    private Timesteps() {}

    /** How the n DDIM timesteps are spread over {@code 0 .. T-1} (see the table above). */
    public enum Spacing {
        /** {@code (i+1) k - 1}: the grid of the distillation solvers, ending at {@code k - 1} (SPEC §1.3). */
        TRAILING,
        /** {@code T - 1 - j k} with {@code k = (T-1)/(n-1)}: the benchmark's grid, from {@code T - 1} towards 0 (docs/bench/tiny_video_unet.md §7). */
        FROM_TOP
    }

    /**
     * Where the last DDIM step lands. The step from the last grid time goes to {@code t_prev = -1}
     * ({@code alpha_bar = 1}, the clean end) or to {@code t_prev = 0} ({@code alpha_bar_0 = 0.99915} for VC2).
     */
    public enum FinalStep {
        /** {@code alpha_bar_prev = 1}: diffusers' {@code set_alpha_to_one=True}, the benchmark (docs/ORACLE.md §5.18). */
        TO_CLEAN(-1),
        /** {@code alpha_bar_prev = alpha_bar_0}: the LVDM sampler and the distillation {@code DDIMSolver} (SPEC §1.3). */
        TO_FIRST_TIMESTEP(0);

        /** The {@code t_prev} of the last step in {@link dev.vdiff.diffusion.DdimStep}'s convention. */
        public final int previousTimestep;

        FinalStep(int previousTimestep) {
            this.previousTimestep = previousTimestep;
        }
    }

    /** The {@code numSteps} DDIM timesteps of {@code spacing}, in sampling order (descending). */
    public static int[] ddim(Spacing spacing, int numSteps, int numTrainTimesteps) {
        check("ddim", numSteps, numTrainTimesteps);
        int[] t = new int[numSteps];
        if (spacing == Spacing.TRAILING) {
            int k = numTrainTimesteps / numSteps;
            for (int j = 0; j < numSteps; j++) t[j] = (numSteps - j) * k - 1;   // grid index i = n-1-j
        } else {
            int k = numSteps == 1 ? 0 : (numTrainTimesteps - 1) / (numSteps - 1);
            for (int j = 0; j < numSteps; j++) t[j] = numTrainTimesteps - 1 - j * k;
        }
        return t;
    }

    /**
     * The grid of the distillation DDIM solver in ascending order, {@code grid[i] = (i+1) k - 1} with
     * {@code k = T / N} (SPEC §1.3; N = 50 gives 19, 39, ..., 999). Training draws {@code t_s = grid[n]}.
     */
    public static int[] distillationGrid(int numGridPoints, int numTrainTimesteps) {
        check("distillation grid", numGridPoints, numTrainTimesteps);
        int k = numTrainTimesteps / numGridPoints;
        int[] grid = new int[numGridPoints];
        for (int i = 0; i < numGridPoints; i++) grid[i] = (i + 1) * k - 1;
        return grid;
    }

    /**
     * The LCM multistep timesteps (SPEC §1.5, T2V-Turbo's scheduler): with {@code c = T / O}, the origin grid
     * {@code c-1, 2c-1, ..., O c - 1} is reversed and every {@code O / n}-th entry kept, the first {@code n} of them.
     * Examples (T = 1000): (4, 50) gives 999, 759, 519, 279; (4, 200) gives 999, 749, 499, 249.
     *
     * @param numSteps n, the number of inference steps (1 .. O)
     * @param originSteps O ({@code lcm_origin_steps}), the size of the distillation grid the student learnt on
     */
    public static int[] lcm(int numSteps, int originSteps, int numTrainTimesteps) {
        check("lcm origin", originSteps, numTrainTimesteps);
        if (numSteps < 1 || numSteps > originSteps) {
            throw new IllegalArgumentException("Timesteps.lcm: the number of steps must be in 1..lcm_origin_steps = " + originSteps + ", got " + numSteps);
        }
        int c = numTrainTimesteps / originSteps, skip = originSteps / numSteps;
        int[] t = new int[numSteps];
        // reverse(origin)[j * skip] = origin[O - 1 - j * skip] = (O - j * skip) c - 1
        for (int j = 0; j < numSteps; j++) t[j] = (originSteps - j * skip) * c - 1;
        return t;
    }

    private static void check(String what, int n, int numTrainTimesteps) {
        if (numTrainTimesteps < 1) throw new IllegalArgumentException("Timesteps: num_train_timesteps must be >= 1, got " + numTrainTimesteps);
        if (n < 1 || n > numTrainTimesteps) {
            throw new IllegalArgumentException("Timesteps." + what + ": the number of steps must be in 1.." + numTrainTimesteps + ", got " + n);
        }
    }
}
