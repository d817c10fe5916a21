package dev.pq.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pq.spring.shop.Emails;
import dev.pq.spring.shop.EmailsImpl;
import dev.pq.spring.shop.Orders;
import dev.pq.spring.shop.Sent;
import dev.pq.spring.shop.Shop;
import dev.pq.tasks.Admin;
import dev.pq.tasks.Tasks;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Spring Boot application (the shop) on a real PostgreSQL, with Spring's JDBC transaction
 * manager: an enqueue in a {@code @Transactional} method commits and rolls back with the order.
 */
@SpringBootTest(classes = {Shop.class, TransactionalEnqueueTest.JdbcTransactions.class},
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class TransactionalEnqueueTest {
    static final ShopDatabase DB = ShopDatabase.create();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        DB.register(registry);
    }

    /** The JDBC transaction manager (JPA is on the test class path and would bring its own). */
    @Configuration(proxyBeanMethods = false)
    static class JdbcTransactions {
        @Bean
        DataSourceTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }
    }

    @Autowired
    Orders orders;
    @Autowired
    Tasks tasks;
    @Autowired
    Admin admin;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Emails plainEmails;
    @Autowired
    @TaskClient
    Emails emailsClient;

    @BeforeEach
    void clear() {
        Sent.RAN.clear();
    }

    @Test
    void enqueueInTransactional_isInvisibleOutsideUntilCommit_thenTheWorkerRunsIt() throws Exception {
        long[] seen = new long[3];
        orders.place(1, "tea", () -> {
            long job = orders.lastEmailJob();
            seen[0] = jdbc.queryForObject("select count(*) from " + DB.schema + ".queue where id = ?", Long.class, job);
            seen[1] = DB.count("select count(*) from {s}.queue where id = ?", job);
            seen[2] = DB.count("select count(*) from {s}.orders where id = 1");
        });
        assertEquals(1, seen[0], "the job is in the caller's transaction");
        assertEquals(0, seen[1], "and not visible to another connection before the commit");
        assertEquals(0, seen[2], "like the order row");
        assertEquals(Set.of("email:1", "receipt:1"), take(2));
        assertEquals(1, DB.count("select count(*) from {s}.orders where id = 1"));
        assertEquals(2, DB.count("select count(*) from {s}.emails where order_id = 1"));
    }

    @Test
    void exceptionInTransactional_rollsBackTheOrderAndItsJobs() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> orders.place(2, "coffee", () -> {
                    throw new IllegalStateException("payment declined");
                }));
        assertEquals("payment declined", e.getMessage());
        long emailJob = orders.lastEmailJob();
        long receiptJob = orders.lastReceiptJob();
        assertTrue(emailJob > 0 && receiptJob > 0, "both jobs were inserted in the transaction");
        assertTrue(admin.job(emailJob).isEmpty() && admin.job(receiptJob).isEmpty(), "and rolled back with it");
        assertEquals(0, DB.count("select count(*) from {s}.orders where id = 2"));
        orders.place(3, "cake", () -> { }); // the next order's jobs run: the rolled-back ones never existed
        assertEquals(Set.of("email:3", "receipt:3"), take(2));
        assertEquals(0, DB.count("select count(*) from {s}.emails where order_id = 2"));
    }

    @Test
    void enqueueWithoutTransaction_commitsAtOnce_asWithoutSpring() throws Exception {
        emailsClient.confirm(4);
        long job = tasks.lastId();
        assertTrue(job > 0);
        assertEquals(Set.of("email:4"), take(1));
        assertEquals(1, DB.count("select count(*) from {s}.emails where order_id = 4"));
    }

    @Test
    void taskClientQualifier_injectsTheClient_andAPlainInjectionTheImplementation() {
        assertTrue(plainEmails instanceof EmailsImpl, plainEmails.getClass().getName());
        assertFalse(emailsClient instanceof EmailsImpl);
        assertTrue(emailsClient.toString().startsWith("TasksClient["), emailsClient.toString());
        assertNotSame(plainEmails, emailsClient);
        assertTrue(tasks.taskNames().containsAll(Set.of("Emails.confirm", "Receipt")), tasks.taskNames().toString());
    }

    private static Set<String> take(int n) throws InterruptedException {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String s = Sent.RAN.poll(20, TimeUnit.SECONDS);
            if (s == null) {
                break;
            }
            out.add(s);
        }
        return out;
    }
}
