// SignalCheck — checks that the JVM keeps its own signal handlers once TornadoVM's OpenCL runtime has started
// (docs/PERFORMANCE.md, "HotSpot's signal handlers beside TornadoVM's OpenCL runtime"). PoCL installs a SIGFPE
// handler and its LLVM a SIGSEGV/SIGBUS/SIGILL/SIGFPE handler (SA_RESETHAND) over HotSpot's, which uses SIGFPE for
// integer division by zero and SIGSEGV for safepoint polls: without HotSpot's signal chaining (libjsig preloaded,
// as tools/tornado/test.sh and the vdiff launcher do) `7 / 0` gives 7 instead of an ArithmeticException, and two
// threads that fault on their polls at once can kill the JVM (SIGSEGV, no hs_err). The division is the
// deterministic symptom, so it is the check. Prints SIGNALS PASS / SIGNALS FAIL (exit status 0 / 1).
//
//   LD_PRELOAD=$JAVA_HOME/lib/libjsig.so java @$TORNADOVM_HOME/tornado-argfile -cp <tensor, tornado, this> SignalCheck [tornado]
import dev.vdiff.tensor.backend.Device;

public final class SignalCheck {
    public static void main(String[] args) {
        Device device = Device.named(args.length > 0 ? args[0] : "tornado");
        System.out.println("device: " + device.kernels().description());   // starts the OpenCL runtime
        String preload = System.getenv("LD_PRELOAD");
        System.out.println("LD_PRELOAD=" + (preload == null ? "(unset)" : preload));
        int zero = Integer.parseInt("0");   // not a constant: the division runs
        boolean pass;
        try {
            int q = 7 / zero;
            System.out.println("FAIL 7 / 0 = " + q + " without an ArithmeticException: the JVM's SIGFPE handler was replaced (preload $JAVA_HOME/lib/libjsig.so)");
            pass = false;
        } catch (ArithmeticException e) {
            System.out.println("ok   7 / 0 throws ArithmeticException (" + e.getMessage() + "): the JVM's SIGFPE handler runs first");
            pass = true;
        }
        System.out.println(pass ? "SIGNALS PASS" : "SIGNALS FAIL");
        System.exit(pass ? 0 : 1);
    }
}
