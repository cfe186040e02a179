package dev.vdiff.tensor.kernels;

/**
 * Whether kernels take their Vector API ({@code jdk.incubator.vector}) paths.
 *
 * <p>True iff the incubator module is in the boot layer (the build and the launcher add it with
 * {@code --add-modules jdk.incubator.vector}) and {@code -Dvdiff.simd} is not {@code "false"}. Classes that
 * use the Vector API are only loaded behind this flag, so vdiff still runs, on its scalar loops, on a JVM
 * started without the module.
 */
public final class Simd {
    private Simd() {}

    public static final boolean ENABLED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
        && !"false".equals(System.getProperty("vdiff.simd"));
}
