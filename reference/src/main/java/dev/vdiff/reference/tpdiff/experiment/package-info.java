/**
 * {@code vdiff experiment tpdiff}: vanilla vs TPDiff temporal-pyramid training and sampling of one small video
 * UNet, timed in alternation on one machine, with the demo's sample-quality metric (SPEC §5; TPDiff Tab. 1).
 */
package dev.vdiff.reference.tpdiff.experiment;
