-- The evidence index, version 3 on H2: the custody log refuses UPDATE and DELETE, through a Java trigger (H2 has no
-- procedural SQL). H2 fires no trigger on TRUNCATE; the embedded database is the gateway's own file, reached by no one
-- else, and RecordingCatalog.verifyCustody finds a changed or missing entry however it happened.
CREATE TRIGGER custody_entries_append_only BEFORE UPDATE, DELETE ON custody_entries
    FOR EACH ROW CALL 'org.openbwc.store.H2AppendOnlyTrigger';
