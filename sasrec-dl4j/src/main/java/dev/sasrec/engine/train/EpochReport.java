package dev.sasrec.engine.train;

/**
 * What one training epoch did.
 *
 * @param epoch              1-based epoch number
 * @param loss               mean batch loss
 * @param sequencesPerSecond training throughput
 * @param seconds            wall time of the epoch
 * @param elapsedSeconds     wall time since training started
 * @param etaSeconds         estimated time to the last planned epoch
 * @param validationNdcg10   validation NDCG@10 when evaluated this epoch, otherwise NaN
 */
public record EpochReport(int epoch, double loss, double sequencesPerSecond, double seconds, double elapsedSeconds,
                          double etaSeconds, double validationNdcg10) {

    /** One progress line: epoch, loss, sequences/s, elapsed and ETA. */
    public String progressLine(int epochs) {
        String line = String.format(java.util.Locale.ROOT,
                "epoch %d/%d loss %.4f  %.0f seq/s  epoch %.1fs  elapsed %s  eta %s",
                epoch, epochs, loss, sequencesPerSecond, seconds, clock(elapsedSeconds), clock(etaSeconds));
        if (!Double.isNaN(validationNdcg10)) {
            line += String.format(java.util.Locale.ROOT, "  valid NDCG@10 %.4f", validationNdcg10);
        }
        return line;
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
