package dev.vdiff.tensor.autograd;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.OnDevice;
import dev.vdiff.tensor.Shape;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.backend.Device;
import dev.vdiff.tensor.kernels.StridedKernels;
import dev.vdiff.tensor.parallel.Parallel;

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
        OpProfile.forwardOp(op);   // the op has computed out: charge it the time since the previous mark
        if (out.device().isJvm()) out.moveTo(Tensor.deviceOf(inputs));   // outputs live where their inputs do
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
        OpProfile.mark("fwd.glue");   // what ran after the last recorded op (the caller's code, loss.item() ...)
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, onDeviceOf(root, upstream.contiguous()));
        LeafGrads leaves = new LeafGrads(grads.get(root), order);
        // Sums this pass made and has not handed to anyone yet: a further gradient for the same tensor is added
        // into them in place (same bits as a fresh sum, no allocation). A sum leaves the set when it is taken
        // out to be propagated, since a backward function may pass it on as it is (to several inputs).
        Map<Tensor, Boolean> ownSums = new IdentityHashMap<>();
        OpProfile.mark("bwd.engine");
        try (Scope s = noGrad()) {
            for (int k = order.size() - 1; k >= 0; k--) {
                Tensor t = order.get(k);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                ownSums.remove(g);
                Node node = t.node();
                if (node == null) {
                    if (t.requiresGrad()) t.setGrad(t.grad() == null ? leaves.adopt(g, grads.values()) : add(t.grad(), g));
                    OpProfile.mark("bwd.leaf_grad");
                    continue;
                }
                Tensor[] in = node.inputs();
                OpProfile.mark("bwd.engine");
                OpProfile.backwardFn(true);
                Tensor[] gi = node.fn().apply(g);
                OpProfile.backwardFn(false);
                OpProfile.mark("bwd", node.op());
                if (gi.length != in.length) throw new IllegalStateException("backward of '" + node.op() + "' returned " + gi.length + " gradients for " + in.length + " inputs");
                for (int i = 0; i < in.length; i++) {
                    if (gi[i] == null || in[i] == null || !in[i].requiresGrad()) continue;
                    checkGrad("gradient from '" + node.op() + "' for input " + i, in[i], gi[i]);
                    gi[i] = onDeviceOf(in[i], gi[i]);
                    Tensor prev = grads.get(in[i]);
                    if (prev == null) {
                        grads.put(in[i], gi[i].contiguous());
                    } else if (ownSums.containsKey(prev)) {
                        OpProfile.mark("bwd.accumulate");
                        addInto(prev, gi[i]);
                        OpProfile.mark("bwd.accumulate.add_into");
                    } else {
                        OpProfile.mark("bwd.accumulate");
                        Tensor sum = add(prev, gi[i]);
                        OpProfile.mark("bwd.accumulate.add_new");
                        ownSums.put(sum, Boolean.TRUE);
                        grads.put(in[i], sum);
                    }
                }
                node.release();
                t.attach(null);
                OpProfile.mark("bwd.accumulate");
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

    /** Elements per chunk of the gradient sums' parallel loops. */
    private static final int ADD_GRAIN = 1 << 15;

    /**
     * A gradient {@code g} for tensor {@code t}, on t's device (as in PyTorch, where a gradient lives where its tensor
     * does): backward functions make their results with {@code Tensor.zeros}/{@code of}, which are on the JVM device,
     * even when a device kernel wrote them; the sums and copies the engine makes of them then run on t's device. On the
     * JVM device nothing changes.
     */
    private static Tensor onDeviceOf(Tensor t, Tensor g) {
        if (t.device().isJvm() || !g.device().isJvm()) return g;
        return g.detach().moveTo(t.device());   // a new handle on the same storage (g itself may be someone else's)
    }

    /** A fresh dense sum of two gradients of the same shape (never writes into either). */
    private static Tensor add(Tensor a, Tensor b) {
        Device d = OnDevice.of(a, b);   // float32 on a device: summed there, same bits (one float add per element)
        if (d != null) return OnDevice.binary(d, StridedKernels.Op.ADD, a, b, a.shape(), 0f);
        a = a.contiguous();
        b = b.contiguous();
        int n = a.numel();
        if (a.dtype() == DType.FLOAT32) {
            float[] x = a.floats(), y = b.floats(), z = new float[n];
            Parallel.forRange(n, ADD_GRAIN, (lo, hi) -> {
                for (int i = lo; i < hi; i++) z[i] = x[i] + y[i];
            });
            return Tensor.of(z, a.shape());
        }
        double[] x = a.doubles(), y = b.doubles(), z = new double[n];
        Parallel.forRange(n, ADD_GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) z[i] = x[i] + y[i];
        });
        return Tensor.of(z, a.shape());
    }

    /** {@code sum += b} for a dense sum this pass owns: the same bits as {@link #add}{@code (sum, b)}. */
    private static void addInto(Tensor sum, Tensor b) {
        Device d = OnDevice.of(sum, b);
        if (d != null) {
            OnDevice.addInto(d, sum, b);
            return;
        }
        b = b.contiguous();
        int n = sum.numel();
        if (sum.dtype() == DType.FLOAT32) {
            float[] x = sum.floats(), y = b.floats();
            Parallel.forRange(n, ADD_GRAIN, (lo, hi) -> {
                for (int i = lo; i < hi; i++) x[i] += y[i];
            });
            return;
        }
        double[] x = sum.doubles(), y = b.doubles();
        Parallel.forRange(n, ADD_GRAIN, (lo, hi) -> {
            for (int i = lo; i < hi; i++) x[i] += y[i];
        });
    }

    // ================================================================ gradients of gradients (create_graph)

    /**
     * As {@link #record}, for an op whose backward {@code fn} is itself written with recorded ops (views,
     * concatenation): under {@link #grad} with {@code createGraph} the same function builds a differentiable
     * gradient, so it serves as its own second-order form.
     */
    public static Tensor recordComposite(Tensor out, String op, BackwardFn fn, Tensor... inputs) {
        return withSecondOrder(record(out, op, fn, inputs), fn);
    }

    /**
     * Gives the op that just produced {@code out} its differentiable backward {@code fn}: the same
     * vector-Jacobian product as the recorded one, written with recorded ops on the op's original (not
     * detached) inputs, so that {@link #grad} with {@code createGraph} returns a gradient that can itself be
     * differentiated. No-op when nothing was recorded (recording off, or no input needs a gradient) or
     * {@code fn} is null. Returns {@code out}.
     */
    public static Tensor withSecondOrder(Tensor out, BackwardFn fn) {
        Node n = out.node();
        if (n != null && fn != null) n.setSecondOrder(fn);
        return out;
    }

    /** {@code d output / d inputs} of a one-element {@code output} (upstream 1); see {@link #grad(Tensor[], Tensor[], Tensor[], boolean)}. */
    public static Tensor[] grad(Tensor output, Tensor[] inputs, boolean createGraph) {
        return grad(new Tensor[] {output}, null, inputs, createGraph);
    }

    /**
     * The vector-Jacobian products {@code dL/d inputs[i]} of {@code L = sum_o sum(outputs[o] * upstream[o])}
     * (PyTorch's {@code torch.autograd.grad}). Unlike {@link #backward} it accumulates nothing into
     * {@link Tensor#grad()} and frees nothing (the graph stays usable, PyTorch's {@code retain_graph=True}).
     * An input the outputs do not depend on gets zeros. {@code upstream} null (or a null entry) means 1 for a
     * one-element output. Inputs may be leaves or results of ops.
     *
     * <p>{@code createGraph = false}: the ordinary backward functions run without recording (bit for bit the
     * values {@link #backward} would accumulate). {@code createGraph = true}: every op between the outputs
     * and the inputs runs its differentiable backward ({@link #withSecondOrder}) with recording on, so the
     * returned gradients are functions of the inputs and parameters that {@link #backward} or another
     * {@code grad} can differentiate again: gradient penalties ({@code ||grad_x D(x)||^2}) need this. An op
     * on the path without a differentiable backward is an error naming the op, never a silent zero.
     *
     * <pre>{@code
     * Tensor x = Tensor.of(new double[] {3}, 1).requiresGrad(true);
     * Tensor y = Reductions.sumAll(Pointwise.pow(x, 3));               // x^3
     * Tensor dy = Autograd.grad(y, new Tensor[] {x}, true)[0];          // 3 x^2 = 27, differentiable
     * Autograd.grad(Reductions.sumAll(dy), new Tensor[] {x}, false)[0]; // 6 x = 18
     * }</pre>
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] upstream, Tensor[] inputs, boolean createGraph) {
        if (createGraph && !enabled()) throw new IllegalStateException("grad(createGraph = true) inside a noGrad() scope: the gradient's graph cannot be recorded there");
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        for (int o = 0; o < outputs.length; o++) {
            Tensor out = outputs[o];
            if (!out.requiresGrad()) throw new IllegalArgumentException("grad(): output " + o + " " + Shape.str(out.shape()) + " does not depend on any tensor that requires a gradient");
            Tensor u = upstream == null ? null : upstream[o];
            if (u == null) {
                if (out.numel() != 1) throw new IllegalArgumentException("grad(): output " + o + " has shape " + Shape.str(out.shape()) + "; give an upstream gradient for outputs with more than one element");
                u = Tensor.ones(out.dtype(), out.shape());
            }
            checkGrad("upstream gradient of output " + o, out, u);
            Tensor prev = grads.get(out);
            grads.put(out, prev == null ? u.contiguous() : accumulate(prev, u.contiguous(), createGraph));
        }
        Map<Tensor, Boolean> wanted = new IdentityHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            if (!inputs[i].requiresGrad()) throw new IllegalArgumentException("grad(): input " + i + " " + Shape.str(inputs[i].shape()) + " does not require a gradient");
            wanted.put(inputs[i], Boolean.TRUE);
        }
        List<Tensor> order = topologicalOrderOf(outputs);
        // A tensor is on a path to an input when it is an input or one of its op's inputs is; order lists
        // the inputs of each op before the op's output.
        Map<Tensor, Boolean> needed = new IdentityHashMap<>();
        for (Tensor t : order) {
            boolean on = wanted.containsKey(t);
            if (!on && t.node() != null) for (Tensor c : t.node().inputs()) if (c != null && needed.containsKey(c)) { on = true; break; }
            if (on) needed.put(t, Boolean.TRUE);
        }
        Scope scope = createGraph ? null : noGrad();
        try {
            for (int k = order.size() - 1; k >= 0; k--) {
                Tensor t = order.get(k);
                Node node = t.node();
                Tensor g = grads.get(t);
                if (g == null || node == null || !needed.containsKey(t)) continue;
                if (!wanted.containsKey(t)) grads.remove(t);
                BackwardFn fn = createGraph ? node.secondOrder() : node.fn();
                if (fn == null) {
                    throw new UnsupportedOperationException("grad(createGraph = true): op '" + node.op() + "' has no differentiable backward, so its gradient cannot be differentiated again (gradients of gradients are supported for arithmetic, pointwise functions, reductions, views, matmul/linear, convolution, normalisation and leaky ReLU)");
                }
                Tensor[] in = node.inputs();
                Tensor[] gi = fn.apply(g);
                if (gi.length != in.length) throw new IllegalStateException("backward of '" + node.op() + "' returned " + gi.length + " gradients for " + in.length + " inputs");
                for (int i = 0; i < in.length; i++) {
                    if (gi[i] == null || in[i] == null || !needed.containsKey(in[i])) continue;
                    checkGrad("gradient from '" + node.op() + "' for input " + i, in[i], gi[i]);
                    Tensor prev = grads.get(in[i]);
                    Tensor gc = gi[i].contiguous();
                    grads.put(in[i], prev == null ? gc : accumulate(prev, gc, createGraph));
                }
            }
        } finally {
            if (scope != null) scope.close();
        }
        Tensor[] result = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = grads.get(inputs[i]);
            result[i] = g != null ? g : Tensor.zeros(inputs[i].dtype(), inputs[i].shape());
        }
        return result;
    }

    /** The sum of two gradients; recorded (as its own differentiable backward) when building a gradient graph. */
    private static Tensor accumulate(Tensor a, Tensor b, boolean createGraph) {
        Tensor s = add(a, b);
        if (!createGraph) return s;
        return recordComposite(s, "grad_accumulate", g -> new Tensor[] {g, g}, a, b);
    }

    /** Post-order over the graphs of several roots (each tensor once, op inputs before op outputs). */
    private static List<Tensor> topologicalOrderOf(Tensor[] roots) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Tensor root : roots) {
            if (seen.put(root, Boolean.TRUE) != null) continue;
            stack.push(new Object[] {root, 0});
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
        }
        return order;
    }
}
