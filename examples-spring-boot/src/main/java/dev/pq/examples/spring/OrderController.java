package dev.pq.examples.spring;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders {"item": "...", "email": "..."}} and {@code GET /orders/{id}}. */
@RestController
public class OrderController {
    /** The body of a new order. */
    public record NewOrder(String item, String email) {
    }

    private final OrderService orders;

    public OrderController(OrderService orders) {
        this.orders = orders;
    }

    @PostMapping("/orders")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, Object> place(@RequestBody NewOrder order) {
        return Map.of("id", orders.place(order.item(), order.email()));
    }

    @GetMapping("/orders/{id}")
    public Map<String, Object> get(@PathVariable("id") long id) {
        return Map.of("id", id, "emailSent", orders.emailSent(id));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    public Map<String, Object> invalid(IllegalArgumentException e) {
        return Map.of("error", e.getMessage());
    }

    @ExceptionHandler(OutOfStockException.class)
    @ResponseStatus(HttpStatus.CONFLICT)
    public Map<String, Object> outOfStock(OutOfStockException e) {
        return Map.of("error", e.getMessage());
    }
}
