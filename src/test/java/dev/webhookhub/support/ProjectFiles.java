package dev.webhookhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Copies of the project's shipped directories (mappings/, routes/) for a hub that a test may change under it. */
public final class ProjectFiles {

    private ProjectFiles() {
    }

    /** A new directory under target/ holding a copy of the project's {@code directory} (e.g. "mappings"). */
    public static Path copyOf(String directory) {
        try {
            Path copy = Files.createTempDirectory(Files.createDirectories(Path.of("target/test-" + directory)), directory);
            copyTree(Path.of(directory), copy);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
