use handoff_domain::FieldErrors;
use handoff_storage::StoreError;

/// What a service can answer besides success. The web layer renders each kind the same
/// way on every page and API route.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Also used for records the user may not see, so their existence is not disclosed.
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    /// The user's input is wrong; each problem is named with its field.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// The request conflicts with the current state (already done, changed meanwhile).
    #[error("{0}")]
    Conflict(String),
    /// The change was asked against a version of the record that is no longer current
    /// (someone changed it meanwhile): nothing was changed.
    #[error("{0}")]
    Stale(String),
    /// A rule of the program forbids this step now.
    #[error("{0}")]
    Rule(String),
    /// Too many requests in this minute (API limits): retry after this many seconds.
    #[error("rate limited")]
    Limited { retry_after: u64 },
    #[error("internal error")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => {
                tracing::error!(error = %other, "storage error");
                AppError::Internal(other.to_string())
            }
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(FieldErrors::single(field, message))
    }
}
