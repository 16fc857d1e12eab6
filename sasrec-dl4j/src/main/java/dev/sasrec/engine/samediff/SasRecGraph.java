package dev.sasrec.engine.samediff;

import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.loss.LossHead;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The SASRec encoder (and, for training, its loss) as a SameDiff graph.
 *
 * <p>Everything SameDiff does poorly on this stack stays outside the graph, fed in through placeholders:
 * embedding lookups ({@code gather} has a broken gradient), dropout masks ({@code dropout} has none) and the causal
 * mask ({@code matrixBandPart} has none). The item embedding is therefore not a graph variable: its rows come in as
 * placeholders whose gradients the trainer scatters back. The position embedding is a variable, selected for the
 * batch's trimmed length by a constant 0/1 matrix, so that a batch of length m &lt; n uses positions n-m..n-1
 * exactly as a fully padded batch would.
 *
 * <p>Not thread-safe (SameDiff is not): one instance per thread.
 */
final class SasRecGraph {

    /** Item-embedding rows of the input sequence, already scaled by sqrt(d): [B, m, d]. */
    static final String IN_EMB = "in_emb";
    /** Selects the last m rows of the position embedding: [m, n]. */
    static final String POS_SEL = "pos_sel";
    /** Causal attention bias: 0 where a query may attend to a key, a large negative value above the diagonal: [1, m, m]. */
    static final String CAUSAL_BIAS = "causal_bias";
    /** Padding attention bias: a large negative value at padding keys, 0 elsewhere: [B, 1, m]. */
    static final String KEY_BIAS = "key_bias";
    /** Inverted-dropout mask of the embedding times the padding mask: [B, m, d]. */
    static final String EMB_DROP = "emb_drop";
    /** Encoder output after the final layer norm: [B, m, d]. */
    static final String OUTPUT = "output";

    static String attentionDrop(int block, int head) {
        return ParameterLayout.block(block, "attn_drop_h" + head);
    }

    /** Softmax attention weights of a head, [B, m, m], named in inference graphs over all positions. */
    static String attentionWeights(int block, int head) {
        return ParameterLayout.block(block, "attn_weights_h" + head);
    }

    static String hiddenDrop(int block) {
        return ParameterLayout.block(block, "ff_drop1");
    }

    static String outputDrop(int block) {
        return ParameterLayout.block(block, "ff_drop2");
    }

    /** What a graph computes. */
    enum Mode {
        /** Encoder with dropout, plus the loss its {@link LossHead} adds. */
        TRAIN,
        /** Encoder output at every position, no dropout (scoring computes the last position without SameDiff: see
         * the native backend's {@code LastPositionEncoder}). */
        ALL_POSITIONS
    }

    private final SameDiff sd;
    private final List<String> variables;

    private SasRecGraph(SameDiff sd, List<String> variables) {
        this.sd = sd;
        this.variables = Collections.unmodifiableList(variables);
    }

    /** Builds a graph for {@code mode}; {@code lossHead} adds the loss of a training graph (null for inference). */
    static SasRecGraph build(SasRecConfig config, ParameterLayout layout, Mode mode, LossHead lossHead) {
        boolean training = mode == Mode.TRAIN;
        SameDiff sd = SameDiff.create();
        sd.setLogExecution(false);
        int d = config.hiddenUnits();
        int h = config.numHeads();
        int dh = config.headSize();
        List<String> vars = new ArrayList<>();

        SDVariable inEmb = sd.placeHolder(IN_EMB, DataType.FLOAT, -1, -1, d);
        SDVariable posSel = sd.placeHolder(POS_SEL, DataType.FLOAT, -1, config.maxLen());
        SDVariable causalBias = sd.placeHolder(CAUSAL_BIAS, DataType.FLOAT, 1, -1, -1);
        SDVariable keyBias = sd.placeHolder(KEY_BIAS, DataType.FLOAT, -1, 1, -1);
        SDVariable shape3 = inEmb.shape();

        // Padding positions are never zeroed: a padding key gets exactly zero attention weight (its bias underflows
        // exp to 0) and every other op works position by position, so whatever a padding position holds (finite)
        // changes no output or gradient at a real position. Padding positions carry no loss, and inference reads
        // real positions only. Each big element-wise op saved matters: SameDiff's backward pass of a broadcast
        // multiply costs ~100 ms here, and a [B, m, m] multiply at inference as much as the bias add.
        SDVariable pos = variable(sd, layout, ParameterLayout.POSITION_EMBEDDING, vars);
        SDVariable x = inEmb.add(posSel.mmul(pos));
        if (training) {
            x = x.mul(sd.placeHolder(EMB_DROP, DataType.FLOAT, -1, -1, d));
        }

        // The [B, m, m] bias from its two small factors, once for all blocks and heads.
        SDVariable attentionBias = causalBias.add(keyBias);
        for (int b = 0; b < config.numBlocks(); b++) {
            SDVariable xn = layerNorm(sd, x, variable(sd, layout, ParameterLayout.block(b, "ln1_g"), vars),
                    variable(sd, layout, ParameterLayout.block(b, "ln1_b"), vars), config.layerNormEps());
            SDVariable kvInput = config.preLayerNorm() ? xn : x;
            SDVariable q = project(sd, xn, variable(sd, layout, ParameterLayout.block(b, "wq"), vars), shape3, d)
                    .mul(1.0 / Math.sqrt(dh));
            SDVariable k = project(sd, kvInput, variable(sd, layout, ParameterLayout.block(b, "wk"), vars), shape3, d);
            SDVariable v = project(sd, kvInput, variable(sd, layout, ParameterLayout.block(b, "wv"), vars), shape3, d);
            SDVariable[] heads = new SDVariable[h];
            for (int head = 0; head < h; head++) {
                SDVariable qh = headSlice(q, head, h, dh);
                SDVariable kh = headSlice(k, head, h, dh);
                SDVariable vh = headSlice(v, head, h, dh);
                SDVariable weights = sd.nn.softmax(sd.mmul(qh, kh, false, true, false).add(attentionBias), 2);
                if (mode == Mode.ALL_POSITIONS) {
                    weights = sd.identity(attentionWeights(b, head), weights);
                }
                if (training) {
                    weights = weights.mul(sd.placeHolder(attentionDrop(b, head), DataType.FLOAT, -1, -1, -1));
                }
                heads[head] = sd.mmul(weights, vh);
            }
            SDVariable attended = h == 1 ? heads[0] : sd.concat(2, heads);
            x = xn.add(attended);

            SDVariable xn2 = layerNorm(sd, x, variable(sd, layout, ParameterLayout.block(b, "ln2_g"), vars),
                    variable(sd, layout, ParameterLayout.block(b, "ln2_b"), vars), config.layerNormEps());
            SDVariable hidden = sd.nn.relu(project(sd, xn2, variable(sd, layout, ParameterLayout.block(b, "w1"), vars), shape3, d)
                    .add(variable(sd, layout, ParameterLayout.block(b, "b1"), vars)), 0.0);
            if (training) {
                hidden = hidden.mul(sd.placeHolder(hiddenDrop(b), DataType.FLOAT, -1, -1, d));
            }
            SDVariable ff = project(sd, hidden, variable(sd, layout, ParameterLayout.block(b, "w2"), vars), shape3, d)
                    .add(variable(sd, layout, ParameterLayout.block(b, "b2"), vars));
            if (training) {
                ff = ff.mul(sd.placeHolder(outputDrop(b), DataType.FLOAT, -1, -1, d));
            }
            x = xn2.add(ff);
        }
        SDVariable out = layerNorm(sd, x, variable(sd, layout, "final_ln_g", vars),
                variable(sd, layout, "final_ln_b", vars), config.layerNormEps());
        out = sd.identity(OUTPUT, out);

        if (training) {
            lossHead.addToGraph(sd, out, d);
        }
        return new SasRecGraph(sd, vars);
    }

    private static SDVariable variable(SameDiff sd, ParameterLayout layout, String name, List<String> vars) {
        vars.add(name);
        return sd.var(name, Nd4j.create(DataType.FLOAT, layout.segment(name).shape()));
    }

    /** x [B, m, d] times w [d, d] through a rank-2 product (rank-3 by rank-2 mmul is broken). */
    private static SDVariable project(SameDiff sd, SDVariable x, SDVariable w, SDVariable shape3, int d) {
        return sd.reshape(x.reshape(-1, d).mmul(w), shape3);
    }

    /** Layer normalisation over the feature axis of [B, m, d], with its own epsilon. */
    private static SDVariable layerNorm(SameDiff sd, SDVariable x, SDVariable gain, SDVariable bias, double eps) {
        SDVariable centred = x.sub(x.mean(true, 2));
        SDVariable variance = centred.mul(centred).mean(true, 2);
        return centred.mul(sd.math.rsqrt(variance.add(eps))).mul(gain).add(bias);
    }

    /** Columns of head {@code head} of a [B, m, d] tensor: [B, m, dh]. */
    private static SDVariable headSlice(SDVariable x, int head, int h, int dh) {
        if (h == 1) {
            return x;
        }
        return x.get(SDIndex.all(), SDIndex.all(), SDIndex.interval(head * dh, (head + 1) * dh));
    }

    /**
     * Puts the encoder's placeholders for {@code inputs} into {@code placeholders}, reading item rows from
     * {@code itemTable} (see {@link EncoderInputs#itemTable}). Training graphs also take dropout masks, which the
     * training step adds.
     */
    static void putEncoderInputs(Map<String, INDArray> placeholders, EncoderInputs inputs, SasRecConfig config,
                                 FloatBuffer itemTable) {
        int[][] ids = inputs.ids;
        int batch = inputs.batch;
        int d = config.hiddenUnits();
        int n = config.maxLen();
        int m = inputs.length;
        placeholders.put(IN_EMB, EncoderInputs.gatherRows(itemTable, ids, (float) Math.sqrt(d), d));

        float[] sel = new float[m * n];
        for (int i = 0; i < m; i++) {
            sel[i * n + (n - m + i)] = 1f;
        }
        placeholders.put(POS_SEL, HostArrays.of(sel, m, n));

        float[] causal = new float[m * m];
        for (int i = 0; i < m; i++) {
            Arrays.fill(causal, i * m + i + 1, (i + 1) * m, EncoderInputs.MASKED);
        }
        placeholders.put(CAUSAL_BIAS, HostArrays.of(causal, 1, m, m));
        float[] keys = new float[batch * m];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m && ids[b][i] == 0; i++) {
                keys[b * m + i] = EncoderInputs.MASKED;
            }
        }
        placeholders.put(KEY_BIAS, HostArrays.of(keys, batch, 1, m));
    }

    /** Copies the graph's variables in from the flat parameter vector. */
    void loadParameters(ParameterLayout layout, INDArray flat) {
        for (String name : variables) {
            sd.getVariable(name).getArr().assign(layout.view(flat, name));
        }
    }

    SameDiff sameDiff() {
        return sd;
    }

    /** Names of the graph's trainable variables (every parameter except the item embedding). */
    List<String> variables() {
        return variables;
    }
}
