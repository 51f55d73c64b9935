-- 0016: proposals (代表提案) and the presidium (主席团) of a session.
-- The presidium's members are delegates of the session's congress. A proposal is
-- drafted by its lead delegate (领衔人), co-signed (附议) by other delegates by card
-- or from the paper form, submitted before the session's deadline, reviewed by the
-- presidium (立案, 并案, 转为意见建议, 不予立案), then put on the agenda (a motion
-- poll) or assigned to a handling unit (承办单位), replied to and evaluated by the
-- lead delegate. `proposals.state` is where it stands (docs/spec/14-server.md
-- §14.11); every step is also a row of `proposal_events`, append-only, and an entry
-- of the audit log.
CREATE TABLE presidium_members (
    id           BIGSERIAL PRIMARY KEY,
    session_id   BIGINT  NOT NULL REFERENCES sessions (id),
    delegate_id  BIGINT  NOT NULL REFERENCES delegates (id),
    created_at   BIGINT  NOT NULL,
    UNIQUE (session_id, delegate_id)
);

CREATE TABLE proposal_deadlines (
    session_id   BIGINT  PRIMARY KEY REFERENCES sessions (id),
    deadline     BIGINT  NOT NULL          -- Unix seconds; nothing is filed after it
);

CREATE TABLE proposals (
    id           BIGSERIAL PRIMARY KEY,
    session_id   BIGINT  NOT NULL REFERENCES sessions (id),
    number       BIGINT  NOT NULL,         -- 第×号, per session
    lead_id      BIGINT  NOT NULL REFERENCES delegates (id),
    title        TEXT    NOT NULL,         -- 案由
    reasons      TEXT    NOT NULL,         -- 理由
    measures     TEXT    NOT NULL,         -- 建议措施
    source       TEXT    NOT NULL CHECK (source IN ('station', 'paper')),
    state        TEXT    NOT NULL CHECK (state IN ('collecting', 'submitted', 'accepted', 'merged',
                     'not_accepted', 'on_agenda', 'assigned', 'replied', 'reply_again', 'concluded')),
    category     TEXT    NOT NULL CHECK (category IN ('proposal', 'suggestion')),
    merged_into  BIGINT  REFERENCES proposals (id),
    poll_id      BIGINT  REFERENCES polls (id),
    unit         TEXT    NOT NULL DEFAULT '',
    due          TEXT    NOT NULL DEFAULT '',
    evaluation   TEXT    NOT NULL DEFAULT ''
                     CHECK (evaluation IN ('', 'satisfied', 'basically_satisfied', 'dissatisfied')),
    created_at   BIGINT  NOT NULL,
    UNIQUE (session_id, number)
);

CREATE TABLE proposal_cosigners (
    proposal_id  BIGINT  NOT NULL REFERENCES proposals (id),
    delegate_id  BIGINT  NOT NULL REFERENCES delegates (id),
    via          TEXT    NOT NULL CHECK (via IN ('card', 'paper')),
    at           BIGINT  NOT NULL,
    actor        TEXT    NOT NULL,
    PRIMARY KEY (proposal_id, delegate_id)
);

CREATE TABLE proposal_events (
    id           BIGSERIAL PRIMARY KEY,
    proposal_id  BIGINT  NOT NULL REFERENCES proposals (id),
    at           BIGINT  NOT NULL,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    member_id    BIGINT  REFERENCES delegates (id),   -- the presidium member who decided
    reason       TEXT    NOT NULL,
    body         TEXT    NOT NULL
);
CREATE INDEX proposal_events_by_proposal ON proposal_events (proposal_id, id);

CREATE TRIGGER proposal_cosigners_append_only BEFORE UPDATE OR DELETE ON proposal_cosigners
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
CREATE TRIGGER proposal_events_append_only BEFORE UPDATE OR DELETE ON proposal_events
FOR EACH ROW EXECUTE FUNCTION hallvote_append_only();
