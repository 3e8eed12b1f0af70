-- Projects, work items and the event log. Times are Unix milliseconds (UTC).
CREATE TABLE projects (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    root_path         TEXT    NOT NULL,
    default_branch    TEXT    NOT NULL,
    default_pipeline  TEXT    NOT NULL,
    paused            INTEGER NOT NULL DEFAULT 0,
    next_item_number  INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);

CREATE TABLE work_items (
    id                  INTEGER PRIMARY KEY,
    project_id          INTEGER NOT NULL REFERENCES projects(id),
    key                 TEXT    NOT NULL,
    title               TEXT    NOT NULL,
    description         TEXT    NOT NULL,
    acceptance_criteria TEXT    NOT NULL,  -- JSON array of strings
    definition_of_done  TEXT    NOT NULL,  -- JSON array of strings
    kind                TEXT    NOT NULL,
    tier                TEXT    NOT NULL,
    priority            INTEGER NOT NULL,
    parent              TEXT,
    dependencies        TEXT    NOT NULL,  -- JSON array of item keys
    context             TEXT    NOT NULL,  -- JSON object
    verification        TEXT    NOT NULL,  -- JSON array
    checklist           TEXT    NOT NULL,  -- JSON array
    pipeline            TEXT    NOT NULL,
    stage               TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    paused_from         TEXT,
    attempts            INTEGER NOT NULL DEFAULT 0,
    lease_owner         TEXT,
    lease_expires_at    INTEGER,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (project_id, key)
);

-- The claim reads only ready rows, most urgent first.
CREATE INDEX ix_work_items_ready ON work_items (priority, id) WHERE status = 'Ready';
-- A claim for one project reads its most urgent ready row straight from here.
CREATE INDEX ix_work_items_ready_in_project ON work_items (project_id, priority, id) WHERE status = 'Ready';
-- The lease sweep reads only running rows.
CREATE INDEX ix_work_items_running ON work_items (lease_expires_at) WHERE status = 'Running';
-- The dead letter, listed by `wilson status`. No (project_id, status) index: every transition
-- would have to update it, and listing a project's items reads them through (project_id, key).
CREATE INDEX ix_work_items_failed ON work_items (project_id) WHERE status = 'Failed';

-- seq is the rowid: with SQLite's single writer it is gap-free and in commit order.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL,
    item_key    TEXT,
    type        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    payload     TEXT    NOT NULL
);

CREATE INDEX ix_events_item ON events (project_id, item_key, seq);
