package org.openbwc.gateway.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.SyntheticRecording;
import org.openbwc.gateway.evidence.ForwardingObjects;
import org.openbwc.store.CustodyAction;
import org.openbwc.store.CustodyEntry;
import org.openbwc.store.DatabaseConfig;
import org.openbwc.store.EvidenceDatabase;
import org.openbwc.store.OffloadState;
import org.openbwc.store.objects.EvidenceObjects;
import org.openbwc.store.objects.FileEvidenceObjects;

/**
 * The store's side of offload, with a recording signed like a unit's: every part is checked against the journal
 * before it is confirmed, a cut part keeps what arrived, a changed byte is cut off and refused, a manifest signed by
 * another key is refused, and a complete recording lands in the store verified, with its custody.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OffloadReceiverTest {
    static final String UNIT = SyntheticRecording.UNIT;

    @TempDir
    Path dir;

    KeyPair unitKey = SyntheticRecording.newKey();
    EvidenceDatabase db;
    FileEvidenceObjects objects;
    OffloadReceiver receiver;
    SyntheticRecording rec;

    @BeforeEach
    void open() throws IOException {
        db = EvidenceDatabase.open(DatabaseConfig.embedded(dir.resolve("gw")));
        objects = new FileEvidenceObjects(dir.resolve("gw/evidence"));
        receiver = receiver();
        rec = SyntheticRecording.make("unit-7-rec", unitKey, 2, 40);
    }

    OffloadReceiver receiver() throws IOException {
        return receiver(objects);
    }

    OffloadReceiver receiver(EvidenceObjects store) throws IOException {
        return new OffloadReceiver(
                dir.resolve("gw/offload"),
                store,
                db.catalog(),
                unit -> unit.equals(UNIT) ? Optional.of(unitKey.getPublic()) : Optional.empty(),
                Clock.systemUTC());
    }

    @AfterEach
    void close() {
        db.close();
    }

    long send(String file, byte[] bytes) throws Exception {
        long offset = receiver.create(UNIT, rec.id, file, bytes.length, "10.0.0.7");
        return receiver.append(UNIT, rec.id, file, offset, slice(bytes, offset, bytes.length), "10.0.0.7");
    }

    /** Manifest, journal and every segment, each in one part. */
    void sendWhole() throws Exception {
        send("manifest.json", rec.manifest);
        send("journal.jsonl", rec.journal);
        for (var s : rec.segments.entrySet()) send(s.getKey(), s.getValue());
    }

    static InputStream slice(byte[] bytes, long from, long to) {
        return new ByteArrayInputStream(Arrays.copyOfRange(bytes, (int) from, (int) to));
    }

    @Test
    void aWholeRecordingIsStoredVerifiedAndInCustody() throws Exception {
        sendWhole();

        OffloadReceipt receipt = receiver.complete(UNIT, rec.id, "10.0.0.7");

        assertThat(receipt.state()).isEqualTo("stored");
        assertThat(receipt.verified()).isTrue();
        assertThat(receipt.chainHead()).isEqualTo(rec.sealed.chainHead());
        Path stored = dir.resolve("gw/evidence").resolve(UNIT).resolve(rec.id);
        assertThat(new EvidenceVerifier()
                        .verify(stored, Optional.of(unitKey.getPublic()))
                        .ok())
                .isTrue();
        var indexed = db.catalog().find(rec.id).orElseThrow();
        assertThat(indexed.recording().offloadState()).isEqualTo(OffloadState.STORED);
        assertThat(indexed.recording().verified()).isTrue();
        assertThat(indexed.segments()).hasSize(2);
        assertThat(indexed.track()).hasSize(1);
        assertThat(db.catalog().custody(rec.id))
                .extracting(CustodyEntry::action)
                .containsExactly(
                        CustodyAction.REPORTED,
                        CustodyAction.UPLOAD_STARTED,
                        CustodyAction.OFFLOADED,
                        CustodyAction.VERIFIED);
        assertThat(Files.exists(dir.resolve("gw/offload").resolve(UNIT).resolve(rec.id)))
                .isFalse();
        // Asked again (the unit restarted before keeping its receipt), the store answers with the same receipt.
        assertThat(receiver.complete(UNIT, rec.id, "10.0.0.7")).isEqualTo(receipt);
        assertThat(receiver.receipt(UNIT, rec.id)).contains(receipt);
    }

    @Test
    void aCompleteThatWaitedBehindTheFirstAnswersWithItsReceipt() throws Exception {
        // bench/offload found it: a link cut while the store verified made the unit's HTTP client send the POST again,
        // and the second complete, let in before the first stored the recording, found the staging gone (409).
        CountDownLatch storing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EvidenceObjects slow = new HookedObjects(objects, () -> {
            storing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        });
        receiver = receiver(slow);
        sendWhole();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<OffloadReceipt> first = threads.submit(() -> receiver.complete(UNIT, rec.id, "10.0.0.7"));
            storing.await();
            AtomicReference<Thread> second = new AtomicReference<>();
            Future<OffloadReceipt> retry = threads.submit(() -> {
                second.set(Thread.currentThread());
                return receiver.complete(UNIT, rec.id, "10.0.0.7");
            });
            // Its caller waits for a verifier thread, which waits for the first one's lock (or its turn in the pool).
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> second.get() != null && second.get().getState() == Thread.State.WAITING);
            release.countDown();

            assertThat(retry.get(30, TimeUnit.SECONDS)).isEqualTo(first.get(30, TimeUnit.SECONDS));
            assertThat(first.get().verified()).isTrue();
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theStoreVerifiesOnAPlatformThreadNotOnTheRequestsVirtualOne() throws Exception {
        // bench/offload found it: on the web server's virtual threads, a complete held a carrier for the seconds it
        // hashed and copied, and the next recording's parts on the same carrier waited for it.
        AtomicReference<Thread> storedOn = new AtomicReference<>();
        receiver = receiver(new HookedObjects(objects, () -> storedOn.set(Thread.currentThread())));
        sendWhole();

        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            OffloadReceipt receipt = requests.submit(() -> receiver.complete(UNIT, rec.id, "10.0.0.7"))
                    .get(30, TimeUnit.SECONDS);
            assertThat(receipt.verified()).isTrue();
        }
        assertThat(storedOn.get()).isNotNull();
        assertThat(storedOn.get().isVirtual()).isFalse();
    }

    /** The file store, with something done before each put. */
    static final class HookedObjects extends ForwardingObjects {
        interface Hook {
            void run() throws IOException;
        }

        private final Hook beforePut;

        HookedObjects(EvidenceObjects objects, Hook beforePut) {
            super(objects);
            this.beforePut = beforePut;
        }

        @Override
        public long put(String unitId, String recordingId, Path from) throws IOException {
            beforePut.run();
            return inner.put(unitId, recordingId, from);
        }

        @Override
        public void close() {}
    }

    @Test
    void aPartCutMidwayKeepsWhatArrivedAndTheUnitResumesThereAfterARestart() throws Exception {
        send("manifest.json", rec.manifest);
        send("journal.jsonl", rec.journal);
        String seg = "seg-000001.mp4";
        byte[] bytes = rec.segments.get(seg);
        receiver.create(UNIT, rec.id, seg, bytes.length, null);
        InputStream cut = new InputStream() {
            final InputStream first = slice(bytes, 0, 5000);

            @Override
            public int read() throws IOException {
                int b = first.read();
                if (b < 0) throw new IOException("connection reset");
                return b;
            }
        };
        long confirmed = receiver.append(UNIT, rec.id, seg, 0, cut, null);
        assertThat(confirmed).isEqualTo(5000);

        receiver = receiver(); // the gateway restarted: offsets and checks come back from the staged files
        assertThat(receiver.offset(UNIT, rec.id, seg)).isEqualTo(5000);
        assertThatThrownBy(() -> receiver.append(UNIT, rec.id, seg, 0, slice(bytes, 0, bytes.length), null))
                .isInstanceOf(OffloadRefusedException.class)
                .hasMessageContaining("5000 bytes are confirmed");
        receiver.append(UNIT, rec.id, seg, 5000, slice(bytes, 5000, bytes.length), null);
        send("seg-000002.mp4", rec.segments.get("seg-000002.mp4"));
        assertThat(receiver.complete(UNIT, rec.id, null).verified()).isTrue();
    }

    @Test
    void aChangedByteIsCutOffAtItsFragmentAndRefused() throws Exception {
        send("manifest.json", rec.manifest);
        send("journal.jsonl", rec.journal);
        String seg = "seg-000001.mp4";
        byte[] bytes = rec.segments.get(seg).clone();
        bytes[3000] ^= 1;
        receiver.create(UNIT, rec.id, seg, bytes.length, null);

        assertThatThrownBy(() -> receiver.append(UNIT, rec.id, seg, 0, slice(bytes, 0, bytes.length), null))
                .isInstanceOfSatisfying(
                        OffloadRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(460))
                .hasMessageContaining("do not match the journal's SHA-256");
        long kept = receiver.offset(UNIT, rec.id, seg);
        assertThat(kept).isLessThanOrEqualTo(3000).isGreaterThan(0);
        // The right bytes from there on are taken.
        byte[] good = rec.segments.get(seg);
        receiver.append(UNIT, rec.id, seg, kept, slice(good, kept, good.length), null);
        assertThat(receiver.offset(UNIT, rec.id, seg)).isEqualTo(good.length);
    }

    @Test
    void aManifestNotSignedByThePinnedKeyIsRefusedAndNothingElseIsTaken() throws Exception {
        SyntheticRecording forged = SyntheticRecording.make(rec.id, SyntheticRecording.newKey(), 1, 5);
        long offset = receiver.create(UNIT, rec.id, "manifest.json", forged.manifest.length, null);

        assertThatThrownBy(() -> receiver.append(
                        UNIT, rec.id, "manifest.json", offset, slice(forged.manifest, 0, forged.manifest.length), null))
                .isInstanceOfSatisfying(
                        OffloadRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(422))
                .hasMessageContaining("not signed by the evidence key pinned for unit-7");
        assertThatThrownBy(() -> receiver.create(UNIT, rec.id, "journal.jsonl", rec.journal.length, null))
                .isInstanceOfSatisfying(
                        OffloadRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(409));
        assertThatThrownBy(() -> receiver.create("unit-8", rec.id, "manifest.json", 10, null))
                .isInstanceOfSatisfying(
                        OffloadRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> receiver.create(UNIT, "../etc", "manifest.json", 10, null))
                .isInstanceOfSatisfying(
                        OffloadRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void mediaBeforeTheJournalOrAtAnotherLengthIsRefused() throws Exception {
        send("manifest.json", rec.manifest);
        assertThatThrownBy(() -> receiver.create(UNIT, rec.id, "seg-000001.mp4", 100, null))
                .isInstanceOfSatisfying(
                        OffloadRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(409));
        send("journal.jsonl", rec.journal);
        assertThatThrownBy(() -> receiver.create(UNIT, rec.id, "seg-000001.mp4", 100, null))
                .isInstanceOfSatisfying(
                        OffloadRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("bytes its manifest lists");
        assertThatThrownBy(() -> receiver.complete(UNIT, rec.id, null))
                .isInstanceOfSatisfying(
                        OffloadRefusedException.class,
                        e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("seg-000001.mp4");
    }
}
