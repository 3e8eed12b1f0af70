-- Decisions on items waiting for approval. A decision holds for the item at item_version: the merge
-- queue takes items still AwaitingApproval at that version, in the order they were approved.
CREATE TABLE approvals (
    id            BIGSERIAL PRIMARY KEY,
    project_id    BIGINT  NOT NULL REFERENCES projects(id),
    item_key      TEXT    NOT NULL,
    item_version  BIGINT  NOT NULL,
    stage         TEXT    NOT NULL,
    approved      BOOLEAN NOT NULL,
    actor         TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    at            BIGINT  NOT NULL
);

CREATE INDEX ix_approvals_item ON approvals (project_id, item_key, item_version);
