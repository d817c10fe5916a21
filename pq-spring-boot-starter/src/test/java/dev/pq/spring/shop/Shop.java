package dev.pq.spring.shop;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application the starter's tests run: orders, their confirmation emails and receipts. */
@SpringBootApplication
public class Shop {
}
