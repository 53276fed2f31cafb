package dev.webhookhub.contract;

import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import dev.webhookhub.api.ApiException;

/** {@code GET /v1/asyncapi}: the AsyncAPI document of everything the hub sends; JSON, or YAML with {@code ?format=yaml}. */
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

    @GetMapping("/v1/asyncapi")
    public ResponseEntity<?> asyncApi(@RequestParam(defaultValue = "json") String format) throws JsonProcessingException {
        if (!format.equals("json") && !format.equals("yaml")) {
            throw ApiException.badRequest("format must be json or yaml, not '" + format + "'");
        }
        Map<String, Object> asyncApi = document.build();
        if (format.equals("yaml")) {
            return ResponseEntity.ok().contentType(YAML).body(YAML_WRITER.writeValueAsString(asyncApi));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(asyncApi);
    }
}
