package dev.vdiff.tornado;

import dev.vdiff.tensor.backend.HostCopy;
import dev.vdiff.tensor.backend.KernelBackend;
import dev.vdiff.tensor.kernels.SgdKernels;

/**
 * {@link CrossCheck}'s part for SGD on the device (tor8, session 8; {@code OptimizerTask.sgd}) against
 * {@code JvmBackend} ({@code SgdKernels}): plain SGD, momentum with dampening over two steps (the buffer's first step
 * and a later one, the state left on the device between them), Nesterov with weight decay; the updated parameter left on
 * the device. Tolerance rtol 1e-6 (about one float ulp: TornadoVM emits fma for a multiply-add the JVM rounds twice).
 */
final class SgdCheck {
    private final CrossCheck c;
    private final KernelBackend jvm, dev;

    SgdCheck(CrossCheck c, KernelBackend jvm, KernelBackend dev) {
        this.c = c;
        this.jvm = jvm;
        this.dev = dev;
    }

    void run(boolean quick) {
        for (int n : quick ? new int[] {1000} : new int[] {1, 1000, 70001}) {
            float[] p = c.random(n), pw = p.clone();
            float[] g = c.random(n);
            SgdKernels.Step plain = new SgdKernels.Step(0.1, 0, 0, 0, false, false);
            jvm.sgdStep(pw, g, null, n, plain);
            dev.sgdStep(p, g, null, n, plain);
            if (!DeviceArena.EAGER) c.check("sgd n=" + n + ": the updated parameter left on the device", HostCopy.isStale(p));
            c.compare("sgd n=" + n + " plain p", p, pw, 1e-6, 1e-7);

            float[] b = new float[n], bw = new float[n];
            for (int t = 0; t < 2; t++) {   // momentum 0.9, dampening 0.1: the buffer's first step, then a later one
                float[] gt = c.random(n);
                SgdKernels.Step s = new SgdKernels.Step(0.05, 0.9, 0.1, 0, false, t == 0);
                jvm.sgdStep(pw, gt, bw, n, s);
                dev.sgdStep(p, gt, b, n, s);
                c.compare("sgd n=" + n + " momentum step " + (t + 1) + " p", p, pw, 1e-6, 1e-7);
                c.compare("sgd n=" + n + " momentum step " + (t + 1) + " buffer", b, bw, 1e-6, 1e-7);
            }
            SgdKernels.Step nesterov = new SgdKernels.Step(0.05, 0.9, 0, 0.01, true, false);
            float[] gt = c.random(n);
            jvm.sgdStep(pw, gt, bw, n, nesterov);
            dev.sgdStep(p, gt, b, n, nesterov);
            c.compare("sgd n=" + n + " nesterov + weight decay p", p, pw, 1e-6, 1e-7);
            c.compare("sgd n=" + n + " nesterov + weight decay buffer", b, bw, 1e-6, 1e-7);
        }
    }
}
