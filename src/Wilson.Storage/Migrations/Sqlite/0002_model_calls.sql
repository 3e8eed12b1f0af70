-- Every model call with its tokens, time and cost: the usage report and the budgets read from here.
-- Cost is in millionths of the budget's currency so sums are exact; day is the call's UTC date.
CREATE TABLE model_calls (
    id                 INTEGER PRIMARY KEY,
    project_id         INTEGER,
    item_key           TEXT,
    execution_id       INTEGER,
    purpose            TEXT    NOT NULL,
    model              TEXT    NOT NULL,
    endpoint           TEXT    NOT NULL,
    input_tokens       INTEGER NOT NULL,
    output_tokens      INTEGER NOT NULL,
    cost_micros        INTEGER NOT NULL,
    first_token_ms     INTEGER,
    duration_ms        INTEGER NOT NULL,
    at                 INTEGER NOT NULL,
    day                TEXT    NOT NULL,
    fallback           INTEGER NOT NULL,
    outcome            TEXT    NOT NULL
);

-- Budgets ask "this project today", "this item" and "everything today".
CREATE INDEX ix_model_calls_project_day ON model_calls (project_id, day);
CREATE INDEX ix_model_calls_item ON model_calls (project_id, item_key);
CREATE INDEX ix_model_calls_day ON model_calls (day);
CREATE INDEX ix_model_calls_execution ON model_calls (execution_id) WHERE execution_id IS NOT NULL;
