package dev.sasrec.engine;

import java.util.Locale;

/** Training objective of the SASRec engine. */
public enum Loss {
    /** The paper's binary cross-entropy with one negative per position, drawn from items the user never interacted with. */
    BCE,
    /** Full softmax cross-entropy over the whole catalogue ("SASRec+"). */
    CE,
    /** Sampled softmax: the target against {@code numNegatives} uniformly drawn items shared by the batch. */
    SAMPLED;

    /** Parses {@code bce}, {@code ce} or {@code sampled} (case-insensitive). */
    public static Loss parse(String name) {
        for (Loss l : values()) {
            if (l.name().equalsIgnoreCase(name.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("loss: unknown value '" + name + "', expected one of bce, ce, sampled");
    }

    /** The lower-case name used in configuration files and command lines. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
