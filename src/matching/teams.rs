//! Proposal of the day's volunteer teams (pure: std only, no I/O; used by the volunteer-centre
//! service).
//!
//! Given the volunteers checked in today and the open help requests, [`propose`]
//! builds a *proposal* of teams that staff then adjust by hand. The algorithm is
//! a deterministic greedy pass; it does not search for an optimum.
//!
//! # Algorithm
//!
//! 1. **Units.** Volunteers sharing a `party` id form one indivisible unit (a
//!    party is never split). Everyone else is a unit of one. A unit "needs
//!    adults" when it contains a minor but no adult (a minor on their own, or a
//!    party of minors only).
//! 2. **Order.** Requests are sorted by `priority` ascending, then `continuing`
//!    requests first, then `id` ascending (input order only breaks ties between
//!    identical keys). Everything below walks this order, and every pool is a
//!    sorted `Vec`, so the same input always gives the same plan.
//! 3. **Clustering.** The first not-yet-handled request is the seed of a
//!    cluster. Later requests *of the same priority* join it while their location
//!    is within `cluster_radius_m` of the seed (haversine distance) and the summed
//!    headcount stays `<= max_team_size`. Clusters never mix priorities, so a
//!    low-priority request is never served "early" by riding along with a
//!    high-priority one. A request needing more than `max_team_size` people is
//!    always a cluster of its own and gets a team of *exactly* its size (staff can
//!    split it later). A request with `people_needed == 0` is treated as needing
//!    one person, because every team needs a leader.
//! 4. **Staffing a cluster** (need `N` = summed headcount, capacity `C` =
//!    `max_team_size`, or `N` for a big request):
//!    * *Skills first*: for each needed skill not yet covered, take the best
//!      unit holding it that still fits in `C`: an adult individual before a
//!      party that fits inside `N`, before a party that overflows `N`, before a
//!      minor-only unit; then the unit covering most still-missing skills, then
//!      the one with the fewest skills overall (keep rare people for later), then
//!      the lowest id.
//!    * *Headcount*: while fewer than `N` members, take, in this order of
//!      preference: the largest party whose size fits the remaining need
//!      (exactly or nearly); an adult individual (those with the fewest skills
//!      first); a minor individual (only once the team has 2 adults); and only
//!      when no individual is left, the smallest party that overflows the need
//!      while the team stays `<= C`.
//!    * *Minors*: a minor may only be in a team that contains an adult of the
//!      same party, or at least 2 adults in total. Minor-only units are only
//!      added to fill headcount when the team already has 2 adults; if a
//!      minor-only unit was taken for a skill, adult individuals are added (within
//!      `C`) until the team has 2 adults.
//!    * If a multi-request cluster cannot be staffed, its requests are retried
//!      one by one (in order).
//! 5. **Leader**: the experienced adult member with the lowest id; if there is
//!    none, the adult with the most distinct skills, then the lowest id. The
//!    minors rule guarantees every team has an adult.
//! 6. **Unmet requests** get a Japanese reason for staff:
//!    * 「必要な技能の人がいません: heavy_machinery」 when no unassigned volunteer
//!      has a needed skill at all;
//!    * 「人数が足りません（必要5人、残り2人）」 when fewer volunteers remain than
//!      needed;
//!    * 「グループや未成年の条件で編成できません（…）」 when enough people remain but
//!      parties / the minors rule make a valid team impossible.
//!
//!    Priority guarantee: once a request of priority `p` is unmet for any reason
//!    *other than a missing skill*, every request of a priority lower than `p`
//!    (a larger number) is left unmet as well, with the reason
//!    「優先度の高い依頼に人が足りないため割り当てていません（…）」. So a
//!    higher-priority request is never unmet while a lower-priority one got a
//!    team, except when it lacked a skill nobody available has. Requests of the
//!    *same* priority may still be served by the remaining volunteers.
//! 7. Volunteers in no team are returned as `idle`, sorted by id.
//!
//! # Complexity
//!
//! Clustering is `O(R^2)` in the worst case but pruned by a latitude check
//! before any trigonometry. Staffing uses cursors over pre-sorted individual
//! pools (amortised `O(1)` per pick) and scans of the (small) party list and
//! per-skill lists, so 2,000 volunteers and 500 requests take a few
//! milliseconds in release.

use std::cmp::Reverse;
use std::collections::BTreeMap;

/// Mean Earth radius in metres, used by the haversine distance.
use crate::domain::location::EARTH_RADIUS_M;

/// A volunteer checked in today.
#[derive(Debug, Clone, PartialEq)]
pub struct Volunteer {
    /// Volunteer id (unique).
    pub id: i64,
    /// Volunteers who came together (a company, a school club) share a party id
    /// and must stay in one team.
    pub party: Option<i64>,
    /// Skill codes such as `"driving"`, `"heavy_machinery"`, `"nursing"`, `"chainsaw"`.
    pub skills: Vec<String>,
    /// Has led or done this work before (from past activity days).
    pub experienced: bool,
    /// Under 18.
    pub minor: bool,
}

/// An open help request from a household.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Request id (unique).
    pub id: i64,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Number of people the work needs (0 is treated as 1).
    pub people_needed: u32,
    /// Skill codes of which at least one member each must have.
    pub skills_needed: Vec<String>,
    /// 1 = highest .. 3 = lowest.
    pub priority: u8,
    /// Left over from yesterday: goes first within its priority.
    pub continuing: bool,
}

/// Tuning knobs for [`propose`].
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Largest team size for ordinary teams (default 10). A request needing
    /// more people gets one team of exactly its size. 0 is treated as 1.
    pub max_team_size: u32,
    /// Requests within this distance (metres, haversine) of a cluster's first
    /// request may go to the same team (default 500).
    pub cluster_radius_m: f64,
}

impl Default for Options {
    /// `max_team_size = 10`, `cluster_radius_m = 500.0`.
    fn default() -> Self {
        Self {
            max_team_size: 10,
            cluster_radius_m: 500.0,
        }
    }
}

/// One proposed team.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposedTeam {
    /// Request ids served by this team, in serving order (the first is the
    /// cluster seed).
    pub requests: Vec<i64>,
    /// Member volunteer ids, ascending.
    pub members: Vec<i64>,
    /// Leader volunteer id; always one of `members`.
    pub leader: i64,
    /// Summed headcount of `requests` (each counted as at least 1).
    pub people_needed: u32,
}

/// A request that got no team, with a reason for staff (Japanese).
#[derive(Debug, Clone, PartialEq)]
pub struct Unmet {
    /// Request id.
    pub request: i64,
    /// Human-readable reason in Japanese.
    pub reason: String,
}

/// The whole proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamPlan {
    /// Teams in serving order.
    pub teams: Vec<ProposedTeam>,
    /// Unmet requests in serving order.
    pub unmet: Vec<Unmet>,
    /// Volunteers in no team, ascending id.
    pub idle: Vec<i64>,
}

/// An indivisible group of volunteers (a party, or one person).
struct Unit {
    /// Indices into the volunteer slice, ascending by volunteer id.
    members: Vec<usize>,
    adults: u32,
    /// Contains a minor but no adult.
    needs_adults: bool,
    /// Interned skill ids, sorted, deduplicated.
    skills: Vec<u32>,
    min_id: i64,
}

impl Unit {
    fn size(&self) -> u32 {
        u32::try_from(self.members.len()).unwrap_or(u32::MAX)
    }
    fn is_single(&self) -> bool {
        self.members.len() == 1
    }
    fn has(&self, skill: u32) -> bool {
        self.skills.binary_search(&skill).is_ok()
    }
}

/// Preference key when picking a unit for a skill (smaller is better).
type SkillPickKey = (u8, Reverse<usize>, usize, i64);

/// A team being built.
#[derive(Default)]
struct Draft {
    chosen: Vec<usize>,
    count: u32,
    adults: u32,
    needs_adults: bool,
}

/// Why a cluster could not be staffed.
enum Failure {
    /// No unassigned volunteer has these skills (does not block lower priorities).
    MissingSkills(Vec<u32>),
    /// Fewer volunteers remain than needed.
    Headcount { need: u32, remaining: u32 },
    /// Enough people, but parties / minors make it impossible.
    Composition { need: u32, remaining: u32 },
}

/// Volunteer pool with sorted lists and cursors.
struct Pool {
    units: Vec<Unit>,
    used: Vec<bool>,
    /// Adult single units, sorted by (skill count, id).
    adult_singles: Vec<usize>,
    /// Minor single units, sorted by (skill count, id).
    minor_singles: Vec<usize>,
    /// Multi-member units, sorted by (size desc, min id).
    parties: Vec<usize>,
    /// Position of a single unit inside its single list.
    pos: Vec<usize>,
    adult_cursor: usize,
    minor_cursor: usize,
    /// Units holding each skill, ascending unit index.
    skill_units: Vec<Vec<usize>>,
    /// Volunteers not committed to a team.
    remaining: u32,
}

impl Pool {
    fn take(&mut self, d: &mut Draft, u: usize) {
        self.used[u] = true;
        let unit = &self.units[u];
        d.chosen.push(u);
        d.count += unit.size();
        d.adults += unit.adults;
        d.needs_adults |= unit.needs_adults;
    }

    fn release(&mut self, d: &Draft) {
        for &u in &d.chosen {
            self.used[u] = false;
            let unit = &self.units[u];
            if unit.is_single() {
                if unit.adults == 1 {
                    self.adult_cursor = self.adult_cursor.min(self.pos[u]);
                } else {
                    self.minor_cursor = self.minor_cursor.min(self.pos[u]);
                }
            }
        }
    }

    fn next_single(&mut self, minor: bool) -> Option<usize> {
        let (list, cursor) = if minor {
            (&self.minor_singles, &mut self.minor_cursor)
        } else {
            (&self.adult_singles, &mut self.adult_cursor)
        };
        while *cursor < list.len() && self.used[list[*cursor]] {
            *cursor += 1;
        }
        list.get(*cursor).copied()
    }

    /// Tries to staff a team of at least `need` (at most `cap`) covering `skills`.
    fn staff(&mut self, need: u32, cap: u32, skills: &[u32]) -> Result<Draft, Failure> {
        let mut d = Draft::default();
        match self.fill(&mut d, need, cap, skills) {
            true => {
                self.remaining -= d.count;
                Ok(d)
            }
            false => {
                self.release(&d);
                Err(self.diagnose(need, skills))
            }
        }
    }

    fn fill(&mut self, d: &mut Draft, need: u32, cap: u32, skills: &[u32]) -> bool {
        // Skills first.
        let mut covered = vec![false; skills.len()];
        for k in 0..skills.len() {
            if covered[k] {
                continue;
            }
            let mut best: Option<(SkillPickKey, usize)> = None;
            for &u in &self.skill_units[skills[k] as usize] {
                if self.used[u] {
                    continue;
                }
                let unit = &self.units[u];
                let size = unit.size();
                if d.count + size > cap {
                    continue;
                }
                let class = if unit.needs_adults {
                    3
                } else if unit.is_single() {
                    0
                } else if d.count + size <= need {
                    1
                } else {
                    2
                };
                let covers = skills
                    .iter()
                    .zip(&covered)
                    .filter(|&(&s, &c)| !c && unit.has(s))
                    .count();
                let key = (class, Reverse(covers), unit.skills.len(), unit.min_id);
                if best.as_ref().is_none_or(|(bk, _)| key < *bk) {
                    best = Some((key, u));
                }
            }
            let Some((_, u)) = best else {
                return false;
            };
            self.take(d, u);
            let unit = &self.units[u];
            for (c, &s) in covered.iter_mut().zip(skills) {
                *c |= unit.has(s);
            }
        }
        // Headcount.
        while d.count < need {
            let r = need - d.count;
            let minors_ok = d.adults >= 2;
            // Largest party fitting the remaining need (sorted by size desc).
            let fitting = self.parties.iter().copied().find(|&u| {
                let unit = &self.units[u];
                !self.used[u] && unit.size() <= r && (minors_ok || !unit.needs_adults)
            });
            if let Some(u) = fitting {
                self.take(d, u);
                continue;
            }
            if let Some(u) = self.next_single(false) {
                self.take(d, u);
                continue;
            }
            if minors_ok && let Some(u) = self.next_single(true) {
                self.take(d, u);
                continue;
            }
            // Smallest party overflowing the need while staying within cap.
            let overflow = self
                .parties
                .iter()
                .copied()
                .filter(|&u| {
                    let unit = &self.units[u];
                    !self.used[u]
                        && d.count + unit.size() <= cap
                        && (minors_ok || !unit.needs_adults)
                })
                .min_by_key(|&u| (self.units[u].size(), self.units[u].min_id));
            match overflow {
                Some(u) => self.take(d, u),
                None => return false,
            }
        }
        // Minors rule: minor-only units need 2 adults in the team.
        while d.needs_adults && d.adults < 2 {
            if d.count >= cap {
                return false;
            }
            match self.next_single(false) {
                Some(u) => self.take(d, u),
                None => return false,
            }
        }
        true
    }

    fn diagnose(&self, need: u32, skills: &[u32]) -> Failure {
        let missing: Vec<u32> = skills
            .iter()
            .copied()
            .filter(|&s| self.skill_units[s as usize].iter().all(|&u| self.used[u]))
            .collect();
        if !missing.is_empty() {
            Failure::MissingSkills(missing)
        } else if self.remaining < need {
            Failure::Headcount {
                need,
                remaining: self.remaining,
            }
        } else {
            Failure::Composition {
                need,
                remaining: self.remaining,
            }
        }
    }
}

/// Great-circle metres between two points given in degrees (the service's one distance).
fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    crate::domain::location::distance_m((lat1, lon1), (lat2, lon2))
}

/// Interns skill codes into dense ids, in first-seen order (names kept for reasons).
#[derive(Default)]
struct Skills<'a> {
    ids: BTreeMap<&'a str, u32>,
    names: Vec<&'a str>,
}

impl<'a> Skills<'a> {
    fn intern(&mut self, name: &'a str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.ids.insert(name, id);
        self.names.push(name);
        id
    }
    fn set(&mut self, names: &'a [String]) -> Vec<u32> {
        let mut v: Vec<u32> = names.iter().map(|s| self.intern(s)).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

fn build_pool(volunteers: &[Volunteer], vskills: &[Vec<u32>], n_skills: usize) -> Pool {
    let mut by_party: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, v) in volunteers.iter().enumerate() {
        match v.party {
            Some(p) => by_party.entry(p).or_default().push(i),
            None => groups.push(vec![i]),
        }
    }
    groups.extend(by_party.into_values());
    let mut units: Vec<Unit> = groups
        .into_iter()
        .map(|mut members| {
            members.sort_by_key(|&i| (volunteers[i].id, i));
            let adults = u32::try_from(members.iter().filter(|&&i| !volunteers[i].minor).count())
                .unwrap_or(u32::MAX);
            let mut skills: Vec<u32> = members.iter().flat_map(|&i| vskills[i].clone()).collect();
            skills.sort_unstable();
            skills.dedup();
            let min_id = members.first().map_or(i64::MAX, |&i| volunteers[i].id);
            Unit {
                needs_adults: adults == 0,
                adults,
                skills,
                min_id,
                members,
            }
        })
        .collect();
    units.sort_by_key(|u| (u.min_id, u.members.first().copied()));

    let mut adult_singles = Vec::new();
    let mut minor_singles = Vec::new();
    let mut parties = Vec::new();
    let mut skill_units = vec![Vec::new(); n_skills];
    for (u, unit) in units.iter().enumerate() {
        match (unit.is_single(), unit.adults) {
            (true, 1) => adult_singles.push(u),
            (true, _) => minor_singles.push(u),
            (false, _) => parties.push(u),
        }
        for &s in &unit.skills {
            skill_units[s as usize].push(u);
        }
    }
    adult_singles.sort_by_key(|&u| (units[u].skills.len(), units[u].min_id, u));
    minor_singles.sort_by_key(|&u| (units[u].skills.len(), units[u].min_id, u));
    parties.sort_by_key(|&u| (Reverse(units[u].size()), units[u].min_id, u));
    let mut pos = vec![0; units.len()];
    for list in [&adult_singles, &minor_singles] {
        for (p, &u) in list.iter().enumerate() {
            pos[u] = p;
        }
    }
    Pool {
        used: vec![false; units.len()],
        units,
        adult_singles,
        minor_singles,
        parties,
        pos,
        adult_cursor: 0,
        minor_cursor: 0,
        skill_units,
        remaining: u32::try_from(volunteers.len()).unwrap_or(u32::MAX),
    }
}

/// Picks the leader among `members` (volunteer indices): experienced adult with
/// the lowest id, else the adult with the most distinct skills then lowest id.
fn pick_leader(volunteers: &[Volunteer], vskills: &[Vec<u32>], members: &[usize]) -> i64 {
    let adults = members.iter().copied().filter(|&i| !volunteers[i].minor);
    let experienced = adults
        .clone()
        .filter(|&i| volunteers[i].experienced)
        .map(|i| volunteers[i].id)
        .min();
    experienced
        .or_else(|| {
            adults
                .min_by_key(|&i| (Reverse(vskills[i].len()), volunteers[i].id))
                .map(|i| volunteers[i].id)
        })
        .or_else(|| members.iter().map(|&i| volunteers[i].id).min())
        .unwrap_or_default()
}

/// Proposes the day's teams. See the module documentation for the rules.
///
/// Deterministic: the same input always yields the same plan.
pub fn propose(volunteers: &[Volunteer], requests: &[Request], options: &Options) -> TeamPlan {
    let max = options.max_team_size.max(1);
    let radius = options.cluster_radius_m;

    let mut skills = Skills::default();
    let vskills: Vec<Vec<u32>> = volunteers.iter().map(|v| skills.set(&v.skills)).collect();
    let rskills: Vec<Vec<u32>> = requests
        .iter()
        .map(|r| skills.set(&r.skills_needed))
        .collect();
    let mut pool = build_pool(volunteers, &vskills, skills.names.len());

    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by_key(|&i| {
        let r = &requests[i];
        (r.priority, !r.continuing, r.id, i)
    });
    let need_of = |i: usize| requests[i].people_needed.max(1);
    // Minimal latitude gap (degrees) that already exceeds the radius.
    let lat_gap = radius / (EARTH_RADIUS_M * std::f64::consts::PI / 180.0);

    let mut handled = vec![false; order.len()];
    let mut blocked: Option<u8> = None;
    let mut teams = Vec::new();
    let mut unmet = Vec::new();

    for k in 0..order.len() {
        if handled[k] {
            continue;
        }
        let seed = order[k];
        let sr = &requests[seed];
        handled[k] = true;
        if let Some(p) = blocked
            && sr.priority > p
        {
            unmet.push(Unmet {
                request: sr.id,
                reason: format!(
                    "優先度の高い依頼に人が足りないため割り当てていません（必要{}人、残り{}人）",
                    need_of(seed),
                    pool.remaining
                ),
            });
            continue;
        }
        let mut cluster = vec![seed];
        let mut sum = need_of(seed);
        for j in k + 1..order.len() {
            if sum >= max {
                break;
            }
            let r = &requests[order[j]];
            if r.priority != sr.priority {
                break;
            }
            if handled[j] || need_of(order[j]) > max - sum || (r.lat - sr.lat).abs() > lat_gap {
                continue;
            }
            if haversine_m(sr.lat, sr.lon, r.lat, r.lon) <= radius {
                handled[j] = true;
                cluster.push(order[j]);
                sum += need_of(order[j]);
            }
        }

        let attempts: Vec<Vec<usize>> = match try_team(&mut pool, &cluster, sum, max, &rskills) {
            Ok(d) => {
                teams.push(finish(
                    volunteers, &vskills, &pool, requests, &cluster, sum, d,
                ));
                continue;
            }
            Err(f) if cluster.len() == 1 => {
                record(&mut unmet, &mut blocked, sr, f, &skills.names);
                continue;
            }
            Err(_) => cluster.iter().map(|&i| vec![i]).collect(),
        };
        for single in attempts {
            let need = need_of(single[0]);
            match try_team(&mut pool, &single, need, max, &rskills) {
                Ok(d) => teams.push(finish(
                    volunteers, &vskills, &pool, requests, &single, need, d,
                )),
                Err(f) => record(
                    &mut unmet,
                    &mut blocked,
                    &requests[single[0]],
                    f,
                    &skills.names,
                ),
            }
        }
    }

    let mut idle: Vec<i64> = pool
        .units
        .iter()
        .zip(&pool.used)
        .filter(|&(_, &used)| !used)
        .flat_map(|(u, _)| u.members.iter().map(|&i| volunteers[i].id))
        .collect();
    idle.sort_unstable();
    TeamPlan { teams, unmet, idle }
}

fn try_team(
    pool: &mut Pool,
    cluster: &[usize],
    sum: u32,
    max: u32,
    rskills: &[Vec<u32>],
) -> Result<Draft, Failure> {
    let mut needed: Vec<u32> = cluster
        .iter()
        .flat_map(|&i| rskills[i].iter().copied())
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let cap = if sum > max { sum } else { max };
    pool.staff(sum, cap, &needed)
}

fn finish(
    volunteers: &[Volunteer],
    vskills: &[Vec<u32>],
    pool: &Pool,
    requests: &[Request],
    cluster: &[usize],
    need: u32,
    d: Draft,
) -> ProposedTeam {
    let mut members: Vec<usize> = d
        .chosen
        .iter()
        .flat_map(|&u| pool.units[u].members.iter().copied())
        .collect();
    members.sort_by_key(|&i| (volunteers[i].id, i));
    ProposedTeam {
        requests: cluster.iter().map(|&i| requests[i].id).collect(),
        leader: pick_leader(volunteers, vskills, &members),
        members: members.iter().map(|&i| volunteers[i].id).collect(),
        people_needed: need,
    }
}

fn record(
    unmet: &mut Vec<Unmet>,
    blocked: &mut Option<u8>,
    r: &Request,
    f: Failure,
    names: &[&str],
) {
    if !matches!(f, Failure::MissingSkills(_)) && blocked.is_none() {
        *blocked = Some(r.priority);
    }
    let reason = match f {
        Failure::MissingSkills(missing) => {
            let list: Vec<&str> = missing
                .iter()
                .map(|&s| names.get(s as usize).copied().unwrap_or("?"))
                .collect();
            format!("必要な技能の人がいません: {}", list.join(", "))
        }
        Failure::Headcount { need, remaining } => {
            format!("人数が足りません（必要{need}人、残り{remaining}人）")
        }
        Failure::Composition { need, remaining } => {
            format!("グループや未成年の条件で編成できません（必要{need}人、残り{remaining}人）")
        }
    };
    unmet.push(Unmet {
        request: r.id,
        reason,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Deterministic SplitMix64 generator for randomized tests.
    struct SplitMix64(u64);
    impl SplitMix64 {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }
        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn vol(id: i64) -> Volunteer {
        Volunteer {
            id,
            party: None,
            skills: vec![],
            experienced: false,
            minor: false,
        }
    }

    fn req(id: i64, need: u32, priority: u8) -> Request {
        Request {
            id,
            lat: 33.31 + id as f64 * 0.01, // ~1.1 km apart: never clustered
            lon: 130.51,
            people_needed: need,
            skills_needed: vec![],
            priority,
            continuing: false,
        }
    }

    fn vols(ids: std::ops::Range<i64>) -> Vec<Volunteer> {
        ids.map(vol).collect()
    }

    fn team_of(plan: &TeamPlan, request: i64) -> Option<&ProposedTeam> {
        plan.teams.iter().find(|t| t.requests.contains(&request))
    }

    const SKILL_REASON: &str = "必要な技能の人がいません";

    /// Checks every documented invariant of a plan.
    fn check(vs: &[Volunteer], rs: &[Request], o: &Options, plan: &TeamPlan) {
        let max = o.max_team_size.max(1);
        let vby: BTreeMap<i64, &Volunteer> = vs.iter().map(|v| (v.id, v)).collect();
        let rby: BTreeMap<i64, &Request> = rs.iter().map(|r| (r.id, r)).collect();
        let mut vol_team: BTreeMap<i64, usize> = BTreeMap::new();
        let mut seen_req = BTreeSet::new();
        for (ti, t) in plan.teams.iter().enumerate() {
            assert!(!t.requests.is_empty());
            let need: u32 = t
                .requests
                .iter()
                .map(|id| rby[id].people_needed.max(1))
                .sum();
            assert_eq!(t.people_needed, need);
            let n = t.members.len() as u32;
            assert!(n >= need, "headcount {n} < {need}");
            if need > max {
                assert_eq!(t.requests.len(), 1, "big request must be alone");
                assert_eq!(n, need, "big request gets exactly its size");
            } else {
                assert!(n <= max, "team of {n} exceeds max {max}");
            }
            // Clustering: all within radius of the first, same priority.
            let first = rby[&t.requests[0]];
            for id in &t.requests {
                let r = rby[id];
                assert!(seen_req.insert(*id), "request {id} served twice");
                assert_eq!(r.priority, first.priority);
                assert!(haversine_m(first.lat, first.lon, r.lat, r.lon) <= o.cluster_radius_m);
            }
            // Skills covered.
            for id in &t.requests {
                for s in &rby[id].skills_needed {
                    assert!(
                        t.members.iter().any(|m| vby[m].skills.contains(s)),
                        "skill {s} not covered"
                    );
                }
            }
            for m in &t.members {
                assert!(
                    vol_team.insert(*m, ti).is_none(),
                    "volunteer {m} in two teams"
                );
            }
            // Minors rule.
            let adults = t.members.iter().filter(|m| !vby[m].minor).count();
            for m in &t.members {
                let v = vby[m];
                if v.minor {
                    let party_adult = v.party.is_some()
                        && t.members
                            .iter()
                            .any(|o| !vby[o].minor && vby[o].party == v.party);
                    assert!(party_adult || adults >= 2, "minor {m} without adults");
                }
            }
            // Leader.
            assert!(t.members.contains(&t.leader));
            let leader = vby[&t.leader];
            assert!(!leader.minor, "leader is a minor");
            let exp: Vec<i64> = t
                .members
                .iter()
                .copied()
                .filter(|m| vby[m].experienced && !vby[m].minor)
                .collect();
            if let Some(&lowest) = exp.iter().min() {
                assert_eq!(t.leader, lowest);
            }
        }
        // Parties never split.
        let mut party_team: BTreeMap<i64, Option<usize>> = BTreeMap::new();
        for v in vs {
            if let Some(p) = v.party {
                let t = vol_team.get(&v.id).copied();
                let prev = *party_team.entry(p).or_insert(t);
                assert_eq!(prev, t, "party {p} split");
            }
        }
        // teams ∪ idle = all, disjoint.
        let idle: BTreeSet<i64> = plan.idle.iter().copied().collect();
        assert_eq!(idle.len(), plan.idle.len());
        assert!(plan.idle.windows(2).all(|w| w[0] < w[1]));
        for v in vs {
            assert!(
                vol_team.contains_key(&v.id) ^ idle.contains(&v.id),
                "volunteer {} not exactly once",
                v.id
            );
        }
        assert_eq!(vol_team.len() + idle.len(), vs.len());
        // Every request served or unmet, once.
        for u in &plan.unmet {
            assert!(seen_req.insert(u.request), "request {} twice", u.request);
            assert!(!u.reason.is_empty());
        }
        assert_eq!(seen_req.len(), rs.len());
        // Priority: a non-skill unmet request has no lower-priority served request.
        let max_served = plan
            .teams
            .iter()
            .flat_map(|t| t.requests.iter().map(|id| rby[id].priority))
            .max();
        for u in &plan.unmet {
            if !u.reason.starts_with(SKILL_REASON) {
                let p = rby[&u.request].priority;
                assert!(
                    max_served.is_none_or(|m| m <= p),
                    "priority {p} unmet but {max_served:?} served"
                );
            }
        }
    }

    #[test]
    fn default_options() {
        let o = Options::default();
        assert_eq!(o.max_team_size, 10);
        assert_eq!(o.cluster_radius_m, 500.0);
    }

    #[test]
    fn headcount_and_skills_met() {
        let mut vs = vols(1..30);
        vs[20].skills = vec!["chainsaw".into()];
        vs[25].skills = vec!["driving".into(), "nursing".into()];
        let mut r1 = req(1, 4, 1);
        r1.skills_needed = vec!["chainsaw".into(), "driving".into()];
        let rs = vec![r1, req(2, 6, 2), req(3, 3, 3)];
        let o = Options::default();
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        assert_eq!(plan.teams.len(), 3);
        assert!(plan.unmet.is_empty());
        let t = team_of(&plan, 1).unwrap();
        assert!(t.members.contains(&21) && t.members.contains(&26));
        assert_eq!(t.members.len(), 4);
    }

    #[test]
    fn parties_never_split_and_fit_need() {
        let mut vs = vols(1..20);
        for v in &mut vs[0..4] {
            v.party = Some(100); // party of 4
        }
        for v in &mut vs[4..7] {
            v.party = Some(200); // party of 3
        }
        let rs = vec![req(1, 3, 1), req(2, 4, 1), req(3, 2, 1)];
        let o = Options::default();
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        // Exact fits are preferred.
        assert_eq!(team_of(&plan, 1).unwrap().members, vec![5, 6, 7]);
        assert_eq!(team_of(&plan, 2).unwrap().members, vec![1, 2, 3, 4]);
        assert_eq!(team_of(&plan, 3).unwrap().members.len(), 2);
    }

    #[test]
    fn party_overflow_only_within_max() {
        // Only a party of 6 is available: need 3 fits (6 <= 10), need 3 with max 5 does not.
        let mut vs = vols(1..7);
        for v in &mut vs {
            v.party = Some(7);
        }
        let rs = vec![req(1, 3, 1)];
        let plan = propose(&vs, &rs, &Options::default());
        check(&vs, &rs, &Options::default(), &plan);
        assert_eq!(plan.teams[0].members.len(), 6);
        let small = Options {
            max_team_size: 5,
            ..Options::default()
        };
        let plan = propose(&vs, &rs, &small);
        check(&vs, &rs, &small, &plan);
        assert!(plan.teams.is_empty());
        assert!(plan.unmet[0].reason.starts_with("グループや未成年の条件"));
        assert_eq!(plan.idle.len(), 6);
    }

    #[test]
    fn minors_rule() {
        // Two lone minors and one adult: a team of 2 cannot hold a lone minor.
        let mut vs = vols(1..4);
        vs[0].minor = true;
        vs[1].minor = true;
        let rs = vec![req(1, 2, 1)];
        let o = Options::default();
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        assert!(plan.teams.is_empty());
        // A minor with an adult of the same party is fine.
        let mut vs = vols(1..3);
        vs[0].minor = true;
        vs[0].party = Some(9);
        vs[1].party = Some(9);
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        assert_eq!(plan.teams[0].members, vec![1, 2]);
        assert_eq!(plan.teams[0].leader, 2);
        // A lone minor with a needed skill pulls in 2 adults.
        let mut vs = vols(1..5);
        vs[0].minor = true;
        vs[0].skills = vec!["driving".into()];
        let mut r = req(1, 1, 1);
        r.skills_needed = vec!["driving".into()];
        let rs = vec![r];
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        assert_eq!(plan.teams[0].members.len(), 3);
    }

    #[test]
    fn leader_experienced_then_skills() {
        let mut vs = vols(1..6);
        vs[3].experienced = true;
        vs[4].experienced = true;
        let rs = vec![req(1, 5, 1)];
        let o = Options::default();
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        assert_eq!(plan.teams[0].leader, 4);
        // No experienced adult (the experienced one is a minor): most skills wins.
        let mut vs = vols(1..6);
        vs[0].minor = true;
        vs[0].experienced = true;
        vs[2].skills = vec!["a".into(), "b".into()];
        vs[3].skills = vec!["a".into(), "b".into()];
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        assert_eq!(plan.teams[0].leader, 3);
    }

    #[test]
    fn deterministic() {
        let mut rng = SplitMix64(42);
        let (vs, rs) = random_instance(&mut rng, 300, 80);
        let o = Options::default();
        let a = propose(&vs, &rs, &o);
        let b = propose(&vs, &rs, &o);
        assert_eq!(a, b);
    }

    #[test]
    fn priority_order_with_scarce_volunteers() {
        let vs = vols(1..13); // 12 people
        let mut rs = Vec::new();
        for id in 1..=4 {
            rs.push(req(id, 3, 3));
        }
        for id in 5..=8 {
            rs.push(req(id, 3, 1));
        }
        rs.push(req(9, 3, 2));
        let o = Options::default();
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        for id in 5..=8 {
            assert!(
                team_of(&plan, id).is_some(),
                "priority-1 request {id} unmet"
            );
        }
        for id in (1..=4).chain([9]) {
            assert!(team_of(&plan, id).is_none());
        }
        // Continuing requests go first within a priority.
        let mut rs = vec![req(1, 3, 1), req(2, 3, 1)];
        rs[1].continuing = true;
        let plan = propose(&vols(1..4), &rs, &o);
        assert_eq!(plan.teams[0].requests, vec![2]);
        assert_eq!(plan.unmet[0].request, 1);
    }

    #[test]
    fn unmet_headcount_blocks_lower_priorities() {
        let vs = vols(1..3); // 2 people
        let rs = vec![req(1, 5, 1), req(2, 1, 2)];
        let o = Options::default();
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        assert!(plan.teams.is_empty());
        assert_eq!(plan.unmet[0].reason, "人数が足りません（必要5人、残り2人）");
        assert!(plan.unmet[1].reason.starts_with("優先度の高い依頼"));
        assert_eq!(plan.idle, vec![1, 2]);
    }

    #[test]
    fn unmet_missing_skill_does_not_block() {
        let vs = vols(1..6);
        let mut r1 = req(1, 2, 1);
        r1.skills_needed = vec!["heavy_machinery".into()];
        let rs = vec![r1, req(2, 2, 3)];
        let o = Options::default();
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        assert_eq!(plan.unmet.len(), 1);
        assert_eq!(
            plan.unmet[0].reason,
            "必要な技能の人がいません: heavy_machinery"
        );
        assert!(team_of(&plan, 2).is_some());
    }

    #[test]
    fn nearby_requests_share_a_team_far_ones_do_not() {
        let vs = vols(1..30);
        let mut a = req(1, 3, 1);
        let mut b = req(2, 3, 1);
        let mut c = req(3, 3, 1);
        (a.lat, a.lon) = (33.3100, 130.5100);
        (b.lat, b.lon) = (33.3120, 130.5110); // ~240 m from a
        (c.lat, c.lon) = (33.3300, 130.5100); // ~2.2 km from a
        let rs = vec![a, b, c];
        let o = Options::default();
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        assert_eq!(plan.teams.len(), 2);
        assert_eq!(team_of(&plan, 1).unwrap().requests, vec![1, 2]);
        assert_eq!(team_of(&plan, 1).unwrap().members.len(), 6);
        assert_eq!(team_of(&plan, 3).unwrap().requests, vec![3]);
        // Summed headcount may not exceed max_team_size.
        let mut rs2 = rs.clone();
        rs2[0].people_needed = 6;
        rs2[1].people_needed = 5;
        let plan = propose(&vs, &rs2, &o);
        check(&vs, &rs2, &o, &plan);
        assert_eq!(plan.teams.len(), 3);
    }

    #[test]
    fn big_request_gets_exact_team() {
        let vs = vols(1..40);
        let rs = vec![req(1, 25, 1)];
        let o = Options::default();
        let plan = propose(&vs, &rs, &o);
        check(&vs, &rs, &o, &plan);
        assert_eq!(plan.teams[0].members.len(), 25);
        assert_eq!(plan.idle.len(), 14);
    }

    #[test]
    fn empty_inputs() {
        let o = Options::default();
        let plan = propose(&[], &[], &o);
        assert!(plan.teams.is_empty() && plan.unmet.is_empty() && plan.idle.is_empty());
        let plan = propose(&vols(1..3), &[], &o);
        assert_eq!(plan.idle, vec![1, 2]);
        let rs = vec![req(1, 0, 1)];
        let plan = propose(&vols(1..3), &rs, &o);
        check(&vols(1..3), &rs, &o, &plan);
        assert_eq!(plan.teams[0].members.len(), 1);
    }

    const SKILLS: [&str; 4] = ["driving", "heavy_machinery", "nursing", "chainsaw"];

    fn random_instance(
        rng: &mut SplitMix64,
        nv: usize,
        nr: usize,
    ) -> (Vec<Volunteer>, Vec<Request>) {
        let mut vs = Vec::new();
        let mut party = 0;
        let mut id = 1;
        while vs.len() < nv {
            let group = if rng.chance(15) {
                2 + rng.below(7) as usize
            } else {
                1
            };
            party += 1;
            for _ in 0..group {
                let mut skills = Vec::new();
                if rng.chance(25) {
                    skills.push(SKILLS[rng.below(4) as usize].to_string());
                    if rng.chance(30) {
                        skills.push(SKILLS[rng.below(4) as usize].to_string());
                    }
                }
                vs.push(Volunteer {
                    id,
                    party: (group > 1).then_some(party),
                    skills,
                    experienced: rng.chance(20),
                    minor: rng.chance(10),
                });
                id += 1;
            }
        }
        let rs = (0..nr)
            .map(|i| Request {
                id: (nr - i) as i64 * 3,
                lat: 33.31 + (rng.unit() - 0.5) * 0.03,
                lon: 130.51 + (rng.unit() - 0.5) * 0.03,
                people_needed: if rng.chance(5) {
                    11 + rng.below(10) as u32
                } else {
                    rng.below(9) as u32
                },
                skills_needed: if rng.chance(20) {
                    vec![SKILLS[rng.below(4) as usize].to_string()]
                } else if rng.chance(3) {
                    vec!["boat".to_string()]
                } else {
                    vec![]
                },
                priority: 1 + rng.below(3) as u8,
                continuing: rng.chance(20),
            })
            .collect();
        (vs, rs)
    }

    #[test]
    fn randomized_invariants() {
        let mut rng = SplitMix64(0x5A5A_2024);
        // (teams, multi-request teams, big teams, skill unmet, other unmet, party members placed)
        let mut seen = [0usize; 6];
        for case in 0..200 {
            let nv = rng.below(120) as usize;
            let nr = rng.below(40) as usize;
            let (vs, rs) = random_instance(&mut rng, nv, nr);
            let o = Options {
                max_team_size: 3 + rng.below(10) as u32,
                cluster_radius_m: [0.0, 300.0, 500.0, 1500.0][rng.below(4) as usize],
            };
            let plan = propose(&vs, &rs, &o);
            check(&vs, &rs, &o, &plan);
            assert_eq!(plan, propose(&vs, &rs, &o), "case {case} not deterministic");
            seen[0] += plan.teams.len();
            seen[1] += plan.teams.iter().filter(|t| t.requests.len() > 1).count();
            seen[2] += plan
                .teams
                .iter()
                .filter(|t| t.people_needed > o.max_team_size)
                .count();
            seen[3] += plan
                .unmet
                .iter()
                .filter(|u| u.reason.starts_with(SKILL_REASON))
                .count();
            seen[4] += plan
                .unmet
                .iter()
                .filter(|u| !u.reason.starts_with(SKILL_REASON))
                .count();
            let placed: BTreeSet<i64> = plan.teams.iter().flat_map(|t| t.members.clone()).collect();
            seen[5] += vs
                .iter()
                .filter(|v| v.party.is_some() && placed.contains(&v.id))
                .count();
        }
        // The generator must exercise every branch checked above.
        assert!(seen.iter().all(|&n| n > 0), "weak coverage: {seen:?}");
    }
}
