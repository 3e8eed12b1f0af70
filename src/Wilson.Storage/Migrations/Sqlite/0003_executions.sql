-- One row per agent run on an item at a stage; its steps in execution_steps. An execution with no
-- ended_at is running, or was cut off by a crash (recovery closes it as Cancelled).
CREATE TABLE executions (
    id                   INTEGER PRIMARY KEY,
    project_id           INTEGER NOT NULL REFERENCES projects(id),
    item_key             TEXT    NOT NULL,
    stage                TEXT    NOT NULL,
    role                 TEXT    NOT NULL,
    worker               TEXT    NOT NULL,
    model                TEXT,
    fallback             INTEGER NOT NULL DEFAULT 0,
    started_at           INTEGER NOT NULL,
    ended_at             INTEGER,
    result               TEXT,
    summary              TEXT    NOT NULL DEFAULT '',
    handoff_in           TEXT    NOT NULL,  -- JSON
    handoff_out          TEXT    NOT NULL DEFAULT '{}',  -- JSON
    verification_report  TEXT,  -- JSON
    tokens_in            INTEGER NOT NULL DEFAULT 0,
    tokens_out           INTEGER NOT NULL DEFAULT 0,
    cost_micros          INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX ix_executions_item ON executions (project_id, item_key, id);
CREATE INDEX ix_executions_open ON executions (id) WHERE ended_at IS NULL;

CREATE TABLE execution_steps (
    execution_id  INTEGER NOT NULL REFERENCES executions(id),
    number        INTEGER NOT NULL,
    model_output  TEXT    NOT NULL,
    tool_calls    TEXT    NOT NULL,  -- JSON array of {name, arguments}
    tool_results  TEXT    NOT NULL,  -- JSON array of strings
    at            INTEGER NOT NULL,
    PRIMARY KEY (execution_id, number)
) WITHOUT ROWID;
