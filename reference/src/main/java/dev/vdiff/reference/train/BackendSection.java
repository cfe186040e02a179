package dev.vdiff.reference.train;

import dev.vdiff.tensor.backend.Device;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kernel backend a run was trained on (section {@value #SECTION} of {@code run.json}), written when the run
 * starts: same seed and same backend give the same bits, so a resumed run continues bit for bit only on the backend
 * it started on (docs/TORNADO.md). Older runs have no such section (they were all trained on the JVM kernels).
 *
 * <pre>
 * "backend": {"name": "tornado", "device": "TornadoVM OPENCL on NVIDIA H100 80GB HBM3"}
 * </pre>
 */
public final class BackendSection {
    public static final String SECTION = "backend";

    private BackendSection() {}

    /** {@code run} with the section naming {@code device}'s backend and the device that runs its kernels. */
    public static RunSpec into(RunSpec run, Device device) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", device.name());
        m.put("device", device.kernels().description());
        return run.withSection(SECTION, m);
    }

    /** The backend name the run was trained on: the section's, or "jvm" for a run written before it existed. */
    public static String nameOf(RunSpec run) {
        return run.readSection(SECTION, m -> JsonFields.stringOf(m, "name"), Device.JVM.name());
    }

    /**
     * The one-line warning for resuming {@code run} on {@code device}, or null when it is the run's backend: the
     * continuation is valid training but not the bits the run would have had on its own backend.
     */
    public static String resumeWarning(RunSpec run, Device device) {
        String was = nameOf(run);
        if (was.equals(device.name())) return null;
        return "vdiff train: warning: the run was trained on --backend " + was + ", resuming on --backend " + device.name()
            + " does not continue it bit for bit (resume with --backend " + was + " for that)";
    }
}
