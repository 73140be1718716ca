//! The demo's reminders, flags and escalation (issue 17): so that a visitor sees an intake
//! scheduled with a reminder the person agreed to, safety flags beside some names, and a
//! provider's escalation list with a contact who has no account.
use crate::audit::Ctx;
use crate::escalation::{self, EscalationInput};
use crate::flags::{self, FlagInput};
use crate::reminders::{self, AppointmentInput, ChannelInput};
use crate::{App, AppResult};

/// `cm`: a case manager of the main provider; `officer`: a responder of the main agency.
pub(crate) async fn seed(
    app: &App,
    cm: &Ctx,
    officer: &Ctx,
    provider: uuid::Uuid,
) -> AppResult<()> {
    let q = crate::referrals::queue(app, cm, false, handoff_storage::Page::first(200)).await?;
    let open: Vec<_> = q
        .rows
        .iter()
        .filter(|r| r.status == "accepted")
        .take(5)
        .collect();
    let (_, tz) = {
        let mut tx = app.store.read().await?;
        let p = crate::case::load_program(&mut tx, cm.require_program()?).await?;
        tx.rollback().await?;
        p
    };
    let day = (app.now() + chrono::Duration::days(2))
        .with_timezone(&tz)
        .date_naive();
    for (n, r) in open.iter().enumerate() {
        let at = format!("{day}T{:02}:30", 9 + n);
        let appointment = AppointmentInput {
            at,
            place: "200 Main St, 2nd floor".into(),
        };
        reminders::schedule(app, cm, r.id, &appointment).await?;
        if n < 3 {
            let channel = ChannelInput {
                action: "choose".into(),
                channel: "sms".into(),
                address: format!("+1 312 555 01{:02}", 40 + n),
                shared: if n == 1 { "yes".into() } else { String::new() },
                consent: "yes".into(),
            };
            reminders::choose(app, cm, r.id, &channel).await?;
        }
        if n == 1 {
            let flag = FlagInput {
                action: "set".into(),
                kind: "no_home_contact".into(),
                reason: "Family does not know about treatment".into(),
                ..Default::default()
            };
            flags::on_referral(app, cm, r.id, &flag).await?;
        }
        if n == 2 {
            let flag = FlagInput {
                action: "set".into(),
                kind: "officer_safety".into(),
                reason: "Carried a knife at an earlier stop".into(),
                ..Default::default()
            };
            // The officer may not act on every case; a refusal leaves the demo as it is.
            let _ = flags::on_encounter(app, officer, r.encounter_id, &flag).await;
        }
    }
    let contact = EscalationInput {
        action: "add_contact".into(),
        organization: provider.to_string(),
        name: "Harbor front desk".into(),
        channel: "email".into(),
        address: "frontdesk@harbor.example".into(),
        position: "1".into(),
        ..Default::default()
    };
    escalation::change(app, cm, &contact).await
}
