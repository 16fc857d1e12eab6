package dev.sasrec.bench;


import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.eval.LeaveOneOutEvaluator;
import dev.sasrec.engine.eval.RankingMetrics;
import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.internal.ResidentMemory;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.score.Scorer;
import dev.sasrec.engine.score.ScoringPool;
import dev.sasrec.engine.train.FitOptions;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingBackend;
import dev.sasrec.engine.train.TrainingBackends;
import dev.sasrec.engine.train.TrainingSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The engine benchmark behind {@code bench/train-ml1m.sh}: trains on a {@code user item} file, prints a progress
 * line per epoch (and the test metrics every {@code --eval-every} epochs) and, last, one JSON line with the
 * median epoch time, peak RSS, test metrics under both protocols and the time to score all users (top-10 over
 * all items on a fresh scoring pool, before the final evaluation; the JVM's first scoring when
 * {@code --eval-every} is 0).
 */
public final class TrainBenchmark {

    private TrainBenchmark() {
    }

    /** Entry point; see {@code bench/train-ml1m.sh --help}. */
    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv,
                Set.of("data", "epochs", "loss", "threads", "eval-every", "d", "n", "blocks", "heads", "dropout",
                        "batch", "lr", "negatives", "seed", "l2", "eval-users", "max-positions", "pass-threads",
                        "gc-above-mb", "backend", "max-history"),
                Set.of("pre-ln", "bucketing", "lazy-adam"));
        int threads = a.getInt("threads", 2);
        TrainingBackend backend = TrainingBackends.named(a.get("backend", TrainingBackends.DEFAULT));
        int passThreads = a.getInt("pass-threads", backend.concurrentPasses(threads));
        NativeThreads.set(Math.max(1, threads / passThreads));
        Path data = Path.of(a.get("data", "../shared/data/ml-1m/ml-1m.txt"));
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException("--data: no such file " + data.toAbsolutePath());
        }
        SasRecConfig config = SasRecConfig.builder()
                .set("hiddenUnits", a.getInt("d", 50)).set("maxLen", a.getInt("n", 200))
                .set("numBlocks", a.getInt("blocks", 2)).set("numHeads", a.getInt("heads", 1))
                .set("dropout", a.getDouble("dropout", 0.2)).set("batchSize", a.getInt("batch", 128))
                .set("learningRate", a.getDouble("lr", 0.001)).set("loss", a.get("loss", "bce"))
                .set("numNegatives", a.getInt("negatives", 100)).set("preLayerNorm", a.flag("pre-ln"))
                .set("bucketByLength", a.flag("bucketing")).set("l2Emb", a.getDouble("l2", 0.0))
                .set("lazyAdam", a.flag("lazy-adam"))
                .set("seed", a.getInt("seed", 42)).build();
        int epochs = a.getInt("epochs", 200);
        int evalEvery = a.getInt("eval-every", 10);
        int evalUsers = a.getInt("eval-users", 10_000);

        UserSequences seqs = lastItems(UserSequences.read(data), a.getInt("max-history", Integer.MAX_VALUE));
        LeaveOneOutSplit split = LeaveOneOutSplit.of(seqs);
        TrainingSet train = TrainingSet.of(split);
        System.out.printf(Locale.ROOT, "data %s: %d users, %d items, %d interactions; config %s%n",
                data, seqs.numUsers(), seqs.numItems(), seqs.numInteractions(), config.toMap());

        long positions = 0;
        for (int[] sequence : train.sequences()) {
            positions += Math.min(sequence.length - 1, config.maxLen());
        }
        SasRecTrainer trainer = new SasRecTrainer(SasRecNetwork.initialise(config, seqs.numItems()), backend)
                .maxPositionsPerPass(a.getInt("max-positions", 6_400)).passThreads(passThreads)
                .collectGarbageAbove((long) a.getInt("gc-above-mb", 0) << 20);
        List<Double> epochSeconds = new ArrayList<>();
        RankingMetrics[] last = new RankingMetrics[2];
        trainer.fit(train, new FitOptions(epochs, 0, 0), r -> {
            epochSeconds.add(r.seconds());
            System.out.println(r.progressLine(epochs) + "  rss " + ResidentMemory.currentMb() + " MB");
            if (evalEvery > 0 && (r.epoch() % evalEvery == 0 || r.epoch() == epochs)) {
                try (Scorer scorer = trainer.network().newScorer()) {
                    System.arraycopy(BothProtocols.evaluate(scorer, split, LeaveOneOutEvaluator.Split.TEST, evalUsers,
                            config.seed()), 0, last, 0, 2);
                }
                System.out.println("curve epoch " + r.epoch() + ": " + last[0] + " | " + last[1]);
            }
        }, null);
        long trainPeak = ResidentMemory.peakMb();

        SasRecNetwork network = trainer.network();
        // Timed before the final evaluation, on a fresh pool: with --eval-every 0 this is the JVM's first scoring
        // of the trained network, as a nightly job would see it.
        double scoreSeconds;
        NativeThreads.set(1);
        try (ScoringPool pool = new ScoringPool(network, threads)) {
            scoreSeconds = ScoreAllUsers.seconds(pool, split, 10);
        }
        if (last[0] == null) {
            try (Scorer scorer = network.newScorer()) {
                System.arraycopy(BothProtocols.evaluate(scorer, split, LeaveOneOutEvaluator.Split.TEST, evalUsers,
                        config.seed()), 0, last, 0, 2);
            }
        }

        // The most-popular baseline on the same users, negatives and protocols.
        RankingMetrics[] popularBoth = BothProtocols.evaluate(BothProtocols.popular(split), split,
                LeaveOneOutEvaluator.Split.TEST, evalUsers, config.seed());
        RankingMetrics popularSampled = popularBoth[0];
        RankingMetrics popularFull = popularBoth[1];
        System.out.println("most-popular baseline: " + popularSampled + " | " + popularFull);

        double median = median(epochSeconds);
        double warm = median(epochSeconds.size() > 1 ? epochSeconds.subList(1, epochSeconds.size()) : epochSeconds);
        System.out.printf(Locale.ROOT,
                "{\"epochs\": %d, \"seconds_per_epoch\": %.2f, \"peak_rss_mb\": %d, \"sampled_ndcg10\": %.4f, "
                        + "\"sampled_hr10\": %.4f, \"full_ndcg10\": %.4f, \"full_hr10\": %.4f, "
                        + "\"score_all_users_seconds\": %.2f, \"loss\": \"%s\", \"backend\": \"%s\", "
                        + "\"positions_per_second\": %.0f, \"positions_per_epoch\": %d, "
                        + "\"warm_seconds_per_epoch\": %.3f, \"popular_sampled_ndcg10\": %.4f, "
                        + "\"popular_full_ndcg10\": %.4f}%n",
                epochSeconds.size(), median, trainPeak, last[0].ndcg(), last[0].hitRate(), last[1].ndcg(),
                last[1].hitRate(), scoreSeconds, config.loss().key(), backend.name(), positions / median, positions,
                warm, popularSampled.ndcg(), popularFull.ndcg());
    }

    private static double median(List<Double> values) {
        return Median.of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Each user's last {@code k} items (all of them when there are fewer), the catalogue kept. */
    static UserSequences lastItems(UserSequences data, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("--max-history: invalid value " + k + ", expected an integer >= 1");
        }
        int[][] cut = new int[data.numUsers()][];
        for (int u = 0; u < cut.length; u++) {
            int[] s = data.sequences()[u];
            cut[u] = Arrays.copyOfRange(s, Math.max(0, s.length - k), s.length);
        }
        return new UserSequences(cut, data.numItems());
    }

}
