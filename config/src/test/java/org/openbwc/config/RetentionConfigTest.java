package org.openbwc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The retention section: its defaults, the category list and periods, and the problems a technician gets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RetentionConfigTest {

    private static final String ALLOWED_LIST = RetentionConfig.CATEGORIES_ALLOWED;

    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private List<String> problems(String yaml) throws Exception {
        Path file = write(yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadGateway(file));
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void defaultsKeepUncategorizedRecordingsAndSweepAtThree() {
        RetentionConfig r = GatewayConfig.defaults("gw").retention();
        assertThat(r).isEqualTo(RetentionConfig.defaults());
        assertThat(r.sweepHour()).isEqualTo(3);
        assertThat(r.uncategorizedPeriod()).isEqualTo(RetentionPeriod.NEVER);
        assertThat(r.categoryPeriods())
                .containsExactly(
                        Map.entry("no-event", RetentionPeriod.parse("90d")),
                        Map.entry("traffic", RetentionPeriod.parse("2y")),
                        Map.entry("arrest", RetentionPeriod.parse("7y")),
                        Map.entry("use-of-force", RetentionPeriod.parse("7y")),
                        Map.entry("complaint", RetentionPeriod.parse("7y")),
                        Map.entry("homicide", RetentionPeriod.NEVER));
        GatewayConfig gw = GatewayConfig.defaults("gw").withRetention(r.withSweepHour(22));
        assertThat(gw.retention()).isEqualTo(new RetentionConfig(r.categories(), "never", 22));
        assertThat(gw.withEvidence(EvidenceStoreConfig.defaults()).retention()).isEqualTo(gw.retention());
    }

    @Test
    void readsTheSectionAsWritten() throws Exception {
        GatewayConfig gw = ConfigLoader.loadGateway(write("""
                gatewayId: gw-1
                retention:
                  categories: no-event = 30d,training=6w ,  dui=18m
                  uncategorized: 180d
                  sweepHour: 0
                """));
        assertThat(gw.retention().categoryPeriods())
                .containsExactly(
                        Map.entry("no-event", new RetentionPeriod(30, 'd')),
                        Map.entry("training", new RetentionPeriod(6, 'w')),
                        Map.entry("dui", new RetentionPeriod(18, 'm')));
        assertThat(gw.retention().uncategorizedPeriod()).hasToString("180d");
        assertThat(gw.retention().sweepHour()).isZero();
    }

    @Test
    void namesTheKeyAndLineOfEachProblem() throws Exception {
        Path f = dir.resolve("gateway.yaml");
        assertThat(problems("""
                        gatewayId: gw-1
                        retention:
                          categories: no-event=90d, traffic=2x, Arrest=7y
                          uncategorized: 6 months
                          sweepHour: 24
                        """))
                .containsExactly(
                        f + ":3 retention.categories: \"no-event=90d, traffic=2x, Arrest=7y\" has 2x for traffic,"
                                + " which is not a period (allowed: " + ALLOWED_LIST + ")",
                        f + ":4 retention.uncategorized: \"6 months\" is not valid (allowed: " + RetentionPeriod.ALLOWED
                                + ")",
                        f + ":5 retention.sweepHour: 24 is out of range (allowed: 0..23)");
    }

    @Test
    void refusesBadNamesRepeatsEmptiesAndOverlongPeriods() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("no-event=90d, Arrest=7y", "has a category name Arrest that is not valid");
        cases.put("a=1d, " + "x".repeat(41) + "=1d", "has a category name " + "x".repeat(41) + " that is not valid");
        cases.put("=1d", "has a category name that is empty");
        cases.put("traffic=2y, traffic=3y", "names traffic twice");
        cases.put("traffic=2y,", "has an empty entry (two commas, or one at an end)");
        cases.put("traffic", "has traffic without =period");
        cases.put("traffic=", "has no period for traffic");
        cases.put("traffic=101y", "has 101y for traffic, which is over 100 years");
        cases.put("traffic=2Y", "has 2Y for traffic, which is not a period (lower case only)");
        cases.put("traffic=0d", "has 0d for traffic, which is not a period");
        cases.forEach((text, problem) -> assertThatThrownBy(
                        () -> RetentionConfig.defaults().withCategories(text))
                .as(text)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RetentionConfig.categories: ")
                .hasMessageContaining(problem));
        assertThatThrownBy(() -> RetentionConfig.defaults().withUncategorized("99999d"))
                .hasMessageContaining("RetentionConfig.uncategorized: 99999d is over 100 years");
        assertThat(RetentionConfig.defaults().withUncategorized("36500d").uncategorizedPeriod())
                .hasToString("36500d");
        assertThat(RetentionConfig.defaults()
                        .withCategories("x=100y, y=1200m, z=5200w")
                        .categoryPeriods())
                .hasSize(3);
    }

    @Test
    void cutoffsAreCalendarPeriodsBeforeNowInUtc() {
        Instant now = Instant.parse("2026-08-31T03:00:00Z");
        assertThat(RetentionPeriod.parse("90d").cutoff(now)).contains(Instant.parse("2026-06-02T03:00:00Z"));
        assertThat(RetentionPeriod.parse("6w").cutoff(now)).contains(Instant.parse("2026-07-20T03:00:00Z"));
        assertThat(RetentionPeriod.parse("18m").cutoff(now)).contains(Instant.parse("2025-02-28T03:00:00Z"));
        assertThat(RetentionPeriod.parse("7y").cutoff(now)).contains(Instant.parse("2019-08-31T03:00:00Z"));
        assertThat(RetentionPeriod.NEVER.cutoff(now)).isEmpty();
        assertThatThrownBy(() -> RetentionPeriod.parse("forever"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("forever is not a period (allowed: ");
    }
}
