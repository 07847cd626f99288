//! Shelter destinations per hazard type: everyone gets the nearest eligible shelter; people who
//! need care get a welfare shelter whose target group fits, within its capacity, highest
//! priority first.
//!
//! The caller supplies, per person and hazard, the candidates already filtered by the hard rules
//! (designated for the hazard, never inside one of its zones, accessibility the person needs) and
//! sorted by distance; this module only decides who gets the scarce welfare places. Pure and
//! deterministic: people are served by (tier, descending score, index).

/// One person's request for a destination for one hazard type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The person's position in the caller's list.
    pub person: usize,
    /// 0 = tier A (highest priority) … 3 = tier D.
    pub tier: u8,
    /// Priority score; higher first within a tier.
    pub score: u32,
    /// Welfare shelters whose target group fits, nearest first: (shelter, metres).
    pub welfare: Vec<(usize, u32)>,
    /// Ordinary eligible shelters, nearest first: (shelter, metres).
    pub ordinary: Vec<(usize, u32)>,
    /// The person needs care and should go to a welfare shelter when one has room.
    pub needs_care: bool,
}

/// Where a person goes, or why nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// A shelter and the distance to it in metres; `welfare` when it is a welfare place.
    Shelter {
        shelter: usize,
        distance_m: u32,
        welfare: bool,
    },
    /// No eligible shelter at all for this hazard.
    NoShelter,
}

/// Why a person who needs care did not get a welfare place (they get an ordinary shelter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WelfareShortfall {
    /// No welfare shelter fits the person (target group, access, outside the zone).
    NoneFits,
    /// Fitting welfare shelters are full with higher-priority people.
    AllFull,
}

/// The outcome for one request, in the order of the requests given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub person: usize,
    pub destination: Destination,
    pub welfare_shortfall: Option<WelfareShortfall>,
}

/// Assigns destinations for one hazard type. `capacity[s]` is the remaining number of welfare
/// places at shelter `s` (`None`: unlimited or unknown); ordinary shelters are not limited here,
/// since designated shelters are sized for the whole population.
///
/// ```
/// use sasaeai::matching::shelters::{Destination, Request, assign};
/// let high = Request { person: 0, tier: 0, score: 90, welfare: vec![(7, 300)], ordinary: vec![(1, 100)], needs_care: true };
/// let low = Request { person: 1, tier: 2, score: 30, welfare: vec![(7, 50)], ordinary: vec![(1, 80)], needs_care: true };
/// let mut capacity = vec![None; 8];
/// capacity[7] = Some(1);
/// let out = assign(&[low, high], &mut capacity);
/// assert_eq!(out[1].destination, Destination::Shelter { shelter: 7, distance_m: 300, welfare: true });
/// assert_eq!(out[0].destination, Destination::Shelter { shelter: 1, distance_m: 80, welfare: false });
/// ```
pub fn assign(requests: &[Request], capacity: &mut [Option<u32>]) -> Vec<Outcome> {
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by_key(|&i| {
        (
            requests[i].tier,
            std::cmp::Reverse(requests[i].score),
            requests[i].person,
        )
    });
    let mut outcomes = vec![None; requests.len()];
    for i in order {
        let request = &requests[i];
        let mut shortfall = None;
        let mut destination = None;
        if request.needs_care {
            let free = request
                .welfare
                .iter()
                .find(|(s, _)| capacity.get(*s).copied().flatten().is_none_or(|c| c > 0));
            match free {
                Some(&(shelter, distance_m)) => {
                    if let Some(Some(left)) = capacity.get_mut(shelter) {
                        *left -= 1;
                    }
                    destination = Some(Destination::Shelter {
                        shelter,
                        distance_m,
                        welfare: true,
                    });
                }
                None if request.welfare.is_empty() => shortfall = Some(WelfareShortfall::NoneFits),
                None => shortfall = Some(WelfareShortfall::AllFull),
            }
        }
        let destination = destination.unwrap_or_else(|| match request.ordinary.first() {
            Some(&(shelter, distance_m)) => Destination::Shelter {
                shelter,
                distance_m,
                welfare: false,
            },
            None => Destination::NoShelter,
        });
        outcomes[i] = Some(Outcome {
            person: request.person,
            destination,
            welfare_shortfall: shortfall,
        });
    }
    outcomes.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(
        person: usize,
        tier: u8,
        score: u32,
        welfare: Vec<(usize, u32)>,
        needs_care: bool,
    ) -> Request {
        Request {
            person,
            tier,
            score,
            welfare,
            ordinary: vec![(0, 500)],
            needs_care,
        }
    }

    #[test]
    fn welfare_places_go_to_the_highest_priority_first_then_by_score_then_order() {
        let requests = vec![
            request(0, 1, 50, vec![(1, 100)], true),
            request(1, 0, 10, vec![(1, 900)], true),
            request(2, 1, 70, vec![(1, 200)], true),
        ];
        let mut capacity = vec![None, Some(2)];
        let out = assign(&requests, &mut capacity);
        let welfare: Vec<bool> = out
            .iter()
            .map(|o| matches!(o.destination, Destination::Shelter { welfare: true, .. }))
            .collect();
        assert_eq!(welfare, vec![false, true, true]);
        assert_eq!(out[0].welfare_shortfall, Some(WelfareShortfall::AllFull));
        assert_eq!(capacity[1], Some(0));
    }

    #[test]
    fn a_person_without_care_needs_goes_to_the_nearest_ordinary_shelter() {
        let out = assign(
            &[request(0, 0, 99, vec![(1, 10)], false)],
            &mut [None, Some(5)],
        );
        assert_eq!(
            out[0].destination,
            Destination::Shelter {
                shelter: 0,
                distance_m: 500,
                welfare: false
            }
        );
        assert_eq!(out[0].welfare_shortfall, None);
    }

    #[test]
    fn no_fitting_welfare_shelter_and_no_shelter_at_all_are_reported() {
        let mut lonely = request(0, 0, 1, vec![], true);
        lonely.ordinary.clear();
        let out = assign(&[lonely], &mut []);
        assert_eq!(out[0].destination, Destination::NoShelter);
        assert_eq!(out[0].welfare_shortfall, Some(WelfareShortfall::NoneFits));
    }

    #[test]
    fn assignment_is_deterministic() {
        let requests: Vec<Request> = (0..50)
            .map(|i| {
                request(
                    i,
                    (i % 4) as u8,
                    (i * 7 % 13) as u32,
                    vec![(1, 100), (2, 200)],
                    i % 3 == 0,
                )
            })
            .collect();
        let a = assign(&requests, &mut [None, Some(3), Some(2)]);
        let b = assign(&requests, &mut [None, Some(3), Some(2)]);
        assert_eq!(a, b);
    }
}
