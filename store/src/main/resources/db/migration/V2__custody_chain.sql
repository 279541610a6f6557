-- The evidence index, version 2: the custody log is hash-chained (CustodyChain), so every entry has both hashes.
-- NOT NULL rather than nullable-for-old-rows: no V1 index with custody entries exists in the field, and a chain with
-- holes in it would prove nothing. Were there such rows, this migration fails on them and says so, which is better
-- than silently keeping unchained entries. Portable: both databases run it as written.
ALTER TABLE custody_entries ALTER COLUMN prev_hash SET NOT NULL;
ALTER TABLE custody_entries ALTER COLUMN hash SET NOT NULL;
-- SHA-256 in hex: 64 characters each.
ALTER TABLE custody_entries ADD CONSTRAINT custody_entries_hash_length CHECK (LENGTH(hash) = 64 AND LENGTH(prev_hash) = 64);
