-- Projects, work items and the event log. Times are Unix milliseconds (UTC).
CREATE TABLE projects (
    id                BIGSERIAL PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    root_path         TEXT    NOT NULL,
    default_branch    TEXT    NOT NULL,
    default_pipeline  TEXT    NOT NULL,
    paused            BOOLEAN NOT NULL DEFAULT FALSE,
    next_item_number  BIGINT  NOT NULL DEFAULT 0,
    created_at        BIGINT  NOT NULL
);

CREATE TABLE work_items (
    id                  BIGSERIAL PRIMARY KEY,
    project_id          BIGINT  NOT NULL REFERENCES projects(id),
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
    lease_expires_at    BIGINT,
    version             BIGINT  NOT NULL DEFAULT 1,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    UNIQUE (project_id, key)
);

CREATE INDEX ix_work_items_ready ON work_items (priority, id) WHERE status = 'Ready';
-- A claim for one project reads its most urgent ready row straight from here, whatever the
-- planner's statistics (a fresh database has none until autovacuum runs).
CREATE INDEX ix_work_items_ready_in_project ON work_items (project_id, priority, id) WHERE status = 'Ready';
CREATE INDEX ix_work_items_running ON work_items (lease_expires_at) WHERE status = 'Running';
-- The dead letter, listed by `wilson status`. No (project_id, status) index: every transition
-- would have to update it, and listing a project's items reads them through (project_id, key).
CREATE INDEX ix_work_items_failed ON work_items (project_id) WHERE status = 'Failed';

-- One row holds the last sequence number. Taking the next one locks the row until commit, so
-- sequence numbers are gap-free (a rolled-back transaction gives its number back) and become
-- visible in order (the next writer waits for the lock); a BIGSERIAL would leave gaps on rollback
-- and could commit out of order. The hot paths take the number in the same single statement that
-- writes the item, so the lock is never held across a client round trip.
CREATE TABLE event_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT  NOT NULL
);
INSERT INTO event_head (id, last_seq) VALUES (1, 0);

CREATE TABLE events (
    seq         BIGINT  PRIMARY KEY,
    project_id  BIGINT  NOT NULL,
    item_key    TEXT,
    type        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    payload     TEXT    NOT NULL
);

-- A watcher of one project reads only the events after its position.
CREATE INDEX ix_events_project_seq ON events (project_id, seq);
CREATE INDEX ix_events_item ON events (project_id, item_key, seq);
