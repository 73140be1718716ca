//! `handoff export research`.
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::path::PathBuf;

use super::*;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// A de-identified research dataset (42 CFR 2.53): one row per encounter, or one
    /// per referral (`--table referrals`), keyed pseudonyms per recipient, dates reduced to
    /// the month or shifted; with its data dictionary written beside it
    /// (FILE.dictionary.md).
    Research {
        #[arg(long)]
        program: Option<String>,
        /// Who receives it (an evaluator or study): pseudonyms differ per recipient.
        #[arg(long)]
        recipient: String,
        /// encounters (one row each) or referrals (one row each, with service types;
        /// joined to the encounters by encounter_key).
        #[arg(long, default_value = "encounters")]
        table: String,
        /// csv or parquet.
        #[arg(long)]
        format: String,
        /// month (YYYY-MM) or shift (days shifted per person).
        #[arg(long, default_value = "month")]
        dates: String,
        /// First encounter day (default: the first).
        #[arg(long, default_value = "")]
        from: String,
        /// Last encounter day (default: the last).
        #[arg(long, default_value = "")]
        to: String,
        /// The file to write (it must not exist).
        #[arg(long)]
        output: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: ExportCommand) -> Result<()> {
    match cmd {
        ExportCommand::Research {
            program,
            recipient,
            table,
            format,
            dates,
            from,
            to,
            output,
            db,
        } => {
            let spec =
                handoff_app::research::Spec::parse(&recipient, &table, &format, &dates, &from, &to)
                    .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            let dictionary_path =
                output.with_extension(format!("{}.dictionary.md", spec.format.extension()));
            for p in [&output, &dictionary_path] {
                if p.exists() {
                    bail!("{} exists already; choose another file", p.display());
                }
            }
            let app = open(&db).await?;
            let pid = find_program(&app, program.as_deref()).await?;
            let file = std::fs::File::create_new(&output)
                .with_context(|| format!("cannot create {}", output.display()))?;
            let started = std::time::Instant::now();
            // A progress bar on standard error (drawn only on a terminal).
            let bar = indicatif::ProgressBar::new(0).with_style(
                indicatif::ProgressStyle::with_template(
                    "[{bar:20}] {pos} of {len} rows ({percent}%, {per_sec})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let mut progress = |done: u64, total: u64| {
                bar.set_length(total);
                bar.set_position(done);
            };
            let written = handoff_app::research::export_to(
                &app,
                &handoff_app::Ctx::console(),
                pid,
                &spec,
                std::io::BufWriter::new(file),
                &mut progress,
            )
            .await;
            bar.finish();
            app.store.close().await;
            let written = match written {
                Ok(w) => w,
                Err(e) => {
                    let _ = std::fs::remove_file(&output);
                    bail!("{}", explain(e));
                }
            };
            std::fs::write(&dictionary_path, &written.dictionary)
                .with_context(|| format!("cannot write {}", dictionary_path.display()))?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "Exported {} rows to {} in {secs:.1} s ({:.0} rows/s); data dictionary in {}.",
                written.rows,
                output.display(),
                written.rows as f64 / secs.max(1e-9),
                dictionary_path.display()
            );
            Ok(())
        }
    }
}
