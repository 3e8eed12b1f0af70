-- When a Ready item may be claimed again (Unix ms): the wait before a retry. NULL: at once.
ALTER TABLE work_items ADD COLUMN not_before INTEGER;
