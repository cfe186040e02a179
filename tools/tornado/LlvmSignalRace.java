// LlvmSignalRace — the smallest reproduction of the SIGSEGV that killed TrainStepCheck's JVM step beside PoCL
// (docs/PERFORMANCE.md, "HotSpot's signal handlers beside TornadoVM's OpenCL runtime"); no TornadoVM, no vdiff.
// libLLVM's signal handlers (llvm::sys::RegisterHandlers, here reached through llvm::sys::SetInterruptFunction;
// PoCL reaches it when the OpenCL runtime starts) replace HotSpot's SIGSEGV handler with one installed with
// SA_RESETHAND. At the next safepoint every thread running compiled code faults on its poll page: the first
// fault resets SIGSEGV to SIG_DFL, and LLVM's handler puts HotSpot's back only after a few system calls, so a
// second thread faulting inside that window kills the process (exit 139, no hs_err file). One spinning thread
// survives (its fault reaches HotSpot's handler once LLVM's has restored it); two die within a few rounds;
// with LD_PRELOAD=$JAVA_HOME/lib/libjsig.so (HotSpot's signal chaining) LLVM's handler is only chained and
// every round survives. Each round re-registers LLVM's handlers (its handler unregisters them when it runs).
//
//   java --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xmx64m tools/tornado/LlvmSignalRace.java 2 1000
//   LD_PRELOAD=$JAVA_HOME/lib/libjsig.so java ... LlvmSignalRace.java 2 1000      (JDK 22+: java.lang.foreign)
// Arguments: spinning threads, rounds [, "control": no LLVM handlers]. libLLVM-15.so.1 is Debian 12's, PoCL's.
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

public final class LlvmSignalRace {
    static volatile boolean stop;
    static long sink;

    /** A loop that is not counted: C2 polls for a safepoint in every iteration. */
    static long spin(long x) {
        while (!stop) x = x * 6364136223846793005L + 1442695040888963407L;
        return x;
    }

    public static void main(String[] args) throws Throwable {
        int spinners = Integer.parseInt(args[0]), rounds = Integer.parseInt(args[1]);
        boolean control = args.length > 2 && args[2].equals("control");
        SymbolLookup llvm = SymbolLookup.libraryLookup("libLLVM-15.so.1", Arena.global());
        MethodHandle setInterruptFunction = Linker.nativeLinker().downcallHandle(
            llvm.find("_ZN4llvm3sys20SetInterruptFunctionEPFvvE").orElseThrow(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        for (int i = 0; i < 20000; i++) { stop = true; sink += spin(i); }   // spin() compiled before the threads start
        stop = false;
        for (int t = 0; t < spinners; t++) {
            Thread th = new Thread(() -> sink += spin(1));
            th.setDaemon(true);
            th.start();
        }
        Thread.sleep(200);
        for (int r = 1; r <= rounds; r++) {
            if (!control) setInterruptFunction.invokeExact(MemorySegment.NULL);   // LLVM's handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL, ...
            System.gc();                                                       // a safepoint: every spinning thread faults on its poll
            if (r % 100 == 0) System.out.println("round " + r + " survived");
        }
        System.out.println("ok: " + rounds + " rounds, " + spinners + " spinning threads" + (control ? ", no LLVM handlers" : ""));
    }
}
