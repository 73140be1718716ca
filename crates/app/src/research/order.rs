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
use std::io::{BufReader, BufWriter, Read, Seek, Write};

use parquet::data_type::ByteArray;

use super::sink::{Sink, Value, cell};
use super::{Dates, N};
use crate::{AppError, AppResult};

/// Rows sorted in memory at most; and rows per temporary bucket.
const IN_MEMORY: u64 = 100_000;
const PER_BUCKET: u64 = 50_000;

pub(super) struct Order {
    dates: Dates,
    rows: Vec<[Value; N]>,
    month: String,
    buckets: Vec<Bucket>,
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

fn by_key(rows: &mut [[Value; N]]) {
    rows.sort_unstable_by(|a, b| cell(&a[0]).cmp(cell(&b[0])));
}

impl Order {
    pub(super) fn new(dates: Dates, total: u64) -> AppResult<Order> {
        Order::with_limits(dates, total, IN_MEMORY, PER_BUCKET)
    }

    fn with_limits(dates: Dates, total: u64, in_memory: u64, per_bucket: u64) -> AppResult<Order> {
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
            rows: Vec::new(),
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
            self.flush(sink)?;
            month.clone_into(&mut self.month);
        }
        Ok(())
    }

    /// Takes one row.
    pub(super) fn push(&mut self, row: [Value; N]) -> AppResult<()> {
        if self.buckets.is_empty() {
            self.rows.push(row);
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
        encode(out, &row).map_err(io)
    }

    fn flush<W: Write + Send>(&mut self, sink: &mut Sink<W>) -> AppResult<()> {
        by_key(&mut self.rows);
        for row in self.rows.drain(..) {
            sink.push(row)?;
        }
        Ok(())
    }

    /// Writes out the rest: the last month, or every bucket in key order.
    pub(super) fn finish<W: Write + Send>(mut self, sink: &mut Sink<W>) -> AppResult<()> {
        self.flush(sink)?;
        let mut buckets = std::mem::take(&mut self.buckets);
        for b in &mut buckets {
            let mut file = b
                .out
                .take()
                .ok_or_else(|| AppError::Internal("export sort: bucket closed".into()))?
                .into_inner()
                .map_err(|e| io(e.into_error()))?;
            file.rewind().map_err(io)?;
            let mut input = BufReader::new(file);
            while let Some(row) = decode(&mut input)? {
                self.rows.push(row);
            }
            self.flush(sink)?;
        }
        Ok(())
    }
}

/// A row as bytes: per cell a tag (0 empty, 1 text, 2 number, 3 true, 4 false), then a
/// text's length and bytes or a number's eight bytes.
fn encode(out: &mut impl Write, row: &[Value; N]) -> std::io::Result<()> {
    for v in row {
        match v {
            Value::Empty => out.write_all(&[0])?,
            Value::Int(n) => {
                out.write_all(&[2])?;
                out.write_all(&n.to_le_bytes())?;
            }
            Value::Bool(b) => out.write_all(&[if *b { 3 } else { 4 }])?,
            v => {
                let bytes = cell(v);
                out.write_all(&[1])?;
                out.write_all(&(bytes.len() as u32).to_le_bytes())?;
                out.write_all(bytes)?;
            }
        }
    }
    Ok(())
}

fn decode(input: &mut impl Read) -> AppResult<Option<[Value; N]>> {
    let mut row: [Value; N] = std::array::from_fn(|_| Value::Empty);
    for (i, v) in row.iter_mut().enumerate() {
        let mut tag = [0u8; 1];
        match input.read(&mut tag).map_err(io)? {
            0 if i == 0 => return Ok(None),
            0 => return Err(AppError::Internal("export sort: a row cut short".into())),
            _ => {}
        }
        *v = match tag[0] {
            0 => Value::Empty,
            1 => {
                let mut len = [0u8; 4];
                input.read_exact(&mut len).map_err(io)?;
                let mut bytes = vec![0; u32::from_le_bytes(len) as usize];
                input.read_exact(&mut bytes).map_err(io)?;
                Value::Shared(ByteArray::from(bytes))
            }
            2 => {
                let mut n = [0u8; 8];
                input.read_exact(&mut n).map_err(io)?;
                Value::Int(i64::from_le_bytes(n))
            }
            3 => Value::Bool(true),
            4 => Value::Bool(false),
            t => return Err(AppError::Internal(format!("export sort: tag {t}"))),
        };
    }
    Ok(Some(row))
}

#[cfg(test)]
mod tests {
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
        encode(&mut buf, &row("ab", -7)).unwrap();
        encode(&mut buf, &row("cd", 8)).unwrap();
        let mut input = &buf[..];
        let a = decode(&mut input).unwrap().unwrap();
        assert_eq!(cell(&a[0]), b"ab");
        assert!(matches!(a[1], Value::Int(-7)));
        assert!(matches!(a[2], Value::Bool(false)));
        assert!(matches!(a[3], Value::Empty));
        assert!(decode(&mut input).unwrap().is_some());
        assert!(decode(&mut input).unwrap().is_none());
        // A row cut short is an error, not a short row.
        let mut short = &buf[..5];
        assert!(decode(&mut short).is_err());
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
        let mut sink = Sink::new(super::super::Format::Csv, &mut out).unwrap();
        let mut order = Order::with_limits(Dates::Shift, 1000, 100, 64).unwrap();
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
        let mut sink = Sink::new(super::super::Format::Csv, &mut out).unwrap();
        let mut order = Order::new(Dates::Month, 4).unwrap();
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
}
