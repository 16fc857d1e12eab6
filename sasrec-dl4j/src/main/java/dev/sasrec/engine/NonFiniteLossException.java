package dev.sasrec.engine;

/** Training produced a NaN or infinite loss; names the epoch and step where it happened. */
public final class NonFiniteLossException extends ArithmeticException {

    private final int epoch;
    private final int step;

    NonFiniteLossException(int epoch, int step, double loss) {
        super("loss is " + loss + " at epoch " + epoch + ", step " + step
                + "; lower the learning rate or check the input data");
        this.epoch = epoch;
        this.step = step;
    }

    /** 1-based epoch. */
    public int epoch() {
        return epoch;
    }

    /** 1-based optimisation step since training started. */
    public int step() {
        return step;
    }
}
