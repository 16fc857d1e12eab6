package dev.sasrec.engine.cpu;

import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * The parameters as the native encoder reads them: the item table in place (native memory) and a Java copy of
 * everything after it (position embedding, blocks, final layer norm), with the offset of each tensor in that copy.
 * Gradients of the same tensors use the same offsets, in an array of {@link #denseSize()} floats.
 */
final class EncoderWeights {

    /** Offsets of one block's tensors. */
    record Block(int ln1Gain, int ln1Bias, int wq, int wk, int wv, int ln2Gain, int ln2Bias, int w1, int b1, int w2,
                 int b2) { }

    final FloatBuffer itemTable;
    final float[] dense;
    final int positions;
    final Block[] blocks;
    final int finalGain;
    final int finalBias;

    private EncoderWeights(FloatBuffer itemTable, float[] dense, ParameterLayout layout, int numBlocks) {
        this.itemTable = itemTable;
        this.dense = dense;
        this.positions = offset(layout, ParameterLayout.POSITION_EMBEDDING);
        this.blocks = new Block[numBlocks];
        for (int b = 0; b < numBlocks; b++) {
            blocks[b] = new Block(offset(layout, b, "ln1_g"), offset(layout, b, "ln1_b"), offset(layout, b, "wq"),
                    offset(layout, b, "wk"), offset(layout, b, "wv"), offset(layout, b, "ln2_g"),
                    offset(layout, b, "ln2_b"), offset(layout, b, "w1"), offset(layout, b, "b1"),
                    offset(layout, b, "w2"), offset(layout, b, "b2"));
        }
        this.finalGain = offset(layout, "final_ln_g");
        this.finalBias = offset(layout, "final_ln_b");
    }

    /** Reads {@code params} (flat, in {@code layout}). */
    static EncoderWeights of(SasRecConfig config, ParameterLayout layout, INDArray params) {
        FloatBuffer itemTable = EncoderInputs.itemTable(params, layout);
        int start = (int) denseStart(layout);
        float[] dense = new float[(int) (layout.size() - start)];
        params.data().asNioFloat().get(start, dense, 0, dense.length);
        return new EncoderWeights(itemTable, dense, layout, config.numBlocks());
    }

    /** Where the dense part (everything after the item table) starts in the flat parameters. */
    static long denseStart(ParameterLayout layout) {
        return layout.segment(ParameterLayout.ITEM_EMBEDDING).end();
    }

    /** Floats of the dense part. */
    int denseSize() {
        return dense.length;
    }

    private static int offset(ParameterLayout layout, String name) {
        return (int) (layout.segment(name).offset() - denseStart(layout));
    }

    private static int offset(ParameterLayout layout, int block, String name) {
        return offset(layout, ParameterLayout.block(block, name));
    }
}
