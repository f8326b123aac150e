//! Totals rows (SPEC "Data as offices fill it in": 合计, 总计, 平均,
//! Total…): not units, so left out of the
//! table with a warning — by name before any other check of the row, and by
//! values when a row is the sum or the mean of the others.

use super::cell::RawValues;
use super::table::Table;
use rayon::prelude::*;

/// Names of a totals row (compared lower-case, without spaces).
const NAMES: [&str; 17] = [
    "合计",
    "总计",
    "小计",
    "累计",
    "平均",
    "平均值",
    "均值",
    "全县",
    "全镇",
    "全乡",
    "全市",
    "全区",
    "total",
    "sum",
    "subtotal",
    "average",
    "mean",
];

/// Beginnings of a totals row's name (合计（不含…）, 小计：城关镇).
const PREFIXES: [&str; 3] = ["合计", "总计", "小计"];

/// The characters of a name as compared: no spaces (also full-width ones),
/// full-width Latin letters as half-width, lower-case.
fn compact(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(|c| !c.is_whitespace()).map(|c| {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        c.to_ascii_lowercase()
    })
}

/// Whether an id or label names a totals row (see SPEC "Totals rows").
pub fn is_totals_name(text: &str) -> bool {
    // Almost every id fails on its first character.
    let Some(first) = compact(text).next() else {
        return false;
    };
    if !matches!(
        first,
        '合' | '总' | '小' | '累' | '平' | '均' | '全' | 't' | 's' | 'a' | 'm'
    ) {
        return false;
    }
    NAMES.iter().any(|name| compact(text).eq(name.chars()))
        || PREFIXES.iter().any(|p| {
            let mut chars = compact(text);
            p.chars().all(|c| chars.next() == Some(c))
        })
}

/// Whether the bytes of an ASCII field cannot be a totals name: the cheap
/// test a million ids take.
pub fn surely_not_totals(field: &[u8]) -> bool {
    let trimmed = field.trim_ascii_start();
    match trimmed.first() {
        None => true,
        Some(b) if b.is_ascii() => !matches!(b.to_ascii_lowercase(), b't' | b's' | b'a' | b'm'),
        Some(_) => false,
    }
}

/// Relative tolerance of "equals the sum or the mean of the other rows".
const TOLERANCE: f64 = 0.005;
/// At least this many other rows, and this many indicators, for a row to
/// be judged a totals row by its values.
const AT_LEAST: usize = 3;

/// One indicator's column over a file's rows.
#[derive(Clone, Copy)]
struct ColumnSum {
    sum: f64,
    count: usize,
    min: f64,
    max: f64,
}

impl ColumnSum {
    /// Units `from..` of `column`. Over one power of ten, the mantissas
    /// are summed as integers: exactly, and without a division and a
    /// chain of float additions per cell.
    fn of(column: &RawValues, from: usize) -> ColumnSum {
        let mut s = ColumnSum {
            sum: 0.0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        };
        if let Some((cells, power)) = column.common() {
            let (mut sum, mut lo, mut hi) = (0i128, i32::MAX, i32::MIN);
            cells.for_each(from, cells.len().saturating_sub(from), |_, m| {
                if let Some(m) = m {
                    sum += i128::from(m);
                    s.count += 1;
                    lo = lo.min(m);
                    hi = hi.max(m);
                }
            });
            if s.count > 0 {
                s.sum = sum as f64 / power;
                (s.min, s.max) = (f64::from(lo) / power, f64::from(hi) / power);
            }
            return s;
        }
        column.for_each_present(from, |_, x| {
            s.sum += x;
            s.count += 1;
            s.min = s.min.min(x);
            s.max = s.max.max(x);
        });
        s
    }
}

fn close(x: f64, target: f64) -> bool {
    (x - target).abs() <= TOLERANCE * target.abs()
}

/// The units `from..` of `table` (one file's rows) whose every present
/// indicator value equals the sum of the other rows' values in its column
/// (within 0.5 %), or their mean, with at least 3
/// other rows, and at least 3 such values in columns whose values are not
/// all the same (a constant column's mean says nothing).
pub fn by_values(table: &Table, from: usize) -> Vec<usize> {
    let n = table.len().saturating_sub(from);
    if n < AT_LEAST + 1 || table.values.len() < AT_LEAST {
        return Vec::new();
    }
    let sums: Vec<ColumnSum> = table
        .values
        .par_iter()
        .map(|column| ColumnSum::of(column, from))
        .collect();
    // A row of sums or of means can stand anywhere (a yearbook puts 总计 on
    // top, a sheet 平均 at the bottom; SPEC "Totals rows" names no place).
    // No real unit equals the sum of all the others in every column, and
    // none sits within 0.5 % of the mean of three informative columns but
    // by design; most rows fail at their first value.
    let last = table.len() - 1;
    let found: Vec<usize> = (from..table.len())
        .filter(|&u| looks_like_totals(table, u, &sums, true, None))
        .collect();
    if !found.is_empty() || n < AT_LEAST + 2 {
        return found;
    }
    // A row of sums with a row of means (or a second row of sums) at the
    // bottom, neither named: each counts the other among "the other rows",
    // so neither matches alone. Judged again as a pair, each leaving the
    // other out.
    (from..last)
        .find(|&u| {
            looks_like_totals(table, u, &sums, false, Some(last))
                && looks_like_totals(table, last, &sums, true, Some(u))
        })
        .map(|u| vec![u, last])
        .unwrap_or_default()
}

/// Whether unit `u`'s every present value is its column's sum of the other
/// rows (or, with `means`, their mean), the row `besides` (another totals
/// row) left out of the others too.
fn looks_like_totals(table: &Table, u: usize, sums: &[ColumnSum], means: bool, besides: Option<usize>) -> bool {
    let mut informative = 0;
    for (i, s) in sums.iter().enumerate() {
        let Some(x) = table.value(i, u) else { continue };
        let (mut rest, mut others) = (s.sum - x, s.count - 1);
        if let Some(y) = besides.and_then(|b| table.value(i, b)) {
            rest -= y;
            others = others.saturating_sub(1);
        }
        if others < AT_LEAST {
            return false;
        }
        let matches = close(x, rest) || (means && close(x, rest / others as f64));
        if !matches {
            return false;
        }
        if s.min < s.max {
            informative += 1;
        }
    }
    informative >= AT_LEAST
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_names_in_any_case_spacing_and_width() {
        for name in [
            "合计",
            " 合 计 ",
            "总计",
            "小计",
            "累计",
            "平均",
            "平均值",
            "均值",
            "全县",
            "全镇",
            "全乡",
            "全市",
            "全区",
            "Total",
            "TOTAL",
            "sum",
            "Sub Total",
            "average",
            "MEAN",
            "ＴＯＴＡＬ",
            "合计（不含城关镇）",
            "小计：城关镇",
            "总计\n",
        ] {
            assert!(is_totals_name(name), "{name:?}");
        }
        for name in [
            "",
            "V530121001",
            "老营村",
            "全胜村",
            "平安村",
            "Summit",
            "totals",
            "meanwhile",
            "城关镇合计",
            "均衡村",
            "累计村",
        ] {
            assert!(!is_totals_name(name), "{name:?}");
        }
    }

    #[test]
    fn the_cheap_test_lets_every_totals_name_through() {
        for name in ["Total", " sum", "Average", "mean", "合计"] {
            assert!(!surely_not_totals(name.as_bytes()), "{name}");
        }
        assert!(surely_not_totals(b"V530121001"));
        assert!(surely_not_totals(b"  "));
    }
}
