package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingBackends;
import dev.sasrec.engine.train.TrainingSet;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One partition's training, kept in the executor that runs it from one averaging round to the next: its histories,
 * the batch plan of the current epoch and a trainer. The trainer holds either the averaged state after some round
 * (synchronised) or the state its own steps of that round left (trained); {@link ParameterAveraging} brings it to
 * the next round's starting state with the round's averaged changes, or, when the executor holds nothing usable
 * (a new or replacement executor, a partition that moved), with the whole state. Every step's draws derive from
 * (seed, epoch, round, partition), so a partition rebuilt from the whole state computes what it would have computed
 * in place.
 *
 * <p>Partitions are kept per fit and dropped when the fit releases them or after 30 idle minutes.
 */
final class ResidentPartition {

    private static final Map<String, ResidentPartition> RESIDENT = new ConcurrentHashMap<>();
    private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(30);

    /**
     * Where a round's starting state comes from: the averaged changes of the previous round, and the whole state
     * when the driver broadcast it (null otherwise). Read only when needed, so an executor that is up to date never
     * fetches the whole state.
     */
    record Sync(Broadcast<ParameterAveraging.Changes> changes, Broadcast<ParameterAveraging.Start> start)
            implements Serializable { }

    /**
     * One round of a fit.
     *
     * @param global    the round's number in the fit, from 1
     * @param epoch     its epoch
     * @param inEpoch   its number in the epoch, from 0
     * @param frequency local steps per round
     */
    record Round(int global, int epoch, int inEpoch, int frequency, SasRecConfig config, int numItems,
                 String backend, int positionsPerPass, long collectAbove) implements Serializable { }

    private final int partition;
    private final TrainingSet data;
    private SasRecTrainer trainer;
    private int planEpoch = -1;
    private List<int[]> plan;
    /** The round whose end the trainer's state belongs to, or -1 when it holds nothing usable. */
    private int heldRound = -1;
    /** Whether that state is the partition's own steps of the round (true) or the round's average (false). */
    private boolean trained;
    private RoundResult last;
    private volatile long lastUsed = System.nanoTime();

    private ResidentPartition(int partition, TrainingSet data) {
        this.partition = partition;
        this.data = data;
    }

    /** The partition {@code partition} of fit {@code fit} in this JVM, made from {@code histories} when absent. */
    static ResidentPartition of(String fit, int partition, Supplier<int[][]> histories) {
        long now = System.nanoTime();
        RESIDENT.values().removeIf(r -> now - r.lastUsed > IDLE_NANOS);
        ResidentPartition r = RESIDENT.computeIfAbsent(fit + "/" + partition, k -> {
            int[][] h = histories.get();
            return new ResidentPartition(partition, h.length == 0 ? null : TrainingSet.of(h));
        });
        r.lastUsed = now;
        return r;
    }

    /** Forgets partition {@code partition} of fit {@code fit} in this JVM. */
    static void release(String fit, int partition) {
        RESIDENT.remove(fit + "/" + partition);
    }

    /**
     * Runs the round: the result this executor already computed for it (a retried task), or the round's steps from
     * its starting state, or {@link RoundResult#stale} when this executor cannot reach that state from
     * {@code sync}.
     */
    synchronized RoundResult run(Round round, Sync sync) {
        if (data == null) {
            return RoundResult.idle(partition);
        }
        if (trained && heldRound == round.global()) {
            return last;
        }
        if (!startOf(round, sync)) {
            return RoundResult.stale(partition);
        }
        SasRecConfig cfg = round.config();
        long seed = cfg.seed() * 1_000_003L + round.epoch() * 7919L + partition;
        if (planEpoch != round.epoch()) {
            plan = SasRecTrainer.planEpoch(data, cfg, seed);
            planEpoch = round.epoch();
        }
        int from = round.inEpoch() * round.frequency();
        int to = Math.min(plan.size(), from + round.frequency());
        boolean done = false;
        try {
            RoundResult result;
            if (from >= to) {
                result = RoundResult.idle(partition);
            } else {
                long t0 = System.nanoTime();
                trainer.maxPositionsPerPass(round.positionsPerPass()).collectGarbageAbove(round.collectAbove());
                trainer.reseed(seed * 31 + round.inEpoch());
                double loss = 0;
                for (int b = from; b < to; b++) {
                    loss += trainer.trainStep(data, plan.get(b));
                }
                result = RoundResult.trained(partition, trainer.changes(), to - from, loss,
                        (System.nanoTime() - t0) / 1e9);
            }
            heldRound = round.global();
            trained = true;
            last = result;
            done = true;
            return result;
        } finally {
            if (!done) {
                heldRound = -1;
            }
        }
    }

    /** Brings the trainer to the state round {@code round.global()} starts from; false when it cannot. */
    private boolean startOf(Round round, Sync sync) {
        int previous = round.global() - 1;
        if (!trained && heldRound == previous) {
            return true;
        }
        if (trained && heldRound == previous && sync.changes() != null) {
            ParameterAveraging.Changes changes = sync.changes().value();
            if (changes.round() == previous) {
                trainer.apply(changes.slice());
                trained = false;
                return true;
            }
        }
        if (sync.start() != null && sync.start().value().round() == previous) {
            ParameterAveraging.State s = sync.start().value().state();
            if (trainer == null) {
                trainer = new SasRecTrainer(new SasRecNetwork(round.config(), round.numItems(),
                        Nd4j.createFromArray(s.params())), TrainingBackends.named(round.backend()));
            }
            trainer.setState(s.params(), s.adam(), s.iteration());
            heldRound = previous;
            trained = false;
            return true;
        }
        return false;
    }
}
