package org.openbwc.device.evidence;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_TIME_BASE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_log_get_level;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.openbwc.device.media.FfmpegError;
import org.openbwc.evidence.EvidenceVerifier;
import org.openbwc.evidence.JournalEntry;
import org.openbwc.evidence.JournalReader;
import org.openbwc.evidence.RecordingLayout;
import org.openbwc.evidence.VerificationResult;
import org.openbwc.evidence.encryption.AgencyKeyPair;
import org.openbwc.evidence.encryption.DecryptionException;
import org.openbwc.evidence.encryption.RecordingDecryptor;
import org.tinylog.Logger;

/**
 * Joins a sealed recording into one MP4 for playback and disclosure, without re-encoding.
 *
 * <p>The recording is verified first and not exported if it fails. Since every segment is the same init segment
 * followed by fragments, init + every fragment of every segment in order is already one valid fragmented MP4
 * ({@link Format#FRAGMENTED}). {@link Format#FASTSTART} (the default) then remuxes that through FFmpeg's libraries
 * (the JavaCV natives on the classpath) into an ordinary, non-fragmented MP4 with the index up front, timestamps
 * rebased so it starts at 0 as players expect. The output is written beside {@code outMp4} under a temporary name
 * and renamed when complete. A recording whose stream restarted mid-way (segments with different init segments) is
 * refused: joining those needs re-encoding.
 *
 * <p>An encrypted recording is decrypted piece by piece with the agency's private key (the one of the keys given
 * whose id the recording names), each piece checked against its signed plaintext hash, so the export is provably the
 * recorded media; without that key it is refused ({@link DecryptionException} naming the key it needs).
 */
public final class EvidenceExporter {

    /** Shape of the exported file. */
    public enum Format {
        /** Ordinary MP4, index (moov) first: plays everywhere, seekable while downloading. */
        FASTSTART,
        /** Init + all fragments: byte-identical media to the evidence, no remux. */
        FRAGMENTED
    }

    /** What was exported. */
    public record Exported(Path file, Format format, long bytes, long fragmentCount, long durationMicros) {}

    private final EvidenceVerifier verifier = new EvidenceVerifier();

    /** Exports as {@link Format#FASTSTART}. */
    public Exported export(Path recordingDir, Path outMp4) throws IOException {
        return export(recordingDir, outMp4, Format.FASTSTART);
    }

    public Exported export(Path recordingDir, Path outMp4, Format format) throws IOException {
        return export(recordingDir, outMp4, format, List.of());
    }

    /**
     * Exports with {@code agencyKeys} at hand for an encrypted recording (ignored for a plaintext one).
     *
     * @throws DecryptionException if the recording is encrypted and none of the keys opens it, or a piece does not
     *     decrypt to its signed plaintext hash
     */
    public Exported export(Path recordingDir, Path outMp4, Format format, List<AgencyKeyPair> agencyKeys)
            throws IOException {
        VerificationResult verdict = verifier.verify(recordingDir, Optional.empty());
        if (!verdict.ok()) throw new IllegalStateException("not exporting " + recordingDir + ": " + verdict.message());
        // Before anything is written: a wrong or missing key is the likeliest mistake and must cost nothing.
        RecordingDecryptor decryptor = RecordingDecryptor.encryptedTo(recordingDir) == null
                ? null
                : RecordingDecryptor.open(recordingDir, agencyKeys);
        Path out = outMp4.toAbsolutePath();
        Path parent = out.getParent();
        Files.createDirectories(parent);
        Path joined = parent.resolve("." + out.getFileName() + ".fmp4.tmp");
        Path remuxed = parent.resolve("." + out.getFileName() + ".tmp");
        try {
            long[] counts = decryptor == null ? join(recordingDir, joined) : joinDecrypted(decryptor, joined);
            if (format == Format.FRAGMENTED) {
                Files.move(joined, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    remux(joined, remuxed);
                } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                    throw new IllegalStateException(
                            "cannot remux: the FFmpeg natives for this platform are not on the"
                                    + " classpath; export as " + Format.FRAGMENTED + " instead (" + e + ")",
                            e);
                }
                Files.move(remuxed, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            Logger.info("exported {} to {} ({}, {} fragments)", recordingDir.getFileName(), out, format, counts[0]);
            return new Exported(out, format, Files.size(out), counts[0], counts[1]);
        } finally {
            Files.deleteIfExists(joined);
            Files.deleteIfExists(remuxed);
        }
    }

    /** Writes init + all fragments to {@code target}; returns {fragments, media micros}. */
    private static long[] join(Path dir, Path target) throws IOException {
        long[] counts = new long[2];
        byte[][] firstInit = new byte[1][];
        FileChannel[] source = new FileChannel[1];
        try (FileChannel out = FileChannel.open(
                target, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            JournalReader.read(dir.resolve(RecordingLayout.JOURNAL_FILE), line -> {
                if (!(line.entry() instanceof JournalEntry.MediaPiece piece)) return true;
                if (piece instanceof JournalEntry.InitWritten) {
                    if (source[0] != null) source[0].close();
                    source[0] = FileChannel.open(dir.resolve(piece.segment()), StandardOpenOption.READ);
                    byte[] init = read(source[0], piece.offset(), piece.length());
                    if (firstInit[0] == null) {
                        firstInit[0] = init;
                        writeFully(out, init);
                    } else if (!Arrays.equals(firstInit[0], init)) {
                        throw new IllegalStateException(piece.segment() + " starts a new stream (another init segment);"
                                + " it cannot be joined to the segments before it without re-encoding");
                    }
                } else {
                    JournalEntry.FragmentWritten f = (JournalEntry.FragmentWritten) piece;
                    long position = f.offset();
                    long end = f.offset() + f.length();
                    while (position < end) position += source[0].transferTo(position, end - position, out);
                    counts[0]++;
                    counts[1] += f.durationMicros();
                }
                return true;
            });
            out.force(true);
        } finally {
            if (source[0] != null) source[0].close();
        }
        if (firstInit[0] == null) throw new IllegalStateException(dir + " holds no media to export");
        return counts;
    }

    /** As {@link #join}, from the plaintext of an encrypted recording, one piece at a time. */
    private static long[] joinDecrypted(RecordingDecryptor decryptor, Path target) throws IOException {
        long[] counts = new long[2];
        byte[][] firstInit = new byte[1][];
        try (FileChannel out = FileChannel.open(
                target, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            decryptor.forEachPiece((piece, plain) -> {
                if (piece instanceof JournalEntry.FragmentWritten f) {
                    writeFully(out, plain);
                    counts[0]++;
                    counts[1] += f.durationMicros();
                } else if (firstInit[0] == null) {
                    firstInit[0] = plain;
                    writeFully(out, plain);
                } else if (!Arrays.equals(firstInit[0], plain)) {
                    throw new IllegalStateException(piece.segment() + " starts a new stream (another init segment);"
                            + " it cannot be joined to the segments before it without re-encoding");
                }
                return true;
            });
            out.force(true);
        }
        if (firstInit[0] == null)
            throw new IllegalStateException(decryptor.recordingId() + " holds no media to export");
        return counts;
    }

    private static byte[] read(FileChannel channel, long offset, long length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(length));
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) throw new IOException("unexpected end of file");
        }
        return buffer.array();
    }

    private static void writeFully(FileChannel out, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) out.write(buffer);
    }

    /** Stream copy of the video and audio streams into a faststart MP4, as {@code ffmpeg -c copy} does. */
    private static void remux(Path source, Path target) throws IOException {
        // FFmpeg logs to stderr at INFO by default (e.g. the faststart second pass); the media pipeline routes its
        // log to tinylog at WARNING and up, and the exporter asks for no more than that.
        if (av_log_get_level() > AV_LOG_WARNING) av_log_set_level(AV_LOG_WARNING);
        AVFormatContext in = new AVFormatContext(null);
        AVFormatContext out = new AVFormatContext(null);
        AVPacket packet = av_packet_alloc();
        boolean inOpen = false;
        try {
            check(avformat_open_input(in, source.toString(), null, null), "open " + source);
            inOpen = true;
            check(avformat_find_stream_info(in, (AVDictionary) null), "read the stream info of " + source);
            check(avformat_alloc_output_context2(out, null, "mp4", target.toString()), "create an MP4 muxer");
            int[] map = new int[in.nb_streams()];
            for (int i = 0; i < map.length; i++) {
                AVStream stream = in.streams(i);
                int type = stream.codecpar().codec_type();
                if (type != AVMEDIA_TYPE_VIDEO && type != AVMEDIA_TYPE_AUDIO) {
                    map[i] = -1;
                    continue;
                }
                AVStream copy = avformat_new_stream(out, null);
                check(avcodec_parameters_copy(copy.codecpar(), stream.codecpar()), "copy stream parameters");
                copy.codecpar().codec_tag(0);
                copy.time_base(stream.time_base());
                map[i] = copy.index();
            }
            AVIOContext io = new AVIOContext(null);
            check(avio_open(io, target.toString(), AVIO_FLAG_WRITE), "open " + target);
            out.pb(io);
            AVDictionary options = new AVDictionary(null);
            av_dict_set(options, "movflags", "+faststart", 0);
            int header = avformat_write_header(out, options);
            av_dict_free(options);
            check(header, "write the MP4 header");
            long start = in.start_time() == AV_NOPTS_VALUE ? 0 : in.start_time();
            AVRational microseconds = av_make_q(1, AV_TIME_BASE);
            while (av_read_frame(in, packet) >= 0) {
                int index = packet.stream_index();
                if (index >= map.length || map[index] < 0) {
                    av_packet_unref(packet);
                    continue;
                }
                AVRational from = in.streams(index).time_base();
                long shift = av_rescale_q(start, microseconds, from);
                if (packet.pts() != AV_NOPTS_VALUE) packet.pts(packet.pts() - shift);
                if (packet.dts() != AV_NOPTS_VALUE) packet.dts(packet.dts() - shift);
                av_packet_rescale_ts(packet, from, out.streams(map[index]).time_base());
                packet.stream_index(map[index]);
                packet.pos(-1);
                check(av_interleaved_write_frame(out, packet), "write a packet");
            }
            check(av_write_trailer(out), "finish the MP4");
        } finally {
            av_packet_free(packet);
            if (!out.isNull()) {
                if (out.pb() != null && !out.pb().isNull()) avio_closep(out.pb());
                avformat_free_context(out);
            }
            if (inOpen) avformat_close_input(in);
        }
    }

    private static void check(int code, String what) throws IOException {
        if (code < 0) throw new IOException("export: cannot " + what + ": " + FfmpegError.describe(code));
    }
}
