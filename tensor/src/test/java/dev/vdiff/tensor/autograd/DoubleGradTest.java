package dev.vdiff.tensor.autograd;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.DoubleGradCheck;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Convolution;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Normalization;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Rectifiers;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Gradients of gradients ({@link Autograd#grad} with {@code createGraph}) for every op of the discriminator
 * path, in float64, against central differences of first-order gradients ({@link DoubleGradCheck}), over
 * seeded random inputs. Linear ops are checked inside a square (or next to another input) so that their
 * differentiable backward is exercised through its dependence on the upstream gradient.
 */
class DoubleGradTest {
    static final DType F64 = DType.FLOAT64;
    static final long[] SEEDS = {1, 2, 3};

    /** One op under test: a name and a builder of (function, inputs) from a generator. */
    record OpCase(String name, Function<Rng, Object[]> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Object[] of(Function<Tensor[], Tensor> f, Tensor... xs) {
        return new Object[] {f, xs};
    }

    static Tensor sq(Tensor t) {
        return Pointwise.square(t);
    }

    static List<OpCase> ops() {
        List<OpCase> l = new ArrayList<>();
        l.add(new OpCase("add (broadcast)", r -> of(x -> sq(Arithmetic.add(x[0], x[1])), r.normal(F64, 3, 4), r.normal(F64, 4))));
        l.add(new OpCase("sub (broadcast)", r -> of(x -> sq(Arithmetic.sub(x[0], x[1])), r.normal(F64, 2, 1, 3), r.normal(F64, 2, 3))));
        l.add(new OpCase("mul (broadcast)", r -> of(x -> Arithmetic.mul(x[0], x[1]), r.normal(F64, 3, 4), r.normal(F64, 3, 1))));
        l.add(new OpCase("div", r -> of(x -> Arithmetic.div(x[0], x[1]), r.normal(F64, 3, 4), r.uniform(0.5, 1.5, F64, 3, 4))));
        l.add(new OpCase("mul scalar, neg", r -> of(x -> sq(Arithmetic.neg(Arithmetic.mul(x[0], 3.0))), r.normal(F64, 5))));
        l.add(new OpCase("pow 3", r -> of(x -> Pointwise.pow(x[0], 3), r.normal(F64, 2, 3))));
        l.add(new OpCase("pow -0.5", r -> of(x -> Pointwise.pow(x[0], -0.5), r.uniform(0.5, 2, F64, 2, 3))));
        l.add(new OpCase("square", r -> of(x -> Arithmetic.mul(Pointwise.square(x[0]), x[0]), r.normal(F64, 6))));
        l.add(new OpCase("sqrt", r -> of(x -> Pointwise.sqrt(x[0]), r.uniform(0.5, 2, F64, 6))));
        l.add(new OpCase("exp", r -> of(x -> Pointwise.exp(x[0]), r.normal(F64, 6))));
        l.add(new OpCase("log", r -> of(x -> Pointwise.log(x[0]), r.uniform(0.5, 2, F64, 6))));
        l.add(new OpCase("tanh", r -> of(x -> Pointwise.tanh(x[0]), r.normal(F64, 6))));
        l.add(new OpCase("sigmoid", r -> of(x -> Pointwise.sigmoid(x[0]), r.normal(F64, 6))));
        l.add(new OpCase("silu", r -> of(x -> Pointwise.silu(x[0]), r.normal(0, 3, F64, 8))));
        l.add(new OpCase("clamp", r -> of(x -> sq(Pointwise.clamp(x[0], -0.5, 0.5)), r.normal(F64, 8))));
        l.add(new OpCase("leaky relu 0.2", r -> of(x -> sq(Rectifiers.leakyRelu(x[0], 0.2)), r.normal(F64, 8))));
        l.add(new OpCase("relu", r -> of(x -> sq(Rectifiers.relu(x[0])), r.normal(F64, 8))));
        l.add(new OpCase("sum axes", r -> of(x -> sq(Reductions.sum(x[0], new int[] {0, 2}, false)), r.normal(F64, 2, 3, 4))));
        l.add(new OpCase("sum permuted axes", r -> of(x -> sq(Reductions.sum(x[0], new int[] {0, 2}, true)), r.normal(F64, 3, 2, 4))));
        l.add(new OpCase("mean all", r -> of(x -> Arithmetic.mul(Reductions.meanAll(x[0]), Reductions.meanAll(sq(x[0]))), r.normal(F64, 3, 4))));
        l.add(new OpCase("views: permute, reshape, narrow, cat, expand, unsqueeze", r -> of(x -> {
            Tensor p = x[0].permute(1, 0).reshape(2, 6);                        // [3, 4] -> [4, 3] -> [2, 6]
            Tensor c = Concat.cat(1, p.narrow(1, 1, 3), p.narrow(1, 0, 2));      // circular-like [2, 5]
            Tensor e = x[1].unsqueeze(0).expand(2, 5);                           // [5] -> [2, 5]
            return sq(Arithmetic.mul(c, e).contiguous());
        }, r.normal(F64, 3, 4), r.normal(F64, 5))));
        l.add(new OpCase("matmul (batch broadcast)", r -> of(x -> sq(LinearAlgebra.matmul(x[0], x[1])), r.normal(F64, 2, 3, 4), r.normal(F64, 4, 2))));
        l.add(new OpCase("linear", r -> of(x -> sq(LinearAlgebra.linear(x[0], x[1], x[2])), r.normal(F64, 2, 3, 4), r.normal(F64, 3, 4), r.normal(F64, 3))));
        l.add(new OpCase("conv2d stride 2 pad 1", r -> of(x -> sq(Convolution.conv2d(x[0], x[1], x[2], new int[] {2, 2}, new int[] {1, 1})),
            r.normal(F64, 2, 2, 5, 5), r.normal(0, 0.3, F64, 3, 2, 3, 3), r.normal(F64, 3))));
        l.add(new OpCase("conv2d 1x1", r -> of(x -> sq(Convolution.conv2d(x[0], x[1], null, new int[] {1, 1}, new int[] {0, 0})),
            r.normal(F64, 2, 3, 2, 3), r.normal(F64, 2, 3, 1, 1))));
        l.add(new OpCase("conv3d 3x3x3 pad 1", r -> of(x -> sq(Convolution.conv3d(x[0], x[1], x[2], new int[] {1, 1, 1}, new int[] {1, 1, 1})),
            r.normal(F64, 1, 2, 3, 3, 3), r.normal(0, 0.3, F64, 2, 2, 3, 3, 3), r.normal(F64, 2))));
        l.add(new OpCase("conv3d (1,3,3) spatial stride 2", r -> of(x -> sq(Convolution.conv3d(x[0], x[1], null, new int[] {1, 2, 2}, new int[] {0, 1, 1})),
            r.normal(F64, 1, 2, 2, 5, 5), r.normal(0, 0.3, F64, 2, 2, 1, 3, 3))));
        l.add(new OpCase("group norm of a video [N, C, F, H, W]", r -> of(x -> Normalization.groupNorm(x[0], 2, x[1], x[2], 1e-6),
            r.normal(F64, 1, 4, 2, 2, 2), r.normal(1, 0.2, F64, 4), r.normal(F64, 4))));
        l.add(new OpCase("squeeze, transpose", r -> of(x -> sq(Arithmetic.mul(x[0].unsqueeze(1).squeeze(1).transpose(0, 1), x[1])), r.normal(F64, 3, 2), r.normal(F64, 2, 3))));
        l.add(new OpCase("group norm", r -> of(x -> Normalization.groupNorm(x[0], 2, x[1], x[2], 1e-5),
            r.normal(F64, 2, 4, 3, 2), r.normal(1, 0.2, F64, 4), r.normal(F64, 4))));
        l.add(new OpCase("group norm, no affine", r -> of(x -> Normalization.groupNorm(x[0], 1, null, null, 1e-5), r.normal(F64, 2, 2, 3))));
        l.add(new OpCase("layer norm", r -> of(x -> Normalization.layerNorm(x[0], x[1], x[2], 1e-5),
            r.normal(F64, 3, 5), r.normal(1, 0.2, F64, 5), r.normal(F64, 5))));
        l.add(new OpCase("batch norm (composite: mean and variance over batch and tokens)", r -> of(x -> {
            Tensor mu = Reductions.mean(x[0], new int[] {0, 2}, true);
            Tensor xc = Arithmetic.sub(x[0], mu);
            Tensor var = Reductions.mean(Pointwise.square(xc), new int[] {0, 2}, true);
            return Arithmetic.div(xc, Pointwise.sqrt(Arithmetic.add(var, 1e-5)));
        }, r.normal(F64, 4, 3, 5))));
        return l;
    }

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (OpCase c : ops()) for (long s : SEEDS) a.add(Arguments.of(c, s));
        return a.stream();
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void secondOrderMatchesFiniteDifferencesOfTheGradient(OpCase op, long seed) {
        Object[] built = op.build().apply(Rng.seed(seed));
        DoubleGradCheck.check((Function<Tensor[], Tensor>) built[0], seed, 1e-6, 1e-5, 1e-3, (Tensor[]) built[1]);
    }
}
