package dev.sasrec.engine.train;

import dev.sasrec.engine.internal.Futures;
import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.internal.ResidentMemory;
import dev.sasrec.engine.model.ParameterLayout;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Single-JVM SASRec training: Adam over the flat parameter vector, seeded shuffling, negative sampling and dropout,
 * an epoch loop with per-epoch progress, and optional early stopping on validation NDCG@10.
 *
 * <p>The parameters and the Adam state are flat vectors ({@link #parameters()}, {@link #optimizerState()}), so a
 * distributed trainer can average and broadcast them. Not thread-safe.
 */
public final class SasRecTrainer {

    private final SasRecConfig config;
    private final int numItems;
    private final ParameterLayout layout;
    private final INDArray params;
    private final FlatGradient gradient;
    private final INDArray adamState;
    private final AdamUpdate adam;
    private final BatchGradients step;
    private final boolean collects;
    private final SplittableRandom shuffler;
    /** With {@code allWindows}: the training set last cut into windows, and its windows. */
    private TrainingSet windowsOf;
    private TrainingSet windows;
    private final ChangedRows changed;
    private int iteration;
    private int epoch;
    private long collectAboveBytes = 0;
    private int maxPositionsPerPass = 128 * 100;
    private int passThreads = 1;
    private ExecutorService passPool;
    private FlatGradient[] passGradients;

    /** Starts from freshly initialised parameters. */
    public SasRecTrainer(SasRecConfig config, int numItems) {
        this(SasRecNetwork.initialise(config, numItems));
    }

    /** Starts from {@code initial}'s parameters (warm start) with a fresh optimiser, on the default backend. */
    public SasRecTrainer(SasRecNetwork initial) {
        this(initial, TrainingBackends.named(TrainingBackends.DEFAULT));
    }

    /** Starts from {@code initial}'s parameters with a fresh optimiser; {@code backend} computes the gradients. */
    public SasRecTrainer(SasRecNetwork initial, TrainingBackend backend) {
        this.config = initial.config();
        this.numItems = initial.numItems();
        this.layout = initial.layout();
        this.params = initial.parameters();
        this.gradient = new FlatGradient(layout);
        this.adamState = Nd4j.create(DataType.FLOAT, 2 * layout.size());
        this.adam = new AdamUpdate(config.learningRate(), config.beta1(), config.beta2(), config.epsilon(),
                config.lazyAdam(), config.hiddenUnits(), layout.segment(ParameterLayout.ITEM_EMBEDDING).length());
        this.step = backend.gradients(config, numItems, config.seed() * 31 + 7);
        this.collects = backend.needsCollections();
        this.shuffler = new SplittableRandom(config.seed() * 17 + 3);
        this.changed = new ChangedRows(numItems);
    }

    /**
     * Native (off-heap) bytes a trainer of {@code config} over {@code numItems} items on {@code backend} keeps for
     * its whole life, whatever its batches: the parameters and both Adam moments, and a gradient as long as the
     * parameters when a step may hold every item row (a backend that writes the whole table, exact Adam, or an
     * embedding penalty).
     */
    public static long residentStateBytes(SasRecConfig config, int numItems, TrainingBackend backend) {
        boolean wholeGradient = backend.writesWholeItemTable() || !config.lazyAdam() || config.l2Emb() > 0;
        return Float.BYTES * ParameterLayout.of(config, numItems).size() * (wholeGradient ? 4 : 3);
    }

    /** The hyper-parameters. */
    public SasRecConfig config() {
        return config;
    }

    /**
     * One optimisation step on one batch.
     *
     * @return the batch's mean loss
     * @throws NonFiniteLossException when the loss (or, with gradient clipping, the gradient norm) is NaN or
     *                                infinite; the parameters are left unchanged
     */
    public double trainStep(int[][] sequences, int[][] seen) {
        double loss = accumulate(sequences, seen);
        if (!Double.isFinite(loss)) {
            throw new NonFiniteLossException(epoch + 1, iteration + 1, "loss", loss);
        }
        double clip = config.gradientClipNorm();
        if (clip > 0) {
            double norm = Math.sqrt(gradient.squaredNorm());
            if (!Double.isFinite(norm)) {
                throw new NonFiniteLossException(epoch + 1, iteration + 1, "gradient norm", norm);
            }
            if (norm > clip) {
                gradient.scale((float) (clip / norm));
            }
        }
        adam.apply(params, gradient, adamState, iteration, changed);
        iteration++;
        collectGarbageIfDue();
        return loss;
    }

    /**
     * Loss and gradient of the batch, in several passes when it is long: each pass holds at most
     * {@link #maxPositionsPerPass(int)} padded positions, and pass results are weighted by their share of the
     * batch's target positions, so the sum is the gradient of the whole batch's mean loss. Up to
     * {@link #passThreads(int)} passes run at once; their random draws are made first, in pass order, and their
     * gradients added in pass order, so the result does not depend on the scheduling.
     */
    double accumulate(int[][] sequences, int[][] seen) {
        int n = config.maxLen();
        int longest = 0;
        long targets = 0;
        for (int[] s : sequences) {
            longest = Math.max(longest, Math.min(s.length - 1, n));
            targets += Math.min(s.length - 1, n);
        }
        int perPass = Math.max(1, maxPositionsPerPass / Math.max(1, longest));
        if (perPass >= sequences.length) {
            return step.compute(params, sequences, seen, gradient);
        }
        int passes = (sequences.length + perPass - 1) / perPass;
        gradient.clear();
        double loss = 0;
        for (int first = 0; first < passes; first += passThreads) {
            int group = Math.min(passThreads, passes - first);
            BatchGradients.Pass[] prepared = new BatchGradients.Pass[group];
            double[] weights = new double[group];
            for (int i = 0; i < group; i++) {
                int from = (first + i) * perPass;
                int to = Math.min(sequences.length, from + perPass);
                int[][] seqs = Arrays.copyOfRange(sequences, from, to);
                long passTargets = 0;
                for (int[] s : seqs) {
                    passTargets += Math.min(s.length - 1, n);
                }
                weights[i] = (double) passTargets / targets;
                prepared[i] = step.prepare(params, seqs, Arrays.copyOfRange(seen, from, to));
            }
            double[] losses = runPasses(prepared);
            for (int i = 0; i < group; i++) {
                loss += weights[i] * losses[i];
                gradient.addScaled(passGradients[i], (float) weights[i]);
            }
            if (first + group < passes) {
                collectGarbageIfDue();
            }
        }
        return loss;
    }

    /** Runs prepared passes, the first on this thread and the others on the pass pool; pass i writes passGradients[i]. */
    private double[] runPasses(BatchGradients.Pass[] prepared) {
        if (passGradients == null) {
            passGradients = new FlatGradient[passThreads];
        }
        for (int i = 0; i < prepared.length; i++) {
            if (passGradients[i] == null) {
                passGradients[i] = new FlatGradient(layout);
            }
        }
        double[] losses = new double[prepared.length];
        List<Future<?>> others = new ArrayList<>();
        for (int i = 1; i < prepared.length; i++) {
            int slot = i;
            others.add(passPool.submit(() -> {
                NativeThreads.applyToCallingThread();
                losses[slot] = step.run(slot, prepared[slot], params, passGradients[slot]);
            }));
        }
        losses[0] = step.run(0, prepared[0], params, passGradients[0]);
        for (Future<?> f : others) {
            Futures.await(f, "a training pass");
        }
        return losses;
    }

    /**
     * Runs up to {@code threads} passes of a split batch at once, each on its own graph and Java thread (default
     * 1). It changes the speed only, never the model: how a batch is split depends on
     * {@link #maxPositionsPerPass(int)} alone. Memory grows with it (that many passes are live at once), and each
     * pass thread should get one native thread ({@link NativeThreads#set(int) NativeThreads.set(1)}): on a
     * two-core machine two single-threaded passes finish sooner than two passes one after the other with two
     * native threads each, since much of a SameDiff step is serial work between the native ops.
     */
    public SasRecTrainer passThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("passThreads: invalid value " + threads + ", expected an integer >= 1");
        }
        step.slots(threads);
        if (threads > 1) {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads - 1, threads - 1, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "sasrec-training-pass");
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            this.passPool = pool;
        } else {
            this.passPool = null;
        }
        this.passThreads = threads;
        this.passGradients = null;
        return this;
    }

    /**
     * Caps the padded positions (users times trimmed length) computed in one pass, default 12,800: longer batches
     * are split and their gradients accumulated exactly. Bounds the memory of a step (about 1.3 GB of SameDiff
     * intermediates per 12,800 positions at d = 50) without changing the model.
     */
    public SasRecTrainer maxPositionsPerPass(int positions) {
        if (positions < 1) {
            throw new IllegalArgumentException("maxPositionsPerPass: invalid value " + positions + ", expected an integer >= 1");
        }
        this.maxPositionsPerPass = positions;
        return this;
    }

    /**
     * Restarts the random draws of training (negatives and dropout) from {@code seed}. A distributed trainer
     * calls it before each round with a seed derived from (epoch, round, partition), so that a retried task
     * repeats exactly the same steps.
     */
    public void reseed(long seed) {
        step.reseed(seed);
    }

    /**
     * The batches of one epoch over {@code data} under {@code config}'s batch size and batch composition
     * ({@code bucketByLength}, {@code drawWithReplacement}), drawn from {@code seed}: user indices per batch.
     */
    public static List<int[]> planEpoch(TrainingSet data, SasRecConfig config, long seed) {
        return EpochBatches.plan(data, config.batchSize(), EpochBatches.Order.of(config), new SplittableRandom(seed));
    }

    /**
     * Trains one epoch: every user of {@code data} once, in a seeded random order, or as many batches of users
     * drawn with replacement ({@code drawWithReplacement}); with {@code allWindows} the windows of every user's
     * sequence take the users' place ({@link TrainingSet#allWindows}).
     */
    public double trainEpoch(TrainingSet data) {
        TrainingSet epochData = data;
        if (config.allWindows()) {
            if (windowsOf != data) {
                windows = data.allWindows(config.maxLen());
                windowsOf = data;
            }
            epochData = windows;
        }
        double lossSum = 0;
        List<int[]> batches = EpochBatches.plan(epochData, config.batchSize(), EpochBatches.Order.of(config), shuffler);
        for (int[] users : batches) {
            lossSum += trainStep(epochData, users);
        }
        epoch++;
        return lossSum / batches.size();
    }

    /** One optimisation step on the users of {@code data} listed in {@code users}; see {@link #trainStep(int[][], int[][])}. */
    public double trainStep(TrainingSet data, int[] users) {
        int[][] seqs = new int[users.length][];
        int[][] seen = new int[users.length][];
        for (int i = 0; i < users.length; i++) {
            seqs[i] = data.sequences()[users[i]];
            seen[i] = data.seen()[users[i]];
        }
        return trainStep(seqs, seen);
    }

    /**
     * Trains up to {@code options.epochs()} epochs, reporting each to {@code listener}.
     *
     * @param validation computes validation NDCG@10 of a network; used every {@code options.evalEvery()} epochs
     *                   when not null, and for early stopping when {@code options.patience()} &gt; 0
     * @return one report per epoch trained
     */
    public List<EpochReport> fit(TrainingSet data, FitOptions options, Consumer<EpochReport> listener,
                                 ToDoubleFunction<SasRecNetwork> validation) {
        List<EpochReport> reports = new ArrayList<>();
        long start = System.nanoTime();
        double best = Double.NEGATIVE_INFINITY;
        INDArray bestParams = null;
        int sinceBest = 0;
        for (int e = 1; e <= options.epochs(); e++) {
            long t0 = System.nanoTime();
            double loss = trainEpoch(data);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double ndcg = Double.NaN;
            if (validation != null && options.evalEvery() > 0 && (e % options.evalEvery() == 0 || e == options.epochs())) {
                ndcg = validation.applyAsDouble(network());
                if (ndcg > best) {
                    best = ndcg;
                    bestParams = params.dup();
                    sinceBest = 0;
                } else {
                    sinceBest++;
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = elapsed / e * (options.epochs() - e);
            EpochReport r = new EpochReport(epoch, loss, data.size() / seconds, seconds, elapsed, eta, ndcg);
            reports.add(r);
            if (listener != null) {
                listener.accept(r);
            }
            if (options.patience() > 0 && sinceBest >= options.patience()) {
                break;
            }
        }
        if (options.patience() > 0 && bestParams != null) {
            params.assign(bestParams);
        }
        return reports;
    }

    /** A snapshot of the current parameters as a network. */
    public SasRecNetwork network() {
        return new SasRecNetwork(config, numItems, params);
    }

    /** A copy of the flat parameters. */
    public INDArray parameters() {
        return params.dup();
    }

    /** A copy of the flat Adam state (first moments, then second moments). */
    public INDArray optimizerState() {
        return adamState.dup();
    }

    /** Replaces parameters, Adam state and step counter, e.g. with averaged values; no row counts as changed. */
    public void setState(INDArray parameters, INDArray optimizerState, int iterations) {
        params.assign(parameters.reshape(params.shape()));
        adamState.assign(optimizerState.reshape(adamState.shape()));
        this.iteration = iterations;
        changed.reset();
    }

    /**
     * Replaces parameters, Adam state (null: zero moments) and step counter in place, without temporary native
     * arrays; no row counts as changed.
     */
    public void setState(float[] parameters, float[] optimizerState, int iterations) {
        if (parameters.length != params.length() || (optimizerState != null && optimizerState.length != adamState.length())) {
            throw new IllegalArgumentException("state of " + parameters.length + " parameters and "
                    + (optimizerState == null ? 0 : optimizerState.length) + " moments, expected " + params.length()
                    + " and " + adamState.length());
        }
        params.data().asNioFloat().put(0, parameters);
        if (optimizerState == null) {
            adamState.assign(0);
        } else {
            adamState.data().asNioFloat().put(0, optimizerState);
        }
        this.iteration = iterations;
        changed.reset();
    }

    /**
     * The item rows the optimiser moved since the last {@link #setState} or {@link #apply} (every row once an
     * exact Adam step or an embedding penalty moved them all), and the dense part, with their current parameters
     * and moments.
     */
    public StateSlice changes() {
        return StateSlice.read(params.data().asNioFloat(), adamState.data().asNioFloat(), numItems,
                config.hiddenUnits(), changed.sorted(), iteration);
    }

    /**
     * Overwrites the rows and dense part {@code slice} holds, and the step counter; no row counts as changed
     * afterwards. Applying to a trainer the averaged changes of all the rows any worker changed brings it to the
     * averaged state.
     */
    public void apply(StateSlice slice) {
        slice.writeTo(params.data().asNioFloat(), adamState.data().asNioFloat(), config.hiddenUnits());
        this.iteration = slice.iteration();
        changed.reset();
    }

    /**
     * When to run the garbage collector after a step, and between the passes of a split batch: when the process's
     * resident memory is above {@code residentBytes}. Default 0: every time; {@code Long.MAX_VALUE}: never.
     *
     * <p>A pass's arrays are closed as soon as it is done, so a collection frees no large array. What it does
     * free are the many small native objects ND4J leaves to the collector (views, shape descriptors); among them
     * the allocator cannot reuse or return the freed pass memory well, and resident memory creeps up: on ML-1M
     * (d = 50, n = 200, 6,400 positions per pass, two pass threads) it reached 3.3 GB in an epoch without
     * collections against 1.8 GB with one after every step. A collection costs time in proportion to the live
     * heap (about 30 ms in a small JVM, 120 ms in a Spark driver), so a limit collects only when the memory is
     * needed. Where resident memory cannot be read (no {@code /proc}), any limit below {@code Long.MAX_VALUE}
     * collects every time. A backend that {@link TrainingBackend#needsCollections() needs no collections} never
     * gets one.
     */
    public SasRecTrainer collectGarbageAbove(long residentBytes) {
        if (residentBytes < 0) {
            throw new IllegalArgumentException("collectGarbageAbove: invalid value " + residentBytes
                    + ", expected a number of bytes >= 0");
        }
        this.collectAboveBytes = residentBytes;
        return this;
    }

    private void collectGarbageIfDue() {
        if (!collects || collectAboveBytes == Long.MAX_VALUE) {
            return;
        }
        if (collectAboveBytes > 0) {
            long resident = ResidentMemory.currentBytes();
            if (resident >= 0 && resident <= collectAboveBytes) {
                return;
            }
        }
        Nd4j.getMemoryManager().invokeGc();
    }

    /** The gradient written by the last {@link #accumulate} call (until a step turns it into an update). */
    INDArray gradientView() {
        return gradient.values();
    }

    /** Optimisation steps taken so far. */
    public int iterations() {
        return iteration;
    }

    /** Epochs completed so far. */
    public int epochs() {
        return epoch;
    }
}
