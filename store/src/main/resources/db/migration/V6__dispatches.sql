-- Dispatches (issue 17), version 6: an incident the control room placed and the units it sent there, each unit with
-- the times its dispatch was sent, delivered (the unit's reply), acknowledged (the officer's double press) and arrived
-- (the unit within 30 m of the incident). Kept so that a dispatch and each unit's dispatch history survive a gateway
-- restart and can be reviewed afterwards. Portable SQL, as V1.
CREATE TABLE dispatches (
    id              VARCHAR(64)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by      VARCHAR(128)             NOT NULL,
    lat             DOUBLE PRECISION         NOT NULL,
    lon             DOUBLE PRECISION         NOT NULL,
    note            VARCHAR(1000)            NOT NULL,
    priority        VARCHAR(16)              NOT NULL,
    cancelled_at    TIMESTAMP WITH TIME ZONE,
    cancelled_by    VARCHAR(128),
    CONSTRAINT dispatches_pk PRIMARY KEY (id),
    CONSTRAINT dispatches_priority CHECK (priority IN ('routine', 'urgent', 'emergency')),
    CONSTRAINT dispatches_place CHECK (lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180)
);
CREATE INDEX dispatches_created ON dispatches (created_at);

-- One row per unit sent to a dispatch. distance_meters is the unit's distance when it was sent; problem says why the
-- dispatch did not reach the unit or the unit refused it (null when it was delivered).
CREATE TABLE dispatch_units (
    dispatch_id     VARCHAR(64)              NOT NULL,
    unit_id         VARCHAR(64)              NOT NULL,
    officer_id      VARCHAR(64),
    distance_meters DOUBLE PRECISION,
    sent_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_by         VARCHAR(128)             NOT NULL,
    delivered_at    TIMESTAMP WITH TIME ZONE,
    acknowledged_at TIMESTAMP WITH TIME ZONE,
    arrived_at      TIMESTAMP WITH TIME ZONE,
    problem         VARCHAR(500),
    CONSTRAINT dispatch_units_pk PRIMARY KEY (dispatch_id, unit_id),
    CONSTRAINT dispatch_units_dispatch FOREIGN KEY (dispatch_id) REFERENCES dispatches (id)
);
-- A unit's history, newest first.
CREATE INDEX dispatch_units_unit ON dispatch_units (unit_id, sent_at);
