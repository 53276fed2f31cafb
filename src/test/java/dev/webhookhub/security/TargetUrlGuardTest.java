package dev.webhookhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Literal addresses of every refused class, and a host name that resolves to loopback; no DNS beyond localhost. */
class TargetUrlGuardTest {

    private final TargetUrlGuard guard = guard(false);

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/x", "http://127.9.9.9/x", "http://localhost:8080/x", "http://[::1]/x",
            "http://10.1.2.3/x", "http://172.16.0.1/x", "http://192.168.1.1/x", "http://169.254.169.254/latest/meta-data",
            "http://[fe80::1]/x", "http://[fd00::1]/x", "http://0.0.0.0/x", "http://[::]/x", "http://100.64.0.1/x",
            "http://[::ffff:127.0.0.1]/x", "http://224.0.0.1/x", "http://255.255.255.255/x", "http://240.0.0.1/x",
            // IPv4 special-purpose: protocol assignments, documentation, benchmarking, 6to4 relay
            "http://192.0.0.8/x", "http://192.0.2.1/x", "http://198.51.100.7/x", "http://203.0.113.9/x",
            "http://198.18.0.1/x", "http://192.88.99.1/x",
            // IPv6 forms that reach a non-public IPv4 address: NAT64, 6to4, IPv4-compatible, Teredo
            "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::]/",
            "http://[2002:a00:1::1]/", "http://[::127.0.0.1]/", "http://[::a00:1]/",
            "http://[2001:0:5db8:2e5a:0:0:80ff:fffe]/",
            // IPv6 special-purpose: local NAT64, documentation, benchmarking, ORCHID, discard, outside 2000::/3
            "http://[64:ff9b:1::5db8:d822]/", "http://[2001:db8::1]/", "http://[3fff::1]/", "http://[2001:2::1]/",
            "http://[2001:10::1]/", "http://[100::1]/", "http://[5f00::1]/", "http://[ff02::1]/", "http://[fec0::1]/"})
    void nonPublicAddressesAreRefused(String url) {
        assertThat(guard.refusal(url)).isPresent().get().asString().contains("non-public");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://93.184.216.34/x", "file:///etc/passwd", "gopher://93.184.216.34/", "not a url",
            "http:///nohost", "http://user:pw@93.184.216.34/"})
    void badUrlsAreRefused(String url) {
        assertThat(guard.refusal(url)).isPresent();
    }

    @Test
    void publicLiteralAddressesPass() {
        assertThat(guard.refusal("https://93.184.216.34/hook")).isEmpty();
        assertThat(guard.refusal("http://[2606:2800:220:1:248:1893:25c8:1946]/hook")).isEmpty();
        assertThat(guard.refusal("http://[::ffff:93.184.216.34]/hook")).as("mapped public IPv4").isEmpty();
        assertThat(guard.refusal("http://[64:ff9b::5db8:d822]/hook")).as("NAT64 of a public IPv4").isEmpty();
        assertThat(guard.refusal("http://[2002:5db8:d822::1]/hook")).as("6to4 of a public IPv4").isEmpty();
    }

    @Test
    void theFlagAllowsPrivateTargetsButNotOtherSchemes() {
        var open = guard(true);
        assertThat(open.refusal("http://127.0.0.1:9000/x")).isEmpty();
        assertThat(open.refusal("ftp://127.0.0.1/x")).isPresent();
    }

    private static TargetUrlGuard guard(boolean allowPrivate) {
        return new TargetUrlGuard(allowPrivate);
    }
}
