//! The texts Handoff shows and gives participants, in their language (ADR 0018): one
//! Fluent catalogue per language, English the reference. A catalogue is accepted only
//! whole: every English key, no other, each message using only the variables the English
//! one uses; anything else is refused with its line and key.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

mod check;
mod numbers;
pub use check::Finding;

/// The participant catalogues shipped, compiled in: English first (the reference).
const SHIPPED: &[(&str, &str)] = &[
    ("en", include_str!("../locales/en.ftl")),
    ("es", include_str!("../locales/es.ftl")),
];

/// The staff screens' catalogue (English only for now).
const STAFF_EN: &str = include_str!("../locales/staff.en.ftl");

/// A staff text by key, for code outside the pages (validation messages, refusals, labels
/// the app builds): from the staff catalogue, like every word of the staff screens.
pub fn staff(key: &str) -> String {
    Texts::staff_en().t(key)
}

/// A staff text with its placeholders.
pub fn staff_with(key: &str, args: &[(&str, Arg)]) -> String {
    Texts::staff_en().t_with(key, args)
}

/// A value for a placeholder.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Number(n)
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<i32> for Arg {
    fn from(n: i32) -> Arg {
        Arg::Number(n.into())
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Number(n.into())
    }
}

/// One language's accepted catalogue.
pub struct Catalogue {
    pub code: String,
    /// The language's own name (`meta-language-name`).
    pub name: String,
    /// A qualified person reviewed it (`meta-reviewed = yes`), and who.
    pub reviewed: bool,
    pub reviewer: String,
    /// Compiled in (English, Spanish), not from the languages folder.
    pub shipped: bool,
    /// The file's text, as accepted (kept as the last good copy).
    pub source: String,
    bundle: FluentBundle<FluentResource>,
    /// How numbers are written (`meta-number-format`, an index of `numbers::STYLES`).
    numbers: usize,
    /// The variables each message uses.
    vars: BTreeMap<String, BTreeSet<String>>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue")
            .field("code", &self.code)
            .field("name", &self.name)
            .field("reviewed", &self.reviewed)
            .finish()
    }
}

impl Catalogue {
    /// Reads a catalogue, checked against `reference` (the English one) when given.
    pub fn parse(
        code: &str,
        text: &str,
        reference: Option<&Catalogue>,
        shipped: bool,
    ) -> Result<Catalogue, Vec<Finding>> {
        let lang: LanguageIdentifier = code.parse().map_err(|_| {
            vec![Finding::file(format!(
                "\"{code}\" is not a language code (use one like fr, vi or pt-BR)"
            ))]
        })?;
        let vars = check::check(text, reference.map(|r| &r.vars))?;
        let resource = FluentResource::try_new(text.to_string()).map_err(|(_, errors)| {
            errors
                .iter()
                .map(|e| Finding::at(text, e.pos.start, None, e.to_string()))
                .collect::<Vec<_>>()
        })?;
        let fallback: LanguageIdentifier = "en".parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![lang, fallback]);
        bundle.set_use_isolating(false);
        bundle.add_resource(resource).map_err(|errors| {
            errors
                .iter()
                .map(|e| Finding::file(e.to_string()))
                .collect::<Vec<_>>()
        })?;
        let mut c = Catalogue {
            code: code.to_string(),
            name: String::new(),
            reviewed: false,
            reviewer: String::new(),
            shipped,
            source: text.to_string(),
            bundle,
            numbers: 0,
            vars,
        };
        c.name = c.get("meta-language-name", &[]).unwrap_or_default();
        c.reviewer = c.get("meta-reviewer", &[]).unwrap_or_default();
        c.reviewed = match c.get("meta-reviewed", &[]).as_deref().map(str::trim) {
            Some("yes") => true,
            Some("no") | None => false,
            Some(other) => {
                return Err(vec![Finding::key(
                    text,
                    "meta-reviewed",
                    format!("say yes or no, not \"{other}\""),
                )]);
            }
        };
        // Numbers the language's way; a catalogue that does not say is written as English.
        if let Some(form) = c.get("meta-number-format", &[]) {
            let Some(i) = numbers::style(&form) else {
                return Err(vec![Finding::key(
                    text,
                    "meta-number-format",
                    format!(
                        "write 1234 and 12345.6 as the language does, in one of the forms Handoff can write: {}",
                        numbers::known()
                    ),
                )]);
            };
            c.numbers = i;
        }
        c.bundle
            .set_formatter(Some(numbers::formatter_for(c.numbers)));
        Ok(c)
    }

    /// This catalogue with a program's own wording of some of its message templates
    /// (`prefixes`: the keys it may change), checked first: by line and key.
    pub fn with_overrides(&self, text: &str, prefixes: &[&str]) -> Result<Catalogue, Vec<Finding>> {
        check::check_overrides(text, &self.vars, prefixes)?;
        let lang: LanguageIdentifier = self.code.parse().unwrap_or_default();
        let fallback: LanguageIdentifier = "en".parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![lang, fallback]);
        bundle.set_use_isolating(false);
        let base = FluentResource::try_new(self.source.clone())
            .map_err(|_| vec![Finding::file("the catalogue itself does not parse".into())])?;
        let own = FluentResource::try_new(text.to_string()).map_err(|(_, errors)| {
            errors
                .iter()
                .map(|e| Finding::at(text, e.pos.start, None, e.to_string()))
                .collect::<Vec<_>>()
        })?;
        bundle
            .add_resource(base)
            .map_err(|e| vec![Finding::file(format!("{e:?}"))])?;
        bundle.add_resource_overriding(own);
        bundle.set_formatter(Some(numbers::formatter_for(self.numbers)));
        Ok(Catalogue {
            numbers: self.numbers,
            code: self.code.clone(),
            name: self.name.clone(),
            reviewed: self.reviewed,
            reviewer: self.reviewer.clone(),
            shipped: self.shipped,
            source: self.source.clone(),
            bundle,
            vars: self.vars.clone(),
        })
    }

    /// A catalogue with no messages.
    fn empty(code: &str) -> Catalogue {
        let mut bundle = FluentBundle::new_concurrent(vec![code.parse().unwrap_or_default()]);
        bundle.set_use_isolating(false);
        Catalogue {
            code: code.to_string(),
            name: code.to_string(),
            reviewed: false,
            reviewer: String::new(),
            shipped: true,
            source: String::new(),
            bundle,
            numbers: 0,
            vars: BTreeMap::new(),
        }
    }

    /// A message formatted with its placeholders, or none if the catalogue lacks it.
    pub fn get(&self, key: &str, args: &[(&str, Arg)]) -> Option<String> {
        let msg = self.bundle.get_message(key)?;
        let pattern = msg.value()?;
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Text(s) => fa.set(*k, FluentValue::from(s.clone())),
                Arg::Number(n) => fa.set(*k, FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        let s = self
            .bundle
            .format_pattern(pattern, Some(&fa), &mut errors)
            .into_owned();
        Some(s)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }

    /// The variables a message uses.
    pub fn variables(&self, key: &str) -> Option<&BTreeSet<String>> {
        self.vars.get(key)
    }
}

/// A language folder's file that was refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub file: String,
    pub findings: Vec<Finding>,
}

/// Every catalogue in force: English first, the other shipped ones, then those a program
/// added; and the staff screens' catalogue.
pub struct Texts {
    catalogues: Vec<Arc<Catalogue>>,
    staff: Arc<Catalogue>,
    /// The files of the languages folder refused at the last load.
    pub refused: Vec<Refused>,
}

/// A shipped catalogue failed its own checks: a bug the tests catch.
#[derive(Debug, thiserror::Error)]
#[error("the shipped catalogue {code} is broken: {findings:?}")]
pub struct Broken {
    pub code: String,
    pub findings: Vec<Finding>,
}

impl Texts {
    /// The shipped catalogues.
    pub fn shipped() -> Result<Texts, Broken> {
        let broken = |code: &str| {
            let code = code.to_string();
            move |findings| Broken { code, findings }
        };
        let (en_code, en_text) = SHIPPED[0];
        let en = Arc::new(Catalogue::parse(en_code, en_text, None, true).map_err(broken(en_code))?);
        let mut catalogues = vec![en.clone()];
        for (code, text) in &SHIPPED[1..] {
            catalogues.push(Arc::new(
                Catalogue::parse(code, text, Some(&en), true).map_err(broken(code))?,
            ));
        }
        let staff =
            Arc::new(Catalogue::parse("en", STAFF_EN, None, true).map_err(broken("staff"))?);
        Ok(Texts {
            catalogues,
            staff,
            refused: Vec::new(),
        })
    }

    /// The shipped catalogues and those of a languages folder: each `<code>.ftl` is read
    /// and checked; a refused file's last accepted copy (`.accepted/<code>.ftl`, written
    /// when a file is accepted) stays in force. A missing folder adds nothing.
    pub fn with_folder(dir: &Path) -> Result<Texts, Broken> {
        let mut texts = Texts::shipped()?;
        texts.load_folder(dir);
        texts.load_overrides(dir);
        Ok(texts)
    }

    /// The keys a program may word its own way: the templates of what Handoff sends, never
    /// a consent's or a notice's words.
    pub const PARTICIPANT_TEMPLATES: &'static [&'static str] = &["reminder-"];
    pub const STAFF_TEMPLATES: &'static [&'static str] = &["page-", "digest-", "test-"];

    /// Applies the folder's `overrides.<code>.ftl` files (`overrides.staff.ftl` for the
    /// staff messages): a program's own wording of message templates. A refused file is
    /// listed with its findings and its last good copy stays in force.
    fn load_overrides(&mut self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|f| f.to_str())
                    .is_some_and(|f| f.starts_with("overrides.") && f.ends_with(".ftl"))
            })
            .collect();
        files.sort();
        let accepted_dir = dir.join(".accepted");
        for path in files {
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let code = file
                .trim_start_matches("overrides.")
                .trim_end_matches(".ftl")
                .to_string();
            let read = std::fs::read(&path)
                .map_err(|e| vec![Finding::file(format!("cannot read the file: {e}"))])
                .and_then(|b| check::utf8(&b))
                .and_then(|text| self.overridden(&code, &text).map(|c| (c, text)));
            let result = match read {
                Ok((c, text)) => {
                    let _ = std::fs::create_dir_all(&accepted_dir);
                    let _ = std::fs::write(accepted_dir.join(&file), text);
                    Some(c)
                }
                Err(findings) => {
                    self.refused.push(Refused {
                        file: file.clone(),
                        findings,
                    });
                    std::fs::read_to_string(accepted_dir.join(&file))
                        .ok()
                        .and_then(|text| self.overridden(&code, &text).ok())
                }
            };
            if let Some(c) = result {
                let c = Arc::new(c);
                if code == "staff" {
                    self.staff = c;
                } else if let Some(slot) = self.catalogues.iter_mut().find(|x| x.code == code) {
                    *slot = c;
                }
            }
        }
    }

    fn load_folder(&mut self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
            .filter(|p| {
                !p.file_name()
                    .and_then(|f| f.to_str())
                    .is_some_and(|f| f.starts_with("overrides."))
            })
            .collect();
        files.sort();
        let accepted_dir = dir.join(".accepted");
        for path in files {
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            let code = path
                .file_stem()
                .map(|f| f.to_string_lossy().to_string())
                .unwrap_or_default();
            match self.read_file(&path, &code) {
                Ok(c) => {
                    // The last good copy, for when a later edit of the file is refused.
                    let _ = std::fs::create_dir_all(&accepted_dir);
                    let _ = std::fs::write(accepted_dir.join(&file), &c.source);
                    self.catalogues.push(Arc::new(c));
                }
                Err(findings) => {
                    self.refused.push(Refused { file, findings });
                    let kept = accepted_dir.join(format!("{code}.ftl"));
                    if let Ok(c) = self.read_file(&kept, &code) {
                        self.catalogues.push(Arc::new(c));
                    }
                }
            }
        }
    }

    /// Reads one added language's file.
    fn read_file(&self, path: &Path, code: &str) -> Result<Catalogue, Vec<Finding>> {
        if self.catalogues.iter().any(|c| c.shipped && c.code == code) {
            return Err(vec![Finding::file(format!(
                "{code} ships with Handoff and cannot be replaced from the languages folder"
            ))]);
        }
        let bytes = std::fs::read(path)
            .map_err(|e| vec![Finding::file(format!("cannot read the file: {e}"))])?;
        let text = check::utf8(&bytes)?;
        Catalogue::parse(code, &text, Some(&self.catalogues[0]), false)
    }

    /// Checks a file for the languages folder as its loader would, without adding it: a
    /// catalogue for `code`, or (for `overrides.<code>`) a program's wording of templates.
    pub fn check(&self, code: &str, bytes: &[u8]) -> Result<(), Vec<Finding>> {
        let text = check::utf8(bytes)?;
        match code.strip_prefix("overrides.") {
            Some(which) => self.overridden(which, &text).map(|_| ()),
            None => Catalogue::parse(code, &text, Some(&self.catalogues[0]), false).map(|_| ()),
        }
    }

    /// The catalogue `which` (a language in force, or `staff`) with a program's wording of
    /// its templates.
    fn overridden(&self, which: &str, text: &str) -> Result<Catalogue, Vec<Finding>> {
        if which == "staff" {
            return self.staff.with_overrides(text, Texts::STAFF_TEMPLATES);
        }
        match self.catalogues.iter().find(|c| c.code == which) {
            Some(c) => c.with_overrides(text, Texts::PARTICIPANT_TEMPLATES),
            None => Err(vec![Finding::file(format!(
                "{which} is not a language in force (or staff)"
            ))]),
        }
    }

    /// The languages a person may have, in order: (code, own name).
    pub fn languages(&self) -> impl Iterator<Item = &Catalogue> {
        self.catalogues.iter().map(|c| c.as_ref())
    }

    /// Whether a language is in force.
    pub fn has(&self, code: &str) -> bool {
        self.catalogues.iter().any(|c| c.code == code)
    }

    /// The texts of a language (English when it is not in force, or for an empty code).
    pub fn lang(&self, code: &str) -> Lang {
        let en = self.catalogues[0].clone();
        let cat = self
            .catalogues
            .iter()
            .find(|c| c.code == code)
            .cloned()
            .unwrap_or_else(|| en.clone());
        Lang { cat, en }
    }

    /// The staff screens' texts, as shipped (English): for pages that have no app at
    /// hand (the layout); the same texts as `staff()`.
    pub fn staff_en() -> Lang {
        static STAFF: std::sync::OnceLock<Option<Arc<Catalogue>>> = std::sync::OnceLock::new();
        let cat = STAFF
            .get_or_init(|| {
                Catalogue::parse("en", STAFF_EN, None, true)
                    .ok()
                    .map(Arc::new)
            })
            .clone()
            .unwrap_or_else(|| {
                // Unreachable while the shipped file parses (a test asserts it); a page
                // then shows its keys rather than failing.
                Arc::new(Catalogue::empty("en"))
            });
        Lang {
            cat: cat.clone(),
            en: cat,
        }
    }

    /// The staff screens' texts.
    pub fn staff(&self) -> Lang {
        Lang {
            cat: self.staff.clone(),
            en: self.staff.clone(),
        }
    }
}

/// The texts of one language, with English beside for a key it lacks.
#[derive(Clone)]
pub struct Lang {
    cat: Arc<Catalogue>,
    en: Arc<Catalogue>,
}

impl std::fmt::Debug for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lang({})", self.cat.code)
    }
}

impl Lang {
    pub fn code(&self) -> &str {
        &self.cat.code
    }
    pub fn name(&self) -> &str {
        &self.cat.name
    }
    pub fn reviewed(&self) -> bool {
        self.cat.reviewed
    }

    /// A text, if the language (or English) has it.
    pub fn get(&self, key: &str) -> Option<String> {
        self.cat.get(key, &[]).or_else(|| self.en.get(key, &[]))
    }

    /// A text.
    pub fn t(&self, key: &str) -> String {
        self.t_with(key, &[])
    }

    /// A text with its placeholders. A key the language lacks is the English text marked
    /// "[en]" (never silently English); a key no catalogue has is shown as itself.
    pub fn t_with(&self, key: &str, args: &[(&str, Arg)]) -> String {
        if let Some(s) = self.cat.get(key, args) {
            return s;
        }
        match self.en.get(key, args) {
            Some(s) => format!("[en] {s}"),
            None => format!("[{key}]"),
        }
    }

    /// A date written out: "Monday, December 7, 2026"; "lunes, 7 de diciembre de 2026".
    pub fn date_long(&self, d: NaiveDate) -> String {
        self.t_with(
            "date-long",
            &[
                (
                    "weekday",
                    self.t(&format!("weekday-{}", d.weekday().number_from_monday()))
                        .into(),
                ),
                ("day", d.day().to_string().into()),
                ("month", self.t(&format!("month-{}", d.month())).into()),
                ("year", d.year().to_string().into()),
            ],
        )
    }
}

/// The message ids a pattern refers to and the variables it uses, for `check`.
pub(crate) fn pattern_vars(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let ast::PatternElement::Placeable { expression } = e {
            expression_vars(expression, out);
        }
    }
}

fn expression_vars(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, out);
            for v in variants {
                pattern_vars(&v.value, out);
            }
        }
        ast::Expression::Inline(i) => inline_vars(i, out),
    }
}

fn inline_vars(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
            for a in &arguments.named {
                inline_vars(&a.value, out);
            }
        }
        ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            for a in &arguments.positional {
                inline_vars(a, out);
            }
            for a in &arguments.named {
                inline_vars(&a.value, out);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
