package dev.vdiff.spark;

import dev.vdiff.reference.data.VideoFolder;
import dev.vdiff.reference.tqd.ScoreNormalization;
import dev.vdiff.reference.tqd.score.ClipQuality;
import dev.vdiff.reference.tqd.score.ScoreTable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code vdiff score} computes for a folder, step for step as its command does (the oracle of the job's tests). */
final class LocalScores {
    private LocalScores() {}

    /** The rows {@code vdiff score --data dir} would write, by path relative to {@code dir}. */
    static Map<String, ScoreTable.Row> of(Path dir, int frames, int height, int width, ScoreNormalization normalization) {
        VideoFolder folder = VideoFolder.open(dir, new VideoFolder.Options(frames, height, width, 1, null), msg -> { });
        List<String> paths = new ArrayList<>();
        List<ClipQuality> qualities = new ArrayList<>();
        for (int i = 0; i < folder.size(); i++) {
            paths.add(folder.dir().relativize(folder.files().get(i)).toString().replace('\\', '/'));
            qualities.add(ClipQuality.of(folder.clip(i).video()));
        }
        Map<String, ScoreTable.Row> rows = new LinkedHashMap<>();
        for (ScoreTable.Row r : ScoreTable.normalised(paths, qualities, normalization)) rows.put(r.path(), r);
        return rows;
    }

    /** The value of column {@code column} of {@link ScoreTable}'s CSV for {@code row}. */
    static double column(ScoreTable.Row row, String column) {
        return switch (column) {
            case "mq" -> row.mq();
            case "vq" -> row.vq();
            case "mq_raw" -> row.quality().mqRaw();
            case "vq_raw" -> row.quality().vqRaw();
            case "flow_magnitude" -> row.quality().motion().magnitude();
            case "flow_coherence" -> row.quality().motion().coherence();
            case "sharpness" -> row.quality().visual().sharpness();
            case "noise" -> row.quality().visual().noise();
            case "blockiness" -> row.quality().visual().blockiness();
            default -> throw new IllegalStateException("unknown ScoreTable column " + column);
        };
    }
}
