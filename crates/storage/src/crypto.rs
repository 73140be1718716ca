//! Field encryption and blind indexes (docs/adr/0009). A value is stored as
//! `e1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>`, AES-256-GCM under the data key with
//! the column's name as associated data; a blind index is a keyed HMAC of a normalised
//! value. Values without the prefix are legacy plaintext and read as they are.
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::keys::{Key, Keys};
use crate::{Result, StoreError};

const PREFIX: &str = "e1:";

/// The blind index domain of the duplicate check's match key.
pub(crate) const MATCH_DOMAIN: &str = "match";

fn cipher(key: &Key) -> Aes256Gcm {
    // A 32-byte key is what AES-256 takes; this cannot fail.
    match Aes256Gcm::new_from_slice(&key.0) {
        Ok(c) => c,
        Err(_) => unreachable!("AES-256 takes a 32-byte key"),
    }
}

/// Encrypts `plain` for `column` under the active data key.
pub fn seal(keys: &Keys, column: &str, plain: &str) -> Result<String> {
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut nonce)
        .map_err(|e| StoreError::Corrupt(format!("no random numbers for a nonce: {e}")))?;
    let ct = cipher(&keys.data)
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plain.as_bytes(),
                aad: column.as_bytes(),
            },
        )
        .map_err(|_| StoreError::Corrupt("encryption failed".into()))?;
    let mut bytes = nonce.to_vec();
    bytes.extend(ct);
    Ok(format!("{PREFIX}{}:{}", keys.data.id(), B64.encode(bytes)))
}

/// Whether a stored value is encrypted (and with which key).
pub fn key_id(stored: &str) -> Option<&str> {
    stored.strip_prefix(PREFIX)?.split(':').next()
}

/// Decrypts a stored value of `column`; legacy plaintext comes back as it is.
pub fn open(keys: &Keys, column: &str, stored: &str) -> Result<String> {
    let Some(rest) = stored.strip_prefix(PREFIX) else {
        return Ok(stored.to_string());
    };
    let bad = |why: &str| StoreError::Corrupt(format!("{column}: {why}"));
    let (kid, body) = rest.split_once(':').ok_or_else(|| bad("malformed value"))?;
    let key = keys.data_key(kid).ok_or_else(|| {
        bad(&format!(
            "encrypted with key {kid}, which the key file lacks"
        ))
    })?;
    let bytes = B64
        .decode(body)
        .map_err(|_| bad("malformed value (base64)"))?;
    if bytes.len() < 12 + 16 {
        return Err(bad("malformed value (too short)"));
    }
    let (nonce, ct) = bytes.split_at(12);
    let plain = cipher(key)
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ct,
                aad: column.as_bytes(),
            },
        )
        .map_err(|_| {
            bad("cannot be decrypted: changed, moved from another column, or the wrong key")
        })?;
    String::from_utf8(plain).map_err(|_| bad("not text"))
}

/// Decrypts an optional value.
pub fn open_opt(keys: &Keys, column: &str, stored: Option<&str>) -> Result<Option<String>> {
    stored.map(|s| open(keys, column, s)).transpose()
}

fn hmac(key: &Key, domain: &str, value: &str) -> Vec<u8> {
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&key.0) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts any key length"),
    };
    mac.update(domain.as_bytes());
    mac.update(&[0]);
    mac.update(value.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The blind index of a normalised value: 64 hex digits.
pub use crate::hex::encode as hex;

pub fn blind(keys: &Keys, domain: &str, value: &str) -> String {
    hex(&hmac(&keys.index, domain, value))
}

/// A pseudonym: the first 128 bits of the blind index, 32 hex digits.
pub fn pseudonym(keys: &Keys, domain: &str, value: &str) -> String {
    hex(&hmac(&keys.index, domain, value)[..16])
}

/// The pseudonyms of one domain, with the key and the domain absorbed once: the same
/// values as `pseudonym`, for an export that makes a million of them (the key's and
/// domain's hashing was most of each one's cost).
#[derive(Clone)]
pub struct Pseudonyms(Hmac<Sha256>);

impl Pseudonyms {
    pub fn new(keys: &Keys, domain: &str) -> Pseudonyms {
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&keys.index.0) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC accepts any key length"),
        };
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        Pseudonyms(mac)
    }

    /// The pseudonym of a value (`pseudonym(keys, domain, value)`).
    pub fn of(&self, value: &str) -> String {
        hex(&self.raw(value))
    }

    /// The same pseudonym as 32 hex digits in an array (an export makes millions: no
    /// allocation each).
    pub fn digits_of(&self, value: &str) -> [u8; 32] {
        crate::hex::encode_16(&self.raw(value))
    }

    fn raw(&self, value: &str) -> [u8; 16] {
        let mut mac = self.0.clone();
        mac.update(value.as_bytes());
        let mut out = [0u8; 16];
        out.copy_from_slice(&mac.finalize().into_bytes()[..16]);
        out
    }
}

/// One search token: 64 bits of HMAC, 16 hex digits.
pub fn token(keys: &Keys, value: &str) -> String {
    hex(&hmac(&keys.index, "search", value)[..8])
}

/// Longest name prefix indexed for search.
pub const MAX_PREFIX: usize = 16;

/// What a person is found by: every prefix of the normalised last name (2 to 16
/// characters), of the first name (1 to 16), and the birth date. Plain; the store turns
/// them into tokens.
pub fn search_terms(last: &str, first: &str, dob: &str) -> Vec<String> {
    let prefixes = |tag: &str, s: &str, from: usize| -> Vec<String> {
        let chars: Vec<char> = s.chars().take(MAX_PREFIX).collect();
        (from..=chars.len())
            .map(|n| format!("{tag}:{}", chars[..n].iter().collect::<String>()))
            .collect()
    };
    let mut v = prefixes("l", last, 2);
    v.extend(prefixes("f", first, 1));
    v.push(format!("d:{dob}"));
    v
}

/// What a search asks for: a last-name prefix (at least 2 characters), perhaps a
/// first-name prefix and a birth date.
pub fn query_terms(last: &str, first: Option<&str>, dob: Option<&str>) -> Vec<String> {
    let cut = |s: &str| s.chars().take(MAX_PREFIX).collect::<String>();
    let mut v = vec![format!("l:{}", cut(last))];
    if let Some(f) = first.filter(|f| !f.is_empty()) {
        v.push(format!("f:{}", cut(f)));
    }
    if let Some(d) = dob {
        v.push(format!("d:{d}"));
    }
    v
}

/// The stored form of search terms: tokens between spaces, so that `LIKE '% t %'` finds
/// one.
pub fn token_column(keys: &Keys, terms: &[String]) -> String {
    let mut s = String::from(" ");
    for t in terms {
        s.push_str(&token(keys, t));
        s.push(' ');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_two_digits_a_byte_and_pseudonyms_are_the_blind_index_prefix() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(hex(&[]), "");
        let keys = Keys::for_tests();
        let b = blind(&keys, "research:x:person", "id-1");
        assert_eq!(b.len(), 64);
        assert_eq!(pseudonym(&keys, "research:x:person", "id-1"), b[..32]);
        // The quick way gives the same pseudonyms, value after value.
        let quick = Pseudonyms::new(&keys, "research:x:person");
        for v in [
            "id-1",
            "",
            "a much longer value than one block of the hash, 64 bytes or more",
        ] {
            assert_eq!(quick.of(v), pseudonym(&keys, "research:x:person", v));
            assert_eq!(quick.digits_of(v), quick.of(v).as_bytes());
        }
        assert_ne!(
            quick.of("id-1"),
            Pseudonyms::new(&keys, "research:y:person").of("id-1")
        );
        let expected: String = hmac(&keys.index, "d", "v")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(blind(&keys, "d", "v"), expected);
    }

    #[test]
    fn values_round_trip_and_tampering_or_moving_is_refused() {
        let keys = Keys::for_tests();
        let a = seal(&keys, "participants.last_name", "Reyes").unwrap();
        let b = seal(&keys, "participants.last_name", "Reyes").unwrap();
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.contains("Reyes"));
        assert_eq!(key_id(&a), Some(keys.data.id().as_str()));
        assert_eq!(open(&keys, "participants.last_name", &a).unwrap(), "Reyes");
        // Moved to another column: refused.
        assert!(open(&keys, "participants.first_name", &a).is_err());
        // Changed: refused.
        let mut bytes = a.into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        assert!(
            open(
                &keys,
                "participants.last_name",
                &String::from_utf8(bytes).unwrap()
            )
            .is_err()
        );
        // Legacy plaintext passes through.
        assert_eq!(open(&keys, "c", "plain").unwrap(), "plain");
    }

    #[test]
    fn a_retired_key_still_opens_and_an_unknown_one_is_named() {
        let old = Keys::for_tests();
        let v = seal(&old, "c", "x").unwrap();
        let mut new = Keys::for_tests();
        new.data = Key([99; 32]);
        let e = open(&new, "c", &v).unwrap_err().to_string();
        assert!(e.contains(&old.data.id()), "{e}");
        new.retired.push(old.data.clone());
        assert_eq!(open(&new, "c", &v).unwrap(), "x");
    }

    #[test]
    fn search_terms_cover_every_prefix_and_queries_match_them() {
        let t = search_terms("reyes", "dana", "1991-05-06");
        assert!(t.contains(&"l:re".to_string()) && t.contains(&"l:reyes".to_string()));
        assert!(!t.contains(&"l:r".to_string()));
        assert!(t.contains(&"f:d".to_string()) && t.contains(&"f:dana".to_string()));
        assert!(t.contains(&"d:1991-05-06".to_string()));
        for q in query_terms("rey", Some("da"), Some("1991-05-06")) {
            assert!(t.contains(&q), "{q}");
        }
        let keys = Keys::for_tests();
        let col = token_column(&keys, &t);
        let q = token(&keys, "l:rey");
        assert!(col.contains(&format!(" {q} ")));
        assert!(!col.contains("rey"));
        // Long names: the first 16 characters are indexed, and a query is cut the same.
        let long = "abcdefghijklmnopqrstuvwxyz";
        let t = search_terms(long, "", "x");
        assert!(t.contains(&query_terms(long, None, None)[0]));
    }
}
