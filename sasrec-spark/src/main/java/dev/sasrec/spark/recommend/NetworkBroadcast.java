package dev.sasrec.spark.recommend;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The one broadcast of a model's network, shared by the model and its copies: made on the first scoring call,
 * reused by every later one, and destroyed by {@link SASRecModel#unpersist()} (a later call broadcasts again).
 */
final class NetworkBroadcast {

    private final NetworkState state;
    private Broadcast<NetworkState> broadcast;
    private SparkContext context;

    NetworkBroadcast(NetworkState state) {
        this.state = state;
    }

    /** The network in plain form, as executors rebuild it. */
    NetworkState state() {
        return state;
    }

    /** The broadcast in {@code sc}, made on first use (and again after {@link #destroy} or in a new context). */
    synchronized Broadcast<NetworkState> in(SparkContext sc) {
        if (broadcast == null || context != sc) {
            broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(state);
            context = sc;
        }
        return broadcast;
    }

    /** Removes the broadcast from the executors and the driver, if there is one. */
    synchronized void destroy() {
        if (broadcast != null) {
            if (!context.isStopped()) {
                broadcast.destroy();
            }
            broadcast = null;
            context = null;
        }
    }
}
