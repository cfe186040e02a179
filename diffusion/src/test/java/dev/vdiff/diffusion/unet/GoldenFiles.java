package dev.vdiff.diffusion.unet;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.io.Json;
import dev.vdiff.tensor.io.Npy;
import dev.vdiff.tensor.io.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reads golden cases of the suite (docs/ORACLE.md §2, 2.1, 3) with the project's tensor-file readers. */
final class GoldenFiles {
    private GoldenFiles() {}

    /** The project's copy of the public suite, seen from a module directory. */
    static final Path SUITE = Path.of("..", "verification", "golden", "public");

    static Tensor npy(Path p) throws IOException {
        return Npy.read(p);
    }

    /** Name -> tensor, in the file's order. */
    static Map<String, Tensor> safetensors(Path p) throws IOException {
        return Safetensors.read(p);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> manifestCase(Path suite, String id) throws IOException {
        Map<String, Object> m = Json.parseObject(Files.readAllBytes(suite.resolve("manifest.json")));
        for (Object c : (List<Object>) m.get("cases")) {
            Map<String, Object> cm = (Map<String, Object>) c;
            if (id.equals(cm.get("id"))) return cm;
        }
        throw new IOException("no case " + id + " in " + suite);
    }
}
