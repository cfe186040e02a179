package dev.vdiff.reference.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three model-level benchmarks of {@code shared/bench/tiny_video_unet.md} ({@code unet_train_step},
 * {@code unet_forward}, {@code unet_sample_ddim16_cfg}). They need the video UNet of the diffusion module.
 */
final class ModelWorkloads {
    private ModelWorkloads() {}

    static final long FORWARD_FLOP = 28_421_586_944L;
    static final long PARAM_COUNT = 2_369_220L;

    static List<Workload> all() {
        return List.of();
    }

    static Map<String, Object> modelInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "tiny_video_unet_v1");
        m.put("input_shape", List.of(2, 8, 4, 32, 32));
        m.put("param_count", null);
        m.put("forward_flop", null);
        return m;
    }
}
