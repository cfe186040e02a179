// MotionSeeds — motion guidance on vs off for students distilled with other seeds (docs/experiments/turbo.md):
// for every pair ON_DIR OFF_DIR (vdiff distill runs, --motion-strength 0.05 vs 0, the same other options and
// --seed), the paired per-video optical-flow and object-track (turbo.TrackMotion) differences of LCM 4-step samples
// over 5 noise seeds x 8 videos per class (MotionStudy.compareStudents), one JSON line per pair.
//
//   java --add-modules jdk.incubator.vector -cp "tensor/target/classes:diffusion/target/classes:reference/target/classes:target/lib/*" \
//        tools/turbo/MotionSeeds.java ON_DIR OFF_DIR [ON_DIR OFF_DIR ...]
import dev.vdiff.reference.train.VideoGenerator;
import dev.vdiff.reference.turbo.experiment.MotionStudy;
import dev.vdiff.tensor.io.Json;

import java.nio.file.Path;

public final class MotionSeeds {
    public static void main(String[] a) throws Exception {
        for (int i = 0; i + 1 < a.length; i += 2) {
            var r = MotionStudy.compareStudents(Path.of(a[i]), Path.of(a[i + 1]), VideoGenerator.balancedLabels(5, 8), 5, 0);
            System.out.println(a[i] + " vs " + a[i + 1] + ": " + Json.write(r).replaceAll("\\s+", " "));
        }
    }
}
