package dev.sasrec.jobs;

import com.typesafe.config.Config;
import dev.sasrec.engine.score.Scorer;
import dev.sasrec.spark.recommend.SASRecModel;
import dev.sasrec.spark.sessions.Sessionizer;
import dev.sasrec.spark.stream.StreamingRecommender;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

/**
 * The {@code stream} command: two streaming queries over the events of {@link EventStream}, one writing each
 * refreshed user's recommendations ({@link StreamingRecommender} on the model at {@code output.model}), one writing
 * the events that cannot be read, with their reason, as dead letters; both checkpointed under
 * {@code stream.checkpoint}. Every micro-batch's counts are logged. Runs until stopped, or with the
 * {@code available-now} trigger until what has arrived is processed.
 */
final class StreamJob {

    private static final Logger LOG = LoggerFactory.getLogger(StreamJob.class);
    static final String RECOMMENDATIONS = "sasrec-recommendations";
    static final String DEAD_LETTERS = "sasrec-dead-letters";

    private final Config cfg;
    private final Config stream;
    private final SparkSession spark;

    StreamJob(Config sasrec, SparkSession spark) {
        this.cfg = sasrec;
        this.stream = sasrec.getConfig("stream");
        this.spark = spark;
    }

    /** Starts both queries and waits for them; a query that fails stops the other and fails the command. */
    void run(SASRecModel trained) throws Exception {
        String checkpoint = stream.getString("checkpoint");
        if (checkpoint.isEmpty()) {
            throw new IllegalArgumentException("configuration key sasrec.stream.checkpoint is empty; a stream needs a "
                    + "checkpoint location (a directory on a reliable file system) to keep its offsets and state");
        }
        String sink = stream.getString("sink").toLowerCase(Locale.ROOT);
        if (!List.of("parquet", "kafka", "console").contains(sink)) {
            throw new IllegalArgumentException("configuration key sasrec.stream.sink: value " + sink
                    + ", expected parquet, kafka or console");
        }
        spark.conf().set("spark.sql.streaming.stateStore.providerClass",
                "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
        SASRecModel model = trained.copy(new org.apache.spark.ml.param.ParamMap())
                .setK(cfg.getInt("recommend.k")).setExcludeSeen(cfg.getBoolean("recommend.exclude-seen"))
                .setExplorationTemperature(cfg.getDouble("recommend.exploration-temperature"));
        StreamingRecommender recommender = new StreamingRecommender(model).setUserCol(EventLog.USER)
                .setItemCol(EventLog.ITEM).setTimeCol(EventLog.TIME)
                .setWatermarkDelay(stream.getString("watermark-delay"))
                .setStateTimeToLiveSeconds(stream.getLong("state-ttl-seconds"))
                .setHistoryLength(stream.getInt("history-length"));

        Dataset<Row> events = new EventStream(cfg).read(spark);
        Dataset<Row> parsed = events.select(col(EventLog.USER), col(EventLog.ITEM), col(EventLog.TIME));
        Dataset<Row> recommendations = stream.getBoolean("seed-from-input")
                ? recommender.transform(parsed, batchHistories()) : recommender.transform(parsed);
        Dataset<Row> deadLetters = events.filter(col(EventStream.REASON).isNotNull())
                .select(col(EventStream.EVENT), col(EventStream.REASON), current_timestamp().as("receivedAt"));

        StreamingQueryListener progress = new ProgressLog();
        spark.streams().addListener(progress);
        StreamingQuery recs = start(recommendations, sink, RECOMMENDATIONS, checkpoint + "/recommendations",
                cfg.getString("output.stream"), stream.getString("kafka.output-topic"));
        StreamingQuery dead;
        try {
            dead = start(deadLetters, sink, DEAD_LETTERS, checkpoint + "/dead-letters",
                    cfg.getString("output.dead-letters"), stream.getString("kafka.dead-letter-topic"));
        } catch (Exception e) {   // Spark's sinks may throw checked Hadoop exceptions here
            recs.stop();
            throw e;
        }
        LOG.info("streaming {} into {} (checkpoint {}; driver JVM's top-K through the Vector API: {})",
                stream.getString("source"), sink, checkpoint, Scorer.usesVectorApi());
        try {
            // Until both have ended; a query that failed throws here, and the other is stopped below.
            while (recs.isActive() || dead.isActive()) {
                for (StreamingQuery q : List.of(recs, dead)) {
                    if (!q.isActive()) {
                        q.awaitTermination();
                    }
                }
                (recs.isActive() ? recs : dead).awaitTermination(500);
            }
            recs.awaitTermination();
            dead.awaitTermination();
        } finally {
            recs.stop();
            dead.stop();
            spark.streams().removeListener(progress);
        }
    }

    private StreamingQuery start(Dataset<Row> rows, String sink, String name, String checkpoint, String path,
                                 String topic) throws Exception {
        DataStreamWriter<Row> writer;
        if (sink.equals("kafka")) {
            if (topic.isEmpty()) {
                throw new IllegalArgumentException("sasrec.stream.sink = kafka needs sasrec.stream.kafka.output-topic "
                        + "and sasrec.stream.kafka.dead-letter-topic");
            }
            Dataset<Row> records = rows.select((name.equals(RECOMMENDATIONS) ? col(EventLog.USER).cast("string")
                    : col(EventStream.EVENT)).as("key"), to_json(struct(col("*"))).as("value"));
            writer = records.writeStream().format("kafka")
                    .option("kafka.bootstrap.servers", stream.getString("kafka.bootstrap-servers")).option("topic", topic);
        } else if (sink.equals("parquet")) {
            writer = rows.writeStream().format("parquet").option("path", path);
        } else {
            writer = rows.writeStream().format("console").option("truncate", "false");
        }
        String trigger = stream.getString("trigger");
        return writer.queryName(name).outputMode("append").option("checkpointLocation", checkpoint)
                .trigger(trigger.equalsIgnoreCase("available-now") ? Trigger.AvailableNow() : Trigger.ProcessingTime(trigger))
                .start();
    }

    /** Each user's raw items in time order from the batch log (input.*), to seed the stream's state. */
    private Dataset<Row> batchHistories() {
        EventLog log = new EventLog(cfg);
        return new Sessionizer().setOutputCol(EventLog.ITEM).setTimeUnit(log.timeUnit()).setHandleInvalid("skip")
                .transform(log.read(spark));
    }

    /**
     * Logs every micro-batch's counts: events, invalid ones (each one also a dead letter), late ones, unknown items,
     * refreshed users, users in state.
     */
    private static final class ProgressLog extends StreamingQueryListener {
        @Override
        public void onQueryStarted(QueryStartedEvent event) {
        }

        @Override
        public void onQueryProgress(QueryProgressEvent event) {
            StreamingQueryProgress p = event.progress();
            if (RECOMMENDATIONS.equals(p.name())) {
                Map<String, Object> counts = new TreeMap<>();
                p.observedMetrics().forEach((name, row) -> {
                    for (String field : row.schema().fieldNames()) {
                        counts.put(field, row.getAs(field));
                    }
                });
                long late = p.stateOperators().length == 0 ? 0 : p.stateOperators()[0].numRowsDroppedByWatermark();
                long stateUsers = p.stateOperators().length == 0 ? 0 : p.stateOperators()[0].numRowsTotal();
                LOG.info("stream batch {}: {}, {} late events dropped, {} users in state, {} ms", p.batchId(), counts,
                        late, stateUsers, p.batchDuration());
            }
        }

        @Override
        public void onQueryTerminated(QueryTerminatedEvent event) {
        }
    }
}
