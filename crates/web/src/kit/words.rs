//! Every word a page shows comes from a catalogue (ADR 0018): the templates hold markup
//! and expressions only. These tests read the template files themselves.

use std::path::PathBuf;

fn templates() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut out = vec![];
    for e in std::fs::read_dir(&dir).expect("templates folder") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "html") {
            let name = p.file_name().expect("name").to_string_lossy().to_string();
            out.push((name, std::fs::read_to_string(&p).expect("template")));
        }
    }
    out.sort();
    out
}

/// The template with its expressions, statements and comments blanked out.
fn without_code(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find(['{']) {
        let (open, close) = match rest.get(i..i + 2) {
            Some("{{") => ("{{", "}}"),
            Some("{%") => ("{%", "%}"),
            Some("{#") => ("{#", "#}"),
            _ => {
                out.push_str(&rest[..=i]);
                rest = &rest[i + 1..];
                continue;
            }
        };
        out.push_str(&rest[..i]);
        out.push(' ');
        let after = &rest[i + open.len()..];
        match after.find(close) {
            Some(j) => rest = &after[j + close.len()..],
            None => panic!("unclosed {open}"),
        }
    }
    out.push_str(rest);
    out
}

/// Words outside markup, and in the attributes people read (title, placeholder,
/// aria-label, alt), with the line each is on.
fn stray_words(t: &str) -> Vec<(usize, String)> {
    let plain = without_code(t);
    let mut found = vec![];
    let line_of = |pos: usize| plain[..pos].matches('\n').count() + 1;
    let mut pos = 0;
    let bytes = plain.as_bytes();
    let has_word = |s: &str| {
        let s = strip_entities(s);
        s.chars().any(char::is_alphabetic)
    };
    while pos < bytes.len() {
        if bytes[pos] == b'<' {
            let end = plain[pos..].find('>').map_or(bytes.len(), |e| pos + e);
            let tag = &plain[pos..end];
            if tag.starts_with("<!--") {
                pos = plain[pos..]
                    .find("-->")
                    .map_or(bytes.len(), |e| pos + e + 3);
                continue;
            }
            for attr in ["title=\"", "placeholder=\"", "aria-label=\"", "alt=\""] {
                let mut from = 0;
                while let Some(a) = tag[from..].find(attr) {
                    let start = from + a + attr.len();
                    let stop = tag[start..].find('"').map_or(tag.len(), |e| start + e);
                    let value = &tag[start..stop];
                    let whole_attr =
                        from + a == 0 || tag.as_bytes()[from + a - 1].is_ascii_whitespace();
                    if whole_attr && has_word(value) {
                        found.push((line_of(pos), value.trim().to_string()));
                    }
                    from = stop;
                }
            }
            pos = end + 1;
        } else {
            let end = plain[pos..].find('<').map_or(bytes.len(), |e| pos + e);
            let text = &plain[pos..end];
            if has_word(text) {
                found.push((line_of(pos), text.trim().to_string()));
            }
            pos = end;
        }
    }
    found
}

fn strip_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(';') {
            Some(j)
                if after[..j]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '#') =>
            {
                rest = &after[j + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The staff keys a template asks for: `layout.t("key"`, `layout.t1("key"`, ...
fn staff_keys(t: &str) -> Vec<String> {
    let mut keys = vec![];
    let mut rest = t;
    while let Some(i) = rest.find("layout.t") {
        let after = &rest[i + "layout.t".len()..];
        let after = after.trim_start_matches(|c: char| c.is_ascii_digit());
        if let Some(k) = after.strip_prefix("(\"")
            && let Some(end) = k.find('"')
        {
            keys.push(k[..end].to_string());
        }
        rest = after;
    }
    keys
}

#[test]
fn templates_hold_no_words_of_their_own() {
    let mut stray = vec![];
    for (name, text) in templates() {
        for (line, words) in stray_words(&text) {
            stray.push(format!("{name}:{line}: {words}"));
        }
    }
    assert!(
        stray.is_empty(),
        "words outside the catalogue ({}):\n{}",
        stray.len(),
        stray.join("\n")
    );
}

#[test]
fn every_staff_key_a_template_asks_for_exists() {
    let staff = handoff_i18n::Texts::staff_en();
    let mut missing = vec![];
    for (name, text) in templates() {
        for k in staff_keys(&text) {
            if staff.get(&k).is_none() {
                missing.push(format!("{name}: {k}"));
            }
        }
    }
    assert!(missing.is_empty(), "keys missing:\n{}", missing.join("\n"));
}

#[test]
fn the_word_finder_finds_words_and_skips_code() {
    let t = "<p title=\"Hello\">{{ x }} · {% if y %}Yes{% endif %}</p>\n<a aria-label=\"{{ layout.t(\"k\") }}\">&middot;</a>";
    let found = stray_words(t);
    assert_eq!(
        found,
        vec![(1, "Hello".to_string()), (1, "·  Yes".to_string())]
    );
    assert_eq!(
        staff_keys("{{ layout.t2(\"a-b\", \"n\", 1) }} {{ layout.t(\"c\") }}"),
        ["a-b", "c"]
    );
}

fn labels<T: handoff_domain::Coded>(out: &mut Vec<String>) {
    let staff = handoff_i18n::Texts::staff_en();
    for x in T::all() {
        let k = x.key();
        if staff.get(&k).as_deref() != Some(x.english()) {
            out.push(format!("{k} = {}", x.english()));
        }
    }
}

#[test]
fn every_value_of_a_vocabulary_is_named_by_the_staff_catalogue() {
    use handoff_domain::flags::{Audience, Obey};
    use handoff_domain::hold::{HoldState, ProsecutorDecision};
    use handoff_domain::needs::{Domain, Problem};
    use handoff_domain::referral::{ActionKind, BusinessStatus, OutcomeReason, ReferralStatus};
    use handoff_domain::*;
    let mut out = vec![];
    labels::<eligibility::Attestation>(&mut out);
    labels::<Role>(&mut out);
    labels::<OrgKind>(&mut out);
    labels::<Pathway>(&mut out);
    labels::<Sex>(&mut out);
    labels::<Race>(&mut out);
    labels::<Ethnicity>(&mut out);
    labels::<HandoffMode>(&mut out);
    labels::<ExitKind>(&mut out);
    labels::<HoldKind>(&mut out);
    labels::<AttemptOutcome>(&mut out);
    labels::<ContactKind>(&mut out);
    labels::<OutreachSource>(&mut out);
    labels::<Audience>(&mut out);
    labels::<Obey>(&mut out);
    labels::<HoldState>(&mut out);
    labels::<ProsecutorDecision>(&mut out);
    labels::<Problem>(&mut out);
    labels::<Domain>(&mut out);
    labels::<ReferralStatus>(&mut out);
    labels::<BusinessStatus>(&mut out);
    labels::<OutcomeReason>(&mut out);
    labels::<ActionKind>(&mut out);
    labels::<directory::choose::Criterion>(&mut out);
    labels::<consent::Kind>(&mut out);
    labels::<consent::Info>(&mut out);
    labels::<consent::State>(&mut out);
    labels::<screening::Profile>(&mut out);
    assert!(
        out.is_empty(),
        "the staff catalogue lacks these (or words them otherwise):\n{}",
        out.join("\n")
    );
}

/// The Rust sources that write messages people read: validation, refusals, labels.
fn sources() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = vec![];
    let mut dirs: Vec<PathBuf> = ["domain/src", "app/src", "web/src"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).expect("source folder") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && p.file_name().is_some_and(|n| n != "tests.rs")
            {
                let text = std::fs::read_to_string(&p).expect("source");
                // What follows the tests' module is not a message anyone reads.
                let text = match text.find("#[cfg(test)]") {
                    Some(i) => text[..i].to_string(),
                    None => text,
                };
                let name = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
                out.push((name, text));
            }
        }
    }
    out.sort();
    out
}

/// The string literals of a stretch of Rust: their text, without escapes resolved.
fn literals(code: &str) -> Vec<&str> {
    let mut out = vec![];
    let b = code.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let start = i + 1;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            out.push(&code[start..i.min(code.len())]);
        }
        i += 1;
    }
    out
}

/// The arguments of the call opening at `from` (just after its "("), to the matching ")".
fn call_args(code: &str, from: usize) -> &str {
    let b = code.as_bytes();
    let (mut depth, mut i) = (1, from);
    while i < b.len() && depth > 0 {
        match b[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    &code[from..i.saturating_sub(1).max(from)]
}

/// Messages written as English in Rust where a refusal or a field error is made: a
/// literal with a space and a letter in it (field names and catalogue keys have none).
fn english_messages(code: &str) -> Vec<(usize, String)> {
    const MAKERS: &[&str] = &[
        "AppError::field(",
        "AppError::Rule(",
        "AppError::Conflict(",
        "AppError::Stale(",
        "FieldErrors::single(",
        ".add(",
    ];
    let mut out = vec![];
    for m in MAKERS {
        for (at, _) in code.match_indices(m) {
            let args = call_args(code, at + m.len());
            for l in literals(args) {
                if l.contains(' ') && l.chars().any(char::is_alphabetic) {
                    out.push((code[..at].matches('\n').count() + 1, l.to_string()));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn refusals_and_field_errors_are_worded_by_the_catalogue() {
    let mut found = vec![];
    for (name, text) in sources() {
        for (line, words) in english_messages(&text) {
            found.push(format!("{name}:{line}: {words}"));
        }
    }
    assert!(
        found.is_empty(),
        "messages written in Rust ({}):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_message_finder_finds_english_and_skips_keys() {
    let code = "e.add(\"name\", \"Enter a name.\");\nreturn Err(AppError::field(\"a\", staff(\"err-a\")));\nx.add(\"b\", format!(\"At most {n} words\"));";
    let found = english_messages(code);
    assert_eq!(
        found,
        vec![
            (1, "Enter a name.".to_string()),
            (3, "At most {n} words".to_string())
        ]
    );
}

/// The catalogue keys Rust code names as literals: `staff("k")`, `staff_with("k", ..)`,
/// `.t("k")`, `.t_with("k", ..)`, with their lines.
fn asked_keys(code: &str) -> Vec<(usize, String)> {
    let mut out = vec![];
    for m in ["staff(", "staff_with(", ".t(", ".t_with("] {
        for (at, _) in code.match_indices(m) {
            // `staff(` inside `staff_en(` or another name is not a call of it.
            if m.starts_with('s')
                && code[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            let rest = code[at + m.len()..].trim_start();
            if let Some(lit) = rest.strip_prefix('"')
                && let Some(end) = lit.find('"')
            {
                let key = &lit[..end];
                if key.contains('-')
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                {
                    out.push((code[..at].matches('\n').count() + 1, key.to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn every_key_the_code_names_exists() {
    let staff = handoff_i18n::Texts::staff_en();
    let shipped = handoff_i18n::Texts::shipped().expect("shipped catalogues");
    let participant = shipped.lang("en");
    let mut missing = vec![];
    let mut asked = 0;
    for (name, text) in sources() {
        for (line, key) in asked_keys(&text) {
            asked += 1;
            if staff.get(&key).is_none() && participant.get(&key).is_none() {
                missing.push(format!("{name}:{line}: {key}"));
            }
        }
    }
    assert!(asked > 400, "the finder found only {asked} keys");
    assert!(
        missing.is_empty(),
        "keys no catalogue has:\n{}",
        missing.join("\n")
    );
}
