package dev.sasrec.jobs;

import dev.sasrec.engine.data.SyntheticLog;
import dev.sasrec.engine.data.UserSequences;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * A generated raw interaction log shaped like a real one (Zipf popularity, user tastes, a hidden next-item rule and
 * noise, see {@link SyntheticLog}), for the embedded local run and the notebooks: string users {@code u1..}, string
 * items {@code i1..} and epoch-second times, one event a minute per user, in columns {@code user}, {@code item},
 * {@code timestamp}.
 */
public final class SampleLog {

    private SampleLog() {
    }

    /**
     * The log as a DataFrame.
     *
     * @param shape users, items, history lengths and how next items are chosen ({@link SyntheticLog#DEMO}: the
     *              embedded demo's)
     * @param seed  the generator's seed: the same seed gives the same log
     */
    public static Dataset<Row> generate(SparkSession spark, SyntheticLog shape, long seed) {
        UserSequences data = shape.generate(seed);
        List<Row> rows = new ArrayList<>();
        long start = 1_700_000_000L;
        for (int u = 0; u < data.numUsers(); u++) {
            int[] s = data.sequences()[u];
            for (int i = 0; i < s.length; i++) {
                rows.add(RowFactory.create("u" + (u + 1), "i" + s[i], start + u * 7L + 60L * i));
            }
        }
        StructType schema = new StructType().add(EventLog.USER, DataTypes.StringType, false)
                .add(EventLog.ITEM, DataTypes.StringType, false).add(EventLog.TIME, DataTypes.LongType, false);
        return spark.createDataFrame(new JavaSparkContext(spark.sparkContext())
                .parallelize(rows, Math.max(4, rows.size() / 20_000)), schema);
    }
}
