package dev.sasrec.spark.stream;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user's state kept as appended chunks, against the last n of all their events in the documented order. */
class HistoryChunksTest {

    /** An event of the reference: ordered by time, then micro-batch, then (within its micro-batch) item id. */
    private record Event(String item, long time, int batch) { }

    @Test
    void foldingAppendedChunksGivesTheWindowOfEveryEventSoFarAndTheChunksStayBounded() {
        SplittableRandom random = new SplittableRandom(5);
        int rewrites = 0;
        int appends = 0;
        for (int trial = 0; trial < 1000; trial++) {
            int n = 1 + random.nextInt(20);
            List<RecentItems> store = new ArrayList<>();
            List<Event> events = new ArrayList<>();
            for (int batch = 0; batch < 40; batch++) {
                int count = 1 + (random.nextInt(4) == 0 ? random.nextInt(2 * n + 2) : random.nextInt(2));
                String[] items = new String[count];
                long[] times = new long[count];
                for (int i = 0; i < count; i++) {
                    items[i] = "i" + random.nextInt(30);
                    times[i] = batch / 2 + random.nextInt(4);   // ties, and events older than what is held
                    events.add(new Event(items[i], times[i], batch));
                }
                HistoryChunks.Update u = HistoryChunks.update(store.iterator(), items, times, n);
                if (u.rewrite()) {
                    store = new ArrayList<>(List.of(u.window()));
                    rewrites++;
                } else {
                    store.add(u.appended());
                    appends++;
                }
                List<Event> sorted = new ArrayList<>(events);
                sorted.sort(Comparator.comparingLong(Event::time).thenComparingInt(Event::batch).thenComparing(Event::item));
                List<Event> kept = sorted.subList(Math.max(0, sorted.size() - n), sorted.size());
                String where = "trial " + trial + ", n " + n + ", batch " + batch;
                assertArrayEquals(kept.stream().map(Event::item).toArray(String[]::new), u.window().getItems(), where);
                assertArrayEquals(kept.stream().mapToLong(Event::time).toArray(), u.window().getTimes(), where);
                assertTrue(store.size() <= Math.min(HistoryChunks.MAX_CHUNKS, n), where + ": " + store.size() + " chunks");
                assertTrue(store.stream().mapToInt(c -> c.getItems().length).sum() <= 2 * n, where);
            }
        }
        assertTrue(rewrites > 1000 && appends > 1000, rewrites + " rewrites, " + appends + " appends");
    }

    @Test
    void aUserWithoutStateIsWrittenWholeAndAnAppendCarriesTheNewEventsOnly() {
        HistoryChunks.Update first = HistoryChunks.update(List.<RecentItems>of().iterator(), new String[]{"b", "a"},
                new long[]{5, 5}, 3);
        assertTrue(first.rewrite());
        assertArrayEquals(new String[]{"a", "b"}, first.window().getItems());
        HistoryChunks.Update next = HistoryChunks.update(List.of(first.window()).iterator(), new String[]{"c"},
                new long[]{4}, 3);
        assertEquals(false, next.rewrite());
        assertArrayEquals(new String[]{"c"}, next.appended().getItems());
        assertArrayEquals(new String[]{"c", "a", "b"}, next.window().getItems());
    }
}
