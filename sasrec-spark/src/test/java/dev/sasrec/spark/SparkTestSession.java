package dev.sasrec.spark;

import org.apache.spark.sql.SparkSession;

/** One local SparkSession (two cores, no UI, few shuffle partitions) shared by every test class of the module. */
public final class SparkTestSession {

    private static SparkSession spark;

    private SparkTestSession() {
    }

    /** The shared session, created on first use. */
    public static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("sasrec-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.default.parallelism", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.sql.session.timeZone", "UTC")
                    .getOrCreate();
        }
        return spark;
    }
}
