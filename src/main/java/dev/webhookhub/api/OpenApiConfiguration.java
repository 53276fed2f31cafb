package dev.webhookhub.api;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import dev.webhookhub.mapping.MappingRegistry;
import dev.webhookhub.mapping.SourceMapping;
import dev.webhookhub.security.Tenant;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The OpenAPI document at {@code /v3/api-docs} (UI at {@code /docs}): generated from the controllers, with the raw
 * events and envelopes of every source's golden samples ({@code mappings/<source>/samples/}, taken from the seeds)
 * as examples of ingest and preview.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String API_KEY = "apiKey";
    static final String ADMIN_TOKEN = "adminToken";
    private static final Logger log = LoggerFactory.getLogger(OpenApiConfiguration.class);

    static {
        // resolved from the API key by SecurityConfig, never sent by the client
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Tenant.class);
    }

    @Bean
    OpenAPI hubOpenApi() {
        return new OpenAPI()
                .info(new Info().title("webhook-hub API").version("v1").description("""
                        Push raw events of a source (`/v1/ingest/{source}`), subscribe webhooks to the envelopes they \
                        map to, and follow every delivery. Every call takes `Authorization: Bearer <api key>` of one \
                        environment; environment management takes the admin token. Errors are application/problem+json. \
                        What the hub sends to webhooks is described by the AsyncAPI 3.0 document at \
                        [`GET /v1/asyncapi`](/v1/asyncapi) (YAML with `Accept: application/yaml`; same API key), and type \
                        by type, with whole-body schemas and examples, by `GET /v1/event-types` (the hub's own events \
                        for operational webhooks in its channel `hub` and in `operational_event_types`)."""))
                .components(new Components()
                        .addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("an environment's API key"))
                        .addSecuritySchemes(ADMIN_TOKEN, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("HUB_ADMIN_TOKEN, for /v1/environments only")))
                .addSecurityItem(new SecurityRequirement().addList(API_KEY));
    }

    @Bean
    OpenApiCustomizer seedExamples(MappingRegistry mappings) {
        return openApi -> {
            openApi.getPaths().forEach((path, item) -> {
                if (path.startsWith("/v1/environments")) {
                    item.readOperations().forEach(op -> op.setSecurity(List.of(new SecurityRequirement().addList(ADMIN_TOKEN))));
                }
            });
            var ingest = openApi.getPaths().get("/v1/ingest/{source}");
            var preview = openApi.getPaths().get("/v1/sources/{source}/preview");
            for (SourceMapping mapping : mappings.sources()) {
                for (Sample sample : samples(mappings.dir(), mapping.source())) {
                    String name = mapping.source() + ": " + sample.name();
                    if (ingest != null) {
                        requestExample(ingest.getPost(), name, sample);
                    }
                    if (preview != null) {
                        requestExample(preview.getPost(), name, sample);
                        ApiResponse ok = preview.getPost().getResponses().get("200");
                        if (ok != null) {
                            example(ok.getContent(), name, sample.description(), Map.of("events", sample.envelopes()));
                        }
                    }
                }
            }
        };
    }

    /**
     * Seed 001's webhook as it documents it: on create {@code target_url} is required (the same request on PATCH may
     * leave everything out, so create gets a schema of its own); ids are UUIDs and times date-times.
     */
    @Bean
    OpenApiCustomizer seedWebhookShape() {
        return openApi -> {
            var schemas = openApi.getComponents().getSchemas();
            var request = schemas.get("SubscriptionRequest");
            if (request != null) {
                Schema<?> create = new Schema<>().type("object").description("Create a webhook: target_url (or url) is required")
                        .properties(new java.util.LinkedHashMap<>(request.getProperties()))
                        .required(List.of("target_url"));
                create.getProperties().put("target_url", new Schema<>().type("string").format("uri")
                        .description("where the webhook's deliveries are POSTed (alias: url)"));
                schemas.put("SubscriptionCreateRequest", create);
                for (String path : List.of("/v1/webhooks", "/webhook")) {
                    var post = openApi.getPaths().get(path) == null ? null : openApi.getPaths().get(path).getPost();
                    if (post != null && post.getRequestBody() != null) {
                        post.getRequestBody().getContent().values()
                                .forEach(media -> media.setSchema(new Schema<>().$ref("#/components/schemas/SubscriptionCreateRequest")));
                    }
                }
            }
            var response = schemas.get("SubscriptionResponse");
            if (response != null) {
                Map<String, Schema> properties = response.getProperties();
                properties.get("id").format("uuid");
                properties.get("environment_id").format("uuid");
                properties.get("created_at").format("date-time");
                properties.get("updated_at").format("date-time");
                properties.get("secret").description("whsec_ + base64 of 32 random bytes: the Standard Webhooks secret form, "
                        + "which any Standard Webhooks library takes as it is. Seed 001 documents 'string, uuid'; a UUID has "
                        + "122 random bits and no marker that tells a signing secret apart, so the hub keeps whsec_ on "
                        + "purpose. Only in the answers to create and rotate, and from GET /v1/webhooks/{id}/secret.");
                response.setRequired(List.of("id", "target_url", "is_active", "environment_id", "event_types", "created_at",
                        "updated_at"));
            }
        };
    }

    private static void requestExample(Operation operation, String name, Sample sample) {
        if (operation != null && operation.getRequestBody() != null) {
            example(operation.getRequestBody().getContent(), name, sample.description(), sample.raw());
        }
    }

    private static void example(Content content, String name, String summary, Object value) {
        if (content == null) {
            return;
        }
        MediaType json = content.computeIfAbsent("application/json", k -> new MediaType());
        json.addExamples(name, new Example().summary(summary).value(value));
    }

    /** One raw event of a golden sample and the envelopes it maps to, placeholders filled in. */
    record Sample(String name, String description, Object raw, List<Object> envelopes) {
    }

    /** The first step of each sample file that produces envelopes. */
    @SuppressWarnings("unchecked")
    static List<Sample> samples(Path mappingsDir, String source) {
        Path dir = mappingsDir.resolve(source).resolve("samples");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Sample> samples = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                Map<String, Object> doc;
                try (Reader reader = Files.newBufferedReader(file)) {
                    doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
                }
                for (Object step : (List<Object>) doc.getOrDefault("steps", List.of())) {
                    if (step instanceof Map<?, ?> s && s.get("raw") instanceof Map<?, ?> raw
                            && s.get("expect") instanceof List<?> expect && !expect.isEmpty()) {
                        String name = file.getFileName().toString().replace(".yaml", "");
                        samples.add(new Sample(name, String.valueOf(doc.getOrDefault("description", name)), raw,
                                expect.stream().map(OpenApiConfiguration::filled).toList()));
                        break;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("no OpenAPI examples from {}: {}", dir, e.getMessage());
            return List.of();
        }
        return samples;
    }

    /** The samples' placeholders ({@code <evt-id>}, {@code <timestamp>}, ...) as plausible values. */
    private static Object filled(Object value) {
        return switch (value) {
            case null -> null;
            case Map<?, ?> map -> {
                Map<Object, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(k, filled(v)));
                yield copy;
            }
            case List<?> list -> list.stream().map(OpenApiConfiguration::filled).toList();
            case String s when s.equals("<timestamp>") -> "2026-04-15T14:30:00.000Z";
            case String s when s.startsWith("<") && s.endsWith("-id>") -> s.substring(1, s.indexOf('-')) + "_2fNwVh1jX0sLqMZ7cRk9aP";
            case String s when s.startsWith("<") && s.endsWith(">") -> "2f0e8b6c-4b9e-4f0a-9c3e-0d5b7c1a9e21";
            default -> value;
        };
    }
}
