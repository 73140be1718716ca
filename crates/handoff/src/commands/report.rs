//! `handoff report quarterly`.
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::path::PathBuf;

use super::*;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// The quarterly performance report (Illinois deflection and grant measures), with
    /// small numbers suppressed at the program's threshold.
    Quarterly {
        /// The program's name (may be left out when the database holds one program).
        #[arg(long)]
        program: Option<String>,
        /// The quarter, like 2026Q3 (default: the last full quarter).
        #[arg(long, default_value = "")]
        quarter: String,
        #[arg(long, value_enum, default_value_t = ReportFormat::Csv)]
        format: ReportFormat,
        /// Where to write it (default: standard output).
        #[arg(long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ReportFormat {
    Csv,
    Json,
}

pub async fn run(cmd: ReportCommand) -> Result<()> {
    match cmd {
        ReportCommand::Quarterly {
            program,
            quarter,
            format,
            output,
            db,
        } => {
            if let Some(o) = &output
                && o.exists()
            {
                bail!("{} exists already; choose another file", o.display());
            }
            let app = open(&db).await?;
            let pid = find_program(&app, program.as_deref()).await?;
            let report = handoff_app::reports::quarterly_console(&app, pid, &quarter)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            app.store.close().await;
            let bytes = match format {
                ReportFormat::Csv => handoff_app::reports::report_csv(&report)
                    .map_err(|e| anyhow::anyhow!("{}", explain(e)))?,
                ReportFormat::Json => serde_json::to_vec_pretty(&report)?,
            };
            match output {
                Some(o) => {
                    std::fs::write(&o, &bytes)
                        .with_context(|| format!("cannot write {}", o.display()))?;
                    eprintln!(
                        "Wrote {} ({}) to {}.",
                        report.title,
                        report.program,
                        o.display()
                    );
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
            Ok(())
        }
    }
}
