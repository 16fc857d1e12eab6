package dev.sasrec.engine.model;

import dev.sasrec.engine.internal.HostArrays;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Saves and loads a {@link SasRecNetwork} bit-exactly in one self-describing binary file.
 *
 * <p>Layout (all numbers big-endian):
 * <pre>
 *   8 bytes   magic "SASRECNW"
 *   int32     format version (currently 1)
 *   int32     number of items N
 *   int32     number of configuration entries C
 *   C times   key, value as modified UTF-8 strings (DataOutput.writeUTF), see SasRecConfig#toMap
 *   int64     number of parameters P (must equal ParameterLayout.of(config, N).size())
 *   P times   float32 parameter, in ParameterLayout order
 *   int64     CRC-32 of every byte above
 * </pre>
 * A file that is truncated, has another magic or version, or fails its checksum is rejected with an
 * {@link IOException} that says which.
 */
public final class Checkpoint {

    /** The current format version. */
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "SASRECNW".getBytes(StandardCharsets.US_ASCII);

    private Checkpoint() {
    }

    /** Writes {@code network} to {@code file} atomically (a temporary file renamed into place). */
    public static void save(SasRecNetwork network, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            write(network, out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a network from {@code file}. */
    public static SasRecNetwork load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Writes {@code network} to {@code stream}; the stream is flushed, not closed. */
    public static void write(SasRecNetwork network, OutputStream stream) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(stream, 1 << 16), crc));
        out.write(MAGIC);
        out.writeInt(FORMAT_VERSION);
        out.writeInt(network.numItems());
        Map<String, String> cfg = network.config().toMap();
        out.writeInt(cfg.size());
        for (Map.Entry<String, String> e : cfg.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeUTF(e.getValue());
        }
        float[] values = HostArrays.floats(network.parametersView());
        out.writeLong(values.length);
        ByteBuffer buf = ByteBuffer.allocate(4 * 8192).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < values.length; i += 8192) {
            buf.clear();
            int len = Math.min(8192, values.length - i);
            buf.asFloatBuffer().put(values, i, len);
            out.write(buf.array(), 0, 4 * len);
        }
        out.flush();
        DataOutputStream tail = new DataOutputStream(stream);
        tail.writeLong(crc.getValue());
        tail.flush();
    }

    /**
     * Reads a network from {@code stream}.
     *
     * @param source name of the stream in error messages (a path or URI)
     */
    public static SasRecNetwork read(InputStream stream, String source) throws IOException {
        CRC32 crc = new CRC32();
        BufferedInputStream buffered = new BufferedInputStream(stream, 1 << 16);
        DataInputStream in = new DataInputStream(new CheckedInputStream(buffered, crc));
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(source + " is not a SASRec network checkpoint (bad magic bytes)");
            }
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IOException(source + " has checkpoint format version " + version
                        + ", this library reads version " + FORMAT_VERSION);
            }
            int numItems = in.readInt();
            int entries = in.readInt();
            if (entries < 0 || entries > 1000) {
                throw new IOException(source + " is corrupt: " + entries + " configuration entries");
            }
            Map<String, String> cfg = new LinkedHashMap<>();
            for (int i = 0; i < entries; i++) {
                cfg.put(in.readUTF(), in.readUTF());
            }
            SasRecConfig config;
            try {
                config = SasRecConfig.fromMap(cfg);
            } catch (IllegalArgumentException e) {
                throw new IOException(source + " has an invalid configuration: " + e.getMessage(), e);
            }
            long count = in.readLong();
            long expected;
            try {
                expected = ParameterLayout.of(config, numItems).size();
            } catch (IllegalArgumentException e) {
                throw new IOException(source + " is corrupt: " + e.getMessage(), e);
            }
            if (count != expected) {
                throw new IOException(source + " is corrupt: it declares " + count + " parameters, the configuration needs " + expected);
            }
            float[] values = new float[Math.toIntExact(count)];
            byte[] chunk = new byte[4 * 8192];
            for (int i = 0; i < values.length; i += 8192) {
                int len = Math.min(8192, values.length - i);
                in.readFully(chunk, 0, 4 * len);
                FloatBuffer fb = ByteBuffer.wrap(chunk, 0, 4 * len).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
                fb.get(values, i, len);
            }
            long computed = crc.getValue();
            long stored = new DataInputStream(buffered).readLong();
            if (stored != computed) {
                throw new IOException(source + " is corrupt: checksum mismatch");
            }
            return new SasRecNetwork(config, numItems, Nd4j.createFromArray(values));
        } catch (EOFException e) {
            throw new IOException(source + " is truncated: the file ended before the checkpoint was complete", e);
        }
    }
}
