package dev.pq.examples.spring;

/** Thrown by {@link OrderService#place} after the enqueue: the order and its email job roll back (HTTP 409). */
public class OutOfStockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutOfStockException(String item) {
        super("no " + item + " in stock");
    }
}
