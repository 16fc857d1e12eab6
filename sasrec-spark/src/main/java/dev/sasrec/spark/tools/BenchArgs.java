package dev.sasrec.spark.tools;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --key value} options of the Spark benchmarks; unknown options are errors naming the option. */
final class BenchArgs {

    private final Map<String, String> values = new HashMap<>();

    BenchArgs(String[] argv, Set<String> options) {
        for (int i = 0; i < argv.length; i++) {
            String key = argv[i].startsWith("--") ? argv[i].substring(2) : null;
            if (key == null || !options.contains(key) || i + 1 >= argv.length) {
                throw new IllegalArgumentException("unexpected argument '" + argv[i] + "'; options: " + options);
            }
            values.put(key, argv[++i]);
        }
    }

    String get(String key, String def) {
        return values.getOrDefault(key, def);
    }

    int getInt(String key, int def) {
        try {
            return Integer.parseInt(get(key, Integer.toString(def)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": '" + get(key, "") + "' is not an integer");
        }
    }

    long getLong(String key, long def) {
        try {
            return Long.parseLong(get(key, Long.toString(def)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": '" + get(key, "") + "' is not an integer");
        }
    }
}
