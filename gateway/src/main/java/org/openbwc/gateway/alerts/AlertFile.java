package org.openbwc.gateway.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * Alerts in a JSON Lines file in the gateway's data directory: every new alert and every change of one is appended as
 * one line, the last line of an id wins on load, and the file is rewritten with only the latest states when it holds
 * four times as many lines as alerts are kept. A line that does not read (a torn last write, a hand edit) is skipped
 * with a warning; the alerts around it load. The audit log, not this file, is the record of who did what: this file
 * only lets the room carry its open emergencies and its history over a restart, until the evidence database exists.
 */
public final class AlertFile implements AlertStore {

    private final Path file;
    private final ObjectMapper json;
    private final int compactAfterLines;
    private int lines;

    /**
     * @param json a mapper that reads and writes {@link Alert} (ISO times, as the gateway's HTTP mapper does)
     * @param keep how many alerts the board keeps; the file is compacted past four times as many lines
     */
    public AlertFile(Path file, ObjectMapper json, int keep) {
        this.file = file;
        this.json = json;
        this.compactAfterLines = Math.max(16, keep * 4);
    }

    @Override
    public List<Alert> load() {
        if (!Files.exists(file)) return List.of();
        Map<String, Alert> latest = new LinkedHashMap<>();
        int skipped = 0;
        try {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) continue;
                try {
                    Alert a = json.readValue(line, Alert.class);
                    latest.put(a.id(), a);
                } catch (IOException | RuntimeException e) {
                    skipped++;
                    Logger.warn("{}:{}: not an alert, skipped ({})", file, n, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the alert file " + file + ": " + e.getMessage(), e);
        }
        List<Alert> out = new ArrayList<>(latest.values());
        compact(out);
        if (skipped > 0) Logger.warn("{}: {} unreadable lines skipped; {} alerts loaded", file, skipped, out.size());
        return out;
    }

    @Override
    public void save(Alert alert) {
        try (BufferedWriter w = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            w.write(json.writeValueAsString(alert));
            w.write('\n');
            lines++;
        } catch (IOException e) {
            Logger.error("Alert {} could not be written to {}: {}; it is shown but not kept", alert.id(), file, e);
        }
    }

    @Override
    public boolean wantsCompaction() {
        return lines > compactAfterLines;
    }

    @Override
    public void compact(Collection<Alert> alerts) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Alert a : alerts) {
                    w.write(json.writeValueAsString(a));
                    w.write('\n');
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            lines = alerts.size();
        } catch (IOException e) {
            Logger.error("The alert file {} could not be rewritten: {}; appending to it as before", file, e);
        }
    }
}
