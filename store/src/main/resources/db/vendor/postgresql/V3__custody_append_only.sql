-- The evidence index, version 3 on PostgreSQL: the custody log refuses UPDATE, DELETE and TRUNCATE, so a mistake in
-- code or a hand-typed statement cannot change or remove an entry. It stops no one who owns the table (an owner may
-- disable or drop the trigger, and the gateway migrates as the owner): against that there is
-- RecordingCatalog.verifyCustody, which finds a changed or missing entry however it happened.
-- Vendor-specific (a trigger function in PL/pgSQL), hence db/vendor/postgresql; H2 has its own V3 in db/vendor/h2.
CREATE FUNCTION custody_entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- 23001 restrict_violation: an integrity refusal, which the catalog reports as "refused by the evidence index"
    RAISE EXCEPTION 'custody_entries is append-only: % refused', TG_OP USING ERRCODE = '23001';
END
$$;

CREATE TRIGGER custody_entries_append_only BEFORE UPDATE OR DELETE ON custody_entries
    FOR EACH ROW EXECUTE FUNCTION custody_entries_refuse_change();
CREATE TRIGGER custody_entries_no_truncate BEFORE TRUNCATE ON custody_entries
    FOR EACH STATEMENT EXECUTE FUNCTION custody_entries_refuse_change();
