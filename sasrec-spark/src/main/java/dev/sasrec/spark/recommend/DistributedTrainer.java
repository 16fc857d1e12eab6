package dev.sasrec.spark.recommend;

import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingBackend;
import dev.sasrec.engine.train.TrainingBackends;
import dev.sasrec.engine.train.TrainingSet;
import dev.sasrec.spark.index.ItemVocabulary;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;

/**
 * What a {@link SASRec} fit does, as a developer API: reads the histories (dropping, and counting, those that
 * cannot be trained on), holds out the validation users, partitions the rest by content, resumes from the latest
 * checkpoint or warm-starts, sizes training passes to the executors' native memory, and runs
 * {@link ParameterAveraging} epoch by epoch, validating and checkpointing as configured.
 */
final class DistributedTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

    /** The network a fit starts from, given the catalogue (a fresh one, or a warm start). */
    interface InitialNetwork {
        SasRecNetwork start(SasRecConfig config, int numItems, ItemVocabulary vocabulary);
    }

    /** A trained network, the vocabulary its item indices come from (null for none) and what training did. */
    record Result(SasRecNetwork network, ItemVocabulary vocabulary, TrainingSummary summary) { }

    private DistributedTrainer() {
    }

    /** Trains on {@code dataset}'s {@code options.itemsCol()} (validated by the caller: an {@code array<int>} column). */
    static Result train(Dataset<?> dataset, TrainingOptions options, InitialNetwork initialNetwork) {
        SasRecConfig config = options.config();
        String items = options.itemsCol();
        StructField itemsField = dataset.schema().apply(items);
        ItemVocabulary vocabulary = ItemVocabulary.of(itemsField).orElse(null);
        TrainingSummary summary = new TrainingSummary();

        Dataset<Row> usable = dataset.toDF().select(col(items)).filter(col(items).isNotNull())
                .select(filter(col(items), x -> x.gt(0)).as("s"));
        long nullRows = dataset.filter(col(items).isNull()).count();
        int numItems;
        if (vocabulary != null) {
            numItems = vocabulary.size();
        } else {
            Row max = usable.selectExpr("max(array_max(s))").first();
            if (max.isNullAt(0)) {
                throw new IllegalArgumentException("column " + items + " holds no item index > 0 to train on");
            }
            numItems = max.getInt(0);
        }
        int n = config.maxLen();
        // With allWindows the whole history travels: validation holds out whole users, and only then is the rest cut.
        JavaRDD<int[]> sequences = (config.allWindows() ? usable : trainingWindows(usable, n)).javaRDD().map(r -> {
            List<Integer> list = r.getList(0);
            return list.stream().mapToInt(Integer::intValue).toArray();
        });
        int workers = options.averaging().numWorkers();
        // Keyed by content, not by the order rows arrive in: that order changes with shuffles and with recomputing
        // a lost partition, and the validation sample, the partitioning and each partition's order must not.
        // Histories with equal keys are equal (up to 64-bit collisions), so their relative order cannot matter.
        JavaPairRDD<Long, int[]> keyed = sequences.mapToPair(s -> new Tuple2<>(contentKey(s), s));
        HeldOutValidation validation = null;
        if (options.validationUsers() > 0) {
            validation = HeldOutValidation.sample(keyed, options.validationUsers(), config.seed());
            keyed = validation.holdOut(keyed);
        }
        if (config.allWindows()) {
            keyed = keyed.flatMapToPair(e -> TrainingSet.windows(e._2(), n).stream()
                    .map(w -> new Tuple2<>(contentKey(w), w)).iterator());
        }
        JavaRDD<int[]> all = keyed.repartitionAndSortWithinPartitions(new HashPartitioner(workers)).values()
                .persist(StorageLevel.MEMORY_AND_DISK());
        long total = all.count();
        int finalNumItems = numItems;
        long outOfRange = all.filter(s -> Arrays.stream(s).anyMatch(i -> i > finalNumItems)).count();
        if (outOfRange > 0) {
            all.unpersist(false);
            throw new IllegalArgumentException("column " + items + ": " + outOfRange + " histories hold item indices above "
                    + numItems + ", the size of the vocabulary in the column's metadata");
        }
        JavaRDD<int[]> trainable = all.filter(s -> s.length >= 2).persist(StorageLevel.MEMORY_AND_DISK());
        DataFingerprint fingerprint = DataFingerprint.of(trainable);
        long count = fingerprint.sequences();
        all.unpersist(false);
        summary.dropped("null history", nullRows);
        summary.dropped("fewer than 2 items", total - count);
        summary.sizes(count, numItems, workers);
        if (validation != null) {
            summary.validationUsers(validation.size());
        }
        if (count == 0) {
            trainable.unpersist(false);
            throw new IllegalArgumentException("column " + items + " has no history with at least 2 items to train on");
        }

        ParameterAveraging.State start = ParameterAveraging.start(initialNetwork.start(config, numItems, vocabulary));
        int firstEpoch = 1;
        EarlyStopping stopping = new EarlyStopping(options.patience());
        TrainingCheckpoints checkpoints = options.checkpointDir().isEmpty() ? null
                : new TrainingCheckpoints(options.checkpointDir(), dataset.sparkSession().sparkContext().hadoopConfiguration());
        if (checkpoints != null) {
            Optional<TrainingCheckpoints.Restored> restored = checkpoints.latest(config, numItems, fingerprint);
            if (restored.isPresent()) {
                start = restored.get().state();
                firstEpoch = restored.get().epoch() + 1;
                restored.get().history().forEach(summary::addEpoch);
                stopping.resume(summary, epoch -> checkpoints.best(epoch, config, numItems), restored.get().state().params());
                LOG.info("resuming from the checkpoint of epoch {} in {}", restored.get().epoch(), options.checkpointDir());
            }
        }
        summary.resumedAfter(firstEpoch - 1);
        int interval = options.checkpointInterval();
        int epochs = options.maxEpochs();
        int positions = options.averaging().maxPositionsPerPass();
        OptionalLong nativeBytes = NativeMemoryBudget.nativeBytes(dataset.sparkSession().sparkContext().getConf());
        TrainingBackend backend = TrainingBackends.named(options.averaging().trainingBackend());
        long stateBytes = SasRecTrainer.residentStateBytes(config, numItems, backend);
        if (nativeBytes.isPresent()) {
            NativeMemoryBudget.requireRoomForState(nativeBytes.getAsLong(), stateBytes, numItems, config.hiddenUnits());
            int fit = NativeMemoryBudget.positionsPerPass(config, numItems, nativeBytes.getAsLong(), backend);
            LOG.info("executor native memory {} MiB, {} MiB of it a trainer's resident state: at most {} padded "
                            + "positions per training pass (maxPositionsPerPass {})",
                    nativeBytes.getAsLong() >> 20, stateBytes >> 20, fit, positions);
            positions = Math.min(positions, fit);
        }
        summary.positionsPerPass(positions);
        AveragingOptions averagingOptions = options.averaging()
                .sizedTo(positions, NativeMemoryBudget.collectionSlack(nativeBytes, stateBytes));
        ParameterAveraging averaging = new ParameterAveraging(config, numItems, averagingOptions, TrainingResources.profile(
                options.trainingTaskCpus(), options.trainingTaskGpus(),
                dataset.sparkSession().sparkContext()));
        HeldOutValidation validator = validation;
        ParameterAveraging.State end = averaging.train(trainable, start, firstEpoch, epochs, count,
                new ParameterAveraging.EpochHook() {
                    @Override
                    public TrainingSummary.Epoch after(TrainingSummary.Epoch measured, ParameterAveraging.State state) {
                        TrainingSummary.Epoch e = validator == null ? measured : validator.evaluate(measured,
                                new SasRecNetwork(config, finalNumItems, Nd4j.createFromArray(state.params())));
                        summary.addEpoch(e);
                        stopping.observe(e, state.params());
                        if (checkpoints != null && (e.epoch() % interval == 0 || e.epoch() == epochs || stopping.stops())) {
                            if (stopping.takeUnsaved()) {
                                checkpoints.saveBest(stopping.bestParams().orElseThrow(), stopping.bestEpoch(), config,
                                        numItems);
                            }
                            checkpoints.save(state, e.epoch(), config, numItems, fingerprint, summary.epochs());
                        }
                        return e;
                    }

                    @Override
                    public boolean stopsTraining() {
                        return stopping.stops();
                    }
                });
        trainable.unpersist(false);
        float[] kept = end.params();
        if (stopping.bestParams().isPresent()) {
            kept = stopping.bestParams().get();
            summary.keptEpoch(stopping.bestEpoch());
            LOG.info("early stopping: keeping the parameters of epoch {}, the best validation NDCG@10 (patience {})",
                    stopping.bestEpoch(), options.patience());
        }
        LOG.info("{}", summary);
        return new Result(new SasRecNetwork(config, numItems, Nd4j.createFromArray(kept)), vocabulary, summary);
    }

    /**
     * Column {@code s} of {@code histories} cut to its last {@code n + 1} items: the engine reads the last n inputs
     * and their n targets, so only these travel to the workers, however long a history is.
     */
    static Dataset<Row> trainingWindows(Dataset<Row> histories, int n) {
        return histories.select(slice(col("s"), greatest(size(col("s")).minus(n), lit(1)), lit(n + 1)).as("s"));
    }

    /** A 64-bit hash of a history's items, stable across JVMs and runs. */
    static long contentKey(int[] history) {
        long h = 0x9E3779B97F4A7C15L ^ history.length;
        for (int item : history) {
            h = (h ^ item) * 0xFF51AFD7ED558CCDL;
            h ^= h >>> 33;
        }
        return h;
    }
}
