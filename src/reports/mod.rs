//! Plain report models -> PDF bytes (printpdf).
//!
//! Pure: no I/O, no database; depends only on std, chrono and printpdf. The services layer
//! fills the models from the register and records every printed copy.

mod map;
// `Pages::on_new_page` (a boxed page-header closure) trips clippy's type_complexity; page.rs
// belongs to the shared page builder and is left as it is here (an `allow`, not an `expect`,
// so that a type alias there later does not break this line).
#[allow(
    clippy::type_complexity,
    reason = "page.rs's boxed page-header closure"
)]
mod page;
mod pdf;
pub mod plan;
pub mod roster;
pub mod sheet;
mod table;
#[cfg(test)]
mod testing;
