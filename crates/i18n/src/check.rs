//! Checking a catalogue's text before it is accepted: UTF-8, Fluent syntax, one message per
//! key, and against the English catalogue: the same keys, and no variable the English
//! message does not use. Every finding names its line and key.
use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;

/// What is wrong with a catalogue, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based; 0 for the file as a whole (a missing key has no line).
    pub line: usize,
    pub key: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, &self.key) {
            (0, None) => write!(f, "{}", self.message),
            (0, Some(k)) => write!(f, "key {k}: {}", self.message),
            (l, None) => write!(f, "line {l}: {}", self.message),
            (l, Some(k)) => write!(f, "line {l}, key {k}: {}", self.message),
        }
    }
}

impl Finding {
    pub(crate) fn file(message: String) -> Finding {
        Finding {
            line: 0,
            key: None,
            message,
        }
    }

    /// At a byte offset of the text.
    pub(crate) fn at(text: &str, pos: usize, key: Option<String>, message: String) -> Finding {
        let upto = text.get(..pos.min(text.len())).unwrap_or(text);
        Finding {
            line: upto.matches('\n').count() + 1,
            key,
            message,
        }
    }

    /// At the (last) line that defines `key`.
    pub(crate) fn key(text: &str, key: &str, message: String) -> Finding {
        Finding {
            line: lines_of(text, key).last().copied().unwrap_or(0),
            key: Some(key.to_string()),
            message,
        }
    }
}

/// The lines (1-based) where a message `key` is defined: at the start of a line, then `=`.
fn lines_of(text: &str, key: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The text of a file, or where it stops being UTF-8.
pub(crate) fn utf8(bytes: &[u8]) -> Result<String, Vec<Finding>> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.strip_prefix('\u{feff}').unwrap_or(s).to_string()),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            Err(vec![Finding {
                line: good.iter().filter(|b| **b == b'\n').count() + 1,
                key: None,
                message: "the file is not UTF-8: save it as UTF-8 (Unicode) text".into(),
            }])
        }
    }
}

/// The first identifier in a piece of text (the key an unparsable entry was meant to be).
fn first_word(s: &str) -> Option<String> {
    let w: String = s
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!w.is_empty()).then_some(w)
}

/// Checks a catalogue's text; with the English catalogue's variables by key, checks it
/// against them. The variables of each of its messages, by key.
pub(crate) fn check(
    text: &str,
    reference: Option<&BTreeMap<String, BTreeSet<String>>>,
) -> Result<BTreeMap<String, BTreeSet<String>>, Vec<Finding>> {
    let mut findings = Vec::new();
    let resource = match fluent_syntax::parser::parse(text) {
        Ok(r) => r,
        Err((r, errors)) => {
            for e in errors {
                let key = e
                    .slice
                    .clone()
                    .and_then(|s| text.get(s))
                    .and_then(first_word);
                findings.push(Finding::at(
                    text,
                    e.pos.start,
                    key,
                    format!("not Fluent syntax: {e}"),
                ));
            }
            r
        }
    };
    let mut vars: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in &resource.body {
        let ast::Entry::Message(m) = entry else {
            continue;
        };
        let id = m.id.name.to_string();
        if vars.contains_key(&id) {
            findings.push(Finding::key(
                text,
                &id,
                "this key is defined twice: keep one".into(),
            ));
            continue;
        }
        let mut used = BTreeSet::new();
        if let Some(v) = &m.value {
            crate::pattern_vars(v, &mut used);
        }
        for a in &m.attributes {
            crate::pattern_vars(&a.value, &mut used);
        }
        vars.insert(id, used);
    }
    if let Some(reference) = reference {
        // A key added after programs wrote their files may be left out: such a catalogue
        // keeps working as it did (numbers written as English).
        const OPTIONAL: &[&str] = &["meta-number-format"];
        for key in reference
            .keys()
            .filter(|k| !vars.contains_key(*k) && !OPTIONAL.contains(&k.as_str()))
        {
            findings.push(Finding {
                line: 0,
                key: Some(key.clone()),
                message: "missing: every key of the English catalogue needs its translation".into(),
            });
        }
        for (key, used) in &vars {
            let Some(allowed) = reference.get(key) else {
                findings.push(Finding::key(
                    text,
                    key,
                    "not a key of the English catalogue (a misspelt key?)".into(),
                ));
                continue;
            };
            extra_placeholders(
                text,
                key,
                used,
                allowed,
                "the English text does not: this text",
                &mut findings,
            );
        }
    }
    if findings.is_empty() {
        Ok(vars)
    } else {
        findings.sort_by_key(|f| (f.line == 0, f.line));
        Err(findings)
    }
}

/// Checks a program's overrides of message templates against the catalogue they change:
/// each key one of the catalogue's, of a template a program may word its own way (its key
/// starts with one of `prefixes`), and no variable the catalogue's message does not use.
/// Keys left out keep the catalogue's text. The variables of each overridden message.
pub(crate) fn check_overrides(
    text: &str,
    reference: &BTreeMap<String, BTreeSet<String>>,
    prefixes: &[&str],
) -> Result<BTreeMap<String, BTreeSet<String>>, Vec<Finding>> {
    // Checked whole against the keys it has: the missing ones are not an error here.
    let subset = check(text, None)?;
    let mut findings = Vec::new();
    for (key, used) in &subset {
        let Some(allowed) = reference.get(key) else {
            findings.push(Finding::key(
                text,
                key,
                "not a key of the catalogue it overrides (a misspelt key?)".into(),
            ));
            continue;
        };
        if !prefixes.iter().any(|p| key.starts_with(p)) {
            findings.push(Finding::key(
                text,
                key,
                format!(
                    "not a message template: a program may word only keys starting with {}",
                    prefixes.join(", ")
                ),
            ));
            continue;
        }
        extra_placeholders(
            text,
            key,
            used,
            allowed,
            "the template does not have: it",
            &mut findings,
        );
    }
    if findings.is_empty() {
        Ok(subset)
    } else {
        findings.sort_by_key(|f| f.line);
        Err(findings)
    }
}

/// A finding for each placeholder `used` that `allowed` lacks, naming those it may use.
fn extra_placeholders(
    text: &str,
    key: &str,
    used: &BTreeSet<String>,
    allowed: &BTreeSet<String>,
    which: &str,
    findings: &mut Vec<Finding>,
) {
    for v in used.difference(allowed) {
        let list: Vec<String> = allowed.iter().map(|a| format!("{{ ${a} }}")).collect();
        let may = if list.is_empty() {
            "no placeholder".to_string()
        } else {
            list.join(", ")
        };
        findings.push(Finding::key(
            text,
            key,
            format!("uses {{ ${v} }}, which {which} may use {may}"),
        ));
    }
}
