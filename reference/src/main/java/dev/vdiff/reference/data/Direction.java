package dev.vdiff.reference.data;

/** The eight compass directions a shape can move in. Image y points down, so "up" is {@code dy = -1}. */
public enum Direction {
    RIGHT("right", 1, 0),
    UP_RIGHT("up-right", 1, -1),
    UP("up", 0, -1),
    UP_LEFT("up-left", -1, -1),
    LEFT("left", -1, 0),
    DOWN_LEFT("down-left", -1, 1),
    DOWN("down", 0, 1),
    DOWN_RIGHT("down-right", 1, 1);

    private final String word;
    private final double dx, dy;

    Direction(String word, int x, int y) {
        this.word = word;
        double n = Math.hypot(x, y);   // unit vector: speed is pixels per frame along the path
        this.dx = x / n;
        this.dy = y / n;
    }

    /** The word used in captions. */
    public String word() {
        return word;
    }

    /** Unit step along x (pixels per unit of speed). */
    public double dx() {
        return dx;
    }

    /** Unit step along y (pixels per unit of speed; positive is down). */
    public double dy() {
        return dy;
    }
}
