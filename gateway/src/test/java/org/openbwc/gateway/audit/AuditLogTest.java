package org.openbwc.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void entriesAreChainedAcrossReopeningAndATornLineDoesNotBreakTheNextStart() throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file, mapper, Clock.systemUTC())) {
            log.record("sam", "login", null, "ok", Map.of("ip", "127.0.0.1"));
            log.record("sam", "command", "u-1", "ok", Map.of("command", "ping"));
        }
        Files.writeString(file, "{\"seq\":3,\"time\":\"torn", StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(file, mapper, Clock.systemUTC())) {
            log.record("ada", "alert.ack", "u-1", "ok", Map.of());
            List<JsonNode> recent = log.recent(10);
            assertThat(recent)
                    .extracting(n -> n.get("action").asText())
                    .containsExactly("alert.ack", "command", "login");
            assertThat(recent.get(0).get("seq").asLong()).isEqualTo(3);
            assertThat(recent.get(0).get("prev").asText())
                    .isEqualTo(recent.get(1).get("hash").asText());
        }
        // Every line's hash covers the line without it, chained to the previous line.
        String prev = "0".repeat(64);
        for (String line : Files.readAllLines(file)) {
            if (line.contains("torn")) continue;
            ObjectNode n = (ObjectNode) mapper.readTree(line.replace("{\"seq\":3,\"time\":\"torn", ""));
            String hash = n.remove("hash").asText();
            assertThat(n.get("prev").asText()).isEqualTo(prev);
            assertThat(AuditLog.chainHash(prev, mapper.writeValueAsString(n))).isEqualTo(hash);
            prev = hash;
        }
    }
}
