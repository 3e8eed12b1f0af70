-- Named leases across processes and machines: one merge queue per project at a time. A holder that dies loses its
-- lease when it expires; a live one renews it before then.
CREATE TABLE locks (
    name        TEXT    PRIMARY KEY,
    owner       TEXT    NOT NULL,
    expires_at  BIGINT NOT NULL
);
