package dev.pq.spring.internal;

import dev.pq.tasks.spi.AmbientTransaction;
import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Joins Spring-managed transactions: an enqueue inside {@code @Transactional} (a
 * {@code DataSourceTransactionManager}, or a {@code JpaTransactionManager}, which binds the same
 * data source's connection) writes its job on the transaction's connection. pq-tasks only asks on
 * enqueue, so workers, their locker, listener and job connections never see it; and it never
 * commits, rolls back or changes auto-commit on that connection: Spring does.
 */
public final class SpringTransactions implements AmbientTransaction {
    private final DataSource dataSource;

    public SpringTransactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Connection current() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()
                || !(TransactionSynchronizationManager.getResource(dataSource) instanceof ConnectionHolder)) {
            return null; // no transaction on this data source: pq's own connection, auto-commit
        }
        return DataSourceUtils.getConnection(dataSource);
    }

    @Override
    public void release(Connection connection) {
        DataSourceUtils.releaseConnection(connection, dataSource);
    }
}
