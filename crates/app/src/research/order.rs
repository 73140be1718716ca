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

use super::Dates;
use super::row::{key_of, row_end};
use super::sink::Sink;
use crate::{AppError, AppResult};

/// Rows sorted in memory at most; and rows per temporary bucket.
const IN_MEMORY: u64 = 100_000;
const PER_BUCKET: u64 = 50_000;

pub(super) struct Order {
    dates: Dates,
    /// Cells a row has.
    width: usize,
    /// The rows waiting (a month's, or a small export's), encoded one after another as
    /// they come, and read back in key order as slices of one buffer (holding rows, or
    /// fact rows, and visiting them in key order cost a third of an export's time in cache
    /// misses).
    rows: Encoded,
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

/// Rows encoded into one buffer, with where each starts and ends and its key's first
/// bytes.
#[derive(Default)]
struct Encoded {
    buf: Vec<u8>,
    index: Vec<(u64, usize, usize)>,
}

impl Encoded {
    fn push(&mut self, row: &[u8]) {
        let start = self.buf.len();
        self.buf.extend_from_slice(row);
        self.index
            .push((prefix(key_of(row)), start, self.buf.len()));
    }

    /// Indexes rows of `width` cells encoded elsewhere (a bucket read back).
    fn from_bytes(buf: Vec<u8>, width: usize) -> AppResult<Encoded> {
        let mut index = Vec::new();
        let mut at = 0;
        while at < buf.len() {
            let next = row_end(&buf, at, width)?;
            index.push((prefix(key_of(&buf[at..next])), at, next));
            at = next;
        }
        Ok(Encoded { buf, index })
    }

    /// Writes the rows out in key order and empties the buffer (keeping its room).
    fn drain_into<W: Write + Send>(&mut self, sink: &mut Sink<W>) -> AppResult<()> {
        let buf = &self.buf;
        let key = |start: usize, end: usize| key_of(&buf[start..end]);
        self.index
            .sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| key(a.1, a.2).cmp(key(b.1, b.2))));
        for &(_, start, end) in &self.index {
            sink.push(&buf[start..end])?;
        }
        self.index.clear();
        self.buf.clear();
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

impl Order {
    /// The order of `total` rows of `width` cells, the first of each its key.
    pub(super) fn new(dates: Dates, total: u64, width: usize) -> AppResult<Order> {
        Order::with_limits(dates, total, width, IN_MEMORY, PER_BUCKET)
    }

    fn with_limits(
        dates: Dates,
        total: u64,
        width: usize,
        in_memory: u64,
        per_bucket: u64,
    ) -> AppResult<Order> {
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
            width,
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

    /// Takes one encoded row.
    pub(super) fn push(&mut self, row: &[u8]) -> AppResult<()> {
        if self.buckets.is_empty() {
            self.rows.push(row);
            return Ok(());
        }
        let prefix = std::str::from_utf8(key_of(row).get(..8).unwrap_or(b"0"))
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .unwrap_or(0);
        let k = ((u64::from(prefix) * self.buckets.len() as u64) >> 32) as usize;
        let out = self.buckets[k]
            .out
            .as_mut()
            .ok_or_else(|| AppError::Internal("export sort: bucket closed".into()))?;
        out.write_all(row).map_err(io)
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
            Encoded::from_bytes(bytes, self.width)?.drain_into(sink)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::row::Row;
    use super::super::{COLUMNS, Format, N};
    use super::*;

    /// A row of the encounter table's width: a key, a number, a flag, the rest empty.
    fn row(key: &str, n: i64) -> Vec<u8> {
        let mut r = Row::default();
        r.text(key.as_bytes());
        r.int(n);
        r.bool(n % 2 == 0);
        for _ in 3..N {
            r.empty();
        }
        r.as_bytes().to_vec()
    }

    #[test]
    fn rows_read_back_from_their_bytes_and_a_cut_bucket_is_an_error() {
        let mut buf = row("ab", -7);
        let second = buf.len();
        buf.extend(row("cd", 8));
        let e = Encoded::from_bytes(buf.clone(), N).unwrap();
        assert_eq!(e.index.len(), 2);
        assert_eq!(e.index[1].1, second);
        assert_eq!(e.index[1].2, buf.len());
        for cut in [1, 3, 5, second - 1, buf.len() - 1] {
            assert!(Encoded::from_bytes(buf[..cut].to_vec(), N).is_err());
        }
        assert!(
            Encoded::from_bytes(vec![9u8; 40], N).is_err(),
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
        let mut sink = Sink::new(Format::Csv, &mut out, &COLUMNS).unwrap();
        let mut order = Order::with_limits(Dates::Shift, 1000, N, 100, 64).unwrap();
        assert_eq!(order.buckets.len(), 16);
        let paths: Vec<_> = order.buckets.iter().map(|b| b.path.clone()).collect();
        for (i, k) in keys.iter().enumerate() {
            order.month("2026-01", &mut sink).unwrap();
            order.push(&row(k, i as i64)).unwrap();
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
        let mut sink = Sink::new(Format::Csv, &mut out, &COLUMNS).unwrap();
        let mut order = Order::new(Dates::Month, 4, N).unwrap();
        for (month, key) in [
            ("2026-01", "d"),
            ("2026-01", "a"),
            ("2026-02", "c"),
            ("2026-02", "b"),
        ] {
            order.month(month, &mut sink).unwrap();
            order.push(&row(key, 1)).unwrap();
        }
        order.finish(&mut sink).unwrap();
        sink.finish().unwrap();
        assert_eq!(keys_of(&out), ["a", "d", "b", "c"]);
    }

    /// The sink's thread: many batches arrive whole and in order, their cells as written
    /// (Parquet is checked by the export tests, with real rows); an output that fails, or
    /// a row of the wrong width, is an error of the export, not a hang or a panic.
    #[test]
    fn the_sink_thread_writes_every_row_in_order_and_reports_a_failing_output() {
        let n = 3 * super::super::sink::BATCH_ROWS + 17;
        let mut out = Vec::new();
        let mut sink = Sink::new(Format::Csv, &mut out, &COLUMNS).unwrap();
        for i in 0..n {
            sink.push(&row(&format!("{i:08}"), i as i64 - 5)).unwrap();
        }
        sink.finish().unwrap();
        let keys = keys_of(&out);
        assert_eq!(keys.len(), n);
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        let text = String::from_utf8(out).unwrap();
        let first = text.lines().nth(1).unwrap();
        assert_eq!(first, format!("00000000,-5,false{}", ",".repeat(N - 3)));

        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut sink = Sink::new(Format::Csv, Broken, &COLUMNS).unwrap();
        let mut failed = false;
        for i in 0..n {
            if sink.push(&row(&format!("{i:08}"), i as i64)).is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed || sink.finish().is_err());

        let mut out = Vec::new();
        let mut sink = Sink::new(Format::Parquet, &mut out, &COLUMNS).unwrap();
        sink.push(&row("short", 1)[..8]).unwrap();
        assert!(sink.finish().is_err(), "a row cut short");
    }
}
