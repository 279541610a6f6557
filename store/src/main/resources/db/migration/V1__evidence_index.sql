-- The evidence index, version 1. Portable SQL that H2 (in PostgreSQL mode, see DatabaseConfig) and PostgreSQL both
-- run as written, so that one schema serves the embedded default and an agency's server: standard types only
-- (VARCHAR, BIGINT, DOUBLE PRECISION, BOOLEAN, TIMESTAMP WITH TIME ZONE), no PostGIS, no triggers, no vendor DDL.
-- Times are UTC instants kept to the microsecond.

-- One row per recording, from the moment the gateway hears of it until long after retention deleted its media:
-- the row and its custody log stay (offload_state 'deleted'), so nothing references a missing recording.
CREATE TABLE recordings (
    id                  VARCHAR(128)             NOT NULL,
    unit_id             VARCHAR(64)              NOT NULL,
    officer_id          VARCHAR(64),
    started_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at            TIMESTAMP WITH TIME ZONE,
    duration_micros     BIGINT,
    -- stopped, max-duration, storage-reserve, shutdown, storage-full, write-failed, recovered (the manifest's words)
    end_reason          VARCHAR(32),
    -- a retention category from gateway.yaml; null until someone categorizes it
    category            VARCHAR(64),
    legal_hold          BOOLEAN                  NOT NULL DEFAULT FALSE,
    offload_state       VARCHAR(16)              NOT NULL,
    -- the manifest's base64 signature and the fingerprint of the unit key that made it
    manifest_signature  VARCHAR(512),
    key_fingerprint     VARCHAR(128),
    -- the store's check of every segment hash and the signature: null until checked
    verified            BOOLEAN,
    verification_problem VARCHAR(2000),
    bytes               BIGINT                   NOT NULL DEFAULT 0,
    CONSTRAINT recordings_pk PRIMARY KEY (id),
    CONSTRAINT recordings_offload_state CHECK (offload_state IN ('on-unit', 'uploading', 'stored', 'failed', 'deleted')),
    CONSTRAINT recordings_ended_after_start CHECK (ended_at IS NULL OR ended_at >= started_at),
    CONSTRAINT recordings_duration CHECK (duration_micros IS NULL OR duration_micros >= 0),
    CONSTRAINT recordings_bytes CHECK (bytes >= 0)
);
-- search by unit or officer and time; the time window alone
CREATE INDEX recordings_unit_time ON recordings (unit_id, started_at);
CREATE INDEX recordings_officer_time ON recordings (officer_id, started_at);
CREATE INDEX recordings_time ON recordings (started_at);

-- The recording's segment files in order, with the hash the unit's journal gave each.
CREATE TABLE segments (
    recording_id  VARCHAR(128) NOT NULL,
    ordinal       INT          NOT NULL,
    name          VARCHAR(255) NOT NULL,
    bytes         BIGINT       NOT NULL,
    sha256        VARCHAR(64)  NOT NULL,
    CONSTRAINT segments_pk PRIMARY KEY (recording_id, ordinal),
    CONSTRAINT segments_name UNIQUE (recording_id, name),
    CONSTRAINT segments_recording FOREIGN KEY (recording_id) REFERENCES recordings (id),
    CONSTRAINT segments_bytes CHECK (bytes >= 0),
    CONSTRAINT segments_ordinal CHECK (ordinal >= 0)
);

-- Points the officer marked during the recording.
CREATE TABLE markers (
    recording_id  VARCHAR(128)             NOT NULL,
    ordinal       INT                      NOT NULL,
    at            TIMESTAMP WITH TIME ZONE NOT NULL,
    label         VARCHAR(255),
    CONSTRAINT markers_pk PRIMARY KEY (recording_id, ordinal),
    CONSTRAINT markers_recording FOREIGN KEY (recording_id) REFERENCES recordings (id)
);

-- The GNSS track during the recording; unit_id repeats the recording's so a place search needs no join to filter.
CREATE TABLE track_points (
    recording_id     VARCHAR(128)             NOT NULL,
    ordinal          INT                      NOT NULL,
    unit_id          VARCHAR(64)              NOT NULL,
    at               TIMESTAMP WITH TIME ZONE NOT NULL,
    lat              DOUBLE PRECISION         NOT NULL,
    lon              DOUBLE PRECISION         NOT NULL,
    accuracy_meters  DOUBLE PRECISION,
    CONSTRAINT track_points_pk PRIMARY KEY (recording_id, ordinal),
    CONSTRAINT track_points_recording FOREIGN KEY (recording_id) REFERENCES recordings (id),
    CONSTRAINT track_points_lat CHECK (lat BETWEEN -90 AND 90),
    CONSTRAINT track_points_lon CHECK (lon BETWEEN -180 AND 180),
    CONSTRAINT track_points_accuracy CHECK (accuracy_meters IS NULL OR accuracy_meters >= 0)
);
-- "Near a place within a time window" is a lat/lon bounding box plus a time range, answered by B-tree indexes both
-- databases have. Two orders, so the planner can start from whichever bound is narrower: a short window over a wide
-- area (time first) or a long window at one small place (place first). Both cover the columns the search reads.
CREATE INDEX track_points_time_place ON track_points (at, lat, lon, recording_id);
CREATE INDEX track_points_place_time ON track_points (lat, lon, at, recording_id);

-- Who did what to a recording, in order: append-only (the catalog only inserts), and hash-chained: each entry's hash
-- covers the previous entry's hash and its own fields. The chain's arithmetic comes with the custody slice; until
-- then prev_hash and hash may be null.
CREATE TABLE custody_entries (
    recording_id  VARCHAR(128)             NOT NULL,
    seq           BIGINT                   NOT NULL,
    at            TIMESTAMP WITH TIME ZONE NOT NULL,
    -- an operator's name, a unit id, or 'retention'
    actor         VARCHAR(128)             NOT NULL,
    -- the address the action came from; null for the gateway's own work (retention)
    address       VARCHAR(64),
    action        VARCHAR(32)              NOT NULL,
    details       VARCHAR(8000),
    prev_hash     VARCHAR(64),
    hash          VARCHAR(64),
    CONSTRAINT custody_entries_pk PRIMARY KEY (recording_id, seq),
    CONSTRAINT custody_entries_recording FOREIGN KEY (recording_id) REFERENCES recordings (id),
    CONSTRAINT custody_entries_seq CHECK (seq >= 1)
);
