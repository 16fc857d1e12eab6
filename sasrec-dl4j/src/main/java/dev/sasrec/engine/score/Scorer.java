package dev.sasrec.engine.score;

import dev.sasrec.engine.cpu.LastPositionEncoder;
import dev.sasrec.engine.internal.EncoderInputs;
import dev.sasrec.engine.internal.HostArrays;
import dev.sasrec.engine.internal.ItemSets;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Inference over a {@link SasRecNetwork}: user representations, scores and top-K for batches of histories of any
 * length (truncated to the last n items and left-padded internally), with dropout off. A user never seen in training
 * is scored from their history alone. Not thread-safe: one per thread.
 */
public final class Scorer implements ItemScoring, AutoCloseable {

    /**
     * Items scored at a time by a BLAS product ({@link #explore}, and {@link #recommend} without the Vector API): a
     * batch of 256 histories then writes 2 MB of scores per product, which the scan reads back from cache.
     */
    static final int ITEM_BLOCK = 2048;
    /** Zeros copied over a block row once it is read. Never written. */
    private static final float[] ZERO_ROW = new float[ITEM_BLOCK];

    /**
     * Whether the JDK's Vector API (module {@code jdk.incubator.vector}) is in the boot layer, that is whether the
     * JVM was started with {@code --add-modules=jdk.incubator.vector}. {@link #recommend} then selects the top-K
     * with the products in vector registers ({@link VectorTopK}) instead of BLAS products written out and scanned.
     */
    private static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private final SasRecNetwork network;
    private final LastPositionEncoder lastPosition;
    /** {@link #recommend}'s selection when the Vector API is used; null otherwise. */
    private final VectorTopK vectorTopK;
    /** The transposed item table, built on first use (for {@link #scores} and the BLAS item blocks). */
    private INDArray itemTableT;
    /**
     * Item columns 1..N of the transposed table in contiguous blocks of {@link #ITEM_BLOCK}: [d, width] each;
     * built on first use (by {@link #explore}, and by {@link #recommend} without the Vector API).
     */
    private INDArray[] itemBlocks;
    /**
     * Score buffers of one block for one batch, by block width; reused while the batch size stays the same. They are
     * kept at zero between products: the product accumulates into them (BLAS beta = 1), which spares BLAS its own
     * pass over the whole buffer to clear it, and {@link #scoreBlocks} clears each row right after reading it, while
     * the row is in cache. That makes the item product about 15% faster.
     */
    private final Map<Integer, INDArray> blockScores = new HashMap<>();
    private int blockScoresRows = -1;
    /** One row of a block's scores, copied out of native memory. */
    private final float[] row = new float[ITEM_BLOCK];

    /** A scorer over {@code network}; {@link SasRecNetwork#newScorer()} is the same. */
    public Scorer(SasRecNetwork network) {
        this(network, VECTOR_API);
    }

    /** A scorer whose {@link #recommend} uses the Vector API or BLAS, as {@code vectorApi} says. */
    Scorer(SasRecNetwork network, boolean vectorApi) {
        if (vectorApi && !VECTOR_API) {
            throw new IllegalStateException("the Vector API is not available: start the JVM with --add-modules=jdk.incubator.vector");
        }
        this.network = network;
        this.lastPosition = new LastPositionEncoder(network);
        this.vectorTopK = vectorApi ? new VectorTopK(EncoderInputs.itemTable(network.parametersView(), network.layout()),
                network.numItems(), network.config().hiddenUnits()) : null;
    }

    /**
     * Whether scorers of this JVM select the top-K through the JDK's Vector API (the JVM was started with
     * {@code --add-modules=jdk.incubator.vector}) rather than through BLAS products written to memory and scanned.
     * Both give the same items; the Vector API path is the faster (docs/BENCHMARKS.md).
     */
    public static boolean usesVectorApi() {
        return VECTOR_API;
    }

    private INDArray itemTableT() {
        if (itemTableT == null) {
            itemTableT = network.layout().view(network.parametersView(), ParameterLayout.ITEM_EMBEDDING).transpose().dup('c');
        }
        return itemTableT;
    }

    private INDArray[] itemBlocks() {
        if (itemBlocks == null) {
            int n = network.numItems();
            INDArray[] blocks = new INDArray[(n + ITEM_BLOCK - 1) / ITEM_BLOCK];
            for (int b = 0; b < blocks.length; b++) {
                int from = 1 + b * ITEM_BLOCK;
                int to = Math.min(n + 1, from + ITEM_BLOCK);
                blocks[b] = itemTableT().get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)).dup('c');
            }
            itemBlocks = blocks;
        }
        return itemBlocks;
    }

    /** The network scored. */
    public SasRecNetwork network() {
        return network;
    }

    /**
     * The representation F at the last position of each history: [histories.length, d].
     *
     * @param histories item ids in time order, each non-empty, ids in 1..numItems
     */
    public INDArray userVectors(int[][] histories) {
        if (histories.length == 0) {
            return Nd4j.create(DataType.FLOAT, 0, network.config().hiddenUnits());
        }
        return HostArrays.of(encode(histories), histories.length, network.config().hiddenUnits());
    }

    /** {@link #userVectors} as a row-major array, for at least one history. */
    private float[] encode(int[][] histories) {
        for (int i = 0; i < histories.length; i++) {
            if (histories[i] == null || histories[i].length == 0) {
                throw new IllegalArgumentException("history " + i + " is empty: a user needs at least one item to be scored");
            }
        }
        return lastPosition.encode(histories);
    }

    /** Scores of every item (column 0, the padding id, is negative infinity) for each history: [B, N+1]. */
    @Override
    public INDArray scores(int[][] histories) {
        INDArray users = userVectors(histories);
        INDArray s = Nd4j.gemm(users, itemTableT(), false, false);
        HostArrays.closeIfOpen(users);
        s.getColumn(0).assign(Float.NEGATIVE_INFINITY);
        return s;
    }

    /** Scores of the given candidates for each history: result[b][j] scores candidates[b][j]. */
    @Override
    public float[][] scoreCandidates(int[][] histories, int[][] candidates) {
        INDArray users = userVectors(histories);
        int d = network.config().hiddenUnits();
        float[] u = HostArrays.floats(users);
        HostArrays.closeIfOpen(users);
        FloatBuffer table = EncoderInputs.itemTable(network.parametersView(), network.layout());
        float[][] out = new float[histories.length][];
        for (int b = 0; b < histories.length; b++) {
            out[b] = new float[candidates[b].length];
            for (int j = 0; j < candidates[b].length; j++) {
                int item = candidates[b][j];
                if (item < 1 || item > network.numItems()) {
                    throw new IllegalArgumentException("candidate item " + item + " of row " + b
                            + " is outside the catalogue, expected 1.." + network.numItems());
                }
                float s = 0;
                for (int k = 0; k < d; k++) {
                    s += u[b * d + k] * table.get(item * d + k);
                }
                out[b][j] = s;
            }
        }
        return out;
    }

    /**
     * The top {@code k} items for each history, best first. Scores are computed a few items at a time and fed to
     * one bounded heap per history, so a batch never holds all of its scores at once: in vector registers where the
     * Vector API is used ({@link #usesVectorApi}), otherwise a BLAS product of {@link #ITEM_BLOCK} items at a time.
     *
     * @param excludeSeen leave out the items of the history itself
     */
    public TopK recommend(int[][] histories, int k, boolean excludeSeen) {
        requirePositive(k);
        TopK.Heap[] heaps = new TopK.Heap[histories.length];
        for (int b = 0; b < heaps.length; b++) {
            heaps[b] = new TopK.Heap(Math.min(k, network.numItems()));
        }
        if (vectorTopK != null) {
            int[][] excluded = new int[histories.length][];
            for (int b = 0; b < histories.length; b++) {
                excluded[b] = excludeSeen ? ItemSets.sortedDistinct(histories[b]) : new int[0];
            }
            float[] users = histories.length == 0 ? new float[0] : encode(histories);
            vectorTopK.select(users, histories.length, heaps, excluded);
        } else {
            scoreBlocks(histories, excludeSeen, (b, from, scores, width) -> {
                TopK.Heap heap = heaps[b];
                float threshold = heap.threshold();
                for (int j = nextAtLeast(scores, 0, width, threshold); j < width;
                     j = nextAtLeast(scores, j + 1, width, threshold)) {
                    heap.offer(from + j, scores[j]);
                    threshold = heap.threshold();
                }
            });
        }
        int[][] items = new int[histories.length][];
        float[][] values = new float[histories.length][];
        for (int b = 0; b < histories.length; b++) {
            TopK.Selection sel = heaps[b].result();
            items[b] = sel.items();
            values[b] = sel.scores();
        }
        return new TopK(items, values);
    }

    /**
     * {@code k} items for each history drawn without replacement from softmax(score / temperature) over the allowed
     * items ({@link GumbelTopK}), with their scores and propensities; temperature 0 is {@link #recommend}'s top-K.
     * Every score of the catalogue is visited once, a block at a time.
     *
     * @param excludeSeen leave out the items of the history itself
     * @param seeds       each history's draw seed ({@link GumbelTopK#seedFor})
     */
    public GumbelTopK.Draw[] explore(int[][] histories, int k, boolean excludeSeen, double temperature, long[] seeds) {
        requirePositive(k);
        if (seeds.length != histories.length) {
            throw new IllegalArgumentException(seeds.length + " seeds for " + histories.length + " histories");
        }
        GumbelTopK.Sampler[] samplers = new GumbelTopK.Sampler[histories.length];
        for (int b = 0; b < samplers.length; b++) {
            samplers[b] = new GumbelTopK.Sampler(Math.min(k, network.numItems()), temperature, seeds[b]);
        }
        scoreBlocks(histories, excludeSeen, (b, from, scores, width) -> {
            GumbelTopK.Sampler sampler = samplers[b];
            for (int j = 0; j < width; j++) {
                sampler.offer(from + j, scores[j]);
            }
        });
        GumbelTopK.Draw[] draws = new GumbelTopK.Draw[histories.length];
        for (int b = 0; b < draws.length; b++) {
            draws[b] = samplers[b].result();
        }
        return draws;
    }

    private static void requirePositive(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k: invalid value " + k + ", expected an integer >= 1");
        }
    }

    /** What is done with one history's scores of one item block. */
    private interface BlockRows {
        /**
         * @param b      the history
         * @param from   the item id of {@code scores[0]}
         * @param scores the block's scores, NaN where the item is excluded; valid until the call returns
         * @param width  how many of {@code scores} belong to the block
         */
        void accept(int b, int from, float[] scores, int width);
    }

    /**
     * Computes every item block's scores for a batch of histories and hands each history's row to {@code rows},
     * leaving the score buffers at zero.
     */
    private void scoreBlocks(int[][] histories, boolean excludeSeen, BlockRows rows) {
        INDArray users = userVectors(histories);
        INDArray[] itemBlocks = itemBlocks();
        boolean buffersCleared = false;
        try {
            for (int blk = 0; blk < itemBlocks.length; blk++) {
                int from = 1 + blk * ITEM_BLOCK;
                int width = (int) itemBlocks[blk].size(1);
                INDArray out = blockScores(histories.length, width);
                // BLAS gemm: INDArray.mmul is two to eight times slower for these shapes. The buffer holds zeros.
                Nd4j.gemm(users, itemBlocks[blk], out, false, false, 1.0, 1.0);
                FloatBuffer block = out.data().asNioFloat();
                for (int b = 0; b < histories.length; b++) {
                    // One bulk copy per row, then a plain array scan: much faster than a buffer read per score.
                    block.get(b * width, row, 0, width);
                    block.put(b * width, ZERO_ROW, 0, width);
                    if (excludeSeen) {
                        for (int item : histories[b]) {
                            if (item >= from && item < from + width) {
                                row[item - from] = Float.NaN;
                            }
                        }
                    }
                    rows.accept(b, from, row, width);
                }
            }
            buffersCleared = true;
        } finally {
            HostArrays.closeIfOpen(users);
            if (!buffersCleared) {
                // Interrupted between a product and the clearing of its rows: start from fresh buffers next time.
                blockScores.values().forEach(INDArray::close);
                blockScores.clear();
            }
        }
    }

    /**
     * The first index in {@code [from, to)} whose score is at least {@code threshold}, or {@code to}. A loop of its
     * own, with nothing else in its body, is compiled much tighter than a scan that calls the heap inline: about
     * 0.8 ns per score against 1.8.
     */
    static int nextAtLeast(float[] scores, int from, int to, float threshold) {
        for (int j = from; j < to; j++) {
            if (scores[j] >= threshold) {
                return j;
            }
        }
        return to;
    }

    private INDArray blockScores(int rows, int width) {
        if (rows != blockScoresRows) {
            blockScores.values().forEach(INDArray::close);
            blockScores.clear();
            blockScoresRows = rows;
        }
        // Nd4j.create fills with zeros, as scoreBlocks expects.
        return blockScores.computeIfAbsent(width, w -> Nd4j.create(DataType.FLOAT, new long[]{rows, w}, 'c'));
    }

    /**
     * Frees the scorer's native arrays (the transposed item table, its blocks, the score buffers) now rather than
     * at a later garbage collection. The scorer is unusable afterwards.
     */
    @Override
    public void close() {
        blockScores.values().forEach(HostArrays::closeIfOpen);
        blockScores.clear();
        if (itemBlocks != null) {
            for (INDArray block : itemBlocks) {
                HostArrays.closeIfOpen(block);
            }
        }
        if (itemTableT != null) {
            HostArrays.closeIfOpen(itemTableT);
        }
    }
}
