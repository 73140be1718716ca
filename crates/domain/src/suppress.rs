//! Small-number protection for published tables (issue 5): a count from 1 to
//! `threshold - 1` is not shown (primary suppression), and where a row or column total is
//! shown, a second cell is hidden so that the first cannot be worked out from the total
//! (complementary suppression). Zero is shown: it reveals no one.
use serde::Serialize;

/// The threshold programs use unless they set another (counts of 1 to 10 are hidden).
pub const DEFAULT_THRESHOLD: u64 = 11;

/// A table as published: `None` is a suppressed cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    pub cells: Vec<Vec<Option<u64>>>,
    pub row_totals: Vec<Option<u64>>,
    pub col_totals: Vec<Option<u64>>,
    pub total: Option<u64>,
}

fn small(n: u64, threshold: u64) -> bool {
    n > 0 && n < threshold
}

/// Suppresses a table of counts whose row and column totals (and grand total) are
/// published with it.
pub fn suppress(cells: &[Vec<u64>], threshold: u64) -> Published {
    let rows = cells.len();
    let cols = cells.iter().map(Vec::len).max().unwrap_or(0);
    let get = |r: usize, c: usize| cells[r].get(c).copied().unwrap_or(0);
    let row_sum: Vec<u64> = (0..rows)
        .map(|r| (0..cols).map(|c| get(r, c)).sum())
        .collect();
    let col_sum: Vec<u64> = (0..cols)
        .map(|c| (0..rows).map(|r| get(r, c)).sum())
        .collect();
    let grand: u64 = row_sum.iter().sum();
    let mut hidden: Vec<Vec<bool>> = (0..rows)
        .map(|r| (0..cols).map(|c| small(get(r, c), threshold)).collect())
        .collect();
    let mut row_hidden: Vec<bool> = row_sum.iter().map(|n| small(*n, threshold)).collect();
    let mut col_hidden: Vec<bool> = col_sum.iter().map(|n| small(*n, threshold)).collect();
    let grand_hidden = small(grand, threshold);
    // A line whose total is shown must not have exactly one hidden cell: hide the
    // smallest other cell (or, if it has no other, the total). Repeat until stable.
    loop {
        let mut changed = false;
        for r in 0..rows {
            let n = (0..cols).filter(|c| hidden[r][*c]).count();
            if n == 1 && !row_hidden[r] {
                match (0..cols)
                    .filter(|c| !hidden[r][*c])
                    .min_by_key(|c| get(r, *c))
                {
                    Some(c) => hidden[r][c] = true,
                    None => row_hidden[r] = true,
                }
                changed = true;
            }
        }
        for c in 0..cols {
            let n = (0..rows).filter(|r| hidden[*r][c]).count();
            if n == 1 && !col_hidden[c] {
                match (0..rows)
                    .filter(|r| !hidden[*r][c])
                    .min_by_key(|r| get(*r, c))
                {
                    Some(r) => hidden[r][c] = true,
                    None => col_hidden[c] = true,
                }
                changed = true;
            }
        }
        // A single hidden total among shown totals would follow from the grand total.
        for (hide, sums) in [(&mut row_hidden, &row_sum), (&mut col_hidden, &col_sum)] {
            if !grand_hidden
                && hide.iter().filter(|h| **h).count() == 1
                && let Some(i) = (0..sums.len())
                    .filter(|i| !hide[*i])
                    .min_by_key(|i| sums[*i])
            {
                hide[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let show = |n: u64, h: bool| (!h).then_some(n);
    Published {
        cells: (0..rows)
            .map(|r| (0..cols).map(|c| show(get(r, c), hidden[r][c])).collect())
            .collect(),
        row_totals: (0..rows).map(|r| show(row_sum[r], row_hidden[r])).collect(),
        col_totals: (0..cols).map(|c| show(col_sum[c], col_hidden[c])).collect(),
        total: show(grand, grand_hidden),
    }
}

/// A single published count.
pub fn one(n: u64, threshold: u64) -> Option<u64> {
    (!small(n, threshold)).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hidden cell must not be computable from its line's shown total and the
    /// line's other shown cells.
    fn assert_safe(p: &Published) {
        for (r, row) in p.cells.iter().enumerate() {
            if p.row_totals[r].is_some() {
                assert_ne!(
                    row.iter().filter(|c| c.is_none()).count(),
                    1,
                    "row {r}: {p:?}"
                );
            }
        }
        let cols = p.col_totals.len();
        for c in 0..cols {
            if p.col_totals[c].is_some() {
                assert_ne!(
                    p.cells.iter().filter(|row| row[c].is_none()).count(),
                    1,
                    "column {c}: {p:?}"
                );
            }
        }
    }

    #[test]
    fn small_cells_and_what_would_reveal_them_are_hidden() {
        // Female / Male by two groups.
        let p = suppress(&[vec![40, 3], vec![25, 30]], 11);
        assert_eq!(p.cells[0][1], None, "3 is small");
        assert_eq!(
            p.cells[0][0], None,
            "40 would reveal it from the row total 43"
        );
        assert_eq!(
            p.cells[1][1], None,
            "30 would reveal it from the column total 33"
        );
        assert_eq!(p.cells[1][0], None, "and 25 then from its row total");
        assert_eq!(p.total, Some(98));
        assert_safe(&p);
        // Nothing small: nothing hidden.
        let p = suppress(&[vec![40, 13], vec![25, 30]], 11);
        assert!(p.cells.iter().flatten().all(Option::is_some));
        // Zero is shown; a small total is hidden.
        let p = suppress(&[vec![0, 0], vec![4, 0]], 11);
        assert_eq!(p.cells[0], vec![Some(0), Some(0)]);
        assert_eq!(p.total, None);
        assert_safe(&p);
    }

    #[test]
    fn a_single_column_hides_its_total_rather_than_nothing() {
        let p = suppress(&[vec![5], vec![50], vec![60]], 11);
        assert_eq!(p.cells[0][0], None);
        assert_eq!(p.cells[1][0], None, "the next smallest goes too");
        assert_eq!(p.cells[2][0], Some(60));
        assert_eq!(p.row_totals[0], None);
        assert_eq!(p.row_totals[1], None, "a row total equals its only cell");
        assert_safe(&p);
    }

    #[test]
    fn generated_tables_are_always_safe() {
        let mut x: u64 = 7;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % 40
        };
        for _ in 0..2000 {
            let rows = 1 + (next() % 5) as usize;
            let cols = 1 + (next() % 5) as usize;
            let t: Vec<Vec<u64>> = (0..rows)
                .map(|_| (0..cols).map(|_| next() % 25).collect())
                .collect();
            let p = suppress(&t, 11);
            assert_safe(&p);
            for (r, row) in t.iter().enumerate() {
                for (c, n) in row.iter().enumerate() {
                    if small(*n, 11) {
                        assert_eq!(p.cells[r][c], None);
                    }
                }
            }
        }
    }
}
