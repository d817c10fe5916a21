package dev.pq.examples.spring;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** Thrown by {@link Orders#place} after the enqueue: the order and its job roll back (HTTP 409). */
@ResponseStatus(HttpStatus.CONFLICT)
public class OutOfStockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutOfStockException(String item, int quantity) {
        super("not enough " + item + " in stock for " + quantity);
    }
}
