//! Small helpers: random tokens, hashes, reference numbers.
use base64::Engine;
use handoff_i18n::{staff, staff_with};
use sha2::{Digest, Sha256};

use crate::{AppError, AppResult};

/// `n` random bytes, URL-safe base64.
pub fn random_token(n: usize) -> AppResult<String> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

pub fn sha256_hex(data: &[u8]) -> String {
    handoff_storage::hex::encode(&Sha256::digest(data))
}

/// A reference number a person can read over the phone: no 0/O or 1/I/L.
pub fn reference_number() -> AppResult<String> {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    let s: String = buf
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    Ok(format!("HO-{}-{}", &s[..4], &s[4..]))
}

/// Trims and bounds a free-text field. `required` and `too_long` are the keys of whole
/// messages (`too_long` with `$max`): a sentence is not put together from a label, which a
/// translation could not make agree.
pub fn required_text(
    field: &str,
    v: &str,
    required: &str,
    too_long: &str,
    max: usize,
) -> AppResult<String> {
    let t = v.trim();
    if t.is_empty() {
        return Err(AppError::field(field, staff(required)));
    }
    if t.chars().count() > max {
        return Err(AppError::field(
            field,
            staff_with(too_long, &[("max", max.to_string().into())]),
        ));
    }
    Ok(t.to_string())
}

pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A submitted secret (a CSRF token, a MAC) equals the expected one, compared in
/// constant time.
pub fn same_secret(submitted: &str, expected: &str) -> bool {
    let (a, b) = (submitted.as_bytes(), expected.as_bytes());
    !a.is_empty()
        && a.len() == b.len()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A list of ids as stored in one column: comma-separated (malformed entries are skipped).
pub fn parse_ids(s: &str) -> Vec<uuid::Uuid> {
    s.split(',')
        .filter_map(|x| uuid::Uuid::parse_str(x.trim()).ok())
        .collect()
}

/// Ids as stored in one column (`parse_ids` reads them back).
pub fn join_ids(ids: &[uuid::Uuid]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A field's messages are whole sentences of its own; the text comes back trimmed.
    #[test]
    fn required_text_says_what_is_missing_or_too_long_in_whole_messages() {
        let check = |v: &str| {
            required_text(
                "name",
                v,
                "err-admin-org-name-required",
                "err-admin-org-name-too-long",
                5,
            )
        };
        assert_eq!(check("  Agency ").ok(), None, "six characters");
        assert_eq!(check(" Unit ").unwrap(), "Unit");
        for (v, expected) in [
            ("   ", "Enter the organization name."),
            (
                "Agency",
                "The organization name must be at most 5 characters.",
            ),
        ] {
            match check(v) {
                Err(AppError::Invalid(f)) => {
                    assert_eq!(f.0.len(), 1);
                    assert_eq!(f.0[0].field, "name");
                    assert_eq!(
                        f.0[0].message.replace(['\u{2068}', '\u{2069}'], ""),
                        expected
                    );
                }
                other => panic!("{v:?}: {other:?}"),
            }
        }
    }
}
