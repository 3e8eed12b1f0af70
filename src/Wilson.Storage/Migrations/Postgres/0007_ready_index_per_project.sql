-- Ready rows are indexed per project only (ix_work_items_ready_in_project). Every claim Wilson makes
-- is for one project (one scheduler per project); the index over all projects was one more B-tree to
-- change on every claim and requeue (measured: about a sixth of SQLite's claim -> complete throughput).
-- A claim across all projects reads the per-project index and sorts what is ready.
DROP INDEX IF EXISTS ix_work_items_ready;
