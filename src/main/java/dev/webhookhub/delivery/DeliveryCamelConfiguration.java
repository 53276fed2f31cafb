package dev.webhookhub.delivery;

import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.webhookhub.HubProperties;

/**
 * Configures the HTTP component that delivers webhooks from {@code hub.delivery.*}, so each setting is made
 * once, in application.yaml, with the usual duration syntax.
 */
@Configuration
public class DeliveryCamelConfiguration {

    @Bean
    CamelContextConfiguration deliveryHttpComponent(HubProperties properties) {
        var delivery = properties.delivery();
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                HttpComponent http = camelContext.getComponent("http", HttpComponent.class);
                http.setConnectTimeout(delivery.connectTimeout().toMillis());
                http.setResponseTimeout(delivery.timeout().toMillis());
                http.setSoTimeout(delivery.timeout().toMillis());
                http.setConnectionRequestTimeout(delivery.timeout().toMillis());
                http.setMaxTotalConnections(Math.max(200, delivery.maxInFlight()));
                http.setConnectionsPerRoute(Math.max(20, delivery.maxInFlight() / 4));
                http.setFollowRedirects(false);
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
            }
        };
    }
}
