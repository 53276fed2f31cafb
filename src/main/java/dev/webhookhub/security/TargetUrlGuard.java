package dev.webhookhub.security;

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
 * only to globally reachable addresses: no loopback, private (RFC 1918, RFC 4193), link-local (incl. cloud metadata
 * 169.254.169.254), CGNAT, documentation, benchmarking, multicast or unspecified, and no IPv6 form of any of these.
 * Checked when a subscription is saved and before every send.
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

    /**
     * Whether an address is globally reachable, after the IANA special-purpose registries: IPv6 outside 2000::/3 is
     * never public, and an IPv6 address that embeds an IPv4 one (mapped, compatible, NAT64, 6to4, Teredo) is judged
     * by the IPv4 address it reaches, since that is where a translator or relay would connect.
     */
    public static boolean isPublic(InetAddress address) {
        byte[] b = address.getAddress();
        return b.length == 4 ? isPublicV4(b) : isPublicV6(b);
    }

    private static boolean isPublicV4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        int third = b[2] & 0xff;
        return !(first == 0                                          // 0.0.0.0/8 this network
                || first == 10                                       // 10.0.0.0/8 private
                || first == 127                                      // loopback
                || first == 100 && second >= 64 && second <= 127     // 100.64.0.0/10 carrier-grade NAT
                || first == 169 && second == 254                     // link-local, cloud metadata
                || first == 172 && second >= 16 && second <= 31      // 172.16.0.0/12 private
                || first == 192 && second == 0 && third == 0         // 192.0.0.0/24 protocol assignments
                || first == 192 && second == 0 && third == 2         // TEST-NET-1
                || first == 192 && second == 88 && third == 99       // 6to4 relay anycast
                || first == 192 && second == 168                     // private
                || first == 198 && (second == 18 || second == 19)    // 198.18.0.0/15 benchmarking
                || first == 198 && second == 51 && third == 100      // TEST-NET-2
                || first == 203 && second == 0 && third == 113       // TEST-NET-3
                || first >= 224);                                    // multicast, reserved, broadcast
    }

    private static boolean isPublicV6(byte[] b) {
        if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {       // ::ffff:0:0/96 mapped
            return isPublicV4(slice(b, 12));
        }
        if (allZero(b, 0, 12)) {                       // ::/96: ::, ::1 and the deprecated IPv4-compatible form
            return !allZero(b, 12, 15) && isPublicV4(slice(b, 12));
        }
        int group0 = word(b, 0);
        int group1 = word(b, 2);
        if (group0 == 0x64 && group1 == 0xff9b && allZero(b, 4, 12)) {                     // 64:ff9b::/96 NAT64
            return isPublicV4(slice(b, 12));
        }
        if (group0 == 0x64 && group1 == 0xff9b + 1) {                                       // 64:ff9b:1::/48 local NAT64
            return false;
        }
        if (group0 == 0x2002) {                                                             // 2002::/16 6to4
            return isPublicV4(slice(b, 2));
        }
        if (group0 == 0x2001 && group1 == 0) {                                              // 2001::/32 Teredo
            byte[] client = slice(b, 12);
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~client[i];
            }
            return isPublicV4(client) && isPublicV4(slice(b, 4));
        }
        boolean globalUnicast = (b[0] & 0xe0) == 0x20;                                      // 2000::/3
        return globalUnicast
                && !(group0 == 0x2001 && group1 == 0x0db8)                                  // documentation
                && !(group0 == 0x2001 && group1 == 0x0002 && word(b, 4) == 0)               // 2001:2::/48 benchmarking
                && !(group0 == 0x2001 && (group1 & 0xfff0) == 0x0010)                       // 2001:10::/28 ORCHID
                && !(group0 == 0x3fff && (group1 & 0xf000) == 0);                           // 3fff::/20 documentation
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int word(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static byte[] slice(byte[] b, int from) {
        return java.util.Arrays.copyOfRange(b, from, from + 4);
    }
}
