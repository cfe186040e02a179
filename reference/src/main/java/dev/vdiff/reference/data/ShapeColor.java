package dev.vdiff.reference.data;

/**
 * The saturated colours a shape can have (RGB in [0, 1]). Backgrounds are kept darker and greyer (see
 * {@link Textures}) so a shape always stands out.
 */
public enum ShapeColor {
    RED("red", 0.95, 0.15, 0.15),
    GREEN("green", 0.2, 0.9, 0.25),
    BLUE("blue", 0.25, 0.4, 1.0),
    YELLOW("yellow", 1.0, 0.9, 0.2),
    CYAN("cyan", 0.2, 0.95, 0.95),
    MAGENTA("magenta", 0.95, 0.25, 0.9),
    WHITE("white", 1.0, 1.0, 1.0);

    private final String word;
    private final double[] rgb;

    ShapeColor(String word, double r, double g, double b) {
        this.word = word;
        this.rgb = new double[] {r, g, b};
    }

    /** The word used in captions. */
    public String word() {
        return word;
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) in [0, 1]. */
    public double channel(int c) {
        return rgb[c];
    }
}
