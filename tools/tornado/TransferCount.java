// TransferCount — bytes moved between host and device by one VideoUNet training step (forward, MSE loss,
// backward) on the TornadoVM backend, as TornadoVM's profiler reports them (host -> device, device -> host,
// plan executions). The counts do not depend on the device, so PoCL measures them as well as a GPU would.
// The first step compiles the kernels; the second is counted. With lazy read-back the results a step leaves on the
// device come home when host code reads them: the loss, then (as AdamW on the host would) the parameter gradients,
// counted in a second line. A third line counts the whole step as `vdiff train` runs it: forward, loss, backward, the
// loss home, gradient clipping (max norm 1), AdamW (weight decay 0.01) and the EMA update (decay 0.995), the
// optimizer on the host in steps 0 and 1 (parameters and gradients moved to the JVM device for it, as before the
// optimizer was in KernelBackend: the JVM kernels bring them home, and the next forward uploads the parameters) and
// on the device in steps 2 and 3 (step 2 compiles its kernels; steps 1 and 3 are the ones to compare).
// -Dvdiff.tornado.traceReadBack=true lists who asked for each read-back, and whose input was uploaded (the device did
// not hold its current values; bytes before the staging rounding).
//
//   java @$TORNADOVM_HOME/tornado-argfile -Dtornado.recover.bailout=False -Dvdiff.tornado.countTransfers=true \
//        -cp <tensor, diffusion, tornado, this> TransferCount [tiny|benchmark]
//
// tiny: the network of `vdiff train` with TINY settings (frames 2, 8x8, patch 2 -> 12 channels, 8/16 ch,
// 2 heads, 4 groups, emb 16), batch 2; benchmark: VideoUNetConfig.benchmark(), batch 2 of 8x4x32x32.
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.diffusion.unet.VideoUNetConfig;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.optim.AdamW;
import dev.vdiff.tensor.optim.Ema;
import dev.vdiff.tensor.optim.GradClip;
import dev.vdiff.tensor.random.Rng;
import dev.vdiff.tornado.Transfers;

import java.util.List;
import java.util.Locale;

public final class TransferCount {
    public static void main(String[] args) {
        if (!Transfers.counting()) throw new IllegalStateException("run with -Dvdiff.tornado.countTransfers=true");
        boolean tiny = args.length == 0 || args[0].equals("tiny");
        VideoUNetConfig cfg = tiny
            ? new VideoUNetConfig(2, 12, List.of(new VideoUNetConfig.Level(8, false, false), new VideoUNetConfig.Level(16, true, true)), 2, 8, 4, 1e-5, 6, 16, 16)
            : VideoUNetConfig.benchmark();
        int[] shape = tiny ? new int[] {2, 2, 12, 4, 4} : new int[] {2, 8, 4, 32, 32};
        Device device = Device.named("tornado");
        Rng rng = Rng.seed(0);
        VideoUNet model = new VideoUNet(cfg, DType.FLOAT32, rng.split(0));
        long paramBytes = 0;
        for (Tensor p : model.parameters()) {
            p.moveTo(device);
            paramBytes += 4L * p.numel();
        }
        System.out.printf(Locale.ROOT, "%s network, input %s, %,d parameter bytes, on %s%n", tiny ? "tiny" : "benchmark", java.util.Arrays.toString(shape), paramBytes, device.kernels().description());
        var params = model.namedParameters();
        AdamW opt = new AdamW(params, 1e-4);
        Ema ema = new Ema(params, 0.995);
        for (int step = 0; step < 4; step++) {
            Rng data = rng.split(1 + step);
            Tensor x = data.normal(DType.FLOAT32, shape), t = data.randint(0, 1000, 2), y = data.randint(0, cfg.numClasses(), 2);
            Tensor target = data.normal(DType.FLOAT32, shape);
            for (Tensor p : model.parameters()) p.zeroGrad();
            Transfers.Count before = Transfers.now();
            Tensor loss = Losses.mse(model.forward(x, t, y), target);
            loss.backward();
            Transfers.Count c = Transfers.now().minus(before);
            double l = loss.item();   // the loss comes home (lazy read-back: it may still be on the device)
            Transfers.Count withLoss = Transfers.now().minus(before);
            boolean hostOptimizer = step < 2;
            long onDevice = 0, onHost = 0;   // where the gradients' newest values are when the backward returns
            int nDevice = 0, nHost = 0;
            for (Tensor p : model.parameters()) {
                if (p.grad() == null) continue;
                long b = 4L * p.grad().numel();
                if (p.grad().isDense() && dev.vdiff.tensor.backend.HostCopy.isStale(p.grad().deviceFloats())) { onDevice += b; nDevice++; }
                else { onHost += b; nHost++; }
            }
            if (hostOptimizer) for (Tensor p : model.parameters()) if (p.grad() != null) p.grad().floats();   // as the host optimizer reads them
            Transfers.Count withGrads = Transfers.now().minus(before);
            System.out.printf(Locale.ROOT, "step %d (%s): loss %.6f; forward + loss + backward: host->device %,d bytes, device->host %,d bytes, total %,d bytes (%.1f x the parameters) in %d kernel-plan executions%n",
                step, step == 0 ? "compiles" : step == 2 ? "compiles the optimizer" : "counted", l, c.bytesIn(), c.bytesOut(), c.bytes(), c.bytes() / (double) paramBytes, c.launches());
            if (hostOptimizer) System.out.printf(Locale.ROOT, "  + the loss home: total %,d bytes; + the parameter gradients home for the host optimizer: host->device %,d, device->host %,d, total %,d bytes (%.1f x the parameters)%n",
                withLoss.bytes(), withGrads.bytesIn(), withGrads.bytesOut(), withGrads.bytes(), withGrads.bytes() / (double) paramBytes);
            else System.out.printf(Locale.ROOT, "  + the loss home: total %,d bytes (the gradients stay on the device: the optimizer runs there)%n", withLoss.bytes());
            if (hostOptimizer) for (Tensor p : params.values()) {   // the optimizer on the JVM: what it reads comes home
                p.moveTo(Device.JVM);
                if (p.grad() != null) p.grad().moveTo(Device.JVM);
            }
            GradClip.clipGradNorm(params.values(), 1.0);
            opt.step();
            ema.update(params);
            if (hostOptimizer) for (Tensor p : params.values()) p.moveTo(device);
            Transfers.Count whole = Transfers.now().minus(before);
            System.out.printf(Locale.ROOT, "  gradients after the backward: %d tensors (%,d B) newest on the device, %d (%,d B) on the host (a JVM op wrote them last)%n", nDevice, onDevice, nHost, onHost);
            System.out.printf(Locale.ROOT, "  whole step with clipping, AdamW and EMA on the %s: host->device %,d, device->host %,d, total %,d bytes (%.1f x the parameters) in %d kernel-plan executions%n",
                hostOptimizer ? "host" : "device", whole.bytesIn(), whole.bytesOut(), whole.bytes(), whole.bytes() / (double) paramBytes, whole.launches());
            if (step == 1 || step == 3) {
                for (var e : Transfers.takeReadBacks()) System.out.printf(Locale.ROOT, "  read back %,9d bytes in %3d copies for %s%n", e.getValue()[0], e.getValue()[1], e.getKey());
                for (var e : Transfers.takeUploads()) System.out.printf(Locale.ROOT, "  uploaded  %,9d bytes in %3d copies for %s%n", e.getValue()[0], e.getValue()[1], e.getKey());
            } else {
                Transfers.takeReadBacks();
                Transfers.takeUploads();
            }
        }
    }
}
