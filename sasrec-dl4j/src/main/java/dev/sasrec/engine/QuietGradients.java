package dev.sasrec.engine;

import org.nd4j.autodiff.samediff.SameDiff;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds a graph's gradient function without SameDiff's "Added differentiated op ..." line per op on stdout;
 * every other line written meanwhile passes through.
 */
final class QuietGradients {

    private static final String NOISE = "Added differentiated op";

    private QuietGradients() {
    }

    static synchronized void create(SameDiff sd) {
        PrintStream original = System.out;
        System.setOut(new PrintStream(new LineFilter(original), true, StandardCharsets.UTF_8));
        try {
            sd.createGradFunction();
        } finally {
            System.out.flush();
            System.setOut(original);
        }
    }

    private static final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final StringBuilder line = new StringBuilder();

        LineFilter(PrintStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                if (!line.toString().startsWith(NOISE)) {
                    target.println(line);
                }
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }

        @Override
        public void flush() {
            if (line.length() > 0 && !line.toString().startsWith(NOISE)) {
                target.print(line);
                line.setLength(0);
            }
            target.flush();
        }
    }
}
