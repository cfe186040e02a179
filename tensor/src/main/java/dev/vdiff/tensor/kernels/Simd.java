package dev.vdiff.tensor.kernels;

/**
 * Whether hot loops may use the Vector API ({@code jdk.incubator.vector}).
 *
 * <p>{@link #ENABLED} is true iff the module is in the boot layer (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}) and {@code -Dvdiff.simd=false} was not given. Classes that
 * mention Vector API types are only loaded behind a check of this flag, so a JVM without the module runs
 * the scalar kernels and never touches them.
 */
public final class Simd {
    private Simd() {}

    public static final boolean ENABLED = !"false".equals(System.getProperty("vdiff.simd"))
        && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
}
