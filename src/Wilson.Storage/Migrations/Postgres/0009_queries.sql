-- A parent's children (ItemQuery.Parent): the evidence gate asks whether a plan made any, an approved plan
-- releases its drafts, a board opens an item's family; without this each read every item of the project.
-- Only children are indexed. A transition never changes project_id or parent: SQLite updates only the
-- indexes of changed columns, so transitions do not touch this one; PostgreSQL adds an entry to every index
-- on each non-HOT update (transitions change indexed columns, so none is HOT), one more per child's move.
-- No other index for the board's filters: status, stage, kind and text read the project's rows through
-- (project_id, key), which is cheaper than one more index on every transition (see 0001 and 0007).
CREATE INDEX ix_work_items_parent ON work_items (project_id, parent) WHERE parent IS NOT NULL;
