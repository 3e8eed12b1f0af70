-- Notes for the agent on an item: a person's feedback, a reviewer's requested changes. The next agent
-- turn on the item takes the undelivered ones, once.
CREATE TABLE feedback (
    id            BIGSERIAL PRIMARY KEY,
    project_id    BIGINT  NOT NULL REFERENCES projects(id),
    item_key      TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    at            BIGINT  NOT NULL,
    delivered_at  BIGINT
);

CREATE INDEX ix_feedback_pending ON feedback (project_id, item_key, id) WHERE delivered_at IS NULL;
