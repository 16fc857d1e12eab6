package dev.sasrec.engine.model;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One hyper-parameter of {@link SasRecConfig} as its {@link Hyper} definition describes it: name, type, default,
 * valid range and documentation, with parsing, formatting and validation derived from them. The list of all of
 * them ({@link #all()}) is the record's components in declaration order.
 *
 * <p>Types: {@code int}, {@code long}, {@code double} (always finite), {@code boolean} and enums, whose values are
 * written as their lower-case names.
 */
public final class HyperParameter {

    private static final List<HyperParameter> ALL;
    private static final Map<String, HyperParameter> BY_NAME;

    static {
        RecordComponent[] components = SasRecConfig.class.getRecordComponents();
        HyperParameter[] all = new HyperParameter[components.length];
        Map<String, HyperParameter> byName = new LinkedHashMap<>();
        for (int i = 0; i < components.length; i++) {
            all[i] = new HyperParameter(components[i], i);
            byName.put(all[i].name, all[i]);
        }
        ALL = List.of(all);
        BY_NAME = Collections.unmodifiableMap(byName);
    }

    private final RecordComponent component;
    private final int index;
    private final String name;
    private final Class<?> type;
    private final Hyper definition;
    private final Object defaultValue;

    private HyperParameter(RecordComponent component, int index) {
        this.component = component;
        this.index = index;
        this.name = component.getName();
        this.type = component.getType();
        this.definition = component.getAnnotation(Hyper.class);
        if (definition == null) {
            throw new IllegalStateException("SasRecConfig." + name + " has no @Hyper definition");
        }
        this.defaultValue = parse(definition.defaultValue());
        validate(defaultValue);
    }

    /** Every hyper-parameter, in the order of {@link SasRecConfig}'s components. */
    public static List<HyperParameter> all() {
        return ALL;
    }

    /** The hyper-parameter called {@code name}; an unknown name is an error that names it. */
    public static HyperParameter named(String name) {
        HyperParameter p = BY_NAME.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown configuration key '" + name + "', expected one of "
                    + String.join(", ", BY_NAME.keySet()));
        }
        return p;
    }

    /** The names of the hyper-parameters that fix the network's shapes (see {@link Hyper#architecture()}). */
    public static List<String> architecture() {
        return ALL.stream().filter(p -> p.definition.architecture()).map(p -> p.name).toList();
    }

    /** The name, as in configuration files and Spark params. */
    public String name() {
        return name;
    }

    /** The value type: {@code int.class}, {@code long.class}, {@code double.class}, {@code boolean.class} or an enum. */
    public Class<?> type() {
        return type;
    }

    /** The default value, boxed ({@code Integer}, ..., or the enum constant). */
    public Object defaultValue() {
        return defaultValue;
    }

    /** What it means. */
    public String doc() {
        return definition.doc();
    }

    /** The valid values in words, as error messages and documentation show them: {@code an integer >= 1}. */
    public String expected() {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(HyperParameter::key).collect(Collectors.joining(", "));
        }
        if (type == boolean.class) {
            return "true or false";
        }
        String what = type == double.class ? "a finite value" : "an integer";
        boolean lower = definition.min() != Double.NEGATIVE_INFINITY;
        boolean upper = definition.max() != Double.POSITIVE_INFINITY;
        if (lower && upper) {
            return (type == double.class ? "a value" : "an integer") + " in " + (definition.minExclusive() ? "(" : "[")
                    + number(definition.min()) + ", " + number(definition.max()) + (definition.maxExclusive() ? ")" : "]");
        }
        if (lower) {
            return what + (definition.minExclusive() ? " > " : " >= ") + number(definition.min());
        }
        if (upper) {
            return what + (definition.maxExclusive() ? " < " : " <= ") + number(definition.max());
        }
        return type == double.class ? "a finite value" : "an integer";
    }

    /** Smallest valid value of a number, and whether it is excluded (for Spark's validators). */
    public double min() {
        return definition.min();
    }

    /** Whether {@link #min()} is excluded. */
    public boolean minExclusive() {
        return definition.minExclusive();
    }

    /** Largest valid value of a number. */
    public double max() {
        return definition.max();
    }

    /** Whether {@link #max()} is excluded. */
    public boolean maxExclusive() {
        return definition.maxExclusive();
    }

    /** Parses a value written as in a configuration file; the error names the hyper-parameter and the text. */
    public Object parse(String text) {
        String v = text.trim();
        try {
            if (type == int.class) {
                return Integer.parseInt(v);
            } else if (type == long.class) {
                return Long.parseLong(v);
            } else if (type == double.class) {
                return Double.parseDouble(v);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": cannot parse '" + v + "' as a number", e);
        }
        if (type == boolean.class) {
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(v);
            }
            throw new IllegalArgumentException(name + ": cannot parse '" + v + "' as a boolean (true or false)");
        }
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equalsIgnoreCase(v)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(name + ": unknown value '" + v + "', expected " + expected());
    }

    /**
     * {@code value} as this hyper-parameter's type: a value of the type itself (boxed), a smaller integer for a
     * {@code long} or {@code double}, or text to {@link #parse}. Anything else is an error naming the value.
     */
    public Object coerce(Object value) {
        if (value instanceof String s) {
            return parse(s);
        }
        if (type == int.class && value instanceof Integer
                || type == long.class && (value instanceof Long || value instanceof Integer)
                || type == double.class && (value instanceof Double || value instanceof Float || value instanceof Integer
                || value instanceof Long)
                || type == boolean.class && value instanceof Boolean
                || type.isEnum() && type.isInstance(value)) {
            return type == long.class ? (Object) ((Number) value).longValue()
                    : type == double.class ? (Object) ((Number) value).doubleValue() : value;
        }
        throw new IllegalArgumentException(name + ": invalid value " + value + " of type "
                + (value == null ? "null" : value.getClass().getSimpleName()) + ", expected " + expected());
    }

    /** Throws, naming the hyper-parameter, the value and what was expected, unless {@code value} is valid. */
    public void validate(Object value) {
        boolean ok;
        if (value == null) {
            ok = false;
        } else if (type == double.class || type == int.class || type == long.class) {
            double x = ((Number) value).doubleValue();
            ok = Double.isFinite(x)
                    && (definition.minExclusive() ? x > definition.min() : x >= definition.min())
                    && (definition.maxExclusive() ? x < definition.max() : x <= definition.max());
        } else {
            ok = true;
        }
        if (!ok) {
            throw new IllegalArgumentException(name + ": invalid value " + value + ", expected " + expected());
        }
    }

    /** The value as written in configuration files: enums as {@link #key}, numbers and booleans as Java prints them. */
    public String format(Object value) {
        return type.isEnum() ? key(value) : String.valueOf(value);
    }

    /** This hyper-parameter's value in {@code config}, boxed. */
    public Object valueIn(SasRecConfig config) {
        try {
            return component.getAccessor().invoke(config);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read SasRecConfig." + name, e);
        }
    }

    int index() {
        return index;
    }

    /** An enum constant's lower-case name. */
    static String key(Object constant) {
        return ((Enum<?>) constant).name().toLowerCase(Locale.ROOT);
    }

    private static String number(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    @Override
    public String toString() {
        return name + " (" + expected() + "; default " + format(defaultValue) + ")";
    }
}
