//! One data cell (SPEC "Data"): missing-value tokens, numbers as Chinese
//! spreadsheets write them, and [`RawValues`], the compact store of one
//! indicator's raw values.

use super::narrow::{Cells, Counts, NA, Narrow, Offset, Offsets, mantissa_of, offsets};

/// A cell that is neither a number nor a missing-value token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// Parses one data cell: `Ok(None)` for a missing-value token, `Ok(Some(x))`
/// for a finite number, `Err(NotANumber)` for anything else.
///
/// Accepted beyond plain numbers, as Chinese spreadsheets write them:
/// surrounding (also full-width) spaces, full-width digits and signs,
/// thousands separators between groups of three digits, and a trailing `%`
/// (which is ignored: the rubric's `unit` says what the number means).
pub fn parse_cell(cell: &str, na: &[&str]) -> std::result::Result<Option<f64>, NotANumber> {
    let trimmed = cell.trim();
    if na.contains(&trimmed) {
        return Ok(None);
    }
    let mut s = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        s.push(match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).ok_or(NotANumber)?,
            '．' => '.',
            '－' | '−' => '-',
            '＋' => '+',
            '，' => ',',
            '％' => '%',
            'Ｅ' | 'ｅ' => 'e',
            _ => c,
        });
    }
    let s = s.trim();
    let s = s.strip_suffix('%').map_or(s, str::trim_end);
    let plain = if s.contains(',') {
        strip_thousands(s).ok_or(NotANumber)?
    } else {
        s.to_string()
    };
    // Rust's parser also takes "inf", "NaN" and "infinity": only digits, a
    // sign, a point and an exponent are numbers here.
    if plain.is_empty()
        || !plain
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return Err(NotANumber);
    }
    match plain.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(NotANumber),
    }
}

/// "1,234,567.5" → "1234567.5"; `None` unless the commas sit between groups
/// of three digits in the integer part (so "1,5" is not silently 15).
fn strip_thousands(s: &str) -> Option<String> {
    let (sign, rest) = match s.strip_prefix(['-', '+']) {
        Some(r) => (&s[..1], r),
        None => ("", s),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let (head, tail) = groups.split_first()?;
    let valid = !head.is_empty()
        && head.len() <= 3
        && head.chars().all(|c| c.is_ascii_digit())
        && tail
            .iter()
            .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
    if !valid || frac.is_some_and(|f| f.contains(',')) {
        return None;
    }
    let mut out = format!("{sign}{}", groups.concat());
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// Powers of ten that are exact in f64 (10^0 … 10^22).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// A plain decimal (`-12.345`, `+7`, `.5`, `5.`) whose digits fit an i32:
/// `(mantissa, decimals)` with value mantissa / 10^decimals. This is the
/// fast path for the cells of a large file; anything else (full-width
/// digits, separators, `%`, exponents, long numbers, `-0`) returns `None`
/// and goes through [`parse_cell`].
///
/// Exact: mantissa and 10^decimals are exact in f64, and IEEE division is
/// correctly rounded, so the value is the same f64 `str::parse` gives.
#[inline(always)]
pub fn parse_plain_decimal(bytes: &[u8]) -> Option<(i32, u8)> {
    let (negative, digits) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        b'+' => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let (mantissa, decimals) = match eight_bytes(digits) {
        Some(word) => plain_word(word, digits.len())?,
        None => plain_digits(digits)?,
    };
    if negative && mantissa == 0 {
        return None;
    }
    let signed = if negative { -mantissa } else { mantissa };
    Some((i32::try_from(signed).ok()?, decimals))
}

/// The bytes of a field of 4 to 8 bytes as one little-endian word (the
/// first byte lowest), zero above its length; `None` for other lengths.
/// Two overlapping 4-byte loads, so no byte past the field is read.
#[inline]
fn eight_bytes(field: &[u8]) -> Option<u64> {
    let n = field.len();
    let first: [u8; 4] = field.get(..4)?.try_into().ok()?;
    let last: [u8; 4] = field.get(n.checked_sub(4)?..)?.try_into().ok()?;
    if n > 8 {
        return None;
    }
    Some(u64::from(u32::from_le_bytes(first)) | (u64::from(u32::from_le_bytes(last)) << (8 * (n - 4))))
}

/// [`plain_digits`] of the `n` (4 to 8) bytes in `word`, without a branch
/// per byte: a national file's cells are mostly such short decimals, and
/// the loop's branches on where the point and the end fall were its
/// reader's largest cost. Same answers as the loop (a property test).
#[inline]
fn plain_word(word: u64, n: usize) -> Option<(i64, u8)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let high_nibbles = 0xF0 * ONES;
    let length_mask = if n >= 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
    // Bytes past the field read as the digit 0.
    let mut w = word | (!length_mask & (b'0' as u64 * ONES));
    // The first '.' (the lowest zero byte of w ^ '.'s is found exactly).
    let t = w ^ (b'.' as u64 * ONES);
    let zero = t.wrapping_sub(ONES) & !t & (0x80 * ONES);
    let point = (zero != 0).then(|| (zero.trailing_zeros() / 8) as usize);
    if let Some(p) = point {
        w ^= u64::from(b'.' ^ b'0') << (8 * p);
    }
    // Every byte a digit now (a second point, a sign or a letter is not).
    let digits_only = (w & high_nibbles) | ((w.wrapping_add(6 * ONES) & high_nibbles) >> 4);
    if digits_only != 0x33 * ONES {
        return None;
    }
    let mut v = w - b'0' as u64 * ONES;
    let count = match point {
        Some(p) => {
            // The digits after the point move down over it.
            let below = (1u64 << (8 * p)) - 1;
            v = (v & below) | ((v >> 8) & !below);
            n - 1
        }
        None => n,
    };
    // Right-aligned, the missing leading digits are zeros.
    v <<= 8 * (8 - count);
    // Pairs, then fours, then the eight digits (most significant first).
    v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let pairs = 0x0000_00FF_0000_00FF;
    v = ((v & pairs)
        .wrapping_mul(100 + (1_000_000 << 32))
        .wrapping_add(((v >> 16) & pairs).wrapping_mul(1 + (10_000 << 32))))
        >> 32;
    let decimals = point.map_or(0, |p| n - 1 - p);
    Some((v as i64, decimals as u8))
}

/// The digits of [`parse_plain_decimal`] (sign taken off) one byte at a
/// time: `(mantissa, decimals)`, the mantissa at most `i32::MAX`.
fn plain_digits(digits: &[u8]) -> Option<(i64, u8)> {
    let mut mantissa: i64 = 0;
    let mut decimals: u8 = 0;
    let mut seen_point = false;
    let mut seen_digit = false;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + i64::from(b - b'0');
                if mantissa > i64::from(i32::MAX) {
                    return None;
                }
                seen_digit = true;
                if seen_point {
                    decimals += 1;
                    if usize::from(decimals) >= POW10.len() {
                        return None;
                    }
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => return None,
        }
    }
    seen_digit.then_some((mantissa, decimals))
}

/// Marks a missing cell in [`Scales::Each`].
const MISSING: u8 = u8::MAX;
/// Marks a cell whose value is in [`RawValues::wide`] (the mantissa is its index).
const WIDE: u8 = u8::MAX - 1;

/// One indicator's raw values, compactly: a cell is an i32 mantissa over a
/// power of ten, which holds every decimal of up to nine digits exactly.
/// While the column's decimals fit one power of ten (the usual case: 12.5
/// is kept as 1250 over 10² beside 3.25) the power is stored once, so a
/// million villages × forty indicators take 160 MB instead of 640 as
/// `Option<f64>`; otherwise each cell has its own, and values that are not
/// short decimals sit in a side list of f64. Rescaling is exact: m·10^j /
/// 10^(k+j) and m / 10^k are the same rational, and IEEE division rounds it
/// to the same double.
///
/// Once read, a column of one power of ten is [`RawValues::compact`]ed to
/// its mantissas' offsets from the smallest, in 2 bytes a cell when they
/// span fewer than 65,535 steps, in 3 when fewer than 16,777,215 (a share
/// to three decimals, 0.000 to 100.000, spans 100,000): the same values in
/// half or three quarters of the memory.
#[derive(Debug, Clone)]
pub struct RawValues {
    /// The mantissas, unless the column is [`Narrow`].
    mantissa: Vec<i32>,
    narrow: Option<Narrow>,
    scales: Scales,
    wide: Vec<f64>,
}

/// Equal when they hold the same cells (however each is stored).
impl PartialEq for RawValues {
    fn eq(&self, other: &RawValues) -> bool {
        self.len() == other.len() && (0..self.len()).all(|u| self.stored(u) == other.stored(u))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Scales {
    /// Every cell is `mantissa / 10^k`, or missing (mantissa [`NA`]).
    Common(u8),
    /// Each cell's own power of ten, or [`MISSING`] or [`WIDE`].
    Each(Vec<u8>),
}

/// One cell as stored.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stored {
    Missing,
    Decimal(i32, u8),
    Wide(f64),
}

impl Default for RawValues {
    fn default() -> RawValues {
        RawValues::with_capacity(0)
    }
}

/// `m · 10^by` if it fits in an i32 (and is not the missing marker).
fn rescale(m: i32, by: u8) -> Option<i32> {
    let factor = *POW10_I32.get(usize::from(by))?;
    m.checked_mul(factor).filter(|&v| v != NA)
}

/// Powers of ten that fit in an i32 (10^9 < 2^31).
const POW10_I32: [i32; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

impl RawValues {
    pub fn with_capacity(n: usize) -> RawValues {
        RawValues {
            mantissa: Vec::with_capacity(n),
            narrow: None,
            scales: Scales::Common(0),
            wide: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.narrow.as_ref().map_or(self.mantissa.len(), |n| n.cells().len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stores the column in 2 or 3 bytes a cell when it can (see
    /// [`Narrow`]): one power of ten, and present mantissas within 65,534
    /// or 16,777,214 of each other.
    pub fn compact(&mut self) {
        if self.narrow.is_some() || !matches!(self.scales, Scales::Common(_)) {
            return;
        }
        // One pass for the largest, the smallest and the missing cells. NA
        // is i32::MIN: it never raises the largest, and counts as i32::MAX
        // for the smallest. A column of missing cells only ends with base > top.
        let (mut top, mut base, mut missing) = (i32::MIN, i32::MAX, 0usize);
        for &m in &self.mantissa {
            top = top.max(m);
            base = base.min(if m == NA { i32::MAX } else { m });
            missing += usize::from(m == NA);
        }
        let top = if self.mantissa.is_empty() { 0 } else { top };
        let base = if base > top { 0 } else { base };
        let span = (i64::from(top) - i64::from(base)).max(0);
        let offsets = if span < i64::from(<u16 as Offset>::MISSING) {
            Offsets::Two(offsets(&self.mantissa, base))
        } else if span < i64::from(<[u8; 3] as Offset>::MISSING) {
            Offsets::Three(offsets(&self.mantissa, base))
        } else {
            return;
        };
        self.mantissa = Vec::new();
        self.narrow = Some(Narrow {
            base,
            span: span as u32,
            offsets,
            missing,
        });
    }

    /// Back to 4 bytes a cell, before a change (compacting is for columns
    /// that are read, not grown).
    #[inline]
    fn widen(&mut self) {
        if self.narrow.is_some() {
            self.widen_now();
        }
    }

    #[cold]
    #[inline(never)]
    fn widen_now(&mut self) {
        if let Some((cells, _)) = self.narrow.as_ref().and(self.common()) {
            let mut mantissa = Vec::with_capacity(cells.len());
            cells.for_each(0, cells.len(), |_, m| mantissa.push(m.unwrap_or(NA)));
            self.mantissa = mantissa;
            self.narrow = None;
        }
    }

    pub fn push_missing(&mut self) {
        self.widen();
        match &mut self.scales {
            Scales::Common(_) => self.mantissa.push(NA),
            Scales::Each(scale) => {
                self.mantissa.push(0);
                scale.push(MISSING);
            }
        }
    }

    /// Appends a cell of `mantissa` × 10^−`decimals`.
    #[inline]
    pub fn push_decimal(&mut self, mantissa: i32, decimals: u8) {
        // The common case in one path: a column over one power of ten at
        // least as fine as the cell's. Cells typed to 2 and 3 decimals mix
        // in one column, and a branch on which they are is mispredicted.
        if self.narrow.is_none()
            && let Scales::Common(k) = self.scales
            && let Some(&factor) = POW10_I32.get(usize::from(k.wrapping_sub(decimals)))
            && let Some(m) = mantissa.checked_mul(factor)
            && m != NA
        {
            self.mantissa.push(m);
            return;
        }
        self.push_decimal_rescaling(mantissa, decimals);
    }

    /// [`RawValues::push_decimal`] in every case: the column rescaled to
    /// the cell's finer power of ten, or split into a power per cell.
    #[cold]
    fn push_decimal_rescaling(&mut self, mantissa: i32, decimals: u8) {
        self.widen();
        if self.scales == Scales::Common(decimals) && mantissa != NA {
            self.mantissa.push(mantissa);
            return;
        }
        if let Scales::Common(k) = self.scales {
            if decimals > k && self.rescale_all(decimals) {
                self.mantissa.push(mantissa);
                return;
            }
            if let Some(m) = k.checked_sub(decimals).and_then(|by| rescale(mantissa, by)) {
                self.mantissa.push(m);
                return;
            }
            self.split_scales();
        }
        if let Scales::Each(scale) = &mut self.scales {
            self.mantissa.push(mantissa);
            scale.push(decimals);
        }
    }

    pub fn push(&mut self, value: Option<f64>) {
        let Some(x) = value else {
            self.push_missing();
            return;
        };
        self.widen();
        // More than 2^31 irregular cells cannot happen in memory; keep the
        // cell rather than panic.
        let Ok(index) = i32::try_from(self.wide.len()) else {
            self.push_missing();
            return;
        };
        self.split_scales();
        if let Scales::Each(scale) = &mut self.scales {
            self.mantissa.push(index);
            scale.push(WIDE);
            self.wide.push(x);
        }
    }

    /// Puts every cell over 10^`k` (> the common power); false, changing
    /// nothing, when a mantissa would not fit.
    fn rescale_all(&mut self, k: u8) -> bool {
        self.widen();
        let Scales::Common(old) = self.scales else { return false };
        let by = k - old;
        let fits = |m: i32| m == NA || rescale(m, by).is_some();
        if usize::from(k) >= POW10.len() || !self.mantissa.iter().all(|&m| fits(m)) {
            return false;
        }
        for m in &mut self.mantissa {
            if *m != NA {
                *m = rescale(*m, by).unwrap_or(NA);
            }
        }
        self.scales = Scales::Common(k);
        true
    }

    /// Switches to a power of ten per cell.
    fn split_scales(&mut self) {
        self.widen();
        if let Scales::Common(k) = self.scales {
            let scale = self
                .mantissa
                .iter()
                .map(|&m| if m == NA { MISSING } else { k })
                .collect();
            self.scales = Scales::Each(scale);
        }
    }

    #[inline]
    fn stored(&self, u: usize) -> Option<Stored> {
        if let (Some(Narrow { base, offsets, .. }), Scales::Common(k)) = (&self.narrow, &self.scales) {
            let m = match offsets {
                Offsets::Two(o) => mantissa_of(*base, *o.get(u)?),
                Offsets::Three(o) => mantissa_of(*base, *o.get(u)?),
            };
            return Some(m.map_or(Stored::Missing, |m| Stored::Decimal(m, *k)));
        }
        let m = *self.mantissa.get(u)?;
        Some(match &self.scales {
            Scales::Common(_) if m == NA => Stored::Missing,
            Scales::Common(k) => Stored::Decimal(m, *k),
            Scales::Each(scale) => match *scale.get(u)? {
                MISSING => Stored::Missing,
                WIDE => Stored::Wide(*self.wide.get(usize::try_from(m).ok()?)?),
                k => Stored::Decimal(m, k),
            },
        })
    }

    /// When every cell is a mantissa over one power of ten (the usual
    /// case): the mantissas and the power, by which a cell's value is
    /// `f64::from(m) / power`, the bits of [`RawValues::get`].
    pub fn common(&self) -> Option<(Cells<'_>, f64)> {
        let Scales::Common(k) = &self.scales else { return None };
        let cells = self.narrow.as_ref().map_or(Cells::Full(&self.mantissa), Narrow::cells);
        Some((cells, POW10[usize::from(*k).min(POW10.len() - 1)]))
    }

    /// The present cells counted by value, when the column is stored in 2
    /// bytes a cell (see [`Counts`]).
    pub fn counts(&self) -> Option<Counts> {
        self.common().and_then(|(cells, power)| cells.counts(power))
    }

    /// Calls `f(unit, value)` for each unit from `from` on that has a
    /// value, in unit order: one pass over the column (the values of
    /// [`RawValues::get`], without its decoding per cell).
    pub fn for_each_present(&self, from: usize, mut f: impl FnMut(usize, f64)) {
        match &self.scales {
            Scales::Common(_) => {
                if let Some((cells, power)) = self.common() {
                    cells.for_each(from, self.len().saturating_sub(from), |k, m| {
                        if let Some(m) = m {
                            f(from + k, f64::from(m) / power);
                        }
                    });
                }
            }
            Scales::Each(_) => {
                for u in from..self.len() {
                    if let Some(x) = self.get(u) {
                        f(u, x);
                    }
                }
            }
        }
    }

    /// The units with a value and their values, in unit order.
    pub fn present(&self) -> (Vec<u32>, Vec<f64>) {
        let (mut units, mut values) = (Vec::with_capacity(self.len()), Vec::with_capacity(self.len()));
        self.for_each_present(0, |u, x| {
            units.push(u as u32);
            values.push(x);
        });
        (units, values)
    }

    /// The value of unit `u`, `None` when missing (or out of range).
    #[inline]
    pub fn get(&self, u: usize) -> Option<f64> {
        match self.stored(u)? {
            Stored::Missing => None,
            Stored::Decimal(m, k) => Some(f64::from(m) / POW10[usize::from(k).min(POW10.len() - 1)]),
            Stored::Wide(x) => Some(x),
        }
    }

    #[inline]
    pub fn is_missing(&self, u: usize) -> bool {
        matches!(self.stored(u), None | Some(Stored::Missing))
    }

    pub fn missing_count(&self) -> usize {
        if let Some(narrow) = &self.narrow {
            return narrow.missing;
        }
        match &self.scales {
            Scales::Common(_) => self.common().map_or(0, |(cells, _)| cells.missing()),
            Scales::Each(scale) => scale.iter().filter(|&&k| k == MISSING).count(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        (0..self.len()).map(|u| self.get(u))
    }

    /// Appends another column's cells after this one's.
    /// Room for `additional` more cells, if it can be had.
    pub fn reserve(&mut self, additional: usize) {
        if self.narrow.is_none() {
            let _ = self.mantissa.try_reserve(additional);
        }
    }

    pub fn append(&mut self, other: &RawValues) {
        self.widen();
        if let (Scales::Common(a), Scales::Common(b), None) = (&self.scales, &other.scales, &other.narrow) {
            let (a, b) = (*a, *b);
            if b <= a || self.rescale_all(b) {
                let k = a.max(b);
                let by = k - b;
                // The usual case, parts over the same power: a copy.
                if by == 0 {
                    self.mantissa.extend_from_slice(&other.mantissa);
                    return;
                }
                let moved = |m: i32| if m == NA { Some(NA) } else { rescale(m, by) };
                if other.mantissa.iter().all(|&m| moved(m).is_some()) {
                    self.mantissa
                        .extend(other.mantissa.iter().map(|&m| moved(m).unwrap_or(NA)));
                    return;
                }
            }
        }
        self.mantissa.reserve(other.len());
        for u in 0..other.len() {
            match other.stored(u) {
                Some(Stored::Decimal(m, k)) => self.push_decimal(m, k),
                Some(Stored::Wide(x)) => self.push(Some(x)),
                Some(Stored::Missing) | None => self.push_missing(),
            }
        }
    }
}

impl FromIterator<Option<f64>> for RawValues {
    fn from_iter<I: IntoIterator<Item = Option<f64>>>(iter: I) -> RawValues {
        let mut c = RawValues::default();
        for v in iter {
            c.push(v);
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_are_exact() {
        for s in [
            "12.5",
            "0.1",
            "-3",
            "+7",
            ".5",
            "5.",
            "123456789",
            "-0.000001",
            "99.99",
            "1.123456789",
        ] {
            let (m, k) = parse_plain_decimal(s.as_bytes()).unwrap();
            let want: f64 = s.parse().unwrap();
            let mut c = RawValues::default();
            c.push_decimal(m, k);
            assert_eq!(c.get(0), Some(want), "{s}");
        }
        for s in [
            "",
            "-",
            ".",
            "1e3",
            "1,234",
            "12%",
            "-0",
            "12345678901",
            "1.2.3",
            " 1",
            "NaN",
        ] {
            assert_eq!(parse_plain_decimal(s.as_bytes()), None, "{s}");
        }
    }

    /// `parse_plain_decimal` as SPEC's plain decimal reads, byte by byte
    /// with `str::parse` deciding the digits (the reference for the
    /// word-at-a-time path).
    fn plain_reference(s: &str) -> Option<(i32, u8)> {
        let body = s.strip_prefix(['-', '+']).unwrap_or(s);
        let points = body.bytes().filter(|&b| b == b'.').count();
        if points > 1 || !body.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return None;
        }
        let digits: String = body.chars().filter(char::is_ascii_digit).collect();
        let decimals = body.find('.').map_or(0, |p| body.len() - p - 1);
        let mantissa: i32 = digits.parse().ok()?;
        if s.starts_with('-') && mantissa == 0 {
            return None;
        }
        Some((if s.starts_with('-') { -mantissa } else { mantissa }, decimals as u8))
    }

    proptest::proptest! {
        #[test]
        fn short_decimals_parse_as_the_reference_reads_them(
            s in "[-+]?[0-9]{0,6}[.]?[0-9]{0,6}|[-+.0-9a ,]{0,10}",
        ) {
            proptest::prop_assert_eq!(parse_plain_decimal(s.as_bytes()), plain_reference(&s), "{}", s);
        }
    }

    #[test]
    fn every_short_shape_parses_as_the_reference_reads_it() {
        // Every field of up to 6 bytes over digits, point, sign and letter.
        let alphabet = [b'0', b'7', b'9', b'.', b'-', b'/', b':', b'a'];
        for n in 0..=6u32 {
            for code in 0..8usize.pow(n) {
                let s: String = (0..n).map(|k| char::from(alphabet[(code >> (3 * k)) & 7])).collect();
                assert_eq!(parse_plain_decimal(s.as_bytes()), plain_reference(&s), "{s}");
            }
        }
        for s in [
            "99999999", "12345678", "1234567.", ".1234567", "0000.000", "-9999999", "+1234567",
        ] {
            assert_eq!(parse_plain_decimal(s.as_bytes()), plain_reference(s), "{s}");
        }
    }

    #[test]
    fn column_round_trips_every_kind_of_cell() {
        let mut a = RawValues::default();
        a.push_decimal(125, 1);
        a.push(None);
        a.push(Some(1e300));
        let mut b = RawValues::default();
        b.push(Some(-2.5e-300));
        b.push_decimal(-7, 0);
        a.append(&b);
        let got: Vec<Option<f64>> = a.iter().collect();
        assert_eq!(got, vec![Some(12.5), None, Some(1e300), Some(-2.5e-300), Some(-7.0)]);
        assert_eq!(a.missing_count(), 1);
        assert!(a.is_missing(1) && !a.is_missing(0));
        assert_eq!(a.get(99), None);
    }

    #[test]
    fn mixed_decimals_share_one_power_of_ten_until_one_does_not_fit() {
        let mut c = RawValues::default();
        c.push_decimal(125, 1); // 12.5
        c.push_missing();
        c.push_decimal(3_250, 3); // 3.250: every cell rescaled to 10³
        c.push_decimal(7, 0);
        assert_eq!(c.scales, Scales::Common(3));
        c.push_decimal(2_000_000_000, 0); // × 10³ does not fit: one power per cell
        assert!(matches!(c.scales, Scales::Each(_)));
        let got: Vec<Option<f64>> = c.iter().collect();
        assert_eq!(got, vec![Some(12.5), None, Some(3.25), Some(7.0), Some(2e9)]);
        assert_eq!(c.missing_count(), 1);
    }

    fn arbitrary_cell() -> impl proptest::strategy::Strategy<Value = Option<(i32, u8)>> {
        use proptest::prelude::*;
        prop_oneof![
            1 => Just(None),
            8 => (any::<i32>(), 0u8..12).prop_map(Some),
            8 => (-100_000i32..100_000, 0u8..4).prop_map(Some),
        ]
    }

    proptest::proptest! {
        #[test]
        fn columns_keep_every_decimal_exactly(
            a in proptest::collection::vec(arbitrary_cell(), 0..40),
            b in proptest::collection::vec(arbitrary_cell(), 0..40),
            wide in proptest::option::of(0usize..40),
        ) {
            let fill = |cells: &[Option<(i32, u8)>], wide: Option<usize>| {
                let mut c = RawValues::default();
                for (u, cell) in cells.iter().enumerate() {
                    match cell {
                        _ if Some(u) == wide => c.push(Some(1e300)),
                        Some((m, k)) => c.push_decimal(*m, *k),
                        None => c.push_missing(),
                    }
                }
                c
            };
            let mut joined = fill(&a, wide);
            joined.append(&fill(&b, None));
            let want = |cell: &Option<(i32, u8)>| cell.map(|(m, k)| format!("{m}e-{k}").parse::<f64>().unwrap());
            let mut expected: Vec<Option<f64>> = a.iter().map(want).collect();
            if let Some(w) = wide.filter(|&w| w < a.len()) {
                expected[w] = Some(1e300);
            }
            expected.extend(b.iter().map(want));
            let got: Vec<Option<f64>> = joined.iter().collect();
            proptest::prop_assert_eq!(got, expected.clone());
            proptest::prop_assert_eq!(joined.missing_count(), expected.iter().filter(|v| v.is_none()).count());
            // The bulk read of the present cells gives the same values.
            let (units, values) = joined.present();
            let present: Vec<(u32, f64)> = expected.iter().enumerate().filter_map(|(u, v)| Some((u as u32, (*v)?))).collect();
            proptest::prop_assert_eq!(units.into_iter().zip(values).collect::<Vec<_>>(), present);
        }

        /// Compacting keeps every cell, whatever the span of the mantissas
        /// (2 bytes, 3 bytes, or left at 4), for every way of reading; and a
        /// compacted column still grows correctly.
        #[test]
        fn compacted_columns_read_the_same(
            cells in proptest::collection::vec(proptest::option::of(0i32..1_000), 0..60),
            base in proptest::prop_oneof![proptest::strategy::Just(0i32), proptest::strategy::Just(-2_000_000_000i32), -50_000i32..50_000],
            stretch in proptest::prop_oneof![proptest::strategy::Just(1i32), proptest::strategy::Just(66), proptest::strategy::Just(17_000), proptest::strategy::Just(2_000_000)],
            k in 0u8..5,
            more in proptest::option::of(-1_000i32..1_000),
        ) {
            use proptest::prelude::*;
            let mut plain = RawValues::default();
            for cell in &cells {
                match cell {
                    Some(m) => plain.push_decimal(base.saturating_add(m.saturating_mul(stretch)), k),
                    None => plain.push_missing(),
                }
            }
            let mut compact = plain.clone();
            compact.compact();
            let all = |c: &RawValues| c.iter().collect::<Vec<_>>();
            prop_assert_eq!(all(&compact), all(&plain));
            prop_assert_eq!(compact.len(), plain.len());
            prop_assert_eq!(compact.missing_count(), plain.missing_count());
            prop_assert_eq!(compact.present(), plain.present());
            prop_assert!(compact == plain);
            let (Some((a, pa)), Some((b, pb))) = (compact.common(), plain.common()) else {
                return Err(TestCaseError::fail("one power of ten"));
            };
            prop_assert_eq!(pa, pb);
            prop_assert_eq!(a.range(), b.range());
            let counted = |c: &RawValues| c.counts().map(|c| (c.len(), c.values().collect::<Vec<_>>()));
            prop_assert_eq!(counted(&compact), counted(&plain));
            let mantissas = |c: Cells<'_>| {
                let mut out = Vec::new();
                c.for_each(3, 20, |k, m| out.push((k, m)));
                out
            };
            prop_assert_eq!(mantissas(a), mantissas(b));
            if let Some(m) = more {
                compact.push_decimal(m, k + 1);
                plain.push_decimal(m, k + 1);
                prop_assert_eq!(all(&compact), all(&plain));
            }
        }
    }

    #[test]
    fn columns_compact_to_the_narrowest_that_holds_them() {
        let width = |span: i32| {
            let mut c = RawValues::default();
            c.push_decimal(-7, 3);
            c.push_missing();
            c.push_decimal(-7 + span, 3);
            c.compact();
            match c.common().map(|(cells, _)| cells) {
                Some(Cells::Two { .. }) => 2,
                Some(Cells::Three { .. }) => 3,
                _ => 4,
            }
        };
        // The all-ones offset marks a missing cell, so a span must stay below it.
        assert_eq!(width(0), 2);
        assert_eq!(width(65_534), 2);
        assert_eq!(width(65_535), 3);
        assert_eq!(width(16_777_214), 3);
        assert_eq!(width(16_777_215), 4);
    }

    fn na() -> Vec<&'static str> {
        crate::rubric::DEFAULT_NA.to_vec()
    }

    #[test]
    fn plain_and_messy_numbers() {
        let na = na();
        let p = |s: &str| parse_cell(s, &na);
        assert_eq!(p("12.5"), Ok(Some(12.5)));
        assert_eq!(p("  12.5 "), Ok(Some(12.5)));
        assert_eq!(p("\u{3000}７８．５\u{3000}"), Ok(Some(78.5)));
        assert_eq!(p("1,234.5"), Ok(Some(1234.5)));
        assert_eq!(p("1,234,567"), Ok(Some(1234567.0)));
        assert_eq!(p("－1，234"), Ok(Some(-1234.0)));
        assert_eq!(p("85%"), Ok(Some(85.0)));
        assert_eq!(p("85 ％"), Ok(Some(85.0)));
        assert_eq!(p("-3"), Ok(Some(-3.0)));
        assert_eq!(p("1e3"), Ok(Some(1000.0)));
        assert_eq!(p(".5"), Ok(Some(0.5)));
    }

    #[test]
    fn missing_tokens() {
        let na = na();
        for s in ["", "  ", "NA", "N/A", "n/a", "/", "-", "—", "…", " / "] {
            assert_eq!(parse_cell(s, &na), Ok(None), "{s:?}");
        }
        // Not in the list: an error, not a silent missing value.
        assert_eq!(parse_cell("na", &na), Err(NotANumber));
    }

    #[test]
    fn not_numbers() {
        let na = na();
        for s in [
            "NaN", "nan", "inf", "-inf", "infinity", "abc", "1,5", "12,34", "1.2.3", "%", "1e999", "12元", "0x10",
            "1,234,5",
        ] {
            assert_eq!(parse_cell(s, &na), Err(NotANumber), "{s:?}");
        }
    }
}
