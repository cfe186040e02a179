package dev.vdiff.tornado;

/**
 * The GEMM kernel alone on the device, data already there: {@code n^3} float32 products, median time and
 * TFLOP/s ({@code 2 n^3 / t}). This is the figure to hold against the hardware's peak; the op-level figures
 * of {@code vdiff bench --backend tornado} add the host-device copies of every call (docs/TORNADO.md).
 *
 * <pre>{@code java @$TORNADOVM_HOME/tornado-argfile -Dtornado.recover.bailout=False -cp ... dev.vdiff.tornado.DeviceBench 4096 10}</pre>
 */
public final class DeviceBench {
    private DeviceBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.out.println("device: " + new TornadoBackend().description());
        for (boolean blocked : new boolean[] {false, true}) {
            double t = GemmTask.timeResident(n, reps, blocked);
            System.out.printf("gemm_resident n=%d %s: median %.3f ms, %.2f TFLOP/s (%d calls; 16 entries checked)%n",
                n, blocked ? "64x64 tiles, 4x4 per work-item" : "16x16 tiles", t * 1e3, 2.0 * n * n * n / t / 1e12, reps);
        }
    }
}
