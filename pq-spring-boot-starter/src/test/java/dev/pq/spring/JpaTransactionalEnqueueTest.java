package dev.pq.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.spring.jpa.JpaShop;
import dev.pq.spring.shop.Sent;
import dev.pq.tasks.Admin;
import dev.pq.tasks.Tasks;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

/** With Spring Data JPA's transaction manager: the enqueue joins the JPA transaction's connection. */
@SpringBootTest(classes = JpaShop.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class JpaTransactionalEnqueueTest {
    static final ShopDatabase DB = ShopDatabase.create();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        DB.register(registry);
        registry.add("spring.jpa.hibernate.ddl-auto", () -> "none");
    }

    @Autowired
    JpaShop.JpaOrders orders;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    Tasks tasks;
    @Autowired
    Admin admin;

    @Test
    void jpaTransaction_commitsTheEntityAndTheJob_orRollsBackBoth() throws Exception {
        assertTrue(transactions instanceof JpaTransactionManager, transactions.getClass().getName());
        Sent.RAN.clear();
        assertThrows(IllegalStateException.class, () -> orders.place(20, "rolled back", true));
        long rolledBack = tasks.lastId();
        assertTrue(rolledBack > 0);
        assertTrue(admin.job(rolledBack).isEmpty(), "the job rolled back with the entity");
        assertEquals(0, DB.count("select count(*) from {s}.orders where id = 20"));

        orders.place(21, "kept", false);
        assertEquals("email:21", Sent.RAN.poll(20, TimeUnit.SECONDS));
        assertEquals(1, DB.count("select count(*) from {s}.orders where id = 21"));
        assertEquals(0, DB.count("select count(*) from {s}.emails where order_id = 20"));
    }
}
