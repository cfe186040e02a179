package dev.vdiff.reference.train;

import dev.vdiff.reference.data.Clip;
import dev.vdiff.reference.data.VideoDataset;
import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captions as a real condition: a tiny caption-conditioned UNet (text encoder + cross-attention, {@link CaptionSpec})
 * trained for a few seconds on clips whose only content is the colour their caption names. The judge is independent
 * of the model: a video's mean value per channel (red, green, blue).
 *
 * <p>The comparison is paired: every caption is sampled from the same four starting noises, so what differs
 * between the videos of one noise is only the caption. For each noise and each colour, the caption that makes that
 * colour's channel largest is the colour's own caption in far more than the 1 in 3 of chance (a network that
 * ignored its caption would give the same video for all three); and each sample's largest channel is its caption's
 * colour. Measured (80 steps, seed 0): 12 of 12 both ways.
 *
 * <p>The run uses v-prediction: the caption decides the colour at high noise, where the epsilon-prediction loss
 * hardly depends on the clean video (the target is almost the input), so an epsilon run of this length learns to
 * read the colour from the noisy input instead (120 steps: 6 of 12 paired, measured) while the v target
 * ({@code a eps - s x0}) is mostly {@code -x0} there and rewards the caption from the first steps.
 */
class CaptionConditioningTest {
    static final String[] COLOURS = {"red", "green", "blue"};

    /** Clip i: a whole video of colour i mod 3 (that channel at +0.8, the others at -0.8), captioned "a COLOUR video". */
    record Solid(int frames, int height, int width) implements VideoDataset {
        @Override
        public Clip clip(long index) {
            int c = (int) (index % 3);
            float[] v = new float[frames * 3 * height * width];
            int plane = height * width;
            for (int f = 0; f < frames; f++) {
                for (int ch = 0; ch < 3; ch++) java.util.Arrays.fill(v, (f * 3 + ch) * plane, (f * 3 + ch + 1) * plane, ch == c ? 0.8f : -0.8f);
            }
            return new Clip(Tensor.of(v, frames, 3, height, width), -1, caption(index), null);
        }

        @Override
        public String caption(long index) {
            return "a " + COLOURS[(int) (index % 3)] + " video";
        }

        @Override
        public long size() {
            return 30;
        }
    }

    @Test
    void samplesFollowTheirCaptionFarBetterThanChance() throws Exception {
        Solid data = new Solid(2, 8, 8);
        ModelSpec m = new ModelSpec(2, 3, 2, 8, 16, 2, 4, 0, 16, 16, false);
        TrainConfig t = new TrainConfig(80, 6, 3e-3, 10, 0.0, 1.0, 0.9, 0.15, 0, 30, 0, 1);
        DataSpec d = new DataSpec("toy", 2, 8, 8, 0, 0, 0, 0, 0, List.of(), false, 1);
        RunSpec run = CaptionSpec.into(new RunSpec(m, d, Objective.V, t), CaptionSpec.fromData(data, 30));
        CaptionSpec c = CaptionSpec.of(run);
        assertNotNull(c);
        assertEquals(List.of("<pad>", "<unk>", "<start>", "a", "blue", "green", "red", "video"), c.tokenizer().words());
        assertEquals(4, c.tokenizer().maxLength());

        Denoiser model = Models.build(run, DType.FLOAT32, Rng.seed(0).split(Trainer.MODEL_INIT));
        assertNotNull(model.tokenizer());
        Trainer tr = new Trainer(model, data, t, Objective.V, run.schedule(), TimestepSampler.uniform(1000));
        tr.run(t.steps(), null, null);

        // means[caption][noise][channel]
        int noises = 4;
        double[][][] means = new double[3][noises][];
        VideoGenerator gen = new VideoGenerator(model, Objective.V, run.schedule(), SamplerSettings.ddim(10, 3.0), noises);
        for (int k = 0; k < 3; k++) {
            List<String> prompts = Collections.nCopies(noises, "a " + COLOURS[k] + " video");
            List<Tensor> videos = tr.withEmaWeights(() -> gen.generateCaptioned(prompts, 2, 3, 8, 8, Rng.seed(7), null));   // same noises for every caption
            for (int j = 0; j < noises; j++) means[k][j] = channelMeans(videos.get(j));
        }
        int right = 0;
        StringBuilder seen = new StringBuilder();
        for (int j = 0; j < noises; j++) {
            for (int ch = 0; ch < 3; ch++) {
                int best = 0;
                for (int k = 1; k < 3; k++) if (means[k][j][ch] > means[best][j][ch]) best = k;
                if (best == ch) right++;
                seen.append(String.format("noise %d %s channel: largest with '%s'; ", j, COLOURS[ch], COLOURS[best]));
            }
        }
        // Chance is 1 in 3 per comparison: P(at least 10 of 12 right by chance) = 0.0005.
        assertTrue(right >= 10, "comparisons won by the colour's own caption: " + right + " of 12: " + seen);
        // And unpaired: the colour a sample shows is its caption's (measured: 12 of 12).
        int dominant = 0;
        for (int k = 0; k < 3; k++) for (int j = 0; j < noises; j++) if (argmax(means[k][j]) == k) dominant++;
        assertTrue(dominant >= 10, "samples whose largest channel is their caption's colour: " + dominant + " of 12");
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /** The mean of each channel over a video {@code [F, 3, H, W]}. */
    static double[] channelMeans(Tensor video) {
        float[] v = video.contiguous().floats();
        int f = video.shape(0), plane = video.shape(2) * video.shape(3);
        double[] mean = new double[3];
        for (int k = 0; k < f; k++) for (int ch = 0; ch < 3; ch++) for (int p = 0; p < plane; p++) mean[ch] += v[(k * 3 + ch) * plane + p] / (double) (f * plane);
        return mean;
    }
}
