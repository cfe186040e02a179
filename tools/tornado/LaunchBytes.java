// LaunchBytes — bytes over the bus per optimizer launch on the TornadoVM backend with every array already resident
// (round 1; round 0 also allocates the arena and compiles), and for a sum of squares of a new 16-float host array
// (its upload through the smallest staging chunk). docs/TORNADO.md, "The optimizer on the device".
//
//   java @$TORNADOVM_HOME/tornado-argfile --add-modules jdk.incubator.vector -Dtornado.recover.bailout=False \
//        -Dvdiff.tornado.countTransfers=true -cp <tensor, diffusion, tornado classes, this> LaunchBytes
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.kernels.OptimizerKernels;
import dev.vdiff.tornado.Transfers;

public final class LaunchBytes {
    public static void main(String[] a) {
        KernelBackend be = Device.named("tornado").kernels();
        int n = 1000;
        float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n], s = new float[n];
        for (int i = 0; i < n; i++) { p[i] = i * 1e-3f; g[i] = (i % 7) * 1e-2f - 0.03f; }
        var st = new OptimizerKernels.AdamWStep(0.99, 0.9, 0.999, 1e-8, 1e-3, 0.03);
        for (int r = 0; r < 2; r++) {
            Transfers.Count c0 = Transfers.now();
            be.adamwStep(p, g, m, v, n, st);
            Transfers.Count c1 = Transfers.now();
            be.emaUpdate(s, p, n, 0.005);
            Transfers.Count c2 = Transfers.now();
            double q = be.sumOfSquares(g, n);
            Transfers.Count c3 = Transfers.now();
            be.scaleInPlace(g, n, 0.5f);
            Transfers.Count c4 = Transfers.now();
            float[] small = new float[16];
            be.sumOfSquares(small, 16);
            Transfers.Count c5 = Transfers.now();
            System.out.printf("round %d: adamw %s | ema %s | sumsq %s | scale %s | sumsq of a new 16-float host array %s%n", r, c1.minus(c0), c2.minus(c1), c3.minus(c2), c4.minus(c3), c5.minus(c4));
        }
    }
}
