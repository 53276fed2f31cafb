package dev.webhookhub.support;

import java.io.IOException;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import dev.webhookhub.HubProperties;
import dev.webhookhub.mapping.JsonataBounds;

/** Settings as application.yaml ships them, for tests that build a part of the hub without Spring. */
public final class ShippedSettings {

    private static final Binder BINDER = binder();

    private ShippedSettings() {
    }

    public static JsonataBounds mappingBounds() {
        return jsonata().mapping();
    }

    public static JsonataBounds filterBounds() {
        return jsonata().filter();
    }

    private static HubProperties.Jsonata jsonata() {
        return BINDER.bind("hub.jsonata", HubProperties.Jsonata.class).get();
    }

    private static Binder binder() {
        try {
            var environment = new StandardEnvironment();
            new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yaml"))
                    .forEach(environment.getPropertySources()::addLast);
            return new Binder(ConfigurationPropertySources.get(environment));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
