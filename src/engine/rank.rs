//! Ranks and ties (SPEC "Maths": ranks): standard competition ranking
//! ("1, 2, 2, 4") by descending score, scores within [`RANK_TOLERANCE`] of
//! their tie group's best tying, ties ordered by id, unscored units last.

use crate::input::Table;
use rayon::prelude::*;

/// Competition ranks (1-based; 0 for no score) of NaN-coded `scores` on
/// 0..1, with the ties of SPEC "Maths" (1e-9 × scale).
pub fn ranks_of(scores: &[f64], table: &Table) -> Vec<u32> {
    let mut ranks = vec![0u32; scores.len()];
    tie_groups(&mut by_score(scores), table, RANK_TOLERANCE, |u, r| {
        ranks[u] = to_u32(r)
    });
    ranks
}

/// The tie tolerance of ranks (SPEC "Maths": scores within 1e-9 × scale
/// are ties). Scores are on 0..1 when ranked, so 1e-9 × scale on the
/// reported score is 1e-9; so are the dimension and normalized values that
/// `explain` ranks units on.
pub const RANK_TOLERANCE: f64 = 1e-9;

/// Every unit's place in the ranking of a scored table.
pub(super) struct Ranking {
    /// Per unit: rank and rank in its group, 0 for none (4 bytes a unit).
    pub(super) ranks: Vec<u32>,
    pub(super) group_ranks: Vec<u32>,
    /// Unit indices in rank order: by rank, ties by id, unscored units last
    /// (by id).
    pub(super) order: Vec<usize>,
    /// How many units at the head of `order` have a score.
    pub(super) scored: usize,
}

/// Ranks the units by their NaN-coded `scores` on 0..1, overall and in
/// their group.
pub(super) fn rank_units(scores: &[f64], table: &Table) -> Ranking {
    let n = scores.len();
    let tolerance = RANK_TOLERANCE;
    let mut sorted = by_score(scores);
    let (members, sizes) = group_members(&sorted, table);
    let mut group_ranks = vec![0u32; n];
    let mut ranks = vec![0u32; n];
    let mut order = Vec::with_capacity(n);
    rayon::join(
        || {
            // One group's (score, unit) pairs at a time, in one buffer.
            let mut list: Vec<(f64, usize)> = Vec::new();
            let mut rest = members.as_slice();
            for &size in &sizes {
                let (group, others) = rest.split_at(size.min(rest.len()));
                rest = others;
                list.clear();
                list.extend(
                    group
                        .iter()
                        .map(|&u| (scores.get(u as usize).copied().unwrap_or(f64::NAN), u as usize)),
                );
                tie_groups(&mut list, table, tolerance, |u, r| group_ranks[u] = to_u32(r));
            }
        },
        || {
            tie_groups(&mut sorted, table, tolerance, |u, r| {
                ranks[u] = to_u32(r);
                order.push(u);
            })
        },
    );
    drop(sorted);
    let scored = order.len();
    let mut unscored: Vec<usize> = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_nan())
        .map(|(u, _)| u)
        .collect();
    unscored.sort_by(|&a, &b| table.id(a).cmp(table.id(b)));
    order.extend_from_slice(&unscored);
    Ranking {
        ranks,
        group_ranks,
        order,
        scored,
    }
}

/// The scored units of each group in the order of the whole ranking (best
/// first), group after group, and the size of each group: a counting sort
/// into one list of 4 bytes a unit (a list per group, of pairs, took four
/// times the memory and more as the lists grew).
fn group_members(sorted: &[(f64, usize)], table: &Table) -> (Vec<u32>, Vec<usize>) {
    let groups = table.group_code(0).map_or(0, |(_, count)| count);
    let mut sizes = vec![0usize; groups];
    for &(_, u) in sorted {
        if let Some(size) = table.group_code(u).and_then(|(g, _)| sizes.get_mut(g)) {
            *size += 1;
        }
    }
    let mut next: Vec<usize> = sizes
        .iter()
        .scan(0, |start, &size| {
            let here = *start;
            *start += size;
            Some(here)
        })
        .collect();
    let mut members = vec![0u32; sizes.iter().sum()];
    for &(_, u) in sorted {
        let Some(at) = table.group_code(u).and_then(|(g, _)| next.get_mut(g)) else {
            continue;
        };
        if let Some(slot) = members.get_mut(*at) {
            // Unit indices fit: a table in memory has fewer than 2³² units.
            *slot = u32::try_from(u).unwrap_or(u32::MAX);
        }
        *at += 1;
    }
    (members, sizes)
}

/// The units that have a score, best first; equal scores in any order
/// (see [`tie_groups`]).
/// Below this many scores a ranking is sorted on one thread.
const PARALLEL_SORT: usize = 1 << 16;

fn by_score(scores: &[f64]) -> Vec<(f64, usize)> {
    // Sorted as integers: the score's place in `f64::total_cmp`'s order,
    // reversed (best first), then the unit (any order of equal scores would
    // do: they always fall in one tie group, which is then ordered by id).
    let descending = |s: f64| !crate::stats::order_key(s);
    let mut keys: Vec<(u64, usize)> = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_nan())
        .map(|(u, &s)| (descending(s), u))
        .collect();
    // A county's ranking (a re-scoring of `sensitivity`, already one of
    // many parallel runs) is sorted in place; a nation's in parallel.
    if keys.len() < PARALLEL_SORT {
        radix_sort(&mut keys);
    } else {
        keys.par_sort_unstable();
    }
    keys.into_iter()
        .map(|(_, u)| (scores.get(u).copied().unwrap_or(f64::NAN), u))
        .collect()
}

/// Sorts (key, unit) pairs as `sort_unstable` does: by key, then unit. A
/// county's ranking of a few thousand units, re-ranked a thousand times
/// by `sensitivity`, sorts faster by bytes than by comparisons. The pairs
/// come in unit order, and the stable byte passes keep it among equal keys.
fn radix_sort(pairs: &mut Vec<(u64, usize)>) {
    debug_assert!(pairs.windows(2).all(|w| w[0].1 < w[1].1));
    crate::stats::sort_by_key_bytes(pairs, |&(k, _)| k);
}

/// Competition ranks over `sorted` (best first): a tie group is the units
/// whose scores are within `tolerance` of the group's best (so no two units
/// more than the tolerance apart share a group through a chain of
/// near-ties); they share the group's first rank and are ordered by id.
/// Calls `place(unit, rank)` in rank order.
fn tie_groups(sorted: &mut [(f64, usize)], table: &Table, tolerance: f64, mut place: impl FnMut(usize, usize)) {
    let mut start = 0;
    while start < sorted.len() {
        let best = sorted[start].0;
        let end = start
            + 1
            + sorted[start + 1..]
                .iter()
                .take_while(|(s, _)| best - s <= tolerance)
                .count();
        let group = &mut sorted[start..end];
        if group.len() > 1 {
            group.sort_unstable_by(|a, b| table.id(a.1).cmp(table.id(b.1)).then(a.1.cmp(&b.1)));
        }
        for &(_, u) in group.iter() {
            place(u, start + 1);
        }
        start = end;
    }
}

fn to_u32(rank: usize) -> u32 {
    u32::try_from(rank).unwrap_or(u32::MAX)
}

/// Competition ranks (descending) of `values` among themselves, values
/// within `tolerance` of their group's best tying; `None` stays unranked.
pub fn competition_ranks(values: &[Option<f64>], table: &Table, tolerance: f64) -> Vec<Option<usize>> {
    let coded: Vec<f64> = values.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let mut ranks = vec![None; values.len()];
    tie_groups(&mut by_score(&coded), table, tolerance, |u, r| ranks[u] = Some(r));
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The radix sort orders (key, unit) pairs as `sort_unstable` does.
        #[test]
        fn radix_sort_is_sort_unstable(
            keys in proptest::collection::vec(prop_oneof![any::<u64>(), 0u64..4, Just(u64::MAX)], 0..600),
        ) {
            let mut pairs: Vec<(u64, usize)> = keys.into_iter().enumerate().map(|(u, k)| (k, u)).collect();
            let mut expected = pairs.clone();
            expected.sort_unstable();
            radix_sort(&mut pairs);
            prop_assert_eq!(pairs, expected);
        }
    }
}
