//! NIBRS reference tables as versioned data. The shipped file is loaded at start-up if
//! its version is not in the database yet; an updated file can be imported the same way.
//! Old versions stay, so a retired code stays readable in old records.
use handoff_domain::input::{RefCode, RefCodes};
use handoff_storage::{RefCodeRow, Store};

use crate::util::sha256_hex;
use crate::{App, AppError, AppResult};

/// The NIBRS codes shipped with Handoff (compiled from public FBI UCR documentation).
pub const SHIPPED_NIBRS: &str = include_str!("../../../data/nibrs-codes.csv");

const TABLES: &[&str] = &["offense", "drug_activity", "drug_type", "drug_unit"];

/// The largest reference file read (the shipped one is under 20 KiB).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// The most codes a file may hold (the shipped one has a few hundred).
pub const MAX_CODES: usize = 20_000;
/// The longest name, group or note.
const MAX_FIELD: usize = 500;

/// Parses a reference file. Errors name the line and the field.
pub fn parse(csv_text: &str) -> Result<Vec<RefCodeRow>, String> {
    if csv_text.len() > MAX_BYTES {
        return Err(format!(
            "the file is larger than {} MiB; a code file is a few kilobytes",
            MAX_BYTES / 1024 / 1024
        ));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let headers = rdr.headers().map_err(|e| format!("line 1: {e}"))?.clone();
    let expected = ["table", "code", "name", "group", "status", "note"];
    if headers.iter().collect::<Vec<_>>() != expected {
        return Err(format!("line 1: the header must be {}", expected.join(",")));
    }
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| format!("line {line}: {e}"))?;
        if out.len() == MAX_CODES {
            return Err(format!(
                "line {line}: a file holds at most {MAX_CODES} codes"
            ));
        }
        if let Some(n) =
            (0..rec.len()).find(|n| rec.get(*n).is_some_and(|f| f.chars().count() > MAX_FIELD))
        {
            return Err(format!(
                "line {line}, field {}: use at most {MAX_FIELD} characters",
                expected.get(n).unwrap_or(&"unnamed")
            ));
        }
        let get = |n: usize| rec.get(n).unwrap_or("").trim().to_string();
        let table = get(0);
        if !TABLES.contains(&table.as_str()) {
            return Err(format!(
                "line {line}, field table: {table:?} is not one of {}",
                TABLES.join(", ")
            ));
        }
        let code = get(1).to_uppercase();
        if code.is_empty() || code.len() > 8 {
            return Err(format!(
                "line {line}, field code: must be 1 to 8 characters"
            ));
        }
        let name = get(2);
        if name.is_empty() {
            return Err(format!("line {line}, field name: must not be empty"));
        }
        if !seen.insert((table.clone(), code.clone())) {
            return Err(format!(
                "line {line}, field code: {table} {code} appears twice"
            ));
        }
        let status = get(4);
        out.push(RefCodeRow {
            version: String::new(),
            code_table: table,
            code,
            name,
            code_group: get(3),
            active: status == "active",
            note: if status == "active" {
                get(5)
            } else {
                format!("{status}; {}", get(5))
                    .trim_end_matches("; ")
                    .to_string()
            },
        });
    }
    if out.is_empty() {
        return Err("the file has no codes".into());
    }
    Ok(out)
}

/// Imports a reference file as a new version (a no-op if this exact file was loaded).
/// Returns the version name.
pub async fn import(
    store: &Store,
    csv_text: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<String> {
    let rows = parse(csv_text).map_err(|e| AppError::field("file", e))?;
    let sha = sha256_hex(csv_text.as_bytes());
    let version = format!("nibrs-{}", &sha[..12]);
    let mut tx = store.write().await?;
    if tx.reference_version_exists(&version).await? {
        tx.rollback().await?;
        return Ok(version);
    }
    // Versions are ordered by when they were loaded: a new one always comes last, even
    // with a clock that has not moved (tests) or moved back.
    let at = match tx.latest_reference_loaded_at().await? {
        Some(last) if last >= now => last + chrono::Duration::milliseconds(1),
        _ => now,
    };
    tx.insert_reference_version(&version, &sha, at).await?;
    for mut r in rows {
        r.version = version.clone();
        tx.insert_reference_code(&r).await?;
    }
    tx.commit().await?;
    Ok(version)
}

pub async fn ensure_shipped(app: &App) -> AppResult<()> {
    let mut tx = app.store.read().await?;
    let any = tx.latest_reference_version().await?;
    tx.rollback().await?;
    if any.is_none() {
        import(&app.store, SHIPPED_NIBRS, app.now()).await?;
    }
    Ok(())
}

/// The codes in force: the latest version's, plus every code an older version had and the
/// latest dropped, kept readable (old records show its name) but never chosen again.
pub async fn load_current(store: &Store) -> AppResult<RefCodes> {
    let mut tx = store.read().await?;
    let Some(version) = tx.latest_reference_version().await? else {
        return Ok(RefCodes::default());
    };
    let rows = tx.reference_codes_all().await?;
    tx.rollback().await?;
    let mut seen = std::collections::HashSet::new();
    let mut codes = Vec::new();
    for r in rows {
        if !seen.insert((r.code_table.clone(), r.code.clone())) {
            continue;
        }
        let latest = r.version == version;
        codes.push(RefCode {
            table: r.code_table,
            code: r.code,
            name: r.name,
            active: latest && r.active,
        });
    }
    Ok(RefCodes::new(version, codes))
}

/// What an import changed against the codes in force before it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub version: String,
    /// Already loaded: nothing changed.
    pub unchanged: bool,
    pub codes: usize,
    pub added: Vec<String>,
    pub retired: Vec<String>,
}

/// Imports an updated reference file and makes it the one in force on this server (other
/// servers pick it up within the hour, or at their next start).
pub async fn import_file(app: &App, csv_text: &str) -> AppResult<ImportSummary> {
    let before = app.codes();
    let rows = parse(csv_text).map_err(|e| AppError::field("file", e))?;
    let known = {
        let mut tx = app.store.read().await?;
        let v = tx.latest_reference_version().await?;
        tx.rollback().await?;
        v
    };
    let version = import(&app.store, csv_text, app.now()).await?;
    app.reload_codes().await?;
    let after = app.codes();
    let key = |t: &str, c: &str| format!("{t} {c}");
    let mut added = Vec::new();
    let mut retired = Vec::new();
    for r in &rows {
        let was = before.get(&r.code_table, &r.code).is_some_and(|c| c.active);
        let is = after.get(&r.code_table, &r.code).is_some_and(|c| c.active);
        if is && !was {
            added.push(key(&r.code_table, &r.code));
        }
    }
    for t in TABLES {
        for c in before.active(t) {
            if !after.get(t, &c.code).is_some_and(|x| x.active) {
                retired.push(key(t, &c.code));
            }
        }
    }
    Ok(ImportSummary {
        unchanged: known.as_deref() == Some(version.as_str()),
        version,
        codes: rows.len(),
        added,
        retired,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_parses_and_marks_retired_codes() {
        let rows = parse(SHIPPED_NIBRS).unwrap();
        let get = |t: &str, c: &str| {
            rows.iter()
                .find(|r| r.code_table == t && r.code == c)
                .unwrap()
        };
        assert!(get("offense", "35A").active);
        assert!(!get("offense", "90E").active);
        assert!(get("drug_unit", "GM").active);
        assert!(rows.len() > 90);
    }

    #[test]
    fn the_largest_files_are_refused() {
        let head = "table,code,name,group,status,note\n";
        let huge = format!("{head}{}", "x".repeat(MAX_BYTES));
        assert!(parse(&huge).unwrap_err().contains("larger than"));
        let mut many = String::from(head);
        for i in 0..=MAX_CODES {
            many.push_str(&format!("offense,C{i},Name,A,active,\n"));
        }
        let e = parse(&many).unwrap_err();
        assert!(e.contains("at most 20000 codes"), "{e}");
        let long = format!("{head}offense,35A,{},A,active,\n", "n".repeat(501));
        assert_eq!(
            parse(&long).unwrap_err(),
            "line 2, field name: use at most 500 characters"
        );
    }

    #[test]
    fn bad_files_name_line_and_field() {
        assert!(parse("a,b\n").unwrap_err().starts_with("line 1"));
        let e = parse(
            "table,code,name,group,status,note\noffense,35A,Drugs,A,active,\nweird,X,Y,,active,\n",
        )
        .unwrap_err();
        assert_eq!(
            e,
            "line 3, field table: \"weird\" is not one of offense, drug_activity, drug_type, drug_unit"
        );
        let e = parse("table,code,name,group,status,note\noffense,35A,Drugs,A,active,\noffense,35a,Again,A,active,\n").unwrap_err();
        assert!(e.starts_with("line 3, field code"));
    }
}
