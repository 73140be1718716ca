//! The audit log as a hash chain (docs/adr/0007). Record `n` carries `seq = n`, the seal of
//! record `n - 1` and its own seal: HMAC-SHA256, with a server key kept outside the
//! database, over a length-prefixed encoding of `seq`, the previous seal and every field.
//! Changing a record breaks its seal; removing one leaves a gap and a broken link;
//! renumbering breaks the seals of the records moved. Without the key nobody can forge
//! new seals.
use chrono::{DateTime, SubsecRound, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::keys::AuditKey;
use crate::rows::NewAudit;

/// The PostgreSQL advisory lock that orders writers of audit records ("handoff" + 1).
pub(crate) const PG_LOCK: i64 = 0x68616e646f666601;

/// The seal the first record links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The last record of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl Head {
    pub fn genesis() -> Head {
        Head {
            seq: 0,
            hash: GENESIS.into(),
        }
    }
}

/// The fields a seal covers, as stored.
pub struct Sealed<'a> {
    pub seq: i64,
    pub prev_hash: &'a str,
    pub at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    pub username: &'a str,
    pub action: &'a str,
    pub resource_kind: &'a str,
    pub resource_id: &'a str,
    pub outcome: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub detail: &'a str,
}

fn field(mac: &mut Hmac<Sha256>, bytes: &[u8]) {
    mac.update(&(bytes.len() as u64).to_be_bytes());
    mac.update(bytes);
}

impl<'a> Sealed<'a> {
    /// The fields of a record to write, at its place in the chain.
    pub fn of(a: &'a NewAudit, seq: i64, prev_hash: &'a str) -> Sealed<'a> {
        Sealed {
            seq,
            prev_hash,
            at: a.at,
            user_id: a.user_id,
            username: &a.username,
            action: &a.action,
            resource_kind: &a.resource_kind,
            resource_id: &a.resource_id,
            outcome: &a.outcome,
            ip: &a.ip,
            user_agent: &a.user_agent,
            detail: &a.detail,
        }
    }

    pub fn seal(&self, key: &AuditKey) -> String {
        // An HMAC takes a key of any length; this cannot fail.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&key.0) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC accepts any key length"),
        };
        field(&mut mac, b"handoff-audit-v1");
        field(&mut mac, &self.seq.to_be_bytes());
        field(&mut mac, self.prev_hash.as_bytes());
        // Microseconds: what every backend keeps.
        let at = self.at.trunc_subsecs(6).format("%Y-%m-%dT%H:%M:%S%.6fZ");
        field(&mut mac, at.to_string().as_bytes());
        match self.user_id {
            Some(u) => field(&mut mac, u.as_bytes()),
            None => field(&mut mac, b""),
        }
        for s in [
            self.username,
            self.action,
            self.resource_kind,
            self.resource_id,
            self.outcome,
            self.ip,
            self.user_agent,
            self.detail,
        ] {
            field(&mut mac, s.as_bytes());
        }
        crate::hex::encode(&mac.finalize().into_bytes())
    }
}

/// The seal of a retention checkpoint: where the chain now starts (the last removed
/// record's place and seal).
pub fn checkpoint_mac(key: &AuditKey, through: &Head) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(&key.0) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts any key length"),
    };
    field(&mut mac, b"handoff-audit-checkpoint-v1");
    field(&mut mac, &through.seq.to_be_bytes());
    field(&mut mac, through.hash.as_bytes());
    crate::hex::encode(&mac.finalize().into_bytes())
}

impl crate::rows::AuditChainRow {
    /// The sealed fields and the stored seal; `None` for a record without a seal.
    pub fn sealed(&self) -> Option<(Sealed<'_>, &str)> {
        let (Some(seq), Some(prev_hash), Some(hash)) = (self.seq, &self.prev_hash, &self.hash)
        else {
            return None;
        };
        Some((
            Sealed {
                seq,
                prev_hash,
                at: self.at,
                user_id: self.user_id,
                username: &self.username,
                action: &self.action,
                resource_kind: &self.resource_kind,
                resource_id: &self.resource_id,
                outcome: &self.outcome,
                ip: &self.ip,
                user_agent: &self.user_agent,
                detail: &self.detail,
            },
            hash,
        ))
    }
}

/// Seals a new record after `head` and moves the head to it: (seq, prev_hash, hash).
pub(crate) fn next(key: &AuditKey, head: &mut Head, a: &NewAudit) -> (i64, String, String) {
    let seq = head.seq + 1;
    let prev = head.hash.clone();
    let hash = Sealed::of(a, seq, &prev).seal(key);
    *head = Head {
        seq,
        hash: hash.clone(),
    };
    (seq, prev, hash)
}

/// The first place where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// A record's contents do not match its seal.
    Changed { seq: i64, id: i64 },
    /// Records are missing before this one.
    Missing { expected: i64, found: i64, id: i64 },
    /// The record does not link to the one before it.
    Unlinked { seq: i64, id: i64 },
    /// A record without a seal (written outside Handoff).
    Unsealed { id: i64 },
    /// The retention checkpoint's seal does not match it (changed outside Handoff).
    Checkpoint,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Changed { seq, id } => write!(
                f,
                "audit record #{seq} (row id {id}) was changed: its contents do not match its seal"
            ),
            Break::Missing {
                expected,
                found,
                id,
            } => write!(
                f,
                "audit record #{expected} is missing: the chain jumps to #{found} (row id {id}); records were removed"
            ),
            Break::Unlinked { seq, id } => write!(
                f,
                "audit record #{seq} (row id {id}) does not link to the record before it: records were removed, replaced or reordered"
            ),
            Break::Unsealed { id } => write!(
                f,
                "audit row id {id} has no seal: it was added outside Handoff"
            ),
            Break::Checkpoint => write!(
                f,
                "the audit retention checkpoint was changed outside Handoff: its seal does not match"
            ),
        }
    }
}

/// Checks records in `seq` order, one page at a time, from the first record ever, or from
/// the retention checkpoint when older records were removed.
pub struct Verifier<'k> {
    key: &'k AuditKey,
    last: Head,
    pub records: u64,
}

impl<'k> Verifier<'k> {
    /// From the first record (seq 1, linked to the genesis seal).
    pub fn new(key: &'k AuditKey) -> Verifier<'k> {
        Verifier::after(key, Head::genesis())
    }

    /// From the record after `start` (a checkpoint, already checked).
    pub fn after(key: &'k AuditKey, start: Head) -> Verifier<'k> {
        Verifier {
            key,
            last: start,
            records: 0,
        }
    }

    /// The head after the records checked so far (`None` before the first).
    pub fn head(&self) -> Option<&Head> {
        (self.records > 0).then_some(&self.last)
    }

    pub fn check(&mut self, id: i64, stored_hash: &str, r: &Sealed<'_>) -> Result<(), Break> {
        let last = &self.last;
        if r.seq != last.seq + 1 {
            return Err(if r.seq > last.seq + 1 {
                Break::Missing {
                    expected: last.seq + 1,
                    found: r.seq,
                    id,
                }
            } else {
                Break::Unlinked { seq: r.seq, id }
            });
        }
        if r.prev_hash != last.hash {
            return Err(Break::Unlinked { seq: r.seq, id });
        }
        if r.seal(self.key) != stored_hash {
            return Err(Break::Changed { seq: r.seq, id });
        }
        self.last = Head {
            seq: r.seq,
            hash: stored_hash.to_string(),
        };
        self.records += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn audit(detail: &str) -> NewAudit {
        NewAudit {
            at: DateTime::from_timestamp(1_790_000_000, 123_456_789).unwrap(),
            user_id: None,
            username: "u".into(),
            action: "case.read".into(),
            resource_kind: "encounter".into(),
            resource_id: "x".into(),
            outcome: "allowed".into(),
            ip: "127.0.0.1".into(),
            user_agent: "t".into(),
            detail: detail.into(),
        }
    }

    fn sealed<'a>(a: &'a NewAudit, seq: i64, prev: &'a str) -> Sealed<'a> {
        Sealed::of(a, seq, prev)
    }

    #[test]
    fn a_chain_verifies_and_each_kind_of_tampering_is_named() {
        let key = AuditKey::for_tests();
        let rows: Vec<NewAudit> = (0..4).map(|i| audit(&format!("d{i}"))).collect();
        let mut head = Head::genesis();
        let chain: Vec<(i64, String, String)> =
            rows.iter().map(|a| next(&key, &mut head, a)).collect();
        let run = |order: &[usize], edit: Option<usize>| -> Result<u64, Break> {
            let mut v = Verifier::new(&key);
            for &i in order {
                let (seq, prev, hash) = &chain[i];
                let mut a = rows[i].clone();
                if edit == Some(i) {
                    a.outcome = "denied".into();
                }
                v.check(i as i64 + 10, hash, &sealed(&a, *seq, prev))?;
            }
            Ok(v.records)
        };
        assert_eq!(run(&[0, 1, 2, 3], None), Ok(4));
        assert_eq!(
            run(&[0, 1, 2, 3], Some(2)),
            Err(Break::Changed { seq: 3, id: 12 })
        );
        assert_eq!(
            run(&[0, 2, 3], None),
            Err(Break::Missing {
                expected: 2,
                found: 3,
                id: 12
            })
        );
        // The oldest records removed: detected, unless a checkpoint sealed with the key
        // says where the chain now starts.
        assert_eq!(
            run(&[2, 3], None),
            Err(Break::Missing {
                expected: 1,
                found: 3,
                id: 12
            })
        );
        let start = Head {
            seq: chain[1].0,
            hash: chain[1].2.clone(),
        };
        let mut v = Verifier::after(&key, start.clone());
        for i in [2usize, 3] {
            let (seq, prev, hash) = &chain[i];
            v.check(i as i64, hash, &sealed(&rows[i], *seq, prev))
                .unwrap();
        }
        assert_eq!(v.records, 2);
        assert_ne!(
            checkpoint_mac(&key, &start),
            checkpoint_mac(&AuditKey([9; 32]), &start)
        );
        // Another key cannot have made these seals.
        let other = AuditKey([9; 32]);
        let (seq, prev, hash) = &chain[0];
        assert!(
            Verifier::new(&other)
                .check(1, hash, &sealed(&rows[0], *seq, prev))
                .is_err()
        );
        // Sub-microsecond digits are not part of the seal (PostgreSQL keeps microseconds).
        let mut a = rows[0].clone();
        a.at = DateTime::from_timestamp(1_790_000_000, 123_456_000).unwrap();
        assert_eq!(sealed(&a, 1, GENESIS).seal(&key), chain[0].2);
    }
}
