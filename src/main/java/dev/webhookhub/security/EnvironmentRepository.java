package dev.webhookhub.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import dev.webhookhub.store.Timestamps;

@Repository
public class EnvironmentRepository {

    public record Environment(String id, String name, Instant createdAt) {
    }

    public record ApiKeyInfo(String id, String environmentId, String prefix, Instant createdAt, Instant revokedAt) {
    }

    private final JdbcClient jdbc;

    public EnvironmentRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public boolean isEmpty() {
        return jdbc.sql("SELECT COUNT(*) FROM environments").query(Long.class).single() == 0;
    }

    public Environment create(String name) {
        var env = new Environment(UUID.randomUUID().toString(), name, Timestamps.now());
        jdbc.sql("INSERT INTO environments (id, name, created_at) VALUES (?, ?, ?)")
                .params(env.id(), env.name(), Timestamps.column(env.createdAt()))
                .update();
        return env;
    }

    public Optional<Environment> findByName(String name) {
        return jdbc.sql("SELECT id, name, created_at FROM environments WHERE name = ?")
                .param(name)
                .query(ENVIRONMENT)
                .optional();
    }

    public Optional<Environment> find(String id) {
        return jdbc.sql("SELECT id, name, created_at FROM environments WHERE id = ?")
                .param(id)
                .query(ENVIRONMENT)
                .optional();
    }

    public List<Environment> list() {
        return jdbc.sql("SELECT id, name, created_at FROM environments ORDER BY created_at, id")
                .query(ENVIRONMENT)
                .list();
    }

    /** Stores only the key's hash; the caller shows the key once. */
    @Transactional
    public ApiKeyInfo addKey(String environmentId, String key) {
        var info = new ApiKeyInfo(UUID.randomUUID().toString(), environmentId, key.substring(0, Math.min(8, key.length())),
                Timestamps.now(), null);
        jdbc.sql("INSERT INTO api_keys (id, environment_id, key_hash, key_prefix, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(info.id(), environmentId, Secrets.sha256Hex(key), info.prefix(), Timestamps.column(info.createdAt()))
                .update();
        return info;
    }

    public boolean revokeKey(String environmentId, String keyId) {
        return jdbc.sql("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND environment_id = ? AND revoked_at IS NULL")
                .params(Timestamps.column(Timestamps.now()), keyId, environmentId)
                .update() == 1;
    }

    public List<ApiKeyInfo> keys(String environmentId) {
        return jdbc.sql("SELECT id, environment_id, key_prefix, created_at, revoked_at FROM api_keys WHERE environment_id = ? ORDER BY created_at")
                .param(environmentId)
                .query((rs, i) -> new ApiKeyInfo(rs.getString("id"), rs.getString("environment_id"), rs.getString("key_prefix"),
                        Timestamps.read(rs, "created_at"), Timestamps.read(rs, "revoked_at")))
                .list();
    }

    public Optional<String> environmentOfKey(String key) {
        return jdbc.sql("SELECT environment_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")
                .param(Secrets.sha256Hex(key))
                .query(String.class)
                .optional();
    }

    private static final RowMapper<Environment> ENVIRONMENT = (rs, i) ->
            new Environment(rs.getString("id"), rs.getString("name"), Timestamps.read(rs, "created_at"));
}
