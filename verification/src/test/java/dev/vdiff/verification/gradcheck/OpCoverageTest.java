package dev.vdiff.verification.gradcheck;

import dev.vdiff.tensor.Tensor;
import dev.vdiff.tensor.ops.Arithmetic;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage guard of the gradient table: every public static method of a public class in
 * {@code dev.vdiff.tensor.ops} that returns a Tensor and takes a Tensor (or Tensor...) must be covered by a
 * row of {@link GradientTableTest#table()} or be listed, with its reason, in {@link #NOT_DIFFERENTIABLE}.
 * A new op therefore fails this test until it gets a gradient check (or an explicit reason not to).
 */
class OpCoverageTest {
    private static final String PACKAGE = "dev.vdiff.tensor.ops";

    /** Ops that take and return tensors but have no gradient to check, each with the reason. */
    private static final Map<String, String> NOT_DIFFERENTIABLE = Map.of(
        // Outside autodiff by design: the building block that backward closures use; the recorded form is mul(Tensor, double).
        "Arithmetic.scale(Tensor,double)", "not recorded by autodiff (a helper for backward functions)",
        // Its only tensor input is the int64 timestep vector; the output is a constant of it.
        "Embeddings.timestep(Tensor,int,DType)", "int64 input, constant output",
        // The Beta law's special functions, elementwise: checked against SciPy by the oracle's beta_distribution cases.
        "BetaDistribution.pdf(Tensor,double,double)", "not recorded by autodiff (special function; beta_distribution oracle cases)",
        "BetaDistribution.cdf(Tensor,double,double)", "not recorded by autodiff (special function; beta_distribution oracle cases)",
        "BetaDistribution.ppf(Tensor,double,double)", "not recorded by autodiff (special function; beta_distribution oracle cases)");

    @Test
    void everyTensorOpIsGradientCheckedOrExcludedWithAReason() throws Exception {
        Set<String> ops = tensorOps();
        Set<String> covered = new HashSet<>();
        for (Entry e : GradientTableTest.table()) covered.addAll(e.covers());
        List<String> missing = ops.stream().filter(s -> !covered.contains(s) && !NOT_DIFFERENTIABLE.containsKey(s)).sorted().collect(Collectors.toList());
        if (!missing.isEmpty()) fail("public ops in " + PACKAGE + " without a row in the gradient table (add one, or an exclusion with a reason): " + missing);
    }

    @Test
    void theTableAndTheExclusionsNameOnlyRealOps() throws Exception {
        Set<String> ops = tensorOps();
        Set<String> named = new TreeSet<>(NOT_DIFFERENTIABLE.keySet());
        for (Entry e : GradientTableTest.table()) named.addAll(e.covers());
        named.removeAll(ops);
        assertTrue(named.isEmpty(), "the gradient table or the exclusions name signatures that are not public ops (renamed or removed?): " + named);
        for (String s : NOT_DIFFERENTIABLE.keySet()) {
            assertTrue(GradientTableTest.table().stream().noneMatch(e -> e.covers().contains(s)), s + " is both excluded and covered");
        }
    }

    @Test
    void theGuardSeesTheWholePackage() throws Exception {
        // A guard that found nothing would pass vacuously; these ops must be among what it lists.
        Set<String> ops = tensorOps();
        for (String s : List.of("Arithmetic.add(Tensor,Tensor)", "Concat.cat(int,Tensor[])", "Attention.multiHead(Tensor,Tensor,Tensor,int)")) {
            assertTrue(ops.contains(s), "the guard does not list " + s + "; it lists " + ops);
        }
        assertEquals(Set.of(), ops.stream().filter(s -> s.startsWith("MatBatch.")).collect(Collectors.toSet()), "package-private classes are not ops");
    }

    /** {@code Class.method(SimpleParamTypes)} of every public static Tensor-to-Tensor method of the package. */
    static Set<String> tensorOps() throws IOException, URISyntaxException, ClassNotFoundException {
        Set<String> out = new TreeSet<>();
        for (String className : classesOf(PACKAGE)) {
            Class<?> c = Class.forName(className);
            if (!Modifier.isPublic(c.getModifiers())) continue;
            for (Method m : c.getDeclaredMethods()) {
                int mod = m.getModifiers();
                if (!Modifier.isPublic(mod) || !Modifier.isStatic(mod) || m.getReturnType() != Tensor.class) continue;
                if (Arrays.stream(m.getParameterTypes()).noneMatch(p -> p == Tensor.class || p == Tensor[].class)) continue;
                out.add(signature(m));
            }
        }
        return out;
    }

    static String signature(Method m) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName() + "("
            + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(",")) + ")";
    }

    /** Top-level class names of {@code pkg}, read from the directory or jar that holds the tensor module's classes. */
    private static List<String> classesOf(String pkg) throws IOException, URISyntaxException {
        Path root = Path.of(Arithmetic.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String dir = pkg.replace('.', '/');
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                files.map(p -> p.getFileName().toString()).filter(OpCoverageTest::isTopLevelClass)
                    .forEach(f -> names.add(pkg + "." + f.substring(0, f.length() - ".class".length())));
            }
        } else {
            try (JarFile jar = new JarFile(root.toFile())) {
                for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
                    String n = en.nextElement().getName();
                    if (!n.startsWith(dir + "/")) continue;
                    String f = n.substring(dir.length() + 1);
                    if (!f.contains("/") && isTopLevelClass(f)) names.add(pkg + "." + f.substring(0, f.length() - ".class".length()));
                }
            }
        }
        if (names.isEmpty()) throw new IllegalStateException("no classes of " + pkg + " found under " + root);
        return names;
    }

    private static boolean isTopLevelClass(String fileName) {
        return fileName.endsWith(".class") && !fileName.contains("$") && !fileName.equals("package-info.class");
    }
}
