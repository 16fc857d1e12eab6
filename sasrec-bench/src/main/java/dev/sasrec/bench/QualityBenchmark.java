package dev.sasrec.bench;

import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.eval.LeaveOneOutEvaluator;
import dev.sasrec.engine.eval.Protocol;
import dev.sasrec.engine.eval.RankingMetrics;
import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.model.Recipe;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.score.Scorer;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingBackend;
import dev.sasrec.engine.train.TrainingBackends;
import dev.sasrec.engine.train.TrainingSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The quality benchmark behind {@code bench/quality.sh}: trains a {@link Recipe} on a {@code user item} file with
 * early stopping on validation NDCG@10, printing after every epoch the elapsed time, the loss and NDCG@10 / HR@10
 * on the validation and test splits under both protocols, then the most-popular baseline and one JSON line with
 * the best epoch's figures. The best epoch is chosen on the validation split only.
 */
public final class QualityBenchmark {

    /** The recipe measured when none is named: the best one on MovieLens-1M (docs/BENCHMARKS.md). */
    static final Recipe BEST = Recipe.CE;

    private QualityBenchmark() {
    }

    /** Entry point; see {@code bench/quality.sh --help}. */
    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, Set.of("recipe", "data", "max-epochs", "patience", "select", "threads", "seed",
                "eval-users", "max-history", "set"));
        Recipe recipe = Recipe.named(a.get("recipe", BEST.key()));
        Protocol select = selection(a.get("select", recipe == Recipe.PAPER ? "sampled" : "full"));
        int threads = a.getInt("threads", 2);
        TrainingBackend backend = TrainingBackends.named(TrainingBackends.DEFAULT);
        NativeThreads.set(Math.max(1, threads / backend.concurrentPasses(threads)));
        Path data = Path.of(a.get("data", "../shared/data/ml-1m/ml-1m.txt"));
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException("--data: no such file " + data.toAbsolutePath());
        }
        SasRecConfig.Builder builder = recipe.applyTo(SasRecConfig.builder()).set("seed", a.getLong("seed", 42));
        for (String setting : a.get("set", "").split(",")) {
            if (setting.isBlank()) {
                continue;
            }
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set: invalid value '" + setting + "', expected name=value");
            }
            builder.set(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
        }
        SasRecConfig config = builder.build();
        int maxEpochs = a.getInt("max-epochs", 200);
        int patience = a.getInt("patience", 10);
        int evalUsers = a.getInt("eval-users", Integer.MAX_VALUE);

        UserSequences seqs = TrainBenchmark.lastItems(UserSequences.read(data), a.getInt("max-history", Integer.MAX_VALUE));
        LeaveOneOutSplit split = LeaveOneOutSplit.of(seqs);
        TrainingSet train = TrainingSet.of(split);
        System.out.printf(Locale.ROOT, "data %s: %d users, %d items, %d interactions; recipe %s, best epoch by "
                        + "validation %s NDCG@10, patience %d; config %s%n", data, seqs.numUsers(), seqs.numItems(),
                seqs.numInteractions(), recipe.key(), select.label(), patience, config.toMap());
        System.out.println("epoch  seconds  loss     | validation sampled NDCG HR, full NDCG HR | test sampled NDCG HR, full NDCG HR");

        SasRecTrainer trainer = new SasRecTrainer(SasRecNetwork.initialise(config, seqs.numItems()), backend)
                .passThreads(backend.concurrentPasses(threads));
        double trainingSeconds = 0;
        double best = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0;
        double secondsToBest = 0;
        RankingMetrics[] bestTest = null;
        for (int epoch = 1; epoch <= maxEpochs && epoch - bestEpoch <= patience; epoch++) {
            long t0 = System.nanoTime();
            double loss = trainer.trainEpoch(train);
            RankingMetrics[] validation;
            try (Scorer scorer = trainer.network().newScorer()) {
                validation = BothProtocols.evaluate(scorer, split, LeaveOneOutEvaluator.Split.VALIDATION, evalUsers, config.seed());
                // Training and validation are what a run with early stopping spends; the test split is the benchmark's.
                trainingSeconds += (System.nanoTime() - t0) / 1e9;
                RankingMetrics[] test = BothProtocols.evaluate(scorer, split, LeaveOneOutEvaluator.Split.TEST, evalUsers, config.seed());
                double chosen = validation[select == Protocol.FULL ? 1 : 0].ndcg();
                if (chosen > best) {
                    best = chosen;
                    bestEpoch = epoch;
                    secondsToBest = trainingSeconds;
                    bestTest = test;
                }
                System.out.printf(Locale.ROOT, "%5d  %7.1f  %.4f   | %.4f %.4f  %.4f %.4f | %.4f %.4f  %.4f %.4f%s%n",
                        epoch, trainingSeconds, loss, validation[0].ndcg(), validation[0].hitRate(),
                        validation[1].ndcg(), validation[1].hitRate(), test[0].ndcg(), test[0].hitRate(),
                        test[1].ndcg(), test[1].hitRate(), bestEpoch == epoch ? "  best" : "");
            }
        }

        RankingMetrics[] popular = BothProtocols.evaluate(BothProtocols.popular(split), split,
                LeaveOneOutEvaluator.Split.TEST, evalUsers, config.seed());
        System.out.printf(Locale.ROOT, "most-popular baseline, test: sampled NDCG@10 %.4f HR@10 %.4f, full NDCG@10 %.4f "
                + "HR@10 %.4f%n", popular[0].ndcg(), popular[0].hitRate(), popular[1].ndcg(), popular[1].hitRate());
        System.out.printf(Locale.ROOT, "{\"recipe\": \"%s\", \"best_epoch\": %d, \"seconds_to_best\": %.1f, "
                        + "\"sampled_ndcg10\": %.4f, \"sampled_hr10\": %.4f, \"full_ndcg10\": %.4f, \"full_hr10\": %.4f, "
                        + "\"popular_sampled_ndcg10\": %.4f, \"popular_full_ndcg10\": %.4f, \"selected_by\": \"%s\"}%n",
                recipe.key(), bestEpoch, secondsToBest, bestTest[0].ndcg(), bestTest[0].hitRate(), bestTest[1].ndcg(),
                bestTest[1].hitRate(), popular[0].ndcg(), popular[1].ndcg(), "validation_" + select.label() + "_ndcg10");
    }

    private static Protocol selection(String name) {
        for (Protocol p : Protocol.values()) {
            if (p.label().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("--select: invalid value '" + name + "', expected sampled or full");
    }
}
