package dev.vdiff.tensor.autograd;

import dev.vdiff.tensor.Tensor;

/** One recorded op in the graph: its name (for error messages), its inputs and its backward function. */
public final class Node {
    private final String op;
    private Tensor[] inputs;
    private BackwardFn fn;
    private BackwardFn secondOrder;

    Node(String op, Tensor[] inputs, BackwardFn fn) {
        this.op = op;
        this.inputs = inputs;
        this.fn = fn;
    }

    public String op() { return op; }

    /** The recorded inputs; throws once backward has freed this node. */
    public Tensor[] inputs() {
        if (inputs == null) throw new IllegalStateException("the graph through '" + op + "' was freed by an earlier backward(); run the forward pass again");
        return inputs;
    }

    BackwardFn fn() {
        inputs();
        return fn;
    }

    /**
     * The backward written with recorded (differentiable) ops, which {@link Autograd#grad} runs when asked for
     * a graph of the gradient ({@code createGraph}); null when the op has none.
     */
    BackwardFn secondOrder() {
        inputs();
        return secondOrder;
    }

    void setSecondOrder(BackwardFn f) {
        this.secondOrder = f;
    }

    /** Drops the saved tensors so that their memory can be reclaimed (PyTorch's default after backward). */
    void release() {
        inputs = null;
        fn = null;
        secondOrder = null;
    }
}
