package dev.webhookhub.mapping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;

import dev.webhookhub.HubProperties;
import dev.webhookhub.mapping.SourceMapping.EventRule;
import dev.webhookhub.mapping.SourceMapping.EventType;
import dev.webhookhub.mapping.SourceMapping.IdFormat;
import dev.webhookhub.mapping.SourceMapping.StateSlot;

/**
 * Reads {@code mappings/<source>.yaml} into a {@link SourceMapping}: compiles every JSONata expression and
 * JSON Schema up front, so a broken file is refused as a whole, with every problem as {@code file:line: reason}.
 */
@Component
public class MappingLoader {

    private static final Pattern SOURCE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("source", "description", "idFormat", "rawSchema", "envelope",
            "state", "let", "events", "reserved", "dedupKey", "envelopeSchema", "inbound");
    private static final Set<String> INBOUND_KEYS = Set.of("path", "verify", "secret", "header", "prefix", "encoding",
            "tolerance", "idHeader");
    private static final Pattern INBOUND_PATH = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern SECRET_NAME = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** {@code format} is only an annotation in 2020-12; here it is checked: a "date-time" that is not one is refused. */
    private static final com.networknt.schema.SchemaValidatorsConfig SCHEMA_CONFIG = com.networknt.schema.SchemaValidatorsConfig
            .builder().formatAssertionsEnabled(true).pathType(com.networknt.schema.PathType.LEGACY).build();
    private final JsonataBounds bounds;

    @Autowired
    public MappingLoader(HubProperties properties) {
        this(properties.jsonata().mapping());
    }

    public MappingLoader(JsonataBounds bounds) {
        this.bounds = bounds;
    }

    public SourceMapping load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new MappingFileException(file, List.of(file.getFileName() + ": cannot be read (" + e.getClass().getSimpleName() + ")"));
        }
        return parse(file, text);
    }

    SourceMapping parse(Path file, String text) {
        JsonNode root;
        Map<String, Integer> lines;
        try {
            lines = lineNumbers(text);
            // SnakeYAML resolves anchors and aliases (shared schemas and expressions) into plain values
            root = yaml.valueToTree(new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new MappingFileException(file, List.of(file.getFileName() + ":" + line + ": not valid YAML: " + e.getOriginalMessage()));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new MappingFileException(file, List.of(file.getFileName() + ":" + line + ": not valid YAML: " + e.getProblem()));
        } catch (YAMLException | IllegalArgumentException e) {
            throw new MappingFileException(file, List.of(file.getFileName() + ":1: not valid YAML: " + e.getMessage()));
        }
        return new Reader(file, root == null || root.isNull() ? yaml.createObjectNode() : root, lines).read();
    }

    /** JSON pointer of every node → the line it starts on, so that problems can name a line. */
    private Map<String, Integer> lineNumbers(String text) throws JsonProcessingException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = yaml.getFactory().createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME || token.isScalarValue() || token.isStructStart()) {
                    String pointer = parser.getParsingContext().pathAsPointer().toString();
                    lines.putIfAbsent(pointer, parser.currentTokenLocation().getLineNr());
                }
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return lines;
    }

    private final class Reader {
        private final Path file;
        private final JsonNode root;
        private final Map<String, Integer> lines;
        private final List<String> problems = new ArrayList<>();

        Reader(Path file, JsonNode root, Map<String, Integer> lines) {
            this.file = file;
            this.root = root;
            this.lines = lines;
        }

        SourceMapping read() {
            root.fieldNames().forEachRemaining(key -> {
                if (!TOP_LEVEL_KEYS.contains(key)) {
                    problem("/" + key, "unknown key '" + key + "' (allowed: " + String.join(", ", TOP_LEVEL_KEYS.stream().sorted().toList()) + ")");
                }
            });
            String source = text("/source", true);
            if (source != null && !SOURCE_NAME.matcher(source).matches()) {
                problem("/source", "source name '" + source + "' must be lower-case letters, digits and '-'");
            }
            if (SourceMapping.HUB_SOURCE.equals(source)) {
                problem("/source", "source name '" + source + "' is the hub's own, for its operational events");
            }
            String expectedName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            if (source != null && !source.equals(expectedName)) {
                problem("/source", "source '" + source + "' must match the file name '" + expectedName + "'");
            }
            IdFormat idFormat = idFormat();
            var rawSchema = root.has("rawSchema") ? schema("/rawSchema", root.get("rawSchema")) : null;
            Expression envelope = expression("/envelope", true);
            Expression dedupKey = expression("/dedupKey", false);
            List<StateSlot> state = state();
            Map<String, Expression> let = let();
            JsonNode envelopeSchema = envelopeSchema();
            List<EventRule> events = events();
            List<EventType> reserved = reserved(source, envelopeSchema);
            InboundWebhook inbound = inbound();
            if (envelopeSchema != null) {
                for (EventRule rule : events) {
                    schema("/envelopeSchema", EnvelopeSchemas.compose(envelopeSchema, rule.type(),
                            rule.schemaJson()));
                }
            }
            if (!problems.isEmpty()) {
                throw new MappingFileException(file, problems);
            }
            return new SourceMapping(source, root.path("description").asText(""), file, idFormat, rawSchema, envelope,
                    state, let, events, reserved, dedupKey, envelopeSchema, inbound);
        }

        private InboundWebhook inbound() {
            JsonNode node = root.path("inbound");
            if (node.isMissingNode() || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                problem("/inbound", "inbound must be a map: path, verify, secret (and header, prefix, encoding, tolerance, idHeader)");
                return null;
            }
            node.fieldNames().forEachRemaining(key -> {
                if (!INBOUND_KEYS.contains(key)) {
                    problem("/inbound/" + key, "unknown key '" + key + "' (allowed: " + String.join(", ", INBOUND_KEYS.stream().sorted().toList()) + ")");
                }
            });
            String path = text("/inbound/path", true);
            if (path != null && !INBOUND_PATH.matcher(path).matches()) {
                problem("/inbound/path", "inbound path '" + path + "' must be lower-case letters, digits and '-', at most 64");
            }
            String verify = text("/inbound/verify", true);
            InboundWebhook.Scheme scheme = verify == null ? null : InboundWebhook.Scheme.of(verify);
            if (verify != null && scheme == null) {
                problem("/inbound/verify", "verify must be one of standard-webhooks, hmac-sha256, stripe, token");
            }
            String secret = text("/inbound/secret", true);
            String secretName = null;
            if (secret != null) {
                Matcher name = SECRET_NAME.matcher(secret.strip());
                if (name.matches()) {
                    secretName = name.group(1);
                } else {
                    problem("/inbound/secret", "secret must name the environment variable or setting that holds it, e.g."
                            + " ${GITHUB_WEBHOOK_SECRET}; a secret itself never goes in a mapping file");
                }
            }
            String encodingText = text("/inbound/encoding", false);
            InboundWebhook.Encoding encoding = null;
            if (encodingText != null) {
                encoding = switch (encodingText) {
                    case "hex" -> InboundWebhook.Encoding.HEX;
                    case "base64" -> InboundWebhook.Encoding.BASE64;
                    default -> {
                        problem("/inbound/encoding", "encoding must be hex or base64");
                        yield null;
                    }
                };
            }
            Duration tolerance = Duration.ofMinutes(5);
            String toleranceText = text("/inbound/tolerance", false);
            if (toleranceText != null) {
                try {
                    tolerance = DurationStyle.detectAndParse(toleranceText);
                } catch (IllegalArgumentException e) {
                    problem("/inbound/tolerance", "tolerance must be a duration such as 5m or 300s");
                }
            }
            if (scheme == null || secretName == null || path == null) {
                return null;
            }
            String header = text("/inbound/header", false);
            String prefix = text("/inbound/prefix", false);
            return switch (scheme) {
                case STANDARD_WEBHOOKS -> new InboundWebhook(path, scheme, secretName, "webhook-signature", "",
                        InboundWebhook.Encoding.BASE64, tolerance, "webhook-id");
                case HMAC_SHA256 -> new InboundWebhook(path, scheme, secretName,
                        header == null ? "X-Hub-Signature-256" : header, prefix == null ? "sha256=" : prefix,
                        encoding == null ? InboundWebhook.Encoding.HEX : encoding, tolerance, text("/inbound/idHeader", false));
                case STRIPE -> new InboundWebhook(path, scheme, secretName, header == null ? "Stripe-Signature" : header,
                        "", InboundWebhook.Encoding.HEX, tolerance, null);
                case TOKEN -> new InboundWebhook(path, scheme, secretName, header == null ? "Authorization" : header,
                        prefix == null ? "Bearer " : prefix, null, tolerance, text("/inbound/idHeader", false));
            };
        }

        private IdFormat idFormat() {
            String value = text("/idFormat", false);
            if (value == null || value.equals("uuid")) {
                return IdFormat.UUID;
            }
            if (value.equals("evt")) {
                return IdFormat.EVT;
            }
            problem("/idFormat", "idFormat must be 'evt' (evt_ + 16 chars) or 'uuid', not '" + value + "'");
            return IdFormat.UUID;
        }

        private List<StateSlot> state() {
            List<StateSlot> slots = new ArrayList<>();
            JsonNode node = root.path("state");
            if (node.isMissingNode()) {
                return slots;
            }
            if (!node.isObject()) {
                problem("/state", "state must map a name to {key, save}");
                return slots;
            }
            node.fieldNames().forEachRemaining(name -> {
                String at = "/state/" + name;
                Expression key = expression(at + "/key", true);
                Expression save = expression(at + "/save", true);
                slots.add(new StateSlot(name, key, save));
            });
            return slots;
        }

        private Map<String, Expression> let() {
            Map<String, Expression> let = new LinkedHashMap<>();
            JsonNode node = root.path("let");
            if (node.isMissingNode()) {
                return let;
            }
            if (!node.isObject()) {
                problem("/let", "let must map a name to a JSONata expression");
                return let;
            }
            node.fieldNames().forEachRemaining(name -> let.put(name, expression("/let/" + name, true)));
            return let;
        }

        /** The schema of the whole envelope, with a "$payload" slot; optional. */
        private JsonNode envelopeSchema() {
            JsonNode node = root.path("envelopeSchema");
            if (node.isMissingNode()) {
                return null;
            }
            if (!node.isObject() || !EnvelopeSchemas.hasPayloadSlot(node)) {
                problem("/envelopeSchema", "envelopeSchema must be a JSON Schema with \"$payload\" where each type's schema goes");
                return null;
            }
            return node;
        }

        private int version(String at) {
            JsonNode node = root.at(at + "/version");
            if (node.isMissingNode()) {
                return 1;
            }
            if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1) {
                problem(at + "/version", "version must be a whole number from 1");
                return 1;
            }
            return node.asInt();
        }

        private List<EventRule> events() {
            List<EventRule> rules = new ArrayList<>();
            JsonNode node = root.path("events");
            if (!node.isArray() || node.isEmpty()) {
                problem("/events", "events must list at least one event type");
                return rules;
            }
            for (int i = 0; i < node.size(); i++) {
                String at = "/events/" + i;
                String type = text(at + "/type", true);
                Expression when = expression(at + "/when", false);
                Expression data = expression(at + "/data", true);
                JsonNode schemaJson = root.at(at + "/schema");
                var schema = schema(at + "/schema", schemaJson);
                if (type != null && data != null && schema != null) {
                    rules.add(new EventRule(type, root.at(at + "/description").asText(""), when, data, schema, schemaJson,
                            version(at)));
                }
            }
            return rules;
        }

        private List<EventType> reserved(String source, JsonNode envelopeSchema) {
            List<EventType> reserved = new ArrayList<>();
            JsonNode node = root.path("reserved");
            for (int i = 0; i < node.size(); i++) {
                String at = "/reserved/" + i;
                String type = text(at + "/type", true);
                JsonNode schemaJson = root.at(at + "/schema");
                if (!schemaJson.isMissingNode()) {
                    schema(at + "/schema", schemaJson);
                }
                if (type != null) {
                    JsonNode payload = schemaJson.isMissingNode() ? null : schemaJson;
                    reserved.add(new EventType(source, type, root.at(at + "/description").asText(""), true, payload,
                            version(at), envelopeSchema == null ? null : EnvelopeSchemas.compose(envelopeSchema, type, payload)));
                }
            }
            return reserved;
        }

        private com.networknt.schema.JsonSchema schema(String at, JsonNode schemaJson) {
            if (schemaJson.isMissingNode() || !schemaJson.isObject()) {
                problem(at, "a JSON Schema (an object) is required");
                return null;
            }
            try {
                return schemas.getSchema(schemaJson, SCHEMA_CONFIG);
            } catch (RuntimeException e) {
                problem(at, "invalid JSON Schema: " + e.getMessage());
                return null;
            }
        }

        private Expression expression(String at, boolean required) {
            String text = text(at, required);
            if (text == null) {
                return null;
            }
            try {
                return Expression.compile(at.substring(1).replace('/', '.'), text, bounds);
            } catch (IllegalArgumentException e) {
                problem(at, e.getMessage());
                return null;
            }
        }

        private String text(String at, boolean required) {
            JsonNode node = root.at(at);
            if (node.isMissingNode() || node.isNull()) {
                if (required) {
                    problem(at, "'" + at.substring(at.lastIndexOf('/') + 1) + "' is required");
                }
                return null;
            }
            if (!node.isValueNode()) {
                problem(at, "'" + at.substring(at.lastIndexOf('/') + 1) + "' must be a string");
                return null;
            }
            return node.asText();
        }

        private void problem(String pointer, String reason) {
            String at = pointer;
            Integer line = null;
            while (line == null && !at.isEmpty()) {
                line = lines.get(at);
                at = at.substring(0, at.lastIndexOf('/'));
            }
            problems.add(file.getFileName() + ":" + (line == null ? 1 : line) + ": " + reason);
        }
    }
}
