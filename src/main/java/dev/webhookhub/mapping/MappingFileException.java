package dev.webhookhub.mapping;

import java.nio.file.Path;
import java.util.List;

/** A mapping file that cannot be loaded; each problem reads {@code file:line: reason}. */
public class MappingFileException extends RuntimeException {

    private final Path file;
    private final List<String> problems;

    public MappingFileException(Path file, List<String> problems) {
        super(String.join("; ", problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public Path file() {
        return file;
    }

    public List<String> problems() {
        return problems;
    }
}
