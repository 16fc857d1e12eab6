package dev.sasrec.spark.fs;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The java.nio local file system against Hadoop's own: the same permissions for every mode bit and for files it
 * creates, checksum files included.
 */
class NioLocalFileSystemTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void setsEveryPermissionAsHadoopsOwnLocalFileSystemDoes() throws IOException {
        try (FileSystem nio = fileSystem(NioLocalFileSystem.class.getName());
             FileSystem hadoop = fileSystem(LocalFileSystem.class.getName())) {
            assertInstanceOf(NioLocalFileSystem.class, nio);
            int[] modes = {0, 0400, 0200, 0100, 040, 020, 010, 04, 02, 01, 0644, 0750, 0777, 01755};
            for (int mode : modes) {
                java.nio.file.Path a = Files.writeString(dir.resolve("nio-" + mode), "x");
                java.nio.file.Path b = Files.writeString(dir.resolve("hadoop-" + mode), "x");
                nio.setPermission(new Path(a.toUri()), new FsPermission((short) mode));
                hadoop.setPermission(new Path(b.toUri()), new FsPermission((short) mode));
                assertEquals(Integer.toOctalString(unixMode(b)), Integer.toOctalString(unixMode(a)),
                        "mode " + Integer.toOctalString(mode));
                assertEquals(Integer.toOctalString(mode), Integer.toOctalString(unixMode(a)));
            }
        }
    }

    @Test
    void createsFilesWithTheirChecksumAndTheRequestedPermissionUnderTheUmask() throws IOException {
        try (FileSystem nio = fileSystem(NioLocalFileSystem.class.getName())) {
            Path file = new Path(dir.resolve("written").toUri());
            try (FSDataOutputStream out = nio.create(file, new FsPermission((short) 0666), false, 4096, (short) 1,
                    1 << 20, null)) {
                out.write("state changes".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("written"))));
            assertTrue(Files.exists(dir.resolve(".written.crc")), "the checksum file is written");
            try (var in = nio.open(file)) {
                assertEquals("state changes", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    /** The permission bits, the sticky, set-user and set-group bits among them. */
    private static int unixMode(java.nio.file.Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:mode") & 07777;
    }

    private static FileSystem fileSystem(String implementation) throws IOException {
        Configuration conf = new Configuration(false);
        conf.set("fs.file.impl", implementation);
        conf.set("fs.permissions.umask-mode", "022");
        return FileSystem.newInstance(URI.create("file:///"), conf);
    }
}
