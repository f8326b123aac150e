//! Ranks and ties (SPEC "Maths": ranks): standard competition ranking
//! ("1, 2, 2, 4") by descending score, scores within [`RANK_TOLERANCE`] of
//! their tie group's best tying, ties ordered by id, unscored units last.

use crate::input::Table;
use rayon::prelude::*;

/// Competition ranks (1-based; 0 for no score) of NaN-coded `scores` on
/// 0..1, with the ties of SPEC "Maths" (1e-9 × scale).
pub fn ranks_of(scores: &[f64]) -> Vec<u32> {
    let mut ranks = vec![0u32; scores.len()];
    tie_ranks(&by_score(scores), RANK_TOLERANCE, |u, r| ranks[u] = to_u32(r));
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
            // One group's (score, unit) pairs at a time, in one buffer. A
            // rank does not depend on the order within its tie group, so
            // the ties are not put in id order here.
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
                tie_ranks(&list, tolerance, |u, r| group_ranks[u] = to_u32(r));
            }
        },
        || {
            rank_in_id_order(&mut sorted, table, tolerance);
            for &(rank, u) in &sorted {
                if let Some(slot) = ranks.get_mut(u) {
                    *slot = rank as u32;
                }
                order.push(u);
            }
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

/// The tie groups of `sorted` (best first), as (start, end) positions: a
/// tie group is the units whose scores are within `tolerance` of the
/// group's best (so no two units more than the tolerance apart share a
/// group through a chain of near-ties).
fn each_tie_group(sorted: &[(f64, usize)], tolerance: f64, mut group: impl FnMut(usize, usize)) {
    let mut start = 0;
    while start < sorted.len() {
        let end = tie_group_end(sorted, start, tolerance);
        group(start, end);
        start = end;
    }
}

/// Where the tie group that starts at `start` ends (see [`each_tie_group`]).
fn tie_group_end(sorted: &[(f64, usize)], start: usize, tolerance: f64) -> usize {
    let Some(&(best, _)) = sorted.get(start) else {
        return start;
    };
    start
        + 1
        + sorted
            .get(start + 1..)
            .unwrap_or_default()
            .iter()
            .take_while(|(s, _)| best - s <= tolerance)
            .count()
}

/// Competition ranks over `sorted` (best first): the units of a tie group
/// (see [`each_tie_group`]) share its first rank. Calls `place(unit, rank)`.
fn tie_ranks(sorted: &[(f64, usize)], tolerance: f64, mut place: impl FnMut(usize, usize)) {
    each_tie_group(sorted, tolerance, |start, end| {
        for &(_, u) in sorted.get(start..end).unwrap_or_default() {
            place(u, start + 1);
        }
    });
}

/// Puts each tie group of `sorted` (see [`each_tie_group`]) in id order
/// and replaces each score by its rank (an integer, exact in an f64: no
/// second list of a million ranks at the run's peak of memory). In
/// parallel: the list is cut where two neighbours are more than
/// `tolerance` apart, which always starts a tie group, so each piece's
/// groups are the whole list's. A national ranking has many ties (scores
/// of a few decimals), and ordering them reads ids scattered over memory.
fn rank_in_id_order(sorted: &mut [(f64, usize)], table: &Table, tolerance: f64) {
    let pieces = if sorted.len() < PARALLEL_SORT {
        1
    } else {
        4 * rayon::current_num_threads()
    };
    rank_in_id_order_in(sorted, table, tolerance, pieces);
}

/// [`rank_in_id_order`] cut into (at most) `pieces`.
fn rank_in_id_order_in(sorted: &mut [(f64, usize)], table: &Table, tolerance: f64, pieces: usize) {
    let mut parts: Vec<(usize, &mut [(f64, usize)])> = Vec::with_capacity(pieces);
    let (mut rest, mut offset) = (sorted, 0);
    for k in 1..pieces {
        let target = (k * (offset + rest.len()) / pieces).saturating_sub(offset);
        let cut = (target.max(1)..rest.len())
            .find(|&p| {
                let (Some(before), Some(at)) = (rest.get(p - 1), rest.get(p)) else {
                    return true;
                };
                before.0 - at.0 > tolerance
            })
            .unwrap_or(rest.len());
        let (head, tail) = rest.split_at_mut(cut);
        parts.push((offset, head));
        offset += cut;
        rest = tail;
    }
    parts.push((offset, rest));
    parts.into_par_iter().for_each(|(offset, part)| {
        // Each group's end is found before its scores are overwritten.
        let mut start = 0;
        while start < part.len() {
            let end = tie_group_end(part, start, tolerance);
            let Some(group) = part.get_mut(start..end) else {
                break;
            };
            if group.len() > 1 {
                group.sort_unstable_by(|a, b| table.id(a.1).cmp(table.id(b.1)).then(a.1.cmp(&b.1)));
            }
            let rank = (offset + start + 1) as f64;
            for pair in group.iter_mut() {
                pair.0 = rank;
            }
            start = end;
        }
    });
}

fn to_u32(rank: usize) -> u32 {
    u32::try_from(rank).unwrap_or(u32::MAX)
}

/// Competition ranks (descending) of `values` among themselves, values
/// within `tolerance` of their group's best tying; `None` stays unranked.
pub fn competition_ranks(values: &[Option<f64>], tolerance: f64) -> Vec<Option<usize>> {
    let coded: Vec<f64> = values.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let mut ranks = vec![None; values.len()];
    tie_ranks(&by_score(&coded), tolerance, |u, r| ranks[u] = Some(r));
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Cut into pieces, the ties are ordered and ranked as in one piece,
        /// and every tie group is in id order and shares its first rank.
        #[test]
        fn ties_ordered_in_pieces_are_ordered_as_in_one(
            levels in proptest::collection::vec((0u8..6, 0u8..3, 0u16..40), 1..120),
            pieces in 2usize..9,
        ) {
            use crate::input::{self, ReadOptions};
            let rubric = crate::rubric::Rubric::parse(
                "t.toml",
                "[rubric]\nname = \"t\"\nid = \"id\"\n[[dimension]]\nid = \"d\"\n[[indicator]]\nid = \"a\"\ndimension = \"d\"\nnormalize = \"minmax\"\n",
                false,
            ).unwrap();
            let mut csv = String::from("id,a\n");
            for (u, &(_, _, id)) in levels.iter().enumerate() {
                csv.push_str(&format!("u{id:02}-{u},1\n"));
            }
            let table = input::from_bytes(&[("t.csv".into(), csv.into_bytes())], &rubric, &ReadOptions::default()).unwrap();
            // Scores on a few levels, some a fraction of the tolerance apart.
            let tolerance = RANK_TOLERANCE;
            let scores: Vec<f64> = levels
                .iter()
                .map(|&(level, nudge, _)| 0.5 + f64::from(level) * 1e-9 * 0.7 + f64::from(nudge) * 1e-12)
                .collect();
            let mut one = by_score(&scores);
            let mut cut = one.clone();
            rank_in_id_order_in(&mut one, &table, tolerance, 1);
            rank_in_id_order_in(&mut cut, &table, tolerance, pieces);
            prop_assert_eq!(&one, &cut);
            let ranks_one: Vec<f64> = one.iter().map(|p| p.0).collect();
            // The groups as the scores alone make them (before id order).
            let mut groups = Vec::new();
            each_tie_group(&by_score(&scores), tolerance, |start, end| groups.push((start, end)));
            prop_assert_eq!(groups.last().map_or(0, |g| g.1), one.len());
            for (start, end) in groups {
                let group = &one[start..end];
                prop_assert!(group.windows(2).all(|w| table.id(w[0].1) < table.id(w[1].1)));
                prop_assert!(ranks_one[start..end].iter().all(|&r| r == (start + 1) as f64));
            }
        }

        /// The radix sort orders (key, unit) pairs as `sort_unstable` does.
        #[test]
        fn radix_sort_is_sort_unstable(
            keys in proptest::collection::vec(prop_oneof![any::<u64>(), 0u64..4, Just(u64::MAX), (0u64..3, any::<u32>()).prop_map(|(h, l)| (h << 32) | u64::from(l))], 0..600),
        ) {
            let mut pairs: Vec<(u64, usize)> = keys.into_iter().enumerate().map(|(u, k)| (k, u)).collect();
            let mut expected = pairs.clone();
            expected.sort_unstable();
            radix_sort(&mut pairs);
            prop_assert_eq!(pairs, expected);
        }
    }
}
