package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.DType;
import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.check.Close;
import dev.vdiff.tensor.check.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole network against PyTorch: golden case {@code tiny_video_unet_01} (docs/ORACLE.md §5.20; one video of 4
 * frames, 16x12, channels 16/32, 2 heads, gradients of all 117 parameters), forward and backward, under the
 * RMS-scaled rule of docs/ORACLE.md §4 with the case's tolerances.
 */
class VideoUNetGoldenTest {

    @ParameterizedTest
    @ValueSource(strings = {"float64", "float32"})
    void tinyVideoUnet01(String mode) throws IOException {
        List<String> failures = new ArrayList<>();
        Summary s = evaluate(GoldenFiles.SUITE, "tiny_video_unet_01", DType.parse(mode), failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(2 + 117, s.compared(), "out, grads.x and 117 parameter gradients");
    }

    static VideoUNetConfig configOf(Map<String, Object> attrs) {
        return VideoUNetConfig.twoLevel(i(attrs, "F"), i(attrs, "C"), i(attrs, "ch0"), i(attrs, "ch1"), i(attrs, "heads"), i(attrs, "head_dim"),
            i(attrs, "groups"), ((Number) attrs.get("gn_eps")).doubleValue(), i(attrs, "num_classes"), i(attrs, "t_dim"), i(attrs, "emb_dim"));
    }

    private static int i(Map<String, Object> attrs, String k) {
        return ((Number) attrs.get(k)).intValue();
    }

    /** How many tensors were compared, and the worst ratio |a-b| / tolerance over all of them (pass: <= 1). */
    record Summary(int compared, double worstRatio, String worstTensor) {}

    /** Runs one case in one precision; appends a line per failing tensor. */
    @SuppressWarnings("unchecked")
    static Summary evaluate(Path suite, String id, DType dtype, List<String> failures) throws IOException {
        Map<String, Object> c = GoldenFiles.manifestCase(suite, id);
        Map<String, Object> attrs = (Map<String, Object>) c.get("attrs");
        Tolerance tol = Tolerance.parse((Map<String, Object>) ((Map<String, Object>) c.get("tolerance")).get(dtype.pyName), id + " tolerance." + dtype.pyName);
        assertTrue(tol.rmsScaled(), "the whole-network case has an RMS-scaled tolerance");
        String weights = (String) attrs.get(dtype == DType.FLOAT64 ? "weights_float64" : "weights_float32");

        VideoUNet net = VideoUNet.load(configOf(attrs), GoldenFiles.safetensors(suite.resolve(weights)));
        assertEquals(dtype, net.dtype());
        Tensor x = GoldenFiles.npy(suite.resolve(file(c, "inputs", "x"))).to(dtype).requiresGrad(true);
        Tensor t = GoldenFiles.npy(suite.resolve(file(c, "inputs", "t")));
        Tensor y = GoldenFiles.npy(suite.resolve(file(c, "inputs", "y")));
        Tensor up = GoldenFiles.npy(suite.resolve(file(c, "upstream", "out"))).to(dtype);

        Tensor out = net.forward(x, t, y);
        out.backward(up);

        Map<String, Close.Result> results = new java.util.LinkedHashMap<>();
        results.put("out", check("out", out, GoldenFiles.npy(suite.resolve(file(c, "outputs", "out"))), tol, failures));
        results.put("grads.x", check("grads.x", x.grad(), GoldenFiles.npy(suite.resolve(file(c, "grads", "x"))), tol, failures));
        Map<String, Tensor> params = net.namedParameters();
        for (var e : GoldenFiles.safetensors(suite.resolve((String) attrs.get("param_grads"))).entrySet()) {
            Tensor p = params.get(e.getKey());
            if (p == null) {
                failures.add("param_grads holds '" + e.getKey() + "', which the model does not have");
                continue;
            }
            Tensor g = p.grad() == null ? Tensor.zerosLike(p) : p.grad();
            results.put(e.getKey(), check(e.getKey(), g, e.getValue(), tol, failures));
        }
        String worst = null;
        for (var e : results.entrySet()) if (worst == null || e.getValue().worstRatio() > results.get(worst).worstRatio()) worst = e.getKey();
        return new Summary(results.size(), results.get(worst).worstRatio(), worst);
    }

    @SuppressWarnings("unchecked")
    private static String file(Map<String, Object> c, String section, String name) {
        return (String) ((Map<String, Object>) ((Map<String, Object>) c.get(section)).get(name)).get("file");
    }

    /** The case's rule ({@link Tolerance}: |a - b| <= atol_rms * rms(b) + rtol * |b| elementwise); a failure adds a line. */
    private static Close.Result check(String what, Tensor actual, Tensor expected, Tolerance tol, List<String> failures) {
        Close.Result r = tol.compare(actual, expected);
        if (!r.pass()) failures.add(r.describe(what + " (" + tol + ")"));
        return r;
    }
}
