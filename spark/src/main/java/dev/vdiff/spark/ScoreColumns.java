package dev.vdiff.spark;

import dev.vdiff.reference.tqd.score.ClipQuality;
import dev.vdiff.reference.tqd.score.ScoreTable;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * The columns of the job's three tables, all named after {@code vdiff score}'s CSV ({@link ScoreTable#COLUMNS}),
 * so the two stay in step:
 *
 * <pre>
 * inputs  id, uri, path                                                       one row per clip, id = rank of path
 * raw     id, path, mq_raw, vq_raw, flow_magnitude, ..., blockiness, error    pass 1 (per clip)
 * scores  path, mq_raw, vq_raw, mq, vq, flow_magnitude, ..., blockiness, error  pass 2 (normalised over all rows)
 * </pre>
 *
 * <p>A clip that could not be scored has null numbers and says why in {@code error}; a scored clip has a null
 * {@code error}.
 */
final class ScoreColumns {
    static final String ID = "id", URI = "uri", PATH = "path", ERROR = "error";
    /** The normalised scores, known only in pass 2. */
    static final String MQ = "mq", VQ = "vq", MQ_RAW = "mq_raw", VQ_RAW = "vq_raw";

    /** {@link ScoreTable#COLUMNS} without path, mq and vq: the numbers one clip gives on its own. */
    static final List<String> MEASURES = ScoreTable.COLUMNS.stream()
        .filter(c -> !c.equals(PATH) && !c.equals(MQ) && !c.equals(VQ)).toList();

    static final StructType INPUTS = new StructType()
        .add(ID, DataTypes.LongType, false)
        .add(URI, DataTypes.StringType, false)
        .add(PATH, DataTypes.StringType, false);

    static final StructType RAW = raw();

    /** The published table: {@link ScoreTable#COLUMNS} in order, then {@code error}. */
    static final StructType SCORES = scores(false);

    /** {@link #SCORES} with the {@code id} first, to sort by before it is dropped. */
    static final StructType SCORES_WITH_ID = scores(true);

    private ScoreColumns() {}

    /** The value of raw column {@code column} for a scored clip. */
    static double measure(String column, ClipQuality q) {
        return switch (column) {
            case MQ_RAW -> q.mqRaw();
            case VQ_RAW -> q.vqRaw();
            case "flow_magnitude" -> q.motion().magnitude();
            case "flow_coherence" -> q.motion().coherence();
            case "sharpness" -> q.visual().sharpness();
            case "noise" -> q.visual().noise();
            case "blockiness" -> q.visual().blockiness();
            default -> throw new IllegalStateException("ScoreTable has a column '" + column + "' that the Spark job does not know: add it to ScoreColumns.measure");
        };
    }

    private static StructType raw() {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField(ID, DataTypes.LongType, false));
        f.add(DataTypes.createStructField(PATH, DataTypes.StringType, false));
        for (String m : MEASURES) f.add(DataTypes.createStructField(m, DataTypes.DoubleType, true));
        f.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        return DataTypes.createStructType(f);
    }

    private static StructType scores(boolean withId) {
        List<StructField> f = new ArrayList<>();
        if (withId) f.add(DataTypes.createStructField(ID, DataTypes.LongType, false));
        for (String c : ScoreTable.COLUMNS) {
            f.add(c.equals(PATH) ? DataTypes.createStructField(c, DataTypes.StringType, false)
                : DataTypes.createStructField(c, DataTypes.DoubleType, true));
        }
        f.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        return DataTypes.createStructType(f);
    }
}
