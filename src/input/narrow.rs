//! A read column's mantissas in 2 or 3 bytes a cell (see
//! [`super::RawValues::compact`]), and [`Cells`], the one way the bulk
//! readers see a column's mantissas however they are stored.

/// The mantissa of a missing cell in a column over one power of ten (the
/// store's `Scales::Common`), before it is compacted.
pub(super) const NA: i32 = i32::MIN;

/// A compacted column's mantissas: `base + offset`, or missing.
#[derive(Debug, Clone)]
pub(super) struct Narrow {
    pub(super) base: i32,
    /// The largest offset of a present cell (0 when none is).
    pub(super) span: u32,
    pub(super) offsets: Offsets,
    /// How many cells are missing (counted once, when compacted).
    pub(super) missing: usize,
}

impl Narrow {
    /// The column's mantissas as the bulk readers see them.
    pub(super) fn cells(&self) -> Cells<'_> {
        match &self.offsets {
            Offsets::Two(offsets) => Cells::Two {
                base: self.base,
                span: self.span,
                offsets,
            },
            Offsets::Three(offsets) => Cells::Three {
                base: self.base,
                span: self.span,
                offsets,
            },
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum Offsets {
    Two(Vec<u16>),
    Three(Vec<[u8; 3]>),
}

/// An offset from a [`Narrow`] column's base, in 2 or 3 bytes; all ones
/// marks a missing cell.
pub(super) trait Offset: Copy {
    const MISSING: u32;
    fn value(self) -> u32;
    /// `v` below [`Offset::MISSING`], or missing.
    fn of(v: u32) -> Self;
}

impl Offset for u16 {
    const MISSING: u32 = 0xFFFF;
    fn value(self) -> u32 {
        u32::from(self)
    }
    fn of(v: u32) -> u16 {
        v.min(Self::MISSING) as u16
    }
}

impl Offset for [u8; 3] {
    const MISSING: u32 = 0xFF_FFFF;
    fn value(self) -> u32 {
        let [a, b, c] = self;
        u32::from_le_bytes([a, b, c, 0])
    }
    fn of(v: u32) -> [u8; 3] {
        let [a, b, c, _] = v.min(Self::MISSING).to_le_bytes();
        [a, b, c]
    }
}

/// The mantissa of an offset, or `None` when missing.
#[inline]
pub(super) fn mantissa_of<T: Offset>(base: i32, o: T) -> Option<i32> {
    let o = o.value();
    // Below 2^24, and base + o is a mantissa that was read: no overflow.
    (o != T::MISSING).then(|| base.wrapping_add(o as i32))
}

/// `f(k, mantissa)` for `offsets[from..end]`.
#[inline]
fn each_offset<T: Offset>(base: i32, offsets: &[T], from: usize, end: usize, f: &mut impl FnMut(usize, Option<i32>)) {
    for (k, &o) in offsets.get(from..end).unwrap_or_default().iter().enumerate() {
        f(k, mantissa_of(base, o));
    }
}

/// The offsets of `mantissas` from `base` (all within `T`'s span).
pub(super) fn offsets<T: Offset>(mantissas: &[i32], base: i32) -> Vec<T> {
    // Every present m lies in base..=base + span < base + T::MISSING, so
    // the wrapping difference is the offset.
    let offset = |m: i32| {
        T::of(if m == NA {
            T::MISSING
        } else {
            m.wrapping_sub(base) as u32
        })
    };
    mantissas.iter().map(|&m| offset(m)).collect()
}

/// A column's mantissas as stored, for the paths that read a whole column
/// over one power of ten (see [`RawValues::common`]).
#[derive(Debug, Clone, Copy)]
pub enum Cells<'a> {
    Full(&'a [i32]),
    /// `span`: the largest offset of a present cell.
    Two {
        base: i32,
        span: u32,
        offsets: &'a [u16],
    },
    Three {
        base: i32,
        span: u32,
        offsets: &'a [[u8; 3]],
    },
}

impl Cells<'_> {
    pub fn len(&self) -> usize {
        match self {
            Cells::Full(m) => m.len(),
            Cells::Two { offsets, .. } => offsets.len(),
            Cells::Three { offsets, .. } => offsets.len(),
        }
    }

    /// Counts the missing cells.
    pub(super) fn missing(&self) -> usize {
        let mut count = 0;
        self.for_each(0, self.len(), |_, m| count += usize::from(m.is_none()));
        count
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f(k, mantissa)` for the cells `from..from + len` (clipped to
    /// the column), k counting from 0, `None` for a missing cell: one loop
    /// per way of storing.
    #[inline]
    pub fn for_each(&self, from: usize, len: usize, mut f: impl FnMut(usize, Option<i32>)) {
        let end = from.saturating_add(len).min(self.len());
        match self {
            Cells::Full(m) => {
                for (k, &m) in m.get(from..end).unwrap_or_default().iter().enumerate() {
                    f(k, (m != NA).then_some(m));
                }
            }
            Cells::Two { base, offsets, .. } => each_offset(*base, offsets, from, end, &mut f),
            Cells::Three { base, offsets, .. } => each_offset(*base, offsets, from, end, &mut f),
        }
    }

    /// The smallest and largest mantissa of a present cell.
    pub fn range(&self) -> Option<(i32, i32)> {
        let mut range: Option<(i32, i32)> = None;
        self.for_each(0, self.len(), |_, m| {
            if let Some(m) = m {
                range = Some(range.map_or((m, m), |(lo, hi)| (lo.min(m), hi.max(m))));
            }
        });
        range
    }
}

/// A column's present cells counted by mantissa, one counter for each
/// mantissa from the smallest to the largest: order statistics and
/// extremes in a pass over the counters, with no copy of the column. The
/// values are those of [`super::RawValues::get`]:
/// `f64::from(mantissa) / power`, increasing with the mantissa.
pub struct Counts {
    base: i32,
    power: f64,
    counts: Vec<u32>,
    present: usize,
}

impl Cells<'_> {
    /// The counts of the column over `power`; `None` when it has no
    /// present cell, or when its mantissas span more values than the
    /// column has cells (or 65,536), so that the counters never outgrow
    /// the column.
    pub fn counts(&self, power: f64) -> Option<Counts> {
        // A compacted column knows its span: no pass to find it.
        let (lo, span) = match self {
            Cells::Full(_) => {
                let (lo, hi) = self.range()?;
                (lo, usize::try_from(i64::from(hi) - i64::from(lo)).ok()?)
            }
            Cells::Two { base, span, .. } | Cells::Three { base, span, .. } => (*base, *span as usize),
        };
        if span >= self.len().max(1 << 16) {
            return None;
        }
        let mut counts = vec![0u32; span + 1];
        let mut present = 0usize;
        self.for_each(0, self.len(), |_, m| {
            // lo ≤ m ≤ lo + span: the difference is within the counters.
            if let Some(c) = m.and_then(|m| counts.get_mut(m.wrapping_sub(lo) as u32 as usize)) {
                *c += 1;
                present += 1;
            }
        });
        (present > 0).then_some(Counts {
            base: lo,
            power,
            counts,
            present,
        })
    }
}

impl Counts {
    /// The number of present cells.
    pub fn len(&self) -> usize {
        self.present
    }

    pub fn is_empty(&self) -> bool {
        self.present == 0
    }

    fn value(&self, offset: usize) -> f64 {
        f64::from(self.base.wrapping_add(offset as i32)) / self.power
    }

    /// The offsets with a present cell, ascending.
    fn occupied(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        self.counts.iter().enumerate().filter(|&(_, &c)| c > 0).map(|(o, _)| o)
    }

    /// The smallest mantissa: a mantissa's counter is at `mantissa - base`.
    pub fn base(&self) -> i32 {
        self.base
    }

    /// How many counters (mantissas from the smallest to the largest).
    pub fn slots(&self) -> usize {
        self.counts.len()
    }

    /// Each counter with a present cell, and its value, ascending.
    pub fn occupied_values(&self) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.occupied().map(|o| (o, self.value(o)))
    }

    /// Each present value's offset (see [`Counts::occupied_values`]) with its count.
    pub fn occupied_counts(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.occupied().map(|o| (o, self.counts.get(o).copied().unwrap_or(0)))
    }

    /// Each present value with its count, ascending.
    pub fn values(&self) -> impl Iterator<Item = (f64, u32)> + '_ {
        self.occupied_values()
            .map(|(o, v)| (v, self.counts.get(o).copied().unwrap_or(0)))
    }

    /// The smallest and largest present value.
    pub fn min_max(&self) -> Option<(f64, f64)> {
        Some((
            self.value(self.occupied().next()?),
            self.value(self.occupied().next_back()?),
        ))
    }

    /// The smallest present value above 0.
    pub fn smallest_positive(&self) -> Option<f64> {
        self.occupied_values().map(|(_, v)| v).find(|&v| v > 0.0)
    }

    /// The values of ascending rank `ranks` (0-based) among the present
    /// cells, in the order asked; `None` when a rank is not below the count.
    pub fn order_statistics(&self, ranks: &[usize]) -> Option<Vec<f64>> {
        if ranks.iter().any(|&r| r >= self.present) {
            return None;
        }
        let mut wanted: Vec<(usize, usize)> = ranks.iter().copied().enumerate().map(|(slot, r)| (r, slot)).collect();
        wanted.sort_unstable();
        let mut out = vec![0.0; ranks.len()];
        let mut next = wanted.iter().peekable();
        // Cells of the offsets passed so far.
        let mut below = 0usize;
        for (offset, &count) in self.counts.iter().enumerate() {
            below += count as usize;
            while let Some(&&(rank, slot)) = next.peek() {
                if rank >= below {
                    break;
                }
                if let Some(place) = out.get_mut(slot) {
                    *place = self.value(offset);
                }
                next.next();
            }
        }
        Some(out)
    }
}
