package dev.vdiff.diffusion;

import dev.vdiff.tensor.Tensor;

/**
 * A rectified-flow network (SPEC §1.6): predicts the velocity {@code v = eps - x0} of the straight path
 * {@code x_sigma = (1 - sigma) x0 + sigma eps} at noise level {@code sigma} (0 = data, 1 = noise).
 *
 * <table>
 *   <caption>Arguments</caption>
 *   <tr><th>argument</th><th>shape / dtype</th><th>meaning</th></tr>
 *   <tr><td>{@code x}</td><td>{@code [B, ...]} float32 or float64</td><td>the sample x_sigma</td></tr>
 *   <tr><td>{@code t}</td><td>{@code [B]}, dtype of {@code x}</td><td>model timestep, {@code 1000 sigma} by
 *       default (Pyramid Flow's convention; {@link dev.vdiff.diffusion.sampling.FlowEulerSampler})</td></tr>
 *   <tr><td>{@code cond}</td><td>int64 {@code [B]} labels, or null</td><td>the condition</td></tr>
 * </table>
 * It is a separate type from {@link Denoiser} because its time is continuous and its output is not one of the
 * eps/x0/v parameterisations of a discrete DDPM schedule.
 */
@FunctionalInterface
public interface VelocityModel {
    /** The predicted velocity {@code eps - x0}, shape and dtype of {@code x}. */
    Tensor velocity(Tensor x, Tensor t, Tensor cond);
}
