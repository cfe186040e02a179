/**
 * Evaluators of T2V-Turbo-v2's ops of the oracle papers suite ({@code shared/oracle/papers/PAPERS.md} §3.1-3.5),
 * one class per op, shaped like verification's {@code OpEvaluator} so that {@code vdiff verify} can register them
 * ({@link dev.vdiff.reference.turbo.oracle.OracleOp#turbo()} lists them).
 */
package dev.vdiff.reference.turbo.oracle;
