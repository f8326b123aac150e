//! The spatial statistics as people read them (`table` and `markdown`):
//! per period a heading, the global figures, a sentence on what they say,
//! and the counts of units per LISA cluster with the first names of the hot
//! and cold spots. The per-unit rows are CSV's and the workbook's.

use crate::lang::{Lang, Words};
use crate::output::blocks::Block;
use crate::output::{Cell, Column, Kind, Layout, Sheet};
use crate::spatial::{Cluster, GlobalMoran, Period, Quadrant};
use crate::util::rounded;

/// The significance level of the sentence.
const ALPHA: f64 = 0.05;
/// How many units of a hot or cold spot are named.
const NAMED: usize = 5;

/// A unit's name by period and index in its table.
pub type Name<'v> = Box<dyn Fn(usize, usize) -> String + 'v>;

/// What the people's text is made from.
pub struct People<'v> {
    pub periods: &'v [Period],
    pub lang: Lang,
    /// The first line.
    pub heading: String,
    /// What is tested, as sentences name it ("the score", a dimension's name).
    pub of: &'v str,
    /// A unit's name (label, else id), by period and index in its table.
    pub name: Name<'v>,
}

impl People<'_> {
    /// The terminal text: the heading, then each period's blocks.
    pub fn text(&self, layout: Layout) -> String {
        crate::output::blocks::text(&self.heading, &self.blocks(), layout)
    }

    /// The markdown: the heading, then each period's section.
    pub fn markdown(&self) -> String {
        crate::output::blocks::markdown(&self.heading, self.blocks())
    }

    fn blocks(&self) -> Vec<Block> {
        let lang = self.lang;
        let mut out = Vec::new();
        for (p, period) in self.periods.iter().enumerate() {
            out.push(Block::Heading(
                lang.pick(format!("period {}", period.label), format!("时期 {}", period.label)),
            ));
            let Some(global) = &period.moran.global else {
                out.push(Block::Line(self.without_statistics(period)));
                continue;
            };
            out.push(Block::Sheet(figures(global, lang)));
            out.push(Block::Line(self.sentence(global)));
            out.push(Block::Sheet(self.clusters(p, period)));
        }
        out
    }

    /// Why a period has no statistics.
    fn without_statistics(&self, period: &Period) -> String {
        let n = period.units.len();
        let first = period.units.first().map(|&(_, v)| v);
        let equal = period.units.iter().all(|&(_, v)| Some(v) == first);
        match (equal, self.lang) {
            (true, Lang::En) => format!("the {n} unit(s) all have the same value: no Moran statistics"),
            (true, Lang::Zh) => format!("{n} 个单位取值全部相同：无莫兰统计量"),
            (false, Lang::En) => format!("none of the {n} unit(s) has a neighbour: no Moran statistics"),
            (false, Lang::Zh) => format!("{n} 个单位都没有邻居：无莫兰统计量"),
        }
    }

    /// What the global figures say: Moran's I, its p (by permutations when
    /// there are, else under normality) and the direction when significant.
    fn sentence(&self, g: &GlobalMoran) -> String {
        let (lang, of) = (self.lang, self.of);
        let p = g.p_sim.or(g.p_norm);
        let i = rounded(g.i, 2);
        let Some(p) = p else {
            return lang.pick(
                format!("Moran's I = {i} (not tested: no permutations, no normal variance)"),
                format!("Moran's I = {i}（未检验：无置换，正态方差不为正）"),
            );
        };
        let p_text = if p < 0.001 {
            "p < 0.001".to_string()
        } else {
            format!("p = {}", rounded(p, 3))
        };
        let said = match (p <= ALPHA, g.i > g.expected, lang) {
            (true, true, Lang::En) => format!(
                "neighbouring units have significantly similar values of {of} (positive spatial autocorrelation)"
            ),
            (true, true, Lang::Zh) => format!("相邻单位的{of}显著相似（空间正相关）"),
            (true, false, Lang::En) => format!(
                "neighbouring units have significantly dissimilar values of {of} (negative spatial autocorrelation)"
            ),
            (true, false, Lang::Zh) => format!("相邻单位的{of}显著相异（空间负相关）"),
            (false, _, Lang::En) => {
                format!("no significant spatial autocorrelation of {of}: neighbours are neither more alike nor less")
            }
            (false, _, Lang::Zh) => format!("{of}无显著空间自相关：相邻单位既不显著相似也不显著相异"),
        };
        lang.pick(
            format!("Moran's I = {i} ({p_text}): {said}"),
            format!("Moran's I = {i}（{p_text}）：{said}"),
        )
    }

    /// The counts of units per cluster, and the first names of the hot and
    /// cold spots.
    fn clusters(&self, p: usize, period: &Period) -> Sheet {
        let lang = self.lang;
        let of = |wanted: Option<Cluster>, island: bool| -> Vec<usize> {
            period
                .moran
                .units
                .iter()
                .zip(&period.units)
                .filter(|(m, _)| m.local_i.is_none() == island && (island || m.cluster == wanted))
                .map(|(_, &(index, _))| index)
                .collect()
        };
        let significant = |q| Some(Cluster::Significant(q));
        let kinds: [(Words, Vec<usize>, bool); 7] = [
            (
                Words::new("HH high-high (hot spots)", "HH 高高（热点）"),
                of(significant(Quadrant::HH), false),
                true,
            ),
            (
                Words::new("LL low-low (cold spots)", "LL 低低（冷点）"),
                of(significant(Quadrant::LL), false),
                true,
            ),
            (
                Words::new("HL high among low", "HL 高低"),
                of(significant(Quadrant::HL), false),
                false,
            ),
            (
                Words::new("LH low among high", "LH 低高"),
                of(significant(Quadrant::LH), false),
                false,
            ),
            (
                Words::new("ns not significant", "ns 不显著"),
                of(Some(Cluster::NotSignificant), false),
                false,
            ),
            (
                Words::new("not tested (no permutations)", "未检验（无置换）"),
                of(None, false),
                false,
            ),
            (
                Words::new("islands (no neighbours)", "孤立单位（无邻居）"),
                of(None, true),
                false,
            ),
        ];
        let named = kinds.iter().any(|(_, units, named)| *named && !units.is_empty());
        let rows = kinds
            .iter()
            .enumerate()
            // The last two only when they hold units.
            .filter(|(k, (_, units, _))| *k < 5 || !units.is_empty())
            .map(|(_, (title, units, name))| {
                let mut cells = vec![Cell::Text(title.get(lang).to_string()), Cell::Int(units.len())];
                if named {
                    cells.push(if *name { self.names(p, units) } else { Cell::Empty });
                }
                cells
            })
            .collect();
        let mut columns = vec![
            column(Words::new("cluster", "聚类"), Kind::Text),
            column(Words::new("units", "单位数"), Kind::Int),
        ];
        if named {
            columns.push(column(Words::new("units named", "包括"), Kind::Text));
        }
        Sheet { lang, columns, rows }
    }

    /// The first few of `units` by name, and how many more.
    fn names(&self, p: usize, units: &[usize]) -> Cell {
        let mut names: Vec<String> = units.iter().take(NAMED).map(|&u| (self.name)(p, u)).collect();
        let more = units.len().saturating_sub(NAMED);
        if more > 0 {
            names.push(
                self.lang
                    .pick(format!("and {more} more"), format!("等 {} 个", units.len())),
            );
        }
        let joined = match self.lang {
            Lang::En => names.join(", "),
            Lang::Zh => {
                let more = if more > 0 { names.pop() } else { None };
                names.join("、") + more.as_deref().unwrap_or("")
            }
        };
        Cell::Text(joined)
    }
}

/// The global figures: figure, value.
fn figures(g: &GlobalMoran, lang: Lang) -> Sheet {
    let number = |x: Option<f64>, decimals: usize| x.map_or(Cell::Empty, |x| Cell::Text(rounded(x, decimals)));
    let mut rows = vec![
        (Words::new("units n", "单位数 n"), Cell::Int(g.n)),
        (Words::new("Moran's I", "莫兰指数 I"), number(Some(g.i), 4)),
        (Words::new("E[I]", "期望 E[I]"), number(Some(g.expected), 4)),
        (
            Words::new("Var[I] (normality)", "方差 Var[I]（正态假设）"),
            number(Some(g.variance_norm), 6),
        ),
        (Words::new("z (normality)", "z 值（正态假设）"), number(g.z_norm, 3)),
        (
            Words::new("p (normality, two-sided)", "p 值（正态假设，双侧）"),
            number(g.p_norm, 4),
        ),
    ];
    if g.permutations > 0 {
        let r = g.permutations;
        rows.push((
            Words {
                en: format!("p ({r} permutations)"),
                zh: format!("p 值（{r} 次置换）"),
            },
            number(g.p_sim, 4),
        ));
    }
    Sheet {
        lang,
        columns: vec![
            column(Words::new("figure", "指标"), Kind::Text),
            column(Words::new("value", "数值"), Kind::Raw),
        ],
        rows: rows
            .into_iter()
            .map(|(title, value)| vec![Cell::Text(title.get(lang).to_string()), value])
            .collect(),
    }
}

/// A column of the people's tables (`Raw` right-aligns numbers already
/// formatted).
fn column(title: Words, kind: Kind) -> Column {
    Column::new(title.en.clone(), title, kind)
}
