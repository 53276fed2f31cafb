package dev.webhookhub.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.Header;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.webhookhub.HubProperties;
import dev.webhookhub.security.TargetUrlGuard;

/**
 * The HTTP component that delivers webhooks, configured once from {@code hub.delivery.*}: its connection pool,
 * connect timeout, a DNS resolver that refuses non-public addresses, so that the address the hub connects
 * to is the address it checked (no DNS rebinding between check and connect), and bounds on what an endpoint's
 * answer may cost: no content decoding (a small gzip body may inflate to gigabytes), and a cap on the number and
 * length of header lines; no retries of its own (the hub's are in routes/delivery.yaml and OutcomePolicy). The body is read by {@link AttemptRecorder}, never more than a few KiB of it.
 */
@Configuration
public class DeliveryCamelConfiguration {

    /**
     * Carries a webhook's own response timeout from the route to the HTTP client, which takes it off the request
     * before it is sent: camel-http sets timeouts per component, not per message.
     */
    static final String RESPONSE_TIMEOUT_HEADER = "Hub-Response-Timeout-Ms";
    /** Beyond these an answer is not HTTP worth reading: the attempt fails instead of buffering it. */
    private static final int MAX_HEADER_COUNT = 100;
    private static final int MAX_LINE_LENGTH = 8192;

    @Bean
    CamelContextConfiguration deliveryHttpComponent(HubProperties properties) {
        var delivery = properties.delivery();
        DnsResolver resolver = delivery.allowPrivateTargets() ? SystemDefaultDnsResolver.INSTANCE : new PublicOnlyDnsResolver();
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                HttpComponent http = camelContext.getComponent("http", HttpComponent.class);
                http.setClientConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(resolver)
                        .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                                .http1Config(Http1Config.custom()
                                        .setMaxHeaderCount(MAX_HEADER_COUNT)
                                        .setMaxLineLength(MAX_LINE_LENGTH)
                                        .build())
                                .build())
                        // many webhooks may share one host: the in-flight bound and the per-endpoint limit
                        // (EndpointGuards) are what limits connections, not a per-host cap
                        .setMaxConnTotal(Math.max(1, delivery.maxInFlight()))
                        .setMaxConnPerRoute(Math.max(1, delivery.maxInFlight()))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofMilliseconds(delivery.connectTimeout().toMillis()))
                                .setTimeToLive(5, TimeUnit.MINUTES)
                                // receivers close idle keep-alive connections (Node.js after 5 s): check one that
                                // sat idle before sending on it, rather than fail the attempt on a dead socket
                                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                                .build())
                        .build());
                http.setConnectionRequestTimeout(delivery.timeout().toMillis());
                http.setResponseTimeout(delivery.timeout().toMillis());
                // no retries inside the client: its default strategy sends a 429/503 again after the Retry-After,
                // holding the attempt and the endpoint's slot; OutcomePolicy schedules that retry durably instead
                http.setHttpClientConfigurer(builder -> builder.disableContentCompression().disableAutomaticRetries()
                        .addRequestInterceptorFirst((request, entity, context) -> {
                    Header timeout = request.getFirstHeader(RESPONSE_TIMEOUT_HEADER);
                    if (timeout != null) {
                        request.removeHeaders(RESPONSE_TIMEOUT_HEADER);
                        HttpClientContext client = HttpClientContext.castOrCreate(context);
                        client.setRequestConfig(RequestConfig.copy(client.getRequestConfig())
                                .setResponseTimeout(Timeout.ofMilliseconds(Long.parseLong(timeout.getValue())))
                                .build());
                    }
                }));
                http.setFollowRedirects(false);
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
            }
        };
    }

    /** Resolves like the system, then refuses the host if any of its addresses is not public. */
    static final class PublicOnlyDnsResolver implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
            for (InetAddress address : addresses) {
                if (!TargetUrlGuard.isPublic(address)) {
                    throw new UnknownHostException("refused: " + host + " resolves to the non-public address "
                            + address.getHostAddress());
                }
            }
            return addresses;
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
        }
    }
}
