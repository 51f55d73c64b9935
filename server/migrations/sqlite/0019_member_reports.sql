-- 0019: 述职 reports (issue 18, item 5; ADR 0030): the summary of each member's report
-- on their duties, attached by the organiser to a confidence vote, evaluation or
-- recall contest of a poll. The booth shows it before the member's marks; anyone may
-- read it (GET /api/polls/{id}/reports). Text only, paragraphs separated by one line
-- break, in NFC, checked and limited by the server (spec §14.16).
CREATE TABLE member_reports (
    poll_id      INTEGER NOT NULL REFERENCES polls (id),
    contest_id   TEXT    NOT NULL,
    member       TEXT    NOT NULL,         -- the member's name as the contest has it
    body         TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,         -- Unix seconds
    PRIMARY KEY (poll_id, contest_id, member)
);
