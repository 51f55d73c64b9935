//! The election record as JSON for people (spec §12.10): everything in the record,
//! bytes as lowercase hex, each piece decoded where it decodes and labelled with the
//! poll's names. Informative only: it is derived from the binary record, never hashed
//! or signed, and says nothing about validity; a verifier reads the binary (spec §13).

use hallvote_crypto::credential::Credential;
use hallvote_crypto::dkg::DealerCommitments;
use hallvote_crypto::elgamal::PublicKey;
use serde::Serialize;
use serde_json::{Value, json};

use super::builder::{cast_count, outcome, poll_counts, replacements, result_digest};
use super::codec::FormatError;
use super::format::{BoardEntry, Record, SignedHead};
use super::manifest::{Manifest, Signer};
use crate::ballot::{BallotContext, BallotShape, Opening, TrackingCode};
use crate::model::Contest;
use crate::text::Text;

/// Decodes a record file's structure (spec §12.1) and renders it with
/// [`Record::to_json`], pretty-printed, with a final newline: what
/// `hallvote-verify --dump` prints. It does not verify the record.
pub fn dump_record(bytes: &[u8]) -> Result<String, FormatError> {
    let (record, _) = Record::decode(bytes)?;
    Ok(format!("{}\n", serde_json::to_string_pretty(&record.to_json()).unwrap_or_default()))
}

impl Record {
    /// Everything in the record as JSON for people (spec §12.10): the manifest, the
    /// poll id and election context hash derived from it, the key ceremony,
    /// attendance, every board entry (with its tracking code, and a spoiled ballot's
    /// opened marks), every signed tree head, aggregates, decryption shares and
    /// totals per selection, the totals per contest, item and option, the outcome
    /// (as the result recomputed from the totals) and every signature.
    ///
    /// Bytes are lowercase hex. A piece that does not decode is shown as hex with
    /// the reason. The same record always gives the same JSON. Nothing here is
    /// verified: the JSON is not evidence that the record is valid.
    pub fn to_json(&self) -> Value {
        let view = View::new(self);
        let mut doc = json!({
            "format": "hallvote election record v1, JSON for people (spec §12.10); not verified",
            "note": Text::new(
                "由二进制选举记录导出，供人阅读；未经验证，不参与哈希或签名。验证须读取二进制记录（规范 §13）。",
                "Derived from the binary election record for people to read; not verified, never hashed or signed. \
                 A verifier reads the binary record (spec §13).",
            ),
            "size": self.to_bytes().len(),
            "manifest": view.manifest_json(),
            "poll_id": hex(&Manifest::poll_id(&self.manifest)),
            "election_hash": view.election.as_ref().map_or(Value::Null, |e| Value::from(hex(e))),
            "ceremony": view.ceremony_json(),
            "attendance": {
                "expected": self.attendance.expected,
                "present": self.attendance.present,
                "issued": self.attendance.issued,
            },
            "board": view.board_json(),
            "tree_heads": {
                "receipts": self.receipt_heads.iter().map(head_json).collect::<Vec<_>>(),
                "final": head_json(&self.final_head),
            },
            "tally": view.tally_json(),
            "outcome": view.outcome_json(),
            "signatures": view.signatures_json(),
        });
        if !self.mixes.is_empty() {
            doc["mixes"] = view.mixes_json();
        }
        doc
    }
}

/// One selection's place on the ballot: contest, item and option (spec §12.6).
struct Selection<'a> {
    contest: &'a Contest,
    item: String,
    option: Text,
}

/// The record with what can be derived from it for display.
struct View<'a> {
    record: &'a Record,
    manifest: Result<Manifest, FormatError>,
    shape: Option<BallotShape>,
    /// The election context hash `E` (spec §11.3), when the joint key decodes.
    election: Option<[u8; 64]>,
    /// Why `E` could not be derived.
    election_error: Option<String>,
}

impl<'a> View<'a> {
    fn new(record: &'a Record) -> Self {
        let manifest = Manifest::decode(&record.manifest);
        let shape = manifest.as_ref().ok().and_then(|m| m.shape().ok());
        let (election, election_error) = match PublicKey::decode(&record.ceremony.joint_key) {
            Ok(key) => (Some(Manifest::election_hash(&record.manifest, &key)), None),
            Err(e) => (None, Some(format!("joint key: {e}"))),
        };
        Self { record, manifest, shape, election, election_error }
    }

    fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref().ok()
    }

    fn manifest_json(&self) -> Value {
        let bytes = &self.record.manifest;
        let mut v = match (&self.manifest, &self.shape) {
            (Ok(m), Some(shape)) => {
                let contests: Vec<Value> =
                    m.poll.contests.iter().zip(&shape.contests).map(|(c, cs)| contest_json(c, cs)).collect();
                let key = &m.credential_key;
                json!({
                    "congress": m.congress,
                    "session": m.session,
                    "poll": m.poll.name,
                    "ruleset": ruleset_json(&m.ruleset),
                    "contests": contests,
                    "scrutineers": signers_json(&m.scrutineers),
                    "threshold": m.threshold,
                    "counters": signers_json(&m.counters),
                    "ceremony": {
                        "hex": hex(&m.ceremony),
                        "text": core::str::from_utf8(&m.ceremony).ok(),
                    },
                    "credential_key": {
                        "fingerprint": hex(&key.fingerprint()),
                        "modulus_bits": key.modulus_bits(),
                        "spki_der": hex(key.to_spki_der()),
                    },
                    "server_key": hex(m.server_key.as_bytes()),
                })
            }
            (Err(e), _) => json!({ "error": e.to_string() }),
            (Ok(_), None) => json!({ "error": "the poll has no ballot shape" }),
        };
        v["size"] = bytes.len().into();
        v["hex"] = hex(bytes).into();
        v
    }

    fn ceremony_json(&self) -> Value {
        let c = &self.record.ceremony;
        let dealers: Vec<Value> = c
            .dealer_messages
            .iter()
            .enumerate()
            .map(|(pos, bytes)| match DealerCommitments::decode(bytes) {
                Ok(m) => json!({
                    "position": pos,
                    "dealer": m.dealer,
                    "commitments": m.commitments.iter().map(|x| hex(x.as_bytes())).collect::<Vec<_>>(),
                    "proof": hex(&m.proof.to_bytes()),
                }),
                Err(e) => json!({ "position": pos, "hex": hex(bytes), "error": e.to_string() }),
            })
            .collect();
        // A complaint is the dealer share `u32be i ‖ u32be j ‖ s` (spec §12.2).
        let complaints: Vec<Value> = c
            .complaints
            .iter()
            .map(|b| json!({ "dealer": be_u32(&b[..4]), "recipient": be_u32(&b[4..8]), "share": hex(&b[8..]) }))
            .collect();
        let shares: Vec<Value> =
            c.public_shares.iter().enumerate().map(|(j, x)| json!({ "scrutineer": j + 1, "key": hex(x) })).collect();
        let mut v = json!({
            "dealer_messages": dealers,
            "complaints": complaints,
            "qualified": c.qualified,
            "joint_key": hex(&c.joint_key),
            "public_shares": shares,
        });
        if let Some(e) = &self.election_error {
            v["joint_key_error"] = e.clone().into();
        }
        v
    }

    fn board_json(&self) -> Value {
        let board = &self.record.board;
        let entries: Vec<Value> = board.iter().enumerate().map(|(pos, e)| self.entry_json(pos, e)).collect();
        let cast = cast_count(board);
        let spoiled = board.iter().filter(|e| matches!(e, BoardEntry::Spoiled { .. })).count();
        let (cancelled, replaced) = replacements(board);
        json!({
            "cast": cast,
            "spoiled": spoiled,
            "cancelled": cancelled,
            "replaced": replaced,
            "entries": entries,
        })
    }

    fn entry_json(&self, pos: usize, entry: &BoardEntry) -> Value {
        if matches!(entry, BoardEntry::Replaced) {
            return json!({ "position": pos, "kind": "replaced" });
        }
        let ballot = entry.ballot();
        let (credential, tracking) = match Credential::from_bytes(entry.credential()) {
            Ok(cred) => {
                let tracking = self
                    .election
                    .map(|election| TrackingCode::of(&BallotContext { election, serial: cred.serial() }, ballot));
                let v = json!({
                    "serial": hex(&cred.serial()),
                    "token": hex(cred.token().as_bytes()),
                    "msg_randomizer": hex(cred.msg_randomizer()),
                    "signature": hex(cred.signature()),
                });
                (v, tracking)
            }
            Err(e) => (json!({ "hex": hex(entry.credential()), "error": e.to_string() }), None),
        };
        let kind = match entry {
            BoardEntry::Cast { .. } => "cast",
            BoardEntry::Spoiled { .. } => "spoiled",
            BoardEntry::Cancelled { .. } => "cancelled",
            BoardEntry::Replaced => "replaced",
        };
        if matches!(entry, BoardEntry::Cancelled { .. }) {
            return json!({ "position": pos, "kind": kind, "credential": credential });
        }
        let mut v = json!({
            "position": pos,
            "kind": kind,
            "credential": credential,
            "tracking_code": tracking.map(|t| t.to_string()),
            "ballot": { "size": ballot.len(), "hex": hex(ballot) },
        });
        if let BoardEntry::Spoiled { opening, .. } = entry {
            v["opening"] = json!({ "size": opening.len(), "hex": hex(opening), "opened": self.opened_json(opening) });
        }
        v
    }

    /// A spoiled ballot's marks per contest, item and option (spec §10.6).
    fn opened_json(&self, opening: &[u8]) -> Value {
        let (Some(m), Some(shape)) = (self.manifest(), &self.shape) else {
            return json!({ "error": "the manifest does not decode" });
        };
        let o = match Opening::decode(opening, shape) {
            Ok(o) => o,
            Err(e) => return json!({ "error": e.to_string() }),
        };
        let contests: Vec<Value> = m
            .poll
            .contests
            .iter()
            .zip(&o.plain.marks)
            .enumerate()
            .map(|(c, (contest, marks))| {
                let labels = contest.options();
                let items: Vec<Value> = contest
                    .items()
                    .iter()
                    .zip(marks)
                    .enumerate()
                    .map(|(i, (item, row))| {
                        let marked: Vec<&Text> =
                            labels.iter().zip(row).filter(|(_, m)| **m == 1).map(|(l, _)| l).collect();
                        let mut v = json!({ "item": item, "marks": row, "marked": marked });
                        // The name written in this row (另选他人, spec §10.6), if any.
                        if let Some(name) = o.plain.write_ins.get(&(c, i)) {
                            v["write_in"] = json!(name);
                        }
                        v
                    })
                    .collect();
                json!({ "contest": contest.id, "title": contest.title, "items": items })
            })
            .collect();
        Value::from(contests)
    }

    /// Every selection in ballot order (spec §12.6), when the manifest decodes.
    fn selections(&self) -> Vec<Selection<'_>> {
        let Some(m) = self.manifest() else { return Vec::new() };
        let mut out = Vec::new();
        for contest in &m.poll.contests {
            let options = contest.options();
            for item in contest.items() {
                for option in &options {
                    out.push(Selection { contest, item: item.clone(), option: option.clone() });
                }
            }
        }
        out
    }

    /// Aggregates, decryption shares and totals per selection (spec §12.6), and the
    /// totals laid out per contest, item and option.
    /// §12.12: per contest its input list's digest, every turn (the scrutineer, the
    /// output list in hex and the proof's size), the list shares' scrutineers and
    /// sizes, and the names in mixed order. Not verified.
    fn mixes_json(&self) -> Value {
        let mixes: Vec<Value> = self
            .record
            .mixes
            .iter()
            .map(|m| {
                let contest = self.manifest().and_then(|man| man.poll.contests.get(m.contest as usize));
                let turns: Vec<Value> = m
                    .turns
                    .iter()
                    .enumerate()
                    .map(|(k, t)| {
                        let output: Vec<String> = t.output.iter().map(|row| hex(row)).collect();
                        json!({ "turn": k + 1, "scrutineer": t.scrutineer, "output": output, "proof_size": t.proof.len() })
                    })
                    .collect();
                let shares: Vec<Value> = m
                    .shares
                    .iter()
                    .map(|s| json!({ "scrutineer": s.get(..4).map(be_u32), "size": s.len() }))
                    .collect();
                json!({
                    "contest": m.contest,
                    "id": contest.map(|c| c.id.clone()),
                    "title": contest.map(|c| c.title.clone()),
                    "rows": m.rows,
                    "input_digest": hex(&m.input_digest),
                    "turns": turns,
                    "list_shares": shares,
                    "names": m.names,
                })
            })
            .collect();
        Value::from(mixes)
    }

    fn tally_json(&self) -> Value {
        let r = self.record;
        let sel = self.selections();
        let longest_shares = r.decryptions.iter().map(|d| d.shares.len()).max().unwrap_or(0);
        let n = r.aggregates.len().max(r.totals.len()).max(longest_shares).max(sel.len());
        let per_selection: Vec<Value> = (0..n)
            .map(|s| {
                let shares: Vec<Value> = r
                    .decryptions
                    .iter()
                    .filter_map(|d| d.shares.get(s).map(|sh| json!({ "scrutineer": d.scrutineer, "share": hex(sh) })))
                    .collect();
                let mut v = json!({
                    "index": s,
                    "aggregate": r.aggregates.get(s).map(|a| hex(a)),
                    "shares": shares,
                    "total": r.totals.get(s),
                });
                if let Some(x) = sel.get(s) {
                    v["contest"] = x.contest.id.clone().into();
                    v["item"] = x.item.clone().into();
                    v["option"] = to_value(&x.option);
                }
                v
            })
            .collect();
        let names = self.manifest().map(|m| m.scrutineers.as_slice()).unwrap_or_default();
        let decrypting: Vec<Value> = r
            .decryptions
            .iter()
            .map(|d| {
                let name = (d.scrutineer as usize).checked_sub(1).and_then(|j| names.get(j)).map(|s| &s.name);
                json!({ "scrutineer": d.scrutineer, "name": name, "shares": d.shares.len() })
            })
            .collect();
        json!({
            "decrypting_scrutineers": decrypting,
            "selections": per_selection,
            "totals": self.totals_json(),
        })
    }

    /// Contest → item → option → count, in ballot order.
    fn totals_json(&self) -> Value {
        let Some(m) = self.manifest() else { return Value::Null };
        let mut s = 0;
        let contests: Vec<Value> = m
            .poll
            .contests
            .iter()
            .map(|contest| {
                let labels = contest.options();
                let items: Vec<Value> = contest
                    .items()
                    .into_iter()
                    .map(|item| {
                        let options: Vec<Value> = labels
                            .iter()
                            .map(|label| {
                                let count = self.record.totals.get(s);
                                s += 1;
                                json!({ "option": label, "count": count })
                            })
                            .collect();
                        json!({ "item": item, "options": options })
                    })
                    .collect();
                json!({ "contest": contest.id, "title": contest.title, "items": items })
            })
            .collect();
        Value::from(contests)
    }

    /// The recorded outcome bytes (spec §12.7) and the result they encode, recomputed
    /// from the totals under the manifest's ruleset as a verifier does (spec §13.12).
    fn outcome_json(&self) -> Value {
        let r = self.record;
        let mut v = json!({ "size": r.outcome.len(), "hex": hex(&r.outcome) });
        let (Some(m), Some(shape)) = (self.manifest(), &self.shape) else {
            v["error"] = "the manifest does not decode".into();
            return v;
        };
        let cast = u32::try_from(cast_count(&r.board)).unwrap_or(u32::MAX);
        let counted = poll_counts(&m.poll, shape, r.attendance, cast, &r.totals)
            .map_err(|e| format!("totals: {e}"))
            .and_then(|mut counts| {
                (counts.replaced, counts.replaced_lost) = replacements(&r.board);
                outcome(&m.poll, &m.ruleset, &counts)
                    .map_err(|e| format!("the totals cannot be counted: {}", e.text().en))
            });
        match counted {
            Ok((result, bytes)) => {
                v["result"] = to_value(&result);
                v["result_matches_recorded_outcome"] = (bytes == r.outcome).into();
            }
            Err(e) => v["error"] = e.into(),
        }
        v
    }

    fn signatures_json(&self) -> Value {
        let r = self.record;
        let m = self.manifest();
        let digest = self
            .election
            .map(|e| hex(&result_digest(&e, r.attendance, cast_count(&r.board) as u64, &r.totals, &r.outcome)));
        let signed = |sigs: &[[u8; 64]], signers: Option<&[Signer]>| -> Vec<Value> {
            sigs.iter()
                .enumerate()
                .map(|(i, s)| {
                    let who = signers.and_then(|list| list.get(i));
                    json!({
                        "index": i + 1,
                        "name": who.map(|w| &w.name),
                        "key": who.map(|w| hex(w.key.as_bytes())),
                        "signature": hex(s),
                    })
                })
                .collect()
        };
        json!({
            "server": {
                "key": m.map(|m| hex(m.server_key.as_bytes())),
                "body_digest": hex(&Record::body_digest(&r.body_bytes())),
                "signature": hex(&r.server_signature),
            },
            "result_digest": digest,
            "scrutineers": signed(&r.scrutineer_signatures, m.map(|m| m.scrutineers.as_slice())),
            "counters": signed(&r.counter_signatures, m.map(|m| m.counters.as_slice())),
        })
    }
}

fn contest_json(contest: &Contest, shape: &crate::ballot::ContestShape) -> Value {
    let mut v = to_value(contest);
    v["kind_words"] = to_value(&contest.kind_words());
    v["ballot_items"] = contest.items().into();
    v["option_labels"] = to_value(&contest.options());
    let items: Vec<Value> = shape
        .items
        .iter()
        .map(|i| json!({ "options": i.options, "min_marks": i.min_marks, "max_marks": i.max_marks }))
        .collect();
    let cap = shape.cap.map(|c| json!({ "option": c.option, "max": c.max }));
    v["shape"] = json!({ "items": items, "cap": cap });
    v
}

fn ruleset_json(rs: &crate::ruleset::Ruleset) -> Value {
    let mut v = to_value(rs);
    v["sha256"] = rs.sha256().into();
    v
}

fn signers_json(signers: &[Signer]) -> Vec<Value> {
    signers
        .iter()
        .enumerate()
        .map(|(i, s)| json!({ "index": i + 1, "name": s.name, "key": hex(s.key.as_bytes()) }))
        .collect()
}

/// `u64be(size) ‖ root` (spec §7.5.1) with the server's signature.
fn head_json(h: &SignedHead) -> Value {
    let mut size = [0u8; 8];
    size.copy_from_slice(&h.head[..8]);
    json!({ "size": u64::from_be_bytes(size), "root": hex(&h.head[8..]), "signature": hex(&h.signature) })
}

fn be_u32(b: &[u8]) -> u32 {
    b.iter().fold(0, |acc, x| (acc << 8) | u32::from(*x))
}

/// The serde form of a value of this crate; these serialise infallibly.
fn to_value<T: Serialize + ?Sized>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or_else(|e| json!({ "error": e.to_string() }))
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_and_complete() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(hex(&[]), "");
        assert_eq!(be_u32(&[0, 0, 1, 2]), 258);
    }

    #[test]
    fn garbage_is_not_dumped() {
        assert!(dump_record(b"not a record").is_err());
    }
}
