//! Plausibility flags (SPEC "Data as offices fill it in"): cells that look
//! like a slip of units — a share written as a fraction (0.782 for 78.2 %),
//! a share far above 100 % (782), a value off by a power of ten (1.8 万元
//! for 18,047 元) — judged against the column's own spread, so that the long
//! tails of real columns never fire. They are warnings; `--strict` makes
//! them errors.

use crate::input::{Counts, RawValues, Table};
use crate::rubric::{Indicator, Rubric};
use crate::util::lossless;

/// Why a cell was flagged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    /// A percentage written as a fraction of 1.
    Fraction,
    /// A percentage far above 100 %.
    AboveHundred,
    /// A unit off by this factor (1,000 or 10,000; below 1 when the cell is too large).
    PowerOfTen(f64),
    /// The one negative value of a column whose goalposts and other values
    /// are all ≥ 0 (a stray minus sign).
    Negative,
}

/// One flagged cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub unit: usize,
    pub indicator: usize,
    pub value: f64,
    /// The value the cell probably means.
    pub suggestion: f64,
    pub reason: Reason,
}

/// How many flagged cells a message lists before it counts the rest.
const LISTED: usize = 20;

/// A percentage indicator: its `unit` is `%`, or its column ends in `(%)`.
fn is_percentage(ind: &Indicator) -> bool {
    let unit = ind.unit.trim();
    let column = ind.column.trim_end();
    unit == "%" || unit == "％" || column.ends_with("(%)") || column.ends_with("（%）") || column.ends_with("（％）")
}

/// What one column's flags are judged against: linear-interpolation
/// quantiles (numpy's default), taken as order statistics (a national
/// column is never sorted; see [`crate::stats::order_statistics`]).
struct Spread {
    p05: f64,
    q1: f64,
    median: f64,
    q3: f64,
    /// The median as [`median`] takes it (the same but where the two
    /// middle values are so far apart that their difference overflows).
    middle: f64,
}

/// The ranks a p-quantile of `n` values interpolates between: position
/// h = (n − 1) p lies between ranks ⌊h⌋ and ⌊h⌋ + 1 (the last rank twice).
fn quantile_ranks(n: usize, p: f64) -> (f64, usize, usize) {
    let last = n.saturating_sub(1);
    let h = last as f64 * p;
    let lo = (h.floor() as usize).min(last);
    (h - lo as f64, lo, (lo + 1).min(last))
}

impl Spread {
    fn of(values: &[f64]) -> Option<Spread> {
        Spread::from_order(values.len(), |ranks| crate::stats::order_statistics(values, ranks))
    }

    /// The spread of `n` values whose order statistics `at` gives.
    fn from_order(n: usize, at: impl FnOnce(&[usize]) -> Option<Vec<f64>>) -> Option<Spread> {
        let parts = [0.05, 0.25, 0.5, 0.75].map(|p| quantile_ranks(n, p));
        let ranks: Vec<usize> = parts.iter().flat_map(|&(_, lo, hi)| [lo, hi]).collect();
        let at = at(&ranks)?;
        let quantile = |k: usize| {
            let (fraction, a, b) = (parts.get(k)?.0, *at.get(2 * k)?, *at.get(2 * k + 1)?);
            Some(a + fraction * (b - a))
        };
        let (&upper_mid, &next) = (at.get(4)?, at.get(5)?);
        Some(Spread {
            p05: quantile(0)?,
            q1: quantile(1)?,
            median: quantile(2)?,
            q3: quantile(3)?,
            middle: if n % 2 == 1 {
                upper_mid
            } else {
                upper_mid + 0.5 * (next - upper_mid)
            },
        })
    }

    fn within_quartiles(&self, x: f64) -> bool {
        (self.q1..=self.q3).contains(&x)
    }
}

/// The median absolute deviation of log10 over the positive `values`.
fn log_mad(values: &[f64]) -> f64 {
    let logs: Vec<f64> = values.iter().filter(|&&v| v > 0.0).map(|v| v.log10()).collect();
    let Some(centre) = median(&logs) else {
        return 0.0;
    };
    let deviations: Vec<f64> = logs.iter().map(|l| (l - centre).abs()).collect();
    median(&deviations).unwrap_or(0.0)
}

/// An indicator whose goalposts are both ≥ 0: a negative value is below
/// anything the rubric expects. (A growth rate in % whose returns hold
/// several negative values is real, and is not flagged: see
/// [`column_flags`].)
fn non_negative(ind: &Indicator) -> bool {
    ind.goalposts.is_some_and(|(a, b)| a >= 0.0 && b >= 0.0)
}

/// A share slip in cell `x` of percentage indicator `ind`, if any.
fn share_flag(ind: &Indicator, spread: &Spread, x: f64) -> Option<(Reason, f64)> {
    if x > 0.0 && x < 1.0 && x < spread.p05 / 20.0 && spread.within_quartiles(100.0 * x) {
        return Some((Reason::Fraction, 100.0 * x));
    }
    let bounded = ind
        .goalposts
        .is_some_and(|(a, b)| (0.0..=100.0).contains(&a) && (0.0..=100.0).contains(&b) && a.max(b) >= 50.0);
    if bounded && x > 200.0 {
        // The decimal point slipped: the first tenth that is a share.
        let mut suggestion = x;
        while suggestion > 100.0 {
            suggestion /= 10.0;
        }
        return Some((Reason::AboveHundred, suggestion));
    }
    None
}

/// The power-of-ten slip that cell `x` could be, before the column's
/// spread of logs is known: at least three decades from the median, and
/// brought within the quartiles by one of the factors.
fn power_candidate(spread: &Spread, x: f64) -> Option<(f64, f64)> {
    if !(x > 0.0 && spread.median > 0.0 && (x >= spread.median * 1e3 || x <= spread.median / 1e3)) {
        return None;
    }
    [1e3, 1e4, 1e-3, 1e-4]
        .into_iter()
        .map(|factor| (factor, x * factor))
        .find(|&(_, suggestion)| spread.within_quartiles(suggestion))
}

/// The median of `values` (the midpoint of the two middle ones of an
/// even count), `None` when empty.
fn median(values: &[f64]) -> Option<f64> {
    let n = values.len();
    let k = n.checked_sub(1)? / 2;
    let middle = crate::stats::order_statistics(values, &[k, (k + 1).min(n - 1)])?;
    let (&upper_mid, &next) = (middle.first()?, middle.get(1)?);
    if n % 2 == 1 {
        return Some(upper_mid);
    }
    Some(upper_mid + 0.5 * (next - upper_mid))
}

/// What decides whether a column could have a flagged cell: its spread
/// and extremes.
struct Summary {
    spread: Spread,
    lo: f64,
    hi: f64,
    smallest_positive: Option<f64>,
}

impl Summary {
    fn of(values: &[f64]) -> Option<Summary> {
        let (lo, hi) = crate::stats::min_max(values)?;
        Some(Summary {
            spread: Spread::of(values)?,
            lo,
            hi,
            smallest_positive: values.iter().copied().filter(|&v| v > 0.0).min_by(f64::total_cmp),
        })
    }

    /// The same from a column's counts by value (see [`Counts`]): a pass
    /// over 65,536 counters instead of a copy of a national column.
    fn counted(counts: &Counts) -> Option<Summary> {
        let (lo, hi) = counts.min_max()?;
        Some(Summary {
            spread: Spread::from_order(counts.len(), |ranks| counts.order_statistics(ranks))?,
            lo,
            hi,
            smallest_positive: counts.smallest_positive(),
        })
    }

    /// Could any cell of this column be flagged? Decided from min, max and
    /// the median alone, so that a clean national column (nearly all of
    /// them) costs one pass besides its quantiles.
    fn has_candidates(&self, ind: &Indicator) -> bool {
        if self.lo < 0.0 && non_negative(ind) {
            return true;
        }
        // Any cell strictly between 0 and 1, not only the smallest: a
        // village at 0 % must not hide a 0.782 beside it (the smallest
        // positive cell is below 1 exactly when some positive cell is).
        if is_percentage(ind) && (self.hi > 200.0 || self.smallest_positive.is_some_and(|p| p < 1.0)) {
            return true;
        }
        // The power-of-ten rule needs a positive cell at least three
        // decades from a positive median.
        let m = self.spread.middle;
        m > 0.0 && (self.hi >= m * 1e3 || self.smallest_positive.is_some_and(|p| p <= m / 1e3))
    }
}

/// A column as the flags read it: its present values in unit order, and
/// what is taken over all of them.
trait Judged {
    fn summary(&self) -> Option<Summary>;
    /// The number of present values, and of negative ones.
    fn counts(&self) -> (usize, usize);
    /// The median absolute deviation of log10 over the positive values.
    fn log_mad(&self) -> f64;
    /// The present cells that `flag` flags, in unit order: (unit, reason,
    /// suggestion).
    fn flagged(&self, flag: impl Fn(f64) -> Option<(Reason, f64)>) -> Vec<(usize, Reason, f64)>;
}

/// A column given as its units with a value and their values (`units[k]`
/// has `values[k]`).
struct Listed<'a> {
    units: &'a [u32],
    values: &'a [f64],
}

impl Judged for Listed<'_> {
    fn summary(&self) -> Option<Summary> {
        Summary::of(self.values)
    }

    fn counts(&self) -> (usize, usize) {
        (self.values.len(), self.values.iter().filter(|&&v| v < 0.0).count())
    }

    fn log_mad(&self) -> f64 {
        log_mad(self.values)
    }

    fn flagged(&self, flag: impl Fn(f64) -> Option<(Reason, f64)>) -> Vec<(usize, Reason, f64)> {
        let cells = self.units.iter().zip(self.values);
        cells
            .filter_map(|(&u, &x)| flag(x).map(|(reason, suggestion)| (u as usize, reason, suggestion)))
            .collect()
    }
}

/// A column of the table with its counts by value (see [`Counts`]): what is
/// taken over all values comes from the counters, and no copy of a
/// national column is made.
struct Counted<'a> {
    column: &'a RawValues,
    counts: Counts,
}

impl Judged for Counted<'_> {
    fn summary(&self) -> Option<Summary> {
        Summary::counted(&self.counts)
    }

    fn counts(&self) -> (usize, usize) {
        let negative = self
            .counts
            .values()
            .filter(|&(v, _)| v < 0.0)
            .map(|(_, c)| c as usize)
            .sum();
        (self.counts.len(), negative)
    }

    fn log_mad(&self) -> f64 {
        let mut logs: Vec<(f64, u32)> = self
            .counts
            .values()
            .filter(|&(v, _)| v > 0.0)
            .map(|(v, c)| (v.log10(), c))
            .collect();
        let Some(centre) = counted_median(&mut logs) else {
            return 0.0;
        };
        let mut deviations: Vec<(f64, u32)> = logs.iter().map(|&(l, c)| ((l - centre).abs(), c)).collect();
        counted_median(&mut deviations).unwrap_or(0.0)
    }

    /// A flag depends on the value alone: the cells are visited only when
    /// one of the column's distinct values is flagged.
    fn flagged(&self, flag: impl Fn(f64) -> Option<(Reason, f64)>) -> Vec<(usize, Reason, f64)> {
        let mut out = Vec::new();
        if self.counts.values().any(|(x, _)| flag(x).is_some()) {
            self.column.for_each_present(0, |u, x| {
                out.extend(flag(x).map(|(reason, suggestion)| (u, reason, suggestion)));
            });
        }
        out
    }
}

/// [`median`] of the values that `values` gives with their counts (each
/// value as many times as its count): the same number, from as many
/// entries as there are distinct values.
fn counted_median(values: &mut [(f64, u32)]) -> Option<f64> {
    values.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let n: usize = values.iter().map(|&(_, c)| c as usize).sum();
    let k = n.checked_sub(1)? / 2;
    let at = |rank: usize| {
        let mut below = 0usize;
        values.iter().find(|&&(_, c)| {
            below += c as usize;
            rank < below
        })
    };
    let upper_mid = at(k)?.0;
    if n % 2 == 1 {
        return Some(upper_mid);
    }
    let next = at((k + 1).min(n - 1))?.0;
    Some(upper_mid + 0.5 * (next - upper_mid))
}

/// The flagged cells of one column of the table: from its counts by value
/// when it has them (see [`Counts`]), else from a list of its values.
fn table_column_flags(ind: &Indicator, column: &RawValues) -> Vec<(usize, Reason, f64)> {
    if let Some(counts) = column.counts() {
        return judge_column(ind, &Counted { column, counts });
    }
    let (units, values) = column.present();
    column_flags(ind, &units, &values)
}

/// The flagged cells of one column, given as its units with a value and
/// their values (`units[k]` has `present[k]`): (unit, reason, suggestion).
fn column_flags(ind: &Indicator, units: &[u32], present: &[f64]) -> Vec<(usize, Reason, f64)> {
    judge_column(ind, &Listed { units, values: present })
}

/// The flagged cells of a column: (unit, reason, suggestion). The spread
/// of logs, which costs a logarithm per value, is taken only when a cell
/// could be a power-of-ten slip.
fn judge_column(ind: &Indicator, column: &impl Judged) -> Vec<(usize, Reason, f64)> {
    let Some(summary) = column.summary() else {
        return Vec::new();
    };
    if !summary.has_candidates(ind) {
        return Vec::new();
    }
    let spread = summary.spread;
    let percentage = is_percentage(ind);
    // A lone negative value among at least 3 others that are all ≥ 0.
    let lone_negative = non_negative(ind) && {
        let (present, negative) = column.counts();
        present > 3 && negative == 1
    };
    // Taken at the first power-of-ten candidate, if any.
    let mad = std::cell::OnceCell::new();
    column.flagged(|x| {
        if x < 0.0 {
            return lone_negative.then_some((Reason::Negative, -x));
        }
        if percentage && let Some(flag) = share_flag(ind, &spread, x) {
            return Some(flag);
        }
        let (factor, suggestion) = power_candidate(&spread, x)?;
        let mad = *mad.get_or_init(|| column.log_mad());
        ((x / spread.median).log10().abs() >= 3.0 + 3.0 * mad).then_some((Reason::PowerOfTen(factor), suggestion))
    })
}

/// Every flagged cell of `table`, unit by unit (reading order), indicator
/// by indicator within a unit.
pub fn flags(rubric: &Rubric, table: &Table) -> Vec<Flag> {
    use rayon::prelude::*;
    let mut out: Vec<Flag> = rubric
        .indicators
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, ind)| {
            let flagged = table.values.get(i).map(|c| table_column_flags(ind, c));
            flagged
                .unwrap_or_default()
                .into_iter()
                .filter_map(move |(unit, reason, suggestion)| {
                    Some(Flag {
                        unit,
                        indicator: i,
                        value: table.value(i, unit)?,
                        suggestion,
                        reason,
                    })
                })
        })
        .collect();
    out.sort_by_key(|f| (f.unit, f.indicator));
    out
}

/// One line per flagged cell (at most [`LISTED`], then a count).
pub fn messages(rubric: &Rubric, table: &Table, flags: &[Flag]) -> Vec<String> {
    let mut lines: Vec<String> = flags
        .iter()
        .take(LISTED)
        .map(|f| {
            let what = match f.reason {
                Reason::Fraction => "looks like a share written as a fraction of 1".to_string(),
                Reason::AboveHundred => "is a share far above 100 %".to_string(),
                Reason::PowerOfTen(factor) if factor > 1.0 => {
                    format!("looks {} times too small (a unit slip?)", lossless(factor))
                }
                Reason::PowerOfTen(factor) => {
                    format!("looks {} times too large (a unit slip?)", lossless(1.0 / factor))
                }
                Reason::Negative => {
                    "is the column's only negative value, below its goalposts (a stray minus sign?)".to_string()
                }
            };
            format!(
                "implausible value at {}: {} {what}; did you mean {}?",
                table.cell_location(rubric, f.unit, f.indicator),
                lossless(f.value),
                lossless(f.suggestion)
            )
        })
        .collect();
    if flags.len() > LISTED {
        lines.push(format!("… and {} more implausible value(s)", flags.len() - LISTED));
    }
    lines
}

/// Judges a table's cells (SPEC "Data as offices fill it in"): flagged
/// cells become the table's first warnings, or under `strict` an error that
/// lists them.
pub fn judge(rubric: &Rubric, table: &mut Table, strict: bool) -> crate::Result<()> {
    let flags = flags(rubric, table);
    let lines = messages(rubric, table, &flags);
    if strict && !flags.is_empty() {
        return Err(
            crate::Error::data(format!("{} implausible value(s), refused under --strict:", flags.len()))
                .notes(lines.iter().map(|line| format!("  {line}")))
                .help("correct the cells (or run without --strict to score them as they are, with warnings)"),
        );
    }
    table.notes.extend(lines);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The p-quantile of ascending `sorted` by linear interpolation (numpy's
    /// default): position h = (n − 1) p between the two nearest values.
    fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
        let last = sorted.len().checked_sub(1)?;
        let h = last as f64 * p;
        let lo = (h.floor() as usize).min(last);
        let hi = (lo + 1).min(last);
        let (a, b) = (*sorted.get(lo)?, *sorted.get(hi)?);
        Some(a + (h - lo as f64) * (b - a))
    }

    #[test]
    fn quantiles_interpolate_linearly() {
        // 1, 2, 3, 4: h = 3p; p = 0.25 → h = 0.75 → 1 + 0.75 = 1.75;
        // median h = 1.5 → 2.5; p = 0.05 → h = 0.15 → 1.15.
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.25), Some(1.75));
        assert_eq!(quantile(&v, 0.5), Some(2.5));
        assert!((quantile(&v, 0.05).unwrap() - 1.15).abs() < 1e-15);
        assert_eq!(quantile(&v, 1.0), Some(4.0));
        assert_eq!(quantile(&[], 0.5), None);
        // Order statistics agree with the sorted definition, in any order.
        let shuffled = [7.0, 1.0, 9.0, 3.0, 3.0, 8.0, 2.0, 5.0];
        let mut sorted = shuffled;
        sorted.sort_by(f64::total_cmp);
        let spread = Spread::of(&shuffled).unwrap();
        let expected = [0.05, 0.25, 0.5, 0.75].map(|p| quantile(&sorted, p).unwrap());
        assert_eq!([spread.p05, spread.q1, spread.median, spread.q3], expected);
        // By hand: h = 7p; p05 → 1 + 0.35 (2 − 1) = 1.35; q1 h = 1.75 → 2 + 0.75 = 2.75;
        // median h = 3.5 → 3 + 0.5 (5 − 3) = 4; q3 h = 5.25 → 7 + 0.25 = 7.25.
        assert!((spread.p05 - 1.35).abs() < 1e-15);
        assert_eq!([spread.q1, spread.median, spread.q3], [2.75, 4.0, 7.25]);
        assert!(Spread::of(&[]).is_none());
    }

    #[test]
    fn median_is_the_median() {
        for v in [
            vec![3.0],
            vec![4.0, 1.0],
            vec![5.0, 1.0, 3.0],
            vec![4.0, 1.0, 3.0, 10.0],
            vec![2.0; 6],
        ] {
            let mut b = v.clone();
            assert_eq!(median(&v), Some(crate::stats::median(&mut b)), "{v:?}");
        }
        assert_eq!(median(&[]), None);
    }

    /// Two indicators as a rubric declares them: a percentage with
    /// goalposts [0, 100] and an income in 元.
    fn indicators() -> (Indicator, Indicator) {
        let text = "[rubric]\nname = \"t\"\nid = \"id\"\n[[dimension]]\nid = \"d\"\n\
                    [[indicator]]\nid = \"rate\"\ndimension = \"d\"\nunit = \"%\"\ngoalposts = [0, 100]\n\
                    [[indicator]]\nid = \"income\"\ndimension = \"d\"\nunit = \"元\"\ngoalposts = [3000, 60000]\n";
        let rubric = Rubric::parse("t.toml", text, false).unwrap();
        (rubric.indicators[0].clone(), rubric.indicators[1].clone())
    }

    /// A bell-shaped draw from four uniforms in [0, 1) (Irwin-Hall, sd 1).
    fn bell(u: &[f64]) -> f64 {
        (u.iter().sum::<f64>() - 2.0) * 3f64.sqrt()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, failure_persistence: None, ..Default::default() })]
        /// Clean columns as offices send them — shares spread around a
        /// centre, clipped to their goalposts and typed to one decimal,
        /// incomes log-normal around a median in whole 元 — never raise a
        /// flag, at any size. Incomes reach 4 decades from their median
        /// (beyond the bare 3): the spread of logs must keep them quiet.
        /// (A share of 0.3 % in a column whose 5th percentile is 7 % is
        /// flagged, as the SPEC's rule says: it looks exactly like 30 %
        /// typed as 0.3; such tails are left out here.)
        #[test]
        fn clean_columns_raise_no_flag(
            n in 30usize..300,
            centre in 10.0f64..95.0,
            spread_share in 0.02f64..0.25,
            median in 3000.0f64..60000.0,
            decades in 0.05f64..1.2,
            draws in proptest::collection::vec(0.0f64..1.0, 2400),
            blank in proptest::collection::vec(proptest::bool::weighted(0.05), 300),
        ) {
            let (rate, income) = indicators();
            let column = |k: usize, f: &dyn Fn(f64) -> f64| -> Vec<Option<f64>> {
                (0..n).map(|u| (!blank[u]).then(|| f(bell(&draws[(u * 2 + k) * 4..(u * 2 + k) * 4 + 4])))).collect()
            };
            // As typed: shares to one decimal (78.2), incomes in whole 元.
            let spread = centre * spread_share;
            let shares = column(0, &|b| ((centre + spread * b).clamp(0.0, 100.0) * 10.0).round() / 10.0);
            let incomes = column(1, &|b| (median * 10f64.powf(decades * b)).round());
            let present = |column: &[Option<f64>]| -> (Vec<u32>, Vec<f64>) {
                column.iter().enumerate().filter_map(|(u, v)| Some((u as u32, (*v)?))).unzip()
            };
            let (units, values) = present(&shares);
            proptest::prop_assert_eq!(column_flags(&rate, &units, &values), vec![]);
            let (units, values) = present(&incomes);
            proptest::prop_assert_eq!(column_flags(&income, &units, &values), vec![]);
        }

        /// A column stored in 2 bytes a cell is summarized from its counts
        /// exactly as from its values (quantiles, extremes, the smallest
        /// positive cell), and flags the same cells, slips included.
        #[test]
        fn counted_columns_judge_like_their_values(
            cells in proptest::collection::vec(proptest::option::of(0i32..3_000), 1..400),
            base in -1_500i32..1_500,
            stretch in proptest::prop_oneof![proptest::strategy::Just(1i32), proptest::strategy::Just(20)],
            k in 0u8..4,
            slip in proptest::option::of((0usize..400, proptest::prop_oneof![proptest::strategy::Just(1_000i32), proptest::strategy::Just(-1)])),
        ) {
            let (rate, income) = indicators();
            let mut column = RawValues::default();
            for (u, cell) in cells.iter().enumerate() {
                let slipped = slip.filter(|&(at, _)| at == u).map_or(1, |(_, factor)| factor);
                match cell {
                    Some(m) => column.push_decimal((base + m * stretch) * slipped, k),
                    None => column.push_missing(),
                }
            }
            column.compact();
            let (units, values) = column.present();
            if let Some(counts) = column.counts() {
                match (Summary::counted(&counts), Summary::of(&values)) {
                    (Some(a), Some(b)) => {
                        let spread = |s: &Spread| [s.p05, s.q1, s.median, s.q3, s.middle].map(f64::to_bits);
                        proptest::prop_assert_eq!(spread(&a.spread), spread(&b.spread));
                        proptest::prop_assert_eq!((a.lo, a.hi, a.smallest_positive), (b.lo, b.hi, b.smallest_positive));
                    }
                    (a, b) => proptest::prop_assert!(a.is_none() && b.is_none()),
                }
            }
            if let Some(counts) = column.counts() {
                let counted = Counted { column: &column, counts };
                proptest::prop_assert_eq!(counted.log_mad().to_bits(), log_mad(&values).to_bits());
                proptest::prop_assert_eq!(counted.counts(), Listed { units: &units, values: &values }.counts());
            }
            for ind in [&rate, &income] {
                proptest::prop_assert_eq!(table_column_flags(ind, &column), column_flags(ind, &units, &values));
            }
        }
    }

    fn run(rate: &[f64], income: &[f64]) -> Vec<Flag> {
        let text = "[rubric]\nname = \"t\"\nid = \"id\"\n[[dimension]]\nid = \"d\"\n\
                    [[indicator]]\nid = \"rate\"\ndimension = \"d\"\nunit = \"%\"\ngoalposts = [0, 100]\n\
                    [[indicator]]\nid = \"income\"\ndimension = \"d\"\nunit = \"元\"\ngoalposts = [0, 30000]\n";
        let rubric = Rubric::parse("t.toml", text, false).unwrap();
        let mut csv = String::from("id,rate,income\n");
        for (k, (r, i)) in rate.iter().zip(income).enumerate() {
            csv.push_str(&format!("u{k},{r},{i}\n"));
        }
        let table = crate::input::from_bytes(
            &[("t.csv".into(), csv.into_bytes())],
            &rubric,
            &crate::input::ReadOptions::default(),
        )
        .unwrap();
        flags(&rubric, &table)
    }

    #[test]
    fn slips_are_flagged_with_their_suggestion() {
        // rate sorted: 0.782, 60, 65, …, 95 (n = 9, h = 8p): P5 at h = 0.4 is
        // 0.782 + 0.4 × 59.218 = 24.469, a twentieth 1.223 > 0.782; Q1 (h = 2)
        // 65, Q3 (h = 6) 85 hold 78.2: a fraction. income sorted: 1.8, 12000,
        // …, 26000: median 18000; |log10 − log10 18000| has median 0.109
        // (that of 14000), so the bar is 3.33, and 1.8 is 4.0 decades off;
        // × 1000 = 1800 is below Q1 = 14000, × 10000 = 18000 is within.
        let rate = [60.0, 65.0, 70.0, 0.782, 75.0, 80.0, 85.0, 90.0, 95.0];
        let income = [
            12000.0, 14000.0, 16000.0, 18000.0, 1.8, 20000.0, 22000.0, 24000.0, 26000.0,
        ];
        let f = run(&rate, &income);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!((f[0].unit, f[0].indicator, f[0].reason), (3, 0, Reason::Fraction));
        assert!((f[0].suggestion - 78.2).abs() < 1e-12);
        assert_eq!(
            (f[1].unit, f[1].indicator, f[1].reason),
            (4, 1, Reason::PowerOfTen(1e4))
        );
        assert_eq!(f[1].suggestion, 18000.0);
    }

    #[test]
    fn a_village_at_zero_does_not_hide_a_fraction() {
        // 41 villages: one at 0 %, 0.782, and 60, 61, …, 98. Sorted, P5 is at
        // h = 40 × 0.05 = 2: 60, a twentieth 3 > 0.782; Q1 (h = 10) 68 and
        // Q3 (h = 30) 88 hold 78.2: a fraction, although the column's
        // smallest value (0) is not between 0 and 1. The 0 is not flagged.
        let mut rate = vec![0.0, 0.782];
        let mut income = vec![12000.0, 12100.0];
        for k in 0..39 {
            rate.push(60.0 + k as f64);
            income.push(12200.0 + 100.0 * k as f64);
        }
        let f = run(&rate, &income);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].unit, f[0].indicator, f[0].reason), (1, 0, Reason::Fraction));
        assert!((f[0].suggestion - 78.2).abs() < 1e-12);
    }

    #[test]
    fn a_lone_negative_value_under_non_negative_goalposts() {
        // −72 among 60…80 (goalposts [0, 100]): a stray minus, 72 meant.
        let rate = [60.0, 65.0, -72.0, 75.0, 80.0];
        let income = [12000.0, 14000.0, 16000.0, 18000.0, 20000.0];
        let f = run(&rate, &income);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].unit, f[0].reason, f[0].suggestion), (2, Reason::Negative, 72.0));
        // Two negative values: a column that really goes below 0 (a growth rate).
        let rate = [60.0, -3.0, -72.0, 75.0, 80.0];
        assert_eq!(run(&rate, &income), []);
    }

    #[test]
    fn a_share_far_above_a_hundred() {
        // 782 > 200 under goalposts [0, 100]: 78.2; 105 (a rate over a
        // registered population) is real and not flagged.
        let rate = [60.0, 65.0, 70.0, 782.0, 75.0, 105.0];
        let income = [12000.0, 14000.0, 16000.0, 18000.0, 20000.0, 22000.0];
        let f = run(&rate, &income);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].reason, Reason::AboveHundred);
        assert!((f[0].suggestion - 78.2).abs() < 1e-12);
    }

    /// Every flagged cell is listed up to 20, then counted: 25 shares typed
    /// as 782 (> 200 under goalposts [0, 100]) among 35 of 60…94 give 20
    /// lines and "… and 5 more".
    #[test]
    fn twenty_flags_are_listed_then_counted() {
        let text = "[rubric]\nname = \"t\"\nid = \"id\"\n[[dimension]]\nid = \"d\"\n\
                    [[indicator]]\nid = \"rate\"\ndimension = \"d\"\nunit = \"%\"\ngoalposts = [0, 100]\n";
        let rubric = Rubric::parse("t.toml", text, false).unwrap();
        let mut csv = String::from("id,rate\n");
        for k in 0..60 {
            let rate = if k < 25 { 782.0 } else { 35.0 + k as f64 };
            csv.push_str(&format!("u{k},{rate}\n"));
        }
        let table = crate::input::from_bytes(
            &[("t.csv".into(), csv.into_bytes())],
            &rubric,
            &crate::input::ReadOptions::default(),
        )
        .unwrap();
        let f = flags(&rubric, &table);
        assert_eq!(f.len(), 25);
        let lines = messages(&rubric, &table, &f);
        assert_eq!(lines.len(), 21);
        assert_eq!(
            lines[0],
            "implausible value at t.csv:2:2 (column `rate`, unit `u0`): 782 is a share far above 100 %; did you mean 78.2?"
        );
        assert_eq!(lines[20], "… and 5 more implausible value(s)");
    }

    #[test]
    fn long_tails_are_not_slips() {
        // 41 villages: cooperative coverage 0.4 % and 5, 7, …, 83 %: P5 (h = 2)
        // is 7, a twentieth 0.35 < 0.4, so 0.4 is a real small share.
        // Collective income 0.2 beside 2..82: 1.9 decades from the median.
        let mut rate = vec![0.4];
        let mut income = vec![0.2];
        for k in 0..40 {
            rate.push(5.0 + 2.0 * k as f64);
            income.push(2.0 + 2.0 * k as f64);
        }
        assert_eq!(run(&rate, &income), []);
    }
}
