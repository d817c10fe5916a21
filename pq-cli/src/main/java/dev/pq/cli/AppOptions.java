package dev.pq.cli;

import dev.pq.tasks.Tasks;
import dev.pq.tasks.spi.TasksConfigurer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --classpath} and {@code --setup}: the application's code and how it registers its tasks. */
final class AppOptions {
    @Option(names = {"--classpath", "--cp"}, paramLabel = "PATH",
            description = "The application's jars and class directories, separated by '${sys:path.separator}' or "
                    + "commas, repeatable; dir/* adds every jar in dir.")
    List<String> classpath = new ArrayList<>();

    @Option(names = "--setup", paramLabel = "CLASS",
            description = "A dev.pq.tasks.spi.TasksConfigurer with a public no-argument constructor, repeatable. "
                    + "Without it, every TasksConfigurer that ServiceLoader finds on the class path is used.")
    List<String> setups = new ArrayList<>();

    /** The application's code loaded (close it when done with the tasks), its configurers found. */
    record Loaded(UserCode code, List<TasksConfigurer> configurers) implements AutoCloseable {
        /** Runs every configurer on {@code tasks}, as the application's loader. */
        void configure(Tasks tasks) {
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(code.loader());
            try {
                for (TasksConfigurer c : configurers) {
                    LoggerFactory.getLogger(AppOptions.class).info("configuring tasks with {}", c.getClass().getName());
                    try {
                        c.configure(tasks);
                    } catch (RuntimeException | LinkageError e) {
                        throw new IllegalStateException("the TasksConfigurer " + c.getClass().getName() + " failed: "
                                + Main.describe(e), e);
                    }
                }
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }

        @Override
        public void close() throws java.io.IOException {
            code.close();
        }
    }

    /** The application's code and its configurers; a usage error when there are none. */
    Loaded load(CommandLine cmd) {
        return load(false, cmd);
    }

    /** As {@link #load(CommandLine)}, but none found is fine when {@code noneIsFine}. */
    Loaded load(boolean noneIsFine, CommandLine cmd) {
        UserCode code = UserCode.load(classpath, cmd);
        try {
            return new Loaded(code, code.configurers(setups, noneIsFine, cmd));
        } catch (RuntimeException e) {
            try {
                code.close();
            } catch (java.io.IOException ignored) {
                // the first failure is the one to report
            }
            throw e;
        }
    }
}
