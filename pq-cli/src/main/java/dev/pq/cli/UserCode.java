package dev.pq.cli;

import dev.pq.tasks.spi.TasksConfigurer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The application's code: a class loader over {@code --classpath} (jars, directories, and
 * {@code dir/*} for every jar in a directory) whose parent is the CLI's own, and the
 * {@link TasksConfigurer}s named by {@code --setup} or found by {@link ServiceLoader}.
 */
final class UserCode implements AutoCloseable {
    private final ClassLoader loader;
    private final List<URL> urls;

    private UserCode(ClassLoader loader, List<URL> urls) {
        this.loader = loader;
        this.urls = urls;
    }

    /** A loader over {@code entries} (each may hold several, separated by the path separator or commas). */
    static UserCode load(List<String> entries, CommandLine cmd) {
        List<URL> urls = new ArrayList<>();
        for (String entry : entries) {
            for (String e : entry.split("[,\\Q" + File.pathSeparator + "\\E]")) {
                e = e.strip();
                if (!e.isEmpty()) {
                    add(urls, e, cmd);
                }
            }
        }
        ClassLoader parent = UserCode.class.getClassLoader();
        ClassLoader loader = urls.isEmpty() ? parent
                : new URLClassLoader("pq-user-classpath", urls.toArray(URL[]::new), parent);
        return new UserCode(loader, List.copyOf(urls));
    }

    private static void add(List<URL> urls, String entry, CommandLine cmd) {
        try {
            if (entry.equals("*") || entry.endsWith(File.separator + "*") || entry.endsWith("/*")) {
                Path dir = Path.of(entry.substring(0, entry.length() - 1).isEmpty() ? "." : entry.substring(0, entry.length() - 1));
                if (!Files.isDirectory(dir)) {
                    throw bad(cmd, entry, "no such directory: " + dir.toAbsolutePath());
                }
                List<Path> jars = new ArrayList<>();
                try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.{jar,JAR}")) {
                    s.forEach(jars::add);
                }
                jars.sort(null);
                for (Path j : jars) {
                    urls.add(j.toUri().toURL());
                }
                return;
            }
            Path p = Path.of(entry);
            if (!Files.exists(p)) {
                throw bad(cmd, entry, "no such file or directory: " + p.toAbsolutePath());
            }
            if (!Files.isDirectory(p) && !Files.isReadable(p)) {
                throw bad(cmd, entry, "cannot read " + p.toAbsolutePath());
            }
            urls.add(p.toAbsolutePath().toUri().toURL());
        } catch (MalformedURLException | java.nio.file.InvalidPathException e) {
            throw bad(cmd, entry, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + entry, e);
        }
    }

    private static ParameterException bad(CommandLine cmd, String entry, String why) {
        return new ParameterException(cmd, "Invalid value for option '--classpath': '" + entry + "': " + why);
    }

    /** The loader for the application's classes. */
    ClassLoader loader() {
        return loader;
    }

    /** The class path entries, as URLs. */
    List<URL> urls() {
        return urls;
    }

    /**
     * The configurers: one per {@code --setup} class, or, without any, every one ServiceLoader
     * finds. Usage errors for a class that is missing, is no TasksConfigurer or has no public
     * no-argument constructor, and, unless {@code noneIsFine}, when there is nothing at all.
     */
    List<TasksConfigurer> configurers(List<String> setups, boolean noneIsFine, CommandLine cmd) {
        List<TasksConfigurer> out = new ArrayList<>();
        if (!setups.isEmpty()) {
            for (String name : setups) {
                out.add(instantiate(name.strip(), cmd));
            }
            return out;
        }
        try {
            for (TasksConfigurer c : ServiceLoader.load(TasksConfigurer.class, loader)) {
                out.add(c);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load a " + TasksConfigurer.class.getName() + " listed in "
                    + "META-INF/services: " + e.getMessage(), e);
        }
        if (out.isEmpty() && !noneIsFine) {
            throw new ParameterException(cmd, "No tasks to run: give --setup <class> (a "
                    + TasksConfigurer.class.getName() + "), or put a jar whose META-INF/services/"
                    + TasksConfigurer.class.getName() + " names one on --classpath");
        }
        return out;
    }

    private TasksConfigurer instantiate(String name, CommandLine cmd) {
        String prefix = "Invalid value for option '--setup': '" + name + "': ";
        Class<?> type;
        try {
            type = Class.forName(name, true, loader);
        } catch (ClassNotFoundException e) {
            throw new ParameterException(cmd, prefix + "class not found on the class path"
                    + (urls.isEmpty() ? " (add the application's jars with --classpath)" : " " + urls));
        } catch (LinkageError e) {
            throw new ParameterException(cmd, prefix + "cannot load the class: " + e, e);
        }
        if (!TasksConfigurer.class.isAssignableFrom(type)) {
            throw new ParameterException(cmd, prefix + "does not implement " + TasksConfigurer.class.getName());
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new ParameterException(cmd, prefix + "is abstract: give a concrete class");
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new ParameterException(cmd, prefix + "must be a public class");
        }
        Constructor<?> ctor;
        try {
            ctor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new ParameterException(cmd, prefix + "needs a public no-argument constructor");
        }
        try {
            return (TasksConfigurer) ctor.newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the constructor of --setup class " + name + " failed: "
                    + Main.describe(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ParameterException(cmd, prefix + "cannot create an instance: " + e, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (loader instanceof URLClassLoader u) {
            u.close();
        }
    }
}
