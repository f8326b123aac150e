//! The disparity as people read it (`table` and `markdown`): per period a
//! heading, the overall figures with the shares of their parts, a table of
//! the groups, and the G_jh and D_jh matrices with a line on how to read
//! them.

use super::{TheilFigure, column, number, ordered};
use crate::disparity::Disparity;
use crate::disparity::panel::{PanelDisparity, PeriodDisparity};
use crate::lang::{Lang, Words};
use crate::output::blocks::Block;
use crate::output::{Cell, Kind, Layout, Sheet};
use crate::util::rounded;

/// Decimals of the indices (CV, Gini, Theil, D_jh) and of means.
const INDEX_DECIMALS: usize = 4;
const MEAN_DECIMALS: usize = 2;

/// The terminal text: the heading, then each period's blocks.
pub fn text(panel: &PanelDisparity, lang: Lang, heading: &str, by: Option<&str>, layout: Layout) -> String {
    crate::output::blocks::text(heading, &blocks(panel, lang, by), layout)
}

/// The markdown: the heading, then each period's section.
pub fn markdown(panel: &PanelDisparity, lang: Lang, heading: &str, by: Option<&str>) -> String {
    crate::output::blocks::markdown(heading, blocks(panel, lang, by))
}

fn blocks(panel: &PanelDisparity, lang: Lang, by: Option<&str>) -> Vec<Block> {
    let mut out = Vec::new();
    for period in &panel.periods {
        out.push(Block::Heading(
            lang.pick(format!("period {}", period.label), format!("时期 {}", period.label)),
        ));
        let Some(f) = &period.figures else {
            out.push(Block::Line(lang.pick(
                format!("no unit has a value ({} left out)", period.missing),
                format!("没有单位有取值（{} 个缺失，未计入）", period.missing),
            )));
            continue;
        };
        out.push(Block::Sheet(overall(period, f, panel.grouped, lang)));
        out.extend(notes(f, panel.grouped, lang).into_iter().map(Block::Line));
        if panel.grouped {
            out.extend(groups(panel, period, f, lang, by));
        }
    }
    out
}

/// The overall figures: figure, value, share of the whole.
fn overall(period: &PeriodDisparity, f: &Disparity, grouped: bool, lang: Lang) -> Sheet {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut row = |name: Words, value: Cell, share: Option<f64>| {
        let share = share.map_or(Cell::Empty, |s| Cell::Text(format!("{}%", rounded(s * 100.0, 1))));
        let mut cells = vec![Cell::Text(name.get(lang).to_string()), value];
        if grouped {
            cells.push(share);
        }
        rows.push(cells);
    };
    row(Words::new("units n", "单位数 n"), Cell::Int(f.n), None);
    if period.missing > 0 {
        row(
            Words::new("no value (left out)", "无取值（未计入）"),
            Cell::Int(period.missing),
            None,
        );
    }
    if period.ungrouped > 0 {
        row(
            Words::new("no group (left out)", "无分组（未计入）"),
            Cell::Int(period.ungrouped),
            None,
        );
    }
    let index = |x: Option<f64>| number(x, INDEX_DECIMALS);
    row(Words::new("mean", "均值"), number(Some(f.mean), MEAN_DECIMALS), None);
    row(
        Words::new("coefficient of variation CV", "变异系数 CV"),
        index(f.cv),
        None,
    );
    let dagum = f.dagum.as_ref();
    row(Words::new("Gini G", "基尼系数 G"), index(dagum.map(|d| d.gini)), None);
    if grouped {
        let shares = dagum.and_then(|d| d.shares);
        row(
            Words::new("  within groups G_w", "  组内差距 G_w"),
            index(dagum.map(|d| d.within)),
            shares.map(|s| s.within),
        );
        row(
            Words::new("  between groups (net) G_nb", "  组间净值差距 G_nb"),
            index(dagum.map(|d| d.between)),
            shares.map(|s| s.between),
        );
        row(
            Words::new("  transvariation G_t", "  超变密度 G_t"),
            index(dagum.map(|d| d.transvariation)),
            shares.map(|s| s.transvariation),
        );
    }
    let theil = f.theil.as_ref().ok();
    let of = |whole: f64, part: f64| (whole != 0.0).then(|| part / whole);
    let theil_rows: [[(Words, TheilFigure); 3]; 2] = [
        [
            (Words::new("Theil T", "泰尔指数 T"), |t| t.t),
            (Words::new("  within groups T_w", "  组内 T_w"), |t| t.t_within),
            (Words::new("  between groups T_b", "  组间 T_b"), |t| t.t_between),
        ],
        [
            (
                Words::new("Theil L (mean log deviation)", "泰尔指数 L（平均对数偏差）"),
                |t| t.l,
            ),
            (Words::new("  within groups L_w", "  组内 L_w"), |t| t.l_within),
            (Words::new("  between groups L_b", "  组间 L_b"), |t| t.l_between),
        ],
    ];
    for [(name, whole), within, between] in theil_rows {
        row(name, index(theil.map(whole)), None);
        if grouped {
            for (name, part) in [within, between] {
                let share = theil.and_then(|t| of(whole(t), part(t)));
                row(name, index(theil.map(part)), share);
            }
        }
    }
    Sheet {
        lang,
        columns: [
            column(Words::new("figure", "指标"), Kind::Text),
            column(Words::new("value", "数值"), Kind::Raw),
            column(Words::new("share", "占比"), Kind::Raw),
        ]
        .into_iter()
        .take(if grouped { 3 } else { 2 })
        .collect(),
        rows,
    }
}

/// Why figures of the overall table are empty.
fn notes(f: &Disparity, grouped: bool, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    if f.cv.is_none() {
        out.push(
            lang.pick(
                "CV is empty: it needs two units and a mean other than 0",
                "变异系数为空：需要至少两个单位且均值不为 0",
            )
            .to_string(),
        );
    }
    match &f.dagum {
        None => out.push(
            lang.pick(
                "the Gini figures are left out: with negative values a mean is not positive",
                "未计算基尼系数：存在负值，均值不为正",
            )
            .to_string(),
        ),
        Some(d) if grouped && d.shares.is_none() => out.push(
            lang.pick(
                "every value is equal: G = 0 and the shares are empty",
                "所有取值相等：G = 0，占比为空",
            )
            .to_string(),
        ),
        Some(_) => {}
    }
    if let Err(bad) = &f.theil {
        let value = crate::util::lossless(bad.value);
        out.push(lang.pick(
            format!("Theil T and L are left out: they need every value > 0, and a unit has {value}"),
            format!("未计算泰尔指数：要求所有取值 > 0，而有单位取值为 {value}"),
        ));
    }
    out
}

/// The groups' table, and with two groups or more the G_jh and D_jh
/// matrices, each with a line on how to read it.
fn groups(panel: &PanelDisparity, period: &PeriodDisparity, f: &Disparity, lang: Lang, by: Option<&str>) -> Vec<Block> {
    let (groups, pairs) = ordered(period, f);
    let name = |g: usize| panel.group_name(g).unwrap_or_default().to_string();
    let group_title = by.map_or_else(|| Words::new("group", "组"), Words::same);
    let table = Sheet {
        lang,
        columns: vec![
            column(group_title, Kind::Text),
            column("n", Kind::Raw),
            column(Words::new("mean", "均值"), Kind::Raw),
            column("CV", Kind::Raw),
            column("G_jj", Kind::Raw),
        ],
        rows: groups
            .iter()
            .map(|g| {
                vec![
                    Cell::Text(name(g.group)),
                    Cell::Int(g.figures.n),
                    number(Some(g.figures.mean), MEAN_DECIMALS),
                    number(g.figures.cv, INDEX_DECIMALS),
                    number(g.gini, INDEX_DECIMALS),
                ]
            })
            .collect(),
    };
    let mut out = vec![Block::Sheet(table)];
    if groups.len() < 2 {
        return out;
    }
    let pair = |a: usize, b: usize| pairs.iter().find(|p| (p.richer, p.poorer) == (a, b));
    let matrix = |corner: &str, cell: &dyn Fn(usize, usize) -> Cell| {
        let mut columns = vec![column(corner, Kind::Text)];
        columns.extend(groups.iter().map(|g| column(name(g.group), Kind::Raw)));
        let rows = groups
            .iter()
            .map(|row| {
                let mut cells = vec![Cell::Text(name(row.group))];
                cells.extend(groups.iter().map(|col| cell(row.group, col.group)));
                cells
            })
            .collect();
        Sheet { lang, columns, rows }
    };
    let g_cell = |a: usize, b: usize| {
        if a == b {
            let gjj = groups.iter().find(|g| g.group == a).and_then(|g| g.gini);
            return number(gjj, INDEX_DECIMALS);
        }
        number(pair(a, b).or_else(|| pair(b, a)).and_then(|p| p.gini), INDEX_DECIMALS)
    };
    let d_cell = |a: usize, b: usize| {
        if a == b {
            return Cell::Text("—".into());
        }
        pair(a, b).map_or(Cell::Empty, |p| number(p.affluence, INDEX_DECIMALS))
    };
    out.push(Block::Sheet(matrix("G_jh", &g_cell)));
    out.push(Block::Line(
        lang.pick(
            "G_jh: the Gini between the row's group and the column's; on the diagonal G_jj, the Gini within the group",
            "G_jh：行组与列组之间的基尼系数；对角线为组内基尼系数 G_jj",
        )
        .to_string(),
    ));
    out.push(Block::Sheet(matrix("D_jh", &d_cell)));
    out.push(Block::Line(
        lang.pick(
            "D_jh: in the row of the richer group (the higher mean) against the poorer column; near 1, almost every unit of the richer group is above almost every unit of the poorer one; near 0, the two overlap",
            "D_jh：写在均值较高一组的行、较低一组的列；接近 1 表示较高一组几乎每个单位都高于较低一组几乎每个单位，接近 0 表示两组相互重叠",
        )
        .to_string(),
    ));
    out
}
