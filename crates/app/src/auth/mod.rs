//! Signing in (password, then an authenticator code), sessions and API tokens. Callers
//! use the names re-exported here.
mod passwords;
mod second_factor;
mod sessions;
mod sign_in;
mod tokens;

pub use passwords::{check_password, hash_password, normalize_username, on_hash_thread};
pub(crate) use second_factor::clear_mfa;
pub use second_factor::{
    CODE_REFUSED, Pending, RECOVERY_CODES, SecondFactor, enrol_known_secret, resolve_pending,
    second_factor,
};
pub use sessions::{
    SessionCache, SessionInfo, actor_of, load_actor_with, resolve_session, sign_out,
};
pub use sign_in::{
    AddressThrottle, DEVICE_DAYS, NewSession, PENDING_MINUTES, SIGN_IN_REFUSED, SIGN_IN_THROTTLED,
    Stage, new_totp_secret, sign_in,
};
pub use tokens::{create_token, resolve_token, revoke_token};
