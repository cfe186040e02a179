package dev.vdiff.reference.tqd;

/**
 * From TQD's continuous {@code t in (0, 1)} (1 = pure noise) to what a model is trained with (SPEC §2.4,
 * RECONSTRUCTED: the paper's algorithm box was not readable).
 *
 * <ul>
 *   <li>{@link Kind#DDPM} (CogVideoX-style, {@code T = 1000} discrete steps): {@code n = min(floor(T t), T - 1)};
 *       the model sees {@code n} and the input {@code a_n x0 + s_n eps}.</li>
 *   <li>{@link Kind#FLOW} (Wan-style rectified flow, SPEC §1.6): the noise level is {@code sigma = t} itself
 *       ({@code x = (1 - t) x0 + t eps}) and the model timestep is {@code T t}, continuous. No resolution shift is
 *       applied after sampling (SPEC §2.4). For trainers that draw from Pyramid Flow's discrete grid
 *       {@code sigma_n = (n + 1) / T}, {@link #index} gives the grid point nearest to {@code t}:
 *       {@code n = clamp(round(T t) - 1, 0, T - 1)}.</li>
 * </ul>
 *
 * <pre>{@code
 * TimestepMapping.ddpm(1000).index(0.9995);          // 999
 * TimestepMapping.ddpm(1000).index(0.25);            // 250
 * TimestepMapping.flow(1000).modelTimestep(0.25);    // 250.0 (sigma = 0.25)
 * TimestepMapping.flow(1000).index(0.25);            // 249: sigma_249 = 250/1000
 * }</pre>
 *
 * @param kind              DDPM or flow matching
 * @param numTrainTimesteps {@code T}, 1000 for both base models of the paper
 */
public record TimestepMapping(Kind kind, int numTrainTimesteps) {
    /** How the model is parameterised in time. */
    public enum Kind {
        DDPM("ddpm"),
        FLOW("flow");

        /** The name used on the command line. */
        public final String cliName;

        Kind(String cliName) {
            this.cliName = cliName;
        }

        public static Kind parse(String name) {
            for (Kind k : values()) if (k.cliName.equalsIgnoreCase(name.strip())) return k;
            throw new IllegalArgumentException("unknown model kind '" + name + "' (expected ddpm or flow)");
        }
    }

    public TimestepMapping {
        if (kind == null) throw new IllegalArgumentException("TimestepMapping: kind must not be null");
        if (numTrainTimesteps < 1) throw new IllegalArgumentException("TimestepMapping: need T >= 1, got " + numTrainTimesteps);
    }

    public static TimestepMapping ddpm(int numTrainTimesteps) {
        return new TimestepMapping(Kind.DDPM, numTrainTimesteps);
    }

    public static TimestepMapping flow(int numTrainTimesteps) {
        return new TimestepMapping(Kind.FLOW, numTrainTimesteps);
    }

    /**
     * The integer timestep in {@code 0 .. T-1}: DDPM {@code min(floor(T t), T - 1)}; flow, the index of the grid
     * noise level {@code (n + 1) / T} nearest to {@code t}.
     */
    public long index(double t) {
        checkT(t);
        int n = numTrainTimesteps;
        if (kind == Kind.DDPM) return Math.min((long) Math.floor(n * t), n - 1);
        return Math.min(Math.max(Math.round(n * t) - 1, 0), n - 1);
    }

    /** What the network is given as its timestep: DDPM {@link #index}, flow {@code T t}. */
    public double modelTimestep(double t) {
        checkT(t);
        return kind == Kind.DDPM ? index(t) : numTrainTimesteps * t;
    }

    /** {@link #index} of every element. */
    public long[] indices(double[] t) {
        long[] out = new long[t.length];
        for (int i = 0; i < t.length; i++) out[i] = index(t[i]);
        return out;
    }

    private static void checkT(double t) {
        if (!(t >= 0 && t <= 1)) throw new IllegalArgumentException("TimestepMapping: t must be in [0, 1], got " + t);
    }
}
