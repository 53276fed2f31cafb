package dev.webhookhub.routing;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.webhookhub.HubProperties;

/** In Kafka mode, starts the dispatcher group's consumer route (routes/event-queue.yaml). */
@Configuration
public class EventQueueConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EventQueueConfiguration.class);

    @Bean
    CamelContextConfiguration eventQueueConsumer(HubProperties properties) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                if (!properties.kafkaQueue()) {
                    return;
                }
                try {
                    camelContext.getRouteController().startRoute("event-queue");
                    log.info("Kafka mode: routing events from topic {} at {}", properties.kafka().eventsTopic(),
                            properties.kafka().bootstrapServers());
                } catch (Exception e) {
                    throw new IllegalStateException("cannot start the event-queue route", e);
                }
            }
        };
    }
}
