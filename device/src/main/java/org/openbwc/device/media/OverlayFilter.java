package org.openbwc.device.media;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The FFmpeg {@code drawtext} filter that burns UTC time, unit id and officer id into every frame, e.g.
 * {@code 2025-03-01T14:07:09Z  UNIT bwc-0042  OFFICER 4711}, white on a dark box at the top left.
 * <p>
 * The description passes three parsers, each with its own escaping: the filter graph (we single-quote values, so
 * only {@code '} is special), the filter's options ({@code \ ' :} are backslash-escaped) and drawtext's text
 * expansion, where {@code %{gmtime:FORMAT}} takes its format after a colon that must survive the option level as
 * {@code \:} while the colons inside the format must reach expansion still escaped, hence {@code \\\:}.
 */
final class OverlayFilter {
    /** Option-level form of {@code %{gmtime:%Y-%m-%dT%H\:%M\:%SZ}}: drawtext expands it to the UTC second per frame. */
    static final String UTC_TIME = "%{gmtime\\:%Y-%m-%dT%H\\\\\\:%M\\\\\\:%SZ}";
    /** Advance width of DejaVu Sans Mono's glyphs, as a fraction of the font size, with a little slack. */
    private static final double MONOSPACE_ADVANCE = 0.62;

    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private OverlayFilter() {}

    /** The filter for a live stream: the time is the wall clock when each frame is filtered. */
    static String drawtext(EncoderSettings settings, Path font) {
        return describe(settings, font, UTC_TIME);
    }

    /** The same picture with a fixed time, so a test can compare what drawtext's clock expansion renders. */
    static String drawtextAt(EncoderSettings settings, Path font, Instant time) {
        return describe(settings, font, escapeOption(SECOND.format(time)));
    }

    /** The overlay font: the configured one, or the DejaVu Sans Mono shipped with the device. */
    static Path font(EncoderSettings settings) {
        if (settings.fontFile() == null) return BundledFont.path();
        if (!Files.isReadable(settings.fontFile()))
            throw new IllegalArgumentException("overlay fontFile " + settings.fontFile() + " is not a readable file");
        return settings.fontFile();
    }

    private static String describe(EncoderSettings settings, Path font, String time) {
        Line line = line(settings, settings.officerId(), time);
        return "drawtext=fontfile=" + quoteGraph(escapeOption(font.toString()))
                + ":text=" + quoteGraph(line.text())
                + ":fontsize=" + line.fontSize() + ":fontcolor=white"
                + ":box=1:boxcolor=black@0.75:boxborderw=" + Math.max(2, line.margin() / 2)
                + ":x=" + line.margin() + ":y=" + line.margin();
    }

    /**
     * The options that change drawtext's line to another officer's, for its {@code reinit} command (see
     * {@link PictureGraph#reinit}): text and font size, at the option level only, as a command's argument does not pass
     * the filter graph's parser. The other options (font, box, place) stay.
     */
    static String reinit(EncoderSettings settings, String officerId) {
        Line line = line(settings, officerId, UTC_TIME);
        return "text=" + line.text() + ":fontsize=" + line.fontSize();
    }

    /** As {@link #reinit} with a fixed time, for tests (see {@link #drawtextAt}). */
    static String reinitAt(EncoderSettings settings, String officerId, Instant time) {
        Line line = line(settings, officerId, escapeOption(SECOND.format(time)));
        return "text=" + line.text() + ":fontsize=" + line.fontSize();
    }

    /** The overlay's line, option-escaped, with the font size that lets all of it fit. */
    private record Line(String text, int fontSize, int margin) {}

    private static Line line(EncoderSettings settings, String officerId, String time) {
        String ids = "  UNIT " + settings.unitId() + (officerId.isBlank() ? "" : "  OFFICER " + officerId);
        String text = time + escapeOption(ids);
        int margin = Math.max(4, settings.height() / 45);
        // as large as legible at this height, but the whole line must fit: a clipped officer id is worse than small
        // text
        int visibleChars = "2025-03-01T14:07:09Z".length() + ids.length();
        int fitsWidth = (int) ((settings.width() - 2 * margin) / (visibleChars * MONOSPACE_ADVANCE));
        int fontSize = Math.max(8, Math.min(Math.max(12, settings.height() / 22), fitsWidth));
        return new Line(text, fontSize, margin);
    }

    /** Escapes what av_opt_set_from_string treats specially in an option value. */
    static String escapeOption(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '\'' || c == ':') out.append('\\');
            out.append(c);
        }
        return out.toString();
    }

    /** Single-quotes for the filter graph parser; a quote inside is closed, escaped and reopened. */
    static String quoteGraph(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
