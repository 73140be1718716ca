//! `handoff user add | unlock | reset-mfa`.
use anyhow::Result;
use clap::Subcommand;
use handoff_app::admin;
use handoff_domain::Role;

use super::*;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user with one role at one organization.
    Add {
        #[arg(long)]
        username: String,
        /// Full name, as shown to others.
        #[arg(long)]
        name: String,
        /// Initial password (or the HANDOFF_PASSWORD environment variable).
        #[arg(long, env = "HANDOFF_PASSWORD", hide_env_values = true)]
        password: String,
        /// The organization's exact name.
        #[arg(long)]
        org: String,
        /// officer, supervisor, case_manager, prosecutor, coordinator or administrator.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The program's name (may be left out when the database holds one program).
        #[arg(long)]
        program: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Unlock an account locked after failed sign-ins, or re-enable one disabled after
    /// 90 days unused.
    Unlock {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Clear a user's authenticator (a lost phone) and end their sessions: they set up a
    /// new one at their next sign-in.
    ResetMfa {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        format!(
            "unknown role {s:?}; use one of: {}",
            Role::ALL
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

pub async fn run(cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add {
            username,
            name,
            password,
            org,
            role,
            program,
            db,
        } => {
            let app = open(&db).await?;
            let (program_id, org_id) = find_org(&app, program.as_deref(), &org).await?;
            let _ = program_id;
            let u = admin::create_user(
                &app,
                None,
                admin::NewUser {
                    username,
                    display_name: name,
                    password,
                },
                &[(org_id, role)],
            )
            .await
            .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!(
                "Created user {} ({}) as {} at {org}.",
                u.username,
                u.id,
                role.label()
            );
            Ok(())
        }
        UserCommand::Unlock { username, db } => {
            let app = open(&db).await?;
            let user = user_named(&app, &username).await?;
            admin::unlock_user(&app, None, user.id)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!("Unlocked {}.", user.username);
            Ok(())
        }
        UserCommand::ResetMfa { username, db } => {
            let app = open(&db).await?;
            let user = user_named(&app, &username).await?;
            admin::reset_mfa(&app, None, user.id)
                .await
                .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!(
                "Reset the authenticator of {}: they set up a new one at their next sign-in.",
                user.username
            );
            Ok(())
        }
    }
}
