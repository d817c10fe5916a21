package dev.pq.spring.shop;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** What the handlers ran, in order: "email:ID", "receipt:ID" (tests take from it with a timeout). */
public final class Sent {
    public static final BlockingQueue<String> RAN = new LinkedBlockingQueue<>();
    /** Opened by a test to let {@code Emails.held} finish. */
    public static volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);

    private Sent() {
    }
}
