package dev.webhookhub.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsConstants;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;

import dev.webhookhub.subscription.Destination;

/**
 * Delivery route step for a broker destination, after the signer: the signed envelope with the Standard Webhooks
 * headers ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}), {@code content-type} and the
 * webhook's own headers as message headers, and nothing of HTTP. The topic or queue travels in the component's override header, so that one
 * producer serves every topic and no tenant's name ever becomes part of an endpoint URI.
 */
@Component
public class BrokerMessage implements Processor {

    @Override
    public void process(Exchange exchange) {
        DeliveryJob job = exchange.getProperty(WebhookSigner.JOB, DeliveryJob.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*", "webhook-*", "Content-Type", "Camel*");
        message.removeHeaders("CamelHttp*");
        message.removeHeader(DeliveryCamelConfiguration.RESPONSE_TIMEOUT_HEADER);
        message.setHeader("content-type", message.removeHeader(Exchange.CONTENT_TYPE));
        job.headers().forEach(message::setHeader);
        switch (Destination.of(job.targetUrl())) {
            case Destination.KafkaTopic kafka -> {
                message.setHeader(KafkaConstants.OVERRIDE_TOPIC, kafka.topic());
                // one event's deliveries land on one partition: consumers see them in order, and dedupe by key
                message.setHeader(KafkaConstants.KEY, job.eventId());
            }
            case Destination.AmqpQueue amqp -> message.setHeader(JmsConstants.JMS_DESTINATION_NAME, amqp.queue());
            case Destination.Http http -> throw new IllegalStateException("not a broker destination: " + http.url());
        }
    }
}
