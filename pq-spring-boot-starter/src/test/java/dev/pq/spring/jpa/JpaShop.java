package dev.pq.spring.jpa;

import dev.pq.spring.shop.Emails;
import dev.pq.spring.shop.Shop;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Table;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The shop with JPA: Boot's JpaTransactionManager, an entity, and the same email task. */
@SpringBootApplication
@Import(Shop.class)
public class JpaShop {
    /** An order stored by Hibernate. */
    @Entity
    @Table(name = "orders")
    public static class OrderEntity {
        @Id
        public Long id;
        public String item;

        protected OrderEntity() {
        }

        public OrderEntity(long id, String item) {
            this.id = id;
            this.item = item;
        }
    }

    /** Persists the order and enqueues its email in one JPA transaction. */
    @Service
    public static class JpaOrders {
        @PersistenceContext
        EntityManager em;
        private final Emails emails;

        public JpaOrders(@dev.pq.spring.TaskClient Emails emails) {
            this.emails = emails;
        }

        @Transactional
        public void place(long id, String item, boolean fail) {
            em.persist(new OrderEntity(id, item));
            em.flush();
            emails.confirm(id);
            if (fail) {
                throw new IllegalStateException("payment declined");
            }
        }
    }
}
