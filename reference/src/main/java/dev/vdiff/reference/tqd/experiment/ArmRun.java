package dev.vdiff.reference.tqd.experiment;

import java.util.List;

/**
 * What one training run of one arm measured (EMA weights).
 *
 * @param arm            "uniform" or "tqd"
 * @param seed           training seed
 * @param losses         training loss per step
 * @param bucketLoss     held-out loss per timestep bucket ({@link HeldOutLoss})
 * @param sampleQuality  Fréchet clip-feature distance of generated videos to the held-out golden clips
 * @param sampleMq       mean raw motion quality of the generated videos (our MQ scorer, SPEC §2.1)
 * @param sampleVq       mean raw visual quality of the generated videos
 * @param dataPosition   candidates consumed (kept + rejected by quality dropout)
 * @param clipsTrained   clips used in training (steps x batch)
 * @param trainSeconds   training time
 */
public record ArmRun(String arm, int seed, List<Double> losses, double[] bucketLoss, double sampleQuality, double sampleMq, double sampleVq,
                     long dataPosition, long clipsTrained, double trainSeconds) {
    /** Mean over buckets. */
    public double meanBucketLoss() {
        double s = 0;
        for (double x : bucketLoss) s += x;
        return s / bucketLoss.length;
    }

    /** Mean training loss of the last {@code min(50, steps/5)} steps. */
    public double finalTrainLoss() {
        int w = Math.max(1, Math.min(50, losses.size() / 5));
        double s = 0;
        for (int i = losses.size() - w; i < losses.size(); i++) s += losses.get(i);
        return s / w;
    }
}
