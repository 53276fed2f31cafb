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
            "http://[::ffff:127.0.0.1]/x", "http://224.0.0.1/x"})
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
