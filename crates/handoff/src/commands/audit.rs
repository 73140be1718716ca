//! `handoff audit verify | prune`.
use anyhow::Result;
use clap::Subcommand;

use super::*;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the whole hash chain of the audit trail; names the first record that was
    /// changed, removed or reordered and exits with status 1.
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Remove audit records older than the retention period from the start of the chain
    /// (the chain still verifies from a sealed checkpoint). Run it daily, e.g. from cron.
    Prune {
        /// Keep this many days (at least 365; six years by default, as HIPAA keeps
        /// documentation).
        #[arg(long, default_value_t = 2190)]
        retention_days: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: AuditCommand) -> Result<()> {
    match cmd {
        AuditCommand::Verify { db } => {
            let store = db.open_store().await?;
            let report = store.verify_audit().await?;
            store.close().await;
            match report.broken {
                None => {
                    println!("audit trail intact: {} records", report.records);
                    if let Some(h) = report.head {
                        println!("last record #{}, seal {}", h.seq, h.hash);
                    }
                    Ok(())
                }
                Some(b) => {
                    println!(
                        "audit trail BROKEN after {} intact records: {b}",
                        report.records
                    );
                    std::process::exit(1);
                }
            }
        }
        AuditCommand::Prune { retention_days, db } => {
            let app = open(&db).await?;
            let removed = handoff_app::trail::prune(&app, retention_days)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            app.store.close().await;
            println!("removed {removed} audit records older than {retention_days} days");
            Ok(())
        }
    }
}
