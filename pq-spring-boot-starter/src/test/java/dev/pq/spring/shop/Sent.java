package dev.pq.spring.shop;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** What the handlers ran, in order: "email:ID", "receipt:ID" (tests take from it with a timeout). */
public final class Sent {
    public static final BlockingQueue<String> RAN = new LinkedBlockingQueue<>();

    private Sent() {
    }
}
