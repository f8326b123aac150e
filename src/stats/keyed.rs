//! Sorting by integer keys: f64 values by their order keys (an integer
//! comparison instead of `f64::total_cmp`'s two conversions per
//! comparison), and items by the bytes of a u64 key, least significant
//! byte first (a county's ranking, re-ranked a thousand times by
//! `sensitivity`).

use super::select::order_key;

/// Below this many values the keys are not worth making.
const KEYED_FROM: usize = if cfg!(test) { 8 } else { 4_096 };

/// The value whose [`order_key`] is `key`.
fn from_order_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 { key & !(1 << 63) } else { !key })
}

/// Sorts `values` ascending in `f64::total_cmp`'s order: the sequence
/// `values.sort_unstable_by(f64::total_cmp)` gives (values equal in that
/// order have the same bits). (A byte-wise radix sort of the keys was
/// slower on national columns: 1M x 40 rank normalization, 2 cores.)
pub fn sort_total(values: &mut [f64]) {
    if values.len() < KEYED_FROM {
        values.sort_unstable_by(f64::total_cmp);
        return;
    }
    let mut keys: Vec<u64> = values.iter().map(|&x| order_key(x)).collect();
    keys.sort_unstable();
    for (value, &key) in values.iter_mut().zip(&keys) {
        *value = from_order_key(key);
    }
}

/// Sorts `items` by `key`, stably (items of equal keys keep their order):
/// a byte-wise radix sort of the keys' top halves, least significant byte
/// first, skipping the bytes every key shares (scores on 0..1 share their
/// top ones), then each run of equal top halves sorted by the whole key.
/// Scores that differ in their top 32 bits (20 bits of mantissa) are rarely
/// equal there, so that is half the passes of sorting all eight bytes.
pub fn sort_by_key_bytes<T: Copy + Default>(items: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    let top = |item: &T| key(item) >> 32;
    let mut counts = [[0usize; 256]; 4];
    for item in items.iter() {
        let k = top(item);
        for (byte, count) in counts.iter_mut().enumerate() {
            if let Some(c) = count.get_mut(digit(k, byte)) {
                *c += 1;
            }
        }
    }
    let mut spare = vec![T::default(); items.len()];
    for (byte, count) in counts.iter().enumerate() {
        // Every key has the same byte here: the pass would not move one.
        if count.contains(&items.len()) {
            continue;
        }
        let mut next = [0usize; 256];
        let mut start = 0;
        for (slot, &c) in next.iter_mut().zip(count) {
            *slot = start;
            start += c;
        }
        for &item in items.iter() {
            if let Some(at) = next.get_mut(digit(top(&item), byte)) {
                if let Some(place) = spare.get_mut(*at) {
                    *place = item;
                }
                *at += 1;
            }
        }
        std::mem::swap(items, &mut spare);
    }
    // Runs of equal top halves, by the whole key (a stable sort).
    for run in items.chunk_by_mut(|a, b| top(a) == top(b)) {
        if run.len() > 1 {
            run.sort_by_key(&key);
        }
    }
}

#[inline]
fn digit(key: u64, byte: usize) -> usize {
    ((key >> (8 * byte)) & 0xFF) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_back_to_their_values() {
        for x in [
            0.0,
            -0.0,
            1.5,
            -1.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            -5e-324,
        ] {
            assert_eq!(from_order_key(order_key(x)).to_bits(), x.to_bits());
        }
    }

    proptest::proptest! {
        /// The same sequence, bit for bit, as the comparison sort: any
        /// bits (NaNs, both zeros, subnormals) and columns of few
        /// distinct values, where most passes are skipped.
        #[test]
        fn sorts_like_total_cmp(
            bits in proptest::collection::vec(proptest::num::u64::ANY, 0..300),
            few in proptest::collection::vec(0u32..40, 0..300),
            scale in proptest::prop_oneof![proptest::strategy::Just(1.0f64), proptest::strategy::Just(-0.001), proptest::strategy::Just(1e300)],
        ) {
            for mut values in [
                bits.iter().map(|&b| f64::from_bits(b)).collect::<Vec<_>>(),
                few.iter().map(|&k| f64::from(k) * scale).chain([0.0, -0.0]).collect(),
            ] {
                let mut expected = values.clone();
                expected.sort_unstable_by(f64::total_cmp);
                sort_total(&mut values);
                let bits_of = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                proptest::prop_assert_eq!(bits_of(&values), bits_of(&expected));
            }
        }
    }
}
