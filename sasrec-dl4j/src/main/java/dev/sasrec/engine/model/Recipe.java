package dev.sasrec.engine.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A named training recipe: a loss and the hyper-parameters that go with it, as chosen on MovieLens-1M's validation split
 * (docs/MODEL.md). Every recipe sets the same hyper-parameters ({@link #hyperParameters()}), so applying one after another leaves
 * nothing of the first; a value set after the recipe overrides it.
 */
public enum Recipe {
    /** The paper's: BCE with one negative per position, d = 50, dropout 0.2. */
    PAPER(Map.of("loss", "bce", "hiddenUnits", "50", "dropout", "0.2")),
    /**
     * Full softmax cross-entropy ("SASRec+"), d = 128, dropout 0.2, learning rate 0.002, every window of a long
     * history trained.
     */
    CE(Map.of("loss", "ce", "hiddenUnits", "128", "dropout", "0.2", "learningRate", "0.002", "allWindows", "true")),
    /** Softmax over 3,000 negatives shared by the batch, d = 64, dropout 0.1. */
    SAMPLED_CE(Map.of("loss", "sampled", "numNegatives", "3000", "hiddenUnits", "64", "dropout", "0.1")),
    /**
     * gSASRec's: gBCE with 256 negatives per position and calibration t = 0.75, d = 64, dropout 0.1, learning rate
     * 0.002, every window (the settings it was measured with).
     */
    GBCE(Map.of("loss", "gbce", "numNegatives", "256", "gbceCalibration", "0.75", "hiddenUnits", "64", "dropout", "0.1",
            "learningRate", "0.002", "allWindows", "true"));

    private final Map<String, String> settings;

    Recipe(Map<String, String> named) {
        Map<String, String> all = new LinkedHashMap<>();
        for (String key : Keys.ALL) {
            HyperParameter p = HyperParameter.named(key);
            all.put(key, named.getOrDefault(key, p.format(p.defaultValue())));
        }
        if (!Keys.ALL.containsAll(named.keySet())) {
            throw new IllegalStateException(name() + " sets hyper-parameters outside " + Keys.ALL);
        }
        this.settings = Collections.unmodifiableMap(all);
    }

    /** The hyper-parameters every recipe sets, those it does not name to their defaults. */
    public static List<String> hyperParameters() {
        return Keys.ALL;
    }

    /** The recipe called {@code name} ({@code paper}, {@code ce}, {@code sampled-ce}, {@code gbce}). */
    public static Recipe named(String name) {
        for (Recipe r : values()) {
            if (r.key().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("recipe: invalid value '" + name + "', expected one of " + keys());
    }

    /** Every recipe's name, comma-separated. */
    public static String keys() {
        return Arrays.stream(values()).map(Recipe::key).collect(Collectors.joining(", "));
    }

    /** The name used in configuration files, Spark params and command lines. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The hyper-parameters this recipe sets, by name, as configuration text, in {@link #hyperParameters()} order. */
    public Map<String, String> settings() {
        return settings;
    }

    private static final class Keys {
        static final List<String> ALL = List.of("loss", "numNegatives", "gbceCalibration", "hiddenUnits", "dropout",
                "learningRate", "allWindows");
    }

    /** Sets this recipe's hyper-parameters on {@code builder}. */
    public SasRecConfig.Builder applyTo(SasRecConfig.Builder builder) {
        settings.forEach(builder::set);
        return builder;
    }
}
