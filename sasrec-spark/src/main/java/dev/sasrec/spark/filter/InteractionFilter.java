package dev.sasrec.spark.filter;

import dev.sasrec.spark.schema.Columns;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
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
    private final Param<String> userCol;
    private final Param<String> itemCol;
    private final IntParam minUserInteractions;
    private final IntParam minItemInteractions;
    private final IntParam maxIterations;

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
        userCol = new Param<>(this, "userCol", "user id column; default user");
        itemCol = new Param<>(this, "itemCol", "item id column; default item");
        minUserInteractions = new IntParam(this, "minUserInteractions",
                "keep users with at least this many events (>= 1); default 5", ParamValidators.gtEq(1));
        minItemInteractions = new IntParam(this, "minItemInteractions",
                "keep items with at least this many events (>= 1); default 5", ParamValidators.gtEq(1));
        maxIterations = new IntParam(this, "maxIterations", "most filtering rounds (>= 1); default 50",
                ParamValidators.gtEq(1));
        setDefault(userCol, "user");
        setDefault(itemCol, "item");
        setDefault(minUserInteractions, 5);
        setDefault(minItemInteractions, 5);
        setDefault(maxIterations, 50);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** @return user column param */
    public Param<String> userCol() { return userCol; }
    /** @return item column param */
    public Param<String> itemCol() { return itemCol; }
    /** @return minimum events per user param */
    public IntParam minUserInteractions() { return minUserInteractions; }
    /** @return minimum events per item param */
    public IntParam minItemInteractions() { return minItemInteractions; }
    /** @return maximum rounds param */
    public IntParam maxIterations() { return maxIterations; }

    /** @param v user column */
    public InteractionFilter setUserCol(String v) { set(userCol, v); return this; }
    /** @param v item column */
    public InteractionFilter setItemCol(String v) { set(itemCol, v); return this; }
    /** @param v minimum events per user */
    public InteractionFilter setMinUserInteractions(int v) { set(minUserInteractions, v); return this; }
    /** @param v minimum events per item */
    public InteractionFilter setMinItemInteractions(int v) { set(minItemInteractions, v); return this; }
    /** @param v maximum rounds */
    public InteractionFilter setMaxIterations(int v) { set(maxIterations, v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        Columns.existing(schema, $(userCol));
        Columns.existing(schema, $(itemCol));
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
        String user = $(userCol);
        String item = $(itemCol);
        int minUser = (Integer) $(minUserInteractions);
        int minItem = (Integer) $(minItemInteractions);
        Dataset<Row> current = dataset.toDF().persist(StorageLevel.MEMORY_AND_DISK());
        long eventsIn = current.count();
        long usersIn = current.select(user).distinct().count();
        long itemsIn = current.select(item).distinct().count();
        long size = eventsIn;
        int iterations = 0;
        boolean converged = false;
        while (iterations < (Integer) $(maxIterations)) {
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
