package dev.vdiff.reference.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A combination of a shape kind and a motion direction, e.g. {@code circle:left}: the unit a training set can hold
 * out so that a caption-conditioned model is asked, after training, for compositions it never saw ("a green circle
 * moving left" when circles were only seen moving other ways and other shapes were seen moving left).
 *
 * @param shape     what moves
 * @param direction which way
 */
public record Composition(ShapeKind shape, Direction direction) {
    public Composition {
        Objects.requireNonNull(shape, "Composition: shape");
        Objects.requireNonNull(direction, "Composition: direction");
    }

    /** {@code shape:direction} with the caption words, e.g. {@code circle:up-left}; case is ignored. */
    public static Composition parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("composition '" + text + "' must be shape:direction, e.g. circle:left");
        String s = t.substring(0, colon), d = t.substring(colon + 1);
        ShapeKind shape = null;
        for (ShapeKind k : ShapeKind.values()) if (k.noun().equals(s)) shape = k;
        Direction direction = null;
        for (Direction k : Direction.values()) if (k.word().equals(d)) direction = k;
        if (shape == null) throw new IllegalArgumentException("composition '" + text + "': unknown shape '" + s + "' (square, circle, triangle, cross, ring)");
        if (direction == null) throw new IllegalArgumentException("composition '" + text + "': unknown direction '" + d + "' (right, up-right, up, up-left, left, down-left, down, down-right)");
        return new Composition(shape, direction);
    }

    /** Parses every element ({@link #parse}). */
    public static List<Composition> parseAll(List<?> texts) {
        List<Composition> out = new ArrayList<>();
        for (Object o : texts) out.add(parse(String.valueOf(o)));
        return out;
    }

    /** Whether {@code spec} shows this composition (a moving clip of this shape in this direction). */
    public boolean matches(ClipSpec spec) {
        return spec.shape() == shape && spec.direction() == direction && !spec.isStatic() && spec.speed() > 0;
    }

    @Override
    public String toString() {
        return shape.noun() + ":" + direction.word();
    }
}
