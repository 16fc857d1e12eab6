package dev.sasrec.engine.internal;

import dev.sasrec.engine.model.ParameterLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * The encoder's inputs for one batch of item sequences: truncation to the last n items, left padding to the
 * batch's longest sequence, and the embedding lookups (done outside any graph).
 *
 * <p>Trimming a batch to its longest sequence instead of n changes no output: padded positions are masked out of
 * every attention and feed-forward computation, and the position rows used are always the last ones.
 */
public final class EncoderInputs {

    /** Bias that stands for minus infinity in attention and score masks: exp() of it underflows to exactly 0. */
    public static final float MASKED = -1e9f;

    /** Number of sequences. */
    public final int batch;
    /** Padded length m: the longest sequence, at most n. */
    public final int length;
    /** Item ids, left-padded with 0: [batch][length]. */
    public final int[][] ids;

    private EncoderInputs(int batch, int length, int[][] ids) {
        this.batch = batch;
        this.length = length;
        this.ids = ids;
    }

    /**
     * Truncates each sequence to its last {@code maxLen} items and left-pads all to the longest.
     *
     * @param sequences item ids in time order, each at least one item long, ids in 1..numItems
     */
    public static EncoderInputs of(int[][] sequences, int maxLen, int numItems) {
        int longest = 1;
        for (int[] s : sequences) {
            longest = Math.max(longest, Math.min(s.length, maxLen));
        }
        int[][] ids = new int[sequences.length][longest];
        for (int b = 0; b < sequences.length; b++) {
            int[] s = sequences[b];
            int take = Math.min(s.length, maxLen);
            for (int i = 0; i < take; i++) {
                int item = s[s.length - take + i];
                requireInCatalogue(item, s.length - take + i, b, numItems);
                ids[b][longest - take + i] = item;
            }
        }
        return new EncoderInputs(sequences.length, longest, ids);
    }

    /** Rejects an item id outside 1..numItems, naming the id, its position and its sequence. */
    public static void requireInCatalogue(int item, int position, int sequence, int numItems) {
        if (item < 1 || item > numItems) {
            throw new IllegalArgumentException("item id " + item + " at position " + position + " of sequence "
                    + sequence + " is outside the catalogue, expected 1.." + numItems);
        }
    }

    /** 1 at real positions, 0 at padding: [batch * length], row-major. */
    public float[] paddingMask() {
        float[] pad = new float[batch * length];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < length; i++) {
                pad[b * length + i] = ids[b][i] != 0 ? 1f : 0f;
            }
        }
        return pad;
    }

    /** Rows {@code ids} of the item embedding {@code table} (see {@link #itemTable}) times {@code scale}, as [rows, cols, d]. */
    public static INDArray gatherRows(FloatBuffer table, int[][] ids, float scale, int d) {
        int rows = ids.length;
        int cols = rows == 0 ? 0 : ids[0].length;
        float[] out = new float[rows * cols * d];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int item = ids[r][c];
                if (item != 0) {
                    int dst = (r * cols + c) * d;
                    table.get(item * d, out, dst, d);
                    for (int k = dst; k < dst + d; k++) {
                        out[k] *= scale;
                    }
                }
            }
        }
        return HostArrays.of(out, rows, cols, d);
    }

    /** Rows {@code ids} of the item embedding {@code table} (see {@link #itemTable}) as [ids.length, d]. */
    public static INDArray gatherRows(FloatBuffer table, int[] ids, int d) {
        float[] out = new float[ids.length * d];
        for (int r = 0; r < ids.length; r++) {
            table.get(ids[r] * d, out, r * d, d);
        }
        return HostArrays.of(out, ids.length, d);
    }

    /** The item embedding as a float buffer positioned at its first element (row 0). */
    public static FloatBuffer itemTable(INDArray params, ParameterLayout layout) {
        if (params.dataType() != DataType.FLOAT || params.offset() != 0 || !params.isVector()) {
            throw new IllegalStateException("parameters must be a flat float vector");
        }
        FloatBuffer all = params.data().asNioFloat();
        all.position((int) layout.segment(ParameterLayout.ITEM_EMBEDDING).offset());
        return all.slice();
    }
}
