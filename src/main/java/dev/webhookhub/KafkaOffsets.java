package dev.webhookhub;

import org.apache.camel.Header;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.springframework.stereotype.Component;

/** Route step for Kafka consumers with manual commit: commits the record's offset once its work is durable. */
@Component
public class KafkaOffsets {

    public void commit(@Header(KafkaConstants.MANUAL_COMMIT) KafkaManualCommit commit) {
        if (commit != null) {
            commit.commit();
        }
    }
}
