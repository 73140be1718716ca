//! Lowercase hex, by table: it runs for every pseudonym of an export and every blind index
//! written (`format!` per byte cost a tenth of an export).

const DIGITS: &[u8; 16] = b"0123456789abcdef";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Sixteen bytes as 32 digits, in an array.
pub fn encode_16(bytes: &[u8; 16]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, b) in out.chunks_exact_mut(2).zip(bytes) {
        o[0] = DIGITS[usize::from(b >> 4)];
        o[1] = DIGITS[usize::from(b & 0x0f)];
    }
    out
}
