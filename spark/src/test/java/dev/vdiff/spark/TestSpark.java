package dev.vdiff.spark;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.net.URI;

/**
 * One local SparkSession for every test class of this module (starting one takes about 5 s), and a test file
 * system that makes the job take its non-local path.
 */
final class TestSpark {
    private static SparkSession session;

    private TestSpark() {}

    /** {@code local[2]} bound to the loopback, no UI, few shuffle partitions; stopped when the JVM exits. */
    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("vdiff-spark-test")
                .config("spark.ui.enabled", "false")
                // Tests talk to themselves on the loopback only (never another interface of the machine).
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.hadoop.fs.vtest.impl", FlakyFileSystem.class.getName())
                .config("spark.hadoop.fs.vtest.impl.disable.cache", "true")
                .getOrCreate();
            session.sparkContext().setLogLevel("ERROR");
            SparkSession s = session;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        }
        return session;
    }

    /**
     * The local disk under the scheme {@code vtest:}, so the job sees a non-local file system (it copies each clip
     * before decoding, as from HDFS or S3); opening the file whose path is {@link #failOn} throws, like a lost
     * datanode.
     */
    public static final class FlakyFileSystem extends RawLocalFileSystem {
        static volatile String failOn;

        @Override
        public URI getUri() {
            return URI.create("vtest:///");
        }

        @Override
        public String getScheme() {
            return "vtest";
        }

        @Override
        public FSDataInputStream open(Path f, int bufferSize) throws IOException {
            if (f.toUri().getPath().equals(failOn)) throw new IOException("simulated read failure of " + f);
            return super.open(f, bufferSize);
        }
    }
}
