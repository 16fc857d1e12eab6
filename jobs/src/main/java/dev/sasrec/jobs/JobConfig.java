package dev.sasrec.jobs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.sasrec.engine.model.HyperParameter;
import dev.sasrec.engine.model.Recipe;

import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The jobs' configuration: {@code reference.conf} (every key with its default, shipped in the jar and kept in
 * {@code conf/}), then an optional file ({@code --config FILE}), then {@code -Dkey=value} arguments and JVM system
 * properties under {@code sasrec.}, each overriding the one before. Validated when loaded: a key the reference does
 * not have, or a value of the wrong type, fails with a message that names the key.
 */
public final class JobConfig {

    /** Root of every key. */
    public static final String ROOT = "sasrec";

    private final Config config;

    private JobConfig(Config config) {
        this.config = config;
    }

    /** The validated {@code sasrec} tree. */
    public Config config() {
        return config;
    }

    /**
     * The settings of {@code sasrec.spark.conf} by their Spark names, whether a key was written quoted
     * ({@code "spark.sql.shuffle.partitions" = 8}) or as a plain HOCON path ({@code spark.sql.shuffle.partitions = 8},
     * which HOCON nests).
     */
    public Map<String, String> sparkSettings() {
        Map<String, String> settings = new java.util.TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : config.getConfig("spark.conf").entrySet()) {
            settings.put(String.join(".", ConfigUtil.splitPath(e.getKey())), e.getValue().unwrapped().toString());
        }
        return settings;
    }

    /**
     * Loads and validates a configuration.
     *
     * @param file      a HOCON file overriding the reference, or null
     * @param overrides {@code key=value} pairs overriding both (keys with or without the {@code sasrec.} prefix)
     */
    public static JobConfig load(File file, List<String> overrides) {
        Config reference = ConfigFactory.parseResourcesAnySyntax(JobConfig.class.getClassLoader(), "reference");
        Config merged = reference;
        if (file != null) {
            if (!file.isFile()) {
                throw new IllegalArgumentException("--config " + file + ": no such file");
            }
            merged = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)).withFallback(merged);
        }
        StringBuilder args = new StringBuilder();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("override '" + o + "': expected key=value, e.g. sasrec.model.maxEpochs=5");
            }
            String key = o.substring(0, eq).trim();
            if (!key.startsWith(ROOT + ".")) {
                key = ROOT + "." + key;
            }
            args.append(key).append(" = ").append(quoteIfNeeded(o.substring(eq + 1).trim())).append('\n');
        }
        Config system = ConfigFactory.systemProperties().withOnlyPath(ROOT);
        if (!system.hasPath(ROOT)) {
            system = ConfigFactory.empty();
        }
        merged = ConfigFactory.parseString(args.toString()).withFallback(system).withFallback(merged).resolve();
        Config resolvedReference = reference.resolve();
        rejectUnknownKeys(merged, resolvedReference);
        try {
            merged.checkValid(resolvedReference, ROOT);
        } catch (ConfigException.ValidationFailed e) {
            List<String> problems = new ArrayList<>();
            for (ConfigException.ValidationProblem p : e.problems()) {
                problems.add("configuration key " + p.path() + ": " + p.problem());
            }
            throw new IllegalArgumentException(String.join("; ", problems), e);
        }
        checkTypes(merged, resolvedReference);
        checkInput(merged.getConfig(ROOT + ".input"));
        return new JobConfig(withRecipe(merged, resolvedReference).getConfig(ROOT));
    }

    /**
     * A named recipe ({@code sasrec.model.recipe}) replaces the reference's values of the hyper-parameters it sets;
     * a value the file or an override sets itself keeps precedence.
     */
    private static Config withRecipe(Config merged, Config reference) {
        String name = merged.getString(ROOT + ".model.recipe");
        if (name.equals("none")) {
            return merged;
        }
        Recipe recipe;
        try {
            recipe = Recipe.named(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration key " + ROOT + ".model.recipe: invalid value '" + name
                    + "', expected none or one of " + Recipe.keys(), e);
        }
        Config out = merged;
        for (Map.Entry<String, String> setting : recipe.settings().entrySet()) {
            String path = ROOT + ".model." + setting.getKey();
            boolean fromReference = merged.getValue(path).origin().description()
                    .equals(reference.getValue(path).origin().description());
            if (fromReference) {
                HyperParameter p = HyperParameter.named(setting.getKey());
                Object value = p.parse(setting.getValue());
                out = out.withValue(path, ConfigValueFactory.fromAnyRef(p.type().isEnum() ? p.format(value) : value,
                        "recipe " + recipe.key()));
            }
        }
        return out;
    }

    /** A path given with the generated log would be ignored: the job would train on generated data instead. */
    private static void checkInput(Config input) {
        String path = input.getString("path");
        if (input.getString("format").equalsIgnoreCase("generated") && !path.isEmpty()) {
            throw new IllegalArgumentException("configuration key " + ROOT + ".input.path: value '" + path
                    + "' is unused because " + ROOT + ".input.format = generated (" + input.getValue("format").origin()
                    .description() + "); set " + ROOT + ".input.format to csv, tsv, parquet or json to read it, "
                    + "or leave the path empty to train on the generated log");
        }
    }

    /**
     * Reads every key as its reference's type: HOCON's own validation lets a string stand for a boolean or a
     * number, which would only fail when the job reads it.
     */
    private static void checkTypes(Config merged, Config reference) {
        for (Map.Entry<String, ConfigValue> e : reference.withOnlyPath(ROOT).entrySet()) {
            String key = e.getKey();
            Object ref = e.getValue().unwrapped();
            try {
                if (ref instanceof Boolean) {
                    merged.getBoolean(key);
                } else if (ref instanceof Integer) {
                    merged.getInt(key);
                } else if (ref instanceof Long) {
                    merged.getLong(key);
                } else if (ref instanceof Number) {
                    merged.getDouble(key);
                }
            } catch (ConfigException.WrongType | ConfigException.BadValue ex) {
                throw new IllegalArgumentException("configuration key " + key + ": value "
                        + merged.getValue(key).render(com.typesafe.config.ConfigRenderOptions.concise()) + " is not a "
                        + (ref instanceof Boolean ? "boolean" : ref instanceof Integer ? "32-bit integer"
                        : ref instanceof Long ? "integer" : "number") + " (" + merged.origin().description() + ")", ex);
            }
        }
    }

    /** Values that HOCON would not read as a single value (paths with ':' or '/', Spark masters) are quoted. */
    private static String quoteIfNeeded(String value) {
        if (value.startsWith("\"") || value.startsWith("[") || value.startsWith("{")
                || value.matches("-?[0-9.eE+-]+|true|false|null")) {
            return value;
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void rejectUnknownKeys(Config merged, Config reference) {
        Set<String> known = new TreeSet<>();
        for (Map.Entry<String, ConfigValue> e : reference.entrySet()) {
            known.add(e.getKey());
        }
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : merged.withOnlyPath(ROOT).entrySet()) {
            String key = e.getKey();
            if (!known.contains(key) && !isOpenSection(key)) {
                unknown.add(key + nearest(key, known));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown configuration key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (every key is listed in conf/reference.conf)");
        }
    }

    /** Sections whose keys are free: extra Spark settings. */
    private static boolean isOpenSection(String key) {
        return key.startsWith(ROOT + ".spark.conf.");
    }

    private static String nearest(String key, Set<String> known) {
        return known.stream().min(Comparator.comparingInt(k -> distance(k, key)))
                .filter(k -> distance(k, key) <= Math.max(2, key.length() / 5))
                .map(k -> " (did you mean " + k + "?)").orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
