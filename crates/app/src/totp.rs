//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), as authenticator apps
//! compute them: HMAC-SHA1, 30-second steps, 6 digits. Secrets travel as RFC 4648 base32.

/// Seconds per step.
pub const PERIOD: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps either side of now still accepted (clock drift between phone and server).
pub const DRIFT_STEPS: i64 = 1;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

const ALPHABET: base32::Alphabet = base32::Alphabet::Rfc4648 { padding: false };

/// Base32 without padding.
pub fn base32_encode(data: &[u8]) -> String {
    base32::encode(ALPHABET, data)
}

/// Base32 as people type it: any case, spaces, dashes and padding ignored.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let clean: String = s
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '-' || *c == '='))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    base32::decode(ALPHABET, &clean)
}

/// The step that `unix_seconds` falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(PERIOD)
}

/// The TOTP value of `key` in time step `step`, as `digits` decimal digits (totp-rs:
/// HMAC-SHA1, RFC 6238).
pub fn code(key: &[u8], step: i64, digits: u32) -> String {
    let totp = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        digits as usize,
        0,
        PERIOD as u64,
        key.to_vec(),
    );
    totp.generate((step.max(0) as u64).saturating_mul(PERIOD as u64))
}

/// The step a typed code matches, within the drift window around `now`, if it is later
/// than `last_step` (each code is accepted once). Spaces in the typed code are ignored.
pub fn verify(secret_b32: &str, typed: &str, unix_now: i64, last_step: i64) -> Option<i64> {
    let key = base32_decode(secret_b32)?;
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_now);
    let mut matched = None;
    // Every candidate is computed, so the time taken does not say which one matched.
    for step in (now - DRIFT_STEPS)..=(now + DRIFT_STEPS) {
        let expected = code(&key, step, DIGITS);
        let same = expected
            .bytes()
            .zip(typed.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if same && step > last_step && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={PERIOD}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// A secret in groups of four, for typing into an app by hand.
pub fn grouped(secret_b32: &str) -> String {
    secret_b32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (8 digits, key "12345678901234567890").
    #[test]
    fn rfc6238_test_vectors() {
        let key = b"12345678901234567890";
        for (t, want) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            assert_eq!(code(key, step_at(t), 8), want, "t = {t}");
        }
    }

    /// RFC 4226 appendix D: HOTP values for counters 0 to 9.
    #[test]
    fn rfc4226_test_vectors() {
        let key = b"12345678901234567890";
        let want = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (i, w) in want.iter().enumerate() {
            assert_eq!(code(key, i as i64, 6), *w, "counter {i}");
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc4648() {
        // RFC 4648 section 10, without padding.
        for (plain, enc) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()), enc);
            assert_eq!(base32_decode(enc).unwrap(), plain.as_bytes());
        }
        assert_eq!(base32_decode("mzxw 6ytb-oi======").unwrap(), b"foobar");
        assert_eq!(base32_decode("MZ1W"), None, "1 is not base32");
    }

    #[test]
    fn a_code_is_accepted_once_and_only_near_now() {
        let secret = base32_encode(b"12345678901234567890");
        let now = 1_700_000_000;
        let step = step_at(now);
        let key = base32_decode(&secret).unwrap();
        let current = code(&key, step, DIGITS);
        assert_eq!(verify(&secret, &current, now, 0), Some(step));
        assert_eq!(
            verify(
                &secret,
                &format!("{} {}", &current[..3], &current[3..]),
                now,
                0
            ),
            Some(step),
            "spaces are ignored"
        );
        // Used once: the same step is refused, and so is any earlier one.
        assert_eq!(verify(&secret, &current, now, step), None);
        let previous = code(&key, step - 1, DIGITS);
        assert_eq!(verify(&secret, &previous, now, 0), Some(step - 1));
        assert_eq!(verify(&secret, &previous, now, step - 1), None);
        // One step of drift either way; two is too far.
        let next = code(&key, step + 1, DIGITS);
        assert_eq!(verify(&secret, &next, now, 0), Some(step + 1));
        let far = code(&key, step + 2, DIGITS);
        assert_eq!(verify(&secret, &far, now, 0), None);
        assert_eq!(verify(&secret, "12345", now, 0), None);
        assert_eq!(verify(&secret, "abcdef", now, 0), None);
        assert_eq!(verify("not base32!", &current, now, 0), None);
    }

    #[test]
    fn otpauth_uri_escapes_the_account() {
        assert_eq!(
            otpauth_uri("Handoff", "a b@c", "ABCD"),
            "otpauth://totp/Handoff:a%20b%40c?secret=ABCD&issuer=Handoff&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
