//! Deterministic synthetic registrants and supporters for the demo town (`serve --demo`).
//!
//! A pure function of its arguments: the same seed, sizes, date and town give the same people,
//! field for field, so the demo and its screenshots stay stable. Proportions follow docs/domain.md ("The
//! register"): mostly very old people, many alone, a few on ventilators or oxygen, and supporters
//! who live among them. Every record is input that `RegistrantData::parse` and
//! `SupporterData::parse` accept, shaped as a JSON client sends it. No real person is meant: names
//! come from common-name tables and every phone number lies in the 0942-00, 090-0000 and 080-0000
//! blocks. Depends on `domain` and the tables in `names` only.

use chrono::{Days, NaiveDate};

use super::names::{
    ALLERGIES, BUILDINGS, CLINIC_KINDS, ELDER_CONTACTS, ELDERLY_DISEASES, ELDERLY_FEMALE,
    ELDERLY_MALE, HOME_NOTES, KURUME_COMMON, MARRIED_IN, MEDICINES, MIDDLE_CONTACTS, OTHER_REASONS,
    SURNAMES, TOWN_SUFFIXES, YOUNG_CONTACTS, YOUNGER_DISEASES, YOUNGER_FEMALE, YOUNGER_MALE,
};
use crate::domain::GeoPoint;
use crate::domain::registrant::RegistrantInput;
use crate::domain::registrant::{CareManager, Contact, DisabilityInput, Doctor, DwellingInput};
use crate::domain::supporter::SupporterInput;

/// The generated people, in generation order.
#[derive(Debug, Clone, Default)]
pub struct Population {
    pub registrants: Vec<RegistrantInput>,
    pub supporters: Vec<SupporterInput>,
}

/// Neighbourhood centres people cluster around, and the share of homes placed anywhere instead.
const CENTRES: usize = 40;
const SCATTERED: f64 = 0.08;
/// Metres per degree of latitude and of longitude at 33.3° N.
const M_PER_DEG: (f64, f64) = (111_000.0, 93_000.0);

// Weights in percent, in the order of the code lists beside them.
const AGE_BANDS: [f64; 7] = [8.0, 12.0, 18.0, 24.0, 22.0, 12.0, 4.0]; // 65–69 … 95–99
const HOUSEHOLDS: [&str; 3] = ["alone", "elderly_only", "with_family"];
/// For the elderly, the younger, and the younger with an intellectual disability.
const HOUSEHOLD_W: [[f64; 3]; 3] = [[42.0, 41.0, 17.0], [30.0, 0.0, 70.0], [10.0, 0.0, 90.0]];
/// Care level none, 1–5 among the elderly; the younger have none, which brings "none" to ~30%.
const CARE_W: [f64; 6] = [17.6, 11.8, 14.1, 23.5, 17.6, 15.3];
const MOBILITIES: [&str; 4] = ["walks", "cane", "wheelchair", "bedridden"];
/// Walks, cane, wheelchair, bedridden by care level none, 1–5; then for a grade 1–2 physical
/// disability without care level; then for the other younger people.
#[rustfmt::skip]
const MOBILITY_W: [[f64; 4]; 8] = [
    [45.0, 50.0,  5.0,  0.0],
    [20.0, 70.0, 10.0,  0.0],
    [10.0, 60.0, 30.0,  0.0],
    [ 0.0, 45.0, 50.0,  5.0],
    [ 0.0, 25.0, 65.0, 10.0],
    [ 0.0,  0.0, 25.0, 75.0],
    [15.0, 25.0, 60.0,  0.0],
    [85.0, 10.0,  5.0,  0.0],
];
/// A supporter kind: code, weight, age range, share of women, chance of each [`CAPABILITIES`].
type KindRow = (&'static str, f64, [i64; 2], f64, [f64; 4]);
#[rustfmt::skip]
const KINDS: [KindRow; 7] = [
    ("neighbour",             55.0, [25, 80], 0.5, [0.3, 0.4,  0.12, 0.01]),
    ("voluntary_group",       15.0, [45, 80], 0.4, [0.3, 0.35, 0.15, 0.2]),
    ("community_association", 10.0, [55, 80], 0.3, [0.3, 0.3,  0.1,  0.0]),
    ("fire_brigade",           7.0, [25, 55], 0.1, [0.5, 0.8,  0.3,  0.8]),
    ("welfare_commissioner",   5.0, [55, 75], 0.6, [0.4, 0.2,  0.1,  0.0]),
    ("family",                 5.0, [30, 70], 0.5, [0.6, 0.7,  0.2,  0.0]),
    ("care_professional",      3.0, [25, 60], 0.7, [0.5, 0.2,  0.8,  0.05]),
];
const CAPABILITIES: [&str; 4] = ["car", "night_time", "wheelchair", "stretcher"];

/// Generates `registrants` registrants and `supporters` supporters living in the town.
///
/// `place(rng_u, rng_v)` maps two uniform numbers in [0,1) to a home location inside the town and
/// the index into `district_names` of its district, or `None` to reject; it is assumed to be
/// (close to) affine in (u, v), as a bounding-box mapping is, so that homes can be put a few
/// hundred metres from a neighbourhood centre. `town_name` is e.g. 「みなと市」; the districts'
/// names lose their trailing 校区 in addresses (「みなと市桜台町3-12-5」). Ages and consent dates
/// count back from `today`. Both lists are empty when `place` accepts none of 2,000 tries.
pub fn generate(
    seed: u64,
    registrants: usize,
    supporters: usize,
    today: NaiveDate,
    town_name: &str,
    district_names: &[String],
    place: &dyn Fn(f64, f64) -> Option<(GeoPoint, usize)>,
) -> Population {
    let mut rng = Rng(seed);
    let Some(town) = Town::new(&mut rng, town_name, district_names, place) else {
        return Population::default();
    };
    let (doctors, managers, families) = (Vec::new(), Vec::new(), Vec::new());
    let mut g = Generator {
        rng,
        town,
        today,
        phones: 0,
        doctors,
        managers,
        families,
    };
    g.services();
    let registrants = (0..registrants).map(|i| g.registrant(i)).collect();
    let supporters = (0..supporters).map(|i| g.supporter(i)).collect();
    Population {
        registrants,
        supporters,
    }
}

/// SplitMix64: tiny and good enough for demo data, so no `rand` dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        crate::rng::splitmix64(&mut self.0)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        crate::rng::unit(self.next())
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Uniform in 0..n (0 when n is 0).
    fn below(&mut self, n: usize) -> usize {
        self.next().checked_rem(n as u64).unwrap_or(0) as usize
    }
    /// Uniform in low..=high.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1).max(1) as usize) as i64
    }
    /// An element of a non-empty table.
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    /// An index drawn with the given (non-empty) weights.
    fn index(&mut self, weights: &[f64]) -> usize {
        let mut x = self.unit() * weights.iter().sum::<f64>();
        let last = weights.len().saturating_sub(1);
        let chosen = weights.iter().position(|w| {
            x -= w;
            x < 0.0
        });
        chosen.unwrap_or(last)
    }
    fn weighted<T: Copy>(&mut self, items: &[T], weight: fn(&T) -> f64) -> T {
        items[self.index(&items.iter().map(weight).collect::<Vec<_>>())]
    }
    /// Standard normal (Box–Muller).
    fn gaussian(&mut self) -> f64 {
        let r = (-2.0 * (1.0 - self.unit()).ln()).sqrt();
        r * (std::f64::consts::TAU * self.unit()).cos()
    }
    /// A surname and its reading; the Chikugo-common ones come up more often.
    fn surname(&mut self) -> (&'static str, &'static str) {
        let common = self.chance(0.35);
        self.pick(if common {
            &SURNAMES[..KURUME_COMMON]
        } else {
            SURNAMES
        })
    }
    /// 「姓 名」 and its reading 「セイ メイ」, the given name fitting the generation.
    fn full_name(&mut self, surname: (&str, &str), age: i64, female: bool) -> (String, String) {
        let given = self.pick(match (age >= 62, female) {
            (true, true) => ELDERLY_FEMALE,
            (true, false) => ELDERLY_MALE,
            (false, true) => YOUNGER_FEMALE,
            (false, false) => YOUNGER_MALE,
        });
        (
            format!("{} {}", surname.0, given.0),
            format!("{} {}", surname.1, given.1),
        )
    }
}

/// A neighbourhood centre: where `place` put it and what its homes share in their address.
struct Centre {
    uv: (f64, f64),
    point: GeoPoint,
    district: usize,
    spread_m: f64,
    suffix: &'static str,
    chome: usize,
}

/// A home: the point, its district and its neighbourhood (none when scattered).
#[derive(Clone, Copy)]
struct Home {
    point: GeoPoint,
    district: usize,
    centre: Option<usize>,
}

struct Town<'a> {
    name: &'a str,
    stems: Vec<String>,
    place: &'a dyn Fn(f64, f64) -> Option<(GeoPoint, usize)>,
    centres: Vec<Centre>,
    weights: Vec<f64>,
    /// Turns an offset in degrees (lon, lat) into one in (u, v); learnt from the centres.
    to_uv: Option<[[f64; 2]; 2]>,
}

impl<'a> Town<'a> {
    fn new(
        rng: &mut Rng,
        name: &'a str,
        districts: &[String],
        place: &'a dyn Fn(f64, f64) -> Option<(GeoPoint, usize)>,
    ) -> Option<Self> {
        let (mut centres, mut weights) = (Vec::new(), Vec::new());
        for _ in 0..CENTRES * 50 {
            let uv = (rng.unit(), rng.unit());
            if let Some((point, district)) = place(uv.0, uv.1) {
                let (spread_m, suffix, chome) = (
                    150.0 + 150.0 * rng.unit(),
                    rng.pick(TOWN_SUFFIXES),
                    1 + rng.below(5),
                );
                centres.push(Centre {
                    uv,
                    point,
                    district,
                    spread_m,
                    suffix,
                    chome,
                });
                weights.push(0.5 + 1.5 * rng.unit());
                if centres.len() == CENTRES {
                    break;
                }
            }
        }
        let strip = |n: &String| {
            n.trim()
                .trim_end_matches("校区")
                .trim_end_matches("小学")
                .to_owned()
        };
        let stems = districts.iter().map(strip).collect();
        let to_uv = inverse_affine(&centres);
        (!centres.is_empty()).then_some(Self {
            name,
            stems,
            place,
            centres,
            weights,
            to_uv,
        })
    }

    fn place_at(&self, u: f64, v: f64, centre: Option<usize>) -> Option<Home> {
        let inside = (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v);
        let (point, district) = inside.then(|| (self.place)(u, v)).flatten()?;
        Some(Home {
            point,
            district,
            centre,
        })
    }

    /// A home near a centre chosen by weight, or now and then anywhere in town.
    fn home(&self, rng: &mut Rng) -> Home {
        if rng.chance(SCATTERED)
            && let Some(home) = (0..100).find_map(|_| self.place_at(rng.unit(), rng.unit(), None))
        {
            return home;
        }
        let centre = rng.index(&self.weights);
        self.near(rng, centre)
    }

    /// A home a gaussian `spread_m` from centre `c`, or the centre itself if `place` keeps refusing.
    fn near(&self, rng: &mut Rng, c: usize) -> Home {
        let centre = &self.centres[c];
        let mut jitter = |m: [[f64; 2]; 2]| {
            let dlat = rng.gaussian() * centre.spread_m / M_PER_DEG.0;
            let dlon = rng.gaussian() * centre.spread_m / M_PER_DEG.1;
            let u = centre.uv.0 + m[0][0] * dlon + m[0][1] * dlat;
            let v = centre.uv.1 + m[1][0] * dlon + m[1][1] * dlat;
            self.place_at(u, v, Some(c))
        };
        let fallback = Home {
            point: centre.point,
            district: centre.district,
            centre: Some(c),
        };
        self.to_uv
            .and_then(|m| (0..30).find_map(|_| jitter(m)))
            .unwrap_or(fallback)
    }

    fn stem(&self, district: usize) -> &str {
        let stem = self.stems.get(district).map(String::as_str);
        stem.filter(|s| !s.is_empty()).unwrap_or("中央")
    }

    fn any_stem(&self, rng: &mut Rng) -> String {
        self.stem(rng.below(self.stems.len())).to_owned()
    }

    /// 「みなと市桜台東町3-12-5」, with building and room for an apartment on `floor`.
    fn address(&self, rng: &mut Rng, home: Home, floor: Option<i64>) -> String {
        let stem = self.stem(home.district);
        let (suffix, chome) = match home.centre.and_then(|c| self.centres.get(c)) {
            Some(c) => (c.suffix, c.chome),
            None => (rng.pick(TOWN_SUFFIXES), 1 + rng.below(5)),
        };
        let suffix = if stem.ends_with('町') { "" } else { suffix };
        let (ban, go) = (1 + rng.below(30), 1 + rng.below(20));
        let room =
            floor.map(|f| format!(" {}{stem}{f}0{}号", rng.pick(BUILDINGS), 1 + rng.below(8)));
        format!(
            "{}{stem}{suffix}{chome}-{ban}-{go}{}",
            self.name,
            room.unwrap_or_default()
        )
    }
}

/// Least-squares affine fit of (lon, lat) against (u, v) over the centres, inverted, so that an
/// offset in metres can be asked of `place`. `None` when the centres are too few or collinear.
fn inverse_affine(centres: &[Centre]) -> Option<[[f64; 2]; 2]> {
    if centres.len() < 3 {
        return None;
    }
    let n = centres.len() as f64;
    let mean = |f: fn(&Centre) -> f64| centres.iter().map(f).sum::<f64>() / n;
    let (mu, mv) = (mean(|c| c.uv.0), mean(|c| c.uv.1));
    let (mlon, mlat) = (mean(|c| c.point.lon()), mean(|c| c.point.lat()));
    let mut s = [0.0_f64; 7]; // uu, uv, vv, u·lon, v·lon, u·lat, v·lat
    for c in centres {
        let (u, v) = (c.uv.0 - mu, c.uv.1 - mv);
        let (x, y) = (c.point.lon() - mlon, c.point.lat() - mlat);
        for (sum, term) in s
            .iter_mut()
            .zip([u * u, u * v, v * v, u * x, v * x, u * y, v * y])
        {
            *sum += term;
        }
    }
    let det = s[0] * s[2] - s[1] * s[1];
    if det <= 1e-9 * s[0] * s[2] {
        return None;
    }
    let solve = |a: f64, b: f64| ((s[2] * a - s[1] * b) / det, (s[0] * b - s[1] * a) / det);
    let ((lon_u, lon_v), (lat_u, lat_v)) = (solve(s[3], s[4]), solve(s[5], s[6]));
    let j = lon_u * lat_v - lon_v * lat_u;
    (j.is_finite() && j.abs() > 1e-15).then_some([[lat_v / j, -lon_v / j], [-lat_u / j, lon_u / j]])
}

/// `today` less `days`, as YYYY-MM-DD.
fn days_before(today: NaiveDate, days: f64) -> String {
    let date = today
        .checked_sub_days(Days::new(days as u64))
        .unwrap_or(today);
    date.format("%Y-%m-%d").to_string()
}

struct Generator<'a> {
    rng: Rng,
    town: Town<'a>,
    today: NaiveDate,
    /// Phone numbers handed out so far.
    phones: u64,
    doctors: Vec<Doctor>,
    managers: Vec<CareManager>,
    /// Each registrant's neighbourhood and surname, for family supporters living nearby.
    families: Vec<(usize, (&'static str, &'static str))>,
}

impl Generator<'_> {
    /// A number in the fictional blocks; the step is coprime to 10,000, so the first 10,000
    /// numbers handed out are all different.
    fn phone(&mut self, mobile: bool) -> String {
        self.phones += 1;
        let n = (self.phones * 7_919 + 4_649) % 10_000;
        match (mobile, self.phones % 2) {
            (false, _) => format!("0942-00-{n:04}"),
            (true, 0) => format!("090-0000-{n:04}"),
            (true, _) => format!("080-0000-{n:04}"),
        }
    }

    /// The town's clinics and care managers, each shared by many registrants.
    fn services(&mut self) {
        for i in 0..24 {
            let surname = self.rng.surname();
            let stem = self.town.any_stem(&mut self.rng);
            let clinic = match i % 8 {
                0 => format!("{stem}中央病院"),
                _ => format!("{}{}", surname.0, self.rng.pick(CLINIC_KINDS)),
            };
            let (age, female) = (self.rng.between(35, 75), self.rng.chance(0.25));
            let name = self.rng.full_name(surname, age, female).0;
            let phone = Some(self.phone(false));
            self.doctors.push(Doctor {
                name: Some(name),
                clinic: Some(clinic),
                phone,
            });
        }
        let mut office = (String::new(), None);
        for i in 0..30 {
            if i % 3 == 0 {
                // Three care managers to an office, sharing its phone.
                let stem = self.town.any_stem(&mut self.rng);
                let name = match i / 3 % 3 {
                    0 => format!("ケアプランセンター{stem}"),
                    1 => format!("{stem}居宅介護支援事業所"),
                    _ => format!("ケアサポート{stem}"),
                };
                office = (name, Some(self.phone(false)));
            }
            let (surname, age) = (self.rng.surname(), self.rng.between(30, 60));
            let female = self.rng.chance(0.7);
            let name = self.rng.full_name(surname, age, female).0;
            let (office, phone) = (Some(office.0.clone()), office.1.clone());
            self.managers.push(CareManager {
                name,
                office,
                phone,
            });
        }
    }

    fn contact(
        &mut self,
        age: i64,
        surname: (&'static str, &'static str),
        avoid: Option<&str>,
    ) -> Contact {
        let table = match age {
            65.. => ELDER_CONTACTS,
            45.. => MIDDLE_CONTACTS,
            _ => YOUNG_CONTACTS,
        };
        let (relation, female, same, offset, _) = (0..20)
            .map(|_| self.rng.weighted(table, |c| c.4))
            .find(|c| avoid != Some(c.0))
            .unwrap_or(table[0]);
        let surname = if same || self.rng.chance(0.4) {
            surname
        } else {
            self.rng.surname()
        };
        let (name, _) = self
            .rng
            .full_name(surname, (age + offset).clamp(20, 95), female);
        let mobile = self.rng.chance(0.85);
        Contact {
            name,
            relation: Some(relation.to_owned()),
            phone: self.phone(mobile),
        }
    }

    fn registrant(&mut self, index: usize) -> RegistrantInput {
        let r = &mut self.rng;
        let elderly = r.chance(0.85);
        let age = match elderly {
            true => 65 + 5 * r.index(&AGE_BANDS) as i64 + r.between(0, 4),
            false => r.between(20, 64),
        };
        let sex = ["female", "male", "unspecified"][r.index(&[60.0, 39.7, 0.3])];
        let female = sex == "female" || (sex == "unspecified" && r.chance(0.5));
        let (mut physical, mut intellectual, mut mental, mut disease) = (None, None, None, None);
        if elderly {
            physical = r
                .chance(0.2)
                .then(|| 1 + r.index(&[30.0, 25.0, 20.0, 15.0, 5.0, 5.0]) as i64);
            disease = r.chance(0.04).then(|| r.pick(ELDERLY_DISEASES));
        } else {
            match r.index(&[45.0, 20.0, 15.0, 20.0]) {
                0 => physical = Some(r.between(1, 2)),
                1 => (intellectual, physical) = (Some("A"), r.chance(0.3).then_some(1)),
                2 => mental = Some(1),
                _ => disease = Some(r.pick(YOUNGER_DISEASES)),
            }
        }
        let row = usize::from(!elderly) + usize::from(intellectual.is_some());
        let household = HOUSEHOLDS[r.index(&HOUSEHOLD_W[row])];
        let care = if elderly { r.index(&CARE_W) as i64 } else { 0 };

        let ventilator = r.chance(0.005);
        let mut devices = if ventilator {
            vec!["ventilator", "suction"]
        } else {
            Vec::new()
        };
        if ventilator {
            disease = disease.or(Some(YOUNGER_DISEASES[0])); // ALS
        }
        let tube = if care == 5 || ventilator { 0.15 } else { 0.0 };
        for (device, p) in [
            ("suction", 0.006),
            ("oxygen", 0.03),
            ("dialysis", 0.02),
            ("tube_feeding", tube),
        ] {
            if r.chance(p) && !devices.contains(&device) {
                devices.push(device);
            }
        }
        let electricity_dependent = devices
            .iter()
            .any(|d| ["ventilator", "oxygen", "suction"].contains(d));
        let row = match care {
            1.. => care as usize,
            _ if matches!(physical, Some(1 | 2)) => 6,
            _ if elderly => 0,
            _ => 7,
        };
        let mobility = MOBILITIES[if ventilator {
            3
        } else {
            r.index(&MOBILITY_W[row])
        }];
        let foreign = female && r.chance(0.006);
        let needs: Vec<&str> = [
            ("hearing", if elderly { 0.03 } else { 0.01 }),
            ("sight", 0.01),
            ("speech", if intellectual.is_some() { 0.3 } else { 0.005 }),
            ("cognitive", if elderly && care >= 2 { 0.03 } else { 0.0 }),
            ("foreign_language", if foreign { 1.0 } else { 0.0 }),
        ]
        .into_iter()
        .filter(|&(_, p)| r.chance(p))
        .map(|(need, _)| need)
        .collect();

        // Kurume's criteria, each stated exactly when the record shows it.
        let mut reasons: Vec<&str> = [
            (
                household != "with_family" && age >= 65,
                "elderly_only_household",
            ),
            (care >= 3, "care_level"),
            (matches!(physical, Some(1 | 2)), "physical_disability"),
            (intellectual.is_some(), "intellectual_disability"),
            (mental.is_some(), "mental_disability"),
            (disease.is_some(), "intractable_disease"),
            (!devices.is_empty(), "medical_care"),
        ]
        .into_iter()
        .filter_map(|(holds, code)| holds.then_some(code))
        .collect();
        let mut reason_note = None;
        if reasons.is_empty() {
            // Elderly people living with family qualify mostly through a certificate.
            if r.chance(0.9) {
                physical = Some(r.between(1, 2));
                reasons.push("physical_disability");
            } else {
                reasons.push("other");
                reason_note = Some(r.pick(OTHER_REASONS).to_owned());
            }
        }

        let building = ["detached", "apartment", "other"][r.index(&[75.0, 22.0, 3.0])];
        let floor = match building {
            "apartment" if mobility != "bedridden" => {
                1 + r.index(&[35.0, 25.0, 20.0, 12.0, 8.0]) as i64
            }
            "detached" if matches!(mobility, "walks" | "cane") && r.chance(0.12) => 2,
            _ => 1,
        };
        let daytime = match household {
            "with_family" => r.chance(0.4).then_some("平日の日中はひとり"),
            "alone" => r.chance(0.3).then_some("デイサービス利用（月・水・金）"),
            _ => r.chance(0.2).then_some("日中は夫婦のみ"),
        };
        let dwelling = r.chance(0.95).then(|| DwellingInput {
            building_type: Some(building.to_owned()),
            bedroom_floor: Some(floor),
            daytime_situation: daytime.map(str::to_owned),
        });
        let medicines = r.chance(0.6).then(|| {
            let (a, b) = (r.pick(MEDICINES), r.pick(MEDICINES));
            if a == b || r.chance(0.5) {
                a.to_owned()
            } else {
                format!("{a}、{b}")
            }
        });
        let allergies = r.chance(0.08).then(|| r.pick(ALLERGIES).to_owned());
        let birth_date = days_before(self.today, (age as f64 + 0.01 + 0.98 * r.unit()) * 365.2425);

        let surname = self.rng.surname();
        let married_in = foreign.then(|| self.rng.pick(MARRIED_IN));
        let (name, kana) = match married_in {
            Some((given, reading, _)) => (
                format!("{} {given}", surname.0),
                format!("{} {reading}", surname.1),
            ),
            None => self.rng.full_name(surname, age, female),
        };
        let home = self.town.home(&mut self.rng);
        let address = self.town.address(
            &mut self.rng,
            home,
            (building == "apartment").then_some(floor),
        );
        if let Some(c) = home.centre {
            self.families.push((c, surname));
        }
        let phone = match self.rng.unit() {
            x if x < 0.05 => None,
            x => Some(self.phone(x > if elderly { 0.7 } else { 0.25 })),
        };
        let first = self.contact(age, surname, None);
        let second = self
            .rng
            .chance(0.55)
            .then(|| self.contact(age, surname, first.relation.as_deref()));
        let doctor = self
            .rng
            .chance(0.85)
            .then(|| self.rng.below(self.doctors.len()));
        let manager =
            (care > 0 && self.rng.chance(0.95)).then(|| self.rng.below(self.managers.len()));
        let notes = if electricity_dependent {
            Some("停電時は予備バッテリーで約3時間。充電できる避難先が必要".to_owned())
        } else if devices.contains(&"dialysis") {
            Some("週3回透析（月・水・金）。災害時も透析先の確保が必要".to_owned())
        } else if let Some((_, _, language)) = married_in {
            Some(format!("日本語は日常会話程度（母語は{language}）"))
        } else if needs.contains(&"hearing") {
            Some("耳が遠いため筆談か大きな声で".to_owned())
        } else {
            self.rng
                .chance(0.2)
                .then(|| self.rng.pick(HOME_NOTES).to_owned())
        };
        let strings = |v: Vec<&str>| Some(v.into_iter().map(str::to_owned).collect());
        let id = (index as u64 * 7_919 + 402_030_001) % 1_000_000_000; // distinct below 10⁹
        let certified = physical.is_some() || intellectual.is_some() || mental.is_some();
        RegistrantInput {
            name: Some(name),
            name_kana: Some(kana),
            birth_date: Some(birth_date),
            sex: Some(sex.to_owned()),
            address: Some(address),
            phone,
            support_reasons: strings(reasons),
            reason_note,
            latitude: Some(home.point.lat()),
            longitude: Some(home.point.lon()),
            external_id: Some(format!("K{id:09}")),
            household: Some(household.to_owned()),
            care_level: (care > 0).then_some(care),
            mobility: Some(mobility.to_owned()),
            medical_devices: strings(devices),
            electricity_dependent: Some(electricity_dependent),
            communication_needs: strings(needs),
            dwelling,
            disability: certified.then(|| DisabilityInput {
                physical_grade: physical,
                intellectual_grade: intellectual.map(str::to_owned),
                mental_grade: mental,
            }),
            intractable_disease: disease.map(str::to_owned),
            emergency_contacts: Some([Some(first), second].into_iter().flatten().collect()),
            family_doctor: doctor.and_then(|i| self.doctors.get(i).cloned()),
            medicines,
            allergies,
            care_manager: manager.and_then(|i| self.managers.get(i).cloned()),
            notes,
        }
    }

    fn supporter(&mut self, index: usize) -> SupporterInput {
        let (kind, _, [low, high], p_female, can) = self.rng.weighted(&KINDS, |k| k.1);
        let (age, female) = (self.rng.between(low, high), self.rng.chance(p_female));
        let relative = (kind == "family" && !self.families.is_empty())
            .then(|| self.families[self.rng.below(self.families.len())]);
        let surname = relative.map_or_else(|| self.rng.surname(), |(_, surname)| surname);
        let (name, kana) = self.rng.full_name(surname, age, female);
        let home = match relative {
            Some((c, _)) => self.town.near(&mut self.rng, c),
            None => self.town.home(&mut self.rng),
        };
        let address = self.town.address(&mut self.rng, home, None);
        let mobile = self.rng.chance(0.8);
        let phone = self.phone(mobile);
        let stem = self.town.stem(home.district).to_owned();
        let r = &mut self.rng;
        let capacity = match kind {
            "welfare_commissioner" | "voluntary_group" => 2 + r.index(&[60.0, 40.0]) as i64,
            "community_association" if r.chance(0.15) => 2,
            _ => 1,
        };
        let capabilities = (CAPABILITIES.iter().zip(can))
            .filter(|&(_, p)| r.chance(if age > 75 { p / 3.0 } else { p }))
            .map(|(c, _)| c.to_string())
            .collect();
        let consent = r.chance(0.95);
        let consent_date = consent.then(|| days_before(self.today, r.below(730) as f64));
        let consent_note = match consent {
            true => Some(
                [
                    "同意書受領",
                    "同意書受領（自治会長経由）",
                    "同意書受領（民生委員経由）",
                ][r.index(&[70.0, 15.0, 15.0])],
            ),
            false => r.chance(0.5).then_some("同意書未提出"),
        };
        let inactive = r.chance(0.03);
        let notes = match kind {
            _ if inactive => Some("転居予定のため休止".to_owned()),
            "welfare_commissioner" => Some(format!("{stem}校区担当 民生委員・児童委員")),
            "fire_brigade" => Some(format!("{}消防団 {stem}分団", self.town.name)),
            "voluntary_group" => Some(format!("{stem}校区自主防災会")),
            "community_association" => Some(format!("{stem}校区 自治会役員")),
            "family" => Some("要支援者の家族（近居）".to_owned()),
            "neighbour" if age < 60 && r.chance(0.3) => Some("平日の日中は勤務で不在".to_owned()),
            _ => None,
        };
        let external_id = format!(
            "S{:09}",
            (index as u64 * 6_007 + 402_030_001) % 1_000_000_000
        );
        SupporterInput {
            name: Some(name),
            name_kana: Some(kana),
            phone: Some(phone),
            address: Some(address),
            latitude: Some(home.point.lat()),
            longitude: Some(home.point.lon()),
            kind: Some(kind.to_owned()),
            status: Some(if inactive { "inactive" } else { "active" }.to_owned()),
            capacity: Some(capacity),
            capabilities: Some(capabilities),
            consent_given: Some(consent),
            consent_date,
            consent_note: consent_note.map(str::to_owned),
            external_id: r.chance(0.9).then_some(external_id),
            notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::{Capability, Household, MedicalDevice, Mobility, Sex};
    use crate::domain::codes::{SupportReason as Why, SupporterKind as Kind};
    use crate::domain::registrant::RegistrantData;
    use crate::domain::supporter::SupporterData;

    const LAT: (f64, f64) = (33.27, 33.35);
    const LON: (f64, f64) = (130.46, 130.56);
    const STEMS: [&str; 8] = ["桜台", "城南", "荘島", "日吉", "篠山", "京町", "南", "西"];

    /// A river crossing the test town diagonally, where nobody may live.
    fn in_river(u: f64, v: f64) -> bool {
        (v - 0.3 - 0.4 * u).abs() < 0.015
    }

    /// A rectangle around 33.31, 130.51 in eight vertical strips, less the river.
    fn place(u: f64, v: f64) -> Option<(GeoPoint, usize)> {
        let point = GeoPoint::new(LAT.0 + v * (LAT.1 - LAT.0), LON.0 + u * (LON.1 - LON.0));
        (!in_river(u, v)).then_some((point.ok()?, (u * 8.0) as usize))
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()
    }

    fn town(seed: u64) -> Population {
        let districts: Vec<String> = STEMS.iter().map(|s| format!("{s}校区")).collect();
        generate(seed, 1_500, 3_000, today(), "みなと市", &districts, &place)
    }

    fn share<T>(items: &[T], f: impl Fn(&T) -> bool) -> f64 {
        items.iter().filter(|x| f(x)).count() as f64 / items.len() as f64
    }

    fn near(label: impl std::fmt::Display, actual: f64, expected: f64, tolerance: f64) {
        println!(
            "{label:<30} {:5.1}%  (target {:4.1}%)",
            actual * 100.0,
            expected * 100.0
        );
        assert!(
            (actual - expected).abs() <= tolerance,
            "{label}: {actual:.3}, not {expected}"
        );
    }

    #[test]
    fn every_registrant_parses_with_the_register_spreads() {
        let inputs = town(7).registrants;
        assert_eq!(inputs.len(), 1_500);
        let parse = |i: &RegistrantInput| RegistrantData::parse(i, today()).unwrap();
        let rs: Vec<RegistrantData> = inputs.iter().map(parse).collect();
        let rate = |f: &dyn Fn(&RegistrantData) -> bool| share(&rs, f);
        let age = |r: &RegistrantData| r.age_on(today());
        near("aged 65+", rate(&|r| age(r) >= 65), 0.85, 0.03);
        near("female", rate(&|r| r.sex == Sex::Female), 0.60, 0.04);
        use Household::{Alone, ElderlyOnly, WithFamily};
        for (h, p) in [(Alone, 0.4), (ElderlyOnly, 0.35), (WithFamily, 0.25)] {
            near(
                format!("household {h}"),
                rate(&|r| r.household == Some(h)),
                p,
                0.04,
            );
        }
        let care = [0.3, 0.1, 0.12, 0.2, 0.15, 0.13];
        for (level, p) in (0..=5).map(|c| (Some(c).filter(|&c| c > 0), care[c as usize])) {
            near(
                format!("care level {level:?}"),
                rate(&|r| r.care_level == level),
                p,
                0.03,
            );
        }
        use MedicalDevice::{Dialysis, Oxygen, Suction, Ventilator};
        for (d, p) in [
            (Oxygen, 0.03),
            (Dialysis, 0.02),
            (Suction, 0.01),
            (Ventilator, 0.005),
        ] {
            near(
                format!("device {d}"),
                rate(&|r| r.medical_devices.contains(&d)),
                p,
                0.01,
            );
        }
        let needs = rate(&|r| !r.communication_needs.is_empty());
        near("communication needs", needs, 0.06, 0.03);
        let other = rate(&|r| r.support_reasons.contains(&Why::Other));
        near("reason other", other, 0.005, 0.01);
        let two = rate(&|r| r.emergency_contacts.len() == 2);
        near("two emergency contacts", two, 0.55, 0.05);
        near(
            "family doctor",
            rate(&|r| r.family_doctor.is_some()),
            0.85,
            0.04,
        );
        let of_care = |c| rs.iter().filter(|r| r.care_level == c).collect::<Vec<_>>();
        let bedridden = share(&of_care(Some(5)), |r| {
            r.mobility == Some(Mobility::Bedridden)
        });
        near("care 5: bedridden", bedridden, 0.75, 0.1);
        let walking =
            |r: &&RegistrantData| matches!(r.mobility, Some(Mobility::Walks | Mobility::Cane));
        near(
            "no care level: walks or cane",
            share(&of_care(None), walking),
            0.8,
            0.1,
        );

        for r in &rs {
            let has = |why| r.support_reasons.contains(&why);
            let d = r.disability.as_ref();
            let alone = r.household.is_some_and(|h| h != WithFamily);
            assert!((20..=100).contains(&age(r)) && (1..=2).contains(&r.emergency_contacts.len()));
            assert!(age(r) >= 65 || r.household != Some(ElderlyOnly));
            assert_eq!(has(Why::ElderlyOnlyHousehold), alone && age(r) >= 65);
            assert_eq!(has(Why::CareLevel), r.care_level.is_some_and(|c| c >= 3));
            let grade = d.and_then(|d| d.physical_grade);
            assert_eq!(has(Why::PhysicalDisability), grade.is_some_and(|g| g <= 2));
            let intellectual = d.is_some_and(|d| d.intellectual_grade.is_some());
            assert_eq!(has(Why::IntellectualDisability), intellectual);
            let mental = d.and_then(|d| d.mental_grade) == Some(1);
            assert_eq!(has(Why::MentalDisability), mental);
            assert_eq!(
                has(Why::IntractableDisease),
                r.intractable_disease.is_some()
            );
            assert_eq!(has(Why::MedicalCare), !r.medical_devices.is_empty());
            let powered = [Ventilator, Oxygen, Suction];
            let powered = r.medical_devices.iter().any(|d| powered.contains(d));
            assert_eq!(r.electricity_dependent, powered);
            assert!(r.care_manager.is_none() || r.care_level.is_some());
            let id = r.external_id.as_deref().unwrap();
            let digits = id[1..].bytes().all(|b| b.is_ascii_digit());
            assert!(id.len() == 10 && id.starts_with('K') && digits);
            let strip = ((r.location.unwrap().lon() - LON.0) / (LON.1 - LON.0) * 8.0) as usize;
            let town = format!("みなと市{}", STEMS[strip]);
            assert!(r.address.starts_with(&town), "{}", r.address);
            let mut phones = r
                .phone
                .iter()
                .chain(r.emergency_contacts.iter().map(|c| &c.phone));
            assert!(phones.all(|p| fictional(p)));
        }
    }

    fn fictional(phone: &str) -> bool {
        ["0942-00-", "090-0000-", "080-0000-"]
            .iter()
            .any(|p| phone.starts_with(p))
    }

    #[test]
    fn every_supporter_parses_with_the_expected_kinds_and_capabilities() {
        let inputs = town(7).supporters;
        let parse = |i: &SupporterInput| SupporterData::parse(i, today()).unwrap();
        let ss: Vec<SupporterData> = inputs.iter().map(parse).collect();
        assert_eq!(ss.len(), 3_000);
        let rate = |f: &dyn Fn(&SupporterData) -> bool| share(&ss, f);
        let kinds = [0.55, 0.15, 0.10, 0.07, 0.05, 0.05, 0.03];
        use Kind::*;
        let order = [
            Neighbour,
            VoluntaryGroup,
            CommunityAssociation,
            FireBrigade,
            WelfareCommissioner,
            Family,
            CareProfessional,
        ];
        for (k, p) in order.into_iter().zip(kinds) {
            near(format!("supporter {k}"), rate(&|s| s.kind == k), p, 0.03);
        }
        use Capability::{Car, NightTime, Stretcher, Wheelchair};
        for (c, p) in [(Car, 0.3), (NightTime, 0.4), (Wheelchair, 0.15)] {
            near(
                format!("capability {c}"),
                rate(&|s| s.capabilities.contains(&c)),
                p,
                0.05,
            );
        }
        let stretcher: Vec<_> = ss
            .iter()
            .filter(|s| s.capabilities.contains(&Stretcher))
            .collect();
        let fire = share(&stretcher, |s| s.kind == FireBrigade);
        near("stretcher: fire brigade", fire, 0.6, 0.2);
        near("consent given", rate(&|s| s.consent_given), 0.95, 0.02);
        near("capacity 1", rate(&|s| s.capacity == 1), 0.78, 0.05);
        let two_years_ago = today() - Days::new(730);
        for s in &ss {
            let dated = s.consent_date.is_some_and(|d| d >= two_years_ago);
            assert_eq!(s.consent_given, dated && s.consent_note.is_some());
            let big = matches!(s.kind, WelfareCommissioner | VoluntaryGroup);
            assert!(if big { 2..=3 } else { 1..=2 }.contains(&s.capacity));
            assert!(fictional(&s.phone));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_town_and_another_seed_another() {
        // The input types have no PartialEq; their Debug form shows every field.
        let all = |seed| format!("{:?}", town(seed));
        assert_eq!(all(42), all(42));
        assert_ne!(all(42), all(43));
    }

    #[test]
    fn homes_avoid_refused_places_and_cluster_in_neighbourhoods() {
        let p = town(7);
        let registrants = p
            .registrants
            .iter()
            .map(|r| (r.latitude.unwrap(), r.longitude.unwrap()));
        let supporters = p
            .supporters
            .iter()
            .map(|s| (s.latitude.unwrap(), s.longitude.unwrap()));
        let points: Vec<(f64, f64)> = registrants.chain(supporters).collect();
        for &(lat, lon) in &points {
            let (u, v) = (
                (lon - LON.0) / (LON.1 - LON.0),
                (lat - LAT.0) / (LAT.1 - LAT.0),
            );
            assert!((0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) && !in_river(u, v));
        }
        // Mean distance to the nearest other home, against 0.5/√density for a uniform town.
        let homes = &points[..1_500];
        let metres = |a: (f64, f64), b: (f64, f64)| {
            ((a.0 - b.0) * M_PER_DEG.0).hypot((a.1 - b.1) * M_PER_DEG.1)
        };
        let nearest = |a: &(f64, f64)| {
            homes
                .iter()
                .filter(|b| *b != a)
                .map(|&b| metres(*a, b))
                .fold(f64::MAX, f64::min)
        };
        let mean = homes.iter().map(nearest).sum::<f64>() / homes.len() as f64;
        let area = (LAT.1 - LAT.0) * M_PER_DEG.0 * (LON.1 - LON.0) * M_PER_DEG.1;
        let uniform = 0.5 / (homes.len() as f64 / area).sqrt();
        println!("mean distance to the nearest home {mean:.0} m (uniform town {uniform:.0} m)");
        assert!(mean < 0.8 * uniform);
    }

    #[test]
    fn offsets_in_metres_are_turned_into_place_coordinates() {
        let town = Town::new(&mut Rng(1), "みなと市", &[], &place).unwrap();
        let m = town.to_uv.unwrap();
        let expected = [[1.0 / (LON.1 - LON.0), 0.0], [0.0, 1.0 / (LAT.1 - LAT.0)]];
        for (row, want) in m.iter().zip(expected) {
            for (got, want) in row.iter().zip(want) {
                assert!((got - want).abs() < 1e-6, "{m:?}");
            }
        }
    }

    #[test]
    fn a_town_that_refuses_every_place_has_nobody() {
        let nobody = generate(1, 10, 10, today(), "みなと市", &[], &|_, _| None);
        assert!(nobody.registrants.is_empty() && nobody.supporters.is_empty());
    }

    #[test]
    fn every_name_table_is_large_enough_and_read_in_katakana() {
        use super::super::names::*;
        let tables = [SURNAMES, ELDERLY_FEMALE, ELDERLY_MALE, YOUNGER_FEMALE];
        for (table, least) in tables
            .iter()
            .chain([&YOUNGER_MALE])
            .zip([60, 40, 40, 30, 30])
        {
            assert!(table.len() >= least);
            for (name, kana) in table.iter() {
                let katakana = kana
                    .chars()
                    .all(|c| ('\u{30A1}'..='\u{30FA}').contains(&c) || c == 'ー');
                assert!(
                    !name.is_empty() && !kana.is_empty() && katakana,
                    "{name} {kana}"
                );
            }
        }
    }
}
