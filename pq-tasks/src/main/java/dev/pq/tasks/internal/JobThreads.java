package dev.pq.tasks.internal;

import dev.pq.PQException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/**
 * Where a worker's job threads come from: daemon platform threads by default, the caller's
 * factory, or virtual threads on Java 21 and newer. The library compiles for Java 17, so
 * {@code Thread.ofVirtual()} is reached through method handles, looked up once.
 */
public final class JobThreads {
    /** The daemon platform threads a worker uses unless told otherwise. */
    public static final ThreadFactory PLATFORM = r -> {
        Thread t = new Thread(r);
        t.setDaemon(true);
        return t;
    };

    private JobThreads() {
    }

    /**
     * The factory a worker's settings ask for: {@code custom} if given, virtual threads if
     * {@code virtual}, else {@link #PLATFORM}.
     *
     * @throws PQException if virtual threads are asked for on a JVM older than 21
     * @throws IllegalArgumentException if both are asked for
     */
    public static ThreadFactory resolve(boolean virtual, ThreadFactory custom) {
        if (virtual && custom != null) {
            throw new IllegalArgumentException("set virtualThreads(true) or threadFactory(...), not both: "
                    + "virtualThreads is a threadFactory making virtual threads");
        }
        if (custom != null) {
            return custom;
        }
        return virtual ? virtual() : PLATFORM;
    }

    /** A factory of virtual threads (Java 21 or newer). */
    public static ThreadFactory virtual() {
        int feature = Runtime.version().feature();
        if (feature < 21) {
            throw new PQException("virtualThreads needs Java 21 or newer; this JVM is " + feature + " ("
                    + System.getProperty("java.vm.name") + " " + Runtime.version() + "): run on Java 21+, or leave "
                    + "virtualThreads off and size workerCount for platform threads");
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> builder = Class.forName("java.lang.Thread$Builder$OfVirtual");
            Object ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(builder))
                    .invoke();
            MethodHandle factory = lookup.findVirtual(Class.forName("java.lang.Thread$Builder"), "factory",
                    MethodType.methodType(ThreadFactory.class));
            return (ThreadFactory) factory.invoke(ofVirtual);
        } catch (Throwable e) {
            throw new PQException("virtualThreads: this Java " + feature + " JVM does not offer Thread.ofVirtual()", e);
        }
    }

    /** Whether {@code t} is a virtual thread (false on Java 17, which has none). */
    public static boolean isVirtual(Thread t) {
        return t.getClass().getName().equals("java.lang.VirtualThread");
    }
}
