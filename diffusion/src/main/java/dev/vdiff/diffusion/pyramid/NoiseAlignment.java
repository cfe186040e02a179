package dev.vdiff.diffusion.pyramid;

import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import org.jgrapht.Graph;
import org.jgrapht.alg.interfaces.MatchingAlgorithm;
import org.jgrapht.alg.matching.KuhnMunkresMinimalWeightBipartitePerfectMatching;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Data-noise alignment (SPEC §5.4; TPDiff Algorithm 1, after Immiscible Diffusion, IMM-CODE): within a training
 * batch, hand each clean sample the noise draw closest to it, by solving the linear assignment problem that
 * minimises the total L2 distance. The aligned noises are a permutation of iid N(0, I) draws, so each is still
 * marginally N(0, I), but the per-sample ODE path becomes nearly deterministic (SPEC §5.4).
 *
 * <table>
 *   <caption>Notation (SPEC §5.4)</caption>
 *   <tr><th>here</th><th>SPEC / TPDiff Alg. 1</th><th>IMM-CODE</th><th>meaning</th></tr>
 *   <tr><td>{@code data[i]}</td><td>x^(i)</td><td>{@code latents}</td><td>clean sample i, {@code [B, ...]}</td></tr>
 *   <tr><td>{@code noise[j]}</td><td>eps^(j)</td><td>{@code noise}</td><td>noise draw j, same shape</td></tr>
 *   <tr><td>{@code cost[i][j]}</td><td>C[i, j] = ||x^(i) - eps^(j)||_2</td><td>{@code cdist(0.1 x, 0.1 eps)}</td>
 *       <td>the 0.1 and fp16 of IMM-CODE only guard overflow: plain L2 here, accumulated in double</td></tr>
 *   <tr><td>{@code assignment[i]}</td><td>pi(i)</td><td>{@code linear_sum_assignment(...)[1]}</td><td>the noise
 *       index given to sample i</td></tr>
 *   <tr><td>{@code align(...)[i]}</td><td>eps'^(i) = eps^(pi(i))</td><td>{@code noise[assign]}</td><td>aligned noise</td></tr>
 * </table>
 *
 * <p>The assignment is solved exactly (Kuhn-Munkres / Hungarian algorithm, JGraphT's
 * {@link KuhnMunkresMinimalWeightBipartitePerfectMatching}), as {@code scipy.optimize.linear_sum_assignment} in
 * IMM-CODE; a greedy nearest-neighbour loop would not minimise the total. {@code O(B^3)} time, trivial for the
 * batch sizes of training.
 *
 * <pre>{@code
 * Tensor eps = rng.normal(DType.FLOAT32, x0.shape());
 * Tensor aligned = NoiseAlignment.align(x0, eps, NoiseAlignment.Mode.LINEAR_ASSIGNMENT);
 * // aligned[i] = eps[pi(i)], with sum_i ||x0[i] - aligned[i]|| minimal over all permutations pi
 * }</pre>
 */
public final class NoiseAlignment {
    private NoiseAlignment() {}

    /** Whether training aligns noise to data (TPDiff ablation, Tab. 3: "w/o alignment"). */
    public enum Mode {
        /** Minimum-total-L2 assignment of the batch's noise draws to its samples (TPDiff Alg. 1; the default). */
        LINEAR_ASSIGNMENT,
        /** No alignment: sample i keeps noise draw i (vanilla diffusion training; the paper's ablation). */
        OFF
    }

    /** The noise for each sample under {@code mode}: {@code noise[pi(i)]}, or {@code noise} itself when off. Not differentiable. */
    public static Tensor align(Tensor data, Tensor noise, Mode mode) {
        if (mode == null) throw new IllegalArgumentException("NoiseAlignment: no mode given");
        checkShapes(data, noise);
        if (mode == Mode.OFF || data.shape(0) == 1) return noise;
        return permute(noise, assignment(costMatrix(data, noise)));
    }

    /** {@code C[i][j] = ||data[i] - noise[j]||_2} over all elements of each sample, in double. */
    public static double[][] costMatrix(Tensor data, Tensor noise) {
        checkShapes(data, noise);
        int b = data.shape(0), n = data.numel() / b;
        double[] x = data.contiguous().toDoubleArray(), e = noise.contiguous().toDoubleArray();
        double[][] cost = new double[b][b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    double d = x[i * n + k] - e[j * n + k];
                    sum += d * d;
                }
                cost[i][j] = Math.sqrt(sum);
            }
        }
        return cost;
    }

    /**
     * The permutation {@code pi} minimising {@code sum_i cost[i][pi(i)]} for a square cost matrix (rows =
     * samples, columns = noises), by Kuhn-Munkres on the complete bipartite graph.
     */
    public static int[] assignment(double[][] cost) {
        int b = cost.length;
        for (double[] row : cost) {
            if (row.length != b) throw new IllegalArgumentException("NoiseAlignment.assignment: cost matrix must be square, got " + b + " rows and a row of " + row.length);
            for (double c : row) if (!Double.isFinite(c)) throw new IllegalArgumentException("NoiseAlignment.assignment: cost " + c + " is not finite");
        }
        if (b == 0) return new int[0];
        if (b == 1) return new int[] {0};
        // Vertices 0..B-1 are the samples, B..2B-1 the noises; every pair is an edge weighted by its cost.
        Graph<Integer, DefaultWeightedEdge> graph = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        Set<Integer> samples = new LinkedHashSet<>(), noises = new LinkedHashSet<>();
        for (int i = 0; i < b; i++) {
            graph.addVertex(i);
            graph.addVertex(b + i);
            samples.add(i);
            noises.add(b + i);
        }
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) graph.setEdgeWeight(graph.addEdge(i, b + j), cost[i][j]);
        }
        MatchingAlgorithm.Matching<Integer, DefaultWeightedEdge> matching =
            new KuhnMunkresMinimalWeightBipartitePerfectMatching<>(graph, samples, noises).getMatching();
        int[] pi = new int[b];
        Arrays.fill(pi, -1);
        for (DefaultWeightedEdge edge : matching.getEdges()) {
            int u = graph.getEdgeSource(edge), v = graph.getEdgeTarget(edge);
            int sample = Math.min(u, v), noise = Math.max(u, v) - b;
            pi[sample] = noise;
        }
        for (int i = 0; i < b; i++) {
            if (pi[i] < 0) throw new IllegalStateException("NoiseAlignment: the matching left sample " + i + " unmatched");
        }
        return pi;
    }

    /** {@code sum_i cost[i][pi[i]]}: the total distance of an assignment. */
    public static double totalCost(double[][] cost, int[] pi) {
        double total = 0;
        for (int i = 0; i < pi.length; i++) total += cost[i][pi[i]];
        return total;
    }

    /** {@code out[i] = x[pi[i]]} along the batch axis (a dense copy). */
    public static Tensor permute(Tensor x, int[] pi) {
        int b = x.shape(0);
        if (pi.length != b) throw new IllegalArgumentException("NoiseAlignment.permute: " + pi.length + " indices for a batch of " + b);
        int n = x.numel() / b;
        Tensor src = x.contiguous();
        Tensor out = Tensor.zeros(x.dtype(), x.shape());
        Object from = src.storage(), to = out.storage();
        for (int i = 0; i < b; i++) {
            if (pi[i] < 0 || pi[i] >= b) throw new IllegalArgumentException("NoiseAlignment.permute: index " + pi[i] + " outside 0.." + (b - 1));
            System.arraycopy(from, src.offset() + pi[i] * n, to, i * n, n);
        }
        return out;
    }

    private static void checkShapes(Tensor data, Tensor noise) {
        if (data == null || noise == null || !Arrays.equals(data.shape(), noise.shape()) || data.rank() < 1 || data.numel() == 0) {
            throw new IllegalArgumentException("NoiseAlignment: data " + describe(data) + " and noise " + describe(noise)
                + " must be non-empty batches [B, ...] of one shape");
        }
    }

    private static String describe(Tensor t) {
        return t == null ? "null" : t.dtype() + Shape.str(t.shape());
    }
}
