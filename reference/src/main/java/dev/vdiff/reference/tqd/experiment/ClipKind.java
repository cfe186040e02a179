package dev.vdiff.reference.tqd.experiment;

import dev.vdiff.reference.data.BackgroundKind;
import dev.vdiff.reference.data.ClipSpec;
import dev.vdiff.reference.data.ShapeColor;
import dev.vdiff.reference.data.SyntheticVideos;
import dev.vdiff.tensor.random.Rng;

/**
 * The four quality quadrants of TQD's Figure 1 (SPEC §2.3), as synthetic clips: one shape in its class colour
 * on a flat background, with motion and degradation chosen per quadrant. Speeds are given for 16-pixel frames
 * and scale with the frame width.
 * <ul>
 *   <li>{@link #HIGH_MQ_LOW_VQ}: fast motion, 1.0 to 1.8 px/frame; always blurred (sigma 0.8 to 1.4), half of them
 *       with additive noise (std 0.04 to 0.1), 30% at half resolution (the paper's blur / compression / noise
 *       degradations, Figure 2).</li>
 *   <li>{@link #LOW_MQ_HIGH_VQ}: half static, half slow (0.1 to 0.3 px/frame); clean.</li>
 *   <li>{@link #GOLDEN}: fast and clean.</li>
 *   <li>{@link #LOW_LOW}: static or slow, and degraded.</li>
 * </ul>
 */
public enum ClipKind {
    HIGH_MQ_LOW_VQ(true, true),
    LOW_MQ_HIGH_VQ(false, false),
    GOLDEN(true, false),
    LOW_LOW(false, true);

    private final boolean fast, degraded;

    ClipKind(boolean fast, boolean degraded) {
        this.fast = fast;
        this.degraded = degraded;
    }

    /** A readable name: "high MQ / low VQ", ... */
    public String label() {
        return switch (this) {
            case HIGH_MQ_LOW_VQ -> "high MQ / low VQ (fast, degraded)";
            case LOW_MQ_HIGH_VQ -> "low MQ / high VQ (static or slow, clean)";
            case GOLDEN -> "golden (fast, clean)";
            case LOW_LOW -> "low MQ / low VQ (static or slow, degraded)";
        };
    }

    /** The spec of clip {@code index} of this kind: shape, direction and renderer seed from {@code base}, the rest from the quadrant. */
    public ClipSpec spec(SyntheticVideos base, long index) {
        ClipSpec s = base.spec(index);
        Rng r = Rng.seed(base.config().seed()).split(1000 + ordinal()).split(index);
        double scale = base.width() / 16.0;
        boolean still = !fast && r.nextDouble() < 0.5;
        double u = r.nextDouble();
        double speed = still ? 0 : fast ? scale * (1.0 + 0.8 * u) : scale * (0.1 + 0.2 * u);
        double blur = 0, noise = 0;
        int down = 1;
        double a = r.nextDouble(), b = r.nextDouble(), c = r.nextDouble(), d = r.nextDouble();
        if (degraded) {
            blur = 0.8 + 0.6 * a;
            if (b < 0.5) noise = 0.04 + 0.06 * c;
            if (d < 0.3) down = 2;
        }
        ShapeColor color = ShapeColor.values()[s.shape().ordinal()];
        return new ClipSpec(s.shape(), color, BackgroundKind.FLAT, speed, s.direction(), still, false, blur, noise, 0, down, s.seed());
    }
}
