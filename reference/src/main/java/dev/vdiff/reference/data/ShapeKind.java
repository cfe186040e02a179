package dev.vdiff.reference.data;

/**
 * The kinds of moving shape; the class label of a synthetic clip is (by default) the ordinal.
 *
 * <p>Each kind is an inside test on offsets {@code (dx, dy)} from the shape's centre in units of its radius
 * {@code r} (the radius of the circle around it), image y pointing down. Kinds are sized so their areas are
 * comparable ({@code 1.3–3.1 r^2}) and each is recognisable at about 6 pixels radius.
 */
public enum ShapeKind {
    SQUARE("square"),
    CIRCLE("circle"),
    TRIANGLE("triangle"),
    CROSS("cross"),
    RING("ring");

    private static final double SQRT3 = Math.sqrt(3.0);

    private final String noun;

    ShapeKind(String noun) {
        this.noun = noun;
    }

    /** The word used in captions. */
    public String noun() {
        return noun;
    }

    /** Whether the point {@code (dx, dy)} (in radii, from the centre) lies inside the shape. */
    public boolean contains(double dx, double dy) {
        switch (this) {
            case SQUARE:
                return Math.abs(dx) <= 0.75 && Math.abs(dy) <= 0.75;
            case CIRCLE:
                return dx * dx + dy * dy <= 1.0;
            case TRIANGLE:
                // Equilateral, apex up, circumradius 1: vertices (0,-1), (±√3/2, 1/2).
                return dy <= 0.5 && SQRT3 * dx - dy <= 1.0 && -SQRT3 * dx - dy <= 1.0;
            case CROSS:
                // A plus sign: two bars of half-width 0.3 and half-length 1.
                return (Math.abs(dx) <= 1.0 && Math.abs(dy) <= 0.3) || (Math.abs(dy) <= 1.0 && Math.abs(dx) <= 0.3);
            case RING: {
                double d2 = dx * dx + dy * dy;
                return d2 <= 1.0 && d2 >= 0.55 * 0.55;
            }
            default:
                throw new AssertionError(this);
        }
    }
}
