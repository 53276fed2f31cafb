package dev.webhookhub.mapping;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The payload schemas the hub has served, kept in the store ({@code published_schemas}) so that the evolution guard
 * and the catalog's {@code versions} outlive a restart and agree between instances. The store being away never stops
 * a mapping from loading: the registry then guards with what it has in memory, and says so in the log.
 */
@Component
public class PublishedSchemas {

    private static final Logger log = LoggerFactory.getLogger(PublishedSchemas.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public PublishedSchemas(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Every published schema, by "source:type" and version. */
    Map<String, TreeMap<Integer, JsonNode>> load() {
        Map<String, TreeMap<Integer, JsonNode>> published = new HashMap<>();
        try {
            jdbc.query("SELECT source, event_type, version, schema_json FROM published_schemas", rs -> {
                try {
                    published.computeIfAbsent(rs.getString(1) + ":" + rs.getString(2), k -> new TreeMap<>())
                            .put(rs.getInt(3), json.readTree(rs.getString(4)));
                } catch (JsonProcessingException e) {
                    log.warn("published schema of {} v{} is not JSON; ignored", rs.getString(2), rs.getInt(3));
                }
            });
        } catch (DataAccessException e) {
            log.warn("published schemas could not be read ({}): schema changes are guarded against this run's only",
                    e.getMostSpecificCause().getMessage());
        }
        return published;
    }

    /** Records a type's schema under its version: new, or a compatible change of that version. */
    void publish(String source, String type, int version, JsonNode schema) {
        try {
            String text = json.writeValueAsString(schema);
            int updated = jdbc.update("UPDATE published_schemas SET schema_json = ? WHERE source = ? AND event_type = ?"
                    + " AND version = ?", text, source, type, version);
            if (updated == 0) {
                try {
                    jdbc.update("INSERT INTO published_schemas (source, event_type, version, schema_json, published_at)"
                            + " VALUES (?, ?, ?, ?, ?)", source, type, version, text, Timestamp.from(Instant.now()));
                } catch (DuplicateKeyException anotherInstanceWasFirst) {
                    jdbc.update("UPDATE published_schemas SET schema_json = ? WHERE source = ? AND event_type = ?"
                            + " AND version = ?", text, source, type, version);
                }
            }
        } catch (JsonProcessingException | DataAccessException e) {
            log.warn("the schema of {} v{} could not be recorded ({}); it is guarded in memory until the next start", type,
                    version, e.getMessage());
        }
    }
}
