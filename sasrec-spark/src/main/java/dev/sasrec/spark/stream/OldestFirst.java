package dev.sasrec.spark.stream;

import dev.sasrec.spark.internal.RefillingIterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;

import java.util.Comparator;
import java.util.Iterator;

/**
 * Hands a micro-batch's refreshes to scoring oldest first: each run of up to {@code window} refreshes of a partition
 * (in a steady stream, the whole partition) is sorted by the time of the user's earliest new event, then by user.
 * Scoring takes a partition's users in the order they come and each batch leaves as soon as it is scored, so the
 * users whose events waited longest for the micro-batch to start are served first: an event's latency is then its
 * wait for the trigger or the micro-batch's scoring time, whichever is longer, rather than their sum. The order is a
 * function of the partition's rows, so a retried task emits the same rows in the same order.
 */
final class OldestFirst implements MapPartitionsFunction<Refresh, Refresh> {

    private static final long serialVersionUID = 1L;
    /** Refreshes sorted together at most: about 25 MB of histories of 50 items. */
    static final int WINDOW = 65_536;
    private static final Comparator<Refresh> ORDER = Comparator.comparingLong(Refresh::getFirstEventMillis)
            .thenComparing(Refresh::getUser);

    private final int window;

    OldestFirst() {
        this(WINDOW);
    }

    /** @param window refreshes read and sorted together at most */
    OldestFirst(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window: invalid value " + window + ", expected an integer >= 1");
        }
        this.window = window;
    }

    @Override
    public Iterator<Refresh> call(Iterator<Refresh> input) {
        return new RefillingIterator<>(input::hasNext, run -> {
            while (run.size() < window && input.hasNext()) {
                run.add(input.next());
            }
            run.sort(ORDER);
        });
    }
}
