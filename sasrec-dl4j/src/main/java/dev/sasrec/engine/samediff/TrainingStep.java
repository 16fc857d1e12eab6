package dev.sasrec.engine.samediff;

import dev.sasrec.engine.internal.Blas;
import dev.sasrec.engine.internal.DropoutMasks;
import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.internal.RowScatter;
import dev.sasrec.engine.loss.LossHead;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.train.BatchGradients;
import dev.sasrec.engine.train.EmbeddingPenalty;
import dev.sasrec.engine.train.FlatGradient;
import dev.sasrec.engine.train.NextItems;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Loss and gradient of one batch on SameDiff graphs: builds the batch's placeholders (inputs, targets, the loss
 * head's draws, dropout masks), runs the graph forward and backward, and assembles the flat gradient, scattering
 * the item-embedding gradients of every lookup back into their rows.
 *
 * <p>Not thread-safe, except that {@link #run} may execute prepared passes on different graph slots at once:
 * the random draws ({@link #prepare}) stay on one thread, so a batch's draws do not depend on how its passes are
 * scheduled.
 */
final class TrainingStep implements BatchGradients {

    private final SasRecConfig config;
    private final ParameterLayout layout;
    private final int numItems;
    private final LossHead head;
    private final List<SasRecGraph> graphs = new ArrayList<>();
    /** Per slot, the matrix products of a head computed outside the graph. */
    private final List<Blas> blas = new ArrayList<>();
    private final List<String> gradientNames;
    private SplittableRandom sampler;
    /** The passes' dropout seeds, apart from the negatives so that splitting a batch leaves its negatives as they are. */
    private SplittableRandom maskSeeds;

    TrainingStep(SasRecConfig config, int numItems, long samplerSeed) {
        this.config = config;
        this.numItems = numItems;
        this.layout = ParameterLayout.of(config, numItems);
        this.head = config.loss().head(config);
        reseed(samplerSeed);
        List<String> names = new ArrayList<>(graph(0).variables());
        names.add(SasRecGraph.IN_EMB);
        names.addAll(head.rowInputs());
        this.gradientNames = names;
    }

    @Override
    public void slots(int count) {
        while (graphs.size() < count) {
            SasRecGraph g = SasRecGraph.build(config, layout, SasRecGraph.Mode.TRAIN, head);
            QuietGradients.create(g.sameDiff());
            graphs.add(g);
            blas.add(new Blas());
        }
    }

    private SasRecGraph graph(int slot) {
        slots(slot + 1);
        return graphs.get(slot);
    }

    @Override
    public double run(int slot, BatchGradients.Pass pass, INDArray params, FlatGradient gradient) {
        return pass(slot, (Prepared) pass, params, gradient);
    }

    @Override
    public double loss(INDArray params, int[][] sequences, int[][] seen) {
        return pass(0, prepare(params, sequences, seen), params, null);
    }

    /**
     * Runs a prepared pass on the graph of {@code slot}: forward only when {@code gradient} is null, otherwise
     * forward and backward, writing the gradient. Frees the pass's placeholders and everything the graph allocated.
     *
     * @return the pass's mean loss plus the embedding L2 penalty
     */
    private double pass(int slot, Prepared p, INDArray params, FlatGradient gradient) {
        SasRecGraph graph = graph(slot);
        graph.loadParameters(layout, params);
        RecyclingMemoryManager.install(graph.sameDiff());
        double loss;
        if (head.computedOutsideGraph()) {
            // Forward once for the encoder output, run the head outside the graph, then backward through the
            // surrogate loss sum(output * dL/doutput). The dropout masks are placeholders, so both passes see the
            // same network.
            INDArray out = graph.sameDiff().output(p.placeholders, SasRecGraph.OUTPUT).get(SasRecGraph.OUTPUT);
            long[] shape = out.shape();
            LossHead.OutputGradients outside = head.outsideGraph(HostArrays.floats(out), p.targets(), p.draws(),
                    EncoderInputs.itemTable(params, layout), numItems, config.hiddenUnits(), blas.get(slot));
            loss = outside.loss();
            if (gradient != null) {
                RecyclingMemoryManager.freeAll(graph.sameDiff());
                p.placeholders().put(LossHead.OUTPUT_GRADIENT, HostArrays.of(outside.outputGradient(), shape));
                Map<String, INDArray> grads = graph.sameDiff().calculateGradients(p.placeholders, gradientNames);
                assembleGradient(graph, grads, p, params, gradient, outside.itemGradient());
            }
        } else if (gradient != null) {
            OutAndGrad result = graph.sameDiff().calculateGradientsAndOutputs(p.placeholders, List.of(LossHead.LOSS), gradientNames);
            loss = result.getOutputs().get(LossHead.LOSS).getDouble(0);
            assembleGradient(graph, result.getGradients(), p, params, gradient, null);
        } else {
            loss = graph.sameDiff().output(p.placeholders, LossHead.LOSS).get(LossHead.LOSS).getDouble(0);
        }
        release(p.placeholders());
        // Outputs and gradients go back to the session's manager with everything else it allocated.
        RecyclingMemoryManager.freeAll(graph.sameDiff());
        return loss + EmbeddingPenalty.value(config, layout, params);
    }

    /** The placeholders of one batch, its padded inputs and targets, and what the loss head drew. */
    record Prepared(Map<String, INDArray> placeholders, int[][] inputs, int[][] targets, LossHead.Draws draws)
            implements BatchGradients.Pass { }

    @Override
    public Prepared prepare(INDArray params, int[][] sequences, int[][] seen) {
        int batch = sequences.length;
        int n = config.maxLen();
        int d = config.hiddenUnits();
        NextItems cut = NextItems.of(sequences, n);
        int[][] inputs = cut.inputs();
        EncoderInputs enc = EncoderInputs.of(inputs, n, numItems);
        int m = enc.length;
        int[][] targets = EncoderInputs.of(cut.targets(), n, numItems).ids;

        Map<String, INDArray> ph = new HashMap<>();
        FloatBuffer itemTable = EncoderInputs.itemTable(params, layout);
        SasRecGraph.putEncoderInputs(ph, enc, config, itemTable);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = inputs[b].length;
        }
        DropoutMasks masks = new DropoutMasks(maskSeeds.nextLong(), config.dropout());
        ph.put(SasRecGraph.EMB_DROP, rowMask(masks, DropoutMasks.embedding(), lengths, m, d));
        for (int blk = 0; blk < config.numBlocks(); blk++) {
            for (int h = 0; h < config.numHeads(); h++) {
                ph.put(SasRecGraph.attentionDrop(blk, h), attentionMask(masks, blk, h, lengths, m));
            }
            ph.put(SasRecGraph.hiddenDrop(blk), rowMask(masks, DropoutMasks.hidden(blk), lengths, m, d));
            ph.put(SasRecGraph.outputDrop(blk), rowMask(masks, DropoutMasks.output(blk), lengths, m, d));
        }
        LossHead.Draws draws = head.draw(targets, seen, numItems, sampler);
        head.addPlaceholders(ph, targets, draws, itemTable, d);
        return new Prepared(ph, enc.ids, targets, draws);
    }

    private void assembleGradient(SasRecGraph graph, Map<String, INDArray> grads, Prepared p, INDArray params,
                                  FlatGradient gradient, float[] headItemGradient) {
        int d = config.hiddenUnits();
        gradient.clear();
        gradient.holdAllRows();
        for (String name : graph.variables()) {
            layout.view(gradient.values(), name).assign(grads.get(name));
        }
        int itemFloats = (numItems + 1) * d;
        float[] itemGrad = new float[itemFloats];
        RowScatter.scatter(itemGrad, HostArrays.floats(grads.get(SasRecGraph.IN_EMB)), p.inputs(), (float) Math.sqrt(d), d);
        head.scatter(itemGrad, grads, p.targets(), p.draws(), d);
        if (headItemGradient != null) {
            for (int i = 0; i < itemFloats; i++) {
                itemGrad[i] += headItemGradient[i];
            }
        }
        Arrays.fill(itemGrad, 0, d, 0f);
        FloatBuffer g = gradient.values().data().asNioFloat();
        g.position((int) layout.segment(ParameterLayout.ITEM_EMBEDDING).offset());
        g.put(itemGrad);
        EmbeddingPenalty.addGradient(config, layout, params, gradient);
    }

    /**
     * Frees the native memory of a batch's placeholders now rather than at the next garbage collection (about
     * 100 MB per full-length batch); views of the parameters are left alone.
     */
    static void release(Map<String, INDArray> placeholders) {
        for (INDArray a : placeholders.values()) {
            if (!a.isView() && a.closeable()) {
                a.close();
            }
        }
    }

    @Override
    public void reseed(long seed) {
        this.sampler = new SplittableRandom(seed);
        this.maskSeeds = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    /** A [B, m, d] mask: each history's real positions (the last of the m) from {@code masks}, zero at padding. */
    private static INDArray rowMask(DropoutMasks masks, long tensor, int[] lengths, int m, int d) {
        float[] mask = new float[lengths.length * m * d];
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                masks.fill(tensor, b, t, mask, (b * m + m - lengths[b] + t) * d, d);
            }
        }
        return HostArrays.of(mask, lengths.length, m, d);
    }

    /** A [B, m, m] mask of attention weights: real queries over their real keys up to themselves, zero elsewhere. */
    private static INDArray attentionMask(DropoutMasks masks, int block, int head, int[] lengths, int m) {
        float[] mask = new float[lengths.length * m * m];
        for (int b = 0; b < lengths.length; b++) {
            int pad = m - lengths[b];
            for (int t = 0; t < lengths[b]; t++) {
                masks.fill(DropoutMasks.attention(block, head), b, t, mask, (b * m + pad + t) * m + pad, t + 1);
            }
        }
        return HostArrays.of(mask, lengths.length, m, m);
    }

    SasRecGraph graph() {
        return graph(0);
    }

    ParameterLayout layout() {
        return layout;
    }
}
