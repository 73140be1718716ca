//! `handoff token create | revoke`.
use anyhow::Result;
use clap::Subcommand;
use handoff_app::auth;

use super::*;

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (it is shown once).
    Create {
        #[arg(long)]
        user: String,
        /// Days until it expires (1-366).
        #[arg(long, default_value_t = 90)]
        days: i64,
        #[arg(long, default_value = "api")]
        label: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke a token by its id.
    Revoke {
        #[arg(long)]
        id: uuid::Uuid,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: TokenCommand) -> Result<()> {
    match cmd {
        TokenCommand::Create {
            user,
            days,
            label,
            db,
        } => {
            let app = open(&db).await?;
            let (token, row) = auth::create_token(&app, &user, &label, Some(days))
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!("{token}");
            eprintln!(
                "Token {} for {user}, expires {}. Send it as: Authorization: Bearer <token>",
                row.id,
                row.expires_at.format("%Y-%m-%d")
            );
            Ok(())
        }
        TokenCommand::Revoke { id, db } => {
            let app = open(&db).await?;
            auth::revoke_token(&app, id)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!("Revoked token {id}.");
            Ok(())
        }
    }
}
