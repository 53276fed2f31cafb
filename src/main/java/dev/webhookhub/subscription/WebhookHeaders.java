package dev.webhookhub.subscription;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.webhookhub.api.ApiException;

/**
 * The headers a tenant may add to its webhook's deliveries ({@code headers}, and {@code sensitive_headers} that are
 * never read back). Bounded in count and size; never one the hub sets itself or that frames the HTTP message.
 */
final class WebhookHeaders {

    static final int MAX_HEADERS = 20;
    private static final int MAX_NAME = 100;
    private static final int MAX_VALUE = 1000;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> RESERVED = Set.of("content-type", "content-length", "host", "connection", "keep-alive",
            "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "trailers",
            "transfer-encoding", "upgrade", "user-agent", "content-encoding", "expect",
            // the hub's trace context of each attempt
            "traceparent", "tracestate");

    private WebhookHeaders() {
    }

    /** The headers as given, checked; 400 for a reserved, malformed or oversized one. */
    static Map<String, String> checked(String field, Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        Map<String, String> checked = new LinkedHashMap<>();
        for (var header : headers.entrySet()) {
            String name = header.getKey();
            String value = header.getValue();
            if (name == null || name.length() > MAX_NAME || !TOKEN.matcher(name).matches()) {
                throw ApiException.badRequest(field + ": '" + abbreviate(name) + "' is not a header name (letters, digits"
                        + " and !#$%&'*+.^_`|~-, at most " + MAX_NAME + ")");
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("webhook-") || RESERVED.contains(lower)) {
                throw ApiException.badRequest(field + ": " + name + " is set by the hub or by HTTP itself and cannot"
                        + " be changed (webhook-*, content-type, content-length, host, user-agent, hop-by-hop headers)");
            }
            if (value == null || value.length() > MAX_VALUE || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                throw ApiException.badRequest(field + ": the value of " + name + " must be text of at most " + MAX_VALUE
                        + " characters without control characters");
            }
            if (checked.keySet().stream().anyMatch(n -> n.equalsIgnoreCase(name))) {
                throw ApiException.badRequest(field + ": " + name + " is given twice");
            }
            checked.put(name, value);
        }
        return checked.isEmpty() ? null : checked;
    }

    /** Both maps together: at most {@link #MAX_HEADERS}, no name in both. */
    static void checkTogether(Map<String, String> headers, Map<String, String> sensitive) {
        int count = (headers == null ? 0 : headers.size()) + (sensitive == null ? 0 : sensitive.size());
        if (count > MAX_HEADERS) {
            throw ApiException.badRequest("a webhook has at most " + MAX_HEADERS + " headers and sensitive_headers together");
        }
        if (headers != null && sensitive != null) {
            for (String name : sensitive.keySet()) {
                if (headers.keySet().stream().anyMatch(n -> n.equalsIgnoreCase(name))) {
                    throw ApiException.badRequest(name + " is in both headers and sensitive_headers");
                }
            }
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
