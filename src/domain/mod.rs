//! Plain types and rules of the evacuation-support register.
//!
//! This layer knows the law's vocabulary (registrants, supporters, shelters, districts, hazard
//! zones, consents) and the rules that a value must satisfy to be stored. It depends on serde
//! (the shapes travel as JSON and CSV) and utoipa (to describe them), and on nothing that does
//! I/O: no diesel, actix, rstar or printpdf.

pub mod access;
pub mod codes;
pub mod consent;
pub mod district;
pub mod era;
pub mod error;
pub mod hazard;
pub mod ids;
pub mod location;
pub mod normalize;
pub mod plan;
pub mod priority;
pub mod registrant;
pub mod shelter;
pub mod supporter;
pub mod text;
#[cfg(test)]
mod text_fuzz;
pub mod time;
pub mod volunteer;

pub use error::{FieldError, ValidationErrors};
pub use ids::{
    DistrictId, HazardZoneId, HelpRequestId, IncidentId, RegistrantId, ShelterId, SupporterId,
    TeamId, UserId, VolunteerId,
};
pub use location::GeoPoint;
