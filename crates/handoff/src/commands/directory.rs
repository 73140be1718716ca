//! `handoff directory import | export | public`: the program's directory of partners'
//! services in the Open Referral (HSDS 3.1) format (docs/adr/0017).
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::collections::BTreeMap;
use std::path::PathBuf;

use handoff_app::directory::import::{self, Outcome, Source};
use handoff_domain::directory::found::Level;

use super::*;

#[derive(Subcommand)]
pub enum DirectoryCommand {
    /// Import an HSDS file: a JSON file (compiled organizations, services, locations,
    /// service_at_locations, taxonomy terms, a list or paged answer of them, or the tabular
    /// form), or a data package folder of CSV tables. Records are added or updated by id;
    /// nothing is written on errors, or on warnings unless they are accepted.
    Import {
        /// The JSON file or the folder of CSV tables.
        path: PathBuf,
        #[arg(long)]
        program: Option<String>,
        /// Say what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import although there are warnings (each was read and accepted).
        #[arg(long)]
        accept_warnings: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write the whole directory as one HSDS JSON file (importing it reproduces the
    /// directory).
    Export {
        #[arg(long)]
        program: Option<String>,
        /// The file to write (it must not exist).
        #[arg(long)]
        output: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// A service's own freshness window for capacity (older values are shown as stale),
    /// in minutes; `--program-default` goes back to the program's (24 hours).
    Freshness {
        /// The service's id.
        service: uuid::Uuid,
        #[arg(
            long,
            conflicts_with = "program_default",
            required_unless_present = "program_default"
        )]
        minutes: Option<i64>,
        #[arg(long)]
        program_default: bool,
        #[arg(long)]
        program: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Whether the HSDS API (/hsds/) answers without a token for this program: on or off.
    Public {
        #[arg(value_parser = ["on", "off"])]
        state: String,
        #[arg(long)]
        program: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn source(path: &PathBuf) -> Result<Source> {
    if path.is_dir() {
        let mut files = BTreeMap::new();
        for entry in
            std::fs::read_dir(path).with_context(|| format!("cannot read {}", path.display()))?
        {
            let p = entry?.path();
            if p.extension().is_some_and(|e| e == "csv") {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                files.insert(
                    name,
                    std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?,
                );
            }
        }
        if files.is_empty() {
            bail!(
                "{} holds no CSV tables (organizations.csv, services.csv, ...)",
                path.display()
            );
        }
        return Ok(Source::Csv(files));
    }
    let len = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if len > import::MAX_BYTES as u64 {
        bail!(
            "{} is larger than {} MiB",
            path.display(),
            import::MAX_BYTES >> 20
        );
    }
    Ok(Source::Json(std::fs::read(path).with_context(|| {
        format!("cannot read {}", path.display())
    })?))
}

fn report(o: &Outcome, dry_run: bool) {
    for f in &o.findings {
        let level = match f.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        };
        let field = if f.field.is_empty() {
            String::new()
        } else {
            format!(" {}:", f.field)
        };
        println!("{level}: {}:{field} {}", f.record, f.message);
    }
    if !o.not_kept.is_empty() {
        println!("Not kept (Handoff does not use these; an export will not carry them):");
        for (field, n) in &o.not_kept {
            println!("  {field} ({n} record{})", if *n == 1 { "" } else { "s" });
        }
    }
    let verb = if o.applied {
        "Imported"
    } else {
        "Would import"
    };
    for c in o
        .changes
        .iter()
        .filter(|c| c.added + c.changed + c.unchanged > 0)
    {
        let kind = match c.kind {
            "taxonomy" => "taxonomies".to_string(),
            k => format!("{}s", k.replace('_', " ")),
        };
        println!(
            "{verb} {kind}: {} new, {} changed, {} unchanged.",
            c.added, c.changed, c.unchanged
        );
    }
    if o.applied && o.capacities > 0 {
        println!(
            "Capacity updated for {} service{} (the file's was newer than the one kept).",
            o.capacities,
            if o.capacities == 1 { "" } else { "s" }
        );
    }
    if !o.applied && !dry_run {
        if o.errors() > 0 {
            println!(
                "Nothing was imported: {} error{}.",
                o.errors(),
                if o.errors() == 1 { "" } else { "s" }
            );
        } else if o.warnings() > 0 {
            println!(
                "Nothing was imported: read the {} warning{} and run again with --accept-warnings.",
                o.warnings(),
                if o.warnings() == 1 { "" } else { "s" }
            );
        }
    }
}

pub async fn run(cmd: DirectoryCommand) -> Result<()> {
    match cmd {
        DirectoryCommand::Import {
            path,
            program,
            dry_run,
            accept_warnings,
            db,
        } => {
            let src = source(&path)?;
            let app = open(&db).await?;
            let pid = find_program(&app, program.as_deref()).await?;
            let bar = indicatif::ProgressBar::new(0).with_style(
                indicatif::ProgressStyle::with_template(
                    "[{bar:20}] {pos} of {len} records ({percent}%)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let progress = |done: usize, total: usize| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            };
            let started = std::time::Instant::now();
            let outcome = import::import(
                &app,
                &handoff_app::Ctx::console(),
                pid,
                src,
                dry_run,
                accept_warnings,
                &progress,
            )
            .await;
            bar.finish_and_clear();
            app.store.close().await;
            let outcome = outcome.map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            report(&outcome, dry_run);
            if outcome.applied {
                println!("Done in {:.1} s.", started.elapsed().as_secs_f64());
            }
            if outcome.errors() > 0 {
                bail!("the file has errors");
            }
            if !outcome.applied && !dry_run {
                bail!("the import needs --accept-warnings");
            }
            Ok(())
        }
        DirectoryCommand::Export {
            program,
            output,
            db,
        } => {
            let app = open(&db).await?;
            let pid = find_program(&app, program.as_deref()).await?;
            let json = handoff_app::directory::export_json(&app, pid).await;
            app.store.close().await;
            let json = json.map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            let mut file = std::fs::File::create_new(&output)
                .with_context(|| format!("cannot create {}", output.display()))?;
            std::io::Write::write_all(&mut file, &json)
                .with_context(|| format!("cannot write {}", output.display()))?;
            println!("Wrote the directory to {}.", output.display());
            Ok(())
        }
        DirectoryCommand::Freshness {
            service,
            minutes,
            program_default: _,
            program,
            db,
        } => {
            let app = open(&db).await?;
            let pid = find_program(&app, program.as_deref()).await?;
            let r =
                handoff_app::directory::capacity::set_freshness(&app, pid, service, minutes).await;
            app.store.close().await;
            r.map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            match minutes {
                Some(m) => println!("Capacity of {service} is stale after {m} minutes."),
                None => println!("Capacity of {service} is stale after the program's window."),
            }
            Ok(())
        }
        DirectoryCommand::Public { state, program, db } => {
            let app = open(&db).await?;
            let pid = find_program(&app, program.as_deref()).await?;
            let r = handoff_app::directory::set_public(&app, pid, state == "on").await;
            app.store.close().await;
            r.map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!(
                "The directory's HSDS API is {} without a token.",
                if state == "on" {
                    "readable"
                } else {
                    "no longer readable"
                }
            );
            Ok(())
        }
    }
}
