package dev.webhookhub.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * The data directory (H2 files, generated keys and tokens) is the owner's only: the directory 0700, its files 0600.
 * Made so before anything else of the hub starts, and again once it is ready, for the files H2 created meanwhile.
 * Registered by {@link DataDirectoryConfiguration} before any other bean is created.
 */
public class DataDirectory {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path path;

    public DataDirectory(Path path) {
        this.path = path;
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + path.toAbsolutePath(), e);
        }
        tighten();
    }

    public Path path() {
        return path;
    }

    /** Writes a file that only the owner can read, replacing any file of that name. */
    public void writeOwnerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        if (POSIX) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, content + System.lineSeparator());
    }

    @EventListener(ApplicationReadyEvent.class)
    public void tighten() {
        if (!POSIX) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, Files.isDirectory(file) ? DIRECTORY : FILE);
            }
        } catch (IOException e) {
            log.warn("could not make {} readable by its owner only: {}", path.toAbsolutePath(), e.getMessage());
        }
    }
}
