package dev.pq.examples.spring;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders {"item":"widget","quantity":2}} places an order; {@code GET /orders/{id}} shows it. */
@RestController
public class OrderController {
    private final Orders orders;

    public OrderController(Orders orders) {
        this.orders = orders;
    }

    /** The body of {@code POST /orders}. */
    public record NewOrder(String item, int quantity) {
    }

    @PostMapping("/orders")
    public ResponseEntity<Map<String, Object>> place(@RequestBody NewOrder order) {
        if (order.item() == null || order.item().isBlank() || order.quantity() < 1) {
            return ResponseEntity.badRequest().body(Map.of("error", "item and a quantity >= 1 are required"));
        }
        long id = orders.place(order.item(), order.quantity());
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", id, "item", order.item(), "quantity", order.quantity()));
    }

    @GetMapping("/orders/{id}")
    public ResponseEntity<Map<String, Object>> get(@PathVariable long id) {
        return ResponseEntity.of(orders.find(id));
    }
}
