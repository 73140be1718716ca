//! Export rows from PostgreSQL's binary COPY format: `COPY (SELECT ...) TO STDOUT (FORMAT
//! binary)` sends each row as a field count and length-prefixed big-endian values, which
//! cost a third of what the row protocol's decoding did per row (exports of millions of
//! rows; ADR 0011). Only the scan's own query is read this way, its column types known.
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::code::Code;
use crate::rows::ExportRow;
use crate::{Result, StoreError};

const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

fn bad(what: &str) -> StoreError {
    StoreError::Corrupt(format!("export scan (COPY): {what}"))
}

/// Reads the rows of a binary COPY stream as its chunks arrive.
#[derive(Default)]
pub(crate) struct CopyReader {
    buf: Vec<u8>,
    at: usize,
    header: bool,
    done: bool,
}

/// Fields a row may have (the scan reads 28).
const MOST: usize = 32;

/// The fields of one row: each a slice, or none for NULL.
struct Fields<'a> {
    values: [Option<&'a [u8]>; MOST],
    count: usize,
}

impl<'a> Fields<'a> {
    fn get(&self, i: usize) -> Result<Option<&'a [u8]>> {
        self.values[..self.count]
            .get(i)
            .copied()
            .ok_or_else(|| bad("a column is missing"))
    }
    fn req(&self, i: usize) -> Result<&'a [u8]> {
        self.get(i)?.ok_or_else(|| bad("a required column is null"))
    }
    fn code(&self, i: usize) -> Result<Code> {
        std::str::from_utf8(self.req(i)?)
            .map(Code::new)
            .map_err(|_| bad("text"))
    }
    fn opt_code(&self, i: usize) -> Result<Option<Code>> {
        self.get(i)?
            .map(|b| {
                std::str::from_utf8(b)
                    .map(Code::new)
                    .map_err(|_| bad("text"))
            })
            .transpose()
    }
    fn uuid(&self, i: usize) -> Result<Uuid> {
        Uuid::from_slice(self.req(i)?).map_err(|_| bad("uuid"))
    }
    fn opt_uuid(&self, i: usize) -> Result<Option<Uuid>> {
        self.get(i)?
            .map(|b| Uuid::from_slice(b).map_err(|_| bad("uuid")))
            .transpose()
    }
    fn int(b: &[u8]) -> Result<i64> {
        match b.len() {
            8 => Ok(i64::from_be_bytes(b.try_into().map_err(|_| bad("int"))?)),
            4 => Ok(i64::from(i32::from_be_bytes(
                b.try_into().map_err(|_| bad("int"))?,
            ))),
            _ => Err(bad("int")),
        }
    }
    fn i64(&self, i: usize) -> Result<i64> {
        Self::int(self.req(i)?)
    }
    fn opt_i64(&self, i: usize) -> Result<Option<i64>> {
        self.get(i)?.map(Self::int).transpose()
    }
    fn bool(&self, i: usize) -> Result<bool> {
        match self.req(i)? {
            [b] => Ok(*b != 0),
            _ => Err(bad("bool")),
        }
    }
    fn opt_bool(&self, i: usize) -> Result<Option<bool>> {
        match self.get(i)? {
            None => Ok(None),
            Some([b]) => Ok(Some(*b != 0)),
            Some(_) => Err(bad("bool")),
        }
    }
    /// A date: days since 2000-01-01.
    fn date(&self, i: usize) -> Result<NaiveDate> {
        let days = i32::from_be_bytes(self.req(i)?.try_into().map_err(|_| bad("date"))?);
        epoch()
            .checked_add_signed(chrono::Duration::days(i64::from(days)))
            .ok_or_else(|| bad("date"))
    }
    /// A timestamp with time zone: microseconds since 2000-01-01 UTC.
    fn opt_time(&self, i: usize) -> Result<Option<DateTime<Utc>>> {
        self.get(i)?
            .map(|b| {
                let us = i64::from_be_bytes(b.try_into().map_err(|_| bad("time"))?);
                epoch()
                    .and_hms_opt(0, 0, 0)
                    .map(|t| t.and_utc())
                    .and_then(|t| t.checked_add_signed(chrono::Duration::microseconds(us)))
                    .ok_or_else(|| bad("time"))
            })
            .transpose()
    }
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

impl CopyReader {
    /// Takes a chunk of the stream and returns the rows it completes (a row may span
    /// chunks: the rest waits for the next).
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Result<Vec<ExportRow>> {
        if self.at > 0 {
            self.buf.drain(..self.at);
            self.at = 0;
        }
        self.buf.extend_from_slice(chunk);
        let mut rows = Vec::new();
        if !self.header {
            // Signature, flags, and the length of a header extension to skip.
            let Some(ext) = self.buf.get(15..19) else {
                return Ok(rows);
            };
            if !self.buf.starts_with(SIGNATURE) {
                return Err(bad("not a binary COPY stream"));
            }
            let ext = u32::from_be_bytes(ext.try_into().map_err(|_| bad("header"))?) as usize;
            if self.buf.len() < 19 + ext {
                return Ok(rows);
            }
            self.at = 19 + ext;
            self.header = true;
        }
        while !self.done {
            match self.row()? {
                Some(r) => rows.push(r),
                None => break,
            }
        }
        Ok(rows)
    }

    /// Whether the stream's trailer was read.
    pub(crate) fn finished(&self) -> bool {
        self.done
    }

    /// The next complete row, if the buffer holds one.
    fn row(&mut self) -> Result<Option<ExportRow>> {
        let buf = &self.buf[self.at..];
        let Some(count) = buf.get(..2) else {
            return Ok(None);
        };
        let count = i16::from_be_bytes([count[0], count[1]]);
        if count == -1 {
            self.done = true;
            self.at += 2;
            return Ok(None);
        }
        let mut at = 2;
        let count = usize::try_from(count).map_err(|_| bad("a field count"))?;
        if count > MOST {
            return Err(bad("more fields than the scan reads"));
        }
        let mut values = [None; MOST];
        for value in values.iter_mut().take(count) {
            let Some(len) = buf.get(at..at + 4) else {
                return Ok(None);
            };
            let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
            at += 4;
            if len < 0 {
                continue;
            }
            let Some(v) = buf.get(at..at + len as usize) else {
                return Ok(None);
            };
            *value = Some(v);
            at += len as usize;
        }
        let f = Fields { values, count };
        let row = ExportRow {
            encounter_id: f.uuid(0)?,
            day: f.date(1)?,
            month: f.code(2)?,
            pathway: f.code(3)?,
            agency_id: f.uuid(4)?,
            agency_kind: f.code(5)?,
            officer_id: f.uuid(6)?,
            provider_id: f.opt_uuid(7)?,
            participant_id: f.uuid(8)?,
            sex: f.code(9)?,
            race: f.code(10)?,
            ethnicity: f.code(11)?,
            age: f.i64(12)?,
            prior_encounters: f.i64(13)?,
            eligible: f.bool(14)?,
            offered: f.bool(15)?,
            accepted: f.bool(16)?,
            referred: f.bool(17)?,
            screened: f.bool(18)?,
            handed_off: f.bool(19)?,
            warm_minutes: f.opt_i64(20)?,
            contact_minutes: f.opt_i64(21)?,
            intake_minutes: f.opt_i64(22)?,
            engaged_minutes: f.opt_i64(23)?,
            exit_kind: f.opt_code(24)?,
            exit_minutes: f.opt_i64(25)?,
            deadline_ends_at: f.opt_time(26)?,
            deadline_met: f.opt_bool(27)?,
        };
        self.at += at;
        Ok(Some(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A binary COPY stream of one row as the scan selects it, and the trailer.
    fn stream(provider: Option<Uuid>) -> Vec<u8> {
        let mut s = SIGNATURE.to_vec();
        s.extend(0u32.to_be_bytes());
        s.extend(0u32.to_be_bytes());
        s.extend(28i16.to_be_bytes());
        let mut field = |b: Option<&[u8]>| match b {
            Some(b) => {
                s.extend((b.len() as i32).to_be_bytes());
                s.extend(b);
            }
            None => s.extend((-1i32).to_be_bytes()),
        };
        let id = Uuid::from_u128(7);
        field(Some(id.as_bytes()));
        let day = (NaiveDate::from_ymd_opt(2025, 12, 3).unwrap() - epoch()).num_days() as i32;
        field(Some(&day.to_be_bytes()));
        for t in ["2025-12", "officer_intervention"] {
            field(Some(t.as_bytes()));
        }
        field(Some(id.as_bytes()));
        field(Some(b"law_enforcement"));
        field(Some(id.as_bytes()));
        field(provider.as_ref().map(|p| &p.as_bytes()[..]));
        field(Some(id.as_bytes()));
        for t in ["F", "W", "N"] {
            field(Some(t.as_bytes()));
        }
        field(Some(&40i64.to_be_bytes()));
        field(Some(&1i64.to_be_bytes()));
        for b in [1u8, 1, 0, 0, 0, 1] {
            field(Some(&[b]));
        }
        field(Some(&30i64.to_be_bytes()));
        field(None);
        field(None);
        field(None);
        field(Some(b"completed"));
        field(None);
        // 2000-01-02 00:00:01 UTC.
        field(Some(&(86_401_000_000i64).to_be_bytes()));
        field(None);
        s.extend((-1i16).to_be_bytes());
        s
    }

    #[test]
    fn rows_are_read_across_chunks_whatever_their_size() {
        let s = stream(Some(Uuid::from_u128(9)));
        for size in [1, 3, 7, 64, s.len()] {
            let mut r = CopyReader::default();
            let mut rows = Vec::new();
            for chunk in s.chunks(size) {
                rows.extend(r.feed(chunk).unwrap());
            }
            assert!(r.finished(), "chunks of {size}");
            assert_eq!(rows.len(), 1);
            let row = &rows[0];
            assert_eq!(row.day, NaiveDate::from_ymd_opt(2025, 12, 3).unwrap());
            assert_eq!(row.pathway, "officer_intervention");
            assert_eq!(row.provider_id, Some(Uuid::from_u128(9)));
            assert_eq!(row.age, 40);
            assert!(row.eligible && row.offered && !row.accepted && row.handed_off);
            assert_eq!(row.warm_minutes, Some(30));
            assert_eq!(row.contact_minutes, None);
            assert_eq!(row.exit_kind.as_deref(), Some("completed"));
            assert_eq!(
                row.deadline_ends_at.unwrap().to_rfc3339(),
                "2000-01-02T00:00:01+00:00"
            );
            assert_eq!(row.deadline_met, None);
        }
        let mut r = CopyReader::default();
        assert_eq!(r.feed(&stream(None)).unwrap()[0].provider_id, None);
    }

    #[test]
    fn what_is_not_a_copy_stream_is_refused() {
        let mut r = CopyReader::default();
        assert!(r.feed(b"NOTCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0").is_err());
        // A required column sent as null.
        let mut s = stream(None);
        let at = SIGNATURE.len() + 8 + 2;
        s[at..at + 4].copy_from_slice(&(-1i32).to_be_bytes());
        s.drain(at + 4..at + 4 + 16);
        assert!(CopyReader::default().feed(&s).is_err());
    }
}
