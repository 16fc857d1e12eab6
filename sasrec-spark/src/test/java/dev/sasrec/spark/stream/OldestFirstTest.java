package dev.sasrec.spark.stream;

import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The order in which a partition's refreshes reach scoring. */
class OldestFirstTest {

    private static Refresh refresh(String user, long firstEventMillis) {
        return new Refresh(user, new int[]{1}, new Timestamp(firstEventMillis + 5), firstEventMillis, 0);
    }

    private static List<String> users(Iterator<Refresh> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(r -> out.add(r.getUser()));
        return out;
    }

    @Test
    void refreshesComeOldestFirstEventFirstThenByUser() throws Exception {
        List<Refresh> in = List.of(refresh("a", 30), refresh("b", 10), refresh("d", 20), refresh("c", 20), refresh("e", 5));
        assertEquals(List.of("e", "b", "c", "d", "a"), users(new OldestFirst().call(in.iterator())));
    }

    @Test
    void aLongPartitionIsSortedARunOfTheWindowAtATime() throws Exception {
        List<Refresh> in = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            in.add(refresh("u" + i, 100 - i));
        }
        // runs of 3: u0 u1 u2 | u3 u4 u5 | u6, each reversed by its times
        assertEquals(List.of("u2", "u1", "u0", "u5", "u4", "u3", "u6"), users(new OldestFirst(3).call(in.iterator())));
        assertEquals(List.of(), users(new OldestFirst(3).call(List.<Refresh>of().iterator())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OldestFirst(0));
        assertEquals("window: invalid value 0, expected an integer >= 1", e.getMessage());
    }
}
