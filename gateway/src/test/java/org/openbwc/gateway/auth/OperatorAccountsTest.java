package org.openbwc.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.testsupport.MovableClock;

/** The accounts file, password rules and session tokens. */
class OperatorAccountsTest {

    static final PasswordHasher FAST = new PasswordHasher(4);

    @TempDir
    Path dir;

    @Test
    void theFileIsPrivateHoldsOnlyHashesAndIsReReadWhenItChanges() throws Exception {
        Path file = dir.resolve("users.yaml");
        OperatorDirectory gateway = OperatorDirectory.open(file);
        assertThat(gateway.all()).isEmpty();
        OperatorDirectory cli = OperatorDirectory.open(file);
        cli.add(new Operator("sam", Role.SUPERVISOR, FAST.hash("correct horse"), Instant.now()), false);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(file)).doesNotContain("correct horse").contains("$2a$04$");
        assertThat(gateway.find("sam")).map(Operator::role).hasValue(Role.SUPERVISOR);
        assertThatThrownBy(
                        () -> cli.add(new Operator("sam", Role.ADMIN, FAST.hash("another one"), Instant.now()), false))
                .hasMessageContaining("already exists")
                .hasMessageContaining("--replace");
        assertThat(cli.remove("sam")).isTrue();
        assertThat(gateway.find("sam")).isEmpty();
    }

    @Test
    void aBrokenFileIsReportedWithTheAccountAndTheRunningGatewayKeepsTheLastGoodOnes() throws Exception {
        Path file = dir.resolve("users.yaml");
        OperatorDirectory gateway = OperatorDirectory.open(file);
        gateway.add(new Operator("sam", Role.VIEWER, FAST.hash("correct horse"), Instant.now()), false);
        Files.writeString(
                file,
                "users:\n  - name: sam\n    role: boss\n    passwordHash: \"$2a$04$x\"\n    created: \"2026-01-01T00:00:00Z\"\n");
        assertThatThrownBy(() -> OperatorDirectory.open(file))
                .hasMessageContaining("account 1 ('sam')")
                .hasMessageContaining("unknown role 'boss' (allowed: viewer, supervisor, admin)");
        Files.setLastModifiedTime(
                file, java.nio.file.attribute.FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(gateway.find("sam")).as("last good accounts kept").isPresent();
        Files.writeString(
                file,
                "users:\n  - name: sam\n    role: viewer\n    passwordHash: plain\n    created: \"2026-01-01T00:00:00Z\"\n");
        assertThatThrownBy(() -> OperatorDirectory.open(file)).hasMessageContaining("not a bcrypt hash");
        Files.writeString(file, "users: [oops");
        assertThatThrownBy(() -> OperatorDirectory.open(file)).hasMessageContaining("not valid YAML");
    }

    @Test
    void passwordsAndNamesFollowTheRulesATechnicianIsTold() {
        assertThatThrownBy(() -> FAST.hash("short")).hasMessageContaining("at least 10 characters");
        assertThatThrownBy(() -> FAST.hash("x".repeat(73))).hasMessageContaining("at most 72 bytes");
        assertThatThrownBy(() -> Operator.checkName("bad name")).hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> Role.fromWire("boss")).hasMessageContaining("viewer, supervisor, admin");
        String hash = FAST.hash("correct horse");
        assertThat(FAST.matches("correct horse", hash)).isTrue();
        assertThat(FAST.matches("correct horsE", hash)).isFalse();
    }

    @Test
    void tokensAreSignedExpireAndCanBeSignedOutAcrossRestarts() {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-29T10:00:00Z"));
        SessionTokens tokens = SessionTokens.open(dir, clock);
        String token = tokens.issue("sam", Duration.ofMinutes(10));
        SessionTokens.Claims claims = tokens.verify(token).orElseThrow();
        assertThat(claims.username()).isEqualTo("sam");
        // Someone else's key, or an edited payload, is refused.
        assertThat(SessionTokens.open(dir.resolve("other"), clock).verify(token))
                .isEmpty();
        String[] parts = token.split("\\.");
        String forged = java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                new String(java.util.Base64.getUrlDecoder().decode(parts[0]))
                                        .replace("sam", "ada")
                                        .getBytes())
                + "." + parts[1];
        assertThat(tokens.verify(forged)).isEmpty();
        // The same key after a restart accepts it; a sign-out is remembered across the restart.
        assertThat(SessionTokens.open(dir, clock).verify(token)).isPresent();
        tokens.revoke(claims);
        assertThat(SessionTokens.open(dir, clock).verify(token)).isEmpty();
        String other = tokens.issue("sam", Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(11));
        assertThat(tokens.verify(other)).as("expired").isEmpty();
    }

    @Test
    void disabledAndSessionsFromPersistAnOldFileStillReadsAndTheLastAdminStays() throws Exception {
        Path file = dir.resolve("users.yaml");
        String hash = FAST.hash("correct horse");
        // A file from before accounts could be disabled.
        Files.writeString(
                file,
                "users:\n  - name: ada\n    role: admin\n    passwordHash: \"" + hash
                        + "\"\n    created: \"2026-01-01T00:00:00Z\"\n");
        OperatorDirectory d = OperatorDirectory.open(file);
        assertThat(d.find("ada").orElseThrow().disabled()).isFalse();
        assertThat(d.find("ada").orElseThrow().sessionsFrom()).isNull();

        assertThat(d.addIfAbsent(new Operator("val", Role.VIEWER, hash, Instant.now())))
                .isTrue();
        assertThat(d.addIfAbsent(new Operator("val", Role.ADMIN, hash, Instant.now())))
                .as("taken")
                .isFalse();
        Instant at = Instant.parse("2026-12-06T10:00:00.123Z");
        d.update("val", o -> o.withDisabled(true, at));
        assertThat(Files.readString(file)).contains("disabled: true", "sessionsFrom: \"2026-12-06T10:00:00.123Z\"");
        Operator reread = OperatorDirectory.open(file).find("val").orElseThrow();
        assertThat(reread.disabled()).isTrue();
        assertThat(reread.sessionsFrom()).isEqualTo(at);
        assertThat(reread.accepts(at.plusSeconds(1))).as("disabled").isFalse();
        Operator enabled =
                d.update("val", o -> o.withDisabled(false, at.plusSeconds(5))).orElseThrow();
        assertThat(enabled.accepts(at.minusMillis(1)))
                .as("a session from before the disable")
                .isFalse();
        assertThat(enabled.accepts(at.plusSeconds(6))).isTrue();
        assertThat(Files.readString(file)).doesNotContain("disabled:");
        d.add(new Operator("val", Role.VIEWER, FAST.hash("set anew by hand"), Instant.now()), true);
        assertThat(d.find("val").orElseThrow().sessionsFrom())
                .as("`user add --replace` does not bring ended sessions back")
                .isEqualTo(at);

        // The only admin can be neither demoted nor disabled; the file is left as it was.
        String before = Files.readString(file);
        assertThatThrownBy(() -> d.update("ada", o -> o.withRole(Role.SUPERVISOR)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no enabled admin");
        assertThatThrownBy(() -> d.update("ada", o -> o.withDisabled(true, at)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(Files.readString(file)).isEqualTo(before);
        d.update("val", o -> o.withRole(Role.ADMIN));
        assertThat(d.update("ada", o -> o.withRole(Role.VIEWER)))
                .map(Operator::role)
                .hasValue(Role.VIEWER);
        assertThat(d.update("ghost", o -> o)).isEmpty();
    }

    @Test
    void disablingOrResettingThePasswordEndsOpenSessionsAndTheyStayEnded() {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-29T10:00:00Z"));
        Authenticator auth = TestOperators.authenticator(dir, clock);
        String user = TestOperators.VIEWER;
        String first = accepted(auth.login(user, TestOperators.password(user), "10.0.0.1"));
        assertThat(auth.authenticate(first)).isPresent();

        clock.advance(Duration.ofSeconds(1));
        auth.directory().update(user, o -> o.withDisabled(true, clock.instant()));
        assertThat(auth.authenticate(first)).as("disabled").isEmpty();
        assertThat(auth.login(user, TestOperators.password(user), "10.0.0.1"))
                .isInstanceOfSatisfying(
                        Authenticator.Outcome.Refused.class,
                        r -> assertThat(r.reason()).contains("disabled", "ask an admin"));
        assertThat(auth.login(user, "a wrong password", "10.0.0.1"))
                .as("a wrong password says nothing about the account")
                .isInstanceOfSatisfying(
                        Authenticator.Outcome.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo("wrong user name or password"));

        clock.advance(Duration.ofSeconds(1));
        auth.directory().update(user, o -> o.withDisabled(false, clock.instant()));
        assertThat(auth.authenticate(first)).as("still ended after the enable").isEmpty();
        String second = accepted(auth.login(user, TestOperators.password(user), "10.0.0.1"));
        assertThat(auth.authenticate(second)).isPresent();

        clock.advance(Duration.ofSeconds(1));
        auth.directory().update(user, o -> o.withPasswordHash(FAST.hash("a new password"), clock.instant()));
        assertThat(auth.authenticate(second)).as("password reset").isEmpty();
        assertThat(auth.login(user, TestOperators.password(user), "10.0.0.1"))
                .isInstanceOf(Authenticator.Outcome.Refused.class);
        assertThat(auth.authenticate(accepted(auth.login(user, "a new password", "10.0.0.1"))))
                .isPresent();
    }

    private static String accepted(Authenticator.Outcome outcome) {
        assertThat(outcome).isInstanceOf(Authenticator.Outcome.Accepted.class);
        return ((Authenticator.Outcome.Accepted) outcome).token();
    }
}
