package dev.webhookhub.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the 202 of an ingest promises on H2, whatever URL the operator gave: H2 writes a commit to its file only after
 * its write delay (500 ms unless the URL says otherwise, so {@code kill -9} loses what was acknowledged) and never
 * forces the file to the disk (so a power loss does). At start the write delay is set to 0 for the database (a
 * persistent setting), and {@link #force()} after each ingest commit writes what is committed and forces it to the
 * device ({@code CHECKPOINT SYNC}). Both need an H2 admin user: without one the hub refuses to start rather than
 * acknowledge what it may lose. PostgreSQL forces every commit itself ({@code fsync}, {@code synchronous_commit}).
 */
@Component
public class DiskDurability {

    private static final Logger log = LoggerFactory.getLogger(DiskDurability.class);

    private final JdbcTemplate jdbc;
    private final boolean h2;

    public DiskDurability(JdbcTemplate jdbc, StoreDialect dialect) {
        this.jdbc = jdbc;
        this.h2 = dialect.isH2();
        if (h2) {
            try {
                jdbc.execute("SET WRITE_DELAY 0");
                jdbc.execute("CHECKPOINT SYNC");
            } catch (DataAccessException e) {
                throw new IllegalStateException("the H2 user must be an admin: the hub sets WRITE_DELAY 0 and forces each"
                        + " ingest commit to the disk (CHECKPOINT SYNC) before it answers 202; " + e.getMostSpecificCause()
                        .getMessage(), e);
            }
            log.debug("H2: write delay 0, ingest commits forced to the disk");
        }
    }

    /** Makes every transaction committed so far survive a power loss. */
    public void force() {
        if (h2) {
            jdbc.execute("CHECKPOINT SYNC");
        }
    }
}
