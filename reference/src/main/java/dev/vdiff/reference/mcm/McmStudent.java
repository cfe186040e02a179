package dev.vdiff.reference.mcm;

import dev.vdiff.diffusion.LcmBoundary;
import dev.vdiff.diffusion.NoiseSchedule;
import dev.vdiff.diffusion.sampling.LcmSampler;
import dev.vdiff.diffusion.unet.VideoUNet;
import dev.vdiff.reference.mcm.lora.LoraAdapters;
import dev.vdiff.reference.train.Denoiser;
import dev.vdiff.reference.train.Checkpoints;
import dev.vdiff.reference.train.JsonFields;
import dev.vdiff.reference.train.Models;
import dev.vdiff.reference.train.RunSpec;
import dev.vdiff.reference.train.SamplerSettings;
import dev.vdiff.reference.train.TrainConfig;
import dev.vdiff.reference.train.VideoSampler;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Json;
import dev.vdiff.tensor.io.Safetensors;
import dev.vdiff.tensor.random.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A distilled MCM student ready to sample ({@code vdiff sample --run DIR} on a {@code vdiff distill --method mcm}
 * folder, {@link McmStudentRun}): the teacher's UNet ({@code teacher.safetensors}) with the trained adapters of one
 * checkpoint <b>merged</b> into its weights, {@code W = W0 + (alpha / r) B A} (SPEC §4.5, {@link LoraAdapters#merge}),
 * or the whole trained student (LoRA rank 0). It is sampled as MCM samples it: LCM multistep (SPEC §1.5) with MCM's
 * boundary scalings ({@link LcmBoundary#MCM}, S = 4) on the distillation's grid, one network call per step and no
 * classifier-free second pass (the guidance omega ~ U[omega_min, omega_max] was distilled into the student, which has
 * no omega input, SPEC §4.2). The condition is the class label, as the student was trained (MCM refuses
 * caption-conditioned and unconditional teachers). The learned motion head and the discriminator only shape training.
 */
public final class McmStudent {
    private final McmRunSettings settings;
    private final Path checkpoint;
    private final long step;
    private final VideoUNet unet;

    private McmStudent(McmRunSettings settings, Path checkpoint, long step, VideoUNet unet) {
        this.settings = settings;
        this.checkpoint = checkpoint;
        this.step = step;
        this.unet = unet;
    }

    /** Whether {@code dir} is an MCM student run folder (holds {@code mcm.json}). */
    public static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve(McmRunSettings.FILE));
    }

    /**
     * The student of {@code dir} at checkpoint {@code step} (null: the newest). Bad input (no checkpoint, a missing
     * step, a checkpoint that does not fit the settings) is an {@link IllegalArgumentException} naming the file.
     */
    public static McmStudent load(Path dir, Long step) throws IOException {
        McmRunSettings s = McmRunSettings.fromJson(Json.parseObject(Files.readAllBytes(dir.resolve(McmRunSettings.FILE))));
        Path ckpt = McmStudentRun.checkpoint(dir, step);
        long at = JsonFields.longOf(Checkpoints.readState(ckpt), "step");
        Path own = ckpt.resolve(McmDistillation.STATE + ".safetensors");
        if (!Files.isRegularFile(own)) throw new IllegalArgumentException(ckpt + ": not an MCM checkpoint (no " + own.getFileName() + ")");
        Map<String, Tensor> state = Safetensors.read(own);
        VideoUNet unet = VideoUNet.load(Models.config(s.model()), Safetensors.read(dir.resolve(McmRunSettings.TEACHER_WEIGHTS)), DType.FLOAT32);
        McmConfig config = s.config();
        if (config.lora() != null) {
            // A is overwritten by the checkpoint's values: the draw only sizes the adapters.
            LoraAdapters lora = LoraAdapters.attach(unet, config.lora(), Rng.seed(0));
            lora.load(part(state, "trainable.lora."), own.toString());
            lora.merge();
        } else {
            unet.loadStateDict(Checkpoints.modelWeights(ckpt));   // the whole student was trained: the trainer's model weights
        }
        return new McmStudent(s, ckpt, at, unet);
    }

    private static Map<String, Tensor> part(Map<String, Tensor> state, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : state.entrySet()) if (e.getKey().startsWith(prefix)) out.put(e.getKey().substring(prefix.length()), e.getValue());
        return out;
    }

    public McmRunSettings settings() {
        return settings;
    }

    /** The checkpoint folder the weights come from. */
    public Path checkpoint() {
        return checkpoint;
    }

    /** Optimizer steps the checkpoint was taken after. */
    public long step() {
        return step;
    }

    /** The student UNet (LoRA merged) as a class-conditioned denoiser predicting what its teacher predicts (eps or v). */
    public Denoiser denoiser() {
        return Models.wrap(unet);
    }

    /**
     * The student's network and data as {@code vdiff sample} reads a run: the teacher's model sizes and clips, its
     * objective (eps or v) and noise schedule. An MCM run keeps its own step schedule in {@code mcm.json}; {@code train}
     * here is the default and means nothing.
     */
    public RunSpec runSpec() {
        return new RunSpec(settings.model(), settings.data(), settings.objective(), settings.noise(), TrainConfig.defaults(), Map.of());
    }

    /** LCM multistep with MCM's boundary (S = 4) over {@code Timesteps.lcm(steps, grid points, 1000)}: no CFG pass. */
    public VideoSampler sampler() {
        int grid = settings.config().mcd().gridPoints();
        NoiseSchedule schedule = settings.noise().schedule();   // the teacher's (SPEC §1.1, or rescaled to zero terminal SNR)
        return new VideoSampler() {
            @Override
            public void check(SamplerSettings s) {
                if (s.kind() != SamplerSettings.Kind.LCM) throw new IllegalArgumentException("an MCM student is sampled with the lcm sampler, not " + s.kind().cliName());
                if (s.guidance() != 1) throw new IllegalArgumentException("an MCM student runs no classifier-free guidance pass (omega was distilled into it); leave the guidance at 1");
                if (s.steps() > grid) throw new IllegalArgumentException("an MCM student distilled on a " + grid + "-point grid samples with at most " + grid + " steps, got " + s.steps());
            }

            @Override
            public Tensor sample(Network net, Tensor noise, Tensor y, SamplerSettings s, Rng rng) {
                return new LcmSampler(schedule, LcmBoundary.MCM, s.steps(), grid).sample(net.denoiser(), noise, y, rng);
            }

            @Override
            public String describe() {
                return "MCM student (LoRA " + (settings.loraRank() == 0 ? "off" : "rank " + settings.loraRank() + ", merged") + "), LCM boundary S = 4, " + grid + "-point grid";
            }
        };
    }
}
