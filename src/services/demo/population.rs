//! TEMPORARY placeholder until the generator lands.
use crate::domain::GeoPoint;
use crate::domain::registrant::RegistrantInput;
use crate::domain::supporter::SupporterInput;
use chrono::NaiveDate;

pub struct Population {
    pub registrants: Vec<RegistrantInput>,
    pub supporters: Vec<SupporterInput>,
}

pub fn generate(
    _seed: u64,
    _registrants: usize,
    _supporters: usize,
    _today: NaiveDate,
    _town_name: &str,
    _district_names: &[String],
    _place: &dyn Fn(f64, f64) -> Option<(GeoPoint, usize)>,
) -> Population {
    Population {
        registrants: Vec::new(),
        supporters: Vec::new(),
    }
}
