//! `handoff codes import`.
use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;

use super::*;

#[derive(Subcommand)]
pub enum CodesCommand {
    /// Import an updated code file (the format of data/nibrs-codes.csv) as a new version:
    /// codes it drops or retires stay readable in old records and can no longer be chosen.
    Import {
        #[arg(long)]
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: CodesCommand) -> Result<()> {
    match cmd {
        CodesCommand::Import { file, db } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let app = open(&db).await?;
            let summary = handoff_app::reference::import_file(&app, &text)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), explain(e)))?;
            app.store.close().await;
            if summary.unchanged {
                println!(
                    "{} is version {} already: nothing changed.",
                    file.display(),
                    summary.version
                );
            } else {
                println!(
                    "Imported version {} ({} codes). Now selectable: {}. No longer selectable: {}. Servers use it within the hour.",
                    summary.version,
                    summary.codes,
                    if summary.added.is_empty() {
                        "none".into()
                    } else {
                        summary.added.join(", ")
                    },
                    if summary.retired.is_empty() {
                        "none".into()
                    } else {
                        summary.retired.join(", ")
                    },
                );
            }
            Ok(())
        }
    }
}
