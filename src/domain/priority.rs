//! Who should get an individual evacuation plan first: a score from hazard at home, the person's
//! condition and isolation, with the reasons behind it. Never a bare number.
//!
//! Weights are settings ([`PriorityWeights`]); the defaults follow DESIGN.md: deeper flood ranks
//! and red landslide zones first, then care level, medical and power-dependent devices, then
//! living alone or without a supporter.

use serde::Serialize;
use utoipa::ToSchema;

use super::codes::{HazardType, Household, IntellectualGrade, MedicalDevice, Mobility};
use super::registrant::{LocationFacts, RegistrantData};

/// Points for each factor. A registrant's score is the sum of the factors that apply.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorityWeights {
    /// Points per flood depth rank 1, 2, 3, 4, 5, 6.
    pub flood_rank: [u32; 6],
    /// Points for a landslide warning area (yellow) and special warning area (red).
    pub landslide_class: [u32; 2],
    /// Points for care level 1 … 5.
    pub care_level: [u32; 5],
    pub bedridden: u32,
    pub wheelchair: u32,
    pub electricity_dependent: u32,
    pub ventilator: u32,
    /// Physical disability certificate grade 1 or 2.
    pub severe_physical_disability: u32,
    /// 療育手帳 A.
    pub severe_intellectual_disability: u32,
    /// 精神障害者保健福祉手帳 grade 1.
    pub severe_mental_disability: u32,
    pub lives_alone: u32,
    pub elderly_only_household: u32,
    pub no_supporter: u32,
    /// Lowest score of tiers A, B and C; below the last is tier D.
    pub tier_thresholds: [u32; 3],
}

impl Default for PriorityWeights {
    fn default() -> Self {
        Self {
            flood_rank: [10, 25, 35, 40, 40, 40],
            landslide_class: [20, 40],
            care_level: [2, 4, 10, 15, 20],
            bedridden: 15,
            wheelchair: 8,
            electricity_dependent: 25,
            ventilator: 10,
            severe_physical_disability: 10,
            severe_intellectual_disability: 8,
            severe_mental_disability: 8,
            lives_alone: 15,
            elderly_only_household: 8,
            no_supporter: 10,
            tier_thresholds: [70, 45, 25],
        }
    }
}

/// One factor that raised the score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PriorityReason {
    /// Stable code, e.g. `flood_rank_3`, `care_level_4`, `lives_alone`.
    pub code: String,
    /// Japanese explanation for staff.
    pub label: String,
    pub points: u32,
}

/// A registrant's priority for plan-making.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Priority {
    pub score: u32,
    /// `A` (first) to `D`.
    pub tier: char,
    pub reasons: Vec<PriorityReason>,
}

impl Priority {
    /// Tier as a number: 0 for A … 3 for D (for matching).
    pub fn tier_index(&self) -> u8 {
        match self.tier {
            'A' => 0,
            'B' => 1,
            'C' => 2,
            _ => 3,
        }
    }
}

/// Scores one registrant. `has_supporter` is whether a confirmed supporter is linked.
///
/// ```
/// use sasaeai::domain::priority::{PriorityWeights, score};
/// use sasaeai::domain::registrant::{LocationFacts, RegistrantData, RegistrantInput};
/// let input = RegistrantInput {
///     name: Some("久留米 花子".into()), birth_date: Some("1940-01-01".into()), sex: Some("female".into()),
///     address: Some("久留米市".into()), support_reasons: Some(vec!["care_level".into()]),
///     care_level: Some(4), household: Some("alone".into()), ..Default::default()
/// };
/// let data = RegistrantData::parse(&input, chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()).unwrap();
/// let mut facts = LocationFacts::default();
/// facts.hazard_exposure.insert(sasaeai::domain::codes::HazardType::Flood, 3);
/// let p = score(&data, &facts, false, &PriorityWeights::default());
/// assert_eq!(p.score, 35 + 15 + 15 + 10);
/// assert_eq!(p.tier, 'A');
/// ```
pub fn score(
    data: &RegistrantData,
    facts: &LocationFacts,
    has_supporter: bool,
    w: &PriorityWeights,
) -> Priority {
    let mut reasons = Vec::new();
    let mut add = |code: String, label: String, points: u32| {
        if points > 0 {
            reasons.push(PriorityReason {
                code,
                label,
                points,
            });
        }
    };
    if let Some(&rank) = facts.hazard_exposure.get(&HazardType::Flood) {
        let i = usize::try_from(rank.clamp(1, 6) - 1).unwrap_or(0);
        add(
            format!("flood_rank_{rank}"),
            format!("自宅が洪水浸水想定区域（浸水深ランク{rank}）"),
            w.flood_rank[i],
        );
    }
    if let Some(&class) = facts.hazard_exposure.get(&HazardType::Landslide) {
        let (i, name) = if class >= 2 {
            (1, "特別警戒区域")
        } else {
            (0, "警戒区域")
        };
        add(
            format!("landslide_class_{}", i + 1),
            format!("自宅が土砂災害{name}"),
            w.landslide_class[i],
        );
    }
    if let Some(level) = data.care_level {
        let i = usize::from(level.clamp(1, 5) - 1);
        add(
            format!("care_level_{level}"),
            format!("要介護{level}"),
            w.care_level[i],
        );
    }
    match data.mobility {
        Some(Mobility::Bedridden) => add("bedridden".into(), "寝たきり".into(), w.bedridden),
        Some(Mobility::Wheelchair) => add("wheelchair".into(), "車いす".into(), w.wheelchair),
        _ => {}
    }
    if data.electricity_dependent {
        add(
            "electricity_dependent".into(),
            "電源が必要な医療機器を使用".into(),
            w.electricity_dependent,
        );
    }
    if data.medical_devices.contains(&MedicalDevice::Ventilator) {
        add("ventilator".into(), "人工呼吸器".into(), w.ventilator);
    }
    if let Some(disability) = &data.disability {
        if disability.physical_grade.is_some_and(|g| g <= 2) {
            add(
                "severe_physical_disability".into(),
                "身体障害者手帳1・2級".into(),
                w.severe_physical_disability,
            );
        }
        if disability.intellectual_grade == Some(IntellectualGrade::A) {
            add(
                "severe_intellectual_disability".into(),
                "療育手帳A".into(),
                w.severe_intellectual_disability,
            );
        }
        if disability.mental_grade == Some(1) {
            add(
                "severe_mental_disability".into(),
                "精神障害者保健福祉手帳1級".into(),
                w.severe_mental_disability,
            );
        }
    }
    match data.household {
        Some(Household::Alone) => add("lives_alone".into(), "ひとり暮らし".into(), w.lives_alone),
        Some(Household::ElderlyOnly) => {
            add(
                "elderly_only_household".into(),
                "高齢者のみの世帯".into(),
                w.elderly_only_household,
            );
        }
        _ => {}
    }
    if !has_supporter {
        add(
            "no_supporter".into(),
            "支援者が未確定".into(),
            w.no_supporter,
        );
    }
    let score = reasons.iter().map(|r| r.points).sum();
    let tier = match score {
        s if s >= w.tier_thresholds[0] => 'A',
        s if s >= w.tier_thresholds[1] => 'B',
        s if s >= w.tier_thresholds[2] => 'C',
        _ => 'D',
    };
    Priority {
        score,
        tier,
        reasons,
    }
}
