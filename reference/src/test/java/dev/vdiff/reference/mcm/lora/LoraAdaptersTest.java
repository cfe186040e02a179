package dev.vdiff.reference.mcm.lora;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.nn.Conv2d;
import dev.vdiff.tensor.nn.Conv3d;
import dev.vdiff.tensor.nn.Linear;
import dev.vdiff.tensor.nn.Module;
import dev.vdiff.tensor.ops.Arithmetic;
import dev.vdiff.tensor.ops.LinearAlgebra;
import dev.vdiff.tensor.ops.Pointwise;
import dev.vdiff.tensor.ops.Reductions;
import dev.vdiff.tensor.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoraAdaptersTest {
    /** conv2d -> temporal conv3d (3,1,1) -> spatial conv3d (1,3,3) -> temporal-attention-named linear -> linear. */
    static final class Toy extends Module {
        final Conv2d conv = child("conv", new Conv2d(2, 3, 3, 3, 1, 1, true, DType.FLOAT64, Rng.seed(1)));
        final Conv3d tconv = child("tconv", new Conv3d(3, 3, new int[] {3, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 0, 0}, true, DType.FLOAT64, Rng.seed(2)));
        final Conv3d sconv = child("sconv", new Conv3d(3, 3, new int[] {1, 3, 3}, new int[] {1, 1, 1}, new int[] {0, 1, 1}, false, DType.FLOAT64, Rng.seed(3)));
        final Linear tattn = child("mid_tattn", new Linear(3, 3, true, DType.FLOAT64, Rng.seed(4)));
        final Linear out = child("out", new Linear(3, 2, true, DType.FLOAT64, Rng.seed(5)));

        /** x [B, 2, F, H, W] -> [B, F, H, W, 2]. */
        Tensor forward(Tensor x) {
            int b = x.shape(0), f = x.shape(2), h = x.shape(3), w = x.shape(4);
            Tensor y = conv.forward(x.permute(0, 2, 1, 3, 4).reshape(b * f, 2, h, w));                 // [B*F, 3, H, W]
            Tensor v = y.reshape(b, f, 3, h, w).permute(0, 2, 1, 3, 4);                                 // [B, 3, F, H, W]
            v = sconv.forward(Pointwise.silu(tconv.forward(v)));
            Tensor tok = v.permute(0, 2, 3, 4, 1);                                                       // [B, F, H, W, 3]
            return out.forward(Pointwise.tanh(tattn.forward(tok)));
        }
    }

    static LoraConfig cfg(boolean temporal) {
        return new LoraConfig(2, 4, temporal, Pattern.compile(".*tattn.*"));
    }

    @Test
    void temporalLayersAreExcludedUnlessAsked() {
        assertEquals(List.of("conv", "sconv", "out"), List.copyOf(LoraAdapters.attach(new Toy(), cfg(false), Rng.seed(7)).adapters().keySet()));
        assertEquals(List.of("conv", "tconv", "sconv", "mid_tattn", "out"), List.copyOf(LoraAdapters.attach(new Toy(), cfg(true), Rng.seed(7)).adapters().keySet()));
        assertEquals(List.of(2, 18), List.of(LoraAdapters.attach(new Toy(), cfg(false), Rng.seed(7)).adapters().get("conv").a().shape()[0],
            LoraAdapters.attach(new Toy(), cfg(false), Rng.seed(7)).adapters().get("conv").a().shape()[1]));   // A [r, in * 3 * 3]
    }

    @Test
    void startsAsTheBaseModelAndUnmergeRestoresItBitForBit() {
        Toy m = new Toy();
        Tensor x = Rng.seed(8).normal(DType.FLOAT64, 1, 2, 3, 4, 4);
        double[] base = m.forward(x).toDoubleArray();
        LoraAdapters l = LoraAdapters.attach(m, cfg(true), Rng.seed(9));
        l.materialise();
        assertArrayEquals(base, m.forward(x).toDoubleArray(), 0.0, "B = 0: the adapted model is the base model");
        randomiseB(l, 10);
        l.merge();
        assertTrue(l.merged());
        assertThrows(IllegalStateException.class, l::materialise);
        assertTrue(maxDiff(base, m.forward(x).toDoubleArray()) > 1e-6, "merged adapters change the output");
        l.unmerge();
        assertArrayEquals(base, m.forward(x).toDoubleArray(), 0.0);
    }

    @Test
    void adaptedLinearEqualsTheUnmergedFormula() {
        Toy m = new Toy();
        LoraAdapters l = LoraAdapters.attach(m, cfg(false), Rng.seed(11));
        randomiseB(l, 12);
        l.materialise();
        LoraAdapters.Adapter ad = l.adapters().get("out");
        Tensor x = Rng.seed(13).normal(DType.FLOAT64, 5, 3);
        // x W0^T + b + s (x A^T) B^T, computed separately
        Tensor ref = Arithmetic.add(LinearAlgebra.linear(x, ad.base(), m.out.bias),
            Arithmetic.mul(LinearAlgebra.matmul(LinearAlgebra.matmul(x, ad.a().detach().transpose(0, 1)), ad.b().detach().transpose(0, 1)), l.config().scale()));
        assertArrayEquals(ref.toDoubleArray(), m.out.forward(x).toDoubleArray(), 1e-12);
    }

    @Test
    void adapterGradientsMatchFiniteDifferences() {
        Toy m = new Toy();
        LoraAdapters l = LoraAdapters.attach(m, cfg(false), Rng.seed(14));
        randomiseB(l, 15);
        Tensor x = Rng.seed(16).normal(DType.FLOAT64, 1, 2, 3, 3, 3);
        l.materialise();
        Reductions.sumAll(Pointwise.square(m.forward(x))).backward();
        l.collectGradients();
        for (Tensor p : m.parameters()) assertEquals(null, adapted(l, p) ? p.grad() : null, "adapted layer weights keep no gradient");
        double eps = 1e-6;
        for (Tensor p : l.parameters()) {
            double[] v = p.doubles(), g = p.grad().toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                double keep = v[i];
                v[i] = keep + eps;
                double hi = loss(l, m, x);
                v[i] = keep - eps;
                double lo = loss(l, m, x);
                v[i] = keep;
                double num = (hi - lo) / (2 * eps);
                assertTrue(Math.abs(g[i] - num) <= 1e-5 + 1e-3 * Math.abs(num), p.name() + "[" + i + "]: " + g[i] + " vs " + num);
            }
        }
    }

    @Test
    void savedAndLoadedByName(@TempDir Path dir) throws Exception {
        LoraAdapters a = LoraAdapters.attach(new Toy(), cfg(false), Rng.seed(17));
        randomiseB(a, 18);
        Path f = dir.resolve("lora.safetensors");
        a.save(f);
        LoraAdapters b = LoraAdapters.attach(new Toy(), cfg(false), Rng.seed(99));
        b.load(f);
        for (var e : a.namedParameters().entrySet()) assertArrayEquals(e.getValue().doubles(), b.namedParameters().get(e.getKey()).doubles(), 0.0, e.getKey());
        LoraAdapters all = LoraAdapters.attach(new Toy(), cfg(true), Rng.seed(1));
        String msg = assertThrows(IllegalArgumentException.class, () -> all.load(f)).getMessage();
        assertTrue(msg.contains("missing 'tconv.lora_A.weight'"), msg);
    }

    static boolean adapted(LoraAdapters l, Tensor p) {
        for (LoraAdapters.Adapter ad : l.adapters().values()) if (ad.weight() == p) return true;
        return false;
    }

    static double loss(LoraAdapters l, Toy m, Tensor x) {
        l.materialise();
        double v = Reductions.sumAll(Pointwise.square(m.forward(x))).item();
        m.zeroGrad();
        return v;
    }

    static void randomiseB(LoraAdapters l, long seed) {
        Rng r = Rng.seed(seed);
        for (LoraAdapters.Adapter ad : l.adapters().values()) {
            double[] b = ad.b().doubles(), n = r.normal(DType.FLOAT64, b.length).doubles();
            for (int i = 0; i < b.length; i++) b[i] = 0.3 * n[i];
        }
    }

    static double maxDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
        return d;
    }
}
