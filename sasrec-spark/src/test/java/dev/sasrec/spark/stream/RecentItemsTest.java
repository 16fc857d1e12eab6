package dev.sasrec.spark.stream;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** A user's history merged with a micro-batch's events, against the order the merge documents, spelled out. */
class RecentItemsTest {

    /** An event of the reference: held events sort before new ones at the same time, new ones by item id. */
    private record Event(String item, long time, boolean isNew, int index) { }

    @Test
    void mergingKeepsTheLastNInEventTimeOrderWithHeldItemsBeforeNewOnesAtTheSameTime() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + random.nextInt(8);
            RecentItems held = new RecentItems();
            long clock = 0;
            for (int round = 0; round < 4; round++) {
                int count = random.nextInt(5);
                String[] items = new String[count];
                long[] times = new long[count];
                for (int i = 0; i < count; i++) {
                    items[i] = "i" + random.nextInt(30);
                    // mostly later than everything held (the fast path), sometimes at the same time or earlier
                    times[i] = random.nextInt(4) == 0 ? clock - random.nextInt(3) : clock + random.nextInt(3);
                }
                clock += 2;
                List<Event> expected = new ArrayList<>();
                for (int i = 0; i < held.getItems().length; i++) {
                    expected.add(new Event(held.getItems()[i], held.getTimes()[i], false, i));
                }
                for (int i = 0; i < count; i++) {
                    expected.add(new Event(items[i], times[i], true, i));
                }
                expected.sort(Comparator.comparingLong(Event::time).thenComparing(Event::isNew)
                        .thenComparing((a, b) -> a.isNew() ? a.item().compareTo(b.item()) : Integer.compare(a.index(), b.index())));
                List<Event> kept = expected.subList(Math.max(0, expected.size() - n), expected.size());
                held = held.merge(items, times, n);
                assertArrayEquals(kept.stream().map(Event::item).toArray(String[]::new), held.getItems(), "trial " + trial);
                assertArrayEquals(kept.stream().mapToLong(Event::time).toArray(), held.getTimes(), "trial " + trial);
            }
        }
    }
}
