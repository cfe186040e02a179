// TrainStepCheck — the whole VideoUNet training step (benchmark model of tiny_video_unet.md: forward, MSE
// loss, backward, then the optimizer as `vdiff train` runs it: gradient clipping to norm 1, AdamW with weight decay
// 0.01 and the EMA update) on one backend against the same step on the JVM: the loss, the model output, the
// gradient of every parameter (before clipping), the gradient norm, and every parameter's update and EMA average,
// compared element by element (count, worst index, actual vs expected).
//
//   java @$TORNADOVM_HOME/tornado-argfile -Dtornado.recover.bailout=False -cp <tensor, diffusion, tornado, this> \
//        TrainStepCheck tornado [benchmark|tiny]
// tiny: the network of TransferCount / `vdiff train` with TINY settings (batch 2 of 2x12x4x4), a quick check of
// the same code paths (attention, lazy read-back) where the benchmark model takes long on PoCL.
// Tolerances: float32 through ~60 layers in a different summation order; rtol 1e-3 and atol 1e-3 x the
// tensor's largest JVM value (gradients of one parameter tensor share a scale); the parameter updates p_new - p_old
// likewise with the largest JVM update as the scale (both start from the same p_old), the EMA average (whose step is
// 0.005 of that update) on its difference from p_old too. Exit 0 only if all pass.
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.optim.Ema;
import dev.vdiff.tensor.optim.GradClip;
import dev.vdiff.tensor.random.Rng;

import java.util.List;
import java.util.Map;

public final class TrainStepCheck {
    /** grads: before clipping; update: p_new - p_old; emaMove: ema_new - p_old (the EMA starts at p_old). */
    record Step(double loss, Tensor out, Map<String, Tensor> grads, double gradNorm, Map<String, Tensor> update, Map<String, Tensor> emaMove) {}

    static Step run(Device device, boolean tiny) {
        Rng rng = Rng.seed(0);
        VideoUNetConfig cfg = tiny
            ? new VideoUNetConfig(2, 12, List.of(new VideoUNetConfig.Level(8, false, false), new VideoUNetConfig.Level(16, true, true)), 2, 8, 4, 1e-5, 6, 16, 16)
            : VideoUNetConfig.benchmark();
        int[] shape = tiny ? new int[] {2, 2, 12, 4, 4} : new int[] {2, 8, 4, 32, 32};
        VideoUNet model = new VideoUNet(cfg, DType.FLOAT32, rng.split(0));
        for (Tensor p : model.parameters()) p.moveTo(device);
        Rng data = rng.split(1);
        Tensor x = data.normal(DType.FLOAT32, shape), t = data.randint(0, 1000, 2), y = data.randint(0, cfg.numClasses() + 1, 2);   // the labels and the null label
        Tensor target = data.normal(DType.FLOAT32, shape);
        Map<String, Tensor> params = model.namedParameters();
        Map<String, Tensor> before = new java.util.LinkedHashMap<>(), grads = new java.util.LinkedHashMap<>();
        for (var e : params.entrySet()) before.put(e.getKey(), e.getValue().copy());
        AdamW opt = new AdamW(params, 1e-3, 0.9, 0.999, 1e-8, 0.01);
        Ema ema = new Ema(params, 0.995);
        Tensor out = model.forward(x, t, y);
        Tensor loss = Losses.mse(out, target);
        loss.backward();
        if (!device.isJvm() && !out.device().equals(device)) throw new IllegalStateException("output is on " + out.device() + ", not " + device);
        for (var e : params.entrySet()) if (e.getValue().grad() != null) grads.put(e.getKey(), e.getValue().grad().copy());
        double norm = GradClip.clipGradNorm(params.values(), 1.0);
        opt.step();
        ema.update(params);
        Map<String, Tensor> update = new java.util.LinkedHashMap<>(), emaMove = new java.util.LinkedHashMap<>();
        for (var e : params.entrySet()) {
            double[] p0 = before.get(e.getKey()).toDoubleArray(), p1 = e.getValue().toDoubleArray(), s1 = ema.shadow().get(e.getKey()).toDoubleArray();
            double[] du = new double[p0.length], de = new double[p0.length];
            for (int i = 0; i < p0.length; i++) {
                du[i] = p1[i] - p0[i];
                de[i] = s1[i] - p0[i];
            }
            update.put(e.getKey(), Tensor.of(du, du.length));
            emaMove.put(e.getKey(), Tensor.of(de, de.length));
        }
        return new Step(loss.item(), out, grads, norm, update, emaMove);
    }

    public static void main(String[] args) {
        Device device = Device.named(args.length > 0 ? args[0] : "tornado");
        boolean tiny = args.length > 1 && args[1].equals("tiny");
        System.out.println((tiny ? "tiny" : "benchmark") + " network: train step on " + device.kernels().description() + " against the JVM");
        long t0 = System.nanoTime();
        Step want = run(Device.JVM, tiny);
        long t1 = System.nanoTime();
        Step got = run(device, tiny);
        long t2 = System.nanoTime();
        System.out.printf("jvm %.1f s, %s %.1f s%n", (t1 - t0) / 1e9, device.name(), (t2 - t1) / 1e9);
        int checks = 0, failed = 0;
        double lossErr = Math.abs(got.loss() - want.loss()) / Math.abs(want.loss());
        checks++;
        System.out.printf("%s loss %.9f vs jvm %.9f (relative difference %.2e, tolerance 1e-4)%n", lossErr <= 1e-4 ? "ok  " : "FAIL", got.loss(), want.loss(), lossErr);
        if (lossErr > 1e-4) failed++;
        double normErr = Math.abs(got.gradNorm() - want.gradNorm()) / want.gradNorm();
        checks++;
        System.out.printf("%s gradient norm %.9f vs jvm %.9f (relative difference %.2e, tolerance 1e-4)%n", normErr <= 1e-4 ? "ok  " : "FAIL", got.gradNorm(), want.gradNorm(), normErr);
        if (normErr > 1e-4) failed++;
        int[] counts = {checks, failed};
        compare("output", want.out(), got.out(), counts);
        for (String name : want.update().keySet()) compare("grad " + name, want.grads().get(name), got.grads().get(name), counts);
        for (String name : want.update().keySet()) compare("AdamW update " + name, want.update().get(name), got.update().get(name), counts);
        for (String name : want.update().keySet()) compare("EMA move " + name, want.emaMove().get(name), got.emaMove().get(name), counts);
        checks = counts[0];
        failed = counts[1];
        System.out.printf("%d checks, %d failed%n%s%n", checks, failed, failed == 0 ? "TRAINSTEP PASS" : "TRAINSTEP FAIL");
        System.exit(failed == 0 ? 0 : 1);
    }

    /** e (JVM) against a (the device): rtol 1e-3, atol 1e-3 x max |e|; counts = {checks, failed}. */
    private static void compare(String what, Tensor e, Tensor a, int[] counts) {
        if (e == null && a == null) return;
        counts[0]++;
        if (e == null || a == null) {
            System.out.println("FAIL " + what + ": present on one backend only");
            counts[1]++;
            return;
        }
        double[] ev = e.toDoubleArray();
        double scale = 0;
        for (double v : ev) scale = Math.max(scale, Math.abs(v));
        Close.Result r = Close.compare(a.toDoubleArray(), ev, 1e-3, 1e-3 * scale);
        if (r.pass()) System.out.printf("ok   %s (%d elements, worst error/tolerance %.3g)%n", what, ev.length, r.worstRatio());
        else {
            counts[1]++;
            System.out.println("FAIL " + r.describe(what));
        }
    }
}
