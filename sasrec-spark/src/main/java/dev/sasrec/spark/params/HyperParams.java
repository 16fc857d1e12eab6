package dev.sasrec.spark.params;

import dev.sasrec.engine.model.HyperParameter;
import dev.sasrec.engine.model.SasRecConfig;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import scala.Function1;

import java.util.Arrays;

/**
 * The engine's hyper-parameters ({@link HyperParameter}, defined on {@link SasRecConfig}'s components) as Spark
 * params: name, documentation, valid range and default all come from the engine's definition, so a stage only names
 * the ones it exposes.
 */
public final class HyperParams {

    private HyperParams() {
    }

    /** The int hyper-parameter {@code name} as a param of {@code owner}. */
    public static IntParam integer(Params owner, String name) {
        HyperParameter h = typed(name, int.class);
        return DefaultedParams.integer(owner, name, doc(h), (Integer) h.defaultValue(), range(h));
    }

    /** The long hyper-parameter {@code name} as a param of {@code owner}. */
    public static LongParam longInteger(Params owner, String name) {
        HyperParameter h = typed(name, long.class);
        return DefaultedParams.longInteger(owner, name, doc(h), (Long) h.defaultValue(), range(h));
    }

    /** The double hyper-parameter {@code name} as a param of {@code owner}. */
    public static DoubleParam real(Params owner, String name) {
        HyperParameter h = typed(name, double.class);
        return DefaultedParams.real(owner, name, doc(h), (Double) h.defaultValue(), range(h));
    }

    /** The boolean hyper-parameter {@code name} as a param of {@code owner}. */
    public static BooleanParam flag(Params owner, String name) {
        HyperParameter h = typed(name, boolean.class);
        return DefaultedParams.flag(owner, name, h.doc(), (Boolean) h.defaultValue());
    }

    /** The enum hyper-parameter {@code name} as a string param of {@code owner}, valid values its lower-case names. */
    public static Param<String> choice(Params owner, String name) {
        HyperParameter h = HyperParameter.named(name);
        if (!h.type().isEnum()) {
            throw new IllegalStateException(name + " is a " + h.type() + ", not a choice");
        }
        String[] keys = Arrays.stream(h.type().getEnumConstants()).map(h::format).toArray(String[]::new);
        return DefaultedParams.text(owner, name, doc(h), h.format(h.defaultValue()), ParamValidators.inArray(keys));
    }

    /** The engine configuration {@code owner}'s current values describe, validated by the engine. */
    public static SasRecConfig toConfig(Params owner) {
        SasRecConfig.Builder b = SasRecConfig.builder();
        for (HyperParameter h : HyperParameter.all()) {
            b.set(h.name(), owner.getOrDefault(owner.getParam(h.name())));
        }
        return b.build();
    }

    private static HyperParameter typed(String name, Class<?> type) {
        HyperParameter h = HyperParameter.named(name);
        if (h.type() != type) {
            throw new IllegalStateException(name + " is a " + h.type() + ", not a " + type);
        }
        return h;
    }

    private static String doc(HyperParameter h) {
        return h.doc() + " (" + h.expected() + "); default " + h.format(h.defaultValue());
    }

    /** Spark's validator of {@code h}'s range; null when every value of its type is valid. */
    private static <T> Function1<T, Object> range(HyperParameter h) {
        boolean lower = h.min() != Double.NEGATIVE_INFINITY;
        boolean upper = h.max() != Double.POSITIVE_INFINITY;
        if (lower && upper) {
            return ParamValidators.inRange(h.min(), h.max(), !h.minExclusive(), !h.maxExclusive());
        }
        if (lower) {
            return h.minExclusive() ? ParamValidators.gt(h.min()) : ParamValidators.gtEq(h.min());
        }
        if (upper) {
            return h.maxExclusive() ? ParamValidators.lt(h.max()) : ParamValidators.ltEq(h.max());
        }
        return null;
    }
}
