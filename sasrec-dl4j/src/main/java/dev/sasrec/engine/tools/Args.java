package dev.sasrec.engine.tools;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Minimal {@code --key value} / {@code --flag} command-line parsing; unknown options are errors naming the option. */
final class Args {

    private final Map<String, String> values = new HashMap<>();

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
        String v = values.get(key);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": '" + v + "' is not an integer");
        }
    }

    double getDouble(String key, double def) {
        String v = values.get(key);
        try {
            return v == null ? def : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + ": '" + v + "' is not a number");
        }
    }

    boolean flag(String key) {
        return values.containsKey(key);
    }
}
