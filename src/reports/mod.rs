//! Plain report models -> PDF bytes (printpdf).
//!
//! Pure: no I/O, no database; depends only on std, chrono and printpdf. The services layer
//! fills the models from the register and records every printed copy.

mod map;
mod page;
mod pdf;
pub mod plan;
pub mod roster;
pub mod sheet;
mod subset;
mod table;
#[cfg(test)]
mod testing;
