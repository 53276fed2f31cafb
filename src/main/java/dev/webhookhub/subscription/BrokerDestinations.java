package dev.webhookhub.subscription;

import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;
import dev.webhookhub.api.ApiException;

/**
 * Which broker destinations tenants may use: the types the operator turned on ({@code hub.destinations.<type>.enabled})
 * and the topic or queue names they allow ({@code hub.destinations.<type>.names}, a regular expression). A tenant
 * names a topic or a queue, never a broker or an endpoint URI: the brokers are the hub's ({@code hub.kafka.*},
 * {@code hub.amqp.*}), and names are plain (letters, digits, '.', '_', '-'), so nothing a tenant sends can become an
 * option of a Camel endpoint.
 */
@Component
public class BrokerDestinations {

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    private final HubProperties.Destinations settings;

    public BrokerDestinations(HubProperties properties) {
        this.settings = properties.destinations();
    }

    /** The destination a request names; 400 for a type that is off, a missing or unplain name, or one not allowed. */
    public Destination of(DestinationRequest request) {
        if (request.type() == null) {
            throw ApiException.badRequest("destination.type is required: kafka or amqp");
        }
        return switch (request.type()) {
            case "kafka" -> new Destination.KafkaTopic(name("kafka", "topic", request.topic(), settings.kafka()));
            case "amqp" -> new Destination.AmqpQueue(name("amqp", "queue", request.queue(), settings.amqp()));
            default -> throw ApiException.badRequest("destination.type '" + abbreviate(request.type())
                    + "' is not one of kafka, amqp (an HTTP endpoint goes in url)");
        };
    }

    /** Why a stored broker destination may not be used (any more), or empty. */
    public Optional<String> refusal(Destination destination) {
        try {
            switch (destination) {
                case Destination.KafkaTopic kafka -> name("kafka", "topic", kafka.topic(), settings.kafka());
                case Destination.AmqpQueue amqp -> name("amqp", "queue", amqp.queue(), settings.amqp());
                case Destination.Http http -> {
                }
            }
            return Optional.empty();
        } catch (ApiException e) {
            return Optional.of(e.problem().getDetail());
        }
    }

    private static String name(String type, String field, String name, HubProperties.BrokerDestination allowed) {
        if (allowed == null || !allowed.enabled()) {
            throw ApiException.badRequest(type + " destinations are not enabled on this hub (hub.destinations." + type
                    + ".enabled)");
        }
        if (name == null || !PLAIN_NAME.matcher(name).matches()) {
            throw ApiException.badRequest("destination." + field + " must be 1 to 200 letters, digits, '.', '_' or '-'");
        }
        if (!Pattern.compile(allowed.names()).matcher(name).matches()) {
            throw ApiException.badRequest("destination." + field + " '" + name + "' is not among the " + type
                    + " destinations this hub allows (hub.destinations." + type + ".names)");
        }
        return name;
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
