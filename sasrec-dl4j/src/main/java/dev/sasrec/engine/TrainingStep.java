package dev.sasrec.engine;

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
 * Loss and gradient of one batch: builds the batch's placeholders (inputs, targets, negatives, dropout masks),
 * runs the SameDiff graph forward and backward, and assembles the flat gradient, scattering the item-embedding
 * gradients of every lookup back into their rows.
 *
 * <p>Not thread-safe, except that {@link #run} may execute prepared passes on different graph slots at once:
 * the random draws ({@link #prepare}) stay on one thread, so a batch's draws do not depend on how its passes are
 * scheduled.
 */
final class TrainingStep {

    private final SasRecConfig config;
    private final ParameterLayout layout;
    private final int numItems;
    private final List<SasRecGraph> graphs = new ArrayList<>();
    private final List<String> gradientNames;
    private SplittableRandom sampler;
    private Random dropoutRandom;

    TrainingStep(SasRecConfig config, int numItems, long samplerSeed) {
        this.config = config;
        this.numItems = numItems;
        this.layout = ParameterLayout.of(config, numItems);
        reseed(samplerSeed);
        List<String> names = new ArrayList<>(graph(0).variables());
        names.add(SasRecGraph.IN_EMB);
        switch (config.loss()) {
            case BCE -> names.addAll(List.of(SasRecGraph.TARGET_EMB, SasRecGraph.NEGATIVE_EMB));
            case SAMPLED -> names.addAll(List.of(SasRecGraph.TARGET_EMB, SasRecGraph.NEGATIVE_TABLE));
            case CE -> { }
            default -> throw new IllegalStateException("unhandled loss " + config.loss());
        }
        this.gradientNames = names;
    }

    /**
     * Builds training graphs until there are {@code count}, so that {@link #run} may use slots 0..count-1 from as
     * many threads. Call it from one thread before running passes concurrently.
     */
    void ensureGraphs(int count) {
        while (graphs.size() < count) {
            SasRecGraph g = SasRecGraph.build(config, layout, SasRecGraph.Mode.TRAIN);
            QuietGradients.create(g.sameDiff());
            graphs.add(g);
        }
    }

    private SasRecGraph graph(int slot) {
        ensureGraphs(slot + 1);
        return graphs.get(slot);
    }

    /**
     * Computes the loss of one batch and writes its gradient into {@code gradient}.
     *
     * @param params    flat parameters (read only)
     * @param sequences each user's training items in time order, at least 2 items each
     * @param seen      per user, the sorted distinct items the user interacted with (excluded from negatives)
     * @param gradient  flat vector receiving the gradient (overwritten)
     * @return the mean loss over non-padding positions, plus the embedding L2 penalty
     */
    double compute(INDArray params, int[][] sequences, int[][] seen, INDArray gradient) {
        return run(0, prepare(params, sequences, seen), params, gradient);
    }

    /**
     * Runs a prepared batch forward and backward on the graph of {@code slot} (see {@link #ensureGraphs}), writes
     * its gradient into {@code gradient} and frees its placeholders.
     *
     * @return the batch's mean loss plus the embedding L2 penalty
     */
    double run(int slot, Prepared p, INDArray params, INDArray gradient) {
        SasRecGraph graph = graph(slot);
        graph.loadParameters(layout, params);
        RecyclingMemoryManager.install(graph.sameDiff());
        double loss;
        Map<String, INDArray> grads;
        float[] headItemGradient = null;
        if (config.loss() == Loss.CE) {
            // Forward once for the encoder output, run the softmax head outside the graph, then backward through
            // the surrogate loss sum(output * dL/doutput). The dropout masks are placeholders, so both passes see
            // the same network.
            INDArray out = graph.sameDiff().output(p.placeholders, SasRecGraph.OUTPUT).get(SasRecGraph.OUTPUT);
            SoftmaxHead.Result head = SoftmaxHead.compute(HostArrays.floats(out), flatten(p.targets()),
                    layout.view(params, ParameterLayout.ITEM_EMBEDDING), config.hiddenUnits());
            long[] shape = out.shape();
            RecyclingMemoryManager.freeAll(graph.sameDiff());
            p.placeholders().put(SasRecGraph.OUTPUT_GRAD, HostArrays.of(head.outputGradient(), shape));
            grads = graph.sameDiff().calculateGradients(p.placeholders, gradientNames);
            loss = head.loss();
            headItemGradient = head.itemGradient();
        } else {
            OutAndGrad result = graph.sameDiff().calculateGradientsAndOutputs(p.placeholders, List.of(SasRecGraph.LOSS), gradientNames);
            loss = result.getOutputs().get(SasRecGraph.LOSS).getDouble(0);
            grads = result.getGradients();
        }
        assembleGradient(graph, grads, p, params, gradient, headItemGradient);
        release(p.placeholders());
        // Outputs and gradients go back to the session's manager with everything else it allocated.
        RecyclingMemoryManager.freeAll(graph.sameDiff());
        return loss + l2Penalty(params);
    }

    /**
     * The loss {@link #compute} would return for the same batch and draws, from a forward pass alone (no gradient
     * graph is run): the finite-difference side of a gradient check.
     */
    double loss(INDArray params, int[][] sequences, int[][] seen) {
        Prepared p = prepare(params, sequences, seen);
        SasRecGraph graph = graph(0);
        graph.loadParameters(layout, params);
        RecyclingMemoryManager.install(graph.sameDiff());
        double loss;
        if (config.loss() == Loss.CE) {
            INDArray out = graph.sameDiff().output(p.placeholders, SasRecGraph.OUTPUT).get(SasRecGraph.OUTPUT);
            loss = SoftmaxHead.compute(HostArrays.floats(out), flatten(p.targets()),
                    layout.view(params, ParameterLayout.ITEM_EMBEDDING), config.hiddenUnits()).loss();
        } else {
            loss = graph.sameDiff().output(p.placeholders, SasRecGraph.LOSS).get(SasRecGraph.LOSS).getDouble(0);
        }
        release(p.placeholders());
        RecyclingMemoryManager.freeAll(graph.sameDiff());
        return loss + l2Penalty(params);
    }

    private static int[] flatten(int[][] rows) {
        int total = 0;
        for (int[] r : rows) {
            total += r.length;
        }
        int[] flat = new int[total];
        int at = 0;
        for (int[] r : rows) {
            System.arraycopy(r, 0, flat, at, r.length);
            at += r.length;
        }
        return flat;
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

    /** The placeholders of one batch and the ids whose embedding gradients go back into the item table. */
    record Prepared(Map<String, INDArray> placeholders, int[][] inputs, int[][] targets, int[][] negatives,
                    int[] negativeTable) { }

    /** Builds the placeholders of one batch, drawing negatives and dropout masks. */
    Prepared prepare(INDArray params, int[][] sequences, int[][] seen) {
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
        enc.fill(ph, config, layout, params);
        INDArray pad = HostArrays.of(enc.paddingMask(), batch, m, 1);
        ph.put(SasRecGraph.EMB_DROP, dropoutMask(batch, m, d).muli(pad));
        for (int blk = 0; blk < config.numBlocks(); blk++) {
            for (int head = 0; head < config.numHeads(); head++) {
                ph.put(SasRecGraph.attentionDrop(blk, head), dropoutMask(batch, m, m).muli(pad));
            }
            ph.put(SasRecGraph.hiddenDrop(blk), dropoutMask(batch, m, d));
            ph.put(SasRecGraph.outputDrop(blk), dropoutMask(batch, m, d));
        }
        pad.close();
        if (config.loss() != Loss.CE) {
            float[] lossMask = new float[batch * m];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < m; i++) {
                    lossMask[b * m + i] = targets[b][i] != 0 ? 1f : 0f;
                }
            }
            ph.put(SasRecGraph.LOSS_MASK, HostArrays.of(lossMask, batch, m));
            ph.put(SasRecGraph.TARGET_EMB, EncoderInputs.gatherRows(params, layout, targets, 1f, d));
        }

        int[][] negatives = null;
        int[] negativeTable = null;
        switch (config.loss()) {
            case BCE -> {
                negatives = new int[batch][m];
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < m; i++) {
                        if (targets[b][i] != 0) {
                            negatives[b][i] = sampleNegative(seen[b]);
                        }
                    }
                }
                ph.put(SasRecGraph.NEGATIVE_EMB, EncoderInputs.gatherRows(params, layout, negatives, 1f, d));
            }
            case SAMPLED -> {
                int k = config.numNegatives();
                negativeTable = new int[k];
                for (int j = 0; j < k; j++) {
                    negativeTable[j] = 1 + sampler.nextInt(numItems);
                }
                float[] hit = new float[batch * m * k];
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < m; i++) {
                        int t = targets[b][i];
                        for (int j = 0; j < k; j++) {
                            if (negativeTable[j] == t) {
                                hit[(b * m + i) * k + j] = SasRecGraph.MASKED;
                            }
                        }
                    }
                }
                ph.put(SasRecGraph.NEGATIVE_TABLE, EncoderInputs.gatherRows(params, layout, negativeTable, d));
                ph.put(SasRecGraph.HIT_BIAS, HostArrays.of(hit, (long) batch * m, k));
            }
            case CE -> { }   // the head runs outside the graph: see compute
            default -> throw new IllegalStateException("unhandled loss " + config.loss());
        }

        return new Prepared(ph, enc.ids, targets, negatives, negativeTable);
    }

    private void assembleGradient(SasRecGraph graph, Map<String, INDArray> grads, Prepared p, INDArray params,
                                  INDArray gradient, float[] headItemGradient) {
        int d = config.hiddenUnits();
        for (String name : graph.variables()) {
            layout.view(gradient, name).assign(grads.get(name));
        }
        int itemFloats = (numItems + 1) * d;
        float[] itemGrad = new float[itemFloats];
        scatter(itemGrad, HostArrays.floats(grads.get(SasRecGraph.IN_EMB)), p.inputs(), (float) Math.sqrt(d), d);
        switch (config.loss()) {
            case BCE -> {
                scatter(itemGrad, HostArrays.floats(grads.get(SasRecGraph.TARGET_EMB)), p.targets(), 1f, d);
                scatter(itemGrad, HostArrays.floats(grads.get(SasRecGraph.NEGATIVE_EMB)), p.negatives(), 1f, d);
            }
            case SAMPLED -> {
                scatter(itemGrad, HostArrays.floats(grads.get(SasRecGraph.TARGET_EMB)), p.targets(), 1f, d);
                scatter(itemGrad, HostArrays.floats(grads.get(SasRecGraph.NEGATIVE_TABLE)), new int[][]{p.negativeTable()}, 1f, d);
            }
            case CE -> {
                for (int i = 0; i < itemFloats; i++) {
                    itemGrad[i] += headItemGradient[i];
                }
            }
            default -> throw new IllegalStateException("unhandled loss " + config.loss());
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
     * Frees the native memory of the batch's placeholders now rather than at the next garbage collection (about
     * 100 MB per full-length batch); views of the parameters are left alone.
     */
    static void release(Map<String, INDArray> placeholders) {
        for (INDArray a : placeholders.values()) {
            if (!a.isView() && a.closeable()) {
                a.close();
            }
        }
    }

    /** Restarts negative sampling and dropout from {@code seed}. */
    void reseed(long seed) {
        this.sampler = new SplittableRandom(seed);
        this.dropoutRandom = Nd4j.getRandomFactory().getNewRandomInstance(seed ^ 0x5DEECE66DL);
    }

    private int sampleNegative(int[] seenSorted) {
        if (seenSorted.length >= numItems) {
            return 1 + sampler.nextInt(numItems);
        }
        while (true) {
            int j = 1 + sampler.nextInt(numItems);
            if (Arrays.binarySearch(seenSorted, j) < 0) {
                return j;
            }
        }
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

    private static void scatter(float[] table, float[] rows, int[][] ids, float scale, int d) {
        int r = 0;
        for (int[] row : ids) {
            for (int item : row) {
                if (item != 0) {
                    int dst = item * d;
                    int src = r * d;
                    for (int k = 0; k < d; k++) {
                        table[dst + k] += rows[src + k] * scale;
                    }
                }
                r++;
            }
        }
    }

    SasRecGraph graph() {
        return graph(0);
    }

    ParameterLayout layout() {
        return layout;
    }
}
