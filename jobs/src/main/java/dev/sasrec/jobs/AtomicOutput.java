package dev.sasrec.jobs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Writes an output so that readers only ever see a complete one: the content goes to a hidden temporary sibling
 * ({@code _tmp-<name>-<uuid>}), and only when it is complete does it replace the destination by rename. A failed
 * run leaves the previous result in place and its own temporary path, which the next run's write ignores.
 * Works on any Hadoop file system; on object stores without atomic rename the swap is as atomic as the store
 * allows.
 */
final class AtomicOutput {

    /** Writes to the path it is given. */
    @FunctionalInterface
    interface Writer {
        void write(String path) throws IOException;
    }

    private final Configuration hadoop;

    AtomicOutput(Configuration hadoop) {
        this.hadoop = hadoop;
    }

    /**
     * Runs {@code writer} on a temporary path, then moves the result to {@code destination}.
     *
     * @throws IOException the writer's failure, after its temporary output was removed
     */
    void write(String destination, Writer writer) throws IOException {
        Path dest = new Path(destination);
        FileSystem fs = dest.getFileSystem(hadoop);
        Path parent = dest.getParent();
        if (parent != null) {
            fs.mkdirs(parent);
        }
        Path tmp = new Path(parent, "_tmp-" + dest.getName() + "-" + UUID.randomUUID());
        try {
            writer.write(tmp.toString());
        } catch (IOException | RuntimeException e) {
            fs.delete(tmp, true);
            throw e;
        }
        Path old = null;
        if (fs.exists(dest)) {
            old = new Path(parent, "_old-" + dest.getName() + "-" + UUID.randomUUID());
            rename(fs, dest, old);
        }
        rename(fs, tmp, dest);
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /** Writes a small text file atomically. */
    void writeText(String destination, String text) throws IOException {
        writeBytes(destination, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a small file atomically. */
    void writeBytes(String destination, byte[] bytes) throws IOException {
        write(destination, tmp -> {
            Path p = new Path(tmp);
            try (FSDataOutputStream out = p.getFileSystem(hadoop).create(p, false)) {
                out.write(bytes);
            }
        });
    }

    /** Whether {@code path} exists. */
    boolean exists(String path) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(hadoop).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }
}
