package dev.vdiff.verification.gradcheck;

import dev.vdiff.tensor.check.GradCheck;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.Concat;
import dev.vdiff.tensor.ops.Embeddings;
import dev.vdiff.tensor.ops.Losses;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Rectifiers;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.ops.Softmax;

import java.util.List;

import static dev.vdiff.verification.gradcheck.Entry.of;
import static dev.vdiff.verification.gradcheck.Inputs.awayFrom;
import static dev.vdiff.verification.gradcheck.Inputs.range;
import static dev.vdiff.verification.gradcheck.Inputs.uniform;

/**
 * Gradient-table rows for the elementwise and reduction ops: Arithmetic, Pointwise, Reductions, Softmax,
 * Losses, Concat and Embeddings.lookup. Broadcasting, strided views as inputs and an input used twice are
 * each exercised somewhere, since those are where backward closures go wrong.
 */
final class ElementwiseEntries {
    private ElementwiseEntries() {}

    static final String TT = "(Tensor,Tensor)", T = "(Tensor)";

    static List<Entry> all() {
        return List.of(
            // Arithmetic: same shape, one side broadcast, both sides broadcast, an input used twice.
            of("add [2,3,4] + [3,1]", "Arithmetic.add" + TT,
                () -> GradCheck.check(x -> Arithmetic.add(x[0], x[1]), uniform(1, 2, 3, 4), uniform(2, 3, 1))),
            of("add [2,1,4] + [3,1] (both broadcast)", "Arithmetic.add" + TT,
                () -> GradCheck.check(x -> Arithmetic.add(x[0], x[1]), uniform(3, 2, 1, 4), uniform(4, 3, 1))),
            of("sub [4] - [2,3,4]", "Arithmetic.sub" + TT,
                () -> GradCheck.check(x -> Arithmetic.sub(x[0], x[1]), uniform(5, 4), uniform(6, 2, 3, 4))),
            of("mul [2,3,4] * [2,1,4]", "Arithmetic.mul" + TT,
                () -> GradCheck.check(x -> Arithmetic.mul(x[0], x[1]), uniform(7, 2, 3, 4), uniform(8, 2, 1, 4))),
            of("mul x * x (one input twice)", "Arithmetic.mul" + TT,
                () -> GradCheck.check(x -> Arithmetic.mul(x[0], x[0]), uniform(9, 3, 4))),
            of("mul of a transposed view", "Arithmetic.mul" + TT,
                () -> GradCheck.check(x -> Arithmetic.mul(x[0].transpose(0, 1), x[1]), uniform(10, 4, 3), uniform(11, 3, 4))),
            of("div [2,3,4] / [3,1] (divisor in [0.5, 2))", "Arithmetic.div" + TT,
                () -> GradCheck.check(x -> Arithmetic.div(x[0], x[1]), uniform(12, 2, 3, 4), range(13, 0.5, 2, 3, 1))),
            of("div [3,1] / [2,3,4] (numerator broadcast)", "Arithmetic.div" + TT,
                () -> GradCheck.check(x -> Arithmetic.div(x[0], x[1]), uniform(14, 3, 1), range(15, -2, -0.5, 2, 3, 4))),
            of("add scalar", "Arithmetic.add(Tensor,double)",
                () -> GradCheck.check(x -> Arithmetic.add(x[0], 0.7), uniform(16, 3, 4))),
            of("mul scalar", "Arithmetic.mul(Tensor,double)",
                () -> GradCheck.check(x -> Arithmetic.mul(x[0], -1.3), uniform(17, 3, 4))),
            of("neg", "Arithmetic.neg" + T,
                () -> GradCheck.check(x -> Arithmetic.neg(x[0]), uniform(18, 3, 4))),

            // Pointwise: log, sqrt and fractional powers on positive inputs; clamp away from its bounds.
            of("exp", "Pointwise.exp" + T, () -> GradCheck.check(x -> Pointwise.exp(x[0]), range(20, -2, 2, 3, 5))),
            of("log (x in [0.2, 3))", "Pointwise.log" + T, () -> GradCheck.check(x -> Pointwise.log(x[0]), range(21, 0.2, 3, 3, 5))),
            of("sqrt (x in [0.2, 3))", "Pointwise.sqrt" + T, () -> GradCheck.check(x -> Pointwise.sqrt(x[0]), range(22, 0.2, 3, 3, 5))),
            of("square", "Pointwise.square" + T, () -> GradCheck.check(x -> Pointwise.square(x[0]), uniform(23, 3, 5))),
            of("tanh", "Pointwise.tanh" + T, () -> GradCheck.check(x -> Pointwise.tanh(x[0]), range(24, -3, 3, 3, 5))),
            of("sigmoid", "Pointwise.sigmoid" + T, () -> GradCheck.check(x -> Pointwise.sigmoid(x[0]), range(25, -6, 6, 3, 5))),
            of("pow 3 (negative inputs too)", "Pointwise.pow(Tensor,double)",
                () -> GradCheck.check(x -> Pointwise.pow(x[0], 3), range(26, -2, 2, 3, 5))),
            of("pow -1.5 (x in [0.3, 2))", "Pointwise.pow(Tensor,double)",
                () -> GradCheck.check(x -> Pointwise.pow(x[0], -1.5), range(27, 0.3, 2, 3, 5))),
            of("pow 0 (gradient 0)", "Pointwise.pow(Tensor,double)",
                () -> GradCheck.check(x -> Pointwise.pow(x[0], 0), range(28, 0.3, 2, 2, 3))),
            of("clamp [-0.5, 0.8], inputs 0.01 away from the bounds", "Pointwise.clamp(Tensor,double,double)",
                () -> GradCheck.check(x -> Pointwise.clamp(x[0], -0.5, 0.8), awayFrom(29, 0.01, new double[] {-0.5, 0.8}, 4, 6))),
            of("clamp one-sided [0, inf)", "Pointwise.clamp(Tensor,double,double)",
                () -> GradCheck.check(x -> Pointwise.clamp(x[0], 0, Double.POSITIVE_INFINITY), awayFrom(30, 0.01, new double[] {0}, 4, 6))),
            of("silu", "Pointwise.silu" + T, () -> GradCheck.check(x -> Pointwise.silu(x[0]), range(31, -4, 4, 3, 5))),
            of("gelu (erf)", "Pointwise.gelu" + T, () -> GradCheck.check(x -> Pointwise.gelu(x[0]), range(32, -4, 4, 3, 5))),
            of("gelu (tanh)", "Pointwise.geluTanh" + T, () -> GradCheck.check(x -> Pointwise.geluTanh(x[0]), range(33, -4, 4, 3, 5))),
            of("leaky relu 0.2, inputs 0.01 away from 0", "Rectifiers.leakyRelu(Tensor,double)",
                () -> GradCheck.check(x -> Rectifiers.leakyRelu(x[0], 0.2), awayFrom(35, 0.01, new double[] {0}, 4, 6))),
            of("relu, inputs 0.01 away from 0", "Rectifiers.relu" + T,
                () -> GradCheck.check(x -> Rectifiers.relu(x[0]), awayFrom(36, 0.01, new double[] {0}, 4, 6))),
            of("exp of a permuted view", "Pointwise.exp" + T,
                () -> GradCheck.check(x -> Pointwise.exp(x[0].permute(2, 0, 1)), uniform(34, 2, 3, 4))),

            // Reductions: several axis sets, keepdim both ways, a view as input; max away from ties (random
            // values are distinct by far more than the difference step).
            of("sum over axis 1", "Reductions.sum(Tensor,int[],boolean)",
                () -> GradCheck.check(x -> Reductions.sum(x[0], new int[] {1}, false), uniform(40, 2, 3, 4))),
            of("sum over axes 0,2 keepdim", "Reductions.sum(Tensor,int[],boolean)",
                () -> GradCheck.check(x -> Reductions.sum(x[0], new int[] {0, 2}, true), uniform(41, 2, 3, 4))),
            of("sum over all (axes null)", "Reductions.sum(Tensor,int[],boolean)",
                () -> GradCheck.check(x -> Reductions.sum(x[0], null, false), uniform(42, 2, 3, 4))),
            of("mean over axes -1,0", "Reductions.mean(Tensor,int[],boolean)",
                () -> GradCheck.check(x -> Reductions.mean(x[0], new int[] {-1, 0}, false), uniform(43, 2, 3, 4))),
            of("mean over axis 1 keepdim of a transposed view", "Reductions.mean(Tensor,int[],boolean)",
                () -> GradCheck.check(x -> Reductions.mean(x[0].transpose(0, 2), new int[] {1}, true), uniform(44, 2, 3, 4))),
            of("sumAll of a transposed view", "Reductions.sumAll" + T,
                () -> GradCheck.check(x -> Reductions.sumAll(x[0].transpose(0, 2)), uniform(45, 2, 3, 4))),
            of("meanAll", "Reductions.meanAll" + T,
                () -> GradCheck.check(x -> Reductions.meanAll(x[0]), uniform(46, 2, 3, 4))),
            of("max over axis 1", "Reductions.max(Tensor,int,boolean)",
                () -> GradCheck.check(x -> Reductions.max(x[0], 1, false), uniform(47, 2, 5, 3))),
            of("max over axis -1 keepdim", "Reductions.max(Tensor,int,boolean)",
                () -> GradCheck.check(x -> Reductions.max(x[0], -1, true), uniform(48, 2, 3, 5))),
            of("mean over axis 0 of [300,40] (directions)", "Reductions.mean(Tensor,int[],boolean)",
                () -> GradCheck.checkDirection(x -> Reductions.mean(x[0], new int[] {0}, false), 3, 49, uniform(49, 300, 40))),

            // Softmax
            of("softmax over axis 1", "Softmax.softmax(Tensor,int)",
                () -> GradCheck.check(x -> Softmax.softmax(x[0], 1), range(50, -3, 3, 2, 5, 3))),
            of("softmax over axis -1 of a transposed view", "Softmax.softmax(Tensor,int)",
                () -> GradCheck.check(x -> Softmax.softmax(x[0].transpose(0, 1), -1), range(51, -3, 3, 4, 3))),
            of("logSoftmax over axis 0", "Softmax.logSoftmax(Tensor,int)",
                () -> GradCheck.check(x -> Softmax.logSoftmax(x[0], 0), range(52, -3, 3, 4, 3))),
            of("logSoftmax over axis -1", "Softmax.logSoftmax(Tensor,int)",
                () -> GradCheck.check(x -> Softmax.logSoftmax(x[0], -1), range(53, -3, 3, 2, 3, 6))),
            of("softmax over an axis of size 1 (gradient 0)", "Softmax.softmax(Tensor,int)",
                () -> GradCheck.check(x -> Softmax.softmax(x[0], 1), uniform(55, 3, 1, 2))),
            of("logSoftmax over an axis of size 1 (gradient 0)", "Softmax.logSoftmax(Tensor,int)",
                () -> GradCheck.check(x -> Softmax.logSoftmax(x[0], 0), uniform(56, 1, 4))),
            of("softmax over axis -1 of [64,100] (directions)", "Softmax.softmax(Tensor,int)",
                () -> GradCheck.checkDirection(x -> Softmax.softmax(x[0], -1), 3, 54, range(54, -3, 3, 64, 100))),

            // Losses: gradients of input and target.
            of("mse", "Losses.mse" + TT,
                () -> GradCheck.check(x -> Losses.mse(x[0], x[1]), uniform(60, 2, 3, 4), uniform(61, 2, 3, 4))),
            of("pseudoHuber c = 0.3", "Losses.pseudoHuber(Tensor,Tensor,double)",
                () -> GradCheck.check(x -> Losses.pseudoHuber(x[0], x[1], 0.3), uniform(62, 2, 3, 4), uniform(63, 2, 3, 4))),
            of("pseudoHuber c = 2 of views", "Losses.pseudoHuber(Tensor,Tensor,double)",
                () -> GradCheck.check(x -> Losses.pseudoHuber(x[0].transpose(0, 1), x[1], 2), uniform(64, 4, 3), uniform(65, 3, 4))),

            of("mse, only the target requires grad", "Losses.mse" + TT,
                () -> GradCheck.check(x -> Losses.mse(x[0], x[1]), uniform(66, 3, 4).requiresGrad(false), uniform(67, 3, 4))),
            of("div, only the divisor requires grad", "Arithmetic.div" + TT,
                () -> GradCheck.check(x -> Arithmetic.div(x[0], x[1]), uniform(68, 2, 3).requiresGrad(false), range(69, 0.5, 2, 3))),

            // Concat: first, middle and last axes; a view as input; one input twice.
            of("cat axis 0 of three", "Concat.cat(int,Tensor[])",
                () -> GradCheck.check(x -> Concat.cat(0, x[0], x[1], x[2]), uniform(70, 1, 3), uniform(71, 2, 3), uniform(72, 3, 3))),
            of("cat axis 1", "Concat.cat(int,Tensor[])",
                () -> GradCheck.check(x -> Concat.cat(1, x[0], x[1]), uniform(73, 2, 3, 2), uniform(74, 2, 1, 2))),
            of("cat axis -1 with a transposed view", "Concat.cat(int,Tensor[])",
                () -> GradCheck.check(x -> Concat.cat(-1, x[0].transpose(1, 2), x[1]), uniform(75, 2, 4, 3), uniform(76, 2, 3, 2))),
            of("cat of one input with itself", "Concat.cat(int,Tensor[])",
                () -> GradCheck.check(x -> Concat.cat(1, x[0], x[0]), uniform(77, 2, 3))),

            // Embeddings.lookup: gradient of the table, with a repeated index (rows must accumulate).
            of("lookup [5,3] table by [2,3] indices with repeats", "Embeddings.lookup" + TT,
                () -> GradCheck.check(x -> Embeddings.lookup(x[0], Inputs.longs(new long[] {4, 0, 4, 2, 4, 1}, 2, 3)), uniform(80, 5, 3))));
    }
}
