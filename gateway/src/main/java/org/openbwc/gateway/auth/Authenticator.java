package org.openbwc.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Signs operators in against the accounts file and recognises their session tokens afterwards. */
public final class Authenticator {

    /** A signed-in operator, as known at this request: the role comes from the accounts file, not the token. */
    public record SignedIn(String username, Role role, Instant expiresAt, SessionTokens.Claims claims) {}

    /** What a sign-in attempt came to. */
    public sealed interface Outcome {
        /** Signed in: the token for the cookie and the Authorization header. */
        record Accepted(String token, SignedIn operator) implements Outcome {}

        /** Wrong user name or password; the message does not say which. */
        record Refused(String reason) implements Outcome {}

        /** Too many recent failures for this user name. */
        record Locked(Duration retryAfter) implements Outcome {}
    }

    private final OperatorDirectory directory;
    private final PasswordHasher hasher;
    private final SessionTokens tokens;
    private final LoginThrottle throttle;
    private final Duration sessionLifetime;

    public Authenticator(
            OperatorDirectory directory,
            PasswordHasher hasher,
            SessionTokens tokens,
            Duration sessionLifetime,
            int maxFailedLogins,
            Clock clock) {
        this.directory = directory;
        this.hasher = hasher;
        this.tokens = tokens;
        this.sessionLifetime = sessionLifetime;
        this.throttle = new LoginThrottle(maxFailedLogins, clock);
    }

    public OperatorDirectory directory() {
        return directory;
    }

    public Outcome login(String username, String password) {
        Optional<Duration> locked = throttle.lockedFor(username);
        if (locked.isPresent()) return new Outcome.Locked(locked.get());
        Optional<Operator> op = username == null ? Optional.empty() : directory.find(username);
        boolean ok;
        if (op.isPresent()) {
            ok = hasher.matches(password, op.get().passwordHash());
        } else {
            hasher.burnCheck(password);
            ok = false;
        }
        if (!ok) {
            throttle.failed(username);
            return new Outcome.Refused("wrong user name or password");
        }
        throttle.succeeded(username);
        String token = tokens.issue(op.get().name(), sessionLifetime);
        SessionTokens.Claims claims = tokens.verify(token).orElseThrow();
        return new Outcome.Accepted(
                token, new SignedIn(op.get().name(), op.get().role(), claims.expiresAt(), claims));
    }

    /** The operator behind a token, if the token is genuine and current and the account still exists. */
    public Optional<SignedIn> authenticate(String token) {
        return tokens.verify(token)
                .flatMap(c ->
                        directory.find(c.username()).map(op -> new SignedIn(op.name(), op.role(), c.expiresAt(), c)));
    }

    public void logout(SignedIn operator) {
        tokens.revoke(operator.claims());
    }
}
