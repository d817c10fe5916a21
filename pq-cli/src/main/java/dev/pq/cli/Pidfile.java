package dev.pq.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The {@code --pidfile}: this process's id, written at start and removed at exit if still ours. */
final class Pidfile {
    private final Path path;
    private final String content;

    private Pidfile(Path path, String content) {
        this.path = path;
        this.content = content;
    }

    static Pidfile write(Path path, CommandLine cmd) {
        String content = ProcessHandle.current().pid() + "\n";
        try {
            Files.writeString(path, content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ParameterException(cmd, "Invalid value for option '--pidfile': '" + path + "': cannot write it ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        return new Pidfile(path, content);
    }

    /** Removes the file unless another process has written its own id into it since. */
    synchronized void delete() {
        try {
            if (Files.exists(path) && Files.readString(path, StandardCharsets.US_ASCII).equals(content)) {
                Files.delete(path);
            }
        } catch (IOException ignored) {
            // gone already, or not ours to remove
        }
    }
}
