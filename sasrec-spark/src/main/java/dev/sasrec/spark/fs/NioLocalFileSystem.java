package dev.sasrec.spark.fs;

import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Hadoop's local file system (checksummed, as {@code file://} is by default) that sets file permissions through
 * {@code java.nio} instead of starting a {@code chmod} process. Without Hadoop's native library, which Spark's
 * Maven artifacts do not carry, every file Hadoop creates on a local disk costs a process start; a streaming
 * micro-batch creates about 20 (offsets, commits and each state partition's changelog, with their checksums).
 * Enable it with {@code spark.hadoop.fs.file.impl = dev.sasrec.spark.fs.NioLocalFileSystem}. Permissions with a
 * sticky, set-user or set-group bit, which {@code java.nio} cannot set, still go through Hadoop's own path.
 */
public final class NioLocalFileSystem extends LocalFileSystem {

    /** The checksummed file system over {@link Raw}; Hadoop instantiates it by name. */
    public NioLocalFileSystem() {
        super(new Raw());
    }

    /** The raw local file system with {@code java.nio} permissions. */
    private static final class Raw extends RawLocalFileSystem {

        private static final PosixFilePermission[] BITS = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            short mode = permission.toShort();
            if ((mode & ~0777) != 0) {
                super.setPermission(p, permission);
                return;
            }
            Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(mode));
        }

        /** The java.nio permissions of an octal mode's rwx bits. */
        private static Set<PosixFilePermission> posix(int mode) {
            Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
            for (int bit = 0; bit < BITS.length; bit++) {
                if ((mode & (1 << bit)) != 0) {
                    set.add(BITS[bit]);
                }
            }
            return set;
        }
    }
}
