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

/// Every key the server uses.
#[derive(Clone, Debug)]
pub struct Keys {
    pub audit: AuditKey,
}

const AUDIT_NAME: &str = "audit-hmac";

impl Keys {
    /// Parses a key file's text.
    pub fn parse(text: &str) -> std::result::Result<Keys, String> {
        let mut audit = None;
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
            if name.trim() == AUDIT_NAME {
                let k: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| format!("line {}: {AUDIT_NAME} must be 32 bytes", n + 1))?;
                audit = Some(AuditKey(k));
            }
        }
        Ok(Keys {
            audit: audit.ok_or_else(|| format!("no `{AUDIT_NAME}` key"))?,
        })
    }

    /// New random keys.
    pub fn generate() -> Result<Keys> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k)
            .map_err(|e| StoreError::Corrupt(format!("no random numbers for a key: {e}")))?;
        Ok(Keys { audit: AuditKey(k) })
    }

    pub fn to_text(&self) -> String {
        format!(
            "# Handoff server keys. Keep this file secret and back it up apart from the database:\n\
             # without it the audit chain cannot be verified.\n{AUDIT_NAME} = {}\n",
            B64.encode(self.audit.0)
        )
    }

    /// Reads the key file, or creates it (owner-only) with new keys if it does not exist.
    /// Returns the keys and whether the file was created.
    pub fn load_or_create(path: &Path) -> std::result::Result<(Keys, bool), String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Keys::parse(&text)
                .map(|k| (k, false))
                .map_err(|e| format!("key file {}: {e}", path.display())),
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
        let k = Keys::generate().unwrap();
        let back = Keys::parse(&k.to_text()).unwrap();
        assert_eq!(back.audit.0, k.audit.0);
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
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
