//! The order rows leave in: by encounter key (a keyed hash, random per recipient), so that
//! nothing in the order tells when an encounter happened. The storage reads by day; an
//! export in that order would tell a month-only recipient each encounter's day, and a
//! shifted-date recipient each encounter's real order, from which the shifts follow.
//!
//! Month-only exports sort a month at a time (the month is published anyway). Shifted
//! exports sort the whole export: in memory up to `IN_MEMORY` rows, else through
//! temporary files (buckets by key prefix, each sorted in memory), so that memory stays
//! bounded whatever the row count.
use std::fs::File;
use std::io::{BufWriter, Read, Seek, Write};

use parquet::data_type::ByteArray;

use super::Dates;
use super::sink::{Sink, Value, cell};
use crate::{AppError, AppResult};

/// Rows sorted in memory at most; and rows per temporary bucket.
const IN_MEMORY: u64 = 100_000;
const PER_BUCKET: u64 = 50_000;

pub(super) struct Order<const M: usize> {
    dates: Dates,
    /// The rows waiting (a month's, or a small export's), encoded one after another as
    /// they come: their cells are written once, in the order the storage reads them, and
    /// read back in key order as slices of one buffer (holding rows, or fact rows, and
    /// visiting them in key order cost a third of an export's time in cache misses).
    rows: Encoded<M>,
    month: String,
    buckets: Vec<Bucket>,
}

/// A key's first eight bytes as a number: most comparisons of a sort end there.
fn prefix(key: &[u8]) -> u64 {
    let mut p = [0u8; 8];
    let n = key.len().min(8);
    p[..n].copy_from_slice(&key[..n]);
    u64::from_be_bytes(p)
}

/// Rows encoded into one buffer, with where each starts and its key's first bytes.
struct Encoded<const M: usize> {
    buf: Vec<u8>,
    index: Vec<(u64, usize)>,
}

impl<const M: usize> Default for Encoded<M> {
    fn default() -> Self {
        Encoded {
            buf: Vec::new(),
            index: Vec::new(),
        }
    }
}

impl<const M: usize> Encoded<M> {
    fn push(&mut self, row: &[Value; M]) {
        let start = self.buf.len();
        encode(&mut self.buf, row);
        self.index.push((prefix(cell(&row[0])), start));
    }

    /// Indexes rows encoded elsewhere (a bucket read back).
    fn from_bytes(buf: Vec<u8>) -> AppResult<Encoded<M>> {
        let mut index = Vec::new();
        let mut at = 0;
        while at < buf.len() {
            let (cells, next) = cells_at::<M>(&buf, at)?;
            let (_, from, len) = cells[0];
            index.push((prefix(&buf[from..from + len]), at));
            at = next;
        }
        Ok(Encoded { buf, index })
    }

    /// Writes the rows out in key order and empties the buffer.
    fn drain_into<W: Write + Send>(&mut self, sink: &mut Sink<W>) -> AppResult<()> {
        if self.index.is_empty() {
            return Ok(());
        }
        let buf = &self.buf;
        // A row starts with its key: tag 1, four bytes of length, the bytes.
        let key = |start: usize| -> &[u8] {
            let len = buf
                .get(start + 1..start + 5)
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map_or(0, |b| u32::from_le_bytes(b) as usize);
            buf.get(start + 5..start + 5 + len).unwrap_or(b"")
        };
        self.index
            .sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| key(a.1).cmp(key(b.1))));
        let whole = ByteArray::from(std::mem::take(&mut self.buf));
        for (_, start) in self.index.drain(..) {
            sink.push(decode_at::<M>(&whole, start)?.0)?;
        }
        Ok(())
    }
}

/// A temporary file of encoded rows, removed when dropped.
struct Bucket {
    path: std::path::PathBuf,
    out: Option<BufWriter<File>>,
}

impl Drop for Bucket {
    fn drop(&mut self) {
        self.out = None;
        let _ = std::fs::remove_file(&self.path);
    }
}

fn io(e: std::io::Error) -> AppError {
    AppError::Internal(format!("export sort: {e}"))
}

impl<const M: usize> Order<M> {
    pub(super) fn new(dates: Dates, total: u64) -> AppResult<Order<M>> {
        Order::with_limits(dates, total, IN_MEMORY, PER_BUCKET)
    }

    fn with_limits(
        dates: Dates,
        total: u64,
        in_memory: u64,
        per_bucket: u64,
    ) -> AppResult<Order<M>> {
        let mut buckets = Vec::new();
        if dates == Dates::Shift && total > in_memory {
            let id = uuid::Uuid::now_v7();
            for k in 0..total.div_ceil(per_bucket.max(1)) {
                let path = std::env::temp_dir().join(format!("handoff-export-{id}-{k}"));
                let mut options = std::fs::OpenOptions::new();
                options.read(true).write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                let file = options.open(&path).map_err(io)?;
                buckets.push(Bucket {
                    path,
                    out: Some(BufWriter::new(file)),
                });
            }
        }
        Ok(Order {
            dates,
            rows: Encoded::default(),
            month: String::new(),
            buckets,
        })
    }

    /// Says the month of the rows that come next (the storage's own), writing out a
    /// month-only export's month before when it is complete.
    pub(super) fn month<W: Write + Send>(
        &mut self,
        month: &str,
        sink: &mut Sink<W>,
    ) -> AppResult<()> {
        if self.dates == Dates::Month && month != self.month {
            self.rows.drain_into(sink)?;
            month.clone_into(&mut self.month);
        }
        Ok(())
    }

    /// Takes one row.
    pub(super) fn push(&mut self, row: [Value; M]) -> AppResult<()> {
        if self.buckets.is_empty() {
            self.rows.push(&row);
            return Ok(());
        }
        let key = cell(&row[0]);
        let prefix = std::str::from_utf8(key.get(..8).unwrap_or(b"0"))
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .unwrap_or(0);
        let k = ((u64::from(prefix) * self.buckets.len() as u64) >> 32) as usize;
        let out = self.buckets[k]
            .out
            .as_mut()
            .ok_or_else(|| AppError::Internal("export sort: bucket closed".into()))?;
        let mut bytes = Vec::new();
        encode(&mut bytes, &row);
        out.write_all(&bytes).map_err(io)
    }

    /// Writes out the rest: the last month, or every bucket in key order.
    pub(super) fn finish<W: Write + Send>(mut self, sink: &mut Sink<W>) -> AppResult<()> {
        self.rows.drain_into(sink)?;
        let mut buckets = std::mem::take(&mut self.buckets);
        for b in &mut buckets {
            let mut file = b
                .out
                .take()
                .ok_or_else(|| AppError::Internal("export sort: bucket closed".into()))?
                .into_inner()
                .map_err(|e| io(e.into_error()))?;
            file.rewind().map_err(io)?;
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).map_err(io)?;
            Encoded::<M>::from_bytes(bytes)?.drain_into(sink)?;
        }
        Ok(())
    }
}

/// A row as bytes: per cell a tag (0 empty, 1 text, 2 number, 3 true, 4 false), then a
/// text's length and bytes or a number's eight bytes.
fn encode(out: &mut Vec<u8>, row: &[Value]) {
    for v in row {
        match v {
            Value::Empty => out.push(0),
            Value::Int(n) => {
                out.push(2);
                out.extend_from_slice(&n.to_le_bytes());
            }
            Value::Bool(b) => out.push(if *b { 3 } else { 4 }),
            v => {
                let bytes = cell(v);
                out.push(1);
                out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
                out.extend_from_slice(bytes);
            }
        }
    }
}

/// An encoded cell: its tag, and where its bytes start and how many.
type Cell = (u8, usize, usize);

/// The cells of the row encoded at `start` of a buffer, as (tag, range of its bytes),
/// and where the next row begins.
fn cells_at<const M: usize>(buf: &[u8], start: usize) -> AppResult<([Cell; M], usize)> {
    let short = || AppError::Internal("export sort: a row cut short".into());
    let mut at = start;
    let mut cells = [(0u8, 0usize, 0usize); M];
    for c in cells.iter_mut() {
        let tag = *buf.get(at).ok_or_else(short)?;
        at += 1;
        let len = match tag {
            0 | 3 | 4 => 0,
            1 => {
                let b: [u8; 4] = buf
                    .get(at..at + 4)
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(short)?;
                at += 4;
                u32::from_le_bytes(b) as usize
            }
            2 => 8,
            t => return Err(AppError::Internal(format!("export sort: tag {t}"))),
        };
        if buf.len() < at + len {
            return Err(short());
        }
        *c = (tag, at, len);
        at += len;
    }
    Ok((cells, at))
}

/// The row encoded at `start` of a buffer (its text cells slices of it, not copies), and
/// where the next begins.
fn decode_at<const M: usize>(whole: &ByteArray, start: usize) -> AppResult<([Value; M], usize)> {
    let buf = whole.data();
    let (cells, next) = cells_at::<M>(buf, start)?;
    let mut row: [Value; M] = std::array::from_fn(|_| Value::Empty);
    for (v, (tag, at, len)) in row.iter_mut().zip(cells) {
        *v = match tag {
            1 => Value::Shared(whole.slice(at, len)),
            2 => {
                let mut n = [0u8; 8];
                n.copy_from_slice(&buf[at..at + 8]);
                Value::Int(i64::from_le_bytes(n))
            }
            3 => Value::Bool(true),
            4 => Value::Bool(false),
            _ => Value::Empty,
        };
    }
    Ok((row, next))
}

#[cfg(test)]
mod tests {
    use super::super::N;
    use super::*;

    fn row(key: &str, n: i64) -> [Value; N] {
        let mut r: [Value; N] = std::array::from_fn(|_| Value::Empty);
        r[0] = Value::Text(key.into());
        r[1] = Value::Int(n);
        r[2] = Value::Bool(n % 2 == 0);
        r
    }

    #[test]
    fn rows_survive_their_bytes() {
        let mut buf = Vec::new();
        encode(&mut buf, &row("ab", -7));
        let second = buf.len();
        encode(&mut buf, &row("cd", 8));
        let whole = ByteArray::from(buf.clone());
        let (a, next) = decode_at::<N>(&whole, 0).unwrap();
        assert_eq!(next, second);
        assert_eq!(cell(&a[0]), b"ab");
        assert!(matches!(a[1], Value::Int(-7)));
        assert!(matches!(a[2], Value::Bool(false)));
        assert!(matches!(a[3], Value::Empty));
        let (b, end) = decode_at::<N>(&whole, second).unwrap();
        assert_eq!(cell(&b[0]), b"cd");
        assert_eq!(end, buf.len());
        // A row cut short is an error, not a short row or a panic.
        for cut in [1, 3, 5, second - 1] {
            assert!(decode_at::<N>(&ByteArray::from(buf[..cut].to_vec()), 0).is_err());
            assert!(Encoded::<N>::from_bytes(buf[..cut].to_vec()).is_err());
        }
        assert!(
            decode_at::<N>(&ByteArray::from(vec![9u8; 40]), 0).is_err(),
            "unknown tag"
        );
    }

    /// The keys of a CSV export, in the order written.
    fn keys_of(csv: &[u8]) -> Vec<String> {
        String::from_utf8(csv.to_vec())
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn a_shifted_export_larger_than_memory_leaves_in_key_order_through_files() {
        let keys: Vec<String> = (0..1000u64)
            .map(|i| format!("{:016x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
            .collect();
        let mut out = Vec::new();
        let mut sink =
            Sink::new(super::super::Format::Csv, &mut out, &super::super::COLUMNS).unwrap();
        let mut order = Order::<N>::with_limits(Dates::Shift, 1000, 100, 64).unwrap();
        assert_eq!(order.buckets.len(), 16);
        let paths: Vec<_> = order.buckets.iter().map(|b| b.path.clone()).collect();
        for (i, k) in keys.iter().enumerate() {
            order.month("2026-01", &mut sink).unwrap();
            order.push(row(k, i as i64)).unwrap();
        }
        order.finish(&mut sink).unwrap();
        sink.finish().unwrap();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys_of(&out), sorted);
        assert!(paths.iter().all(|p| !p.exists()), "temporary files removed");
    }

    #[test]
    fn a_month_only_export_sorts_each_month_by_key() {
        let mut out = Vec::new();
        let mut sink =
            Sink::new(super::super::Format::Csv, &mut out, &super::super::COLUMNS).unwrap();
        let mut order = Order::<N>::new(Dates::Month, 4).unwrap();
        for (month, key) in [
            ("2026-01", "d"),
            ("2026-01", "a"),
            ("2026-02", "c"),
            ("2026-02", "b"),
        ] {
            order.month(month, &mut sink).unwrap();
            order.push(row(key, 1)).unwrap();
        }
        order.finish(&mut sink).unwrap();
        sink.finish().unwrap();
        assert_eq!(keys_of(&out), ["a", "d", "b", "c"]);
    }

    /// The sink's thread: many batches arrive whole and in order (Parquet is checked by
    /// the export tests, with real rows); an output that fails is an error of the export,
    /// not a hang or a panic.
    #[test]
    fn the_sink_thread_writes_every_row_in_order_and_reports_a_failing_output() {
        let n = 3 * super::super::sink::BATCH_ROWS + 17;
        let mut out = Vec::new();
        let mut sink =
            Sink::new(super::super::Format::Csv, &mut out, &super::super::COLUMNS).unwrap();
        for i in 0..n {
            sink.push(row(&format!("{i:08}"), i as i64)).unwrap();
        }
        sink.finish().unwrap();
        let keys = keys_of(&out);
        assert_eq!(keys.len(), n);
        assert!(keys.windows(2).all(|w| w[0] < w[1]));

        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut sink =
            Sink::new(super::super::Format::Csv, Broken, &super::super::COLUMNS).unwrap();
        let mut failed = false;
        for i in 0..n {
            if sink.push(row(&format!("{i:08}"), i as i64)).is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed || sink.finish().is_err());
    }
}
