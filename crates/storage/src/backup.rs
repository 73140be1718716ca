//! Encrypted backups (docs/adr/0009): a stream cut into 64 KiB chunks, each sealed with
//! AES-256-GCM under the backup key with a random nonce and, as associated data, its
//! index and whether it is the last, so a reordered, truncated, extended or changed
//! backup is refused as a whole.
//!
//! Format: `HANDOFF-BACKUP-1\n`, the key id (8 ASCII hex digits), then chunks of
//! `u32 big-endian length ‖ nonce (12) ‖ ciphertext and tag`.
use std::io::{Read, Write};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

use crate::keys::Key;

const MAGIC: &[u8] = b"HANDOFF-BACKUP-1\n";
const CHUNK: usize = 64 * 1024;

fn aad(index: u64, last: bool) -> [u8; 9] {
    let mut a = [0u8; 9];
    a[..8].copy_from_slice(&index.to_be_bytes());
    a[8] = u8::from(last);
    a
}

fn cipher(key: &Key) -> Aes256Gcm {
    match Aes256Gcm::new_from_slice(&key.0) {
        Ok(c) => c,
        Err(_) => unreachable!("AES-256 takes a 32-byte key"),
    }
}

/// Reads as much of `buf` as the input has (short only at its end).
fn fill(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match input.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Encrypts `input` into `output`; returns the plaintext bytes written.
pub fn encrypt(key: &Key, input: &mut impl Read, output: &mut impl Write) -> Result<u64, String> {
    let io = |e: std::io::Error| format!("backup: {e}");
    output.write_all(MAGIC).map_err(io)?;
    output.write_all(key.id().as_bytes()).map_err(io)?;
    let c = cipher(key);
    let mut cur = vec![0u8; CHUNK];
    let mut next = vec![0u8; CHUNK];
    let mut n_cur = fill(input, &mut cur).map_err(io)?;
    let mut index = 0u64;
    let mut total = 0u64;
    loop {
        // A chunk is the last when nothing follows it (an empty input is one empty chunk).
        let n_next = if n_cur == CHUNK {
            fill(input, &mut next).map_err(io)?
        } else {
            0
        };
        let last = n_next == 0;
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| format!("no random numbers: {e}"))?;
        let ct = c
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &cur[..n_cur],
                    aad: &aad(index, last),
                },
            )
            .map_err(|_| "backup: encryption failed".to_string())?;
        let len = u32::try_from(ct.len()).map_err(|_| "backup: chunk too large".to_string())?;
        output.write_all(&len.to_be_bytes()).map_err(io)?;
        output.write_all(&nonce).map_err(io)?;
        output.write_all(&ct).map_err(io)?;
        total += n_cur as u64;
        if last {
            break;
        }
        std::mem::swap(&mut cur, &mut next);
        n_cur = n_next;
        index += 1;
    }
    output.flush().map_err(io)?;
    Ok(total)
}

/// Decrypts a backup made by `encrypt`; returns the plaintext bytes written. Any change,
/// reordering or truncation is an error (and what was written so far must be discarded).
pub fn decrypt(
    keys: &[&Key],
    input: &mut impl Read,
    output: &mut impl Write,
) -> Result<u64, String> {
    let io = |e: std::io::Error| format!("restore: {e}");
    let mut head = vec![0u8; MAGIC.len() + 8];
    if fill(input, &mut head).map_err(io)? != head.len() || &head[..MAGIC.len()] != MAGIC {
        return Err("restore: this is not a Handoff backup".into());
    }
    let kid = String::from_utf8_lossy(&head[MAGIC.len()..]).into_owned();
    let key = keys.iter().find(|k| k.id() == kid).ok_or_else(|| {
        format!("restore: the backup was made with key {kid}, which the key file lacks")
    })?;
    let c = cipher(key);
    let mut index = 0u64;
    let mut total = 0u64;
    loop {
        let mut len = [0u8; 4];
        let got = fill(input, &mut len).map_err(io)?;
        if got == 0 {
            return Err("restore: the backup is truncated (its last part is missing)".into());
        }
        if got != 4 {
            return Err("restore: the backup is truncated".into());
        }
        let len = u32::from_be_bytes(len) as usize;
        if len > CHUNK + 16 {
            return Err("restore: the backup is damaged (chunk length)".into());
        }
        let mut nonce = [0u8; 12];
        let mut ct = vec![0u8; len];
        if fill(input, &mut nonce).map_err(io)? != 12 || fill(input, &mut ct).map_err(io)? != len {
            return Err("restore: the backup is truncated".into());
        }
        // Try as an inner chunk, then as the last one.
        let mut last = false;
        let plain = match c.decrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &ct,
                aad: &aad(index, false),
            },
        ) {
            Ok(p) => p,
            Err(_) => {
                last = true;
                c.decrypt(
                    Nonce::from_slice(&nonce),
                    Payload {
                        msg: &ct,
                        aad: &aad(index, true),
                    },
                )
                .map_err(|_| {
                    format!("restore: the backup is damaged or was changed (part {index})")
                })?
            }
        };
        output.write_all(&plain).map_err(io)?;
        total += plain.len() as u64;
        if last {
            let mut extra = [0u8; 1];
            if fill(input, &mut extra).map_err(io)? != 0 {
                return Err("restore: data follows the backup's last part".into());
            }
            break;
        }
        index += 1;
    }
    output.flush().map_err(io)?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(data: &[u8]) -> Vec<u8> {
        let key = Key([5; 32]);
        let mut enc = Vec::new();
        encrypt(&key, &mut &data[..], &mut enc).unwrap();
        let mut dec = Vec::new();
        decrypt(&[&key], &mut &enc[..], &mut dec).unwrap();
        dec
    }

    #[test]
    fn backups_round_trip_at_every_size() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 % 251) as u8).collect();
            assert_eq!(round(&data), data, "{n} bytes");
        }
    }

    #[test]
    fn changed_truncated_reordered_or_foreign_backups_are_refused() {
        let key = Key([5; 32]);
        let data: Vec<u8> = (0..(2 * CHUNK + 10)).map(|i| i as u8).collect();
        let mut enc = Vec::new();
        encrypt(&key, &mut &data[..], &mut enc).unwrap();
        let no_plain = !enc.windows(64).any(|w| w == &data[1000..1064]);
        assert!(no_plain, "the plaintext is not in the backup");
        let refuse = |bytes: &[u8]| decrypt(&[&key], &mut &bytes[..], &mut Vec::new()).is_err();
        let mut changed = enc.clone();
        let mid = changed.len() / 2;
        changed[mid] ^= 1;
        assert!(refuse(&changed));
        // Without its last chunk (cut at a chunk boundary).
        let first = MAGIC.len() + 8;
        let chunk_len = 4 + 12 + CHUNK + 16;
        assert!(refuse(&enc[..first + 2 * chunk_len]));
        assert!(refuse(&enc[..enc.len() - 1]));
        // Two chunks swapped.
        let mut swapped = enc[..first].to_vec();
        swapped.extend_from_slice(&enc[first + chunk_len..first + 2 * chunk_len]);
        swapped.extend_from_slice(&enc[first..first + chunk_len]);
        swapped.extend_from_slice(&enc[first + 2 * chunk_len..]);
        assert!(refuse(&swapped));
        // Something appended.
        let mut longer = enc.clone();
        longer.push(0);
        assert!(refuse(&longer));
        // Another key.
        let e = decrypt(&[&Key([6; 32])], &mut &enc[..], &mut Vec::new()).unwrap_err();
        assert!(e.contains(&key.id()), "{e}");
        assert!(refuse(b"not a backup at all"));
    }
}
