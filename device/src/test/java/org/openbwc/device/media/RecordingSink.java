package org.openbwc.device.media;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps everything a pipeline or splitter hands over, in order, with the time each piece arrived. */
class RecordingSink implements FragmentSink {
    /** One call to the sink: an init segment or a fragment, and {@link System#nanoTime()} when it came. */
    record Event(InitSegment init, Fragment fragment, long arrivedNanos) {}

    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<Fragment> fragments = new CopyOnWriteArrayList<>();
    volatile InitSegment init;

    @Override
    public void onInit(InitSegment init) {
        this.init = init;
        events.add(new Event(init, null, System.nanoTime()));
    }

    @Override
    public void onFragment(Fragment fragment) {
        fragments.add(fragment);
        events.add(new Event(null, fragment, System.nanoTime()));
    }

    /** Writes the init segment and the fragments from index {@code first} on: a playable file if that one starts a GOP. */
    Path writeFile(Path file, int first) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(init.bytes());
            for (Fragment fragment : fragments.subList(first, fragments.size())) out.write(fragment.bytes());
        }
        return file;
    }
}
