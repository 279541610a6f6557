package org.openbwc.device.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The DejaVu Sans Mono font shipped inside the device jar, copied to a temporary file on first use because
 * FFmpeg's drawtext only opens fonts by path (the natives have no fontconfig, and a fresh unit may have no fonts).
 */
final class BundledFont {
    private static final String RESOURCE = "DejaVuSansMono.ttf";
    private static Path extracted;

    private BundledFont() {}

    static synchronized Path path() {
        if (extracted != null && Files.isReadable(extracted)) return extracted;
        try (InputStream in = BundledFont.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new IllegalStateException(
                        "the bundled overlay font " + RESOURCE + " is missing from the device jar");
            Path file = Files.createTempFile("openbwc-overlay-", ".ttf");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            extracted = file;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not extract the overlay font to a temporary file", e);
        }
    }
}
