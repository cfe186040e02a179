package dev.vdiff.tornado;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.backend.HostCopy;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.ops.Losses;

import java.util.SplittableRandom;

/**
 * {@link CrossCheck}'s part for {@link LossTask} (tor8, session 8): the MSE and pseudo-Huber sums and gradients against
 * {@code JvmBackend} ({@code LossKernels}) on seeded random inputs, one block and several blocks of 4,096 elements; the
 * gradient left on the device; then {@code Losses.mse} and {@code Losses.pseudoHuber} on device tensors against the JVM,
 * value and both gradients.
 *
 * <p>Tolerances: the sums add the JVM's terms in the JVM's order (per block in index order, blocks pairwise), in double,
 * but OpenCL may contract {@code s + d * d} into one multiply-add, so rtol 1e-12; the MSE gradient {@code (float) (2 k d)}
 * is two double products and one rounding, nothing to contract: exact; the pseudo-Huber gradient divides by a square root
 * of a contractible sum: rtol 1e-6 (about one float ulp).
 */
final class LossCheck {
    private final CrossCheck c;
    private final KernelBackend jvm, dev;

    LossCheck(CrossCheck c, KernelBackend jvm, KernelBackend dev) {
        this.c = c;
        this.jvm = jvm;
        this.dev = dev;
    }

    void run(boolean quick) {
        int[] sizes = quick ? new int[] {1000, 9000} : new int[] {1, 1000, 4096, 9000, 70001};
        for (double huberC : new double[] {-1, 0.5f}) {
            String name = huberC < 0 ? "mse" : "pseudoHuber c=0.5";
            for (int n : sizes) {
                float[] a = c.random(n), b = c.random(n);
                for (int i = 0; i < n; i++) a[i] *= 3;
                c.compare(name + " sum n=" + n, new double[] {dev.lossSum(a, b, n, huberC)}, new double[] {jvm.lossSum(a, b, n, huberC)}, 1e-12, 0);
                double k = 1.7 / n;
                float[] dg = new float[n], dw = new float[n];
                jvm.lossGradient(a, b, dw, n, k, huberC);
                dev.lossGradient(a, b, dg, n, k, huberC);
                if (!DeviceArena.EAGER) c.check(name + " gradient n=" + n + " left on the device", HostCopy.isStale(dg));
                c.compare(name + " gradient n=" + n, dg, dw, huberC < 0 ? 0 : 1e-6, huberC < 0 ? 0 : 1e-12);
            }
        }
        ops();
    }

    /** The ops on device tensors against the JVM: the loss and the gradients of input and target. */
    private void ops() {
        Device device = Device.named(dev.name());
        for (boolean huber : new boolean[] {false, true}) {
            double[][] onJvm = opsRun(Device.JVM, huber), onDev = opsRun(device, huber);
            String name = huber ? "Losses.pseudoHuber" : "Losses.mse";
            c.compare(name + " value " + dev.name() + " vs jvm", onDev[0], onJvm[0], 1e-6, 0);
            c.compare(name + " d input " + dev.name() + " vs jvm", onDev[1], onJvm[1], 1e-6, 1e-9);
            c.compare(name + " d target " + dev.name() + " vs jvm", onDev[2], onJvm[2], 1e-6, 1e-9);
        }
    }

    private static double[][] opsRun(Device d, boolean huber) {
        SplittableRandom r = new SplittableRandom(20261208);
        Tensor x = CrossCheck.tensor(r, 2, 3, 4, 5).requiresGrad(true).moveTo(d);
        Tensor t = CrossCheck.tensor(r, 2, 3, 4, 5).requiresGrad(true).moveTo(d);
        Tensor y = x.permute(0, 2, 1, 3);   // a strided view: the loss makes it contiguous first (on the device)
        Tensor loss = huber ? Losses.pseudoHuber(y, t.permute(0, 2, 1, 3), 0.3) : Losses.mse(y, t.permute(0, 2, 1, 3));
        loss.backward();
        return new double[][] {{loss.item()}, toDoubles(x.grad().contiguous().floats()), toDoubles(t.grad().contiguous().floats())};
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
