package dev.sasrec.engine.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where every parameter tensor of a SASRec network lives inside one flat float vector.
 *
 * <p>A flat vector makes the optimiser, checkpoints and parameter averaging one array operation each.
 * The order is fixed: item embedding ({@code (N+1) x d}, row 0 the padding row), position embedding
 * ({@code n x d}), then per block the query layer norm, W_Q, W_K, W_V, the feed-forward layer norm, W1, b1, W2, b2,
 * and last the final layer norm.
 */
public final class ParameterLayout {

    /** Name of the shared item embedding (input and output layer). */
    public static final String ITEM_EMBEDDING = "item_emb";
    /** Name of the learned position embedding. */
    public static final String POSITION_EMBEDDING = "pos_emb";

    /** How a segment is initialised. */
    public enum Init { GLOROT, ONES, ZEROS }

    /** One named tensor: its shape and its range in the flat vector. */
    public record Segment(String name, long[] shape, long offset, long length, Init init) {
        /** End offset, exclusive. */
        public long end() {
            return offset + length;
        }
    }

    private final Map<String, Segment> segments;
    private final long size;

    private ParameterLayout(Map<String, Segment> segments, long size) {
        this.segments = Collections.unmodifiableMap(segments);
        this.size = size;
    }

    /** The layout of a network with {@code numItems} items (ids 1..numItems) under {@code config}. */
    public static ParameterLayout of(SasRecConfig config, int numItems) {
        if (numItems < 1) {
            throw new IllegalArgumentException("numItems: invalid value " + numItems + ", expected an integer >= 1");
        }
        long d = config.hiddenUnits();
        List<Object[]> specs = new ArrayList<>();
        specs.add(new Object[]{ITEM_EMBEDDING, new long[]{numItems + 1L, d}, Init.GLOROT});
        specs.add(new Object[]{POSITION_EMBEDDING, new long[]{config.maxLen(), d}, Init.GLOROT});
        for (int b = 0; b < config.numBlocks(); b++) {
            specs.add(new Object[]{block(b, "ln1_g"), new long[]{d}, Init.ONES});
            specs.add(new Object[]{block(b, "ln1_b"), new long[]{d}, Init.ZEROS});
            specs.add(new Object[]{block(b, "wq"), new long[]{d, d}, Init.GLOROT});
            specs.add(new Object[]{block(b, "wk"), new long[]{d, d}, Init.GLOROT});
            specs.add(new Object[]{block(b, "wv"), new long[]{d, d}, Init.GLOROT});
            specs.add(new Object[]{block(b, "ln2_g"), new long[]{d}, Init.ONES});
            specs.add(new Object[]{block(b, "ln2_b"), new long[]{d}, Init.ZEROS});
            specs.add(new Object[]{block(b, "w1"), new long[]{d, d}, Init.GLOROT});
            specs.add(new Object[]{block(b, "b1"), new long[]{d}, Init.ZEROS});
            specs.add(new Object[]{block(b, "w2"), new long[]{d, d}, Init.GLOROT});
            specs.add(new Object[]{block(b, "b2"), new long[]{d}, Init.ZEROS});
        }
        specs.add(new Object[]{"final_ln_g", new long[]{d}, Init.ONES});
        specs.add(new Object[]{"final_ln_b", new long[]{d}, Init.ZEROS});

        Map<String, Segment> map = new LinkedHashMap<>();
        long offset = 0;
        for (Object[] s : specs) {
            long[] shape = (long[]) s[1];
            long len = 1;
            for (long x : shape) {
                len *= x;
            }
            map.put((String) s[0], new Segment((String) s[0], shape, offset, len, (Init) s[2]));
            offset += len;
        }
        return new ParameterLayout(map, offset);
    }

    /** The name of parameter {@code suffix} of block {@code b}. */
    public static String block(int b, String suffix) {
        return "b" + b + "_" + suffix;
    }

    /** Total number of floats. */
    public long size() {
        return size;
    }

    /** All segments in layout order. */
    public Map<String, Segment> segments() {
        return segments;
    }

    /** The segment named {@code name}. */
    public Segment segment(String name) {
        Segment s = segments.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'");
        }
        return s;
    }

    /** A view of segment {@code name} inside {@code flat}, in its own shape; writes go through to {@code flat}. */
    public INDArray view(INDArray flat, String name) {
        Segment s = segment(name);
        return flat.get(NDArrayIndex.interval(s.offset(), s.end())).reshape('c', s.shape());
    }

    /**
     * Fresh parameters: Glorot-uniform matrices and embeddings (the padding row zero), layer-norm gains one,
     * biases zero. Deterministic in {@code seed}.
     */
    public INDArray initialise(long seed) {
        float[] values = new float[Math.toIntExact(size)];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Segment s : segments.values()) {
            int off = (int) s.offset();
            int len = (int) s.length();
            switch (s.init()) {
                case ONES -> java.util.Arrays.fill(values, off, off + len, 1f);
                case ZEROS -> { }
                case GLOROT -> {
                    double limit = Math.sqrt(6.0 / (s.shape()[0] + s.shape()[1]));
                    for (int i = 0; i < len; i++) {
                        values[off + i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
                    }
                }
            }
        }
        long d = segment(ITEM_EMBEDDING).shape()[1];
        java.util.Arrays.fill(values, 0, (int) d, 0f);
        return Nd4j.createFromArray(values).castTo(DataType.FLOAT);
    }
}
