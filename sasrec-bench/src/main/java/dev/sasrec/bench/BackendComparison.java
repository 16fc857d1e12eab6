package dev.sasrec.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Both training backends on the same data, interleaved in one run: for each round, the native then the SameDiff
 * backend on the full histories, then both on each user's last 10 items (n = 50, dropout 0.5; more epochs, since
 * one is shorter than the JIT compiler's warm-up), each in its own
 * JVM ({@link TrainBenchmark}) so that each peak RSS is its own. Batches are length-bucketed, the SameDiff
 * backend's fastest setting, so both train the same model. Epoch times are the median of the epochs after
 * the first (which includes compilation), then the median over rounds. Ends with one JSON line; see
 * {@code bench/backends.sh --help}.
 */
public final class BackendComparison {

    private static final Pattern NUMBER = Pattern.compile("\"([a-z_0-9]+)\": ([0-9.]+)");

    private BackendComparison() {
    }

    /** Entry point; see {@code bench/backends.sh --help}. */
    public static void main(String[] argv) throws Exception {
        Args a = new Args(argv, Set.of("data", "epochs", "sparse-epochs", "rounds", "threads"), Set.of());
        String data = a.get("data", "../shared/data/ml-1m/ml-1m.txt");
        int epochs = a.getInt("epochs", 2);
        int sparseEpochs = a.getInt("sparse-epochs", 8);
        int rounds = a.getInt("rounds", 1);
        String threads = String.valueOf(a.getInt("threads", 2));
        Map<String, List<Map<String, Double>>> runs = new HashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String setting : List.of("ml1m", "sparse")) {
                for (String backend : List.of("native", "samediff")) {
                    List<String> args = new ArrayList<>(List.of("--data", data, "--backend", backend,
                            "--epochs", String.valueOf(setting.equals("sparse") ? sparseEpochs : epochs), "--eval-every", "0", "--eval-users", "1000",
                            "--threads", threads, "--bucketing"));
                    if (setting.equals("sparse")) {
                        args.addAll(List.of("--max-history", "10", "--n", "50", "--dropout", "0.5"));
                    }
                    System.out.printf(Locale.ROOT, "round %d, %s, %s%n", round, setting, backend);
                    runs.computeIfAbsent(setting + "_" + backend, k -> new ArrayList<>()).add(run(args));
                }
            }
        }
        double ml1mNative = median(runs.get("ml1m_native"), "warm_seconds_per_epoch");
        double ml1mSameDiff = median(runs.get("ml1m_samediff"), "warm_seconds_per_epoch");
        double sparseNative = positionsPerSecond(runs.get("sparse_native"));
        double sparseSameDiff = positionsPerSecond(runs.get("sparse_samediff"));
        double rss = runs.get("ml1m_native").stream().mapToDouble(r -> r.get("peak_rss_mb")).max().orElse(0);
        System.out.printf(Locale.ROOT, "{\"ml1m_native_seconds_per_epoch\": %.2f, \"ml1m_samediff_seconds_per_epoch\": %.2f, "
                        + "\"sparse_native_positions_per_second\": %.0f, \"sparse_samediff_positions_per_second\": %.0f, "
                        + "\"native_peak_rss_mb\": %.0f, \"ml1m_speedup\": %.1f, \"sparse_speedup\": %.1f}%n",
                ml1mNative, ml1mSameDiff, sparseNative, sparseSameDiff, rss, ml1mSameDiff / ml1mNative,
                sparseNative / sparseSameDiff);
    }

    /** Runs {@link TrainBenchmark} with {@code args} in a new JVM on this class path; its JSON line's numbers. */
    private static Map<String, Double> run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                javaLauncher(), "-Xmx3g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), TrainBenchmark.class.getName()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, Double> numbers = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("  " + line);
                if (line.startsWith("{")) {
                    Matcher m = NUMBER.matcher(line);
                    while (m.find()) {
                        numbers.put(m.group(1), Double.parseDouble(m.group(2)));
                    }
                }
            }
        }
        if (p.waitFor() != 0 || numbers.isEmpty()) {
            throw new IllegalStateException("the training run " + args + " failed (exit " + p.exitValue() + ")");
        }
        return numbers;
    }

    private static double positionsPerSecond(List<Map<String, Double>> runs) {
        return runs.get(0).get("positions_per_epoch") / median(runs, "warm_seconds_per_epoch");
    }

    private static double median(List<Map<String, Double>> runs, String key) {
        return Median.of(runs.stream().mapToDouble(r -> r.get(key)).toArray());
    }

    /** The java launcher of this JVM. */
    private static String javaLauncher() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
