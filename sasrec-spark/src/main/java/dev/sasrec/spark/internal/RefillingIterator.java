package dev.sasrec.spark.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * An iterator over values made a group at a time, as a partition's rows are scored in batches: while the current
 * group is used up and {@code more} says there is input left, {@code refill} puts the next group into the list it
 * is given. Holds one group at a time.
 *
 * @param <T> the values
 */
public final class RefillingIterator<T> implements Iterator<T> {

    private final BooleanSupplier more;
    private final Consumer<List<T>> refill;
    private final List<T> ready = new ArrayList<>();
    private int next;

    /**
     * @param more   whether input is left to make a group from
     * @param refill adds the next group's values to the (empty) list it is given
     */
    public RefillingIterator(BooleanSupplier more, Consumer<List<T>> refill) {
        this.more = more;
        this.refill = refill;
    }

    @Override
    public boolean hasNext() {
        while (next >= ready.size() && more.getAsBoolean()) {
            ready.clear();
            next = 0;
            refill.accept(ready);
        }
        return next < ready.size();
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.get(next++);
    }
}
