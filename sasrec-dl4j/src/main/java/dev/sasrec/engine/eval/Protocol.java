package dev.sasrec.engine.eval;

/** Leave-one-out ranking protocol; every metric carries its protocol so the two are never mixed. */
public enum Protocol {
    /** The paper's protocol: the true item ranked among itself and 100 items the user never interacted with. */
    SAMPLED_100("sampled"),
    /** Every item scored, the user's input history excluded, the true item ranked among the rest. */
    FULL("full");

    private final String label;

    Protocol(String label) {
        this.label = label;
    }

    /** Short label used in metric names, e.g. {@code full_ndcg10}. */
    public String label() {
        return label;
    }
}
