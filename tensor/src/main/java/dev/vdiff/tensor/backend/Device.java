package dev.vdiff.tensor.backend;


import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a tensor's ops run, carried by the tensor as in PyTorch ({@code t.device()}): an op runs its hot
 * loop on the {@link KernelBackend} of its inputs' device, and its output is on that device too. Moving a
 * model is moving its parameters ({@link Tensor#moveTo(Device)}); everything computed from them follows.
 *
 * <pre>{@code
 * Device gpu = Device.named("tornado");          // loads the backend found by ServiceLoader, once
 * for (Tensor p : model.parameters()) p.moveTo(gpu);
 * Tensor y = model.forward(x);                     // convolutions, GEMMs, norms ... run on gpu
 * y.device();                                      // gpu
 * }</pre>
 *
 * <p>Rule for mixed inputs: an op with inputs on the JVM and on one other device runs on that other device
 * (the JVM host arrays are every device's staging memory, so nothing needs an explicit copy); inputs on two
 * different non-JVM devices are an error. There is no global switch: two models on two devices can run in
 * one process.
 */
public final class Device {
    /** The default device: the JVM kernels. */
    public static final Device JVM = new Device(new JvmBackend());

    private static final Map<String, Device> LOADED = new ConcurrentHashMap<>();

    private final KernelBackend backend;

    /** Whether a device other than the JVM was ever made in this process (false in every default run). */
    private static volatile boolean othersExist;

    private Device(KernelBackend backend) {
        this.backend = backend;
        if (JVM != null) othersExist = true;
    }

    /** False while no device other than the JVM exists: then every tensor is on the JVM (a fast path for the ops). */
    public static boolean othersExist() { return othersExist; }

    /** The backend that runs this device's kernels. */
    public KernelBackend kernels() { return backend; }

    public String name() { return backend.name(); }

    public boolean isJvm() { return this == JVM; }

    /**
     * The device of a backend name: "jvm", or a backend on the class path registered for
     * {@link ServiceLoader} under {@code META-INF/services/dev.vdiff.tensor.backend.KernelBackend}.
     *
     * @throws IllegalArgumentException (one line, for the user) if no backend of that name is on the class path
     */
    public static Device named(String name) {
        if (name.equals("jvm")) return JVM;
        return LOADED.computeIfAbsent(name, Device::load);
    }

    private static Device load(String name) {
        StringBuilder found = new StringBuilder("jvm");
        try {
            for (ServiceLoader.Provider<KernelBackend> p : ServiceLoader.load(KernelBackend.class).stream().toList()) {
                KernelBackend b = p.get();
                if (b.name().equals(name)) return new Device(b);
                found.append(", ").append(b.name());
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            // a backend jar without its runtime (e.g. the tornado classes without TornadoVM's argfile)
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("--backend " + name + ": a backend failed to load (" + cause + "); run through ./vdiff with TORNADOVM_HOME set, see docs/TORNADO.md");
        }
        String hint = name.equals("tornado")
            ? " (the TornadoVM backend is built only with a TornadoVM SDK: set TORNADOVM_HOME and JAVA_HOME to a JDK 25, see docs/TORNADO.md)" : "";
        throw new IllegalArgumentException("--backend " + name + ": no such backend on the class path; available: " + found + hint);
    }

    @Override
    public String toString() { return backend.name(); }
}
