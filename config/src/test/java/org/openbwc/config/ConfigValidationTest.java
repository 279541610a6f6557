package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The entry point behind {@code bwc config validate}. */
class ConfigValidationTest {

    private static final Path GOOD = Path.of("src/test/resources/good");
    private static final Path BAD = Path.of("src/test/resources/bad");

    @Test
    void validFilesOfBothKindsHaveNoProblems() {
        assertThat(ConfigValidation.validate(List.of(
                        GOOD.resolve("minimal-unit.yaml"),
                        GOOD.resolve("minimal-gateway.yaml"),
                        GOOD.resolve("tuned-unit.yaml"),
                        GOOD.resolve("gateway-external-broker.yaml"))))
                .isEmpty();
        assertThat(ConfigValidation.validate(List.of())).isEmpty();
    }

    @Test
    void collectsTheProblemsOfEveryFileInOrder() {
        List<ConfigProblem> problems = ConfigValidation.validate(List.of(
                BAD.resolve("typo-key.yaml"),
                GOOD.resolve("minimal-unit.yaml"),
                BAD.resolve("gateway-problems.yaml"),
                BAD.resolve("missing-unit-id.yaml"),
                Path.of("missing.yaml")));

        assertThat(problems)
                .extracting(p -> p.file().getFileName().toString() + ":" + p.line() + " " + p.key())
                .containsExactly(
                        "typo-key.yaml:3 recording.preEventSecond",
                        "typo-key.yaml:4 telemtry",
                        "gateway-problems.yaml:1 gatewayId",
                        "gateway-problems.yaml:6 http.port",
                        "gateway-problems.yaml:7 commandTimeoutMillis",
                        "gateway-problems.yaml:8 maxPayloadBytes",
                        "gateway-problems.yaml:10 mqtt.url",
                        "missing-unit-id.yaml:0 null",
                        "missing.yaml:0 null");
    }
}
