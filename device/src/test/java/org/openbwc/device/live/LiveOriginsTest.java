package org.openbwc.device.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LiveOriginsTest {
    static final String TICKET = "/uplink/bwc-0001?ticket=0123abcd";

    @Nested
    class Configured {
        final LiveOrigins origins = LiveOrigins.of(
                List.of("wss://gateway.police.local:8444", "rtmp://media.police.local:1935", "wss://[::1]:8444"),
                "https://enrol.police.local:8444",
                "ssl://broker.police.local:8883");

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "wss://gateway.police.local:8444" + TICKET,
                    "wss://gateway.police.local:8444",
                    "wss://gateway.police.local:8444/",
                    "WSS://Gateway.Police.LOCAL:8444" + TICKET,
                    "wss://gateway.police.local.:8444" + TICKET,
                    "  wss://gateway.police.local:8444" + TICKET + " ",
                    "rtmp://media.police.local:1935/live/bwc-0001",
                    "rtmp://media.police.local/live/bwc-0001",
                    "wss://[::1]:8444" + TICKET,
                    "wss://[0:0:0:0:0:0:0:1]:8444" + TICKET,
                    "wss://[0000::0001]:8444" + TICKET,
                })
        void admitsTheListedOriginsWhateverThePathAndTheCaseOfSchemeAndHost(String url) {
            assertThat(origins.refusal(url)).isEmpty();
        }

        @Test
        void refusesAnotherHostAndSaysWhichOriginAndWhichSetting() {
            assertThat(origins.refusal("wss://evil:9000" + TICKET))
                    .contains("live.start refused: wss://evil:9000 is not an allowed live origin"
                            + " (live.allowedOrigins)");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "ws://gateway.police.local:8444" + TICKET, // plain instead of TLS
                    "wss://gateway.police.local:8445" + TICKET, // another port
                    "wss://gateway.police.local" + TICKET, // default port 443, not 8444
                    "wss://gateway.police.local.evil.example:8444" + TICKET, // suffix
                    "wss://evil.example/gateway.police.local:8444" + TICKET, // the allowed origin in the path
                    "wss://evil.example:8444/?h=gateway.police.local:8444", // in the query
                    "wss://xgateway.police.local:8444" + TICKET,
                    "wss://enrol.police.local:8444" + TICKET, // enrolment host is not a default once a list is set
                    "wss://broker.police.local:8444" + TICKET,
                    "rtmp://media.police.local:1936/live/bwc-0001",
                    "rtmps://media.police.local:1935/live/bwc-0001",
                    "srt://media.police.local:1935",
                    "wss://[::2]:8444" + TICKET,
                    "wss://127.0.0.1:8444" + TICKET,
                })
        void refusesAnythingElse(String url) {
            assertThat(origins.refusal(url))
                    .hasValueSatisfying(r ->
                            assertThat(r).startsWith("live.start refused: ").doesNotContain("ticket="));
        }

        @Test
        void userinfoCannotDisguiseAnotherHost() {
            // The host here is "evil"; "gateway.police.local:8444" is only the user name.
            assertThat(origins.refusal("wss://gateway.police.local:8444@evil:8444" + TICKET))
                    .hasValueSatisfying(r -> assertThat(r).contains("user information"));
            assertThat(origins.refusal("wss://gateway.police.local@evil.example:8444" + TICKET))
                    .isPresent();
            // Even on the allowed host: a live uplink never carries credentials in its URL.
            assertThat(origins.refusal("wss://user:pw@gateway.police.local:8444" + TICKET))
                    .isPresent();
            // Two '@' make no server authority at all.
            assertThat(origins.refusal("wss://a@gateway.police.local@evil:8444" + TICKET))
                    .isPresent();
        }

        @Test
        void aMediaServerMayCarryCredentialsButOnlyToAListedHost() {
            assertThat(origins.refusal("rtmp://user:pw@media.police.local:1935/live/x"))
                    .isEmpty();
            assertThat(origins.refusal("rtmp://media.police.local:1935@evil:1935/live/x"))
                    .hasValueSatisfying(r -> assertThat(r).contains("rtmp://evil:1935"));
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "not a url",
                    "wss://gateway.police.local:8444\\@evil/",
                    "wss://gateway.police.local:8444#@evil",
                    "wss:gateway.police.local:8444",
                    "//gateway.police.local:8444" + TICKET,
                    "http://gateway.police.local:8444" + TICKET,
                    "https://gateway.police.local:8444" + TICKET,
                    "file:///etc/passwd",
                    "wss://gate_way.police.local:8444" + TICKET, // registry-based: no host
                    "wss://gateway.police.local:99999" + TICKET,
                    "wss://:8444" + TICKET,
                    "wss://gateway.police.local:8444/\u0000",
                    "",
                    " ",
                })
        void refusesWhatIsNotALiveAddress(String url) {
            assertThat(origins.refusal(url))
                    .hasValueSatisfying(r ->
                            assertThat(r).startsWith("live.start refused: ").doesNotContain("\u0000"));
        }

        @Test
        void aRefusalQuotesNeitherTheTicketNorAnEndlessUrl() {
            String longUrl = "wss://" + "a".repeat(10_000) + ":8444";
            assertThat(origins.refusal(longUrl).orElseThrow()).hasSizeLessThan(400);
            assertThat(origins.refusal("wss://bad host:8444/uplink?ticket=secret")
                            .orElseThrow())
                    .doesNotContain("secret");
        }
    }

    @Nested
    class Defaults {
        @Test
        void withEnrolmentOnlyWssOnTheEnrolmentHostOnAnyPort() {
            LiveOrigins origins =
                    LiveOrigins.of(List.of(), "https://Gateway.Police.Local:8444", "ssl://broker.police.local:8883");
            assertThat(origins.refusal("wss://gateway.police.local:8444" + TICKET))
                    .isEmpty();
            assertThat(origins.refusal("wss://gateway.police.local:9443" + TICKET))
                    .isEmpty();
            assertThat(origins.refusal("wss://gateway.police.local" + TICKET)).isEmpty();
            assertThat(origins.refusal("ws://gateway.police.local:8444" + TICKET))
                    .isPresent();
            assertThat(origins.refusal("wss://broker.police.local:8444" + TICKET))
                    .isPresent();
            assertThat(origins.refusal("wss://evil:9000" + TICKET))
                    .contains("live.start refused: wss://evil:9000 is not an allowed live origin (live.allowedOrigins"
                            + " not set; the default is wss:// on the host of enrolment.url)");
        }

        @Test
        void withoutEnrolmentWsAndWssOnTheBrokerHost() {
            LiveOrigins origins = LiveOrigins.of(List.of(), null, "tcp://127.0.0.1:1883");
            assertThat(origins.refusal("ws://127.0.0.1:8080" + TICKET)).isEmpty();
            assertThat(origins.refusal("wss://127.0.0.1:8444" + TICKET)).isEmpty();
            assertThat(origins.refusal("ws://localhost:8080" + TICKET)).isPresent();
            assertThat(origins.refusal("ws://127.0.0.2:8080" + TICKET)).isPresent();
            assertThat(origins.describe()).containsExactly("ws://127.0.0.1 (any port)", "wss://127.0.0.1 (any port)");
        }

        @Test
        void anIpv6BrokerHostIsMatchedInAnySpelling() {
            LiveOrigins origins = LiveOrigins.of(null, null, "ssl://[::1]:8883");
            assertThat(origins.refusal("wss://[0:0:0:0:0:0:0:1]:8444" + TICKET)).isEmpty();
            assertThat(origins.refusal("wss://[::1]:8444" + TICKET)).isEmpty();
            assertThat(origins.refusal("wss://[::2]:8444" + TICKET)).isPresent();
        }

        @Test
        void aMediaServerIsAllowedOnlyWhenListed() {
            LiveOrigins origins = LiveOrigins.of(List.of(), null, "tcp://media.police.local:1883");
            assertThat(origins.refusal("rtmp://media.police.local:1935/live/x"))
                    .hasValueSatisfying(r -> assertThat(r).contains("a media server is allowed only when listed"));
        }

        @Test
        void withoutAnyUsableHostNothingIsAllowed() {
            LiveOrigins origins = LiveOrigins.of(List.of(), null, null);
            assertThat(origins.describe()).isEmpty();
            assertThat(origins.refusal("wss://127.0.0.1:8444" + TICKET)).isPresent();
        }
    }

    @Test
    void aConfiguredEntryThatIsNoOriginIsRefusedAtStart() {
        assertThatThrownBy(() -> LiveOrigins.of(List.of("wss://gateway.local"), null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("live.allowedOrigins");
    }
}
