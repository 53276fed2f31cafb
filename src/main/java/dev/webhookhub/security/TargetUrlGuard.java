package dev.webhookhub.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;

/**
 * SSRF guard: a webhook target must be http(s) and, unless {@code hub.delivery.allow-private-targets}, resolve
 * only to public addresses: no loopback, private (RFC 1918, RFC 4193), link-local (incl. cloud metadata
 * 169.254.169.254), CGNAT, multicast or unspecified. Checked when a subscription is saved and before every send.
 */
@Component
public class TargetUrlGuard {

    private final boolean allowPrivate;

    @Autowired
    public TargetUrlGuard(HubProperties properties) {
        this(properties.delivery().allowPrivateTargets());
    }

    TargetUrlGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** @return why the URL may not be a target, or empty when it may */
    public Optional<String> refusal(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return Optional.of("target_url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("target_url must use http or https");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Optional.of("target_url has no host");
        }
        if (uri.getUserInfo() != null) {
            return Optional.of("target_url must not carry credentials");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            return Optional.of("target host '" + uri.getHost() + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address)) {
                return Optional.of("target host '" + uri.getHost() + "' resolves to a non-public address ("
                        + address.getHostAddress() + "); set hub.delivery.allow-private-targets=true for local development");
            }
        }
        return Optional.empty();
    }

    public static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            boolean uniqueLocal = (b[0] & 0xfe) == 0xfc;            // fc00::/7
            boolean mappedV4 = isV4Mapped(b);
            if (uniqueLocal) {
                return false;
            }
            if (mappedV4) {
                try {
                    return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
            return true;
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        boolean thisNetwork = first == 0;                            // 0.0.0.0/8
        boolean carrierNat = first == 100 && second >= 64 && second <= 127;   // 100.64.0.0/10
        boolean benchmarking = first == 198 && (second == 18 || second == 19); // 198.18.0.0/15
        boolean reserved = first >= 240;                             // 240.0.0.0/4 and broadcast
        return !(thisNetwork || carrierNat || benchmarking || reserved);
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }
}
