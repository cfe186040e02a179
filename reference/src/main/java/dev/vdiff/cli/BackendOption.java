package dev.vdiff.cli;

import dev.vdiff.tensor.UserError;
import dev.vdiff.tensor.backend.Device;

/**
 * The {@code --backend jvm|tornado} option of train, sample and demo: the device the network's parameters are put
 * on (ops on them then run there, see {@link Device}). The default build has only {@code jvm}; {@code tornado}
 * exists only when vdiff was built in the {@code tornado} Maven profile and runs through {@code ./vdiff} with
 * TORNADOVM_HOME set (docs/TORNADO.md). Same seed, same backend: same bits; another backend gives other bits.
 */
public final class BackendOption {
    private BackendOption() {}

    /** The option's description, shared by the commands. */
    public static final String DESCRIPTION = "kernel backend: jvm, or tornado (TornadoVM, OpenCL; needs the TornadoVM build, see docs/TORNADO.md) (default: ${DEFAULT-VALUE})";

    /** The device named by {@code --backend}; an unknown or absent backend is a one-line {@link UserError}. */
    public static Device device(String backend) {
        try {
            return Device.named(backend);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
