//! The report's spatial section (`report --neighbours SOURCE`, issue 19,
//! SPEC "Spatial"): global Moran's I of the reported scores, the count of
//! units per LISA cluster, a sentence naming the hot and cold spots, and
//! with `--map` a second map coloured by cluster.

use super::{Page, esc, figure, svg};
use crate::spatial::{Cluster, LocalMoran, Quadrant};
use crate::util::rounded;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Cluster colours: hot spots red, cold spots blue, outliers pale, not
/// significant light grey (islands and units off the statistics take the
/// map's no-data grey).
const CLUSTERS: [(&str, &str, &str, &str); 5] = [
    ("HH", "high–high (hot spot)", "高高集聚（热点）", "#d7191c"),
    ("LL", "low–low (cold spot)", "低低集聚（冷点）", "#2c7bb6"),
    ("HL", "high among low", "高低（孤立高值）", "#fdae61"),
    ("LH", "low among high", "低高（孤立低值）", "#abd9e9"),
    ("ns", "not significant", "不显著", "#eeeeee"),
];

/// How many names a sentence lists.
const NAMED: usize = 5;

/// The key of a unit's cluster: "HH", …, "ns"; `None` for an island.
fn cluster_key(local: &LocalMoran) -> Option<&'static str> {
    match local.cluster? {
        Cluster::Significant(q) => Some(match q {
            Quadrant::HH => "HH",
            Quadrant::LL => "LL",
            Quadrant::HL => "HL",
            Quadrant::LH => "LH",
        }),
        Cluster::NotSignificant => Some("ns"),
    }
}

impl Page<'_> {
    /// Each data unit's local statistic, by its index in the scored table.
    fn locals(&self) -> HashMap<usize, &LocalMoran> {
        let Some(period) = &self.options.spatial else {
            return HashMap::new();
        };
        period
            .units
            .iter()
            .zip(&period.moran.units)
            .map(|(&(u, _), local)| (u, local))
            .collect()
    }

    /// Moran's I, the clusters and who the hot and cold spots are.
    pub(super) fn spatial(&self, out: &mut String) {
        let Some(period) = &self.options.spatial else { return };
        self.section_open(
            out,
            "spatial",
            self.t("Neighbours: spatial autocorrelation", "空间关联"),
        );
        let Some(global) = &period.moran.global else {
            let _ = writeln!(
                out,
                "<p>{}</p>\n</section>",
                self.t(
                    "Every unit has the same score: there is no spatial statistic.",
                    "各单位得分相同，无空间统计量。"
                )
            );
            return;
        };
        let p = global.p_sim.or(global.p_norm);
        let p_text = p.map_or("—".to_string(), |p| rounded(p, 3));
        let significant = p.is_some_and(|p| p <= 0.05);
        let lead = match (self.lang.is_chinese(), significant, global.i > global.expected) {
            (true, true, true) => format!(
                "Moran's I = {}（p = {p_text}）：相邻单位得分显著相似，存在空间正相关（集聚）。",
                rounded(global.i, 4)
            ),
            (true, true, false) => format!(
                "Moran's I = {}（p = {p_text}）：相邻单位得分显著相异（空间负相关）。",
                rounded(global.i, 4)
            ),
            (true, false, _) => format!(
                "Moran's I = {}（p = {p_text}）：在 5% 水平上未见空间自相关。",
                rounded(global.i, 4)
            ),
            (false, true, true) => format!(
                "Moran's I = {} (p = {p_text}): neighbouring units score alike (positive spatial autocorrelation).",
                rounded(global.i, 4)
            ),
            (false, true, false) => format!(
                "Moran's I = {} (p = {p_text}): neighbouring units score unlike (negative spatial autocorrelation).",
                rounded(global.i, 4)
            ),
            (false, false, _) => format!(
                "Moran's I = {} (p = {p_text}): no spatial autocorrelation at 5 %.",
                rounded(global.i, 4)
            ),
        };
        let _ = writeln!(out, "<p class=\"lead\">{}</p>", esc(&lead));
        let locals = self.locals();
        let named = |key: &str| -> Vec<String> {
            let mut units: Vec<usize> = locals
                .iter()
                .filter(|(_, l)| cluster_key(l) == Some(key))
                .map(|(&u, _)| u)
                .collect();
            units.sort_by(|&a, &b| self.s.rank(a).cmp(&self.s.rank(b)).then(a.cmp(&b)));
            units.iter().map(|&u| self.name(u)).collect()
        };
        let (hot, cold) = (named("HH"), named("LL"));
        let list = |names: &[String]| {
            let shown: Vec<&str> = names.iter().take(NAMED).map(String::as_str).collect();
            let more = names.len().saturating_sub(NAMED);
            let sep = self.t(", ", "、");
            let tail = match (more, self.lang.is_chinese()) {
                (0, _) => String::new(),
                (_, true) => " 等".to_string(),
                (more, false) => format!(" and {more} more"),
            };
            format!("{}{tail}", shown.join(sep))
        };
        let spots = match (self.lang.is_chinese(), hot.is_empty(), cold.is_empty()) {
            (_, true, true) => self
                .t("No significant hot or cold spot.", "未发现显著的热点或冷点。")
                .to_string(),
            (true, _, _) => format!(
                "热点（高高集聚）{} 个{}；冷点（低低集聚）{} 个{}。",
                hot.len(),
                if hot.is_empty() {
                    String::new()
                } else {
                    format!("：{}", list(&hot))
                },
                cold.len(),
                if cold.is_empty() {
                    String::new()
                } else {
                    format!("：{}", list(&cold))
                }
            ),
            (false, _, _) => format!(
                "Hot spots (high–high): {}{}. Cold spots (low–low): {}{}.",
                hot.len(),
                if hot.is_empty() {
                    String::new()
                } else {
                    format!(": {}", list(&hot))
                },
                cold.len(),
                if cold.is_empty() {
                    String::new()
                } else {
                    format!(": {}", list(&cold))
                }
            ),
        };
        let _ = writeln!(out, "<p>{}</p>", esc(&spots));
        self.cluster_table(out, &locals, global);
        self.cluster_map(out, &locals);
        out.push_str("</section>\n");
    }

    /// The global figures and the count of units per cluster.
    fn cluster_table(&self, out: &mut String, locals: &HashMap<usize, &LocalMoran>, g: &crate::spatial::GlobalMoran) {
        let figure = |v: Option<f64>| v.map_or("—".to_string(), |v| rounded(v, 4));
        let _ = writeln!(
            out,
            "<table class=\"data\" id=\"moran-table\">\n<tbody>\n<tr><td>Moran's I</td><td class=\"num\">{}</td></tr>\n<tr><td>E[I]</td><td class=\"num\">{}</td></tr>\n<tr><td>z</td><td class=\"num\">{}</td></tr>\n<tr><td>p ({})</td><td class=\"num\">{}</td></tr>\n<tr><td>p ({} {})</td><td class=\"num\">{}</td></tr>\n<tr><td>n</td><td class=\"num\">{}</td></tr>\n</tbody>\n</table>",
            rounded(g.i, 4),
            rounded(g.expected, 4),
            figure(g.z_norm),
            self.t("normal", "正态近似"),
            figure(g.p_norm),
            g.permutations,
            self.t("permutations", "次置换"),
            figure(g.p_sim),
            g.n
        );
        let _ = write!(
            out,
            "<table class=\"data\" id=\"cluster-table\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th></tr></thead>\n<tbody>\n",
            self.t("LISA cluster", "LISA 集聚类型"),
            self.t("units", "单位数")
        );
        for (key, en, zh, _) in CLUSTERS {
            let count = locals.values().filter(|l| cluster_key(l) == Some(key)).count();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{count}</td></tr>",
                esc(self.t(en, zh))
            );
        }
        let islands = locals.values().filter(|l| l.cluster.is_none()).count();
        if islands > 0 {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"num\">{islands}</td></tr>",
                self.t("islands (no neighbours)", "孤立单元（无邻居）")
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }

    /// With `--map`: the units coloured by LISA cluster.
    fn cluster_map(&self, out: &mut String, locals: &HashMap<usize, &LocalMoran>) {
        let Some(shapes) = &self.options.map else { return };
        let table = self.s.table;
        let by_id: HashMap<&str, usize> = (0..table.len()).map(|u| (table.id(u), u)).collect();
        let colour_of = |key: &str| CLUSTERS.iter().find(|c| c.0 == key).map(|c| c.3);
        let mut colours = Vec::with_capacity(shapes.units.len());
        let mut tips = Vec::with_capacity(shapes.units.len());
        for shape in &shapes.units {
            let unit = by_id.get(shape.id.as_str()).copied();
            let key = unit.and_then(|u| locals.get(&u)).and_then(|l| cluster_key(l));
            colours.push(key.and_then(colour_of));
            let what = CLUSTERS.iter().find(|c| Some(c.0) == key).map_or_else(
                || self.t("no statistic", "无统计量").to_string(),
                |c| self.t(c.1, c.2).to_string(),
            );
            let name = unit.map_or_else(|| shape.id.clone(), |u| self.name(u));
            tips.push(format!("{name}: {what}"));
        }
        let mut legend: Vec<(String, String)> = CLUSTERS
            .iter()
            .map(|(_, en, zh, colour)| (self.t(en, zh).to_string(), colour.to_string()))
            .collect();
        let none = self.t(
            "no statistic (an island, or not in the data)",
            "无统计量（孤立或不在数据中）",
        );
        legend.push((none.to_string(), svg::NO_DATA.to_string()));
        let polygons: Vec<&[crate::shapes::Polygon]> = shapes.units.iter().map(|s| s.polygons.as_slice()).collect();
        let title = self.t("LISA clusters", "LISA 集聚图");
        figure(out, &svg::map(&polygons, &colours, &tips, &legend, title), title);
    }
}
