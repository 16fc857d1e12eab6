package dev.sasrec.engine.loss;

import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.internal.RowScatter;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The part the in-graph heads share: each position's target score f . e_target, a per-position loss built from
 * it and the head's negatives, and the mean over the positions that have a target.
 */
abstract class TargetScoringHead implements LossHead {

    /** 1 where a position has a target: [B, m]. */
    static final String LOSS_MASK = "loss_mask";
    /** Item-embedding rows of the targets: [B, m, d]. */
    static final String TARGET_EMB = "target_emb";

    @Override
    public final void addToGraph(SameDiff sd, SDVariable output, int d) {
        SDVariable lossMask = sd.placeHolder(LOSS_MASK, DataType.FLOAT, -1, -1);
        SDVariable target = sd.placeHolder(TARGET_EMB, DataType.FLOAT, -1, -1, d);
        SDVariable positive = output.mul(target).sum(2);                       // [B, m]
        SDVariable perPosition = perPosition(sd, output, positive, d);
        SDVariable loss = perPosition.mul(lossMask).sum().div(lossMask.sum());
        sd.identity(LOSS, loss).markAsLoss();
    }

    /** The loss at every position [B, m] from the encoder output and the target scores {@code positive} [B, m]. */
    abstract SDVariable perPosition(SameDiff sd, SDVariable output, SDVariable positive, int d);

    @Override
    public final void addPlaceholders(Map<String, INDArray> placeholders, int[][] targets, Draws draws,
                                      FloatBuffer itemTable, int d) {
        int batch = targets.length;
        int m = batch == 0 ? 0 : targets[0].length;
        float[] lossMask = new float[batch * m];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m; i++) {
                lossMask[b * m + i] = targets[b][i] != 0 ? 1f : 0f;
            }
        }
        placeholders.put(LOSS_MASK, HostArrays.of(lossMask, batch, m));
        placeholders.put(TARGET_EMB, EncoderInputs.gatherRows(itemTable, targets, 1f, d));
        addNegatives(placeholders, targets, draws, itemTable, d);
    }

    /** Puts the placeholders of the head's negatives. */
    abstract void addNegatives(Map<String, INDArray> placeholders, int[][] targets, Draws draws, FloatBuffer itemTable, int d);

    @Override
    public final void scatter(float[] itemGradient, Map<String, INDArray> gradients, int[][] targets, Draws draws, int d) {
        RowScatter.scatter(itemGradient, HostArrays.floats(gradients.get(TARGET_EMB)), targets, 1f, d);
        scatterNegatives(itemGradient, gradients, draws, d);
    }

    /** Adds the gradients of the negatives' rows into the item table's gradient. */
    abstract void scatterNegatives(float[] itemGradient, Map<String, INDArray> gradients, Draws draws, int d);

    @Override
    public long extraBytesPerPosition(int numItems) {
        return 0;
    }
}
