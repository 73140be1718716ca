//! `handoff program limits`: a program's settings that belong to whoever runs the server.
use anyhow::Result;
use clap::Subcommand;

use super::*;

#[derive(Subcommand)]
pub enum ProgramCommand {
    /// Show or set the API rate limits: requests a minute for one token and for one user
    /// (over all of their tokens). Over a limit, the API answers 429 with Retry-After.
    Limits {
        /// The program's name (may be left out when the database holds one program).
        #[arg(long)]
        program: Option<String>,
        #[arg(long)]
        per_token: Option<i64>,
        #[arg(long)]
        per_user: Option<i64>,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: ProgramCommand) -> Result<()> {
    match cmd {
        ProgramCommand::Limits {
            program,
            per_token,
            per_user,
            db,
        } => {
            let app = open(&db).await?;
            let pid = find_program(&app, program.as_deref()).await?;
            let now = app
                .program_data(pid)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            let (t, u) = (
                per_token.unwrap_or(now.program.api_token_per_minute),
                per_user.unwrap_or(now.program.api_user_per_minute),
            );
            if per_token.is_some() || per_user.is_some() {
                handoff_app::limits::set(&app, pid, t, u)
                    .await
                    .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            }
            println!(
                "{}: {t} requests a minute per token, {u} per user.",
                now.program.name
            );
            Ok(())
        }
    }
}
