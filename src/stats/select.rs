//! Order statistics without reordering a national column: the k-th
//! smallest values of a slice, exactly, in a few sequential passes.
//!
//! Why not `select_nth_unstable`: a plausibility check takes five quantiles
//! of each of 40 columns of a million values, and each selection walks the
//! column several times at random. Here one pass counts the values by the
//! top 16 bits of their order key (sign, exponent and 4 bits of mantissa:
//! 16 buckets an octave), a second pass gathers only the buckets that hold
//! a wanted rank, and those (a few percent of the column on real data) are
//! searched the same way on the next 16 bits, down to a small slice that
//! is selected directly. The order is `f64::total_cmp`'s, so the answer is
//! the value `select_nth_unstable_by(k, f64::total_cmp)` would give.

/// Below this many values a bucket is selected directly (a pass of the
/// search zeroes tables of 65,536 entries). Small in tests, so that they
/// go through every level.
const DIRECT: usize = if cfg!(test) { 64 } else { 32_768 };

/// `x`'s position in `f64::total_cmp`'s order as an unsigned key: negative
/// values have every bit flipped, others only the sign bit.
pub fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 { !bits } else { bits | 1 << 63 }
}

/// The values of ascending `f64::total_cmp` rank `ranks` (0-based) among
/// `values`, in the order asked; `None` when a rank is not below the count.
pub fn order_statistics(values: &[f64], ranks: &[usize]) -> Option<Vec<f64>> {
    if ranks.iter().any(|&r| r >= values.len()) {
        return None;
    }
    let mut out = vec![0.0; ranks.len()];
    let wanted: Vec<(usize, usize)> = ranks.iter().copied().enumerate().map(|(slot, r)| (r, slot)).collect();
    select_into(values, &wanted, 48, &mut out);
    Some(out)
}

/// Fills `out[slot]` with the value of rank `r` for each `(r, slot)` of
/// `wanted`, among `values`, whose keys agree on every bit above
/// `shift + 16`.
fn select_into(values: &[f64], wanted: &[(usize, usize)], shift: u32, out: &mut [f64]) {
    if values.len() <= DIRECT {
        let mut copy = values.to_vec();
        for &(r, slot) in wanted {
            if let (Some(place), true) = (out.get_mut(slot), r < copy.len()) {
                *place = *copy.select_nth_unstable_by(r, f64::total_cmp).1;
            }
        }
        return;
    }
    let bucket = |x: f64| ((order_key(x) >> shift) & 0xFFFF) as usize;
    let mut counts = vec![0usize; 1 << 16];
    for &x in values {
        counts[bucket(x)] += 1;
    }
    // Which bucket each wanted rank falls in, and its rank inside it.
    let mut first = vec![0usize; 1 << 16];
    let mut running = 0;
    for (b, &c) in counts.iter().enumerate() {
        first[b] = running;
        running += c;
    }
    let mut needed: Vec<usize> = Vec::new();
    let mut slot_of = vec![u32::MAX; 1 << 16];
    let mut per_bucket: Vec<Vec<(usize, usize)>> = Vec::new();
    for &(r, slot) in wanted {
        // The last bucket whose first rank is ≤ r: it holds rank r (an
        // empty bucket shares its first rank with the next one).
        let b = first.partition_point(|&f| f <= r).saturating_sub(1) & 0xFFFF;
        let index = match slot_of[b] {
            u32::MAX => {
                slot_of[b] = needed.len() as u32;
                needed.push(b);
                per_bucket.push(Vec::new());
                needed.len() - 1
            }
            i => i as usize,
        };
        per_bucket[index].push((r - first[b], slot));
    }
    let mut gathered: Vec<Vec<f64>> = needed.iter().map(|&b| Vec::with_capacity(counts[b])).collect();
    for &x in values {
        if let Some(part) = gathered.get_mut(slot_of[bucket(x)] as usize) {
            part.push(x);
        }
    }
    for (part, wanted) in gathered.iter().zip(&per_bucket) {
        if shift == 0 {
            // Every bit of the key was looked at: the bucket's values are equal.
            for &(_, slot) in wanted {
                if let (Some(place), Some(&v)) = (out.get_mut(slot), part.first()) {
                    *place = v;
                }
            }
        } else {
            select_into(part, wanted, shift - 16, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_sorting(values: &[f64], ranks: &[usize]) -> Vec<f64> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        ranks.iter().map(|&r| sorted[r]).collect()
    }

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    #[test]
    fn a_column_of_a_million_spread_and_clustered_values() {
        // Clustered: most values share their top 16 bits, so the search goes
        // a level deeper; signed zeros and negatives ordered as total_cmp does.
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let spread: Vec<f64> = (0..50_000).map(|_| 100.0 * next() - 20.0).collect();
        let clustered: Vec<f64> = (0..50_000)
            .map(|i| if i % 7 == 0 { -0.0 } else { 95.0 + next() })
            .collect();
        for values in [spread, clustered] {
            let n = values.len();
            let ranks = [0, 1, n / 20, n / 4, n / 2 - 1, n / 2, 3 * n / 4, n - 2, n - 1];
            let got = order_statistics(&values, &ranks).unwrap();
            assert!(same(&got, &by_sorting(&values, &ranks)));
        }
    }

    #[test]
    fn a_rank_beyond_the_count_is_none() {
        assert!(order_statistics(&[1.0, 2.0], &[2]).is_none());
        assert!(order_statistics(&[], &[0]).is_none());
        assert_eq!(order_statistics(&[], &[]), Some(vec![]));
    }

    #[test]
    fn equal_values_beyond_the_direct_size() {
        let values = vec![0.1; 10_000];
        assert_eq!(order_statistics(&values, &[0, 5000, 9999]), Some(vec![0.1, 0.1, 0.1]));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn the_ranks_sorting_gives(
            values in proptest::collection::vec(
                prop_oneof![any::<f64>().prop_filter("not NaN", |x| !x.is_nan()), -3.0..3.0f64, Just(0.0), Just(-0.0)],
                1..2000,
            ),
            picks in proptest::collection::vec(any::<proptest::sample::Index>(), 1..8),
        ) {
            let ranks: Vec<usize> = picks.iter().map(|p| p.index(values.len())).collect();
            let got = order_statistics(&values, &ranks).unwrap();
            prop_assert!(same(&got, &by_sorting(&values, &ranks)));
        }
    }
}
