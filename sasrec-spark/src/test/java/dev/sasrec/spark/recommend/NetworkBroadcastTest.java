package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.spark.SequenceFrames;
import dev.sasrec.spark.SparkTestSession;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A model broadcasts its network once for all scoring calls and its copies, until it is unpersisted. */
class NetworkBroadcastTest {

    private static final SasRecNetwork NETWORK = SasRecNetwork.initialise(
            SasRecConfig.builder().set("hiddenUnits", 8).set("maxLen", 5).set("numBlocks", 1).build(), 20);

    @Test
    void oneBroadcastServesEveryCallUntilItIsDestroyed() {
        SparkContext sc = SparkTestSession.get().sparkContext();
        NetworkBroadcast shared = new NetworkBroadcast(NetworkState.of("n", NETWORK));
        Broadcast<NetworkState> first = shared.in(sc);
        assertSame(first, shared.in(sc), "a second call reuses the broadcast");
        shared.destroy();
        Broadcast<NetworkState> again = shared.in(sc);
        assertNotEquals(first.id(), again.id(), "after destroy a new broadcast is made");
        assertEquals(NETWORK.numItems(), again.value().numItems());
        shared.destroy();
        shared.destroy();
    }

    @Test
    void anUnpersistedModelAndItsCopiesStillScore() {
        Dataset<Row> histories = SequenceFrames.of(SparkTestSession.get(), new int[][]{{1, 2, 3}, {4, 5}});
        SASRecModel model = SASRecModel.fromNetwork(NETWORK, null).setK(3);
        long before = model.transform(histories).count();
        SASRecModel copy = model.copy(org.apache.spark.ml.param.ParamMap.empty()).setK(2);
        assertEquals(before, copy.transform(histories).count());
        model.unpersist();
        assertEquals(before, copy.transform(histories).count(), "the copy broadcasts again after the shared one is gone");
        assertEquals(before, model.transform(histories).count());
        model.unpersist();
    }
}
