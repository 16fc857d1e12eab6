package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A network in plain Java form, to broadcast to executors and rebuild there.
 *
 * @param key      identifies the network within a JVM's scorer cache
 * @param config   engine configuration as {@link SasRecConfig#toMap()}
 * @param numItems catalogue size
 * @param params   flat parameters
 */
record NetworkState(String key, LinkedHashMap<String, String> config, int numItems, float[] params) implements Serializable {

    static NetworkState of(String key, SasRecNetwork network) {
        return new NetworkState(key, new LinkedHashMap<>(network.config().toMap()), network.numItems(),
                network.parameters().data().asFloat());
    }

    SasRecNetwork network() {
        Map<String, String> m = config;
        return new SasRecNetwork(SasRecConfig.fromMap(m), numItems, Nd4j.createFromArray(params));
    }
}
