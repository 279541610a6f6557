package org.openbwc.device.evidence;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Pre-event buffers a test opens, closed after it: a buffer's writing thread must be done before the test's
 * temporary folder is deleted.
 */
final class PreEventBuffers implements AfterEachCallback {
    private final List<PreEventBuffer> opened = new ArrayList<>();

    PreEventBuffer open(int seconds, long maxBytes, Path cache) {
        return track(new PreEventBuffer(seconds, maxBytes, cache));
    }

    PreEventBuffer track(PreEventBuffer buffer) {
        opened.add(buffer);
        return buffer;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        opened.forEach(PreEventBuffer::close);
        opened.clear();
    }
}
