/**
 * {@code vdiff demo}: train, sample and measure a small video diffusion model on the built-in synthetic data,
 * and write a report ({@link dev.vdiff.reference.demo.Demo}, {@link dev.vdiff.reference.demo.DemoConfig}).
 */
package dev.vdiff.reference.demo;
