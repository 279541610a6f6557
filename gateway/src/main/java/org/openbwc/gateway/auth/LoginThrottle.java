package org.openbwc.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Slows down password guessing with growing delays, and never locks an account. Failures are counted three ways, each
 * forgotten after {@link #WINDOW} without a failure:
 *
 * <ul>
 *   <li><b>per account and source address</b>: after {@code maxFailures} failures for a user name from one address,
 *       each further attempt for that name from that address must wait 1 s, doubling with every failure up to
 *       {@link #MAX_DELAY}. This is the "account lock" of other systems, but it only holds the address that earned
 *       it: an attacker hammering an operator's name cannot keep that operator out at their own workstation;
 *   <li><b>per source address</b>, whatever the name: the same delays once an address has failed {@code maxFailures}
 *       times in all, so spraying one password over many names gets as slow as guessing one;
 *   <li><b>per account</b>, from every address together: against guesses spread over many addresses, after {@code
 *       maxFailures} &times; {@link #ACCOUNT_FAILURES_FACTOR} failures, attempts from addresses the account has not
 *       signed in from lately wait, but never longer than {@link #MAX_ACCOUNT_DELAY}: a short bound, because every
 *       attacker's try also holds back the real user at a new address; and addresses the account signed in from
 *       within {@link #KNOWN_ADDRESS_TTL} are exempt, so the real user at their usual workstation is never held.
 * </ul>
 *
 * <p>A successful sign-in clears its (account, address) count and makes the address known for the account; it does
 * not clear the address's or the account's counts, which an attacker holding one good password could otherwise reset.
 * Memory is bounded: each table keeps at most {@link #MAX_ENTRIES} entries and drops the least recently touched.
 */
final class LoginThrottle {

    /** Failures older than this, with none since, are forgotten. */
    static final Duration WINDOW = Duration.ofMinutes(5);

    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(60);
    /** The bound on the delay spread over every address of an account (see the class comment). */
    static final Duration MAX_ACCOUNT_DELAY = Duration.ofSeconds(4);
    /** How many more failures an account takes from all addresses together than from one. */
    static final int ACCOUNT_FAILURES_FACTOR = 4;
    /** How long an address an account signed in from stays exempt from the account's own delay. */
    static final Duration KNOWN_ADDRESS_TTL = Duration.ofDays(30);
    /** Per table; bounds memory when someone sprays random user names from many addresses. */
    static final int MAX_ENTRIES = 10_000;

    /** Failures of one key: how many since the count last started, the last one, and when the key may try again. */
    private static final class Record {
        int failures;
        Instant lastFailure;
        Instant nextAllowed = Instant.MIN;
    }

    private final int maxFailures;
    private final Clock clock;
    private final Map<String, Record> byPair = lru();
    private final Map<String, Record> byAddress = lru();
    private final Map<String, Record> byAccount = lru();
    private final Map<String, Instant> knownAddresses = lru();

    LoginThrottle(int maxFailures, Clock clock) {
        if (maxFailures < 1) throw new IllegalArgumentException("maxFailures " + maxFailures + " must be at least 1");
        this.maxFailures = maxFailures;
        this.clock = clock;
    }

    /** How long this name from this address must wait before it may try again, or empty when it may try now. */
    synchronized Optional<Duration> waitFor(String username, String address) {
        Instant now = clock.instant();
        Instant until = Instant.MIN;
        until = later(until, nextAllowed(byPair, pair(username, address), now));
        until = later(until, nextAllowed(byAddress, address(address), now));
        if (!known(username, address, now)) until = later(until, nextAllowed(byAccount, account(username), now));
        return until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    /** Counts a wrong password (or unknown name) for this name from this address. */
    synchronized void failed(String username, String address) {
        Instant now = clock.instant();
        count(byPair, pair(username, address), now, maxFailures, MAX_DELAY);
        count(byAddress, address(address), now, maxFailures, MAX_DELAY);
        count(byAccount, account(username), now, maxFailures * ACCOUNT_FAILURES_FACTOR, MAX_ACCOUNT_DELAY);
    }

    /** A correct password: this address is done for this name, and known for it from now on. */
    synchronized void succeeded(String username, String address) {
        byPair.remove(pair(username, address));
        knownAddresses.put(pair(username, address), clock.instant().plus(KNOWN_ADDRESS_TTL));
    }

    /** Entries held in all tables (tests check the bound). */
    synchronized int entries() {
        return byPair.size() + byAddress.size() + byAccount.size() + knownAddresses.size();
    }

    private boolean known(String username, String address, Instant now) {
        Instant until = knownAddresses.get(pair(username, address));
        return until != null && until.isAfter(now);
    }

    private static Instant nextAllowed(Map<String, Record> table, String key, Instant now) {
        Record r = table.get(key);
        if (r == null) return Instant.MIN;
        if (!r.lastFailure.plus(WINDOW).isAfter(now)) {
            table.remove(key);
            return Instant.MIN;
        }
        return r.nextAllowed;
    }

    private static void count(Map<String, Record> table, String key, Instant now, int threshold, Duration max) {
        Record r = table.remove(key); // re-inserted below, so the table's order is least recently failed first
        if (r == null || !r.lastFailure.plus(WINDOW).isAfter(now)) r = new Record();
        r.failures++;
        r.lastFailure = now;
        if (r.failures >= threshold) {
            int doublings = Math.min(r.failures - threshold, 30);
            Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
            r.nextAllowed = now.plus(delay.compareTo(max) > 0 ? max : delay);
        }
        table.put(key, r);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String account(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }

    private static String address(String address) {
        return address == null ? "" : address;
    }

    private static String pair(String username, String address) {
        return account(username) + "\n" + address(address);
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_ENTRIES;
            }
        };
    }
}
