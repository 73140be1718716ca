//! A short coded text held in place: a month, a pathway, a sex code. An export's scan
//! reads a million rows with six of them each, on a thread of its own; a `String` each was
//! six million allocations made there and freed on the thread that formats the rows.
use std::fmt;

/// Bytes a code holds in place; longer ones (none of the coded columns' values) are
/// allocated.
const IN_PLACE: usize = 22;

#[derive(Clone, PartialEq, Eq)]
pub struct Code(Held);

#[derive(Clone, PartialEq, Eq)]
enum Held {
    InPlace(u8, [u8; IN_PLACE]),
    Allocated(Box<str>),
}

impl Code {
    pub fn new(s: &str) -> Code {
        if s.len() <= IN_PLACE {
            let mut b = [0u8; IN_PLACE];
            b[..s.len()].copy_from_slice(s.as_bytes());
            Code(Held::InPlace(s.len() as u8, b))
        } else {
            Code(Held::Allocated(s.into()))
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always whole characters: `new` keeps a text that fits whole.
            Held::InPlace(n, b) => std::str::from_utf8(&b[..usize::from(*n)]).unwrap_or(""),
            Held::Allocated(s) => s,
        }
    }
}

impl std::ops::Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Code {
    fn from(s: &str) -> Code {
        Code::new(s)
    }
}

impl From<String> for Code {
    fn from(s: String) -> Code {
        Code::new(&s)
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_as_given_short_or_long() {
        let long = "a value longer than twenty-two bytes";
        for s in ["", "F", "2026-03", "officer_intervention", "ñandú-ü", long] {
            let c = Code::new(s);
            assert_eq!(c.as_str(), s);
            assert_eq!(c, Code::from(s.to_string()));
            assert_eq!(format!("{c}"), s);
        }
        assert!(matches!(Code::new("2026-03").0, Held::InPlace(7, _)));
        assert!(matches!(Code::new(long).0, Held::Allocated(_)));
        assert_ne!(Code::new("F"), Code::new("M"));
    }
}
