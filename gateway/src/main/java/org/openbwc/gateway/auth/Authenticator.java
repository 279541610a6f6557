package org.openbwc.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Signs operators in against the accounts file and recognises their session tokens afterwards. Sign-ins are slowed
 * by a {@link LoginThrottle} (growing delays per account and source address; no account is ever locked), and at most
 * {@link #CONCURRENT_PASSWORD_CHECKS} bcrypt checks run at once: a bcrypt check costs a core for a quarter of a
 * second, so a burst of wrong passwords would otherwise take the cores the fleet's API and video need. An attempt
 * that finds every check busy is turned away at once ({@link Outcome.Busy}) instead of queueing.
 */
public final class Authenticator {

    /** bcrypt checks allowed at once; the gateway runs on small machines (2 cores). */
    static final int CONCURRENT_PASSWORD_CHECKS = 2;
    /** How long an attempt waits for a free check before it is turned away: a short burst still gets through. */
    static final Duration CHECK_WAIT = Duration.ofMillis(100);

    /** A signed-in operator, as known at this request: the role comes from the accounts file, not the token. */
    public record SignedIn(String username, Role role, Instant expiresAt, SessionTokens.Claims claims) {}

    /** What a sign-in attempt came to. */
    public sealed interface Outcome {
        /** Signed in: the token for the cookie and the Authorization header. */
        record Accepted(String token, SignedIn operator) implements Outcome {}

        /** Wrong user name or password; the message does not say which. */
        record Refused(String reason) implements Outcome {}

        /** Too many recent failures for this user name from this address, or from this address: try later. */
        record Throttled(Duration retryAfter) implements Outcome {}

        /** Every password check is taken by other sign-ins: try again in a moment. Nothing was checked. */
        record Busy() implements Outcome {}
    }

    private final OperatorDirectory directory;
    private final PasswordHasher hasher;
    private final SessionTokens tokens;
    private final LoginThrottle throttle;
    private final Duration sessionLifetime;
    private final Semaphore checks = new Semaphore(CONCURRENT_PASSWORD_CHECKS);

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

    /**
     * One sign-in attempt.
     *
     * @param address where it came from (the TCP peer; forwarded-for headers are not trusted), for the throttle
     */
    public Outcome login(String username, String password, String address) {
        Optional<Duration> wait = throttle.waitFor(username, address);
        if (wait.isPresent()) return new Outcome.Throttled(wait.get());
        Optional<Operator> op = username == null ? Optional.empty() : directory.find(username);
        boolean ok;
        try {
            if (!checks.tryAcquire(CHECK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) return new Outcome.Busy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Busy();
        }
        try {
            if (op.isPresent()) {
                ok = hasher.matches(password, op.get().passwordHash());
            } else {
                hasher.burnCheck(password);
                ok = false;
            }
        } finally {
            checks.release();
        }
        if (!ok) {
            throttle.failed(username, address);
            return new Outcome.Refused("wrong user name or password");
        }
        if (op.get().disabled()) {
            // Said only to someone who knows the password: the account's owner, who needs to know whom to ask.
            return new Outcome.Refused("the account " + op.get().name() + " is disabled; ask an admin to enable it");
        }
        throttle.succeeded(username, address);
        String token = tokens.issue(op.get().name(), sessionLifetime);
        SessionTokens.Claims claims = tokens.verify(token).orElseThrow();
        return new Outcome.Accepted(
                token, new SignedIn(op.get().name(), op.get().role(), claims.expiresAt(), claims));
    }

    /**
     * The operator behind a token, if the token is genuine and current, and the account still exists, is enabled and
     * still accepts sessions from when this one began (see {@link Operator#accepts}). The role is the account's
     * current one, so a role change applies to open sessions at their next request.
     */
    public Optional<SignedIn> authenticate(String token) {
        return tokens.verify(token)
                .flatMap(c -> directory
                        .find(c.username())
                        .filter(op -> op.accepts(c.issuedAt()))
                        .map(op -> new SignedIn(op.name(), op.role(), c.expiresAt(), c)));
    }

    /** Hashes new passwords with the same cost as the accounts' (the admin page's add and reset). */
    public PasswordHasher hasher() {
        return hasher;
    }

    public void logout(SignedIn operator) {
        tokens.revoke(operator.claims());
    }
}
