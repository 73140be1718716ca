//! Eligibility rules as a readable file (TOML) that coordinators export, edit and import
//! (issue 4). Errors name the line and the field.
use std::collections::BTreeMap;

use handoff_i18n::{Arg, staff, staff_with};

use crate::Pathway;
use crate::eligibility::{Attestation, PathwayRules, Rules};

/// A code as the file's messages quote it (`"X99"`, escapes as Rust writes them).
fn quoted(code: &str) -> Arg {
    format!("{code:?}").into()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFileError {
    pub line: Option<usize>,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for RuleFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (field, message) = (self.field.as_str().into(), self.message.as_str().into());
        f.write_str(&match self.line {
            // The line as a number is written, without a thousands separator.
            Some(l) => staff_with(
                "err-rules-file-at-line",
                &[
                    ("line", l.to_string().into()),
                    ("field", field),
                    ("message", message),
                ],
            ),
            None => staff_with(
                "err-rules-file-at-field",
                &[("field", field), ("message", message)],
            ),
        })
    }
}

fn list(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn opt(v: Option<f64>) -> String {
    match v {
        Some(x) => format!("{x}"),
        None => "# no limit".into(),
    }
}

/// The rules as a commented TOML file.
pub fn to_toml(rules: &Rules, program: &str, version: i64) -> String {
    let mut text = body(rules, program, version);
    text.push_str(&limits(rules));
    text.push_str(&pathway_tables(rules));
    text
}

fn body(rules: &Rules, program: &str, version: i64) -> String {
    let atts: Vec<String> = rules
        .required_attestations
        .iter()
        .map(|a| a.as_str().to_string())
        .collect();
    let threshold = |key: &str, v: Option<f64>, what: &str| match v {
        Some(x) => format!("# {what}\n{key} = {x}\n"),
        None => format!("# {what} (no limit when left out)\n# {key} = {}\n", opt(v)),
    };
    format!(
        "# Eligibility rules of {program}, version {version}.\n\
         # Edit and import as a new version; every decision keeps the version it used.\n\
         \n\
         # NIBRS offense codes that may be diverted: every offense of an encounter must be here.\n\
         allowed_offenses = [{}]\n\
         \n\
         # NIBRS drug activity codes allowed for 35A/35B (P possessing, U using, ...).\n\
         allowed_drug_activities = [{}]\n\
         \n\
         {}{}{}\
         \n\
         # Minimum age in years at the encounter.\n\
         min_age_years = {}\n\
         {}\
         \n\
         # What the officer must attest: {}.\n\
         required_attestations = [{}]\n\
         \n\
         # NIBRS offense codes that exclude diversion even beside allowed ones.\n\
         excluded_offenses = [{}]\n\
         \n\
         # Most earlier participations (accepted offers) within the window, in months.\n\
         {}\
         prior_window_months = {}\n",
        list(&rules.allowed_offenses),
        list(&rules.allowed_drug_activities),
        threshold(
            "max_grams",
            rules.max_grams,
            "Largest quantity by mass, in grams (inclusive)."
        ),
        threshold(
            "max_milliliters",
            rules.max_milliliters,
            "Largest quantity by volume, in millilitres (inclusive)."
        ),
        threshold(
            "max_dosage_units",
            rules.max_dosage_units,
            "Largest quantity in dosage units (inclusive)."
        ),
        rules.min_age_years,
        match rules.max_age_years {
            Some(m) => format!("# Maximum age in years.\nmax_age_years = {m}\n"),
            None =>
                "# Maximum age in years (no limit when left out).\n# max_age_years = 65\n".into(),
        },
        Attestation::ALL
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        list(&atts),
        list(&rules.excluded_offenses),
        match rules.max_prior_participations {
            Some(m) => format!("max_prior_participations = {m}\n"),
            None => "# max_prior_participations = 2   (no limit when left out)\n".into(),
        },
        rules.prior_window_months,
    )
}

/// The per drug type limits as TOML tables (they must come last in the file).
fn limits(rules: &Rules) -> String {
    let mut s = String::from(
        "\n# Thresholds for particular drug types (NIBRS drug type codes), replacing the\n\
         # general ones above for that type; a unit left out keeps the general threshold.\n",
    );
    if rules.drug_limits.is_empty() {
        s.push_str("# [[drug_limits]]\n# drug_type = \"D\"\n# max_grams = 1\n");
    }
    for l in &rules.drug_limits {
        s.push_str(&format!(
            "[[drug_limits]]\ndrug_type = \"{}\"\n",
            l.drug_type
        ));
        for (k, v) in [
            ("max_grams", l.max_grams),
            ("max_milliliters", l.max_milliliters),
            ("max_dosage_units", l.max_dosage_units),
        ] {
            if let Some(x) = v {
                s.push_str(&format!("{k} = {x}\n"));
            }
        }
    }
    s
}

/// The rules of the pathways without a charge, as `[pathways.<code>]` tables (after the
/// drug limits). A pathway the program has not written is shown commented, with its
/// defaults.
fn pathway_tables(rules: &Rules) -> String {
    let mut s = String::from(
        "\n# The other pathways (no charge): age, earlier participation, attestations,\n\
         # verified prior involvement for a social contact (officer_referral) and the\n\
         # follow-up deadline in days (naloxone_plus, active_outreach).\n",
    );
    for p in Pathway::ALL {
        if *p == Pathway::OfficerIntervention {
            continue;
        }
        let (r, prefix) = match rules.pathways.get(p.as_str()) {
            Some(r) => (r.clone(), ""),
            None => (PathwayRules::default_for(*p), "# "),
        };
        s.push_str(&format!(
            "\n# {}\n{prefix}[pathways.{}]\n",
            p.label(),
            p.as_str()
        ));
        let mut line = |k: &str, v: String| s.push_str(&format!("{prefix}{k} = {v}\n"));
        line("min_age_years", r.min_age_years.to_string());
        if let Some(m) = r.max_age_years {
            line("max_age_years", m.to_string());
        }
        if let Some(m) = r.max_prior_participations {
            line("max_prior_participations", m.to_string());
        }
        line("prior_window_months", r.prior_window_months.to_string());
        let atts: Vec<String> = r
            .required_attestations
            .iter()
            .map(|a| a.as_str().to_string())
            .collect();
        line("required_attestations", format!("[{}]", list(&atts)));
        if let Some(m) = r.social_contact_prior_months {
            line("social_contact_prior_months", m.to_string());
        }
        if let Some(d) = r.follow_up_days {
            line("follow_up_days", d.to_string());
        }
    }
    s
}

/// The line of `key = ...` inside the table `[header]`, if it is written there.
fn line_in_table(text: &str, header: &str, key: &str) -> Option<usize> {
    let start = text.lines().position(|l| l.trim() == header)?;
    let rest: String = text
        .lines()
        .skip(start + 1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .collect::<Vec<_>>()
        .join("\n");
    line_of(&rest, key)
        .map(|l| l + start + 1)
        .or(Some(start + 1))
}

/// The line where `key = ...` is written, if it is.
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// Reads a rules file. `known(table, code)` says whether a code may be chosen now.
/// The largest rules file read (a full file is a few kilobytes).
pub const MAX_BYTES: usize = 256 * 1024;
/// The deepest nesting of arrays and inline tables read (a rules file needs three). The
/// TOML parser recurses once per level: without a limit a short file of brackets
/// overflows the stack and aborts the server.
pub const MAX_DEPTH: usize = 16;

/// The first place where `text` nests arrays or inline tables deeper than `max`, as a
/// line number. Strings and comments are skipped, so brackets inside them do not count;
/// closing brackets that do not match are left to the parser.
pub fn too_deep(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut line, mut depth) = (0, 1, 0usize);
    // Whether a `[` opens a table header (`[a]`, `[[a]]` at the start of a line) rather
    // than an array value.
    let mut line_start = true;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                line += 1;
                line_start = true;
                i += 1;
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                let triple = b.get(i..i + 3) == Some(&[c, c, c][..]);
                i += if triple { 3 } else { 1 };
                while let Some(&x) = b.get(i) {
                    if x == b'\\' && c == b'"' {
                        i += 2;
                        continue;
                    }
                    if x == b'\n' {
                        line += 1;
                        if !triple {
                            break;
                        }
                    }
                    if x == c && (!triple || b.get(i..i + 3) == Some(&[c, c, c][..])) {
                        i += if triple { 3 } else { 1 };
                        break;
                    }
                    i += 1;
                }
                line_start = false;
                continue;
            }
            b'[' if line_start && depth == 0 => {
                // A table header: `[name]` or `[[name]]` on its own line.
                while i < b.len() && b[i] != b'\n' && b[i] != b'#' {
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(line);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        line_start = false;
        i += 1;
    }
    None
}

pub fn from_toml(
    text: &str,
    known: impl Fn(&str, &str) -> bool,
) -> Result<Rules, Vec<RuleFileError>> {
    if text.len() > MAX_BYTES {
        return Err(vec![RuleFileError {
            line: None,
            field: "file".into(),
            message: staff_with(
                "err-rules-file-too-large",
                &[("kib", (MAX_BYTES / 1024).to_string().into())],
            ),
        }]);
    }
    if let Some(line) = too_deep(text, MAX_DEPTH) {
        return Err(vec![RuleFileError {
            line: Some(line),
            field: "file".into(),
            message: staff_with("err-rules-file-too-deep", &[("depth", MAX_DEPTH.into())]),
        }]);
    }
    let rules: Rules = basic_toml::from_str(text).map_err(|e| {
        let msg = e.to_string();
        // "... for key `max_grams` at line 5 column 13", "unknown field `x`, ..."
        let line = msg
            .split("line ")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok());
        let field = msg.split('`').nth(1).unwrap_or("file").to_string();
        let line = line.or_else(|| line_of(text, &field));
        let message = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        vec![RuleFileError {
            line,
            field,
            message,
        }]
    })?;
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| {
        errors.push(RuleFileError {
            line: line_of(text, field),
            field: field.into(),
            message,
        })
    };
    if rules.allowed_offenses.is_empty() {
        err("allowed_offenses", staff("err-rules-file-offenses-empty"));
    }
    for c in &rules.allowed_offenses {
        if !known("offense", c) {
            err(
                "allowed_offenses",
                staff_with("err-rules-file-offense-not-active", &[("code", quoted(c))]),
            );
        }
    }
    for c in &rules.excluded_offenses {
        if !known("offense", c) {
            err(
                "excluded_offenses",
                staff_with("err-rules-file-offense-unknown", &[("code", quoted(c))]),
            );
        }
    }
    if let Some(m) = rules.max_age_years
        && m < rules.min_age_years
    {
        err("max_age_years", staff("err-rules-file-max-age-under-min"));
    }
    if !(1..=120).contains(&rules.prior_window_months) {
        err("prior_window_months", staff("err-rules-file-window-months"));
    }
    for c in &rules.allowed_drug_activities {
        if !known("drug_activity", c) {
            err(
                "allowed_drug_activities",
                staff_with(
                    "err-rules-file-drug-activity-not-active",
                    &[("code", quoted(c))],
                ),
            );
        }
    }
    for (key, v) in [
        ("max_grams", rules.max_grams),
        ("max_milliliters", rules.max_milliliters),
        ("max_dosage_units", rules.max_dosage_units),
    ] {
        if let Some(x) = v
            && !(x.is_finite() && x >= 0.0)
        {
            err(key, staff("err-rules-file-not-a-quantity"));
        }
    }
    for l in &rules.drug_limits {
        if !known("drug_type", &l.drug_type) {
            err(
                "drug_type",
                staff_with(
                    "err-rules-file-drug-type-unknown",
                    &[("code", quoted(&l.drug_type))],
                ),
            );
        }
        for v in [l.max_grams, l.max_milliliters, l.max_dosage_units]
            .into_iter()
            .flatten()
        {
            if !(v.is_finite() && v >= 0.0) {
                err("drug_limits", staff("err-rules-file-thresholds"));
            }
        }
    }
    if rules.min_age_years > 120 {
        err("min_age_years", staff("err-rules-file-min-age-too-high"));
    }
    for (code, r) in &rules.pathways {
        let header = format!("[pathways.{code}]");
        let mut perr = |key: &str, message: String| {
            errors.push(RuleFileError {
                line: line_in_table(text, &header, key),
                field: format!("pathways.{code}.{key}"),
                message,
            })
        };
        let p = match Pathway::parse(code) {
            Some(Pathway::OfficerIntervention) => {
                perr("", staff("err-rules-file-officer-intervention-table"));
                continue;
            }
            Some(p) => p,
            None => {
                perr(
                    "",
                    staff_with("err-rules-file-pathway-unknown", &[("code", quoted(code))]),
                );
                continue;
            }
        };
        if r.min_age_years > 120 {
            perr("min_age_years", staff("err-rules-file-min-age-too-high"));
        }
        if r.max_age_years.is_some_and(|m| m < r.min_age_years) {
            perr("max_age_years", staff("err-rules-file-max-age-under-min"));
        }
        if !(1..=120).contains(&r.prior_window_months) {
            perr("prior_window_months", staff("err-rules-file-window-months"));
        }
        match r.social_contact_prior_months {
            Some(_) if p != Pathway::OfficerReferral => perr(
                "social_contact_prior_months",
                staff("err-rules-file-social-contact-only"),
            ),
            Some(m) if !(1..=120).contains(&m) => perr(
                "social_contact_prior_months",
                staff("err-rules-file-window-months"),
            ),
            _ => {}
        }
        if r.follow_up_days.is_some_and(|d| !(1..=60).contains(&d)) {
            perr("follow_up_days", staff("err-rules-file-follow-up-days"));
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// Blank rows of per drug type limits offered on the form besides the written ones.
pub const BLANK_LIMIT_ROWS: usize = 2;

/// The rules as form fields, named as in the file (`pathways.<code>.<key>` for a pathway,
/// `drug_limits[i].<key>` for a limit). Lists are comma-separated; an empty value is "no
/// limit". Attestation lists hold their codes.
pub fn to_fields(rules: &Rules) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let int = |v: Option<u32>| v.map(|x| x.to_string()).unwrap_or_default();
    let atts = |v: &[Attestation]| v.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(",");
    let mut put = |k: String, v: String| {
        f.insert(k, v);
    };
    put("allowed_offenses".into(), rules.allowed_offenses.join(", "));
    put(
        "excluded_offenses".into(),
        rules.excluded_offenses.join(", "),
    );
    put(
        "allowed_drug_activities".into(),
        rules.allowed_drug_activities.join(", "),
    );
    put("max_grams".into(), num(rules.max_grams));
    put("max_milliliters".into(), num(rules.max_milliliters));
    put("max_dosage_units".into(), num(rules.max_dosage_units));
    put("min_age_years".into(), rules.min_age_years.to_string());
    put("max_age_years".into(), int(rules.max_age_years));
    put(
        "max_prior_participations".into(),
        int(rules.max_prior_participations),
    );
    put(
        "prior_window_months".into(),
        rules.prior_window_months.to_string(),
    );
    put(
        "required_attestations".into(),
        atts(&rules.required_attestations),
    );
    for (i, l) in rules.drug_limits.iter().enumerate() {
        put(format!("drug_limits[{i}].drug_type"), l.drug_type.clone());
        put(format!("drug_limits[{i}].max_grams"), num(l.max_grams));
        put(
            format!("drug_limits[{i}].max_milliliters"),
            num(l.max_milliliters),
        );
        put(
            format!("drug_limits[{i}].max_dosage_units"),
            num(l.max_dosage_units),
        );
    }
    for p in Pathway::ALL {
        if *p == Pathway::OfficerIntervention {
            continue;
        }
        let r = rules.for_pathway(*p);
        let k = |key: &str| format!("pathways.{}.{key}", p.as_str());
        put(k("min_age_years"), r.min_age_years.to_string());
        put(k("max_age_years"), int(r.max_age_years));
        put(
            k("max_prior_participations"),
            int(r.max_prior_participations),
        );
        put(k("prior_window_months"), r.prior_window_months.to_string());
        put(k("required_attestations"), atts(&r.required_attestations));
        put(k("follow_up_days"), int(r.follow_up_days));
        if *p == Pathway::OfficerReferral {
            put(
                k("social_contact_prior_months"),
                int(r.social_contact_prior_months),
            );
        }
    }
    f
}

/// Reads the rules from form fields (as `to_fields` names them). Errors name the field;
/// the rules are then checked as a file would be, so both paths accept the same rules.
pub fn from_fields(
    f: &BTreeMap<String, String>,
    known: impl Fn(&str, &str) -> bool,
) -> Result<Rules, Vec<RuleFileError>> {
    let mut r = FieldReader {
        f,
        errors: Vec::new(),
    };
    let grams = r.num("max_grams");
    let ml = r.num("max_milliliters");
    let du = r.num("max_dosage_units");
    let mut limits = Vec::new();
    for i in 0..f.keys().filter(|k| k.ends_with("].drug_type")).count() {
        let k = |key: &str| format!("drug_limits[{i}].{key}");
        let l = crate::eligibility::DrugLimit {
            drug_type: r.get(&k("drug_type")).to_uppercase(),
            max_grams: r.num(&k("max_grams")),
            max_milliliters: r.num(&k("max_milliliters")),
            max_dosage_units: r.num(&k("max_dosage_units")),
        };
        if !l.drug_type.is_empty() {
            limits.push(l);
        }
    }
    let mut pathways = BTreeMap::new();
    for p in Pathway::ALL {
        let k = |key: &str| format!("pathways.{}.{key}", p.as_str());
        if *p == Pathway::OfficerIntervention || !f.contains_key(&k("min_age_years")) {
            continue;
        }
        let pr = PathwayRules {
            min_age_years: r.int(&k("min_age_years"), true).unwrap_or(18),
            max_age_years: r.int(&k("max_age_years"), false),
            max_prior_participations: r.int(&k("max_prior_participations"), false),
            prior_window_months: r.int(&k("prior_window_months"), true).unwrap_or(12),
            required_attestations: r.attestations(&k("required_attestations")),
            social_contact_prior_months: r.int(&k("social_contact_prior_months"), false),
            follow_up_days: r.int(&k("follow_up_days"), false),
        };
        pathways.insert(p.as_str().to_string(), pr);
    }
    let rules = Rules {
        allowed_offenses: r.codes("allowed_offenses"),
        allowed_drug_activities: r.codes("allowed_drug_activities"),
        max_grams: grams,
        max_milliliters: ml,
        max_dosage_units: du,
        min_age_years: r.int("min_age_years", true).unwrap_or(18),
        required_attestations: r.attestations("required_attestations"),
        excluded_offenses: r.codes("excluded_offenses"),
        max_age_years: r.int("max_age_years", false),
        max_prior_participations: r.int("max_prior_participations", false),
        prior_window_months: r.int("prior_window_months", true).unwrap_or(12),
        drug_limits: limits,
        pathways,
    };
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    // The file's checks, with the errors put back on the form's fields.
    from_toml(&to_toml(&rules, "", 0), known)
        .map(|_| rules)
        .map_err(|es| {
            es.into_iter()
                .map(|e| RuleFileError {
                    line: None,
                    field: match e.field.as_str() {
                        "drug_type" | "drug_limits" => "drug_limits".into(),
                        f => f.to_string(),
                    },
                    message: e.message,
                })
                .collect()
        })
}

/// Reads typed form values, collecting an error per field.
struct FieldReader<'a> {
    f: &'a BTreeMap<String, String>,
    errors: Vec<RuleFileError>,
}

impl FieldReader<'_> {
    fn get(&self, k: &str) -> &str {
        self.f.get(k).map(|s| s.trim()).unwrap_or("")
    }
    fn err(&mut self, field: &str, message: String) {
        self.errors.push(RuleFileError {
            line: None,
            field: field.into(),
            message,
        });
    }
    fn codes(&self, k: &str) -> Vec<String> {
        self.get(k)
            .split([',', ' '])
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
            .collect()
    }
    fn num(&mut self, k: &str) -> Option<f64> {
        match self.get(k) {
            "" => None,
            v => match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    self.err(k, staff("err-rules-file-not-a-limit"));
                    None
                }
            },
        }
    }
    fn int(&mut self, k: &str, required: bool) -> Option<u32> {
        match self.get(k) {
            "" if required => {
                self.err(k, staff("err-rules-file-whole-number-required"));
                None
            }
            "" => None,
            v => match v.parse::<u32>() {
                Ok(x) => Some(x),
                Err(_) => {
                    self.err(k, staff("err-rules-file-not-a-whole-number"));
                    None
                }
            },
        }
    }
    fn attestations(&mut self, k: &str) -> Vec<Attestation> {
        let mut out = Vec::new();
        let codes: Vec<String> = self
            .get(k)
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        for c in codes {
            match Attestation::parse(&c) {
                Some(a) if !out.contains(&a) => out.push(a),
                Some(_) => {}
                None => self.err(
                    k,
                    staff_with(
                        "err-rules-file-attestation-unknown",
                        &[("code", quoted(&c))],
                    ),
                ),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(_: &str, c: &str) -> bool {
        !c.starts_with('X')
    }

    /// A file of brackets deep enough to overflow the parser's stack, a huge file, and
    /// brackets inside strings and comments (which do not nest).
    #[test]
    fn deep_or_large_files_are_refused_before_parsing() {
        let deep = format!("x = {}{}", "[".repeat(20_000), "]".repeat(20_000));
        assert_eq!(too_deep(&deep, MAX_DEPTH), Some(1));
        let e = from_toml(&deep, known).unwrap_err();
        assert_eq!(e[0].line, Some(1));
        assert!(e[0].message.contains("nested"), "{}", e[0].message);
        let tables = format!("x = {}1{}", "{a = ".repeat(40), "}".repeat(40));
        assert!(from_toml(&tables, known).is_err());
        let big = format!("# {}\n", "x".repeat(MAX_BYTES));
        assert!(
            from_toml(&big, known).unwrap_err()[0]
                .message
                .contains("larger")
        );
        let text = to_toml(&Rules::default(), "Test", 3);
        assert_eq!(
            too_deep(&text, 3),
            None,
            "a real file nests three deep at most"
        );
        let quoted = format!(
            "a = \"{0}\"\nb = '{0}'\nc = \"\"\"\n{0}\n\"\"\"\n# {0}\n[t]\n[[u]]\nd = [[1], [2]]\n",
            "[".repeat(100)
        );
        assert_eq!(too_deep(&quoted, 2), None);
        assert_eq!(too_deep("a = [\n [\n  [1]\n ]\n]\n", 2), Some(3));
    }

    #[test]
    fn the_file_round_trips() {
        let r = Rules::default();
        let text = to_toml(&r, "Test", 3);
        assert!(text.contains("version 3"));
        assert_eq!(from_toml(&text, known).unwrap(), r);
        let mut none = r.clone();
        none.max_milliliters = None;
        assert_eq!(from_toml(&to_toml(&none, "T", 1), known).unwrap(), none);
        let mut all = r.clone();
        all.excluded_offenses = vec!["13B".into()];
        all.max_age_years = Some(65);
        all.max_prior_participations = Some(2);
        all.prior_window_months = 24;
        all.required_attestations = Attestation::ALL.to_vec();
        all.drug_limits = vec![crate::eligibility::DrugLimit {
            drug_type: "D".into(),
            max_grams: Some(1.0),
            max_milliliters: None,
            max_dosage_units: Some(2.0),
        }];
        assert_eq!(from_toml(&to_toml(&all, "T", 1), known).unwrap(), all);
        all.pathways.insert(
            "officer_referral".into(),
            PathwayRules {
                social_contact_prior_months: Some(12),
                required_attestations: vec![Attestation::NoOpenWarrant],
                ..PathwayRules::default_for(Pathway::OfficerReferral)
            },
        );
        all.pathways.insert(
            "naloxone_plus".into(),
            PathwayRules {
                follow_up_days: Some(2),
                max_age_years: Some(80),
                ..PathwayRules::default_for(Pathway::NaloxonePlus)
            },
        );
        assert_eq!(from_toml(&to_toml(&all, "T", 1), known).unwrap(), all);
        let bad = to_toml(&all, "T", 1).replace("follow_up_days = 2", "follow_up_days = 90");
        let e = from_toml(&bad, known).unwrap_err();
        assert_eq!(e[0].field, "pathways.naloxone_plus.follow_up_days");
        let line = bad
            .lines()
            .position(|l| l == "follow_up_days = 90")
            .unwrap()
            + 1;
        assert_eq!(e[0].line, Some(line));
        let bad = format!(
            "{}\n[pathways.teleport]\nmin_age_years = 3\n",
            to_toml(&all, "T", 1)
        );
        assert!(
            from_toml(&bad, known).unwrap_err()[0]
                .message
                .contains("not a pathway")
        );
        let bad = to_toml(&all, "T", 1).replace("max_age_years = 65", "max_age_years = 10");
        let e = from_toml(&bad, known).unwrap_err();
        assert_eq!(e[0].field, "max_age_years");
    }

    #[test]
    fn the_form_fields_round_trip_and_name_their_errors() {
        let r = Rules {
            drug_limits: vec![crate::eligibility::DrugLimit {
                drug_type: "H".into(),
                max_grams: Some(0.5),
                max_milliliters: None,
                max_dosage_units: None,
            }],
            ..Rules::default()
        };
        let mut f = to_fields(&r);
        let back = from_fields(&f, known).unwrap();
        // The form writes every pathway's section, with the same values as the defaults.
        for p in Pathway::ALL {
            assert_eq!(back.for_pathway(*p), r.for_pathway(*p));
        }
        assert_eq!(back.drug_limits, r.drug_limits);
        assert_eq!(back.allowed_offenses, r.allowed_offenses);
        f.insert("max_grams".into(), "lots".into());
        f.insert("pathways.naloxone_plus.follow_up_days".into(), "90".into());
        f.insert("pathways.self_referral.min_age_years".into(), "".into());
        let e = from_fields(&f, known).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            ["max_grams", "pathways.self_referral.min_age_years"],
            "{e:?}"
        );
        f.insert("max_grams".into(), "2".into());
        f.insert("pathways.self_referral.min_age_years".into(), "16".into());
        f.insert("allowed_offenses".into(), "35a, X12".into());
        let e = from_fields(&f, known).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            ["allowed_offenses", "pathways.naloxone_plus.follow_up_days"],
            "{e:?}"
        );
    }

    #[test]
    fn errors_name_the_line_and_field() {
        let text = to_toml(&Rules::default(), "Test", 1);
        let bad = text.replace("max_grams = 3", "max_grams = \"three\"");
        let e = from_toml(&bad, known).unwrap_err();
        let line = bad
            .lines()
            .position(|l| l.starts_with("max_grams"))
            .unwrap()
            + 1;
        assert_eq!(e[0].line, Some(line), "{e:?}");
        assert_eq!(e[0].field, "max_grams");
        let unknown = format!("{text}\nmax_weight_kg = 30\n");
        let e = from_toml(&unknown, known).unwrap_err();
        assert_eq!(e[0].field, "max_weight_kg", "{e:?}");
        assert!(e[0].line.is_some());
        let semantic = text
            .replace("\"35A\"", "\"X99\"")
            .replace("min_age_years = 18", "min_age_years = 200")
            .replace("max_grams = 3", "max_grams = -1");
        let e = from_toml(&semantic, known).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            ["allowed_offenses", "max_grams", "min_age_years"],
            "{e:?}"
        );
        assert!(e.iter().all(|x| x.line.is_some()));
        assert!(e[0].to_string().starts_with("line "));
        assert!(e[0].to_string().contains("X99"));
    }
}
