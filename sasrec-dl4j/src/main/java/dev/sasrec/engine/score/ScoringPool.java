package dev.sasrec.engine.score;

import dev.sasrec.engine.internal.Futures;
import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.model.SasRecNetwork;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Top-K for many histories on several threads, each with its own {@link Scorer} of the same network. Histories
 * are sorted by length into batches of {@link #BATCH} and the threads take batches in turn, longest first, so that
 * they finish together; results come back in the order of the input. Give each thread one native thread
 * ({@link NativeThreads#set(int) NativeThreads.set(1)}): much of a forward pass is serial work between native ops,
 * so two single-threaded scorers use two cores better than one scorer with two native threads.
 */
public final class ScoringPool implements AutoCloseable {

    /** Histories scored together. */
    public static final int BATCH = 256;

    private final Scorer[] scorers;
    private final ExecutorService threads;

    /**
     * Builds one scorer per thread.
     *
     * @param threads number of scoring threads, at least 1
     */
    public ScoringPool(SasRecNetwork network, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: invalid value " + threads + ", expected an integer >= 1");
        }
        this.scorers = new Scorer[threads];
        for (int i = 0; i < threads; i++) {
            scorers[i] = network.newScorer();
        }
        this.threads = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sasrec-scoring");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The top {@code k} items for each history, best first, as {@link Scorer#recommend}.
     *
     * @param histories   item ids in time order, each non-empty, ids in 1..numItems
     * @param excludeSeen leave out the items of the history itself
     */
    public TopK recommend(int[][] histories, int k, boolean excludeSeen) {
        Integer[] order = new Integer[histories.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Longest first: the costly batches are shared out early and the threads finish close together.
        Arrays.sort(order, Comparator.comparingInt(i -> histories[i] == null ? 0 : -histories[i].length));
        int[][] items = new int[histories.length][];
        float[][] scores = new float[histories.length][];
        AtomicInteger nextBatch = new AtomicInteger();
        int batches = (histories.length + BATCH - 1) / BATCH;
        List<Future<?>> running = new ArrayList<>();
        for (Scorer scorer : scorers) {
            running.add(threads.submit(() -> {
                NativeThreads.applyToCallingThread();
                for (int b = nextBatch.getAndIncrement(); b < batches; b = nextBatch.getAndIncrement()) {
                    int from = b * BATCH;
                    int size = Math.min(BATCH, histories.length - from);
                    int[][] batch = new int[size][];
                    for (int i = 0; i < size; i++) {
                        batch[i] = histories[order[from + i]];
                    }
                    TopK top = scorer.recommend(batch, k, excludeSeen);
                    for (int i = 0; i < size; i++) {
                        items[order[from + i]] = top.items()[i];
                        scores[order[from + i]] = top.scores()[i];
                    }
                }
            }));
        }
        for (Future<?> f : running) {
            Futures.await(f, "scoring");
        }
        return new TopK(items, scores);
    }

    /** Stops the scoring threads and frees the scorers' native arrays. */
    @Override
    public void close() {
        threads.shutdownNow();
        for (Scorer s : scorers) {
            s.close();
        }
    }
}
