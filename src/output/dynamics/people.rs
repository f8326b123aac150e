//! The dynamics as people read them (`table`): every computed part under
//! its heading: the densities' bandwidths and peaks, the Markov matrix with
//! its row counts and the initial and steady-state distributions, the σ
//! table with a sentence on whether the CV falls, and the β table with a
//! sentence a county head can read.

use super::{significant, without_trailing_zeros};
use crate::dynamics::beta::{Beta, Fit};
use crate::dynamics::density::Density;
use crate::dynamics::markov::Markov;
use crate::dynamics::sigma::Sigma;
use crate::dynamics::{Dynamics, Part};
use crate::lang::{Lang, Words};
use crate::output::blocks::Block;
use crate::output::{Cell, Column, Kind, Layout, Sheet};
use crate::util::rounded;

/// Decimals of values of y (means, sds, bandwidths, peaks' x), of indices
/// (CV, probabilities, shares of a distribution) and of coefficients.
const VALUE_DECIMALS: usize = 2;
const INDEX_DECIMALS: usize = 4;
const COEFFICIENT_DECIMALS: usize = 3;

/// The significance level of the β sentence.
const ALPHA: f64 = 0.05;

/// A part's name as a heading.
pub fn part_title(part: Part, lang: Lang) -> &'static str {
    match part {
        Part::Density => lang.pick("Kernel density", "核密度估计"),
        Part::Markov => lang.pick("Markov transition matrix", "马尔可夫转移矩阵"),
        Part::Sigma => lang.pick("σ-convergence", "σ 收敛"),
        Part::Beta => lang.pick("Absolute β-convergence", "绝对 β 收敛"),
    }
}

/// The terminal text: the heading, then each computed part's blocks.
pub fn text(d: &Dynamics, lang: Lang, heading: &str, by: Option<&str>, layout: Layout) -> String {
    crate::output::blocks::text(heading, &blocks(d, lang, by), layout)
}

fn blocks(d: &Dynamics, lang: Lang, by: Option<&str>) -> Vec<Block> {
    let mut out = Vec::new();
    let heading = |part| Block::Heading(part_title(part, lang).to_string());
    if let Some(density) = &d.density {
        out.push(heading(Part::Density));
        out.extend(density_blocks(density, lang));
    }
    if let Some(markov) = &d.markov {
        out.push(heading(Part::Markov));
        out.extend(markov_blocks(markov, lang));
    }
    if let Some(sigma) = &d.sigma {
        out.push(heading(Part::Sigma));
        out.extend(sigma_blocks(sigma, lang));
    }
    if let Some(beta) = &d.beta {
        out.push(heading(Part::Beta));
        out.extend(beta_blocks(beta, lang, by));
    }
    out
}

/// A column of the people's tables: `Raw` for numbers already formatted
/// (right-aligned), `Text` for names.
fn column(title: impl Into<Words>, kind: Kind) -> Column {
    let title: Words = title.into();
    Column::new(title.en.clone(), title, kind)
}

/// A formatted number as a right-aligned cell; empty for none.
fn number(x: Option<f64>, decimals: usize) -> Cell {
    x.map_or(Cell::Empty, |x| Cell::Text(rounded(x, decimals)))
}

/// A number rounded to `decimals` without trailing zeros (55.20 is 55.2,
/// 40.00 is 40).
fn trimmed(x: f64, decimals: usize) -> String {
    without_trailing_zeros(rounded(x, decimals))
}

/// A signed number with a true minus sign, as printed text reads it.
fn minus(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => s,
    }
}

/// Per period: n, bandwidth, the peaks (x and height) and the shape.
fn density_blocks(d: &Density, lang: Lang) -> Vec<Block> {
    let rows = d
        .periods
        .iter()
        .map(|p| {
            let peaks: Vec<String> = p
                .peaks
                .iter()
                .map(|(x, f)| format!("{} ({})", rounded(*x, VALUE_DECIMALS), significant(*f, 3)))
                .collect();
            let shape = match (p.bandwidth, p.density.is_empty(), p.peaks.len()) {
                (_, true, _) if p.n > 0 => lang.pick("a single point".to_string(), "单点".to_string()),
                (_, true, _) => lang.pick("no values".to_string(), "无取值".to_string()),
                (_, _, 0) => String::new(),
                (_, _, 1) => lang.pick("one peak".to_string(), "单峰".to_string()),
                (_, _, 2) => lang.pick("two peaks".to_string(), "双峰".to_string()),
                (_, _, k) => lang.pick(format!("{k} peaks"), format!("多峰（{k} 个）")),
            };
            vec![
                Cell::Text(p.label.clone()),
                Cell::Int(p.n),
                number(p.bandwidth, VALUE_DECIMALS),
                Cell::Text(peaks.join(lang.pick(", ", "，"))),
                Cell::Text(shape),
            ]
        })
        .collect();
    let sheet = Sheet {
        lang,
        columns: vec![
            column(Words::new("period", "时期"), Kind::Text),
            column("n", Kind::Raw),
            column(Words::new("bandwidth h", "带宽 h"), Kind::Raw),
            column(Words::new("peaks: x (density)", "峰：x（密度）"), Kind::Text),
            column(Words::new("shape", "形态"), Kind::Text),
        ],
        rows,
    };
    let points = d.x.len();
    let range = match (d.x.first(), d.x.last()) {
        (Some(a), Some(b)) => format!("{}–{}", rounded(*a, VALUE_DECIMALS), rounded(*b, VALUE_DECIMALS)),
        _ => String::new(),
    };
    vec![
        Block::Sheet(sheet),
        Block::Line(lang.pick(
            format!("Gaussian kernel, Silverman's bandwidth; {points} points over {range} (every density: -f json, or --part density)"),
            format!("高斯核，Silverman 带宽；在 {range} 上取 {points} 个点（完整密度见 -f json 或 --part density）"),
        )),
    ]
}

/// Class k's (0-based) label with its range of y: "1 (≤ 55.2)",
/// "2 (55.2–63.1]", "3 (> 63.1)".
pub(super) fn class_label(k: usize, boundaries: &[f64]) -> String {
    let b = |i: usize| boundaries.get(i).map(|x| trimmed(*x, VALUE_DECIMALS));
    let range = match (k.checked_sub(1).and_then(b), b(k)) {
        (None, Some(hi)) => format!(" (≤ {hi})"),
        (Some(lo), Some(hi)) => format!(" ({lo}–{hi}]"),
        (Some(lo), None) => format!(" (> {lo})"),
        (None, None) => String::new(),
    };
    format!("{}{range}", k + 1)
}

/// P as a K × K matrix with each row's transitions, the initial and
/// steady-state distributions, and notes.
fn markov_blocks(m: &Markov, lang: Lang) -> Vec<Block> {
    let k = m.counts.len();
    let mut columns = vec![
        column(Words::new("from \\ to", "期初 \\ 期末"), Kind::Text),
        column("n", Kind::Raw),
    ];
    columns.extend((1..=k).map(|c| column(c.to_string(), Kind::Raw)));
    let mut rows: Vec<Vec<Cell>> = (0..k)
        .map(|from| {
            let n: u64 = m.counts.get(from).map_or(0, |r| r.iter().sum());
            let mut cells = vec![Cell::Text(class_label(from, &m.boundaries)), Cell::Text(n.to_string())];
            let p = m.probabilities.get(from);
            cells.extend((0..k).map(|to| number(p.and_then(|p| p.get(to).copied()), INDEX_DECIMALS)));
            cells
        })
        .collect();
    let distribution = |name: &str, shares: &[f64]| {
        let mut cells = vec![Cell::Text(name.to_string()), Cell::Empty];
        cells.extend((0..k).map(|c| number(shares.get(c).copied(), INDEX_DECIMALS)));
        cells
    };
    rows.push(distribution(
        lang.pick("initial (first period)", "初始分布（首期）"),
        &m.initial,
    ));
    if let Some(steady) = &m.steady {
        rows.push(distribution(lang.pick("steady state", "稳态分布"), steady));
    }
    let mut out = vec![Block::Sheet(Sheet { lang, columns, rows })];
    let source = if m.from_cuts {
        lang.pick("the cuts given (--cuts)", "给定切点（--cuts）")
    } else {
        lang.pick("quantiles of all unit-periods pooled", "全部单位-时期合并后的分位数")
    };
    out.push(Block::Line(lang.pick(
        format!("rows: the class in a period (n: its transitions); columns: the class in the next; class boundaries: {source}"),
        format!("行为本期类别（n 为其转移次数），列为下一期类别；类别边界：{source}"),
    )));
    if !m.empty_rows.is_empty() {
        let classes: Vec<String> = m.empty_rows.iter().map(|c| (c + 1).to_string()).collect();
        let classes = classes.join(lang.pick(", ", "、"));
        out.push(Block::Line(lang.pick(
            format!("class {classes} has no transition: its row is 0, taken as absorbing for the steady state"),
            format!("类别 {classes} 没有转移：该行为 0，计算稳态时视为吸收态"),
        )));
    }
    if m.steady.is_none() {
        out.push(Block::Line(
            lang.pick(
                "P has no unique steady state (the chain is reducible)",
                "P 没有唯一的稳态分布（链可约）",
            )
            .to_string(),
        ));
    }
    out
}

/// The per-period table and whether the CV falls over the panel.
fn sigma_blocks(s: &Sigma, lang: Lang) -> Vec<Block> {
    let rows = s
        .periods
        .iter()
        .map(|p| {
            vec![
                Cell::Text(p.label.clone()),
                Cell::Int(p.n),
                number(p.mean, VALUE_DECIMALS),
                number(p.sd, VALUE_DECIMALS),
                number(p.cv, INDEX_DECIMALS),
                number(p.sd_log, INDEX_DECIMALS),
            ]
        })
        .collect();
    let sheet = Sheet {
        lang,
        columns: vec![
            column(Words::new("period", "时期"), Kind::Text),
            column("n", Kind::Raw),
            column(Words::new("mean", "均值"), Kind::Raw),
            column(Words::new("sd", "标准差"), Kind::Raw),
            column(Words::new("CV", "变异系数 CV"), Kind::Raw),
            column(Words::new("sd of ln y", "对数标准差"), Kind::Raw),
        ],
        rows,
    };
    vec![Block::Sheet(sheet), Block::Line(sigma_sentence(s, lang))]
}

/// Whether the CV falls from the first period with one to the last.
fn sigma_sentence(s: &Sigma, lang: Lang) -> String {
    let with_cv: Vec<(&str, f64)> = s
        .periods
        .iter()
        .filter_map(|p| Some((p.label.as_str(), p.cv?)))
        .collect();
    let (Some(falls), Some((first, a)), Some((last, b))) = (s.cv_falls, with_cv.first(), with_cv.last()) else {
        return lang
            .pick(
                "fewer than two periods have a CV: σ-convergence cannot be judged",
                "有变异系数的时期少于两个，无法判断 σ 收敛",
            )
            .to_string();
    };
    let (a, b) = (rounded(*a, INDEX_DECIMALS), rounded(*b, INDEX_DECIMALS));
    let every = s.cv_falls_every_period == Some(true);
    match (falls, every) {
        (true, true) => lang.pick(
            format!("The CV falls from {a} ({first}) to {b} ({last}), at every step: σ-convergence"),
            format!("变异系数从 {a}（{first}）降至 {b}（{last}），且逐期下降：存在 σ 收敛"),
        ),
        (true, false) => lang.pick(
            format!("The CV falls from {a} ({first}) to {b} ({last}), though not at every step: σ-convergence over the panel"),
            format!("变异系数从 {a}（{first}）降至 {b}（{last}），但并非逐期下降：整体存在 σ 收敛"),
        ),
        (false, _) => lang.pick(
            format!("The CV does not fall ({a} in {first}, {b} in {last}): no σ-convergence"),
            format!("变异系数未下降（{first} 为 {a}，{last} 为 {b}）：不存在 σ 收敛"),
        ),
    }
}

/// The coefficients' table (per group with `--by`) and a sentence per fit.
fn beta_blocks(b: &Beta, lang: Lang, by: Option<&str>) -> Vec<Block> {
    let grouped = !b.groups.is_empty();
    let all = lang.pick("all", "全部");
    let fits: Vec<(&str, &Fit)> = std::iter::once((all, &b.overall))
        .chain(b.groups.iter().map(|(name, fit)| (name.as_str(), fit)))
        .collect();
    let mut columns = Vec::new();
    if grouped {
        columns.push(column(
            by.map_or_else(|| Words::new("group", "组"), Words::same),
            Kind::Text,
        ));
    }
    columns.extend([
        column(Words::new("term", "项"), Kind::Text),
        column(Words::new("estimate", "估计值"), Kind::Raw),
        column(Words::new("std. error", "标准误"), Kind::Raw),
        column("t", Kind::Raw),
        column("p", Kind::Raw),
    ]);
    let mut rows = Vec::new();
    for (name, fit) in &fits {
        let coefficient = |term: &str, c: &crate::dynamics::beta::Coefficient| {
            let signed = |x: Option<f64>, d: usize| x.map_or(Cell::Empty, |x| Cell::Text(minus(rounded(x, d))));
            vec![
                Cell::Text(term.to_string()),
                signed(c.estimate, 4),
                number(c.std_error, 4),
                signed(c.t, 2),
                c.p.map_or(Cell::Empty, |p| Cell::Text(p_value(p))),
            ]
        };
        let figure = |term: &str, value: Cell| {
            vec![
                Cell::Text(term.to_string()),
                value,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ]
        };
        let fit_rows = [
            coefficient("α", &fit.alpha),
            coefficient("β", &fit.beta),
            figure("R²", number(fit.r2, INDEX_DECIMALS)),
            figure("n", Cell::Int(fit.n)),
        ];
        for (i, mut row) in fit_rows.into_iter().enumerate() {
            if grouped {
                let label = if i == 0 { name.to_string() } else { String::new() };
                row.insert(0, Cell::Text(label));
            }
            rows.push(row);
        }
    }
    let mut out = vec![
        Block::Line(lang.pick(
            format!("g = ln(y_last / y_first) / T on ln y_first, T = {}", b.span),
            format!("g = ln(y末期 / y首期) / T 对 ln y首期回归，T = {}", b.span),
        )),
        Block::Sheet(Sheet { lang, columns, rows }),
    ];
    for (name, fit) in &fits {
        let sentence = beta_sentence(fit, lang);
        out.push(Block::Line(if grouped {
            format!("{name}{}{sentence}", lang.pick(": ", "："))
        } else {
            sentence
        }));
    }
    out
}

/// A p-value for reading: three decimals, or "< 0.001".
fn p_value(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_string()
    } else {
        rounded(p, COEFFICIENT_DECIMALS)
    }
}

/// "β = −0.021 (p = 0.003)" and what it means.
pub(super) fn beta_sentence(fit: &Fit, lang: Lang) -> String {
    let n = fit.n;
    let Some(beta) = fit.beta.estimate else {
        return lang.pick(
            format!("β cannot be estimated (n = {n}: it needs units with different first values)"),
            format!("无法估计 β（n = {n}：需要首期取值不同的单位）"),
        );
    };
    let Some(p) = fit.beta.p else {
        let beta = minus(rounded(beta, COEFFICIENT_DECIMALS));
        return lang.pick(
            format!("β = {beta}, without a p-value (n = {n}: it needs 3 units): convergence cannot be judged"),
            format!("β = {beta}，无 p 值（n = {n}：需要至少 3 个单位），无法判断是否收敛"),
        );
    };
    let p_text = match p_value(p) {
        s if s.starts_with('<') => format!("p {s}"),
        s => format!("p = {s}"),
    };
    let head = format!("β = {} ({p_text})", minus(rounded(beta, COEFFICIENT_DECIMALS)));
    if beta >= 0.0 {
        return lang.pick(
            format!("{head}: β is not negative, no absolute β-convergence (lagging villages do not catch up)"),
            format!("{head}：β 不为负，不存在绝对 β 收敛（落后村没有追赶）"),
        );
    }
    if p >= ALPHA {
        return lang.pick(
            format!("{head}: β is negative but not significant at 5 %, no evidence of β-convergence"),
            format!("{head}：β 为负但在 5% 水平上不显著，不能认为存在 β 收敛"),
        );
    }
    match (fit.speed, fit.half_life) {
        (Some(speed), Some(half)) => {
            let (speed, half) = (rounded(speed * 100.0, 1), rounded(half, 1));
            lang.pick(
                format!("{head}: absolute β-convergence, lagging villages catch up at {speed} % a year, half-life about {half} years"),
                format!("{head}：存在绝对 β 收敛，落后村追赶速度 {speed}%/年，半衰期约 {half} 年"),
            )
        }
        _ => lang.pick(
            format!("{head}: absolute β-convergence (1 + βT ≤ 0: speed and half-life undefined)"),
            format!("{head}：存在绝对 β 收敛（1 + βT ≤ 0，速度与半衰期无定义）"),
        ),
    }
}
