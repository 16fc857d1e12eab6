package dev.sasrec.spark.recommend;

import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.train.StateSlice;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.io.Serializable;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Synchronous parameter averaging over Spark partitions, exchanging only what a round changed. Each partition
 * stays resident in its executor for the whole fit ({@link ResidentPartition}: its histories, its epoch plan and a
 * trainer). A round is one Spark job: every partition brings its trainer to the round's starting state by applying
 * the previous round's averaged changes (broadcast), takes up to {@code averagingFrequency} steps of the epoch's
 * plan (more when the epoch would otherwise take more than {@code maxRoundsPerEpoch} rounds), and sends back what
 * its steps changed: the item rows its optimiser moved and the dense part, each weighted by its steps
 * ({@link RoundResult}). The driver adds the results in partition order (through a tree of
 * {@code aggregationDepth} levels), averages each row over the partitions that changed it and the dense part over
 * all, writes them into its copy of the whole state and broadcasts them as the next round's changes. Rows no
 * partition touched stay as they are everywhere, so every trainer ends up at the driver's state without the
 * catalogue ever being sent; with lazy Adam a round's traffic follows the items it touched.
 *
 * <p>A partition whose executor does not hold its state (the first round, a replacement executor, a task that
 * moved) reports itself stale; the driver then broadcasts the whole state and reruns the round, in which the other
 * partitions return the results they already computed. Each partition's batch plan and random draws derive from
 * (seed, epoch, round, partition) only, so a partition rebuilt from the whole state computes exactly what the lost
 * one would have.
 */
final class ParameterAveraging {

    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveraging.class);

    /** The driver's view of the training state: flat parameters, Adam state, optimiser steps. */
    record State(float[] params, float[] adam, int iteration) implements Serializable { }

    /**
     * The whole state at the end of round {@code round} (0: the state the fit starts from). Before the first
     * optimiser step the moments are zero, and the state carries none (a null {@code adam}).
     */
    record Start(int round, State state) implements Serializable {
        static Start of(int round, State state) {
            return new Start(round, state.iteration() == 0 ? new State(state.params(), null, 0) : state);
        }
    }

    /** The averaged changes of round {@code round}: applied to any partition's end of that round, its average. */
    record Changes(int round, StateSlice slice) implements Serializable { }

    private final SasRecConfig config;
    private final int numItems;
    private final AveragingOptions options;
    private final ResourceProfile trainingProfile;

    /**
     * @param config          the model's configuration; its batch size counts the users of one step over all
     *                        workers, so each worker takes {@code ceil(batchSize / numWorkers)} users per local step
     *                        and an epoch has as many steps as the engine's alone
     * @param trainingProfile the stage-level resources of the training tasks, or null for the default ones
     */
    ParameterAveraging(SasRecConfig config, int numItems, AveragingOptions options, ResourceProfile trainingProfile) {
        int workers = options.numWorkers();
        double learningRate = options.sqrtLearningRate() ? config.learningRate() * Math.sqrt(workers) : config.learningRate();
        this.config = config.toBuilder().set("batchSize", (config.batchSize() + workers - 1) / workers)
                .set("learningRate", learningRate).build();
        this.numItems = numItems;
        this.options = options;
        this.trainingProfile = trainingProfile;
    }

    /**
     * Trains epochs {@code firstEpoch..epochs} on {@code partitioned} (sequences of at least 2 items, partitioned
     * deterministically, cached) starting from {@code start}; {@code afterEpoch} sees each epoch's figures and the
     * state after it, and returns the epoch as it is to be logged (with validation figures, when it computes any).
     */
    State train(JavaRDD<int[]> partitioned, State start, int firstEpoch, int epochs, long sequences, EpochHook afterEpoch) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(partitioned.context());
        List<Integer> sizes = partitioned.mapPartitions(it -> {
            int n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return Collections.singletonList(n).iterator();
        }).collect();
        int maxBatches = 0;
        for (int s : sizes) {
            maxBatches = Math.max(maxBatches, (s + config.batchSize() - 1) / config.batchSize());
        }
        int frequency = options.stepsPerRound(maxBatches);
        int rounds = Math.max(1, (maxBatches + frequency - 1) / frequency);
        String fit = UUID.randomUUID().toString();
        int d = config.hiddenUnits();
        State state = start;
        Broadcast<Changes> changes = null;
        int global = 0;
        long directResultBytes = Math.min(sc.getConf().getSizeAsBytes("spark.task.maxDirectResultSize", "1m"),
                sc.getConf().getSizeAsMb("spark.rpc.message.maxSize", "128") << 20);
        boolean warnedResultSize = false;
        long started = System.nanoTime();
        try {
            for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                double lossSum = 0;
                long steps = 0;
                double computeSeconds = 0;
                long exchanged = 0;
                for (int round = 0; round < rounds; round++) {
                    global++;
                    sc.setJobDescription(String.format(Locale.ROOT, "SASRec epoch %d/%d, averaging round %d/%d",
                            epoch, epochs, round + 1, rounds));
                    ResidentPartition.Round spec = new ResidentPartition.Round(global, epoch, round, frequency, config,
                            numItems, options.trainingBackend(), options.maxPositionsPerPass(), collectAbove());
                    long roundStart = System.nanoTime();
                    RoundResult total = global == 1 ? null : round(fit, partitioned, spec, changes, null);
                    if (total == null || total.stalePartitions.length > 0) {
                        if (total != null) {
                            LOG.info("round {}: partitions {} hold no state to start from; broadcasting the whole state",
                                    global, Arrays.toString(total.stalePartitions));
                        }
                        Broadcast<Start> whole = sc.broadcast(Start.of(global - 1, state));
                        total = round(fit, partitioned, spec, changes, whole);
                        whole.destroy();
                        if (total.stalePartitions.length > 0) {
                            throw new IllegalStateException("round " + global + ": partitions "
                                    + Arrays.toString(total.stalePartitions) + " could not start from the whole state");
                        }
                    }
                    long averageStart = System.nanoTime();
                    StateSlice averaged = total.average(state.iteration() + total.maxSteps, dense(state));
                    averaged.writeTo(FloatBuffer.wrap(state.params()), FloatBuffer.wrap(state.adam()), d);
                    long averageEnd = System.nanoTime();
                    state = new State(state.params(), state.adam(), averaged.iteration());
                    if (changes != null) {
                        changes.destroy();
                    }
                    changes = sc.broadcast(new Changes(global, averaged));
                    long broadcastEnd = System.nanoTime();
                    if (LOG.isDebugEnabled()) {
                        LOG.debug(String.format(Locale.ROOT, "round %d: jobs %.0f ms (longest partition's steps %.0f ms), "
                                        + "averaging %.0f ms, broadcast %.0f ms; %d rows changed, %.1f MB sent",
                                global, (averageStart - roundStart) / 1e6, total.computeSeconds * 1e3,
                                (averageEnd - averageStart) / 1e6, (broadcastEnd - averageEnd) / 1e6,
                                averaged.rows().length, total.sentBytes / 1e6));
                    }
                    long sentPerWorker = total.sentBytes / partitioned.getNumPartitions();
                    if (!warnedResultSize && sentPerWorker > directResultBytes) {
                        warnedResultSize = true;
                        LOG.warn("round {}: a worker's result ({} MB) exceeds spark.task.maxDirectResultSize ({} MB), so "
                                + "results travel through the block manager, about 3x slower; set "
                                + "spark.task.maxDirectResultSize=128m when the application starts (docs/SCALING.md)",
                                global, sentPerWorker >> 20, directResultBytes >> 20);
                    }
                    lossSum += total.lossSum;
                    steps += total.steps;
                    computeSeconds += total.computeSeconds;
                    exchanged += total.sentBytes + averaged.bytes();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                TrainingSummary.Epoch e = new TrainingSummary.Epoch(epoch, steps == 0 ? Double.NaN : lossSum / steps,
                        sequences / seconds, seconds, Double.NaN, Double.NaN, rounds, (double) exchanged / rounds,
                        computeSeconds, Math.max(0, seconds - computeSeconds), Double.NaN, Double.NaN);
                TrainingSummary.Epoch logged = afterEpoch.after(e, state);
                double elapsed = (System.nanoTime() - started) / 1e9;
                double eta = elapsed / (epoch - firstEpoch + 1) * (epochs - epoch);
                LOG.info("SASRec {}", logged.progressLine(epochs, elapsed, eta));
                if (afterEpoch.stopsTraining()) {
                    LOG.info("SASRec: no better validation NDCG@10 for the last epochs; stopping after epoch {}", epoch);
                    break;
                }
            }
        } finally {
            if (changes != null) {
                changes.destroy();
            }
            release(fit, partitioned);
            sc.setJobDescription(null);
        }
        return state;
    }

    /** What the caller does after each epoch: validate, record, checkpoint, and whether training stops there. */
    interface EpochHook {
        /** @return {@code measured}, possibly with validation figures added */
        TrainingSummary.Epoch after(TrainingSummary.Epoch measured, State state);

        /** Whether training ends after the epoch just seen (early stopping); never by default. */
        default boolean stopsTraining() {
            return false;
        }
    }

    /** Runs one round on every partition and adds the results in partition order. */
    private RoundResult round(String fit, JavaRDD<int[]> partitioned, ResidentPartition.Round spec,
                              Broadcast<Changes> changes, Broadcast<Start> whole) {
        ResidentPartition.Sync sync = new ResidentPartition.Sync(changes, whole);
        JavaRDD<RoundResult> results = partitioned.mapPartitionsWithIndex((pid, it) -> {
            NativeThreads.set(Math.max(1, TaskContext.get().cpus()));
            ResidentPartition partition = ResidentPartition.of(fit, pid, () -> {
                List<int[]> seqs = new ArrayList<>();
                it.forEachRemaining(seqs::add);
                return seqs.toArray(new int[0][]);
            });
            return Collections.singletonList(partition.run(spec, sync)).iterator();
        }, true);
        if (trainingProfile != null) {
            results = results.withResources(trainingProfile);
        }
        return sum(results, config.hiddenUnits(), options.aggregationDepth());
    }

    /**
     * The sum of one result per partition, added in partition order: directly on the driver, or first within
     * groups of consecutive partitions on the executors when there are many ({@code depth} levels at most, grouped
     * as {@code treeAggregate} would).
     */
    static RoundResult sum(JavaRDD<RoundResult> results, int d, int depth) {
        int partitions = results.getNumPartitions();
        int scale = Math.max((int) Math.ceil(Math.pow(partitions, 1.0 / depth)), 2);
        int groups = partitions;
        long span = 1;
        while (groups > scale + (groups + scale - 1) / scale) {
            span *= scale;
            groups = (int) ((partitions + span - 1) / span);
            long groupSpan = span;
            results = results.mapToPair(r -> new Tuple2<>((int) (r.firstPartition / groupSpan), r))
                    .groupByKey(new HashPartitioner(groups))
                    .map(group -> {
                        List<RoundResult> list = new ArrayList<>();
                        group._2().forEach(list::add);
                        return RoundResult.merge(list, d);
                    });
        }
        return RoundResult.merge(results.collect(), d);
    }

    /** Drops the fit's resident partitions, wherever the last round's tasks ran. */
    private static void release(String fit, JavaRDD<int[]> partitioned) {
        if (partitioned.context().isStopped()) {
            return;
        }
        partitioned.mapPartitionsWithIndex((pid, it) -> {
            ResidentPartition.release(fit, pid);
            return Collections.emptyIterator();
        }, true).count();
    }

    private long collectAbove() {
        long slack = options.collectionSlack();
        return slack == Long.MAX_VALUE ? Long.MAX_VALUE : Runtime.getRuntime().maxMemory() + slack;
    }

    /** The dense part of {@code state}: parameters, first and second moments after the item table. */
    private float[] dense(State state) {
        return StateSlice.read(FloatBuffer.wrap(state.params()), FloatBuffer.wrap(state.adam()), numItems,
                config.hiddenUnits(), new int[0], state.iteration()).dense();
    }

    /** The starting state of a network with fresh Adam moments. */
    static State start(SasRecNetwork network) {
        float[] params = network.parameters().data().asFloat();
        return new State(params, new float[2 * params.length], 0);
    }
}
