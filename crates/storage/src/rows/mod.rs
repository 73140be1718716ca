//! Row models, one per table (plus a few joined read models). Enumerations are stored as
//! their short codes; the services parse them back into domain types.
mod cases;
mod directory;
mod outbox;
mod paging;
mod programs;
mod records;
mod reporting;

pub use cases::*;
pub use directory::*;
pub use outbox::*;
pub(crate) use paging::{Order, split};
pub use paging::{Page, PageKey, Paged};
pub use programs::*;
pub use records::*;
pub use reporting::*;
