package dev.vdiff.diffusion.unet;
import dev.vdiff.tensor.DType;
import org.junit.jupiter.api.Test;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
class TmpCase00Test {
    @Test
    void run() throws Exception {
        for (String m : System.getProperty("modes", "float64").split(",")) {
            List<String> f = new ArrayList<>();
            long t0 = System.nanoTime();
            var n = VideoUNetGoldenTest.evaluate(Path.of(System.getProperty("suite", "/work/shared/oracle/cases")), System.getProperty("case", "tiny_video_unet_00"), DType.parse(m), f);
            System.out.println("CASE " + m + " " + n + " failures " + f.size() + " in " + (System.nanoTime() - t0) / 1e9 + " s");
            f.forEach(System.out::println);
        }
    }
}
