package dev.sasrec.jobs;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Dockerfile, the Spark-operator manifests and the YARN script name only classes, files and configuration keys
 * that exist: every main class loads, every copied file is in the repository (or is the shaded jar this build
 * makes), every path a manifest uses is one the image has, and every -D override and --config file is accepted.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String SHADED_JAR = "jobs/target/sasrec-jobs-" + projectVersion() + "-all.jar";

    private static String projectVersion() {
        try {
            Matcher m = Pattern.compile("(?s)<parent>.*?<version>([^<]+)</version>").matcher(Files.readString(ROOT.resolve("jobs/pom.xml")));
            if (!m.find()) {
                throw new IllegalStateException("jobs/pom.xml names no parent version");
            }
            return m.group(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Destination in the image of each file the Dockerfile copies. */
    private static Map<String, String> imageFiles() throws Exception {
        Map<String, String> files = new HashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("docker/Dockerfile"))) {
            if (!line.startsWith("COPY ")) {
                continue;
            }
            String[] parts = line.substring(5).trim().split("\\s+");
            String dest = parts[parts.length - 1];
            for (int i = 0; i < parts.length - 1; i++) {
                String src = parts[i];
                if (src.equals(SHADED_JAR)) {
                    files.put(src, dest);
                } else {
                    assertTrue(Files.isRegularFile(ROOT.resolve(src)), "Dockerfile copies " + src + ", which does not exist");
                    files.put(src, dest.endsWith("/") ? dest + Path.of(src).getFileName() : dest);
                }
            }
        }
        assertTrue(files.containsKey(SHADED_JAR), "the Dockerfile copies the shaded jar " + SHADED_JAR);
        return files;
    }

    @Test
    void theOperatorManifestsNameWhatTheImageHolds() throws Exception {
        Map<String, String> image = imageFiles();
        List<Path> manifests;
        try (var s = Files.list(ROOT.resolve("docker/k8s"))) {
            manifests = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertEquals(2, manifests.size(), "a CPU and a GPU manifest");
        for (Path manifest : manifests) {
            String yaml = Files.readString(manifest);
            assertTrue(yaml.contains("kind: ScheduledSparkApplication"), manifest.toString());
            String mainClass = value(yaml, "mainClass");
            assertDoesNotThrow(() -> Class.forName(mainClass), manifest + ": main class " + mainClass);
            String app = value(yaml, "mainApplicationFile");
            assertEquals("local://" + image.get(SHADED_JAR), app, manifest + ": application jar");
            checkArguments(manifest.toString(), listItems(yaml, "arguments"), image);
            Matcher script = Pattern.compile("discoveryScript: (\\S+)").matcher(yaml);
            while (script.find()) {
                assertTrue(image.containsValue(script.group(1)), manifest + ": discovery script " + script.group(1) + " is not in the image");
            }
        }
    }

    @Test
    void theYarnScriptNamesAnExistingClassJarAndConfiguration() throws Exception {
        String script = Files.readString(ROOT.resolve("docker/yarn/submit.sh"));
        Matcher cls = Pattern.compile("--class (\\S+)").matcher(script);
        assertTrue(cls.find());
        assertDoesNotThrow(() -> Class.forName(cls.group(1)));
        assertTrue(script.contains("\"$root/" + SHADED_JAR + "\"") || script.contains("$root/" + SHADED_JAR), "jar " + SHADED_JAR);
        Matcher files = Pattern.compile("--files \"\\$root/([^\"]+)\"").matcher(script);
        assertTrue(files.find());
        Path conf = ROOT.resolve(files.group(1));
        assertTrue(Files.isRegularFile(conf), conf.toString());
        assertTrue(script.contains("--config " + conf.getFileName()), "the job reads the shipped configuration");
        assertDoesNotThrow(() -> JobConfig.load(conf.toFile(), List.of()));
    }

    @Test
    void everyShippedProfileLoads() throws Exception {
        try (var s = Files.list(ROOT.resolve("conf"))) {
            for (Path conf : s.filter(p -> p.toString().endsWith(".conf") && !p.endsWith("reference.conf")).toList()) {
                assertDoesNotThrow(() -> JobConfig.load(conf.toFile(), List.of()), conf.toString());
            }
        }
        String gpu = Files.readString(ROOT.resolve("conf/gpu.conf"));
        Matcher script = Pattern.compile("discoveryScript\" = \"([^\"]+)\"").matcher(gpu);
        assertTrue(script.find());
        assertTrue(imageFiles().containsValue(script.group(1)), "conf/gpu.conf names the image's discovery script");
    }

    private static void checkArguments(String where, List<String> args, Map<String, String> image) {
        assertFalse(args.isEmpty(), where + ": no arguments");
        assertTrue(List.of("train", "evaluate", "recommend", "run").contains(args.get(0)), where + ": command " + args.get(0));
        List<String> overrides = new ArrayList<>();
        File config = null;
        for (int i = 1; i < args.size(); i++) {
            if (args.get(i).equals("--config")) {
                String inImage = args.get(++i);
                String source = image.entrySet().stream().filter(e -> e.getValue().equals(inImage)).map(Map.Entry::getKey)
                        .findFirst().orElseThrow(() -> new AssertionError(where + ": --config " + inImage + " is not in the image"));
                config = ROOT.resolve(source).toFile();
            } else {
                assertTrue(args.get(i).startsWith("-D"), where + ": unexpected argument " + args.get(i));
                overrides.add(args.get(i).substring(2));
            }
        }
        File file = config;
        assertDoesNotThrow(() -> JobConfig.load(file, overrides), where + ": configuration");
    }

    private static String value(String yaml, String key) {
        Matcher m = Pattern.compile("(?m)^\\s*" + key + ":\\s*(\\S+)\\s*$").matcher(yaml);
        assertTrue(m.find(), "no " + key);
        return m.group(1);
    }

    private static List<String> listItems(String yaml, String key) {
        List<String> items = new ArrayList<>();
        boolean in = false;
        for (String line : yaml.split("\n")) {
            if (line.trim().equals(key + ":")) {
                in = true;
            } else if (in && line.trim().startsWith("- ")) {
                items.add(line.trim().substring(2).trim());
            } else if (in) {
                break;
            }
        }
        return items;
    }
}
