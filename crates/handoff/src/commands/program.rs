//! `handoff program create | limits`: setting a program up, and its settings that belong to
//! whoever runs the server.
use anyhow::Result;
use clap::Subcommand;

use super::*;

#[derive(Subcommand)]
pub enum ProgramCommand {
    /// Create a program: its name, time zone and intake deadline, with the default
    /// eligibility rules (edit them on /rules) and the Officer Intervention pathway (turn
    /// others on at /pathways). Then add its organizations with `handoff org add` and its
    /// people with `handoff user add`.
    Create {
        #[arg(long)]
        name: String,
        /// The program's time zone, as in the tz database (America/Chicago).
        #[arg(long)]
        time_zone: String,
        /// Days a person has to reach intake after a handoff (1 to 365).
        #[arg(long, default_value_t = 30)]
        intake_days: i64,
        /// A supervisor approves an officer's override of an eligibility rule.
        #[arg(long)]
        supervisor_approves_overrides: bool,
        #[command(flatten)]
        db: DbArgs,
    },
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
        ProgramCommand::Create {
            name,
            time_zone,
            intake_days,
            supervisor_approves_overrides,
            db,
        } => {
            let app = open(&db).await?;
            let p = handoff_app::admin::create_program(
                &app,
                handoff_app::admin::NewProgram {
                    name,
                    time_zone,
                    intake_deadline_days: intake_days,
                    supervisor_approves_overrides,
                    rules: handoff_domain::eligibility::Rules::default(),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!(
                "Created the program {:?} ({}). Next: `handoff org add --kind law_enforcement --name ...` and `handoff user add ...`.",
                p.name, p.time_zone
            );
            Ok(())
        }
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
