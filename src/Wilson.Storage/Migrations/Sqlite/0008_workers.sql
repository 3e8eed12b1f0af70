-- What each worker is doing, written by the worker on every step and heartbeat, removed when its run ends, so any
-- process reads live status with one indexed read. The lease sweep removes the rows of workers whose process died.
CREATE TABLE workers (
    name         TEXT    PRIMARY KEY,
    machine      TEXT    NOT NULL,
    project_id   INTEGER NOT NULL REFERENCES projects(id),
    item_key     TEXT    NOT NULL,
    stage        TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    model        TEXT,
    step         INTEGER NOT NULL,
    started_at   INTEGER NOT NULL,
    progress_at  INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    paused_by    TEXT,
    paused_at    INTEGER
);

CREATE INDEX ix_workers_project ON workers (project_id, item_key);
