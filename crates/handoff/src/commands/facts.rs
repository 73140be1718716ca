//! `handoff facts rebuild`.
use anyhow::Result;
use clap::Subcommand;

use super::*;

#[derive(Subcommand)]
pub enum FactsCommand {
    /// Recompute every encounter's fact row from the source rows and say how many
    /// differed (none, unless something went wrong).
    Rebuild {
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: FactsCommand) -> Result<()> {
    match cmd {
        FactsCommand::Rebuild { db } => {
            let app = open(&db).await?;
            let (checked, changed) = handoff_app::facts::rebuild(&app)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            app.store.close().await;
            println!(
                "Checked {checked} fact rows; {changed} differed from their sources and were rewritten."
            );
            Ok(())
        }
    }
}
