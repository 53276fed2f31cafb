package dev.webhookhub.tracing;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The OpenTelemetry SDK, configured the standard way: by the {@code OTEL_*} environment variables (or
 * {@code otel.*} system properties), e.g. {@code OTEL_TRACES_EXPORTER=otlp},
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318}, {@code OTEL_SERVICE_NAME}. Nothing is exported unless
 * they say so; spans are still made, so the trace context goes from ingest to every attempt and on to subscribers
 * either way. A {@link SpanExporter} bean (the tests' in-memory one) gets every span as well.
 */
@Configuration
public class TracingConfiguration {

    /** Defaults below whatever OTEL_* says. */
    private static final Map<String, String> DEFAULTS = Map.of(
            "otel.service.name", "webhook-hub",
            "otel.traces.exporter", "none",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none");

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry(ObjectProvider<SpanExporter> exporters) {
        return AutoConfiguredOpenTelemetrySdk.builder()
                // the context closes it (destroyMethod), after the last delivery's span, not a JVM hook at any time
                .disableShutdownHook()
                .addPropertiesSupplier(() -> DEFAULTS)
                .addTracerProviderCustomizer((tracerProvider, config) -> {
                    exporters.orderedStream().forEach(exporter -> tracerProvider.addSpanProcessor(SimpleSpanProcessor.create(exporter)));
                    return tracerProvider;
                })
                .build()
                .getOpenTelemetrySdk();
    }
}
