package dev.vdiff.reference.data;

/** The procedural textures behind the shape (see {@link Textures}); all are static over the clip. */
public enum BackgroundKind {
    /** One colour. */
    FLAT("a plain background"),
    /** A linear blend of two colours along a random angle. */
    GRADIENT("a gradient"),
    /** Smooth sinusoidal stripes of two colours, random angle and a period of 4–10 pixels. */
    STRIPES("stripes"),
    /** Two octaves of bilinear value noise (smoothstep-interpolated lattice values) between two colours. */
    VALUE_NOISE("a noisy texture");

    private final String phrase;

    BackgroundKind(String phrase) {
        this.phrase = phrase;
    }

    /** The phrase used in captions ("... on stripes"). */
    public String phrase() {
        return phrase;
    }
}
