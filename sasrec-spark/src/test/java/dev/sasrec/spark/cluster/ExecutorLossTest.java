package dev.sasrec.spark.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Executor loss during distributed training, on a real multi-JVM cluster: a standalone Master and two Workers on
 * this machine, executors in JVMs of their own. The same training (lazy Adam over a catalogue of 59,501
 * items, so that rounds exchange only the rows they changed) runs twice; in the second run one executor JVM is
 * killed (SIGKILL) while it runs a training task of epoch 3. Spark reschedules the lost task and recomputes the
 * lost cached partition (the executors store more cached partitions than in the undisturbed run); the partition's
 * trainer, resident in the lost executor, is rebuilt from the driver's whole state, and because every partition's
 * data, order and random draws follow from the seed and the data alone, the retried work is the same and the model
 * comes out identical to the undisturbed one. Both runs train under a
 * stage-level resource profile ({@code trainingTaskCpus}), which a real cluster manager is needed to check.
 */
class ExecutorLossTest {

    private record Result(double ndcg, int parameterHash, int executorsRemoved, int failedTasks, int profiledStages,
                          int cachedBlocksStored, int roundsPerEpoch, double maxExchangedBytesPerRound,
                          long itemTableStateBytes, String log) {
    }

    @Test
    void aKilledExecutorIsRecoveredByTaskRetryAndTheModelIsUnchanged(@TempDir Path dir) throws Exception {
        try (LocalStandaloneCluster cluster = new LocalStandaloneCluster(dir, 2, 1536)) {
            Result undisturbed = train(cluster, dir.resolve("undisturbed.txt"), false);
            assertEquals(0, undisturbed.executorsRemoved(), undisturbed.log());
            assertTrue(undisturbed.ndcg() > 0.3, "the model learned the rule (sampled NDCG@10): " + undisturbed);
            // The training tasks ran under the stage-level resource profile (trainingTaskCpus), one stage per round.
            assertEquals(2, undisturbed.roundsPerEpoch(), undisturbed.toString());
            assertTrue(undisturbed.profiledStages() >= 16, undisturbed.toString());
            // The rounds exchanged the rows they changed, not the item table: the sparse exchange is what the
            // replacement executor has to rebuild its state around.
            assertTrue(undisturbed.maxExchangedBytesPerRound() < 0.5 * undisturbed.itemTableStateBytes(), undisturbed.toString());

            Result disturbed = train(cluster, dir.resolve("disturbed.txt"), true);
            assertTrue(disturbed.executorsRemoved() >= 1, "an executor was lost: " + disturbed);
            assertTrue(disturbed.failedTasks() >= 1, "a running task was lost and retried: " + disturbed);
            assertTrue(disturbed.cachedBlocksStored() > undisturbed.cachedBlocksStored(),
                    "the lost cached partition was recomputed and stored again: " + undisturbed.cachedBlocksStored()
                            + " partitions stored undisturbed, " + disturbed.cachedBlocksStored() + " disturbed");
            assertEquals(undisturbed.ndcg(), disturbed.ndcg(), 1e-9, disturbed.log());
            assertEquals(undisturbed.parameterHash(), disturbed.parameterHash(), "identical parameters");
        }
    }

    /** Runs {@link ClusterTrainingDriver}; with {@code kill}, kills an executor once a training task of epoch 3 runs. */
    private static Result train(LocalStandaloneCluster cluster, Path out, boolean kill) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LocalStandaloneCluster.java(), "-Xmx1g"));
        cmd.addAll(LocalStandaloneCluster.moduleOptions());
        String config = Path.of("target", "test-classes", "log4j2-cluster-driver.properties").toAbsolutePath().toString();
        cmd.addAll(List.of("-Dlog4j2.configurationFile=" + config, "-cp", LocalStandaloneCluster.classPath(),
                ClusterTrainingDriver.class.getName(), cluster.masterUrl(), out.toString(),
                String.join(" ", LocalStandaloneCluster.moduleOptions())));
        Process driver = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder log = new StringBuilder();
        boolean killed = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                log.append(line).append('\n');
                if (kill && !killed && line.equals(ClusterTrainingDriver.EPOCH_3_TASK_RUNNING)) {
                    List<ProcessHandle> executors = cluster.executors();
                    assertEquals(2, executors.size(), "two executor JVMs: " + executors);
                    executors.get(0).destroyForcibly();
                    log.append("--- killed executor JVM ").append(executors.get(0).pid()).append('\n');
                    killed = true;
                }
            }
        }
        assertTrue(driver.waitFor(5, TimeUnit.MINUTES), log.toString());
        assertEquals(0, driver.exitValue(), log.toString());
        assertEquals(kill, killed, log.toString());
        String[] f = Files.readString(out).trim().split(" ");
        return new Result(Double.parseDouble(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), Double.parseDouble(f[7]),
                Long.parseLong(f[8]), log.toString());
    }
}
