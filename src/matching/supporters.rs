//! Supporter matching: which supporters to propose for which registrants, provably optimal.
//!
//! A pure function from needs (registrants, each needing a number of supporters), offers
//! (supporters, each with a capacity), confirmed links and a [`Candidates`] oracle (who is within
//! the walking radius of whom, in metres) to a [`Solution`]. No I/O, no globals, deterministic.
//! Depends on `std` only.
//!
//! # What is allowed
//!
//! A pair (need `n`, offer `o`) is allowed when `o` is among `within(n)` and `o`'s capabilities
//! cover what `n` requires. Each need gets at most `places` supporters and each offer serves at most
//! `capacity` needs, confirmed ([`Fixed`]) links included; no pair is used twice. A confirmed link
//! is always kept as it is, even outside the radius or without the capabilities (staff confirmed
//! it); the rest is optimised around it.
//!
//! # The objective (the specification)
//!
//! Lexicographic, in this order:
//! 1. maximise the number of covered places of tier 0 (the highest priority);
//! 2. then of tier 1, then tier 2, then tier 3 (tiers above 3 count as 3);
//! 3. then minimise the total walking distance in whole metres.
//!
//! One more place of a higher tier beats any number of places of lower tiers and any distance.
//!
//! # How (and why the answer is exact)
//!
//! 1. **Stream once.** `within` is called once per need. Allowed pairs are joined in a union–find
//!    over needs and offers, and only the nearest [`NEAREST`] allowed pairs of each need are kept,
//!    with the distance of the first one dropped. Memory is O(needs · [`NEAREST`] + offers) plus
//!    the pairs fetched again for the one component being solved; all pairs of the country are
//!    never held at once.
//! 2. **Components.** Needs and offers in different connected components of the allowed graph
//!    share nothing, so the optimum is the union of the components' optima. Each is solved alone.
//! 3. **Min-cost flow per component** (in `flow`, where the algorithm and its proof are): each
//!    place is routed either to a real offer (cost = metres) or to a dummy "uncovered" offer with
//!    cost `C[tier]`, by successive shortest paths with Johnson potentials. A need's other pairs are
//!    fetched again from `within` only when Dijkstra could use one of them, so the result is the
//!    optimum over *all* allowed pairs, although the solver usually sees only the nearest few.
//! 4. **The costs encode the objective exactly.** Let `D` bound the total distance of any assignment
//!    in the component (`Σ open places × the need's longest allowed pair`; a need with more open
//!    places than allowed pairs counts only as many places as pairs, the rest are short anyway),
//!    `U[t]` the open places of tier `t`
//!    and `C[3] = D + 1`, `C[t] = D + 1 + Σ_{u>t} C[u]·U[u]`. The cost of an assignment is
//!    `metres + Σ_t C[t]·uncovered[t]`. Take two assignments `a`, `b` where `a` is better by the
//!    objective, first differing at tier `t` (so `uncovered_a[t] ≤ uncovered_b[t] − 1`). Then
//!    `cost(b) − cost(a) ≥ C[t] − Σ_{u>t} C[u]·U[u] − D = 1 > 0`: the tiers below `t` can win back at
//!    most `C[u]·U[u]` each and the distance at most `D`. If no tier differs, the costs differ by the
//!    distance alone. So least cost ⇔ best by the objective. All integers: `i64` when every
//!    intermediate value provably fits (see `flow`), else `i128`, else the objective itself as a
//!    lexicographic vector (`flow::Lex`), which needs no big numbers at all.
//!
//! Among equally good answers the one returned is fixed by the input: needs are routed by tier,
//! then index; Dijkstra breaks ties by distance, then index.
//!
//! # Speed
//!
//! Each open place costs one Dijkstra search that usually stops after a handful of nodes: with
//! 15,000 needs, 30,000 offers and 1.9 million pairs within 500 m, the solver settles about 50,000
//! nodes in all and the time goes mostly to streaming `within`. Searches grow long when supporters
//! are just short of the places needed (say 12,000 supporters for 15,600 places): augmenting paths
//! then wander through saturated neighbourhoods, and registrants of the same tier trade supporters
//! to shorten the total walk. That case takes seconds rather than milliseconds.

mod flow;
#[cfg(test)]
mod tests;

use std::ops::BitOr;

use flow::{Cost, Counters, Flow, Lex, Loader};

/// How many nearest allowed pairs per need the solver starts with; the rest are fetched again
/// only where needed (this changes speed, never the answer).
pub const NEAREST: usize = 16;

/// Capabilities, as bit flags: what a supporter can do, or what a registrant needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Caps(pub u8);

impl Caps {
    /// Nothing special.
    pub const NONE: Caps = Caps(0);
    /// Can push a wheelchair / needs a wheelchair pushed.
    pub const WHEELCHAIR: Caps = Caps(1);
    /// Can carry a stretcher (with others) / must be carried.
    pub const STRETCHER: Caps = Caps(2);
    /// Has a car / needs to be driven.
    pub const CAR: Caps = Caps(4);
    /// Available at night / needs help at night.
    pub const NIGHT_TIME: Caps = Caps(8);

    /// Whether these capabilities include every flag of `required`.
    ///
    /// ```
    /// # use sasaeai::matching::Caps;
    /// let caps = Caps::WHEELCHAIR | Caps::CAR;
    /// assert!(caps.covers(Caps::CAR));
    /// assert!(caps.covers(Caps::NONE));
    /// assert!(!caps.covers(Caps::CAR | Caps::NIGHT_TIME));
    /// ```
    pub fn covers(self, required: Caps) -> bool {
        self.0 & required.0 == required.0
    }
}

impl BitOr for Caps {
    type Output = Caps;
    fn bitor(self, rhs: Caps) -> Caps {
        Caps(self.0 | rhs.0)
    }
}

/// One registrant's need for supporters.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Need {
    /// Supporters needed (1, or 2 for a bedridden person).
    pub places: u32,
    /// Priority tier: 0 is the highest, up to 3 (higher values count as 3).
    pub tier: u8,
    /// Capabilities every supporter of this person must have.
    pub required: Caps,
}

/// One supporter's offer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Offer {
    /// How many registrants this supporter can help.
    pub capacity: u32,
    /// What this supporter can do.
    pub caps: Caps,
}

/// A link confirmed by staff: kept as it is, using one place of the need and one unit of the
/// offer's capacity. Indices are positions in [`Problem::needs`] and [`Problem::offers`]; a link
/// with an index out of range, or repeated, is ignored (and counted in [`SolveStats`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fixed {
    /// Index of the need.
    pub need: usize,
    /// Index of the offer.
    pub offer: usize,
}

/// Who is within walking distance of whom.
pub trait Candidates {
    /// Pushes onto `out` (empty on entry) every offer within the walking radius of need `need`,
    /// as (offer index, distance in metres), sorted by (distance, offer index). May include
    /// offers without the needed capabilities (they are filtered here); the caller must already
    /// have excluded the person themself. Must answer the same way when called again for the same
    /// need (the solver may ask twice). Offer indices out of range and repeats are ignored.
    fn within(&self, need: usize, out: &mut Vec<(u32, u32)>);
}

/// The input of [`solve`]. All indices are positions in these slices.
pub struct Problem<'a, C: Candidates + ?Sized> {
    /// Registrants' needs.
    pub needs: &'a [Need],
    /// Supporters' offers.
    pub offers: &'a [Offer],
    /// Confirmed links, kept as they are.
    pub fixed: &'a [Fixed],
    /// The walking-radius oracle.
    pub candidates: &'a C,
}

/// One proposed (or confirmed) supporter for one registrant.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Assignment {
    /// Index of the need.
    pub need: usize,
    /// Index of the offer.
    pub offer: usize,
    /// Walking distance in metres, or [`Assignment::DISTANCE_UNKNOWN`] for a confirmed link that
    /// `within` does not list.
    pub distance_m: u32,
    /// Whether this is a confirmed link from [`Problem::fixed`].
    pub fixed: bool,
}

impl Assignment {
    /// The distance of a confirmed link outside the walking radius: this module knows distances
    /// only through [`Candidates::within`].
    pub const DISTANCE_UNKNOWN: u32 = u32::MAX;
}

/// Why a registrant is left with fewer supporters than needed.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Unmatched {
    /// No supporter at all within the walking radius.
    NobodyWithinRadius,
    /// Supporters within the radius, but none with the capabilities needed.
    NobodyCapable,
    /// Capable supporters within the radius, but too few of them are free: taken by confirmed
    /// links or by registrants of higher priority, needed elsewhere by the optimum, or simply
    /// fewer than the places needed.
    AllNearbyAtCapacity,
}

/// The optimal proposal.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Solution {
    /// Every link, confirmed ones included, sorted by (need, distance, offer).
    pub assignments: Vec<Assignment>,
    /// (need, missing places, reason) for every need left short, sorted by need.
    pub shortfall: Vec<(usize, u32, Unmatched)>,
    /// Sum of `distance_m` over all assignments, in metres, leaving out unknown distances.
    pub total_distance_m: u64,
}

/// Counters describing the work done, for benchmarks and logs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SolveStats {
    /// Connected components solved (each with at least one open place and one allowed pair).
    pub components: usize,
    /// Needs in the largest component.
    pub largest_component_needs: usize,
    /// Offers in the largest component (the one with the most needs).
    pub largest_component_offers: usize,
    /// (need, offer) pairs returned by `within` in the first pass.
    pub candidate_pairs: u64,
    /// Allowed pairs among them (capable, not confirmed already, both sides with room).
    pub allowed_pairs: u64,
    /// Pairs the solver held: the nearest few per need plus the complete lists fetched later.
    pub edges_considered: u64,
    /// Needs whose complete list was fetched again from `within` during the solve (column
    /// generation). No component is ever solved twice.
    pub refetched_needs: u64,
    /// Shortest-path searches (one per open place in a component).
    pub augmentations: u64,
    /// Nodes settled by Dijkstra, over all searches.
    pub settled_nodes: u64,
    /// Components whose costs needed `i128`.
    pub wide_components: usize,
    /// Components solved with lexicographic vector costs.
    pub lex_components: usize,
    /// Confirmed links ignored: index out of range or repeated.
    pub fixed_ignored: usize,
    /// Confirmed links that `within` does not list (distance unknown).
    pub fixed_outside_radius: usize,
}

/// Computes the optimal supporter proposal; see the module documentation for the objective.
pub fn solve<C: Candidates + ?Sized>(problem: &Problem<'_, C>) -> Solution {
    solve_stats(problem).0
}

/// [`solve`], also returning counters of the work done.
pub fn solve_stats<C: Candidates + ?Sized>(problem: &Problem<'_, C>) -> (Solution, SolveStats) {
    solve_with(problem, Options::default())
}

/// The cost type a component is solved with, narrowest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Mode {
    Narrow,
    Wide,
    Lex,
}

/// Knobs that change speed, never the answer (tests turn them).
#[derive(Clone, Copy, Debug)]
struct Options {
    nearest: usize,
    /// Use at least this wide a cost type.
    at_least: Mode,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            nearest: NEAREST,
            at_least: Mode::Narrow,
        }
    }
}

/// Largest dummy cost for which all of `flow`'s values stay below `4C + 2^33` inside the type.
const NARROW_LIMIT: i128 = (i64::MAX as i128 - (1 << 34)) / 4;
const WIDE_LIMIT: i128 = (i128::MAX - (1 << 34)) / 4;

/// Per-need facts from the first pass.
#[derive(Clone, Copy, Default)]
struct NeedInfo {
    /// Places still open after confirmed links.
    open: u32,
    /// Allowed pairs.
    degree: u32,
    /// Longest allowed pair, metres.
    longest: u32,
    /// Distance of the first allowed pair not kept, metres.
    next: Option<u32>,
    /// Why it would be short.
    reason: Option<Unmatched>,
}

/// Calls `within` and cleans the answer: sorted, offers in range, each offer once.
struct Scan {
    buf: Vec<(u32, u32)>,
    stamp: Vec<u32>,
    epoch: u32,
}

impl Scan {
    /// Leaves the cleaned answer of `within(need)` in `buf`.
    fn fetch<C: Candidates + ?Sized>(&mut self, candidates: &C, need: usize) {
        self.buf.clear();
        candidates.within(need, &mut self.buf);
        if !self.buf.is_sorted_by_key(|&(o, d)| (d, o)) {
            self.buf.sort_unstable_by_key(|&(o, d)| (d, o));
        }
        if self.epoch == u32::MAX {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 0;
        }
        self.epoch += 1;
        let (stamp, epoch) = (&mut self.stamp, self.epoch);
        self.buf.retain(|&(o, _)| match stamp.get_mut(o as usize) {
            Some(s) if *s != epoch => {
                *s = epoch;
                true
            }
            _ => false,
        });
    }
}

/// What the first pass and the solver's fetches share.
struct Context<'p, C: Candidates + ?Sized> {
    problem: &'p Problem<'p, C>,
    /// Confirmed links (need, offer), sorted, deduplicated; `fixed_start[n]..fixed_start[n + 1]`
    /// are need `n`'s.
    fixed: Vec<(usize, usize)>,
    fixed_start: Vec<usize>,
    /// Capacity left after confirmed links, per offer.
    room: Vec<u32>,
    scan: Scan,
}

impl<C: Candidates + ?Sized> Context<'_, C> {
    fn is_fixed(&self, need: usize, offer: usize) -> bool {
        self.fixed[self.fixed_start[need]..self.fixed_start[need + 1]]
            .iter()
            .any(|&(_, o)| o == offer)
    }

    fn allowed(&self, need: usize, offer: usize) -> bool {
        let problem = self.problem;
        self.room[offer] > 0
            && problem.offers[offer]
                .caps
                .covers(problem.needs[need].required)
            && !self.is_fixed(need, offer)
    }
}

/// Fetches a need's complete allowed list for the solver, in component-local offer indices.
struct ComponentLoader<'c, 'p, C: Candidates + ?Sized> {
    context: &'c mut Context<'p, C>,
    /// Global index of each local need.
    needs: &'c [usize],
    /// Global index of each local offer.
    offers: &'c [usize],
    /// Local index of each global offer (valid for this component's offers).
    local: &'c [u32],
}

impl<C: Candidates + ?Sized> Loader for ComponentLoader<'_, '_, C> {
    fn load(&mut self, need: usize, out: &mut Vec<(u32, u32)>) {
        let Some(&global) = self.needs.get(need) else {
            return;
        };
        let candidates = self.context.problem.candidates;
        self.context.scan.fetch(candidates, global);
        let list = std::mem::take(&mut self.context.scan.buf);
        for &(offer, metres) in &list {
            let offer = offer as usize;
            if !self.context.allowed(global, offer) {
                continue;
            }
            let local = self.local[offer];
            // An offer outside this component can only come from a `within` that changed its
            // answer; it is skipped rather than trusted.
            if self.offers.get(local as usize) == Some(&offer) {
                out.push((local, metres));
            }
        }
        self.context.scan.buf = list;
    }
}

/// Union–find with path halving and union by size.
struct Sets {
    parent: Vec<usize>,
    size: Vec<u32>,
}

impl Sets {
    fn new(n: usize) -> Self {
        Sets {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            let grand = self.parent[self.parent[x]];
            self.parent[x] = grand;
            x = grand;
        }
        x
    }

    /// Joins the set whose root is `root` with the set of `x`; returns the new root.
    fn join(&mut self, root: usize, x: usize) -> usize {
        let other = self.find(x);
        if other == root {
            return root;
        }
        let (big, small) = if self.size[root] < self.size[other] {
            (other, root)
        } else {
            (root, other)
        };
        self.parent[small] = big;
        self.size[big] += self.size[small];
        big
    }
}

/// The dummy costs `C[t]` of the module documentation, or `None` if they overflow `i128`.
fn dummy_costs(places: [u128; 4], max_distance: u128) -> Option<[i128; 4]> {
    let base = i128::try_from(max_distance).ok()?.checked_add(1)?;
    let mut cost = [0i128; 4];
    for t in (0..4).rev() {
        let mut c = base;
        for u in t + 1..4 {
            let units = i128::try_from(places[u]).ok()?;
            c = c.checked_add(cost[u].checked_mul(units)?)?;
        }
        cost[t] = c;
    }
    Some(cost)
}

/// The reusable solvers, one per cost type, created on first use.
#[derive(Default)]
struct Solvers {
    narrow: Option<Flow<i64>>,
    wide: Option<Flow<i128>>,
    lex: Option<Flow<Lex>>,
}

impl Solvers {
    fn counters(&self) -> Counters {
        let mut total = Counters::default();
        let parts = [
            self.narrow.as_ref().map(|f| f.counters),
            self.wide.as_ref().map(|f| f.counters),
            self.lex.as_ref().map(|f| f.counters),
        ];
        for c in parts.into_iter().flatten() {
            total.augmentations += c.augmentations;
            total.pops += c.pops;
            total.loads += c.loads;
            total.edges += c.edges;
        }
        total
    }
}

/// The component's input as the first pass left it.
struct Component<'a> {
    /// Global need indices, in routing order (tier, then index).
    needs: &'a [usize],
    /// Global offer indices.
    offers: &'a [usize],
    /// Local index of each global offer.
    local: &'a [u32],
    info: &'a [NeedInfo],
    /// Nearest allowed pairs, `kept[kept_start[n]..kept_start[n + 1]]` for need `n`.
    kept: &'a [(u32, u32)],
    kept_start: &'a [usize],
    /// Allowed pairs per offer.
    in_degree: &'a [u32],
}

/// Solves one component with cost type `K`; pushes its assignments and counts them per need.
fn solve_component<K: Cost, C: Candidates + ?Sized>(
    flow: &mut Flow<K>,
    dummy_cost: [K; 4],
    component: &Component<'_>,
    context: &mut Context<'_, C>,
    assignments: &mut Vec<Assignment>,
    covered: &mut [u32],
) {
    flow.reset(dummy_cost);
    for &offer in component.offers {
        flow.add_offer(context.room[offer].min(component.in_degree[offer]));
    }
    for &need in component.needs {
        let info = component.info[need];
        let kept = &component.kept[component.kept_start[need]..component.kept_start[need + 1]];
        let local = component.local;
        flow.add_need(
            context.problem.needs[need].tier,
            info.open.min(info.degree),
            info.next,
            kept.iter().map(|&(o, d)| (local[o as usize], d)),
        );
    }
    let mut loader = ComponentLoader {
        context,
        needs: component.needs,
        offers: component.offers,
        local: component.local,
    };
    flow.run(&mut loader);
    for (i, &need) in component.needs.iter().enumerate() {
        for (offer, metres) in flow.assigned(i) {
            assignments.push(Assignment {
                need,
                offer: component.offers[offer as usize],
                distance_m: metres,
                fixed: false,
            });
            covered[need] += 1;
        }
    }
}

fn solve_with<C: Candidates + ?Sized>(
    problem: &Problem<'_, C>,
    options: Options,
) -> (Solution, SolveStats) {
    let mut stats = SolveStats::default();
    let (n_needs, n_offers) = (problem.needs.len(), problem.offers.len());
    let nearest = options.nearest.max(1);

    // Confirmed links: validated, deduplicated, grouped by need.
    let mut fixed: Vec<(usize, usize)> = problem
        .fixed
        .iter()
        .filter(|f| f.need < n_needs && f.offer < n_offers && u32::try_from(f.offer).is_ok())
        .map(|f| (f.need, f.offer))
        .collect();
    fixed.sort_unstable();
    fixed.dedup();
    stats.fixed_ignored = problem.fixed.len() - fixed.len();
    let mut fixed_start = vec![0usize; n_needs + 1];
    let mut room: Vec<u32> = problem.offers.iter().map(|o| o.capacity).collect();
    // Places taken per need: confirmed links first, then proposals.
    let mut covered = vec![0u32; n_needs];
    for &(need, offer) in &fixed {
        fixed_start[need + 1] += 1;
        covered[need] += 1;
        room[offer] = room[offer].saturating_sub(1);
    }
    for n in 0..n_needs {
        fixed_start[n + 1] += fixed_start[n];
    }
    let mut fixed_distance = vec![Assignment::DISTANCE_UNKNOWN; fixed.len()];
    let mut context = Context {
        problem,
        fixed,
        fixed_start,
        room,
        scan: Scan {
            buf: Vec::new(),
            stamp: vec![0; n_offers],
            epoch: 0,
        },
    };

    // First pass: one `within` per need; union–find, the nearest pairs, the reasons.
    let mut info = vec![NeedInfo::default(); n_needs];
    let mut kept: Vec<(u32, u32)> = Vec::new();
    let mut kept_start = vec![0usize; n_needs + 1];
    let mut in_degree = vec![0u32; n_offers];
    let mut sets = Sets::new(n_needs + n_offers);
    for (n, need) in problem.needs.iter().enumerate() {
        let fixed_range = context.fixed_start[n]..context.fixed_start[n + 1];
        let open = need.places.saturating_sub(covered[n]);
        kept_start[n] = kept.len();
        if open == 0 && fixed_range.is_empty() {
            continue;
        }
        context.scan.fetch(problem.candidates, n);
        let list = std::mem::take(&mut context.scan.buf);
        stats.candidate_pairs += list.len() as u64;
        let mut entry = NeedInfo {
            open,
            ..NeedInfo::default()
        };
        let mut capable = 0usize;
        // Need `n` has not been joined to anything yet, so it is its own root.
        let mut root = n;
        for &(offer, metres) in &list {
            let o = offer as usize;
            let mut is_fixed = false;
            if let Some(k) = context.fixed[fixed_range.clone()]
                .iter()
                .position(|&(_, f)| f == o)
            {
                fixed_distance[fixed_range.start + k] = metres;
                is_fixed = true;
            }
            if !problem.offers[o].caps.covers(need.required) {
                continue;
            }
            capable += 1;
            if open == 0 || is_fixed || context.room[o] == 0 {
                continue;
            }
            entry.degree += 1;
            entry.longest = metres;
            in_degree[o] += 1;
            root = sets.join(root, n_needs + o);
            if (entry.degree as usize) <= nearest {
                kept.push((offer, metres));
            } else if entry.next.is_none() {
                entry.next = Some(metres);
            }
        }
        stats.allowed_pairs += u64::from(entry.degree);
        entry.reason = Some(if list.is_empty() {
            Unmatched::NobodyWithinRadius
        } else if capable == 0 {
            Unmatched::NobodyCapable
        } else {
            Unmatched::AllNearbyAtCapacity
        });
        info[n] = entry;
        context.scan.buf = list;
    }
    kept_start[n_needs] = kept.len();

    // Components: numbered in order of their first need; needs and offers grouped by component.
    let mut component_of = vec![usize::MAX; n_needs + n_offers];
    let mut need_component = vec![usize::MAX; n_needs];
    let mut components = 0usize;
    for n in 0..n_needs {
        if info[n].degree == 0 || info[n].open == 0 {
            continue;
        }
        let root = sets.find(n);
        if component_of[root] == usize::MAX {
            component_of[root] = components;
            components += 1;
        }
        need_component[n] = component_of[root];
    }
    let mut offer_component = vec![usize::MAX; n_offers];
    for o in 0..n_offers {
        if in_degree[o] > 0 {
            let root = sets.find(n_needs + o);
            offer_component[o] = component_of[root];
        }
    }
    drop(sets);
    drop(component_of);
    let group = |of: &[usize]| -> (Vec<usize>, Vec<usize>) {
        let mut start = vec![0usize; components + 1];
        for &c in of.iter().filter(|&&c| c != usize::MAX) {
            start[c + 1] += 1;
        }
        for c in 0..components {
            start[c + 1] += start[c];
        }
        let mut at = start.clone();
        let mut members = vec![0usize; start[components]];
        for (i, &c) in of.iter().enumerate().filter(|&(_, &c)| c != usize::MAX) {
            members[at[c]] = i;
            at[c] += 1;
        }
        (start, members)
    };
    let (need_start, mut need_members) = group(&need_component);
    let (offer_start, offer_members) = group(&offer_component);
    drop(need_component);
    drop(offer_component);
    stats.components = components;

    // Solve each component.
    let mut local = vec![0u32; n_offers];
    let mut assignments: Vec<Assignment> = Vec::new();
    let mut solvers = Solvers::default();
    for c in 0..components {
        let needs = &mut need_members[need_start[c]..need_start[c + 1]];
        needs.sort_by_key(|&n| problem.needs[n].tier.min(3));
        let offers = &offer_members[offer_start[c]..offer_start[c + 1]];
        if needs.len() > stats.largest_component_needs {
            stats.largest_component_needs = needs.len();
            stats.largest_component_offers = offers.len();
        }
        for (j, &o) in offers.iter().enumerate() {
            local[o] = j as u32;
        }
        let mut places = [0u128; 4];
        let mut max_distance = 0u128;
        for &n in needs.iter() {
            let want = u128::from(info[n].open.min(info[n].degree));
            places[usize::from(problem.needs[n].tier.min(3))] += want;
            max_distance += want * u128::from(info[n].longest);
        }
        let costs = dummy_costs(places, max_distance);
        let largest = costs.map(|c| {
            (0..4)
                .filter(|&t| places[t] > 0)
                .map(|t| c[t])
                .max()
                .unwrap_or(0)
        });
        let natural = match largest {
            Some(c) if c <= NARROW_LIMIT => Mode::Narrow,
            Some(c) if c <= WIDE_LIMIT => Mode::Wide,
            _ => Mode::Lex,
        };
        let component = Component {
            needs,
            offers,
            local: &local,
            info: &info,
            kept: &kept,
            kept_start: &kept_start,
            in_degree: &in_degree,
        };
        match (natural.max(options.at_least), costs) {
            (Mode::Narrow, Some(c)) => solve_component(
                solvers.narrow.get_or_insert_with(Flow::new),
                // Tiers absent from the component may have larger, unused costs.
                c.map(|x| x.min(NARROW_LIMIT) as i64),
                &component,
                &mut context,
                &mut assignments,
                &mut covered,
            ),
            (Mode::Wide, Some(c)) => {
                stats.wide_components += 1;
                solve_component(
                    solvers.wide.get_or_insert_with(Flow::new),
                    c,
                    &component,
                    &mut context,
                    &mut assignments,
                    &mut covered,
                );
            }
            _ => {
                stats.lex_components += 1;
                let mut unit = [Lex::ZERO; 4];
                for (t, u) in unit.iter_mut().enumerate() {
                    u.uncovered[t] = 1;
                }
                solve_component(
                    solvers.lex.get_or_insert_with(Flow::new),
                    unit,
                    &component,
                    &mut context,
                    &mut assignments,
                    &mut covered,
                );
            }
        }
    }
    let counters = solvers.counters();
    stats.augmentations = counters.augmentations;
    stats.settled_nodes = counters.pops;
    stats.refetched_needs = counters.loads;
    stats.edges_considered = counters.edges;

    // The answer.
    for (k, &(need, offer)) in context.fixed.iter().enumerate() {
        let distance_m = fixed_distance[k];
        if distance_m == Assignment::DISTANCE_UNKNOWN {
            stats.fixed_outside_radius += 1;
        }
        assignments.push(Assignment {
            need,
            offer,
            distance_m,
            fixed: true,
        });
    }
    assignments.sort_unstable_by_key(|a| (a.need, a.distance_m, a.offer));
    let total_distance_m = assignments
        .iter()
        .filter(|a| a.distance_m != Assignment::DISTANCE_UNKNOWN)
        .map(|a| u64::from(a.distance_m))
        .sum();
    let shortfall = problem
        .needs
        .iter()
        .enumerate()
        .filter_map(|(n, need)| {
            let missing = need.places.saturating_sub(covered[n]);
            let reason = info[n].reason.unwrap_or(Unmatched::NobodyWithinRadius);
            (missing > 0).then_some((n, missing, reason))
        })
        .collect();
    (
        Solution {
            assignments,
            shortfall,
            total_distance_m,
        },
        stats,
    )
}
