//! Hazard zones: flood inundation areas with a depth rank, landslide warning areas with a class.

use geo::MultiPolygon;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::HazardZoneId;
use super::codes::HazardType;

/// Landslide phenomenon of an A33 zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LandslidePhenomenon {
    /// 急傾斜地の崩壊
    SteepSlope,
    /// 土石流
    DebrisFlow,
    /// 地すべり
    Landslide,
}

impl LandslidePhenomenon {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SteepSlope => "steep_slope",
            Self::DebrisFlow => "debris_flow",
            Self::Landslide => "landslide",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "steep_slope" => Some(Self::SteepSlope),
            "debris_flow" => Some(Self::DebrisFlow),
            "landslide" => Some(Self::Landslide),
            _ => None,
        }
    }
}

/// A hazard zone polygon.
///
/// `level` is the A31 depth rank for floods (1: under 0.5 m … 6: 20 m and more) and the zone class
/// for landslides (1: warning area 警戒区域, 2: special warning area 特別警戒区域).
#[derive(Debug, Clone, PartialEq)]
pub struct HazardZone {
    pub id: HazardZoneId,
    pub hazard_type: HazardType,
    pub level: i32,
    pub phenomenon: Option<LandslidePhenomenon>,
    pub name: String,
    pub area: MultiPolygon<f64>,
}

/// A hazard zone to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHazardZone {
    pub hazard_type: HazardType,
    pub level: i32,
    pub phenomenon: Option<LandslidePhenomenon>,
    pub name: String,
    pub area: MultiPolygon<f64>,
}
