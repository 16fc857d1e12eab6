package dev.sasrec.spark.filter;

import dev.sasrec.spark.params.DefaultedParams;
import dev.sasrec.spark.schema.Columns;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.apache.spark.sql.functions.col;

/**
 * The paper's k-core preparation of an interaction log: drops users with fewer than {@code minUserInteractions}
 * events and items with fewer than {@code minItemInteractions}, repeatedly, until no more need dropping (removing
 * items can push users under the bar and back). {@link #filter} also reports what was removed; {@link #transform}
 * logs the same report. Each round is materialised, so the log is read a few times.
 */
public final class InteractionFilter extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(InteractionFilter.class);

    private final String uid;

    /** What a filter run removed. */
    public record Report(long eventsIn, long eventsOut, long usersIn, long usersOut, long itemsIn, long itemsOut,
                         int iterations, boolean converged) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "InteractionFilter: %d of %d events kept (%d removed), %d of %d users, %d of %d items, "
                            + "%d iteration(s)%s", eventsOut, eventsIn, eventsIn - eventsOut, usersOut, usersIn,
                    itemsOut, itemsIn, iterations, converged ? "" : ", stopped at maxIterations before converging");
        }
    }

    /** The filtered events and the report. */
    public record Result(Dataset<Row> events, Report report) { }

    /** A filter with a random uid. */
    public InteractionFilter() {
        this(Identifiable$.MODULE$.randomUID("interactionFilter"));
    }

    /** A filter with the given uid. */
    public InteractionFilter(String uid) {
        this.uid = uid;
        DefaultedParams.initialise(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return user id column param */
    public Param<String> userCol() { return DefaultedParams.string(this, "userCol", "user id column", "user"); }
    /** @return user id column */
    public String getUserCol() { return getOrDefault(userCol()); }
    /** @param v user id column */
    public InteractionFilter setUserCol(String v) { set(userCol(), v); return this; }

    /** @return item id column param */
    public Param<String> itemCol() { return DefaultedParams.string(this, "itemCol", "item id column", "item"); }
    /** @return item id column */
    public String getItemCol() { return getOrDefault(itemCol()); }
    /** @param v item id column */
    public InteractionFilter setItemCol(String v) { set(itemCol(), v); return this; }

    /** @return least events a kept user has param */
    public IntParam minUserInteractions() {
        return DefaultedParams.atLeast(this, "minUserInteractions",
                "keep users with at least this many events", 5, 1);
    }
    /** @return least events a kept user has */
    public int getMinUserInteractions() { return (Integer) getOrDefault(minUserInteractions()); }
    /** @param v least events a kept user has */
    public InteractionFilter setMinUserInteractions(int v) { set(minUserInteractions(), v); return this; }

    /** @return least events a kept item has param */
    public IntParam minItemInteractions() {
        return DefaultedParams.atLeast(this, "minItemInteractions",
                "keep items with at least this many events", 5, 1);
    }
    /** @return least events a kept item has */
    public int getMinItemInteractions() { return (Integer) getOrDefault(minItemInteractions()); }
    /** @param v least events a kept item has */
    public InteractionFilter setMinItemInteractions(int v) { set(minItemInteractions(), v); return this; }

    /** @return most filtering rounds param */
    public IntParam maxIterations() {
        return DefaultedParams.atLeast(this, "maxIterations",
                "most filtering rounds", 50, 1);
    }
    /** @return most filtering rounds */
    public int getMaxIterations() { return (Integer) getOrDefault(maxIterations()); }
    /** @param v most filtering rounds */
    public InteractionFilter setMaxIterations(int v) { set(maxIterations(), v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        Columns.existing(schema, getUserCol());
        Columns.existing(schema, getItemCol());
        return schema;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Result r = filter(dataset);
        LOG.info("{}", r.report());
        return r.events();
    }

    /** Filters {@code dataset} and reports what was removed. The result is persisted; unpersist it when done. */
    public Result filter(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String user = getUserCol();
        String item = getItemCol();
        int minUser = getMinUserInteractions();
        int minItem = getMinItemInteractions();
        Dataset<Row> current = dataset.toDF().persist(StorageLevel.MEMORY_AND_DISK());
        long eventsIn = current.count();
        long usersIn = current.select(user).distinct().count();
        long itemsIn = current.select(item).distinct().count();
        long size = eventsIn;
        int iterations = 0;
        boolean converged = false;
        while (iterations < getMaxIterations()) {
            iterations++;
            Dataset<Row> users = current.groupBy(user).count().filter(col("count").geq(minUser)).select(user);
            Dataset<Row> items = current.groupBy(item).count().filter(col("count").geq(minItem)).select(item);
            Dataset<Row> next = current.join(users, current.col(user).equalTo(users.col(user)), "left_semi")
                    .join(items, current.col(item).equalTo(items.col(item)), "left_semi")
                    .localCheckpoint(true);
            long nextSize = next.count();
            current.unpersist();
            current = next;
            if (nextSize == size) {
                converged = true;
                break;
            }
            size = nextSize;
        }
        Report report = new Report(eventsIn, size, usersIn, current.select(user).distinct().count(),
                itemsIn, current.select(item).distinct().count(), iterations, converged);
        return new Result(current, report);
    }

    @Override
    public InteractionFilter copy(ParamMap extra) { return defaultCopy(extra); }

    /** Reader of saved filters ({@code Pipeline} loading calls it). */
    public static MLReader<InteractionFilter> read() { return new DefaultParamsReader<>(); }
    /** Loads a filter saved with {@code write()}. */
    public static InteractionFilter load(String path) { return read().load(path); }
}
