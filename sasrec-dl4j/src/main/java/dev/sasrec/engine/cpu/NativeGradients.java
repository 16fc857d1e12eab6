package dev.sasrec.engine.cpu;

import dev.sasrec.engine.internal.DropoutMasks;
import dev.sasrec.engine.internal.Futures;
import dev.sasrec.engine.internal.ItemRowGradients;
import dev.sasrec.engine.loss.LossHead;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.train.BatchGradients;
import dev.sasrec.engine.train.EmbeddingPenalty;
import dev.sasrec.engine.train.FlatGradient;
import dev.sasrec.engine.train.NextItems;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Loss and gradient of one batch on the native encoder. A pass's histories are split into one shard per worker
 * thread, contiguous and of about equal numbers of positions; each worker runs the encoder forward, the loss head
 * and the encoder backward over its shard with its own buffers, and the shards' gradients are added in shard
 * order. The split depends on the number of workers alone, so a given seed, data and worker count give the same
 * gradient bit for bit.
 *
 * <p>Draws (the dropout seed and the loss head's negatives, from two streams) are made by {@link #prepare} on the
 * calling thread, as the SameDiff backend makes them, so both backends see the same masks and negatives.
 *
 * <p>Not thread-safe, except that {@link #run} may compute prepared passes on different slots at once.
 */
final class NativeGradients implements BatchGradients {

    private final SasRecConfig config;
    private final ParameterLayout layout;
    private final int numItems;
    private final int d;
    private final LossHead head;
    private final int workers;
    private final List<Slot> slots = new ArrayList<>();
    private final ExecutorService pool;
    private SplittableRandom sampler;
    /** The passes' dropout seeds, apart from the negatives so that splitting a batch leaves its negatives as they are. */
    private SplittableRandom maskSeeds;

    NativeGradients(SasRecConfig config, int numItems, long seed, int workers) {
        this.config = config;
        this.layout = ParameterLayout.of(config, numItems);
        this.numItems = numItems;
        this.d = config.hiddenUnits();
        this.head = config.loss().head(config);
        this.workers = workers;
        this.pool = workers > 1 ? newPool(workers - 1) : null;
        reseed(seed);
    }

    private static ExecutorService newPool(int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "sasrec-native-training");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** A prepared pass: inputs and targets per history, the draws, and where each shard starts. */
    record Prepared(int[][] inputs, int[][] targets, LossHead.Draws draws, long maskSeed, int[] shardStart,
                    long positions) implements BatchGradients.Pass { }

    @Override
    public Prepared prepare(INDArray params, int[][] sequences, int[][] seen) {
        NextItems cut = NextItems.of(sequences, config.maxLen());
        int[][] inputs = cut.inputs();
        int[][] targets = cut.targets();
        long positions = cut.positions();
        long maskSeed = maskSeeds.nextLong();
        LossHead.Draws draws = head.draw(targets, seen, numItems, sampler);
        return new Prepared(inputs, targets, draws, maskSeed, shards(inputs, positions, workers), positions);
    }

    /**
     * Shard boundaries for {@code workers} shards of contiguous histories: shard i is histories
     * {@code start[i] .. start[i + 1] - 1}, and it ends with the first history whose end reaches i + 1 shares of
     * the positions.
     */
    static int[] shards(int[][] inputs, long positions, int workers) {
        int[] start = new int[workers + 1];
        long seen = 0;
        int shard = 1;
        for (int b = 0; b < inputs.length && shard < workers; b++) {
            seen += inputs[b].length;
            while (shard < workers && seen * workers >= positions * shard) {
                start[shard++] = b + 1;
            }
        }
        while (shard <= workers) {
            start[shard++] = inputs.length;
        }
        return start;
    }

    @Override
    public double run(int slot, BatchGradients.Pass pass, INDArray params, FlatGradient gradient) {
        Prepared p = (Prepared) pass;
        Slot state = slot(slot);
        Worker[] ws = state.workers;
        EncoderWeights weights = EncoderWeights.of(config, layout, params);
        DropoutMasks masks = new DropoutMasks(p.maskSeed(), config.dropout());
        float scale = 1f / p.positions();
        List<Future<?>> others = new ArrayList<>();
        for (int i = 1; i < workers; i++) {
            Worker w = ws[i];
            int shard = i;
            others.add(pool.submit(() -> w.compute(weights, p, shard, masks, scale)));
        }
        ws[0].compute(weights, p, 0, masks, scale);
        for (Future<?> f : others) {
            Futures.await(f, "a native training shard");
        }
        double lossSum = 0;
        float[] dense = ws[0].grads;
        for (int i = 0; i < workers; i++) {
            lossSum += ws[i].loss;
            if (i > 0) {
                float[] g = ws[i].grads;
                for (int j = 0; j < dense.length; j++) {
                    dense[j] += g[j];
                }
            }
        }
        gradient.clear();
        for (Worker w : ws) {
            ItemRowGradients rows = w.itemGrads;
            float[] values = rows.rows();
            for (int i = 0; i < rows.count(); i++) {
                int item = rows.item(i);
                if (item != 0) {
                    gradient.addToRow(item, values, i * d);
                }
            }
        }
        gradient.addToDense(dense);
        EmbeddingPenalty.addGradient(config, layout, params, gradient);
        return lossSum * scale + EmbeddingPenalty.value(config, layout, params);
    }

    @Override
    public void slots(int count) {
        while (slots.size() < count) {
            slots.add(new Slot());
        }
    }

    private Slot slot(int slot) {
        slots(slot + 1);
        return slots.get(slot);
    }

    @Override
    public void reseed(long seed) {
        this.sampler = new SplittableRandom(seed);
        this.maskSeeds = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    @Override
    public double loss(INDArray params, int[][] sequences, int[][] seen) {
        return run(0, prepare(params, sequences, seen), params, new FlatGradient(layout));
    }

    /** What one slot's passes use: a worker per shard. */
    private final class Slot {
        final Worker[] workers = new Worker[NativeGradients.this.workers];

        Slot() {
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker();
            }
        }
    }

    /** One thread's encoder, loss-gradient buffer and gradient accumulators. */
    private final class Worker {
        final StackedEncoder encoder = new StackedEncoder(config, numItems);
        final ItemRowGradients itemGrads = new ItemRowGradients(numItems, d);
        float[] grads = new float[0];
        float[] dOut = new float[0];
        double loss;

        void compute(EncoderWeights weights, Prepared p, int shard, DropoutMasks masks, float scale) {
            int from = p.shardStart()[shard];
            int to = p.shardStart()[shard + 1];
            if (grads.length != weights.denseSize()) {
                grads = new float[weights.denseSize()];
            } else {
                Arrays.fill(grads, 0f);
            }
            itemGrads.clear();
            loss = 0;
            if (from == to) {
                return;
            }
            int[][] inputs = Arrays.copyOfRange(p.inputs(), from, to);
            encoder.forward(weights, inputs, from, masks);
            int rows = encoder.rows();
            if (dOut.length < rows * d) {
                dOut = new float[rows * d + rows * d / 4];
            }
            loss = head.lossOnRows(encoder.output(), Arrays.copyOfRange(p.targets(), from, to), from, p.draws(),
                    weights.itemTable, numItems, d, scale, dOut, itemGrads, encoder.blas());
            encoder.backward(weights, dOut, grads, itemGrads);
        }
    }
}
