package dev.sasrec.engine.samediff;

import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.internal.RowScatter;
import dev.sasrec.engine.loss.LossHead;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.train.BatchGradients;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

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
    private final List<String> gradientNames;
    private SplittableRandom sampler;
    private Random dropoutRandom;

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
        }
    }

    private SasRecGraph graph(int slot) {
        slots(slot + 1);
        return graphs.get(slot);
    }

    @Override
    public double run(int slot, BatchGradients.Pass pass, INDArray params, INDArray gradient) {
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
    private double pass(int slot, Prepared p, INDArray params, INDArray gradient) {
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
            LossHead.OutputGradients outside = head.outsideGraph(HostArrays.floats(out), p.targets(),
                    layout.view(params, ParameterLayout.ITEM_EMBEDDING), config.hiddenUnits());
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
        return loss + l2Penalty(params);
    }

    /** {@code l2Emb / 2} times the squared norm of the item and position embeddings. */
    private double l2Penalty(INDArray params) {
        if (config.l2Emb() == 0) {
            return 0;
        }
        double sq = 0;
        for (String name : List.of(ParameterLayout.ITEM_EMBEDDING, ParameterLayout.POSITION_EMBEDDING)) {
            INDArray v = layout.view(params, name);
            sq += v.mul(v).sumNumber().doubleValue();
        }
        return 0.5 * config.l2Emb() * sq;
    }

    /** The placeholders of one batch, its padded inputs and targets, and what the loss head drew. */
    record Prepared(Map<String, INDArray> placeholders, int[][] inputs, int[][] targets, LossHead.Draws draws)
            implements BatchGradients.Pass { }

    @Override
    public Prepared prepare(INDArray params, int[][] sequences, int[][] seen) {
        int batch = sequences.length;
        int n = config.maxLen();
        int d = config.hiddenUnits();
        int[][] inputs = new int[batch][];
        int[][] targetsRaw = new int[batch][];
        for (int b = 0; b < batch; b++) {
            int[] s = sequences[b];
            if (s.length < 2) {
                throw new IllegalArgumentException("training sequence " + b + " has " + s.length + " item(s), expected at least 2");
            }
            inputs[b] = Arrays.copyOf(s, s.length - 1);
            targetsRaw[b] = Arrays.copyOfRange(s, 1, s.length);
        }
        EncoderInputs enc = EncoderInputs.of(inputs, n, numItems);
        int m = enc.length;
        int[][] targets = EncoderInputs.of(targetsRaw, n, numItems).ids;

        Map<String, INDArray> ph = new HashMap<>();
        FloatBuffer itemTable = EncoderInputs.itemTable(params, layout);
        SasRecGraph.putEncoderInputs(ph, enc, config, itemTable);
        INDArray pad = HostArrays.of(enc.paddingMask(), batch, m, 1);
        ph.put(SasRecGraph.EMB_DROP, dropoutMask(batch, m, d).muli(pad));
        for (int blk = 0; blk < config.numBlocks(); blk++) {
            for (int h = 0; h < config.numHeads(); h++) {
                ph.put(SasRecGraph.attentionDrop(blk, h), dropoutMask(batch, m, m).muli(pad));
            }
            ph.put(SasRecGraph.hiddenDrop(blk), dropoutMask(batch, m, d));
            ph.put(SasRecGraph.outputDrop(blk), dropoutMask(batch, m, d));
        }
        pad.close();
        LossHead.Draws draws = head.draw(targets, seen, numItems, sampler);
        head.addPlaceholders(ph, targets, draws, itemTable, d);
        return new Prepared(ph, enc.ids, targets, draws);
    }

    private void assembleGradient(SasRecGraph graph, Map<String, INDArray> grads, Prepared p, INDArray params,
                                  INDArray gradient, float[] headItemGradient) {
        int d = config.hiddenUnits();
        for (String name : graph.variables()) {
            layout.view(gradient, name).assign(grads.get(name));
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
        FloatBuffer g = gradient.data().asNioFloat();
        g.position((int) layout.segment(ParameterLayout.ITEM_EMBEDDING).offset());
        g.put(itemGrad);
        if (config.l2Emb() > 0) {
            for (String name : List.of(ParameterLayout.ITEM_EMBEDDING, ParameterLayout.POSITION_EMBEDDING)) {
                layout.view(gradient, name).addi(layout.view(params, name).mul(config.l2Emb()));
            }
        }
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
        this.dropoutRandom = Nd4j.getRandomFactory().getNewRandomInstance(seed ^ 0x5DEECE66DL);
    }

    private INDArray dropoutMask(long... shape) {
        INDArray mask = Nd4j.create(DataType.FLOAT, shape);
        double keep = 1.0 - config.dropout();
        if (config.dropout() == 0) {
            return mask.assign(1f);
        }
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, keep), dropoutRandom);
        return mask.muli(1.0 / keep);
    }

    SasRecGraph graph() {
        return graph(0);
    }

    ParameterLayout layout() {
        return layout;
    }
}
