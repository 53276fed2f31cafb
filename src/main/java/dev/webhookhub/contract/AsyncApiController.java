package dev.webhookhub.contract;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import dev.webhookhub.api.ApiException;

/** {@code GET /v1/asyncapi}: the AsyncAPI document of everything the hub sends, in JSON or YAML. */
@RestController
public class AsyncApiController {

    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");
    private static final ObjectMapper YAML_WRITER = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // "1" stays a string: AsyncAPI's info.version must be one
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private final AsyncApiDocument document;

    public AsyncApiController(AsyncApiDocument document) {
        this.document = document;
    }

    /** YAML when asked for with {@code Accept: application/yaml} (DESIGN §7) or {@code ?format=yaml}; JSON otherwise. */
    @GetMapping("/v1/asyncapi")
    public ResponseEntity<?> asyncApi(@RequestParam(required = false) String format,
            @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) throws JsonProcessingException {
        if (format != null && !format.equals("json") && !format.equals("yaml")) {
            throw ApiException.badRequest("format must be json or yaml, not '" + format + "'");
        }
        boolean yaml = "yaml".equals(format) || (format == null && accept != null
                && MediaType.parseMediaTypes(accept).stream().anyMatch(type -> type.equalsTypeAndSubtype(YAML)
                        || type.getSubtype().equals("x-yaml") || type.toString().startsWith("text/yaml")));
        Map<String, Object> asyncApi = document.build();
        if (yaml) {
            return ResponseEntity.ok().contentType(YAML).body(YAML_WRITER.writeValueAsString(asyncApi));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(asyncApi);
    }
}
