package dev.sasrec.bench;


import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.SyntheticSequences;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.eval.LeaveOneOutEvaluator;
import dev.sasrec.engine.eval.Protocol;
import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.model.Checkpoint;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.model.SasRecNetwork;
import dev.sasrec.engine.score.Scorer;
import dev.sasrec.engine.score.TopK;
import dev.sasrec.engine.train.FitOptions;
import dev.sasrec.engine.train.SasRecTrainer;
import dev.sasrec.engine.train.TrainingSet;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * The engine end to end on generated data with a known next-item rule: trains with early stopping on validation
 * NDCG@10, evaluates the test split under both protocols, saves and reloads a checkpoint, and prints
 * recommendations for a few users next to their recent history.
 *
 * <p>Options: {@code --users 3000 --items 400 --epochs 20 --threads 2 --out runs/demo}.
 */
public final class EngineDemo {

    private EngineDemo() {
    }

    /** Entry point. */
    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, Set.of("users", "items", "epochs", "threads", "out"), Set.of());
        NativeThreads.set(a.getInt("threads", 2));
        int items = a.getInt("items", 400);
        UserSequences data = SyntheticSequences.generate(a.getInt("users", 3000), items, 10, 60, 0.8, 2026);
        LeaveOneOutSplit split = LeaveOneOutSplit.of(data);
        System.out.printf(Locale.ROOT, "generated %d users, %d items, %d interactions; after item i a user takes "
                + "a fixed successor of i 80%% of the time%n", data.numUsers(), data.numItems(), data.numInteractions());

        SasRecConfig config = SasRecConfig.builder().set("hiddenUnits", 32).set("maxLen", 50).set("numBlocks", 2).set("numHeads", 1)
                .set("dropout", 0.2).set("batchSize", 128).set("learningRate", 0.002).set("seed", 7).build();
        SasRecTrainer trainer = new SasRecTrainer(config, data.numItems());
        int epochs = a.getInt("epochs", 20);
        trainer.fit(TrainingSet.of(split), new FitOptions(epochs, 2, 3),
                r -> System.out.println(r.progressLine(epochs)),
                net -> LeaveOneOutEvaluator.evaluate(net.newScorer(), split, LeaveOneOutEvaluator.Split.VALIDATION,
                        Protocol.FULL, 10, 10_000, 1).ndcg());

        Path out = Path.of(a.get("out", "runs/demo"));
        Path file = out.resolve("model.sasrec");
        Checkpoint.save(trainer.network(), file);
        SasRecNetwork network = Checkpoint.load(file);
        Scorer scorer = network.newScorer();
        System.out.println("checkpoint written to " + file.toAbsolutePath() + " and read back");
        for (Protocol p : Protocol.values()) {
            System.out.println(LeaveOneOutEvaluator.evaluate(scorer, split, LeaveOneOutEvaluator.Split.TEST, p, 10, 10_000, 1));
        }
        System.out.printf(Locale.ROOT, "chance level for full-ranking HR@10 is about %.3f%n", 10.0 / items);

        int[][] histories = new int[3][];
        for (int u = 0; u < 3; u++) {
            histories[u] = split.testInput(u);
        }
        TopK top = scorer.recommend(histories, 5, true);
        for (int u = 0; u < 3; u++) {
            int[] h = histories[u];
            int[] recent = Arrays.copyOfRange(h, Math.max(0, h.length - 5), h.length);
            System.out.printf(Locale.ROOT, "user %d: recent %s -> top 5 %s (held-out next item %d)%n",
                    u, Arrays.toString(recent), Arrays.toString(top.items()[u]), split.test()[u]);
        }
        int[] newUser = {histories[0][histories[0].length - 1]};
        System.out.printf(Locale.ROOT, "a user never seen in training with history %s -> top 5 %s%n",
                Arrays.toString(newUser), Arrays.toString(scorer.recommend(new int[][]{newUser}, 5, true).items()[0]));
    }
}
