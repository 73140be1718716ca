//! Numbers written the language's way. A catalogue says how in `meta-number-format`, by
//! writing 1234 and 12345.6 as the language does ("1,234 / 12,345.6" in English,
//! "1234 / 12.345,6" in Spanish); the forms below are the ones Handoff can write. Fluent
//! keeps numbers as numbers for plural choices; the bundle's formatter writes them out.

use fluent_bundle::FluentValue;
use fluent_bundle::types::FluentNumber;

/// One way of writing numbers: the separator between groups of three digits, the decimal
/// mark, and the fewest digits before the first group (CLDR's minimum grouping digits:
/// 2 where a four-digit number is not grouped, as in Spanish).
pub(crate) struct Style {
    pub example: &'static str,
    group: &'static str,
    decimal: char,
    min: usize,
}

const fn st(example: &'static str, group: &'static str, decimal: char, min: usize) -> Style {
    Style {
        example,
        group,
        decimal,
        min,
    }
}

pub(crate) const STYLES: [Style; 9] = [
    st("1,234 / 12,345.6", ",", '.', 1),
    st("1234 / 12.345,6", ".", ',', 2),
    st("1.234 / 12.345,6", ".", ',', 1),
    st("1 234 / 12 345,6", "\u{a0}", ',', 1),
    st("1\u{202f}234 / 12\u{202f}345,6", "\u{202f}", ',', 1),
    st("1234 / 12 345,6", "\u{a0}", ',', 2),
    st("1’234 / 12’345.6", "’", '.', 1),
    st("1234 / 12345.6", "", '.', 99),
    st("1234 / 12345,6", "", ',', 99),
];

fn formatter<const I: usize, M>(v: &FluentValue, _: &M) -> Option<String> {
    match v {
        FluentValue::Number(n) => Some(STYLES[I].write(n)),
        _ => None,
    }
}

/// The bundle's formatter for style `i` of `STYLES` (a plain function, as Fluent asks).
pub(crate) fn formatter_for<M>(i: usize) -> fn(&FluentValue, &M) -> Option<String> {
    match i {
        1 => formatter::<1, M>,
        2 => formatter::<2, M>,
        3 => formatter::<3, M>,
        4 => formatter::<4, M>,
        5 => formatter::<5, M>,
        6 => formatter::<6, M>,
        7 => formatter::<7, M>,
        8 => formatter::<8, M>,
        _ => formatter::<0, M>,
    }
}

/// The style a catalogue names (a plain space stands for a no-break space).
pub(crate) fn style(example: &str) -> Option<usize> {
    let wanted = example
        .trim()
        .replace(' ', "\u{a0}")
        .replace("\u{a0}/\u{a0}", " / ");
    STYLES.iter().position(|s| {
        s.example
            .replace(' ', "\u{a0}")
            .replace("\u{a0}/\u{a0}", " / ")
            == wanted
    })
}

/// The forms a catalogue may name, for an error message.
pub(crate) fn known() -> String {
    STYLES
        .iter()
        .map(|s| format!("\"{}\"", s.example))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Style {
    fn write(&self, n: &FluentNumber) -> String {
        let (group, decimal, min) = (self.group, self.decimal, self.min);
        let plain = n.as_string();
        let (sign, digits) = match plain.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", plain.as_ref()),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let mut out = String::from(sign);
        if n.options.use_grouping && !group.is_empty() && int.len() >= 3 + min {
            let first = int.len() % 3;
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (i + 3 - first) % 3 == 0 {
                    out.push_str(group);
                }
                out.push(c);
            }
        } else {
            out.push_str(int);
        }
        if !frac.is_empty() {
            out.push(decimal);
            out.push_str(frac);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(example: &str, v: f64) -> String {
        let i = style(example).expect("style");
        formatter_for::<()>(i)(&FluentValue::from(v), &()).expect("number")
    }

    #[test]
    fn numbers_are_written_the_languages_way() {
        assert_eq!(f("1,234 / 12,345.6", 1234.0), "1,234");
        assert_eq!(f("1,234 / 12,345.6", 1234567.5), "1,234,567.5");
        assert_eq!(f("1,234 / 12,345.6", 123.0), "123");
        assert_eq!(f("1,234 / 12,345.6", -12345.0), "-12,345");
        assert_eq!(f("1234 / 12.345,6", 1234.0), "1234");
        assert_eq!(f("1234 / 12.345,6", 12345.6), "12.345,6");
        assert_eq!(f("1.234 / 12.345,6", 1234.0), "1.234");
        assert_eq!(f("1 234 / 12 345,6", 123456.0), "123\u{a0}456");
        assert_eq!(f("1234 / 12345.6", 1234567.0), "1234567");
        assert!(style("1;234 / 12;345.6").is_none());
        assert!(known().contains("\"1234 / 12.345,6\""));
    }
}
