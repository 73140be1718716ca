//! An export's rows as bytes: each row is encoded once, as it is made, and travels so
//! through the ordering (`order`), the temporary files and the sink's thread, which reads
//! its cells in place (issue 14). No cell is an allocation of its own, and nothing is
//! shared between threads but whole buffers.
//!
//! Per cell a tag: 0 empty, 1 text (four bytes of length, then the bytes), 2 number (eight
//! bytes), 3 true, 4 false.
use crate::{AppError, AppResult};

const EMPTY: u8 = 0;
const TEXT: u8 = 1;
const INT: u8 = 2;
const TRUE: u8 = 3;
const FALSE: u8 = 4;

/// One row being written, cell after cell.
#[derive(Default)]
pub(super) struct Row(Vec<u8>);

impl Row {
    /// Starts the next row (the buffer is kept).
    pub(super) fn clear(&mut self) {
        self.0.clear();
    }
    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    pub(super) fn text(&mut self, b: &[u8]) {
        // No cell is near 4 GB; one that were would be cut, not misread.
        let b = &b[..b.len().min(u32::MAX as usize)];
        self.0.push(TEXT);
        self.0.extend_from_slice(&(b.len() as u32).to_le_bytes());
        self.0.extend_from_slice(b);
    }
    /// A text cell, empty when absent or blank.
    pub(super) fn opt_text(&mut self, s: Option<&str>) {
        match s.map(str::trim) {
            None | Some("") => self.empty(),
            Some(s) => self.text(s.as_bytes()),
        }
    }
    pub(super) fn int(&mut self, n: i64) {
        self.0.push(INT);
        self.0.extend_from_slice(&n.to_le_bytes());
    }
    pub(super) fn opt_int(&mut self, n: Option<i64>) {
        match n {
            Some(n) => self.int(n),
            None => self.empty(),
        }
    }
    pub(super) fn bool(&mut self, b: bool) {
        self.0.push(if b { TRUE } else { FALSE });
    }
    pub(super) fn empty(&mut self) {
        self.0.push(EMPTY);
    }
}

/// One cell read back: a text as the range of its bytes in the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cell {
    Empty,
    Text(usize, usize),
    Int(i64),
    Bool(bool),
}

fn short() -> AppError {
    AppError::Internal("export: a row cut short".into())
}

/// The cell at `at` of a buffer, and where the next begins.
pub(super) fn cell_at(buf: &[u8], at: usize) -> AppResult<(Cell, usize)> {
    let tag = *buf.get(at).ok_or_else(short)?;
    let body = at + 1;
    let word = |n: usize| buf.get(body..body + n).ok_or_else(short);
    Ok(match tag {
        EMPTY => (Cell::Empty, body),
        TRUE => (Cell::Bool(true), body),
        FALSE => (Cell::Bool(false), body),
        INT => {
            let b: [u8; 8] = word(8)?.try_into().map_err(|_| short())?;
            (Cell::Int(i64::from_le_bytes(b)), body + 8)
        }
        TEXT => {
            let b: [u8; 4] = word(4)?.try_into().map_err(|_| short())?;
            let len = u32::from_le_bytes(b) as usize;
            let start = body + 4;
            if buf.len() < start + len {
                return Err(short());
            }
            (Cell::Text(start, len), start + len)
        }
        t => return Err(AppError::Internal(format!("export: cell tag {t}"))),
    })
}

/// Where the row of `width` cells at `at` ends.
pub(super) fn row_end(buf: &[u8], at: usize, width: usize) -> AppResult<usize> {
    let mut next = at;
    for _ in 0..width {
        next = cell_at(buf, next)?.1;
    }
    Ok(next)
}

/// The bytes of a row's first cell, its key (empty when it is not a text).
pub(super) fn key_of(row: &[u8]) -> &[u8] {
    match cell_at(row, 0) {
        Ok((Cell::Text(start, len), _)) => &row[start..start + len],
        _ => b"",
    }
}

/// A number as decimal digits, without the formatting machinery (a million rows hold
/// several million numbers).
pub(super) fn digits(n: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back_as_written_and_a_cut_row_is_an_error() {
        let mut r = Row::default();
        r.text(b"ab");
        r.int(-7);
        r.bool(true);
        r.bool(false);
        r.opt_text(Some("  "));
        r.opt_int(None);
        r.opt_text(Some(" x "));
        let buf = r.as_bytes().to_vec();
        let mut at = 0;
        let mut cells = Vec::new();
        while at < buf.len() {
            let (c, next) = cell_at(&buf, at).unwrap();
            cells.push(c);
            at = next;
        }
        assert_eq!(
            cells,
            [
                Cell::Text(5, 2),
                Cell::Int(-7),
                Cell::Bool(true),
                Cell::Bool(false),
                Cell::Empty,
                Cell::Empty,
                Cell::Text(buf.len() - 1, 1),
            ]
        );
        assert_eq!(key_of(&buf), b"ab");
        assert_eq!(row_end(&buf, 0, 7).unwrap(), buf.len());
        for cut in [1, 3, 6, 8, buf.len() - 1] {
            assert!(row_end(&buf[..cut], 0, 7).is_err(), "cut at {cut}");
        }
        assert!(cell_at(&[9], 0).is_err(), "unknown tag");
    }

    #[test]
    fn numbers_are_written_as_decimal_digits() {
        let mut b = [0u8; 20];
        for n in [0, 7, -7, 10, 1_234_567, i64::MAX, i64::MIN] {
            assert_eq!(digits(n, &mut b), n.to_string().as_bytes());
        }
    }
}
