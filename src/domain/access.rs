//! Who may see whom: users and roles, the normal-time sharing rule under the deployment's
//! consent model, incidents that widen it, and the hash that chains the audit log.
//!
//! Pure: depends on chrono, geo, sha2, hmac and zxcvbn (the password strength estimator) only.
//! docs/domain.md "Sharing and consent" is the law
//! behind it: in normal times register data reaches district supporters only as the consent
//! model allows; once a disaster is declared, everyone in the incident's area, for its
//! duration, and every such access is logged.

use chrono::{NaiveDate, NaiveDateTime};
use geo::{Contains, MultiPolygon, Point};
use hmac::digest::Update;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::codes::{ConsentModel, HazardType, Role};
use super::{DistrictId, IncidentId, RegistrantId, UserId, ValidationErrors};

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A user as the service knows them (the password hash stays in storage).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    /// The districts of a `district` user; empty for other roles.
    pub districts: Vec<DistrictId>,
    pub active: bool,
}

/// Checks a new user's name, role, districts and password.
///
/// # Errors
/// Japanese messages under `username`, `districts` and `password`.
pub fn check_new_user(
    username: &str,
    role: Role,
    districts: &[DistrictId],
    password: &str,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let name_ok = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if !name_ok {
        errors.push(
            "username",
            "ユーザー名は64文字以内の半角英数字と . _ - @ で入力してください",
        );
    }
    match (role, districts.is_empty()) {
        (Role::District, true) => {
            errors.push("districts", "地区の利用者には地区を1つ以上指定してください")
        }
        (Role::District, false) | (_, true) => {}
        (_, false) => errors.push(
            "districts",
            "地区を指定できるのは district の利用者だけです",
        ),
    }
    if let Some(message) = password_problem(username, password) {
        errors.push("password", message);
    }
    errors.into_result(|| ())
}

/// Lowest strength a password must reach on zxcvbn's scale of 0 to 4, by Dropbox's estimator,
/// which knows common passwords, words, names, keyboard rows, repeats, sequences and dates, and
/// whatever user inputs it is given. 4 means 10^10 guesses or more ("strong protection from an
/// offline slow-hash attack"; ours is argon2id, and the register holds the health of people
/// who cannot flee alone). 3 (10^8) was tried first and lets through `kurume2026!!`,
/// `Sasaeai-2026!` and `admin-password`: a known word before six brute-forced characters
/// lands exactly on 10^8. Four words, or 20 random hexadecimal characters, reach 4 easily.
pub const MIN_PASSWORD_SCORE: zxcvbn::Score = zxcvbn::Score::Four;

/// Words an attacker of a Japanese city's register tries first, in romaji, given to the
/// estimator as if the user had typed them: zxcvbn's own lists are English and American, so
/// without these `tanaka` or `kurume` would count as random letters. Common surnames and given
/// names, place names of the town and the region, this service, and words people use as
/// passwords here. Lowercase; the estimator ignores case.
#[rustfmt::skip]
pub const COMMON_WORDS: &[&str] = &[
    "sasaeai", "password", "pasuwado", "pasuwaado", "himitsu", "aikotoba", "kurume", "fukuoka",
    "chikugo", "kyushu", "saga", "kumamoto", "tokyo", "osaka", "kyoto", "nagoya", "yokohama",
    "sapporo", "kobe", "sendai", "hiroshima", "nippon", "nihon", "japan", "sato", "suzuki",
    "takahashi", "tanaka", "watanabe", "ito", "yamamoto", "nakamura", "kobayashi", "kato",
    "yoshida", "yamada", "sasaki", "yamaguchi", "matsumoto", "inoue", "kimura", "hayashi", "saito",
    "shimizu", "yamazaki", "mori", "abe", "ikeda", "hashimoto", "yamashita", "ishikawa",
    "nakajima", "maeda", "fujita", "ogawa", "goto", "okada", "hasegawa", "murakami", "kondo",
    "ishii", "sakamoto", "endo", "aoki", "fujii", "nishimura", "fukuda", "ota", "miura",
    "fujiwara", "okamoto", "matsuda", "nakagawa", "hiroshi", "takashi", "makoto", "akira", "kenji",
    "taro", "ichiro", "jiro", "haruto", "yuto", "sota", "ren", "minato", "yuki", "yuko", "keiko",
    "kazuko", "hiroko", "yoko", "hanako", "yui", "aoi", "hina", "sakura", "arigato", "arigatou",
    "konnichiwa", "ohayo", "daisuki", "aishiteru", "ganbare", "bosai", "bousai", "hinan",
    "hinanjo", "saigai", "shien", "tasukeai", "kyujo", "jishin", "tsunami", "kozui", "kouzui",
    "taifu", "yakusho", "shiyakusho", "fukushi", "kaigo", "minsei", "jichikai", "chonaikai",
    "neko", "inu", "doraemon", "pikachu", "totoro", "naruto", "gundam",
];

/// Why a password may not be used, in Japanese; `None` when it may. At least
/// [`MIN_PASSWORD_CHARS`] characters that are not all blank, not the user name, and at least
/// [`MIN_PASSWORD_SCORE`] by zxcvbn with the user name (and its parts), every role's code and
/// [`COMMON_WORDS`] counted against it. The strength message names what made it guessable
/// when zxcvbn's finding has a Japanese wording here (a word of the user's name, a common
/// name, a keyboard row, a repeat, a sequence, a date…), else says so in general terms.
///
/// ```
/// use sasaeai::domain::access::password_problem;
/// assert!(password_problem("kita", "tanaka123456").is_some());
/// assert!(password_problem("kita", "yellow kettle sings quietly").is_none());
/// ```
pub fn password_problem(username: &str, password: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Some(format!(
            "パスワードは{MIN_PASSWORD_CHARS}文字以上にしてください"
        ));
    }
    if password.trim().chars().count() < MIN_PASSWORD_CHARS {
        return Some(format!(
            "パスワードは空白を除いて{MIN_PASSWORD_CHARS}文字以上にしてください"
        ));
    }
    if password.trim().eq_ignore_ascii_case(username.trim()) {
        return Some("ユーザー名と同じパスワードは使えません".to_owned());
    }
    let own = own_words(username);
    let mut inputs: Vec<&str> = own.iter().map(String::as_str).collect();
    inputs.extend(Role::ALL.iter().map(|r| r.as_str()));
    inputs.extend_from_slice(COMMON_WORDS);
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if estimate.score() >= MIN_PASSWORD_SCORE {
        return None;
    }
    Some(format!(
        "推測されやすいパスワードです（{}）。単語を4つ以上つなげるなど、長く推測しにくいものにしてください",
        weakness(&estimate, &own)
    ))
}

/// The user name and its parts between `.`, `_`, `-` and `@` (three letters or more),
/// lowercase: each counts against the password.
fn own_words(username: &str) -> Vec<String> {
    let name = username.trim().to_lowercase();
    let mut words = vec![name.clone()];
    words.extend(
        name.split(['.', '_', '-', '@'])
            .filter(|part| part.chars().count() >= 3 && *part != name)
            .map(str::to_owned),
    );
    words.retain(|w| !w.is_empty());
    words
}

/// What made a password guessable, as a short Japanese phrase.
fn weakness(estimate: &zxcvbn::Entropy, own: &[String]) -> String {
    use zxcvbn::feedback::Warning as W;
    use zxcvbn::matching::patterns::MatchPattern;
    let words: Vec<&str> = estimate
        .sequence()
        .iter()
        .filter_map(|m| match &m.pattern {
            MatchPattern::Dictionary(d) => Some(d.matched_word.as_str()),
            _ => None,
        })
        .collect();
    if words.iter().any(|w| own.iter().any(|o| o == w)) {
        return "ユーザー名を含んでいます".to_owned();
    }
    if words
        .iter()
        .any(|w| Role::ALL.iter().any(|r| r.as_str() == *w))
    {
        return "役割の名前を含んでいます".to_owned();
    }
    if let Some(word) = words.iter().find(|w| COMMON_WORDS.contains(w)) {
        return format!("「{word}」のようなよくある名前や単語を含んでいます");
    }
    let warning = estimate
        .feedback()
        .and_then(zxcvbn::feedback::Feedback::warning);
    match warning {
        Some(W::StraightRowsOfKeysAreEasyToGuess | W::ShortKeyboardPatternsAreEasyToGuess) => {
            "キーボードの並びです"
        }
        Some(
            W::RepeatsLikeAaaAreEasyToGuess | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
        ) => "同じ文字や語の繰り返しです",
        Some(
            W::ThisIsATop10Password
            | W::ThisIsATop100Password
            | W::ThisIsACommonPassword
            | W::ThisIsSimilarToACommonlyUsedPassword,
        ) => "よく使われるパスワードか、それに近いものです",
        Some(W::SequencesLikeAbcAreEasyToGuess) => "abc や 6543 のような連続です",
        Some(W::RecentYearsAreEasyToGuess) => "最近の年を含んでいます",
        Some(W::DatesAreOftenEasyToGuess) => "日付を含んでいます",
        Some(W::AWordByItselfIsEasyToGuess) => "単語1つだけです",
        Some(
            W::NamesAndSurnamesByThemselvesAreEasyToGuess | W::CommonNamesAndSurnamesAreEasyToGuess,
        ) => "よくある名前や名字を含んでいます",
        None => "よくある単語や名前の組み合わせです",
    }
    .to_owned()
}

/// The latest register-sharing consent of a person: given or refused, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharingAnswer {
    pub given: bool,
    pub date: NaiveDate,
}

/// Whether a person's register data may go to district supporters in normal times.
///
/// - `opt_in`: only with a recorded consent.
/// - `presumed`: with a recorded consent, or when no answer is recorded and the person has been
///   on the register for `presumed_after_days` (the period the city gives to refuse).
/// - `opt_out`: unless a refusal is recorded.
pub fn shared_in_normal_times(
    model: ConsentModel,
    answer: Option<SharingAnswer>,
    registered_on: NaiveDate,
    today: NaiveDate,
    presumed_after_days: i64,
) -> bool {
    match (model, answer) {
        (_, Some(a)) => a.given,
        (ConsentModel::OptIn, None) => false,
        (ConsentModel::Presumed, None) => (today - registered_on).num_days() >= presumed_after_days,
        (ConsentModel::OptOut, None) => true,
    }
}

/// A declared incident: a disaster occurring or imminent over some districts or an area.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Incident {
    pub id: IncidentId,
    pub name: String,
    pub hazard_type: HazardType,
    pub districts: Vec<DistrictId>,
    /// The area as GeoJSON, when declared by area.
    #[schema(value_type = Option<Object>)]
    pub area: Option<serde_json::Value>,
    #[serde(with = "crate::domain::time::utc")]
    pub starts_at: NaiveDateTime,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub ends_at: Option<NaiveDateTime>,
    #[serde(with = "crate::domain::time::utc_opt")]
    pub closed_at: Option<NaiveDateTime>,
    pub declared_by: String,
    pub closed_by: Option<String>,
    /// Whether the incident rule applies now.
    pub open: bool,
}

impl Incident {
    /// Open at `now`: started, not past its end, not closed.
    pub fn is_open_at(&self, now: NaiveDateTime) -> bool {
        self.closed_at.is_none() && self.starts_at <= now && self.ends_at.is_none_or(|e| now < e)
    }
}

/// Where an incident applies: its districts, or its area. The area is anything that answers
/// whether it contains a point (lon, lat): the plain polygon, or one prepared for many tests
/// (`spatial::PreparedArea`), which services use.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentReach<A = MultiPolygon<f64>> {
    pub id: IncidentId,
    pub districts: Vec<DistrictId>,
    pub area: Option<A>,
}

impl<A: Contains<Point<f64>>> IncidentReach<A> {
    /// Whether a home in `district` at `home` (lon, lat) lies in the incident's reach.
    pub fn covers(&self, district: Option<DistrictId>, home: Option<(f64, f64)>) -> bool {
        district.is_some_and(|d| self.districts.contains(&d))
            || match (&self.area, home) {
                (Some(area), Some((lon, lat))) => area.contains(&Point::new(lon, lat)),
                _ => false,
            }
    }
}

/// Why a caller may see a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Staff and admin see the whole register.
    Register,
    /// A district user, under the consent model.
    Consent,
    /// A district user, only because this incident is open over the person's home.
    Incident(IncidentId),
}

/// One audit entry before it is chained.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditRecord {
    pub actor: String,
    pub role: Option<Role>,
    /// `login`, `login_failed`, `logout`, `read`, `list`, `export`, `print`, `change`.
    pub action: String,
    /// What was touched: a path, a serial, a username.
    pub target: String,
    pub registrant_ids: Vec<RegistrantId>,
    /// People seen only because an incident was open: (person, incident).
    pub incident_grants: Vec<(RegistrantId, IncidentId)>,
    /// `ok`, or the HTTP status / failure.
    pub outcome: String,
}

/// The fields of an entry in the order they are hashed.
fn chain_fields(prev_hash: &str, id: i64, at: NaiveDateTime, record: &AuditRecord) -> [String; 10] {
    let ids: Vec<String> = record
        .registrant_ids
        .iter()
        .map(|r| r.0.to_string())
        .collect();
    let grants: Vec<String> = record
        .incident_grants
        .iter()
        .map(|(r, i)| format!("{}:{}", r.0, i.0))
        .collect();
    [
        prev_hash.to_owned(),
        id.to_string(),
        at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        record.actor.clone(),
        record
            .role
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default(),
        record.action.clone(),
        record.target.clone(),
        ids.join(","),
        grants.join(","),
        record.outcome.clone(),
    ]
}

/// Feeds fields into a hash or MAC, each length-prefixed, so that no two different field
/// lists hash alike.
fn feed(hasher: &mut impl Update, fields: &[String]) {
    for field in fields {
        hasher.update(&(field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
}

/// The legacy hash of an entry: plain SHA-256 over the previous hash and every field, hex, as
/// entries were chained before the deployment had an [`AuditKey`]. Anyone with the database
/// can recompute it, so it only still checks the entries written before the key (up to
/// [`ChainStart::legacy_until`]); see [`keyed_chain_hash`].
pub fn chain_hash(prev_hash: &str, id: i64, at: NaiveDateTime, record: &AuditRecord) -> String {
    let mut hasher = Sha256::new();
    feed(&mut hasher, &chain_fields(prev_hash, id, at, record));
    hex(&hasher.finalize())
}

/// The hash of an entry, chained to the one before it: HMAC-SHA256 under the deployment's
/// audit key over the previous hash and every field (the same fields as [`chain_hash`]), hex.
/// Changing, removing or reordering any earlier entry changes every later hash, and without
/// the key nobody can compute a hash that fits.
pub fn keyed_chain_hash(
    key: &AuditKey,
    prev_hash: &str,
    id: i64,
    at: NaiveDateTime,
    record: &AuditRecord,
) -> String {
    let mut mac = key.mac();
    feed(&mut mac, &chain_fields(prev_hash, id, at, record));
    hex(&mac.finalize().into_bytes())
}

/// The hash entry `id` must have: [`chain_hash`] up to `start.legacy_until`, else
/// [`keyed_chain_hash`].
pub fn entry_hash(
    key: &AuditKey,
    start: &ChainStart,
    prev_hash: &str,
    id: i64,
    at: NaiveDateTime,
    record: &AuditRecord,
) -> String {
    if id <= start.legacy_until {
        chain_hash(prev_hash, id, at, record)
    } else {
        keyed_chain_hash(key, prev_hash, id, at, record)
    }
}

/// The secret of the keyed audit chain: 32 random bytes, kept in a file outside the database
/// (whoever has it can recompute the chain; whoever loses it can no longer check it).
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey([u8; AuditKey::LEN]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    /// Bytes in a key.
    pub const LEN: usize = 32;

    pub fn from_bytes(bytes: [u8; Self::LEN]) -> Self {
        Self(bytes)
    }

    /// A key as its file holds it: 64 hexadecimal digits, surrounding blanks ignored.
    ///
    /// # Errors
    /// A message (in English, for the operator's terminal) when the text is anything else.
    ///
    /// ```
    /// use sasaeai::domain::access::AuditKey;
    /// let key = AuditKey::parse_hex(&format!("{}\n", "ab".repeat(32))).unwrap();
    /// assert_eq!(key.to_hex(), "ab".repeat(32));
    /// assert!(AuditKey::parse_hex("abcd").is_err());
    /// ```
    pub fn parse_hex(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let mut bytes = [0u8; Self::LEN];
        let valid = text.len() == 2 * Self::LEN && text.is_ascii();
        for (i, byte) in bytes.iter_mut().enumerate() {
            let pair = text.get(2 * i..2 * i + 2).filter(|_| valid);
            *byte = pair
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| format!("expected {} hexadecimal digits", 2 * Self::LEN))?;
        }
        Ok(Self(bytes))
    }

    /// The key as its file holds it, without a line end.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC pads a key shorter than the hash's 64-byte block with zeros (RFC 2104), so
        // padding it here gives the same MAC and a constructor that cannot fail.
        let mut block = [0u8; 64];
        block[..Self::LEN].copy_from_slice(&self.0);
        <Hmac<Sha256> as KeyInit>::new(&block.into())
    }
}

/// Where the keyed chain of a database begins, recorded in the database when its audit key is
/// first used: entries up to `legacy_until` were chained with plain SHA-256 by a version without
/// a key, later ones under the key. `mac` binds the record to the key, so that moving the
/// boundary (to pass off recomputed entries as legacy ones) needs the key too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainStart {
    pub legacy_until: i64,
    /// When the key was first used (UTC); anchors name the chain by it.
    pub keyed_since: NaiveDateTime,
    pub mac: String,
}

impl ChainStart {
    /// The record for a chain whose entries up to `legacy_until` are legacy, keyed from now.
    pub fn new(key: &AuditKey, legacy_until: i64, keyed_since: NaiveDateTime) -> Self {
        Self {
            legacy_until,
            keyed_since,
            mac: chain_start_mac(key, legacy_until, keyed_since),
        }
    }

    /// Whether the record was made with `key` and is as it was made.
    pub fn is_sealed_by(&self, key: &AuditKey) -> bool {
        self.mac == chain_start_mac(key, self.legacy_until, self.keyed_since)
    }
}

fn chain_start_mac(key: &AuditKey, legacy_until: i64, keyed_since: NaiveDateTime) -> String {
    let mut mac = key.mac();
    feed(
        &mut mac,
        &[
            "sasaeai audit chain start".to_owned(),
            legacy_until.to_string(),
            keyed_since.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        ],
    );
    hex(&mac.finalize().into_bytes())
}

/// Bytes as lowercase hexadecimal, the form hashes and tokens are stored and sent in.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 of a bearer token, hex: what the sessions table stores.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// An incident as declared through the API.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct IncidentInput {
    /// e.g. 「令和8年7月豪雨」.
    pub name: Option<String>,
    pub hazard_type: Option<String>,
    /// District ids the incident covers.
    pub district_ids: Option<Vec<i64>>,
    /// Or an area: a GeoJSON Polygon or MultiPolygon.
    #[schema(value_type = Option<Object>)]
    pub area: Option<serde_json::Value>,
    /// Start (default: now), ISO 8601 local time.
    #[serde(with = "crate::domain::time::utc_opt", default)]
    pub starts_at: Option<NaiveDateTime>,
    /// Planned end, if known.
    #[serde(with = "crate::domain::time::utc_opt", default)]
    pub ends_at: Option<NaiveDateTime>,
}

/// A registrant's data as `grant` lets its holder see it. Staff and admin see everything; a
/// district user sees what support needs and nothing of the city's own case file: the
/// external id, the note on the reason, disability grades, diagnoses, doctor, medicines,
/// allergies, care manager and staff notes are cleared. Every face (JSON, CSV, GeoJSON, PDF)
/// renders the projected data, so none can show more than another.
pub fn project_registrant(
    data: &super::registrant::RegistrantData,
    grant: Grant,
) -> super::registrant::RegistrantData {
    if grant == Grant::Register {
        return data.clone();
    }
    super::registrant::RegistrantData {
        external_id: None,
        reason_note: None,
        disability: None,
        intractable_disease: None,
        family_doctor: None,
        medicines: None,
        allergies: None,
        care_manager: None,
        notes: None,
        ..data.clone()
    }
}

/// Priority reasons only the register's staff may see (they name a disability grade).
const WITHHELD_REASONS: &[&str] = &[
    "severe_physical_disability",
    "severe_intellectual_disability",
    "severe_mental_disability",
];

/// A priority as `grant` lets its holder see it: a district user keeps the tier (the order of
/// work), loses the reasons that name a disability grade, and sees the score of the reasons
/// left, so that no hidden points can be read off the difference.
pub fn project_priority(
    priority: &super::priority::Priority,
    grant: Grant,
) -> super::priority::Priority {
    if grant == Grant::Register {
        return priority.clone();
    }
    let reasons: Vec<_> = priority
        .reasons
        .iter()
        .filter(|r| !WITHHELD_REASONS.contains(&r.code.as_str()))
        .cloned()
        .collect();
    super::priority::Priority {
        score: reasons.iter().map(|r| r.points).sum(),
        tier: priority.tier,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn each_consent_model_shares_as_documented() {
        let (registered, today) = (day(2026, 1, 1), day(2026, 1, 20));
        let yes = Some(SharingAnswer {
            given: true,
            date: registered,
        });
        let no = Some(SharingAnswer {
            given: false,
            date: registered,
        });
        let rule = |m, a, days| shared_in_normal_times(m, a, registered, today, days);
        for model in ConsentModel::ALL.iter().copied() {
            assert!(rule(model, yes, 30), "{model}: consent always shares");
            assert!(!rule(model, no, 30), "{model}: refusal never shares");
        }
        assert!(!rule(ConsentModel::OptIn, None, 30));
        assert!(rule(ConsentModel::OptOut, None, 30));
        assert!(
            !rule(ConsentModel::Presumed, None, 30),
            "still within the period"
        );
        assert!(rule(ConsentModel::Presumed, None, 14), "period over");
    }

    #[test]
    fn an_incident_is_open_between_start_and_end_until_closed() {
        let at = |h| day(2026, 7, 1).and_hms_opt(h, 0, 0).unwrap();
        let mut incident = Incident {
            id: IncidentId(1),
            name: "豪雨".into(),
            hazard_type: HazardType::Flood,
            districts: vec![DistrictId(1)],
            area: None,
            starts_at: at(6),
            ends_at: Some(at(18)),
            closed_at: None,
            declared_by: "staff".into(),
            closed_by: None,
            open: true,
        };
        assert!(!incident.is_open_at(at(5)));
        assert!(incident.is_open_at(at(6)));
        assert!(!incident.is_open_at(at(18)));
        incident.closed_at = Some(at(7));
        assert!(!incident.is_open_at(at(8)));
    }

    #[test]
    fn the_chain_hash_changes_with_any_field_and_with_the_previous_hash() {
        let at = day(2026, 7, 1).and_hms_opt(6, 0, 0).unwrap();
        let record = AuditRecord {
            actor: "tanaka".into(),
            role: Some(Role::District),
            action: "read".into(),
            target: "/api/v1/registrants/7".into(),
            registrant_ids: vec![RegistrantId(7)],
            incident_grants: vec![],
            outcome: "ok".into(),
        };
        let h = chain_hash(GENESIS_HASH, 1, at, &record);
        assert_eq!(h.len(), 64);
        assert_eq!(h, chain_hash(GENESIS_HASH, 1, at, &record));
        assert_ne!(h, chain_hash(&h, 1, at, &record));
        let mut other = record.clone();
        other.registrant_ids = vec![RegistrantId(8)];
        assert_ne!(h, chain_hash(GENESIS_HASH, 1, at, &other));
        let mut other = record;
        other.actor = "tanak".into();
        other.target = "a/api/v1/registrants/7".into();
        assert_ne!(h, chain_hash(GENESIS_HASH, 1, at, &other));
    }

    fn sample() -> (NaiveDateTime, AuditRecord) {
        let at = day(2026, 7, 1).and_hms_opt(6, 0, 0).unwrap();
        let record = AuditRecord {
            actor: "tanaka".into(),
            role: Some(Role::District),
            action: "read".into(),
            target: "/api/v1/registrants/7".into(),
            registrant_ids: vec![RegistrantId(7)],
            incident_grants: vec![],
            outcome: "ok".into(),
        };
        (at, record)
    }

    /// Reference values computed outside Rust (Python's hashlib and hmac over the same
    /// length-prefixed fields), so that entries written by earlier versions still verify and
    /// the keyed hash is standard HMAC-SHA256.
    #[test]
    fn the_legacy_and_keyed_hashes_match_reference_values() {
        let (at, record) = sample();
        assert_eq!(
            chain_hash(GENESIS_HASH, 1, at, &record),
            "87a89bd74dacbc89b59fa971af0a59ceb824f104544612fd496a0b81c941d903"
        );
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = i as u8;
        }
        let key = AuditKey::from_bytes(bytes);
        assert_eq!(
            keyed_chain_hash(&key, GENESIS_HASH, 1, at, &record),
            "43d19e1d1ab03b96e20d5f675b87d51bec461565cdb0bb1ad4fedec9a8cc6b40"
        );
    }

    #[test]
    fn the_keyed_hash_depends_on_the_key_and_entries_after_the_boundary_use_it() {
        let (at, record) = sample();
        let key = AuditKey::from_bytes([7; 32]);
        let other = AuditKey::from_bytes([8; 32]);
        let keyed = keyed_chain_hash(&key, GENESIS_HASH, 2, at, &record);
        assert_ne!(
            keyed,
            keyed_chain_hash(&other, GENESIS_HASH, 2, at, &record)
        );
        assert_ne!(keyed, chain_hash(GENESIS_HASH, 2, at, &record));
        let start = ChainStart::new(&key, 1, at);
        assert_eq!(
            entry_hash(&key, &start, GENESIS_HASH, 1, at, &record),
            chain_hash(GENESIS_HASH, 1, at, &record)
        );
        assert_eq!(
            entry_hash(&key, &start, GENESIS_HASH, 2, at, &record),
            keyed
        );
    }

    #[test]
    fn a_chain_start_moved_or_read_with_another_key_is_not_sealed() {
        let (at, _) = sample();
        let key = AuditKey::from_bytes([7; 32]);
        let start = ChainStart::new(&key, 10, at);
        assert!(start.is_sealed_by(&key));
        assert!(!start.is_sealed_by(&AuditKey::from_bytes([8; 32])));
        let moved = ChainStart {
            legacy_until: 20,
            ..start.clone()
        };
        assert!(!moved.is_sealed_by(&key));
        assert!(
            !format!("{key:?}").contains("07"),
            "the key never shows in logs"
        );
        assert!(AuditKey::parse_hex(&"zz".repeat(32)).is_err());
        assert!(AuditKey::parse_hex(&"é".repeat(32)).is_err());
    }

    #[test]
    fn short_blank_and_same_as_the_name_passwords_are_refused_before_the_estimator() {
        let problem =
            |user: &str, password: &str| password_problem(user, password).unwrap_or_default();
        assert_eq!(problem("kita", ""), "パスワードは12文字以上にしてください");
        assert_eq!(
            problem("kita", &" ".repeat(12)),
            "パスワードは空白を除いて12文字以上にしてください"
        );
        assert_eq!(
            problem("yamakawa.kita", "Yamakawa.Kita"),
            "ユーザー名と同じパスワードは使えません"
        );
    }

    #[test]
    fn guessable_passwords_are_refused_saying_why_in_japanese() {
        let problem = |user, password| {
            password_problem(user, password)
                .unwrap_or_else(|| panic!("{password:?} was accepted for {user}"))
        };
        for (user, password, why) in [
            ("kita", "password1234", "よく使われるパスワード"),
            ("kita", "tanaka123456", "「tanaka」のような"),
            ("kita", "kurume2026!!", "「kurume」のような"),
            ("kita", "Sasaeai-2026!", "「sasaeai」のような"),
            (
                "yamakawa.kita",
                "Yamakawa.Kita.2026",
                "ユーザー名を含んでいます",
            ),
            ("yamakawa.kita", "yamakawa2026!", "ユーザー名を含んでいます"),
            ("kita", "qwertyuiop12", "よく使われるパスワード"),
            ("kita", "abcdefghijkl", "連続です"),
            ("kita", "aaaaaaaaaaaa", "繰り返しです"),
        ] {
            let message = problem(user, password);
            assert!(
                message.starts_with("推測されやすいパスワードです（")
                    && message.contains(why)
                    && message
                        .ends_with("単語を4つ以上つなげるなど、長く推測しにくいものにしてください"),
                "{password}: {message}"
            );
        }
    }

    #[test]
    fn a_four_word_passphrase_and_a_random_hex_password_are_accepted() {
        assert_eq!(
            password_problem("kita", "yellow kettle sings quietly"),
            None
        );
        assert_eq!(password_problem("tanaka", "midori no kaeru ga naku"), None);
        assert_eq!(password_problem("demo-staff", "0f3a9c21be77d4e5a8c1"), None);
    }

    #[test]
    fn a_district_user_needs_districts_and_others_must_not_have_them() {
        assert!(
            check_new_user(
                "kita",
                Role::District,
                &[DistrictId(1)],
                "correct horse battery"
            )
            .is_ok()
        );
        assert!(check_new_user("kita", Role::District, &[], "correct horse battery").is_err());
        assert!(
            check_new_user(
                "kita",
                Role::Staff,
                &[DistrictId(1)],
                "correct horse battery"
            )
            .is_err()
        );
        assert!(check_new_user("kita", Role::Staff, &[], "short").is_err());
        assert!(check_new_user("名前", Role::Staff, &[], "correct horse battery").is_err());
    }
}
