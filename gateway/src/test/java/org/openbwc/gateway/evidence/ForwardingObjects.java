package org.openbwc.gateway.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.openbwc.store.objects.EvidenceObjects;

/** An evidence store that passes every call to another; tests override the call they want to change. */
public class ForwardingObjects implements EvidenceObjects {
    protected final EvidenceObjects inner;

    public ForwardingObjects(EvidenceObjects inner) {
        this.inner = inner;
    }

    @Override
    public long put(String unitId, String recordingId, Path folder) throws IOException {
        return inner.put(unitId, recordingId, folder);
    }

    @Override
    public List<StoredFile> list(String unitId, String recordingId) throws IOException {
        return inner.list(unitId, recordingId);
    }

    @Override
    public InputStream open(String unitId, String recordingId, String file, long offset, long length)
            throws IOException {
        return inner.open(unitId, recordingId, file, offset, length);
    }

    @Override
    public boolean delete(String unitId, String recordingId) throws IOException {
        return inner.delete(unitId, recordingId);
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
