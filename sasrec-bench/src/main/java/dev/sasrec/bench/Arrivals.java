package dev.sasrec.bench;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.runtime.MemoryStream;
import org.apache.spark.sql.execution.streaming.runtime.MemoryStream$;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Events that arrive in real time, as from a message queue: a thread appends every few milliseconds the events due
 * at {@code rate} per second since it started (each a uniformly drawn user and item) to an in-memory stream, each
 * stamped with the wall-clock time it was appended. An event's time is thus its arrival, and the next micro-batch
 * reads it. (Spark's {@code rate} source, by contrast, hands out each second's events only when that second ends.)
 */
final class Arrivals {

    /** Columns: user and item as text, the arrival time. */
    static final StructType SCHEMA = new StructType().add("user", DataTypes.StringType, false)
            .add("item", DataTypes.StringType, false).add("timestamp", DataTypes.TimestampType, false);
    private static final long APPEND_EVERY_MS = 5;

    private final MemoryStream<Row> stream;
    private final int rate;
    private final long users;
    private final int items;
    private final SplittableRandom random = new SplittableRandom(42);
    private final Thread thread = new Thread(this::run, "arrivals");
    private volatile boolean running = true;

    /**
     * @param partitions the stream's partitions
     * @param rate       events per second
     * @param users      users drawn from ids 0 .. users - 1
     * @param items      items drawn from ids 1 .. items
     */
    Arrivals(SparkSession spark, int partitions, int rate, long users, int items) {
        this.stream = new MemoryStream<>(MemoryStream$.MODULE$.memoryStreamId().getAndIncrement(), spark,
                Option.apply(partitions), Encoders.row(SCHEMA));
        this.rate = rate;
        this.users = users;
        this.items = items;
        thread.setDaemon(true);
    }

    /** The stream, as a streaming frame. */
    Dataset<Row> frame() {
        return stream.toDF();
    }

    /**
     * Appends one event, so that the query runs its first micro-batch (which seeds the state), waits until that
     * batch has run (idle triggers report progress too, with no input) and only then starts arrivals at the rate:
     * no backlog of the seeding's minutes to drain.
     */
    void startAfterSeeding(StreamingQuery query) throws InterruptedException {
        append(1);
        while (java.util.Arrays.stream(query.recentProgress()).noneMatch(p -> p.numInputRows() > 0)) {
            if (!query.isActive()) {
                return;
            }
            Thread.sleep(100);
        }
        thread.start();
    }

    /** Stops the arrivals. */
    void stop() throws InterruptedException {
        running = false;
        thread.join();
    }

    private void run() {
        long start = System.nanoTime();
        long appended = 0;
        try {
            while (running) {
                long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                if (due > appended) {
                    append((int) (due - appended));
                    appended = due;
                }
                Thread.sleep(APPEND_EVERY_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void append(int count) {
        Timestamp now = new Timestamp(System.currentTimeMillis());
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(RowFactory.create(Long.toString(random.nextLong(users)),
                    Integer.toString(random.nextInt(1, items + 1)), now));
        }
        stream.addData(CollectionConverters.asScala(rows));
    }
}
