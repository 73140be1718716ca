//! `handoff org add | list`: a program's organizations (agencies, providers, the
//! prosecutor's office, the coordinators), which users belong to.
use anyhow::Result;
use clap::Subcommand;
use handoff_app::admin;
use handoff_domain::OrgKind;

use super::*;

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Add an organization to a program. What the referral slip prints of a provider
    /// (address, phone, hours, what to bring, in each language) can be changed later at
    /// /directory/organizations.
    Add {
        /// law_enforcement, fire_ems, crisis_response, provider, prosecutor, coordination
        /// or partner.
        #[arg(long, value_parser = parse_kind)]
        kind: OrgKind,
        /// Its name, as people know it (unique in the program).
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        address: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        hours: String,
        /// What a person should bring to a provider (printed on the slip).
        #[arg(long, default_value = "")]
        bring: String,
        /// The program's name (may be left out when the database holds one program).
        #[arg(long)]
        program: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List a program's organizations, by kind.
    List {
        #[arg(long)]
        program: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub fn parse_kind(s: &str) -> Result<OrgKind, String> {
    OrgKind::parse(s).ok_or_else(|| {
        format!(
            "unknown kind {s:?}; use one of: {}",
            OrgKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

pub async fn run(cmd: OrgCommand) -> Result<()> {
    match cmd {
        OrgCommand::Add {
            kind,
            name,
            address,
            phone,
            hours,
            bring,
            program,
            db,
        } => {
            let app = open(&db).await?;
            let program_id = find_program(&app, program.as_deref()).await?;
            let o = admin::create_org(
                &app,
                admin::NewOrg {
                    program_id,
                    kind,
                    name,
                    address,
                    phone,
                    hours,
                    what_to_bring: bring,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{}", explain(e)))?;
            println!("Added {:?} ({}).", o.name, kind.label());
            Ok(())
        }
        OrgCommand::List { program, db } => {
            let app = open(&db).await?;
            let program_id = find_program(&app, program.as_deref()).await?;
            let mut tx = app.store.read().await?;
            let orgs = tx.orgs(program_id).await?;
            tx.rollback().await?;
            for o in orgs {
                println!("{:<16} {}", o.kind, o.name);
            }
            Ok(())
        }
    }
}
