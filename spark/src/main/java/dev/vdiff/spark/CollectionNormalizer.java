package dev.vdiff.spark;

import dev.vdiff.reference.tqd.ScoreNormalization;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Pass 2, on the executors: adds {@code mq} and {@code vq} to every raw row, normalised over the whole collection
 * with the project's own {@link ScoreNormalization} (SPEC §2.1), fitted on the raw scores of every scored clip —
 * the same function over the same numbers as {@code vdiff score}, so the same bits.
 *
 * <p>The driver collects the raw {@code mq_raw} and {@code vq_raw} of the scored clips (16 bytes a clip: 160 MB for
 * ten million clips) and broadcasts them; each executor JVM fits the normalisation once per broadcast (a sort),
 * then applies it row by row. Rows with an error keep null scores.
 *
 * <p>Row layout in: {@link ScoreColumns#RAW}; out: {@link ScoreColumns#SCORES_WITH_ID}.
 */
final class CollectionNormalizer implements FlatMapFunction<Iterator<Row>, Row> {
    private final Broadcast<double[][]> raw;   // {mq_raw[], vq_raw[]} of the scored clips, any order
    private final ScoreNormalization normalization;

    /**
     * The last fit in this JVM: tasks of one job share it instead of sorting again. Keyed by the identity of the
     * broadcast value (the block manager hands every task of an executor the same object), not by the broadcast
     * id, which restarts at 0 with every SparkContext.
     */
    private static volatile Fitted last;

    private record Fitted(double[][] scores, ScoreNormalization normalization, ScoreNormalization.Normalizer mq, ScoreNormalization.Normalizer vq) {}

    CollectionNormalizer(Broadcast<double[][]> raw, ScoreNormalization normalization) {
        this.raw = raw;
        this.normalization = normalization;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Fitted f = fitted();
        int mqRawCol = ScoreColumns.RAW.fieldIndex(ScoreColumns.MQ_RAW), vqRawCol = ScoreColumns.RAW.fieldIndex(ScoreColumns.VQ_RAW);
        String[] out = ScoreColumns.SCORES_WITH_ID.fieldNames();
        List<Row> result = new ArrayList<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            boolean scored = r.isNullAt(ScoreColumns.RAW.fieldIndex(ScoreColumns.ERROR));
            Object[] v = new Object[out.length];
            for (int i = 0; i < out.length; i++) {
                v[i] = switch (out[i]) {
                    case ScoreColumns.MQ -> scored ? f.mq().apply(r.getDouble(mqRawCol)) : null;
                    case ScoreColumns.VQ -> scored ? f.vq().apply(r.getDouble(vqRawCol)) : null;
                    default -> r.get(ScoreColumns.RAW.fieldIndex(out[i]));
                };
            }
            result.add(RowFactory.create(v));
        }
        return result.iterator();
    }

    private Fitted fitted() {
        double[][] scores = raw.value();
        Fitted f = last;
        if (f != null && f.scores() == scores && f.normalization() == normalization) return f;
        synchronized (CollectionNormalizer.class) {
            f = last;
            if (f != null && f.scores() == scores && f.normalization() == normalization) return f;
            f = new Fitted(scores, normalization, normalization.fit(scores[0]), normalization.fit(scores[1]));
            last = f;
            return f;
        }
    }
}
