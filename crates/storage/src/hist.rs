//! A span's duration histograms as one value (ADR 0011, amendment of issue 14): the four
//! measures' (bucket, encounters) pairs, bucket order, in a few bytes per bucket. A
//! dashboard reads one value per span instead of a row per bucket (a month held about a
//! thousand rows for the whole program), and adds the values up in memory.
//!
//! The value is a version byte (1), then for each measure in `ROLLUP_HISTOGRAMS` order the
//! number of buckets and, per bucket, its distance from the one before (the first: from
//! zero) and its count, as LEB128 varints (buckets and counts zigzag-coded, so a negative
//! never turns into garbage).
use std::collections::BTreeMap;

use crate::StoreError;

const VERSION: u8 = 1;

/// The number of measures a value holds.
pub(crate) const MEASURES: usize = 4;

/// Buckets below this are added up in an array; above, in a map (a stray duration of
/// years must not allocate its width).
const DENSE: i64 = 1 << 16;

/// Each measure's (bucket, count), bucket order.
pub(crate) type Lists = [Vec<(i64, i64)>; MEASURES];

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Encodes sorted lists (a list out of order is sorted first).
pub(crate) fn encode(lists: &Lists) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + lists.iter().map(|l| 1 + 3 * l.len()).sum::<usize>());
    out.push(VERSION);
    for list in lists {
        let mut list = list.clone();
        list.sort_unstable();
        put(&mut out, list.len() as u64);
        let mut prev = 0i64;
        for (bucket, n) in list {
            put(&mut out, zigzag(bucket.wrapping_sub(prev)));
            put(&mut out, zigzag(n));
            prev = bucket;
        }
    }
    out
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn varint(&mut self) -> Result<u64, StoreError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self
                .data
                .get(self.at)
                .ok_or_else(|| corrupt("it ends early"))?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt("a number is too long"))
    }
}

fn corrupt(why: &str) -> StoreError {
    StoreError::Corrupt(format!("a rolled-up histogram: {why}"))
}

/// Histograms being added up: each measure's counts by bucket.
#[derive(Default)]
pub(crate) struct Sum {
    dense: [Vec<i64>; MEASURES],
    sparse: BTreeMap<(usize, i64), i64>,
}

impl Sum {
    pub(crate) fn add(&mut self, measure: usize, bucket: i64, n: i64) {
        match (self.dense.get_mut(measure), usize::try_from(bucket)) {
            (Some(d), Ok(b)) if bucket < DENSE => {
                if d.len() <= b {
                    d.resize(b + 1, 0);
                }
                d[b] += n;
            }
            _ => *self.sparse.entry((measure, bucket)).or_default() += n,
        }
    }

    /// Adds an encoded value.
    pub(crate) fn add_encoded(&mut self, data: &[u8]) -> Result<(), StoreError> {
        match data.first() {
            Some(&VERSION) => {}
            Some(v) => return Err(corrupt(&format!("version {v} is not known"))),
            None => return Err(corrupt("it is empty")),
        }
        let mut r = Reader { data, at: 1 };
        for m in 0..MEASURES {
            let len = r.varint()?;
            let mut bucket = 0i64;
            for _ in 0..len {
                bucket = bucket.wrapping_add(unzigzag(r.varint()?));
                let n = unzigzag(r.varint()?);
                self.add(m, bucket, n);
            }
        }
        if r.at != data.len() {
            return Err(corrupt("bytes are left over"));
        }
        Ok(())
    }

    /// Each measure's non-zero (bucket, count), bucket order.
    pub(crate) fn lists(&self) -> Lists {
        let mut out: Lists = Default::default();
        for (m, list) in out.iter_mut().enumerate() {
            let dense = self.dense[m]
                .iter()
                .enumerate()
                .filter(|(_, n)| **n != 0)
                .map(|(b, n)| (b as i64, *n));
            let sparse = self
                .sparse
                .range((m, i64::MIN)..=(m, i64::MAX))
                .filter(|(_, n)| **n != 0)
                .map(|((_, b), n)| (*b, *n));
            list.extend(dense.chain(sparse));
            list.sort_unstable();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_as_written_and_add_up() {
        let a: Lists = [
            vec![(0, 1), (10, 3), (59, 2)],
            vec![],
            vec![(1, 5), (600, 1), (70_000, 2)],
            vec![(4, 1)],
        ];
        let mut s = Sum::default();
        s.add_encoded(&encode(&a)).unwrap();
        assert_eq!(s.lists(), a);
        let b: Lists = [
            vec![(10, 1)],
            vec![(3, 4)],
            vec![(70_000, 1)],
            vec![(-2, 1)],
        ];
        s.add_encoded(&encode(&b)).unwrap();
        let sum = s.lists();
        assert_eq!(sum[0], [(0, 1), (10, 4), (59, 2)]);
        assert_eq!(sum[1], [(3, 4)]);
        assert_eq!(sum[2], [(1, 5), (600, 1), (70_000, 3)]);
        assert_eq!(sum[3], [(-2, 1), (4, 1)]);
        // A few bytes a bucket.
        let big: Lists = [
            (0..60).map(|b| (b, 40)).collect(),
            (0..120).map(|b| (b, 300)).collect(),
            (0..600).map(|b| (b, 7)).collect(),
            (0..180).map(|b| (b, 1000)).collect(),
        ];
        assert!(encode(&big).len() < 3 * 960, "{}", encode(&big).len());
    }

    #[test]
    fn a_damaged_value_is_an_error_not_a_panic() {
        let good = encode(&[vec![(5, 300)], vec![], vec![], vec![]]);
        for bad in [
            vec![],
            vec![2],
            good[..good.len() - 1].to_vec(),
            [good.clone(), vec![0]].concat(),
            [vec![1], vec![0xff; 12]].concat(),
        ] {
            let mut s = Sum::default();
            assert!(
                matches!(s.add_encoded(&bad), Err(StoreError::Corrupt(_))),
                "{bad:?}"
            );
        }
    }
}
