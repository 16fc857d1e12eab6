package dev.sasrec.spark.params;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import scala.Function1;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spark params defined with their default in one expression, so that params shared through interfaces (whose
 * default methods cannot hold fields) are each defined once: name, documentation, valid values and default.
 *
 * <p>A param object is made on each call of its accessor; Spark compares params by owner and name, so every call
 * stands for the same param. Each call also notes the param's default for the owner's class; {@link #initialise},
 * called from every stage's constructor, lists the stage's params and sets those defaults, so that they are in place
 * before a value is read, copied or saved.
 */
public final class DefaultedParams {

    /** Defaults by owner class and param name; the same for every instance of a class. */
    private static final Map<String, Object> DEFAULTS = new ConcurrentHashMap<>();

    private DefaultedParams() {
    }

    /** Sets the default of every param of {@code owner} made here: call it at the end of each stage's constructor. */
    @SuppressWarnings("unchecked")
    public static void initialise(Params owner) {
        for (Param<?> param : owner.params()) {
            Object value = DEFAULTS.get(key(owner, param.name()));
            if (value != null) {
                owner.setDefault((Param<Object>) param, value);
            }
        }
    }

    /** A string param with a default. */
    public static Param<String> string(Params owner, String name, String doc, String defaultValue) {
        return withDefault(owner, new Param<>(owner, name, doc + "; default " + shown(defaultValue)), defaultValue);
    }

    /** A string param with a default and its only valid values. */
    public static Param<String> choice(Params owner, String name, String doc, String defaultValue, String... allowed) {
        Param<String> p = new Param<>(owner, name, doc + " (" + String.join(" | ", allowed) + "); default " + defaultValue,
                ParamValidators.inArray(allowed));
        return withDefault(owner, p, defaultValue);
    }

    /** An int param with a default, at least {@code min}. */
    public static IntParam atLeast(Params owner, String name, String doc, int defaultValue, int min) {
        return withDefault(owner, new IntParam(owner, name, doc + " (>= " + min + "); default " + defaultValue,
                ParamValidators.gtEq(min)), defaultValue);
    }

    /** A long param with a default, at least {@code min}. */
    public static LongParam atLeast(Params owner, String name, String doc, long defaultValue, long min) {
        return withDefault(owner, new LongParam(owner, name, doc + " (>= " + min + "); default " + defaultValue,
                ParamValidators.gtEq(min)), defaultValue);
    }

    /** A double param with a default, at least {@code min}. */
    public static DoubleParam atLeast(Params owner, String name, String doc, double defaultValue, double min) {
        return withDefault(owner, new DoubleParam(owner, name, doc + " (>= " + shown(min) + "); default " + shown(defaultValue),
                ParamValidators.gtEq(min)), defaultValue);
    }

    /** A boolean param with a default. */
    public static BooleanParam flag(Params owner, String name, String doc, boolean defaultValue) {
        return withDefault(owner, new BooleanParam(owner, name, doc + "; default " + defaultValue), defaultValue);
    }

    /** An int param with a default and a validator (null: any value); {@code doc} states the range. */
    static IntParam integer(Params owner, String name, String doc, int defaultValue, Function1<Object, Object> valid) {
        return withDefault(owner, valid == null ? new IntParam(owner, name, doc) : new IntParam(owner, name, doc, valid),
                defaultValue);
    }

    /** A long param with a default and a validator (null: any value); {@code doc} states the range. */
    static LongParam longInteger(Params owner, String name, String doc, long defaultValue, Function1<Object, Object> valid) {
        return withDefault(owner, valid == null ? new LongParam(owner, name, doc) : new LongParam(owner, name, doc, valid),
                defaultValue);
    }

    /** A double param with a default and a validator (null: any value); {@code doc} states the range. */
    static DoubleParam real(Params owner, String name, String doc, double defaultValue, Function1<Object, Object> valid) {
        return withDefault(owner, valid == null ? new DoubleParam(owner, name, doc) : new DoubleParam(owner, name, doc, valid),
                defaultValue);
    }

    /** A string param with a default and a validator; {@code doc} states the valid values. */
    static Param<String> text(Params owner, String name, String doc, String defaultValue, Function1<String, Object> valid) {
        return withDefault(owner, new Param<>(owner, name, doc, valid), defaultValue);
    }

    /** Sets {@code param} of {@code owner} and returns the owner as its own type, for setters of shared params. */
    @SuppressWarnings("unchecked")
    public static <S, T> S set(Params owner, Param<T> param, T value) {
        owner.set(param, value);
        return (S) owner;
    }

    private static <P extends Param<?>> P withDefault(Params owner, P param, Object value) {
        DEFAULTS.putIfAbsent(key(owner, param.name()), value);
        return param;
    }

    private static String key(Params owner, String name) {
        return owner.getClass().getName() + "#" + name;
    }

    private static String shown(Object value) {
        return "".equals(value) ? "empty" : String.valueOf(value);
    }

    private static String shown(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
