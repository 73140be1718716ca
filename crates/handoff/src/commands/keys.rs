//! `handoff keys rotate`.
use anyhow::Result;
use clap::Subcommand;
use handoff_app::{App, Settings};
use handoff_domain::SystemClock;
use handoff_storage::Store;

use super::*;

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Replace the data encryption key and re-encrypt every encrypted field with the new
    /// one. Stop the servers first; they need the new key file after.
    Rotate {
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: KeysCommand) -> Result<()> {
    match cmd {
        KeysCommand::Rotate { db } => {
            let path = db.key_path()?;
            let old = db.keys()?;
            // 1. The new key active, the old one kept: values under either can be read if
            //    this stops half way (run it again to finish).
            let mut keys = old.clone();
            keys.retired.retain(|k| *k != old.data);
            keys.retired.push(old.data.clone());
            keys.data = handoff_storage::Key::random()?;
            keys.save(&path).map_err(|e| anyhow::anyhow!(e))?;
            // 2. Every encrypted field under the new key (Store::open does it).
            let store = Store::open(&db.config()?, &keys).await?;
            let app = App::new(store, Arc::new(SystemClock), Settings::default())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            handoff_app::audit::alone(
                &app,
                &handoff_app::Ctx::console(),
                "keys.rotate",
                "key",
                &keys.data.id(),
                handoff_app::audit::ALLOWED,
                &format!("data key {} replaced", old.data.id()),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            app.store.close().await;
            // 3. Nothing uses the retired keys any more.
            keys.retired.clear();
            keys.save(&path).map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "Data key {} replaced by {}; every encrypted field re-encrypted. Give the servers the new {}.",
                old.data.id(),
                keys.data.id(),
                path.display()
            );
            Ok(())
        }
    }
}
