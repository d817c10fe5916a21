package dev.pq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.PQ;
import dev.pq.tasks.spi.TasksConfigurer;
import dev.pq.tasks.JobContext;
import dev.pq.tasks.JobHandler;
import dev.pq.tasks.Task;
import dev.pq.tasks.Tasks;
import dev.pq.testing.PgTest;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the application's tasks from outside the test class path: a TasksConfigurer compiled at
 * test time into a directory of its own (and packed into a jar), found by --setup or ServiceLoader.
 */
class ClasspathTest extends PgTest {
    private static final String SOURCE = """
            package com.acme;

            import dev.pq.tasks.spi.TasksConfigurer;
            import dev.pq.tasks.JobContext;
            import dev.pq.tasks.JobHandler;
            import dev.pq.tasks.Task;
            import dev.pq.tasks.Tasks;

            public final class Setup implements TasksConfigurer {
                @Task(name = "Dyn", queue = "dyn")
                public static final class Dyn implements JobHandler<String> {
                    @Override
                    public void run(String marker, JobContext job) {
                        System.setProperty(marker, "ran in " + getClass().getClassLoader().getName());
                    }
                }

                @Override
                public void configure(Tasks tasks) {
                    tasks.register(new Dyn());
                }
            }
            """;

    @TempDir
    static Path build;
    static Path classes;
    static Path jar;

    private Tasks tasks;

    /** The enqueue side of task "Dyn": same name and argument type, different class. */
    @Task(name = "Dyn", queue = "dyn")
    public static final class DynStub implements JobHandler<String> {
        @Override
        public void run(String marker, JobContext job) {
            throw new AssertionError("the stub must not run");
        }
    }

    @BeforeAll
    static void compile() throws IOException {
        Path src = build.resolve("src/com/acme/Setup.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, SOURCE);
        classes = build.resolve("classes");
        Files.createDirectories(classes);
        Set<String> cp = new LinkedHashSet<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (Class<?> c : List.of(TasksConfigurer.class, Tasks.class, PQ.class)) {
            cp.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().getPath()).toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler (a JRE?)");
        int rc = javac.run(null, null, null, "-classpath", String.join(File.pathSeparator, cp), "-d", classes.toString(),
                src.toString());
        assertEquals(0, rc, "javac failed");
        Path services = classes.resolve("META-INF/services/" + TasksConfigurer.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, "# the application's tasks\ncom.acme.Setup\n");

        Path libs = build.resolve("lib");
        Files.createDirectories(libs);
        jar = libs.resolve("acme-app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, (OutputStream) out);
                out.closeEntry();
            }
        }
    }

    @BeforeEach
    void tasks() {
        tasks = Tasks.create(pq).register(new DynStub());
    }

    private String enqueue(String name) {
        String marker = "pq.cli.test." + schema + "." + name;
        tasks.enqueue(DynStub.class, marker);
        return marker;
    }

    private void work(String... more) {
        List<String> args = new ArrayList<>(List.of("--drain", "--worker-count", "1"));
        args.addAll(List.of(more));
        Cli.Result r = Cli.db(schema, List.of("work"), args.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("drained: 1 jobs processed, 0 failed"), r.out());
    }

    @Test
    void setupClass_fromAClassDirectory() {
        String marker = enqueue("dir");
        work("--classpath", classes.toString(), "--setup", "com.acme.Setup");
        assertEquals("ran in pq-user-classpath", System.getProperty(marker));
    }

    @Test
    void serviceLoader_findsTheConfigurerInAJar_withoutSetup() {
        String marker = enqueue("jar");
        work("--classpath", jar.toString());
        assertEquals("ran in pq-user-classpath", System.getProperty(marker));
    }

    @Test
    void wildcard_addsEveryJarOfADirectory() {
        String marker = enqueue("wildcard");
        work("--cp", jar.getParent() + File.separator + "*", "--setup", "com.acme.Setup");
        assertEquals("ran in pq-user-classpath", System.getProperty(marker));
    }

    @Test
    void setupClass_notOnTheClassPath_isAUsageError() {
        enqueue("missing");
        Cli.Result r = Cli.db(schema, List.of("work"), "--drain", "--setup", "com.acme.Setup");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("'--setup'") && r.err().contains("com.acme.Setup")
                && r.err().contains("not found"), r.err());
        assertEquals(1, pq.queue("dyn").size(), "nothing was worked");
    }
}
