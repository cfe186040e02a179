/**
 * The toy reward models of T2V-Turbo-v2 in vdiff (issue 11): {@link dev.vdiff.reference.turbo.reward.FrameClassifier}
 * (image reward, the stand-in for HPSv2.1 / CLIPScore), {@link dev.vdiff.reference.turbo.reward.ClipClassifier}
 * (video reward, the stand-in for InternVideo2: class and motion of strided frames), their rewards
 * ({@link dev.vdiff.reference.turbo.reward.ClassifierRewards}) and their supervised training on clean synthetic
 * clips ({@link dev.vdiff.reference.turbo.reward.RewardModelTraining}).
 */
package dev.vdiff.reference.turbo.reward;
