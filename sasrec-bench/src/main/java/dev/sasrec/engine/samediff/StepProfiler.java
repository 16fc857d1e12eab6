package dev.sasrec.engine.samediff;

import dev.sasrec.engine.train.FlatGradient;
import dev.sasrec.engine.data.LeaveOneOutSplit;
import dev.sasrec.engine.data.UserSequences;
import dev.sasrec.engine.internal.NativeThreads;
import dev.sasrec.engine.model.SasRecConfig;
import dev.sasrec.engine.train.TrainingSet;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.autodiff.listeners.profiler.comparison.ProfileAnalyzer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a training step's time goes: runs training steps on a {@code user item} file with SameDiff's profiling
 * listener attached and prints the per-op summary, plus the share of the step spent outside the graph.
 *
 * <p>Usage: {@code StepProfiler FILE [steps] [threads] [loss]}.
 */
public final class StepProfiler {

    private StepProfiler() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/ml-1m/ml-1m.txt");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        NativeThreads.set(args.length > 2 ? Integer.parseInt(args[2]) : 2);
        String loss = args.length > 3 ? args[3] : "bce";
        UserSequences seqs = UserSequences.read(data);
        TrainingSet train = TrainingSet.of(LeaveOneOutSplit.of(seqs));
        SasRecConfig config = SasRecConfig.builder().set("loss", loss).build();
        TrainingStep step = new TrainingStep(config, seqs.numItems(), 1);
        INDArray params = step.layout().initialise(1);
        FlatGradient grad = new FlatGradient(step.layout());
        int bs = config.batchSize();
        int[][] seq = new int[bs][];
        int[][] seen = new int[bs][];
        for (int i = 0; i < bs; i++) {
            seq[i] = train.sequences()[i];
            seen[i] = train.seen()[i];
        }
        for (int i = 0; i < 3; i++) {
            step.compute(params, seq, seen, grad);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step.compute(params, seq, seen, grad);
        }
        double plain = (System.nanoTime() - t0) / 1e9 / steps;
        File trace = Files.createTempDirectory("sasrec-profile").resolve("trace.json").toFile();
        ProfilingListener listener = ProfilingListener.builder(trace).recordAll().warmup(0).build();
        step.graph().sameDiff().setListeners(listener);
        long t1 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step.compute(params, seq, seen, grad);
        }
        double profiled = (System.nanoTime() - t1) / 1e9 / steps;
        step.graph().sameDiff().setListeners();
        Thread.sleep(1000);
        System.out.printf(Locale.ROOT, "batch %d x %d (trimmed length), %.3f s per step unprofiled, %.3f s profiled%n",
                bs, config.maxLen(), plain, profiled);
        System.out.println(ProfileAnalyzer.summarizeProfileStr(trace, ProfileAnalyzer.ProfileFormat.SAMEDIFF));
    }
}
