package dev.sasrec.spark.cluster;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on this machine: a Master and Workers, each in its own JVM started from the jars of
 * the test class path, whose executors are JVMs of their own. A Worker needs a Spark home with a {@code jars}
 * directory; this one is an empty directory marked as a release, and the executors find Spark and the project on
 * {@code spark.executor.extraClassPath}.
 */
final class LocalStandaloneCluster implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final String masterUrl;
    private final Path home;

    LocalStandaloneCluster(Path dir, int workerCount, int workerMemoryMb) throws IOException, InterruptedException {
        home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("RELEASE"), "standalone cluster for tests\n");
        int port = freePort();
        masterUrl = "spark://127.0.0.1:" + port;
        processes.add(start(dir.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort())));
        awaitPort(port);
        for (int i = 0; i < workerCount; i++) {
            Path work = Files.createDirectories(dir.resolve("worker-" + i));
            Process w = start(dir.resolve("worker-" + i + ".log"), "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", "1", "--memory", workerMemoryMb + "m",
                    "--work-dir", work.toString(), "--webui-port", Integer.toString(freePort()), masterUrl);
            processes.add(w);
            workers.add(w);
        }
    }

    String masterUrl() {
        return masterUrl;
    }

    /** The executor JVMs the Workers have started, oldest first. */
    List<ProcessHandle> executors() {
        List<ProcessHandle> found = new ArrayList<>();
        for (Process w : workers) {
            w.descendants().filter(LocalStandaloneCluster::isExecutor).forEach(found::add);
        }
        found.sort(java.util.Comparator.comparing(p -> p.info().startInstant().orElse(java.time.Instant.EPOCH)));
        return found;
    }

    /** Whether {@code p} runs an executor; read from /proc, since ProcessHandle cuts long command lines short. */
    private static boolean isExecutor(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.ISO_8859_1).contains("CoarseGrainedExecutorBackend");
        } catch (IOException gone) {
            return false;
        }
    }

    /** The JVM options of this test JVM that Spark needs on Java 17, for the cluster's JVMs. */
    static List<String> moduleOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                        || a.startsWith("-Djdk.reflect")).toList();
    }

    /** The test class path (surefire hands the forked JVM a manifest-only jar, and the real path in a property). */
    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private Process start(Path log, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx512m"));
        cmd.addAll(moduleOptions());
        cmd.addAll(List.of("-cp", classPath(), main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.remove("SPARK_CONF_DIR");
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the standalone master did not open port " + port + " within 60 s");
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
