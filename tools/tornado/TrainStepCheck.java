// TrainStepCheck — the whole VideoUNet training step (benchmark model of tiny_video_unet.md: forward, MSE
// loss, backward) on one backend against the same step on the JVM: the loss, the model output and the
// gradient of every parameter, compared element by element (count, worst index, actual vs expected).
//
//   java @$TORNADOVM_HOME/tornado-argfile -Dtornado.recover.bailout=False -cp <tensor, diffusion, tornado, this> \
//        TrainStepCheck tornado [benchmark|tiny]
// tiny: the network of TransferCount / `vdiff train` with TINY settings (batch 2 of 2x12x4x4), a quick check of
// the same code paths (attention, lazy read-back) where the benchmark model takes long on PoCL.
// Tolerances: float32 through ~60 layers in a different summation order; rtol 1e-3 and atol 1e-3 x the
// tensor's largest JVM value (gradients of one parameter tensor share a scale). Exit 0 only if all pass.
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.random.Rng;

import java.util.List;
import java.util.Map;

public final class TrainStepCheck {
    record Step(double loss, Tensor out, Map<String, Tensor> params) {}

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
        Tensor out = model.forward(x, t, y);
        Tensor loss = Losses.mse(out, target);
        loss.backward();
        if (!device.isJvm() && !out.device().equals(device)) throw new IllegalStateException("output is on " + out.device() + ", not " + device);
        return new Step(loss.item(), out, model.namedParameters());
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
        Map<String, Tensor> all = new java.util.LinkedHashMap<>();
        all.put("output", null);
        all.putAll(want.params());
        for (String name : all.keySet()) {
            Tensor e = name.equals("output") ? want.out() : want.params().get(name).grad();
            Tensor a = name.equals("output") ? got.out() : got.params().get(name).grad();
            if (e == null && a == null) continue;
            checks++;
            if (e == null || a == null) {
                System.out.println("FAIL " + name + ": gradient present on one backend only");
                failed++;
                continue;
            }
            double[] ev = e.toDoubleArray();
            double scale = 0;
            for (double v : ev) scale = Math.max(scale, Math.abs(v));
            Close.Result r = Close.compare(a.toDoubleArray(), ev, 1e-3, 1e-3 * scale);
            String what = (name.equals("output") ? "" : "grad ") + name;
            if (r.pass()) System.out.printf("ok   %s (%d elements, worst error/tolerance %.3g)%n", what, ev.length, r.worstRatio());
            else {
                failed++;
                System.out.println("FAIL " + r.describe(what));
            }
        }
        System.out.printf("%d checks, %d failed%n%s%n", checks, failed, failed == 0 ? "TRAINSTEP PASS" : "TRAINSTEP FAIL");
        System.exit(failed == 0 ? 0 : 1);
    }
}
