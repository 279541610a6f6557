/**
 * The agency's evidence index: {@link org.openbwc.store.EvidenceDatabase} opens the database a
 * {@link org.openbwc.store.DatabaseConfig} names (H2 in the data dir by default, or PostgreSQL) and migrates it with
 * Flyway; {@link org.openbwc.store.RecordingCatalog} keeps the recordings, their segments, markers, GPS track and
 * custody log in it.
 */
package org.openbwc.store;
