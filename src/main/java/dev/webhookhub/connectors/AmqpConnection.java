package dev.webhookhub.connectors;

import org.apache.camel.component.amqp.AMQPComponent;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.webhookhub.HubProperties;

/**
 * The {@code amqp:} component of every route and of AMQP destinations, connected to the operator's AMQP 1.0 broker ({@code hub.amqp.*}). Nothing
 * connects until a route uses it.
 */
@Configuration(proxyBeanMethods = false)
public class AmqpConnection {

    @Bean("amqp")
    AMQPComponent amqp(HubProperties properties) {
        HubProperties.Amqp amqp = properties.amqp();
        JmsConnectionFactory factory = new JmsConnectionFactory(amqp.url());
        if (amqp.username() != null && !amqp.username().isBlank()) {
            factory.setUsername(amqp.username());
            factory.setPassword(amqp.password());
        }
        // application properties may keep names JMS itself would not allow ("webhook-id"), as AMQP does
        factory.setValidatePropertyNames(false);
        return new AMQPComponent(factory);
    }
}
