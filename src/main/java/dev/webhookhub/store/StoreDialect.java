package dev.webhookhub.store;

import java.util.Collections;
import java.util.List;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The few statements that H2 and PostgreSQL spell differently, and what the hub needs to know of the store it runs
 * on. Everything else is portable SQL.
 */
@Component
public class StoreDialect {

    private final boolean h2;

    public StoreDialect(JdbcTemplate jdbc) {
        this.h2 = "H2".equals(jdbc.execute(
                (ConnectionCallback<String>) connection -> connection.getMetaData().getDatabaseProductName()));
    }

    /** H2 runs inside this process: only one hub instance ever writes to it. */
    public boolean isH2() {
        return h2;
    }

    /**
     * An INSERT of one row that inserts nothing (update count 0) when a row with the same key exists, instead of
     * failing the transaction. Parameters: the values of {@code columns}, then, on H2, those of {@code keyColumns}
     * again: see {@link #insertIfAbsentParameters}.
     */
    public String insertIfAbsent(String table, List<String> columns, List<String> keyColumns) {
        String names = String.join(", ", columns);
        String marks = String.join(", ", Collections.nCopies(columns.size(), "?"));
        if (h2) {
            return "INSERT INTO " + table + " (" + names + ") SELECT " + marks + " WHERE NOT EXISTS (SELECT 1 FROM " + table
                    + " WHERE " + String.join(" AND ", keyColumns.stream().map(k -> k + " = ?").toList()) + ")";
        }
        return "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ") ON CONFLICT DO NOTHING";
    }

    /** The parameters of {@link #insertIfAbsent} for one row. */
    public Object[] insertIfAbsentParameters(Object[] values, Object[] keys) {
        if (!h2) {
            return values;
        }
        Object[] all = new Object[values.length + keys.length];
        System.arraycopy(values, 0, all, 0, values.length);
        System.arraycopy(keys, 0, all, values.length, keys.length);
        return all;
    }
}
