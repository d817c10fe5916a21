package dev.pq.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A module's public API as text, one line per public type and member, sorted: what a user can
 * compile against. {@link ApiContract} compares it with the committed {@code api/*.api}
 * file, so a change to the public surface shows in review as a change to that file (regenerate it
 * with {@code -Dpq.api.update=true}); and it finds internal types leaking into public signatures.
 */
public final class ApiSurface {
    private ApiSurface() {
    }

    /** The public types of {@code packages} compiled into {@code classes} (e.g. target/classes). */
    public static List<Class<?>> types(Path classes, List<String> packages) {
        List<Class<?>> out = new ArrayList<>();
        for (String pkg : packages) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (!name.endsWith(".class") || name.equals("package-info.class") || name.equals("module-info.class")) {
                        continue;
                    }
                    Class<?> c = Class.forName(pkg + "." + name.substring(0, name.length() - 6), false,
                            ApiSurface.class.getClassLoader());
                    if (visible(c)) {
                        out.add(c);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isSynthetic() || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    /** The dump: one line per public or protected type, constructor, method and field. */
    public static String dump(List<Class<?>> types) {
        TreeSet<String> lines = new TreeSet<>();
        for (Class<?> c : types) {
            String t = c.getTypeName();
            lines.add(t + " : " + kind(c) + supertypes(c));
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (exposed(k.getModifiers()) && !k.isSynthetic()) {
                    lines.add(t + " | " + k.toGenericString().replace(t, "new"));
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (exposed(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    lines.add(t + " | " + m.toGenericString().replace(t + ".", ""));
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (exposed(f.getModifiers()) && !f.isSynthetic()) {
                    lines.add(t + " | " + f.toGenericString().replace(t + ".", ""));
                }
            }
        }
        return String.join("\n", lines) + "\n";
    }

    /** Public signature lines that name an internal type (a {@code .internal.} package). */
    public static List<String> leaks(String dump) {
        return dump.lines().filter(l -> l.substring(l.indexOf(' ')).contains(".internal.")).toList();
    }

    /** Compares {@code dump} with {@code file}; with {@code -Dpq.api.update=true} rewrites the file instead. */
    public static void check(String dump, Path file) {
        try {
            if (Boolean.getBoolean("pq.api.update")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, dump, StandardCharsets.UTF_8);
                return;
            }
            String committed = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            if (!committed.equals(dump)) {
                TreeSet<String> was = new TreeSet<>(committed.lines().toList());
                TreeSet<String> now = new TreeSet<>(dump.lines().toList());
                StringBuilder diff = new StringBuilder();
                was.stream().filter(l -> !now.contains(l)).forEach(l -> diff.append("- ").append(l).append('\n'));
                now.stream().filter(l -> !was.contains(l)).forEach(l -> diff.append("+ ").append(l).append('\n'));
                throw new AssertionError("the public API differs from " + file + " (if the change is meant, rerun with "
                        + "-Dpq.api.update=true and commit the file):\n" + diff);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String kind(Class<?> c) {
        return c.isAnnotation() ? "annotation" : c.isEnum() ? "enum" : c.isRecord() ? "record"
                : c.isInterface() ? "interface" : (Modifier.isFinal(c.getModifiers()) ? "final " : "")
                        + (Modifier.isAbstract(c.getModifiers()) ? "abstract " : "") + "class";
    }

    private static String supertypes(Class<?> c) {
        StringBuilder s = new StringBuilder();
        if (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum() && !c.isRecord()) {
            s.append(" extends ").append(c.getGenericSuperclass().getTypeName());
        }
        for (java.lang.reflect.Type i : c.getGenericInterfaces()) {
            s.append(s.indexOf(" implements ") < 0 ? " implements " : ", ").append(i.getTypeName());
        }
        return s.toString();
    }
}
