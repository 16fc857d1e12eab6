package dev.sasrec.engine.loss;

import dev.sasrec.engine.internal.Blas;
import dev.sasrec.engine.internal.ItemRowGradients;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One training objective on top of the encoder's output F [B, m, d]: which items it draws for a pass, how it
 * becomes part of a training graph, and how the gradients of the item rows it reads go back into the item table.
 * A training backend asks its head for these parts and never asks which loss it is.
 *
 * <p>Targets are the padded [B][m] next items (0 where a position has no target); a loss is the mean over the
 * positions with a target. Heads are stateless apart from their configuration: the random draws come in through
 * {@link #draw}, so that a pass's draws are made on one thread in pass order.
 */
public interface LossHead {

    /** Name of the scalar loss a training graph must define (marked as its loss). */
    String LOSS = "loss";
    /** Placeholder [B, m, d] of dL/dF for heads computed outside the graph (see {@link #outsideGraph}). */
    String OUTPUT_GRADIENT = "output_grad";

    /** What a head drew for one pass (negatives), opaque to the backend. */
    interface Draws {
    }

    /**
     * Draws what the pass needs beyond its targets.
     *
     * @param seen     per user, the sorted distinct items the user interacted with
     * @param numItems catalogue size N (items 1..N)
     */
    Draws draw(int[][] targets, int[][] seen, int numItems, SplittableRandom sampler);

    /**
     * Adds the loss to a training graph whose encoder output is {@code output} [B, m, d], as a scalar named
     * {@link #LOSS}. A head computed outside the graph adds the surrogate sum(F * {@link #OUTPUT_GRADIENT}), whose
     * gradients are the true ones.
     */
    void addToGraph(SameDiff sd, SDVariable output, int d);

    /**
     * Puts the pass's placeholders for this head into {@code placeholders}, reading item rows from
     * {@code itemTable} (the item embedding, row 0 being padding, positioned at row 0).
     */
    void addPlaceholders(Map<String, INDArray> placeholders, int[][] targets, Draws draws, FloatBuffer itemTable, int d);

    /** Placeholders holding item-embedding rows whose gradients {@link #scatter} adds into the item table. */
    List<String> rowInputs();

    /**
     * Whether the loss is computed outside the graph from the encoder output ({@link #outsideGraph}); the default,
     * false, has it inside the graph.
     */
    default boolean computedOutsideGraph() {
        return false;
    }

    /**
     * For a head {@link #computedOutsideGraph() computed outside the graph}: the loss and its gradients from the
     * encoder output {@code output} [B * m * d, row-major] and the item table (see {@link #lossOnRows}), with the
     * calling thread's {@code blas}.
     */
    default OutputGradients outsideGraph(float[] output, int[][] targets, Draws draws, FloatBuffer itemTable, int numItems,
                                         int d, Blas blas) {
        int rows = 0;
        for (int[] t : targets) {
            for (int item : t) {
                rows += item != 0 ? 1 : 0;
            }
        }
        float[] outputGradient = new float[output.length];
        float[] itemGradient = new float[(numItems + 1) * d];
        if (rows == 0) {
            return new OutputGradients(0, outputGradient, itemGradient);
        }
        ItemRowGradients rowGradients = new ItemRowGradients(numItems, d);
        double sum = lossOnRows(output, targets, 0, draws, itemTable, numItems, d,
                1f / rows, outputGradient, rowGradients, blas);
        rowGradients.addTo(itemGradient);
        return new OutputGradients(sum / rows, outputGradient, itemGradient);
    }

    /**
     * Adds the gradients of {@link #rowInputs()} (by name in {@code gradients}) into {@code itemGradient}, the
     * item table's gradient [(N + 1) * d].
     */
    void scatter(float[] itemGradient, Map<String, INDArray> gradients, int[][] targets, Draws draws, int d);

    /**
     * The loss computed directly from encoder output rows (the native backend), with its gradients.
     *
     * @param out          encoder outputs [rows, d], row-major: the positions of the histories of {@code targets},
     *                     history after history
     * @param targets      per history, the target of each of its rows (0: no target, no loss)
     * @param firstHistory the index in the pass of {@code targets[0]}, for the pass's {@code draws}
     * @param itemTable    the item embedding [(N + 1), d], row 0 being padding, from element 0
     * @param numItems     catalogue size N
     * @param scale        the factor of every gradient (one over the pass's positions with a target)
     * @param dOut         receives {@code scale} times dL/d(out) [rows, d] (overwritten)
     * @param itemGrads    receives {@code scale} times the gradients of the item rows the head read
     * @param blas         the calling thread's matrix products
     * @return the sum of the rows' losses
     */
    double lossOnRows(float[] out, int[][] targets, int firstHistory, Draws draws, FloatBuffer itemTable,
                      int numItems, int d, float scale, float[] dOut, ItemRowGradients itemGrads, Blas blas);

    /** Native bytes one padded position of a training pass needs for this head, beyond the encoder's. */
    long extraBytesPerPosition(int numItems);

    /** Loss and gradients of a head computed outside the graph. */
    record OutputGradients(double loss, float[] outputGradient, float[] itemGradient) {
    }
}
