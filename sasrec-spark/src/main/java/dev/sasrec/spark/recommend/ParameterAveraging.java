package dev.sasrec.spark.recommend;

import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingBackends;
import dev.sasrec.engine.train.TrainingSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceProfile;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Synchronous parameter averaging over Spark partitions. Each round broadcasts the flat parameters and Adam state;
 * every partition continues training a pooled engine copy on its own users for up to {@code averagingFrequency}
 * steps of the epoch's plan; {@code treeAggregate} sums parameters and Adam state weighted by the steps each
 * partition took; the driver divides and starts the next round. Each partition's batch plan and random draws
 * derive from (seed, epoch, round, partition) only, so a retried task computes exactly what the lost one would
 * have.
 */
final class ParameterAveraging {

    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveraging.class);
    /**
     * Trainers kept between rounds, per configuration and catalogue size; a borrowed trainer has its whole state
     * replaced from the round's broadcast before use, so reuse changes no result.
     */
    private static final JvmPool<SasRecTrainer> TRAINERS = new JvmPool<>(4);

    /** The driver's view of the training state. */
    record State(float[] params, float[] adam, int iteration) implements Serializable { }

    /** What partitions send back: weighted sums. */
    static final class Partial implements Serializable {
        private static final long serialVersionUID = 1L;
        double[] params;
        double[] adam;
        long steps;
        double lossSum;
        int maxSteps;

        Partial add(Partial o) {
            if (o.steps == 0) {
                return this;
            }
            if (steps == 0) {
                return o;
            }
            for (int i = 0; i < params.length; i++) {
                params[i] += o.params[i];
            }
            for (int i = 0; i < adam.length; i++) {
                adam[i] += o.adam[i];
            }
            steps += o.steps;
            lossSum += o.lossSum;
            maxSteps = Math.max(maxSteps, o.maxSteps);
            return this;
        }
    }

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
        int rounds = Math.max(1, (maxBatches + options.averagingFrequency() - 1) / options.averagingFrequency());
        State state = start;
        long started = System.nanoTime();
        for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            long steps = 0;
            for (int round = 0; round < rounds; round++) {
                sc.setJobDescription(String.format(Locale.ROOT, "SASRec epoch %d/%d, averaging round %d/%d",
                        epoch, epochs, round + 1, rounds));
                Broadcast<State> bc = sc.broadcast(state);
                Partial total = round(partitioned, bc, epoch, round);
                bc.destroy();
                if (total.steps == 0) {
                    continue;
                }
                float[] params = new float[total.params.length];
                for (int i = 0; i < params.length; i++) {
                    params[i] = (float) (total.params[i] / total.steps);
                }
                float[] adam = new float[total.adam.length];
                for (int i = 0; i < adam.length; i++) {
                    adam[i] = (float) (total.adam[i] / total.steps);
                }
                state = new State(params, adam, state.iteration() + total.maxSteps);
                lossSum += total.lossSum;
                steps += total.steps;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            TrainingSummary.Epoch e = new TrainingSummary.Epoch(epoch, steps == 0 ? Double.NaN : lossSum / steps,
                    sequences / seconds, seconds);
            TrainingSummary.Epoch logged = afterEpoch.after(e, state);
            double elapsed = (System.nanoTime() - started) / 1e9;
            double eta = elapsed / (epoch - firstEpoch + 1) * (epochs - epoch);
            LOG.info("SASRec {}", logged.progressLine(epochs, elapsed, eta));
        }
        sc.setJobDescription(null);
        return state;
    }

    /** What the caller does after each epoch: validate, record, checkpoint. */
    @FunctionalInterface
    interface EpochHook {
        /** @return {@code measured}, possibly with validation figures added */
        TrainingSummary.Epoch after(TrainingSummary.Epoch measured, State state);
    }

    private Partial round(JavaRDD<int[]> partitioned, Broadcast<State> bc, int epoch, int round) {
        SasRecConfig cfg = config;
        int items = numItems;
        int frequency = options.averagingFrequency();
        int positions = options.maxPositionsPerPass();
        long slack = options.collectionSlack();
        String backend = options.trainingBackend();
        JavaRDD<Partial> trained = partitioned.mapPartitionsWithIndex((pid, it) -> {
            NativeThreads.set(Math.max(1, org.apache.spark.TaskContext.get().cpus()));
            List<int[]> seqs = new ArrayList<>();
            it.forEachRemaining(seqs::add);
            Partial p = new Partial();
            if (seqs.isEmpty()) {
                return Collections.singletonList(p).iterator();
            }
            TrainingSet data = TrainingSet.of(seqs.toArray(new int[0][]));
            long base = cfg.seed() * 1_000_003L + epoch * 7919L + pid;
            List<int[]> plan = SasRecTrainer.planEpoch(data, cfg, base);
            int from = round * frequency;
            int to = Math.min(plan.size(), from + frequency);
            if (from >= to) {
                return Collections.singletonList(p).iterator();
            }
            State s = bc.value();
            String poolKey = cfg.toMap() + "/" + items + "/" + backend;
            long collectAbove = slack == Long.MAX_VALUE ? Long.MAX_VALUE
                    : Runtime.getRuntime().maxMemory() + slack;
            SasRecTrainer trainer = TRAINERS.borrow(poolKey,
                            () -> new SasRecTrainer(SasRecNetwork.initialise(cfg, items), TrainingBackends.named(backend)))
                    .maxPositionsPerPass(positions).collectGarbageAbove(collectAbove);
            try {
                trainer.setState(Nd4j.createFromArray(s.params()), Nd4j.createFromArray(s.adam()), s.iteration());
                trainer.reseed(base * 31 + round);
                double loss = 0;
                for (int b = from; b < to; b++) {
                    int[] users = plan.get(b);
                    int[][] batch = new int[users.length][];
                    int[][] seen = new int[users.length][];
                    for (int i = 0; i < users.length; i++) {
                        batch[i] = data.sequences()[users[i]];
                        seen[i] = data.seen()[users[i]];
                    }
                    loss += trainer.trainStep(batch, seen);
                }
                int steps = to - from;
                float[] params = trainer.parameters().data().asFloat();
                float[] adam = trainer.optimizerState().data().asFloat();
                p.params = new double[params.length];
                for (int i = 0; i < params.length; i++) {
                    p.params[i] = (double) params[i] * steps;
                }
                p.adam = new double[adam.length];
                for (int i = 0; i < adam.length; i++) {
                    p.adam[i] = (double) adam[i] * steps;
                }
                p.steps = steps;
                p.maxSteps = steps;
                p.lossSum = loss;
            } finally {
                TRAINERS.giveBack(poolKey, trainer);
            }
            return Collections.singletonList(p).iterator();
        }, true);
        if (trainingProfile != null) {
            trained = trained.withResources(trainingProfile);
        }
        return trained.treeAggregate(new Partial(), Partial::add, Partial::add, options.aggregationDepth());
    }

    /** The starting state of a network with fresh Adam moments. */
    static State start(SasRecNetwork network) {
        float[] params = network.parameters().data().asFloat();
        return new State(params, new float[2 * params.length], 0);
    }
}
