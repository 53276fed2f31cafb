package dev.webhookhub.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.springframework.stereotype.Component;

/**
 * Flyway migration 9 (a Java one: it needs the hub's key): signing secrets stored in clear text by earlier versions
 * are encrypted in place ({@link SecretBox}), and the columns widened for what encryption adds.
 */
@Component
public class V9__EncryptSigningSecrets extends BaseJavaMigration {

    private final SecretBox secrets;

    public V9__EncryptSigningSecrets(SecretBox secrets) {
        this.secrets = secrets;
    }

    @Override
    public void migrate(Context context) throws Exception {
        Connection connection = context.getConnection();
        try (Statement alter = connection.createStatement()) {
            alter.execute("ALTER TABLE subscriptions ALTER COLUMN secret SET DATA TYPE VARCHAR(256)");
            alter.execute("ALTER TABLE subscriptions ALTER COLUMN previous_secret SET DATA TYPE VARCHAR(256)");
        }
        record Row(String id, String secret, String previousSecret) {
        }
        List<Row> clear = new ArrayList<>();
        try (Statement select = connection.createStatement();
                ResultSet rs = select.executeQuery("SELECT id, secret, previous_secret FROM subscriptions")) {
            while (rs.next()) {
                clear.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE subscriptions SET secret = ?, previous_secret = ? WHERE id = ?")) {
            for (Row row : clear) {
                update.setString(1, SecretBox.isSealed(row.secret()) ? row.secret() : secrets.seal(row.secret()));
                update.setString(2, row.previousSecret() == null || SecretBox.isSealed(row.previousSecret())
                        ? row.previousSecret() : secrets.seal(row.previousSecret()));
                update.setString(3, row.id());
                update.addBatch();
            }
            update.executeBatch();
        }
    }
}
