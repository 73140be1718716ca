//! Handoff's services. Each user action is one function that takes the signed-in user's
//! context, asks the access policy, does its work in one transaction and writes its audit
//! record in that same transaction, before anything is returned to the user.
#![forbid(unsafe_code)]

pub mod admin;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod capacity_links;
pub mod case;
pub mod case_view;
pub mod channels;
pub mod consent_terms;
pub mod consents;
pub mod contacts;
pub mod dashboard;
pub mod demo;
pub mod digest;
pub mod directory;
pub mod emergency;
pub mod encounters;
pub mod error;
pub mod escalation;
pub mod facts;
pub mod flags;
pub mod holds;
pub mod languages;
pub mod limits;
pub mod links;
pub mod offers;
pub mod org_texts;
pub mod outbox;
pub mod overrides;
pub mod paging;
pub mod reference;
pub mod referrals;
pub mod releases;
pub mod reminders;
pub mod reports;
pub mod research;
pub mod retention;
pub mod rules;
pub mod screenings;
pub mod totp;
pub mod trail;
pub mod util;
pub mod webhooks;
pub mod worker;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use handoff_domain::Clock;
use handoff_domain::calendar::Calendar;
use handoff_domain::input::RefCodes;
use handoff_storage::{CalendarRow, HolidayRow, OrgRow, ProgramRow, RulesRow, Store};
use uuid::Uuid;

pub use audit::Ctx;
pub use error::{AppError, AppResult};

/// Settings the services need (from the configuration).
#[derive(Debug, Clone)]
pub struct Settings {
    /// A session ends after this long without a request.
    pub session_idle_minutes: i64,
    /// A session ends this long after sign-in, whatever happens.
    pub session_max_hours: i64,
    pub token_days: i64,
    pub min_password_length: usize,
    /// An account is locked after this many failed sign-ins within `lockout_window_minutes`,
    /// until an administrator unlocks it.
    pub lockout_failures: i64,
    pub lockout_window_minutes: i64,
    /// Failed sign-ins one address may make within the lockout window before its attempts
    /// are refused unchecked (they then count against no account).
    pub address_failures: u32,
    /// Accounts unused this long are disabled.
    pub inactive_days: i64,
    /// Every account needs an authenticator code (TOTP) after its password; accounts
    /// without one enrol at their next sign-in.
    pub mfa_required: bool,
    /// How long a break-the-glass grant lasts.
    pub emergency_minutes: i64,
    /// The languages folder a program adds participant languages in (ADR 0018); none:
    /// the shipped ones only.
    pub languages: Option<std::path::PathBuf>,
    /// The SMTP server email leaves through (ADR 0019); none: messages wait, unsent.
    pub mail: Option<outbox::MailSettings>,
    /// The SMS gateway texts leave through (ADR 0020); none: texts wait, unsent.
    pub sms: Option<channels::sms::SmsSettings>,
    /// How long a webhook receiver has to answer before the event is tried again.
    pub webhook_timeout: std::time::Duration,
    /// The address staff reach the server at, for links in messages.
    pub public_url: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_idle_minutes: 30,
            session_max_hours: 12,
            token_days: 90,
            min_password_length: 8,
            lockout_failures: 5,
            lockout_window_minutes: 15,
            address_failures: 10,
            inactive_days: 90,
            mfa_required: true,
            emergency_minutes: 60,
            languages: None,
            mail: None,
            sms: None,
            webhook_timeout: std::time::Duration::from_secs(15),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// The shipped texts and those of the languages folder.
fn load_texts(dir: &Option<std::path::PathBuf>) -> AppResult<handoff_i18n::Texts> {
    match dir {
        Some(d) => handoff_i18n::Texts::with_folder(d),
        None => handoff_i18n::Texts::shipped(),
    }
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// A program's settings, organizations and eligibility rules in force, cached for a few
/// seconds: they change rarely and are read by every action.
pub struct ProgramData {
    pub program: ProgramRow,
    pub tz: Tz,
    pub orgs: Vec<OrgRow>,
    pub rules: RulesRow,
    /// When a version saved for later takes effect (the cached data is stale then).
    pub next_rules_at: Option<DateTime<Utc>>,
    /// Business days and hours and holidays: deadlines are computed on it.
    pub calendar: Calendar,
    /// Business hours a provider has for first contact on a contact card.
    pub contact_hours: u32,
}

/// How long program settings are cached. Several servers over one database see a change
/// within this time; this server sees its own changes at once.
const PROGRAM_CACHE: std::time::Duration = std::time::Duration::from_secs(30);

type ProgramCache = Arc<Mutex<HashMap<Uuid, (std::time::Instant, Arc<ProgramData>)>>>;

/// A program's calendar from its stored settings (the office week where a setting is
/// unreadable).
pub fn calendar_of(tz: Tz, c: &CalendarRow, holidays: &[HolidayRow]) -> Calendar {
    let office = Calendar::office(tz);
    let time = |s: &str, d| chrono::NaiveTime::parse_from_str(s, "%H:%M").unwrap_or(d);
    Calendar {
        tz,
        business_days: Calendar::parse_days(&c.business_days).unwrap_or(office.business_days),
        opens: time(&c.opens, office.opens),
        closes: time(&c.closes, office.closes),
        holidays: holidays.iter().map(|h| h.day).collect(),
    }
}

/// Everything a service needs: the store, the clock, the reference tables in force.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub settings: Settings,
    codes: Arc<RwLock<Arc<RefCodes>>>,
    programs: ProgramCache,
    pub(crate) sessions: auth::SessionCache,
    pub(crate) throttle: auth::AddressThrottle,
    /// Failed sign-ins per known device (docs/adr/0013).
    pub(crate) devices: auth::AddressThrottle,
    /// API requests per token and per user in the current minute (issue 13).
    pub(crate) limits: Arc<dyn limits::Counter>,
    /// Each program's directory, by version (ADR 0017).
    pub(crate) directories: directory::DirCache,
    /// The texts in force, by language (ADR 0018): reloaded when the folder is.
    texts: Arc<RwLock<Arc<handoff_i18n::Texts>>>,
    /// The channels messages leave by (ADR 0019, 0020).
    channels: Arc<channels::Channels>,
}

impl App {
    /// Builds the app over an opened store: loads the shipped reference tables if they
    /// are not there yet.
    pub async fn new(store: Store, clock: Arc<dyn Clock>, settings: Settings) -> AppResult<App> {
        let settings_languages = settings.languages.clone();
        let channels =
            channels::Channels::new(&settings.mail, &settings.sms, settings.webhook_timeout)
                .map_err(AppError::Internal)?;
        let app = App {
            store,
            clock,
            settings,
            codes: Arc::new(RwLock::new(Arc::new(RefCodes::default()))),
            programs: Arc::new(Mutex::new(HashMap::new())),
            sessions: Default::default(),
            throttle: Default::default(),
            devices: Default::default(),
            limits: Arc::new(limits::InMemory::default()),
            directories: Default::default(),
            texts: Arc::new(RwLock::new(Arc::new(load_texts(&settings_languages)?))),
            channels: Arc::new(channels),
        };
        reference::ensure_shipped(&app).await?;
        app.reload_codes().await?;
        facts::backfill(&app).await?;
        Ok(app)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The channels messages leave by.
    pub fn channels(&self) -> Arc<channels::Channels> {
        self.channels.clone()
    }

    /// The participant and staff texts in force.
    pub fn texts(&self) -> Arc<handoff_i18n::Texts> {
        self.texts
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Reads the languages folder again (an administrator's "load language files"): added
    /// or changed files take effect at once; refused ones leave their last good copy.
    pub fn reload_texts(&self) -> AppResult<Arc<handoff_i18n::Texts>> {
        let t = Arc::new(load_texts(&self.settings.languages)?);
        *self.texts.write().unwrap_or_else(|p| p.into_inner()) = t.clone();
        Ok(t)
    }

    pub fn codes(&self) -> Arc<RefCodes> {
        self.codes
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// The program's settings, organizations and rules in force now.
    pub async fn program_data(&self, id: Uuid) -> AppResult<Arc<ProgramData>> {
        let now = self.now();
        {
            let cache = self.programs.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((at, data)) = cache.get(&id)
                && at.elapsed() < PROGRAM_CACHE
                && data.rules.effective_at <= now
                && data.next_rules_at.is_none_or(|t| now < t)
            {
                return Ok(data.clone());
            }
        }
        let mut tx = self.store.read().await?;
        let program = tx.program(id).await?;
        let orgs = tx.orgs(id).await?;
        let rules = tx.rules_at(id, now).await?;
        let next_rules_at = tx
            .rules_scheduled(id, now)
            .await?
            .first()
            .map(|r| r.effective_at);
        let cal = tx.program_calendar(id).await?;
        let holidays = tx.holidays(id).await?;
        tx.rollback().await?;
        let tz = program_tz(&program);
        let data = Arc::new(ProgramData {
            calendar: calendar_of(tz, &cal, &holidays),
            contact_hours: u32::try_from(cal.contact_business_hours).unwrap_or(72),
            tz,
            program,
            orgs,
            rules,
            next_rules_at,
        });
        let mut cache = self.programs.lock().unwrap_or_else(|p| p.into_inner());
        cache.insert(id, (std::time::Instant::now(), data.clone()));
        Ok(data)
    }

    /// Drops a program from the cache after a change to it.
    pub fn forget_program(&self, id: Uuid) {
        let mut cache = self.programs.lock().unwrap_or_else(|p| p.into_inner());
        cache.remove(&id);
    }

    pub async fn reload_codes(&self) -> AppResult<()> {
        let codes = reference::load_current(&self.store).await?;
        let mut g = self.codes.write().unwrap_or_else(|p| p.into_inner());
        *g = Arc::new(codes);
        Ok(())
    }
}

/// A program's time zone (validated when the program is created).
pub fn program_tz(p: &ProgramRow) -> Tz {
    p.time_zone.parse().unwrap_or(chrono_tz::UTC)
}
