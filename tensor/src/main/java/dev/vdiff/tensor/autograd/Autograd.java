package dev.vdiff.tensor.autograd;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode autodiff on a dynamic graph (the micrograd design, over tensors).
 *
 * <p>Each op that has an input requiring a gradient attaches a {@link Node} to its output with a
 * {@link BackwardFn}. {@link #backward} orders the graph topologically, walks it from the output to the
 * leaves, sums the gradients that reach a tensor along several paths, and accumulates the result into each
 * leaf's {@link Tensor#grad()}. Nodes are freed as they are visited, so a second backward through the same
 * graph is an error (as in PyTorch without {@code retain_graph}).
 */
public final class Autograd {
    private Autograd() {}

    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    /** A scope in which ops record nothing: {@code try (var s = Autograd.noGrad()) { ... }}. */
    public static final class Scope implements AutoCloseable {
        private boolean closed;

        private Scope() {
            NO_GRAD_DEPTH.get()[0]++;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                NO_GRAD_DEPTH.get()[0]--;
            }
        }
    }

    public static Scope noGrad() {
        return new Scope();
    }

    /** True unless inside a {@link #noGrad()} scope on this thread. */
    public static boolean enabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    /**
     * Attaches {@code fn} to {@code out} when recording is on and some input requires a gradient.
     * Returns {@code out}, so that an op can end with {@code return Autograd.record(out, "op", fn, a, b);}.
     */
    public static Tensor record(Tensor out, String op, BackwardFn fn, Tensor... inputs) {
        if (out.device().isJvm()) out.moveTo(Device.of(inputs));   // outputs live where their inputs do
        if (!enabled()) return out;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                out.attach(new Node(op, inputs.clone(), fn));
                return out;
            }
        }
        return out;
    }

    /** Backward from {@code root}; {@code upstream} null means 1 for a one-element root. */
    public static void backward(Tensor root, Tensor upstream) {
        if (!root.requiresGrad()) throw new IllegalStateException("backward() on a tensor that does not require a gradient (no input of its graph has requiresGrad(true))");
        if (upstream == null) {
            if (root.numel() != 1) throw new IllegalArgumentException("backward() without an upstream gradient needs a one-element tensor, got shape " + Shape.str(root.shape()));
            upstream = Tensor.ones(root.dtype(), root.shape());
        }
        checkGrad("upstream gradient", root, upstream);
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, upstream.contiguous());
        try (Scope s = noGrad()) {
            for (int k = order.size() - 1; k >= 0; k--) {
                Tensor t = order.get(k);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                Node node = t.node();
                if (node == null) {
                    if (t.requiresGrad()) t.setGrad(t.grad() == null ? g.copy() : add(t.grad(), g));
                    continue;
                }
                Tensor[] in = node.inputs();
                Tensor[] gi = node.fn().apply(g);
                if (gi.length != in.length) throw new IllegalStateException("backward of '" + node.op() + "' returned " + gi.length + " gradients for " + in.length + " inputs");
                for (int i = 0; i < in.length; i++) {
                    if (gi[i] == null || in[i] == null || !in[i].requiresGrad()) continue;
                    checkGrad("gradient from '" + node.op() + "' for input " + i, in[i], gi[i]);
                    Tensor prev = grads.get(in[i]);
                    grads.put(in[i], prev == null ? gi[i].contiguous() : add(prev, gi[i]));
                }
                node.release();
                t.attach(null);
            }
        }
    }

    private static void checkGrad(String what, Tensor t, Tensor g) {
        if (!Arrays.equals(t.shape(), g.shape()) || t.dtype() != g.dtype()) {
            throw new IllegalArgumentException(what + " is " + g.dtype() + Shape.str(g.shape()) + " but the tensor is " + t.dtype() + Shape.str(t.shape()));
        }
    }

    /** Post-order DFS without recursion (graphs of a UNet are thousands of nodes deep). */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Tensor t = (Tensor) top[0];
            int next = (Integer) top[1];
            Tensor[] in = t.node() == null ? new Tensor[0] : t.node().inputs();
            if (next < in.length) {
                top[1] = next + 1;
                Tensor c = in[next];
                if (c != null && c.requiresGrad() && seen.put(c, Boolean.TRUE) == null) stack.push(new Object[] {c, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }

    /** A fresh dense sum of two gradients of the same shape (never writes into either). */
    private static Tensor add(Tensor a, Tensor b) {
        a = a.contiguous();
        b = b.contiguous();
        int n = a.numel();
        if (a.dtype() == DType.FLOAT32) {
            float[] x = a.floats(), y = b.floats(), z = new float[n];
            for (int i = 0; i < n; i++) z[i] = x[i] + y[i];
            return Tensor.of(z, a.shape());
        }
        double[] x = a.doubles(), y = b.doubles(), z = new double[n];
        for (int i = 0; i < n; i++) z[i] = x[i] + y[i];
        return Tensor.of(z, a.shape());
    }
}
