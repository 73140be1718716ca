//! Server keys, kept outside the database: a key file (created on first start, readable by
//! its owner only) or the environment (`HANDOFF_KEYS`, the file's contents). The file holds
//! one `name = base64` line per key and grows as keys are added (encryption keys will live
//! here too); unknown names are kept for newer versions.
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use crate::{Result, StoreError};

/// The key that seals the audit chain (HMAC-SHA256).
#[derive(Clone)]
pub struct AuditKey(pub(crate) [u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    /// A fixed key, for tests only.
    pub fn for_tests() -> AuditKey {
        AuditKey([7; 32])
    }
}

/// A 256-bit secret key (encryption or blind index).
#[derive(Clone, PartialEq, Eq)]
pub struct Key(pub(crate) [u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.id())
    }
}

impl Key {
    /// The key's id in ciphertexts: the first 8 hex digits of its SHA-256.
    pub fn id(&self) -> String {
        use sha2::{Digest, Sha256};
        crate::hex::encode(&Sha256::digest(self.0)[..4])
    }

    pub fn random() -> Result<Key> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k)
            .map_err(|e| StoreError::Corrupt(format!("no random numbers for a key: {e}")))?;
        Ok(Key(k))
    }
}

/// Every key the server uses (docs/adr/0007, 0009).
#[derive(Clone, Debug)]
pub struct Keys {
    pub audit: AuditKey,
    /// Encrypts identity and Part 2 fields.
    pub data: Key,
    /// Older data keys that values may still be encrypted with (during a rotation).
    pub retired: Vec<Key>,
    /// Keys the blind indexes (duplicate check, name search).
    pub index: Key,
    /// Encrypts backups.
    pub backup: Key,
}

const AUDIT_NAME: &str = "audit-hmac";
const DATA_NAME: &str = "data-aes";
const RETIRED_NAME: &str = "data-aes-retired";
const INDEX_NAME: &str = "index-hmac";
const BACKUP_NAME: &str = "backup-aes";

fn key32(bytes: Vec<u8>, name: &str, line: usize) -> std::result::Result<[u8; 32], String> {
    bytes
        .try_into()
        .map_err(|_| format!("line {line}: {name} must be 32 bytes"))
}

/// A key file's keys by name; the parts a file from an older version may lack are `None`.
struct Parsed {
    audit: Option<AuditKey>,
    data: Option<Key>,
    retired: Vec<Key>,
    index: Option<Key>,
    backup: Option<Key>,
}

fn parse_parts(text: &str) -> std::result::Result<Parsed, String> {
    let mut p = Parsed {
        audit: None,
        data: None,
        retired: Vec::new(),
        index: None,
        backup: None,
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line {}: expected `name = base64`", n + 1))?;
        let bytes = B64
            .decode(value.trim())
            .map_err(|e| format!("line {}: not base64: {e}", n + 1))?;
        let name = name.trim();
        match name {
            AUDIT_NAME => p.audit = Some(AuditKey(key32(bytes, name, n + 1)?)),
            DATA_NAME => p.data = Some(Key(key32(bytes, name, n + 1)?)),
            RETIRED_NAME => p.retired.push(Key(key32(bytes, name, n + 1)?)),
            INDEX_NAME => p.index = Some(Key(key32(bytes, name, n + 1)?)),
            BACKUP_NAME => p.backup = Some(Key(key32(bytes, name, n + 1)?)),
            // Kept for newer versions.
            _ => {}
        }
    }
    Ok(p)
}

impl Keys {
    /// Parses a key file's text.
    pub fn parse(text: &str) -> std::result::Result<Keys, String> {
        let p = parse_parts(text)?;
        let need = |k: Option<Key>, name: &str| k.ok_or_else(|| format!("no `{name}` key"));
        Ok(Keys {
            audit: p.audit.ok_or_else(|| format!("no `{AUDIT_NAME}` key"))?,
            data: need(p.data, DATA_NAME)?,
            retired: p.retired,
            index: need(p.index, INDEX_NAME)?,
            backup: need(p.backup, BACKUP_NAME)?,
        })
    }

    /// New random keys.
    pub fn generate() -> Result<Keys> {
        Ok(Keys {
            audit: AuditKey(Key::random()?.0),
            data: Key::random()?,
            retired: Vec::new(),
            index: Key::random()?,
            backup: Key::random()?,
        })
    }

    /// A fixed set, for tests only.
    pub fn for_tests() -> Keys {
        Keys {
            audit: AuditKey::for_tests(),
            data: Key([11; 32]),
            retired: Vec::new(),
            index: Key([13; 32]),
            backup: Key([17; 32]),
        }
    }

    /// The key with this id, active or retired.
    pub fn data_key(&self, id: &str) -> Option<&Key> {
        std::iter::once(&self.data)
            .chain(&self.retired)
            .find(|k| k.id() == id)
    }

    pub fn to_text(&self) -> String {
        let mut s = format!(
            "# Handoff server keys. Keep this file secret and back it up apart from the database:\n\
             # without it the audit chain cannot be verified and encrypted fields cannot be read.\n\
             {AUDIT_NAME} = {}\n{DATA_NAME} = {}\n{INDEX_NAME} = {}\n{BACKUP_NAME} = {}\n",
            B64.encode(self.audit.0),
            B64.encode(self.data.0),
            B64.encode(self.index.0),
            B64.encode(self.backup.0),
        );
        for r in &self.retired {
            s.push_str(&format!("{RETIRED_NAME} = {}\n", B64.encode(r.0)));
        }
        s
    }

    /// Writes the keys to `path` in place of the file there (atomically, owner-only).
    pub fn save(&self, path: &Path) -> std::result::Result<(), String> {
        let tmp = path.with_extension("key.new");
        let _ = std::fs::remove_file(&tmp);
        write_private(&tmp, self.to_text().as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, path)
            .map_err(|e| format!("cannot replace the key file {}: {e}", path.display()))
    }

    /// Reads the key file, or creates it (owner-only) with new keys if it does not exist.
    /// Returns the keys and whether the file was created.
    pub fn load_or_create(path: &Path) -> std::result::Result<(Keys, bool), String> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let named = |e: String| format!("key file {}: {e}", path.display());
                let p = parse_parts(&text).map_err(named)?;
                if p.data.is_some() && p.index.is_some() && p.backup.is_some() {
                    return Keys::parse(&text).map(|k| (k, false)).map_err(named);
                }
                // A key file from before encryption at rest: add the keys it lacks.
                let fresh = Keys::generate().map_err(|e| e.to_string())?;
                let keys = Keys {
                    audit: p
                        .audit
                        .ok_or_else(|| named(format!("no `{AUDIT_NAME}` key")))?,
                    data: p.data.unwrap_or(fresh.data),
                    retired: p.retired,
                    index: p.index.unwrap_or(fresh.index),
                    backup: p.backup.unwrap_or(fresh.backup),
                };
                keys.save(path)?;
                Ok((keys, false))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let keys = Keys::generate().map_err(|e| e.to_string())?;
                if let Some(dir) = path.parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                }
                write_private(path, keys.to_text().as_bytes())
                    .map_err(|e| format!("cannot write the key file {}: {e}", path.display()))?;
                Ok((keys, true))
            }
            Err(e) => Err(format!("cannot read the key file {}: {e}", path.display())),
        }
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_and_errors_name_the_line() {
        let mut k = Keys::generate().unwrap();
        k.retired.push(Key::random().unwrap());
        let back = Keys::parse(&k.to_text()).unwrap();
        assert_eq!(back.audit.0, k.audit.0);
        assert_eq!(back.data, k.data);
        assert_eq!(back.retired, k.retired);
        assert_eq!(back.index, k.index);
        assert_eq!(back.backup, k.backup);
        assert!(back.data_key(&k.retired[0].id()).is_some());
        assert!(back.data_key("00000000").is_none());
        assert_eq!(
            Keys::parse(&format!("audit-hmac = {}", B64.encode([1u8; 32]))).unwrap_err(),
            "no `data-aes` key"
        );
        assert_eq!(
            Keys::parse("audit-hmac = AAAA").unwrap_err(),
            "line 1: audit-hmac must be 32 bytes"
        );
        assert_eq!(
            Keys::parse("# c\nnonsense").unwrap_err(),
            "line 2: expected `name = base64`"
        );
        assert_eq!(Keys::parse("").unwrap_err(), "no `audit-hmac` key");
    }

    #[test]
    fn a_key_file_is_created_once_and_owner_only() {
        let dir = std::env::temp_dir().join(format!("handoff-keys-{}", uuid::Uuid::now_v7()));
        let path = dir.join("handoff.key");
        let (a, created) = Keys::load_or_create(&path).unwrap();
        assert!(created);
        let (b, created) = Keys::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(a.audit.0, b.audit.0);
        assert_eq!(a.data, b.data);
        // A file with only the audit key (older versions) gets the others added.
        std::fs::remove_file(&path).unwrap();
        write_private(
            &path,
            format!("audit-hmac = {}\n", B64.encode(a.audit.0)).as_bytes(),
        )
        .unwrap();
        let (c, _) = Keys::load_or_create(&path).unwrap();
        assert_eq!(c.audit.0, a.audit.0);
        let again = Keys::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(again.data, c.data);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
