package dev.vdiff.reference.train;

/** The loss became NaN or infinite: the run cannot continue (usually the learning rate is too high). */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(long step, double loss, double lr) {
        super("training diverged: the loss is " + loss + " at step " + step + " (learning rate " + lr + "); try a lower --lr or a gradient clip");
    }
}
