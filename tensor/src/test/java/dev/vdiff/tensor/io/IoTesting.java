package dev.vdiff.tensor.io;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Paths of the test files and small helpers shared by the tensor-file tests. */
final class IoTesting {
    private IoTesting() {}

    /** A NumPy-made fixture (see fixtures/make_fixtures.py). */
    static Path fixture(String name) {
        try {
            var url = IoTesting.class.getResource("fixtures/" + name);
            assertTrue(url != null, "missing test fixture " + name);
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public golden suite written by PyTorch/NumPy (tests run in the module directory). */
    static Path golden() {
        Path dir = Path.of("..", "verification", "golden", "public").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(dir.resolve("manifest.json")), "golden suite not found at " + dir);
        return dir;
    }

    static LinkedHashMap<String, Object> manifest() throws IOException {
        return Json.parseObject(Files.readAllBytes(golden().resolve("manifest.json")));
    }

    static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixtures' float formula: {@code i * 0.37 - 1.1}, computed in double as NumPy does. */
    static double formula(int i) {
        return i * 0.37 - 1.1;
    }

    /** The fixtures' integer formula: {@code i * 7 - 20}. */
    static long intFormula(int i) {
        return i * 7L - 20;
    }
}
