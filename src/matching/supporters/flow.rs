//! The exact core of supporter matching: successive shortest paths with Johnson potentials on one
//! connected component, with each need's long tail of edges fetched only when Dijkstra could use it.
//!
//! Depends on nothing but `std`; the caller (`supporters`) builds the component, picks the cost
//! type and turns the result back into global indices.
//!
//! # The network
//!
//! Nodes are the component's needs, its offers, a sink `t` and a dummy offer `D`. Edges: need →
//! offer for every allowed pair (capacity 1, cost = metres), offer → `t` (capacity = the offer's
//! remaining capacity, cost 0), need → `D` (unbounded, cost `dummy_cost[tier]`, "this place stays
//! uncovered"), `D` → `t` (unbounded, cost 0). Every place of every need is routed, to a real offer
//! or to `D`, so this is a transportation problem in which every row is filled, and the flow of
//! least cost is the lexicographic optimum (the proof is in `supporters`, where the dummy costs are
//! chosen).
//!
//! # The algorithm and why it is exact
//!
//! Places are added one at a time (needs in the caller's order), each by a shortest augmenting path
//! from the need to `t` (Dijkstra on reduced costs `c(u, v) + p(u) − p(v)`). The classic
//! successive-shortest-path theorem: if a flow is of least cost for its supplies and has no
//! negative residual cycle, augmenting one unit along a shortest path from `u` to `t` gives a flow
//! of least cost for the supplies plus one unit at `u`. So when every place is routed, the flow is
//! optimal; the order in which places are added changes only the running time (and which of
//! several equally good answers is returned, deterministically).
//!
//! Invariants, on all residual edges of the *complete* network (every allowed edge, fetched or
//! not): reduced costs are ≥ 0; `p(t) = p(D) = 0`; an offer with room left has potential 0, every
//! offer has potential ≤ 0. They hold at the start (all potentials 0, all costs ≥ 0) and after each
//! step, where `p(v) += min(dist(v), T) − T` with `T` the length of the path found (the standard
//! capped Johnson update, shifted by the constant `−T` so that only the nodes Dijkstra settled
//! change). It keeps reduced costs ≥ 0 because `min(dist(·), T)` is itself a feasible potential
//! when `dist` are the exact shortest distances in the complete residual network. An offer with
//! room is at distance ≥ `T` (it would otherwise be a target closer than `T`), so its potential
//! stays 0; `t` and `D` are at distance `T` exactly.
//!
//! # Fetching the rest of the edges (column generation inside Dijkstra)
//!
//! A need starts with only its nearest few allowed edges; `next` is the distance of the first
//! one left out (the list is sorted, so every edge left out is at least that long). For such an
//! edge `(n, o)`, reduced cost = `metres + p(n) − p(o) ≥ next + p(n)` because `p(o) ≤ 0`. So when
//! Dijkstra settles `n` at distance `δ`, no edge left out can reach anything closer than
//! `δ + next + p(n)`. That number goes into the heap as a "fetch" event; if it is popped before
//! the target, the need's complete list is fetched and relaxed. Nodes are therefore settled in
//! exactly the order, at exactly the distances, of Dijkstra on the complete network, so the
//! distances, the path and the potential update are those of the complete network and the
//! invariants above hold for every allowed edge. The final flow is optimal over all allowed edges,
//! without a pricing pass and without solving any component twice. (A fetch key may be below `δ`
//! when `p(n)` is very negative; it is then simply popped next, and the edges it brings still give
//! distances ≥ `δ` because their reduced costs are ≥ 0.)
//!
//! # Pruning
//!
//! The best target known so far (the cheapest route to `D` pushed, or an offer with room already
//! reached) bounds `T`, so keys above it are not pushed: such nodes are at distance ≥ `T` and the
//! update leaves them alone anyway. A need's edges are sorted by metres and offers' potentials are
//! ≤ 0, so once `δ + p(n) + metres` exceeds the bound, the rest of the list is skipped too.
//!
//! # Sizes of the numbers (for `i64` and `i128` costs)
//!
//! With `C` the largest dummy cost, potentials stay in `[−C, 0]`: a need's reduced cost to `D`,
//! `C_tier + p(n)`, is ≥ 0; an offer with flow from `n` has reduced cost of the backward edge
//! `−metres + p(o) − p(n) ≥ 0`, so `p(o) ≥ p(n) ≥ −C`. Every settled distance is at most the
//! source's own route to `D`, `C_tier + p(src) ≤ C`. A key pushed is a settled distance plus a
//! reduced cost (at most `C + 2C + 2^32`) or a fetch key (at most `C + 2^32`), so every value is
//! below `4C + 2^33`. The caller picks `i64` only when that fits, else `i128`, else [`Lex`].

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A cost: an element of a totally ordered abelian group. Everything the algorithm needs
/// (Dijkstra, potentials, the optimality theorems) holds in any such group.
pub(super) trait Cost: Copy + Ord {
    /// The neutral element.
    const ZERO: Self;
    /// A walking distance in metres as a cost.
    fn metres(metres: u32) -> Self;
    /// The group operation.
    fn plus(self, other: Self) -> Self;
    /// The group operation with the inverse of `other`.
    fn minus(self, other: Self) -> Self;
}

impl Cost for i64 {
    const ZERO: Self = 0;
    fn metres(metres: u32) -> Self {
        i64::from(metres)
    }
    fn plus(self, other: Self) -> Self {
        self + other
    }
    fn minus(self, other: Self) -> Self {
        self - other
    }
}

impl Cost for i128 {
    const ZERO: Self = 0;
    fn metres(metres: u32) -> Self {
        i128::from(metres)
    }
    fn plus(self, other: Self) -> Self {
        self + other
    }
    fn minus(self, other: Self) -> Self {
        self - other
    }
}

/// The objective itself as a cost: uncovered places per tier, then metres, compared in that order
/// (the derived `Ord` is lexicographic over the fields in declaration order). Exact for any size,
/// but slower than a plain integer; used only for components too big for `i128` big-M costs.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) struct Lex {
    /// Uncovered places of tiers 0..=3.
    pub(super) uncovered: [i64; 4],
    /// Walking distance in metres.
    pub(super) metres: i128,
}

impl Cost for Lex {
    const ZERO: Self = Lex {
        uncovered: [0; 4],
        metres: 0,
    };
    fn metres(metres: u32) -> Self {
        Lex {
            uncovered: [0; 4],
            metres: i128::from(metres),
        }
    }
    fn plus(self, other: Self) -> Self {
        let mut uncovered = self.uncovered;
        for (u, o) in uncovered.iter_mut().zip(other.uncovered) {
            *u += o;
        }
        Lex {
            uncovered,
            metres: self.metres + other.metres,
        }
    }
    fn minus(self, other: Self) -> Self {
        let mut uncovered = self.uncovered;
        for (u, o) in uncovered.iter_mut().zip(other.uncovered) {
            *u -= o;
        }
        Lex {
            uncovered,
            metres: self.metres - other.metres,
        }
    }
}

/// Supplies the complete list of a need's allowed edges when Dijkstra needs it.
pub(super) trait Loader {
    /// Pushes every allowed edge of component-local need `need` as (local offer, metres), sorted by
    /// (metres, offer), each offer once. Must include the edges handed to [`Flow::add_need`].
    fn load(&mut self, need: usize, out: &mut Vec<(u32, u32)>);
}

/// Work counters, summed over components.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Counters {
    /// Shortest-path searches (one per place routed).
    pub(super) augmentations: u64,
    /// Nodes settled by Dijkstra.
    pub(super) pops: u64,
    /// Needs whose complete edge list was fetched.
    pub(super) loads: u64,
    /// Edges held by the solver (initial plus fetched).
    pub(super) edges: u64,
}

#[derive(Clone, Copy)]
struct Edge {
    offer: u32,
    metres: u32,
    used: bool,
}

/// One unit of an offer's capacity in use: by which need, at what distance.
#[derive(Clone, Copy)]
struct Slot {
    need: u32,
    metres: u32,
}

/// A need's search state, packed so that a visit touches one cache line.
#[derive(Clone, Copy)]
struct NeedNode<K> {
    dist: K,
    pot: K,
    /// `2·epoch`: reached in the current search; `2·epoch + 1`: settled.
    mark: u32,
    /// The offer this need was reached from (it would give that unit up), and the slot.
    pred_offer: u32,
    pred_slot: usize,
}

/// An offer's search state, packed likewise.
#[derive(Clone, Copy)]
struct OfferNode<K> {
    dist: K,
    pot: K,
    mark: u32,
    /// The need this offer was reached from.
    pred: u32,
    used: u32,
    cap: u32,
}

enum Target {
    Offer(usize),
    Dummy(usize),
}

/// The solver for one component; its buffers are reused from component to component.
pub(super) struct Flow<K> {
    // Needs (component-local, in the order places are routed).
    need: Vec<NeedNode<K>>,
    tier: Vec<u8>,
    want: Vec<u32>,
    next: Vec<Option<u32>>,
    edge_start: Vec<usize>,
    edge_len: Vec<usize>,
    dummy: Vec<u32>,
    edges: Vec<Edge>,
    // Offers.
    offer: Vec<OfferNode<K>>,
    slot_start: Vec<usize>,
    slots: Vec<Slot>,
    // Dijkstra.
    heap: BinaryHeap<Reverse<(K, usize)>>,
    settled: Vec<usize>,
    /// Twice the current search's number (see `NeedNode::mark`).
    epoch: u32,
    dummy_cost: [K; 4],
    fetched: Vec<(u32, u32)>,
    held: Vec<(u32, u32)>,
    /// Work done so far.
    pub(super) counters: Counters,
}

impl<K: Cost> Flow<K> {
    /// An empty solver.
    pub(super) fn new() -> Self {
        Flow {
            need: Vec::new(),
            tier: Vec::new(),
            want: Vec::new(),
            next: Vec::new(),
            edge_start: Vec::new(),
            edge_len: Vec::new(),
            dummy: Vec::new(),
            edges: Vec::new(),
            offer: Vec::new(),
            slot_start: Vec::new(),
            slots: Vec::new(),
            heap: BinaryHeap::new(),
            settled: Vec::new(),
            epoch: 0,
            dummy_cost: [K::ZERO; 4],
            fetched: Vec::new(),
            held: Vec::new(),
            counters: Counters::default(),
        }
    }

    /// Starts a new component; `dummy_cost[t]` is the cost of leaving one place of tier `t`
    /// uncovered.
    pub(super) fn reset(&mut self, dummy_cost: [K; 4]) {
        self.need.clear();
        self.tier.clear();
        self.want.clear();
        self.next.clear();
        self.edge_start.clear();
        self.edge_len.clear();
        self.dummy.clear();
        self.edges.clear();
        self.offer.clear();
        self.slot_start.clear();
        self.slots.clear();
        self.epoch = 0;
        self.dummy_cost = dummy_cost;
    }

    /// Adds an offer with `cap` units of capacity (≥ 1); its local index is the number of offers
    /// added before it.
    pub(super) fn add_offer(&mut self, cap: u32) {
        self.offer.push(OfferNode {
            dist: K::ZERO,
            pot: K::ZERO,
            mark: 0,
            pred: 0,
            used: 0,
            cap,
        });
        self.slot_start.push(self.slots.len());
        self.slots
            .extend((0..cap).map(|_| Slot { need: 0, metres: 0 }));
    }

    /// Adds a need of tier `tier` (0..=3) with `want` places to fill, its nearest allowed edges
    /// as (local offer, metres) sorted by (metres, offer), and `next`, the distance in metres of
    /// the first allowed edge left out (`None` when `edges` is the complete list).
    pub(super) fn add_need(
        &mut self,
        tier: u8,
        want: u32,
        next: Option<u32>,
        edges: impl Iterator<Item = (u32, u32)>,
    ) {
        let start = self.edges.len();
        self.edges.extend(edges.map(|(offer, metres)| Edge {
            offer,
            metres,
            used: false,
        }));
        self.counters.edges += (self.edges.len() - start) as u64;
        self.need.push(NeedNode {
            dist: K::ZERO,
            pot: K::ZERO,
            mark: 0,
            pred_offer: 0,
            pred_slot: 0,
        });
        self.tier.push(tier.min(3));
        self.want.push(want);
        self.next.push(next);
        self.edge_start.push(start);
        self.edge_len.push(self.edges.len() - start);
        self.dummy.push(0);
    }

    /// Routes every place of every need, in the order the needs were added.
    pub(super) fn run<L: Loader>(&mut self, loader: &mut L) {
        for source in 0..self.want.len() {
            for _ in 0..self.want[source] {
                self.route_one_place(source, loader);
            }
        }
    }

    /// The real supporters of local need `need` as (local offer, metres).
    pub(super) fn assigned(&self, need: usize) -> impl Iterator<Item = (u32, u32)> + '_ {
        let start = self.edge_start[need];
        self.edges[start..start + self.edge_len[need]]
            .iter()
            .filter(|e| e.used)
            .map(|e| (e.offer, e.metres))
    }

    fn next_epoch(&mut self) {
        if self.epoch >= u32::MAX - 2 {
            self.need.iter_mut().for_each(|n| n.mark = 0);
            self.offer.iter_mut().for_each(|o| o.mark = 0);
            self.epoch = 0;
        }
        self.epoch += 2;
    }

    /// One shortest augmenting path from `source` to `t` (through a real offer with room or
    /// through `D`), then the potential update and the augmentation.
    fn route_one_place<L: Loader>(&mut self, source: usize, loader: &mut L) {
        let needs = self.need.len();
        let offers = self.offer.len();
        let dummy_base = needs + offers;
        let fetch_base = dummy_base + needs;
        self.next_epoch();
        let (reached, settled) = (self.epoch, self.epoch + 1);
        self.heap.clear();
        self.settled.clear();
        self.counters.augmentations += 1;
        self.need[source].dist = K::ZERO;
        self.need[source].mark = reached;
        self.heap.push(Reverse((K::ZERO, source)));
        // The best route to `D` pushed so far, or the nearest offer with room reached so far,
        // bounds the answer: keys above it are never popped before the target, so they need
        // not be pushed.
        let mut bound: Option<K> = None;
        let mut found = None;
        while let Some(Reverse((key, id))) = self.heap.pop() {
            if id < needs {
                let node = self.need[id];
                if node.mark == settled || node.dist != key {
                    continue;
                }
                self.need[id].mark = settled;
                self.settled.push(id);
                self.counters.pops += 1;
                let to_dummy = key
                    .plus(self.dummy_cost[usize::from(self.tier[id])])
                    .plus(node.pot);
                if bound.is_none_or(|b| to_dummy < b) {
                    bound = Some(to_dummy);
                    self.heap.push(Reverse((to_dummy, dummy_base + id)));
                }
                self.relax_edges(id, key, &mut bound);
                if let Some(next) = self.next[id] {
                    let fetch = key.plus(K::metres(next)).plus(node.pot);
                    if bound.is_none_or(|b| fetch <= b) {
                        self.heap.push(Reverse((fetch, fetch_base + id)));
                    }
                }
            } else if id < dummy_base {
                let offer = id - needs;
                let node = self.offer[offer];
                if node.mark == settled || node.dist != key {
                    continue;
                }
                self.offer[offer].mark = settled;
                self.settled.push(id);
                self.counters.pops += 1;
                if node.used < node.cap {
                    found = Some((Target::Offer(offer), key));
                    break;
                }
                let start = self.slot_start[offer];
                for slot_index in start..start + node.used as usize {
                    let slot = self.slots[slot_index];
                    let need = slot.need as usize;
                    let other = self.need[need];
                    if other.mark == settled {
                        continue;
                    }
                    // Backward edge: `need` gives this unit of `offer` up (cost −metres).
                    let dist = key
                        .minus(K::metres(slot.metres))
                        .plus(node.pot)
                        .minus(other.pot);
                    if bound.is_some_and(|b| dist > b) {
                        continue;
                    }
                    if other.mark != reached || dist < other.dist {
                        let n = &mut self.need[need];
                        n.mark = reached;
                        n.dist = dist;
                        n.pred_offer = offer as u32;
                        n.pred_slot = slot_index;
                        self.heap.push(Reverse((dist, need)));
                    }
                }
            } else if id < fetch_base {
                found = Some((Target::Dummy(id - dummy_base), key));
                break;
            } else {
                let need = id - fetch_base;
                if self.next[need].is_none() {
                    continue;
                }
                self.fetch(need, loader);
                let key = self.need[need].dist;
                self.relax_edges(need, key, &mut bound);
            }
        }
        // The source's own route to `D` is always in the heap, so a target is always found.
        let Some((target, length)) = found else {
            self.dummy[source] += 1;
            return;
        };
        for &id in &self.settled {
            if id < needs {
                let n = &mut self.need[id];
                if n.dist < length {
                    n.pot = n.pot.plus(n.dist).minus(length);
                }
            } else {
                let o = &mut self.offer[id - needs];
                if o.dist < length {
                    o.pot = o.pot.plus(o.dist).minus(length);
                }
            }
        }
        let mut need = match target {
            Target::Offer(offer) => {
                let need = self.offer[offer].pred as usize;
                let slot_index = self.slot_start[offer] + self.offer[offer].used as usize;
                self.offer[offer].used += 1;
                let metres = self.set_used(need, offer, true);
                self.slots[slot_index] = Slot {
                    need: need as u32,
                    metres,
                };
                need
            }
            Target::Dummy(need) => {
                self.dummy[need] += 1;
                need
            }
        };
        // Walk back: each need on the path gives up the offer it was reached through, and that
        // offer's unit goes to the need that reached the offer.
        while need != source {
            let NeedNode {
                pred_offer,
                pred_slot,
                ..
            } = self.need[need];
            let offer = pred_offer as usize;
            self.set_used(need, offer, false);
            let taker = self.offer[offer].pred as usize;
            let metres = self.set_used(taker, offer, true);
            self.slots[pred_slot] = Slot {
                need: taker as u32,
                metres,
            };
            need = taker;
        }
    }

    /// Relaxes the need's free edges. An offer with room reached at `dist` lowers `bound` to
    /// `dist`: the target is then at most that far.
    fn relax_edges(&mut self, need: usize, key: K, bound: &mut Option<K>) {
        let needs = self.need.len();
        let (reached, settled) = (self.epoch, self.epoch + 1);
        let base = key.plus(self.need[need].pot);
        let start = self.edge_start[need];
        for e in start..start + self.edge_len[need] {
            let edge = self.edges[e];
            // Edges are sorted by metres and every offer's potential is ≤ 0, so `base + metres`
            // bounds this edge's distance and all later ones' from below.
            let floor = base.plus(K::metres(edge.metres));
            if bound.is_some_and(|b| floor > b) {
                break;
            }
            if edge.used {
                continue;
            }
            let offer = edge.offer as usize;
            let node = &mut self.offer[offer];
            if node.mark == settled {
                continue;
            }
            let dist = floor.minus(node.pot);
            if bound.is_some_and(|b| dist > b) {
                continue;
            }
            if node.mark != reached || dist < node.dist {
                node.mark = reached;
                node.dist = dist;
                node.pred = need as u32;
                if node.used < node.cap {
                    *bound = Some(dist);
                }
                self.heap.push(Reverse((dist, needs + offer)));
            }
        }
    }

    /// Replaces the need's edge list by the complete one, keeping which edges are in use.
    fn fetch<L: Loader>(&mut self, need: usize, loader: &mut L) {
        let mut fetched = std::mem::take(&mut self.fetched);
        fetched.clear();
        loader.load(need, &mut fetched);
        self.held.clear();
        let start = self.edge_start[need];
        for e in &self.edges[start..start + self.edge_len[need]] {
            if e.used {
                self.held.push((e.offer, e.metres));
            }
        }
        let new_start = self.edges.len();
        for &(offer, metres) in &fetched {
            let used = self.held.iter().any(|&(o, _)| o == offer);
            self.edges.push(Edge {
                offer,
                metres,
                used,
            });
        }
        // Defensive: an edge in use must never disappear, even if `within` answered differently
        // the second time.
        for &(offer, metres) in &self.held {
            if !fetched.iter().any(|&(o, _)| o == offer) {
                self.edges.push(Edge {
                    offer,
                    metres,
                    used: true,
                });
            }
        }
        self.edge_start[need] = new_start;
        self.edge_len[need] = self.edges.len() - new_start;
        self.next[need] = None;
        self.counters.loads += 1;
        self.counters.edges += self.edge_len[need] as u64;
        self.fetched = fetched;
    }

    /// Marks the need's edge to `offer` as used or free; returns its length in metres.
    fn set_used(&mut self, need: usize, offer: usize, used: bool) -> u32 {
        let start = self.edge_start[need];
        for e in &mut self.edges[start..start + self.edge_len[need]] {
            if e.offer as usize == offer && e.used != used {
                e.used = used;
                return e.metres;
            }
        }
        0
    }
}
