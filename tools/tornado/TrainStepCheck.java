// TrainStepCheck — the whole VideoUNet training step (benchmark model of tiny_video_unet.md: forward, MSE
// loss, backward, then the optimizer as `vdiff train` runs it: gradient clipping to norm 1, AdamW with weight decay
// 0.01 and the EMA update) on one backend against the same step on the JVM: the loss, the model output, the
// gradient of every parameter (before clipping) and the gradient norm, compared element by element (count, worst
// index, actual vs expected); then the optimizer: every parameter's update and EMA average on the backend against the
// JVM's clipping, AdamW and EMA applied to the backend's own gradients. (Not against the JVM run's updates: AdamW's
// first step is lr * g / (|g| + eps), a sign function wherever |g| >> eps, so elements whose gradient is rounding
// noise, such as the key part of an attention projection's bias, which cancels in the softmax, move by up to lr in
// either direction on two backends that both pass the gradient check.)
//
//   java @$TORNADOVM_HOME/tornado-argfile -Dtornado.recover.bailout=False -cp <tensor, diffusion, tornado, this> \
//        TrainStepCheck tornado [benchmark|tiny]
// tiny: the network of TransferCount / `vdiff train` with TINY settings (batch 2 of 2x12x4x4), a quick check of
// the same code paths (attention, lazy read-back) where the benchmark model takes long on PoCL.
// Tolerances: float32 through ~60 layers in a different summation order; rtol 1e-3 and atol 1e-3 x the
// tensor's largest JVM value (gradients of one parameter tensor share a scale); the parameter updates p_new - p_old
// likewise with the largest expected update as the scale, the EMA average on its difference from p_old too, each
// with 4 float32 ulps of the largest |p_old| added to atol (p_new and the average are float32 numbers of about that
// size: rounded to half an ulp, and the device may contract a multiply-add where the JVM rounds twice).
// Exit 0 only if all pass.
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
    /** JVM copies: grads before clipping, p0 before the step, p1 after it, ema1 the EMA average after it (it starts at p0). */
    record Step(double loss, Tensor out, Map<String, Tensor> grads, double gradNorm, Map<String, Tensor> p0, Map<String, Tensor> p1, Map<String, Tensor> ema1) {}

    static final double LR = 1e-3, WEIGHT_DECAY = 0.01, EMA_DECAY = 0.995, MAX_NORM = 1.0;

    /** A copy of t's values on the JVM device. */
    static Tensor onJvm(Tensor t) {
        return Tensor.of(t.contiguous().floats().clone(), t.shape());
    }

    static Map<String, Tensor> onJvm(Map<String, Tensor> m) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (var e : m.entrySet()) out.put(e.getKey(), onJvm(e.getValue()));
        return out;
    }

    /** The optimizer of the step on the JVM, from s.p0 and s.grads: {p1, ema1}. */
    static List<Map<String, Tensor>> optimizerOnJvm(Step s) {
        Map<String, Tensor> params = onJvm(s.p0());
        for (var e : params.entrySet()) if (s.grads().containsKey(e.getKey())) e.getValue().setGrad(onJvm(s.grads().get(e.getKey())));
        AdamW opt = new AdamW(params, LR, 0.9, 0.999, 1e-8, WEIGHT_DECAY);
        Ema ema = new Ema(params, EMA_DECAY);
        GradClip.clipGradNorm(params.values(), MAX_NORM);
        opt.step();
        ema.update(params);
        return List.of(params, onJvm(ema.shadow()));
    }

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
        Map<String, Tensor> p0 = onJvm(params), grads = new java.util.LinkedHashMap<>();
        AdamW opt = new AdamW(params, LR, 0.9, 0.999, 1e-8, WEIGHT_DECAY);
        Ema ema = new Ema(params, EMA_DECAY);
        Tensor out = model.forward(x, t, y);
        Tensor loss = Losses.mse(out, target);
        loss.backward();
        if (!device.isJvm() && !out.device().equals(device)) throw new IllegalStateException("output is on " + out.device() + ", not " + device);
        for (var e : params.entrySet()) if (e.getValue().grad() != null) grads.put(e.getKey(), onJvm(e.getValue().grad()));
        double norm = GradClip.clipGradNorm(params.values(), MAX_NORM);
        opt.step();
        ema.update(params);
        return new Step(loss.item(), out, grads, norm, p0, onJvm(params), onJvm(ema.shadow()));
    }

    /** p - p0, elementwise, as a JVM tensor. */
    static Tensor minus(Tensor p, Tensor p0) {
        double[] a = p.toDoubleArray(), b = p0.toDoubleArray();
        for (int i = 0; i < a.length; i++) a[i] -= b[i];
        return Tensor.of(a, a.length);
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
        compare("output", want.out(), got.out(), 0, counts);
        for (String name : want.p0().keySet()) compare("grad " + name, want.grads().get(name), got.grads().get(name), 0, counts);
        List<Map<String, Tensor>> ref = optimizerOnJvm(got);   // the JVM's optimizer on the backend's gradients
        for (String name : got.p0().keySet()) {
            Tensor p0 = got.p0().get(name);
            double ulps = 0;
            for (double v : p0.toDoubleArray()) ulps = Math.max(ulps, 4 * Math.ulp((float) Math.abs(v)));
            compare("AdamW update " + name, minus(ref.get(0).get(name), p0), minus(got.p1().get(name), p0), ulps, counts);
            compare("EMA move " + name, minus(ref.get(1).get(name), p0), minus(got.ema1().get(name), p0), ulps, counts);
        }
        checks = counts[0];
        failed = counts[1];
        System.out.printf("%d checks, %d failed%n%s%n", checks, failed, failed == 0 ? "TRAINSTEP PASS" : "TRAINSTEP FAIL");
        System.exit(failed == 0 ? 0 : 1);
    }

    /** e (JVM) against a (the device): rtol 1e-3, atol 1e-3 x max |e| + extra; counts = {checks, failed}. */
    private static void compare(String what, Tensor e, Tensor a, double extra, int[] counts) {
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
        Close.Result r = Close.compare(a.toDoubleArray(), ev, 1e-3, 1e-3 * scale + extra);
        if (r.pass()) System.out.printf("ok   %s (%d elements, worst error/tolerance %.3g)%n", what, ev.length, r.worstRatio());
        else {
            counts[1]++;
            System.out.println("FAIL " + r.describe(what));
        }
    }
}
