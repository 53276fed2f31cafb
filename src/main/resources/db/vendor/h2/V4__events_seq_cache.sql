-- H2 persists an identity sequence, with a commit that writes a chunk of the file, each time its cache runs out
-- (every 32 values by default): 15 % of ingest CPU in a profile (docs/BENCHMARKS.md). Values stay unique and
-- increasing within the one process that writes an H2 file; a crash only leaves a gap.
ALTER TABLE events ALTER COLUMN seq SET CACHE 1000;
