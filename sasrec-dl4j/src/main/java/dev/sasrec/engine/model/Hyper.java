package dev.sasrec.engine.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The definition of one hyper-parameter, on its component of {@link SasRecConfig}: its meaning, default and valid
 * range. Everything else about it (the builder, validation, the configuration maps, the Spark param and its
 * default, warm-start compatibility) is derived from this definition by {@link HyperParameter}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Hyper {

    /** What the hyper-parameter means, without its range or default (both are added where it is shown). */
    String doc();

    /** The default, as it would be written in a configuration file ({@code 50}, {@code 0.2}, {@code bce}). */
    String defaultValue();

    /** Smallest valid value of a number. */
    double min() default Double.NEGATIVE_INFINITY;

    /** Whether {@link #min()} itself is invalid. */
    boolean minExclusive() default false;

    /** Largest valid value of a number. */
    double max() default Double.POSITIVE_INFINITY;

    /** Whether {@link #max()} itself is invalid. */
    boolean maxExclusive() default false;

    /**
     * Whether it fixes the shapes of the network's parameters, so that a warm start needs the same value in the
     * previous model.
     */
    boolean architecture() default false;
}
