package dev.sasrec.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The benchmarks' {@code --key value} and {@code --flag} options; an unknown option is an error naming it. */
final class Args {

    private final Map<String, String> values = new HashMap<>();

    /** Options that take a value, no flags. */
    Args(String[] argv, Set<String> options) {
        this(argv, options, Set.of());
    }

    Args(String[] argv, Set<String> options, Set<String> flags) {
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key = a.substring(2);
            if (flags.contains(key)) {
                values.put(key, "true");
            } else if (options.contains(key)) {
                if (i + 1 >= argv.length) {
                    throw new IllegalArgumentException("option --" + key + " needs a value");
                }
                values.put(key, argv[++i]);
            } else {
                throw new IllegalArgumentException("unknown option --" + key + "; known: " + options + " " + flags);
            }
        }
    }

    String get(String key, String def) {
        return values.getOrDefault(key, def);
    }

    int getInt(String key, int def) {
        return parsed(key, def, "an integer", Integer::valueOf);
    }

    long getLong(String key, long def) {
        return parsed(key, def, "an integer", Long::valueOf);
    }

    double getDouble(String key, double def) {
        return parsed(key, def, "a number", Double::valueOf);
    }

    boolean flag(String key) {
        return values.containsKey(key);
    }

    private <T> T parsed(String key, T def, String what, Function<String, T> parse) {
        String v = values.get(key);
        try {
            return v == null ? def : parse.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": '" + v + "' is not " + what);
        }
    }
}
