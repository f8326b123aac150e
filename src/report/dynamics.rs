//! The report's dynamics section for a panel (issue 18): the kernel
//! densities of all periods overlaid, the Markov matrix as a heat-coloured
//! table with the steady state, and σ- and β-convergence in two sentences a
//! county head can read.

use super::{PALETTE, Page, esc, figure, svg};
use crate::dynamics::beta::Fit;
use crate::dynamics::markov::Markov;
use crate::dynamics::sigma::Sigma;
use crate::util::rounded;
use std::fmt::Write as _;

/// A probability's cell colour: the heavier, the darker blue.
fn heat(p: f64) -> String {
    let alpha = (p.clamp(0.0, 1.0) * 0.85 * 100.0).round() / 100.0;
    format!(
        "background: rgba(21, 101, 192, {alpha}); color: {}",
        if p > 0.55 { "#fff" } else { "inherit" }
    )
}

/// The range of class `k` (0-based) given the boundaries, as the table
/// format writes it: "≤ 55.24", "(55.24–63.10]", "> 70.40" (a class holds
/// the values above its lower boundary up to its upper one).
pub(super) fn class_range(boundaries: &[f64], k: usize) -> String {
    let b = |i: usize| boundaries.get(i).map_or_else(String::new, |v| rounded(*v, 2));
    match (k, boundaries.len()) {
        (_, 0) => "—".to_string(),
        (0, _) => format!("≤ {}", b(0)),
        (k, len) if k >= len => format!("> {}", b(len - 1)),
        (k, _) => format!("({}–{}]", b(k - 1), b(k)),
    }
}

/// A signed number with a true minus sign, as the tables print it.
fn minus(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => text,
    }
}

impl Page<'_> {
    /// Densities, the Markov matrix, σ and β.
    pub(super) fn dynamics(&self, out: &mut String) {
        let Some(d) = self.options.panel.as_ref().and_then(|p| p.dynamics.as_ref()) else {
            return;
        };
        self.section_open(out, "dynamics", self.t("How the distribution moves", "分布动态演进"));
        for sentence in [
            d.sigma.as_ref().and_then(|s| self.sigma_sentence(s)),
            d.beta.as_ref().map(|b| self.beta_sentence(&b.overall)),
        ]
        .into_iter()
        .flatten()
        {
            let _ = writeln!(out, "<p class=\"lead\">{}</p>", esc(&sentence));
        }
        if let Some(density) = &d.density {
            let series: Vec<svg::Line> = density
                .periods
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.density.is_empty())
                .map(|(k, p)| svg::Line {
                    name: p.label.clone(),
                    color: PALETTE[k % PALETTE.len()].to_string(),
                    values: p.density.iter().map(|&v| Some(v)).collect(),
                })
                .collect();
            let title = self.t("Kernel density of the score by period", "各期总分核密度");
            figure(out, &svg::curves(&density.x, &series, title), title);
        }
        if let Some(markov) = &d.markov {
            self.markov_table(out, markov);
        }
        out.push_str("</section>\n");
    }

    /// P as a heat-coloured matrix with each class's range and transitions,
    /// then the first period's and the steady-state distributions.
    fn markov_table(&self, out: &mut String, m: &Markov) {
        let k = m.counts.len();
        let _ = writeln!(
            out,
            "<h3>{}</h3>\n<p>{}</p>",
            self.t("Markov transition probabilities", "马尔可夫转移概率矩阵"),
            self.t(
                "Each row: of the units in that class in one period, the share in each class the next period.",
                "每行：某期处于该类的单位，下一期落入各类的比例。"
            )
        );
        let _ = write!(
            out,
            "<table class=\"data\" id=\"markov-table\">\n<thead><tr><th>{}</th><th class=\"num\">n</th>",
            self.t("class", "类别")
        );
        for to in 0..k {
            let _ = write!(out, "<th class=\"num\">{}</th>", to + 1);
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (from, (row, counts)) in m.probabilities.iter().zip(&m.counts).enumerate() {
            let total: u64 = counts.iter().sum();
            let _ = write!(
                out,
                "<tr><td>{} {}</td><td class=\"num\">{total}</td>",
                from + 1,
                esc(&class_range(&m.boundaries, from))
            );
            for &p in row {
                let _ = write!(out, "<td class=\"num\" style=\"{}\">{}</td>", heat(p), rounded(p, 3));
            }
            out.push_str("</tr>\n");
        }
        let mut distribution = |name: &str, shares: &[f64]| {
            let _ = write!(out, "<tr class=\"total\"><td>{}</td><td></td>", esc(name));
            for &p in shares {
                let _ = write!(out, "<td class=\"num\">{}</td>", rounded(p, 3));
            }
            out.push_str("</tr>\n");
        };
        distribution(self.t("first period", "初期分布"), &m.initial);
        match &m.steady {
            Some(steady) => distribution(self.t("steady state", "稳态分布"), steady),
            None => {
                let _ = writeln!(
                    out,
                    "<tr><td colspan=\"{}\">{}</td></tr>",
                    k + 2,
                    self.t("no unique steady state", "无唯一稳态分布")
                );
            }
        }
        out.push_str("</tbody>\n</table>\n");
    }

    /// "变异系数由 0.197（2023）降至 0.189（2025），存在 σ 收敛。"
    fn sigma_sentence(&self, s: &Sigma) -> Option<String> {
        let with_cv: Vec<(&str, f64)> = s
            .periods
            .iter()
            .filter_map(|p| p.cv.map(|cv| (p.label.as_str(), cv)))
            .collect();
        let (&(first, a), &(last, b)) = (with_cv.first()?, with_cv.last()?);
        if with_cv.len() < 2 {
            return None;
        }
        let (a, b) = (rounded(a, 3), rounded(b, 3));
        Some(match (self.lang.is_chinese(), s.cv_falls == Some(true)) {
            (true, true) => format!("变异系数由 {a}（{first}）降至 {b}（{last}），差距在缩小，存在 σ 收敛。"),
            (true, false) => format!("变异系数由 {a}（{first}）变为 {b}（{last}），差距未缩小，未见 σ 收敛。"),
            (false, true) => {
                format!("The CV fell from {a} ({first}) to {b} ({last}): the gap is narrowing (σ-convergence).")
            }
            (false, false) => {
                format!("The CV went from {a} ({first}) to {b} ({last}): the gap is not narrowing (no σ-convergence).")
            }
        })
    }

    /// "β = −0.021（p = 0.003），存在绝对 β 收敛：落后村追赶速度约 2.2%/年，半衰期约 31.5 年。"
    fn beta_sentence(&self, fit: &Fit) -> String {
        let zh = self.lang.is_chinese();
        let (Some(beta), Some(p)) = (fit.beta.estimate, fit.beta.p) else {
            return self
                .t(
                    "β-convergence cannot be estimated: too few units are in both the first and the last period.",
                    "首末两期均有取值的单位过少，无法估计 β 收敛。",
                )
                .to_string();
        };
        let b = minus(rounded(beta, 4));
        let p_text = if p < 0.001 {
            "< 0.001".to_string()
        } else {
            format!("= {}", rounded(p, 3))
        };
        if beta < 0.0 && p < 0.05 {
            let speed = fit.speed.map(|s| rounded(s * 100.0, 2));
            let half = fit.half_life.map(|h| rounded(h, 1));
            return match (zh, speed, half) {
                (true, Some(s), Some(h)) => {
                    format!("β = {b}（p {p_text}），存在绝对 β 收敛：落后村追赶速度约 {s}%/年，半衰期约 {h} 年。")
                }
                (true, _, _) => format!("β = {b}（p {p_text}），存在绝对 β 收敛。"),
                (false, Some(s), Some(h)) => format!(
                    "β = {b} (p {p_text}): absolute β-convergence; lagging villages catch up at about {s}% a year, a half-life of about {h} years."
                ),
                (false, _, _) => format!("β = {b} (p {p_text}): absolute β-convergence."),
            };
        }
        match (zh, beta < 0.0) {
            (true, true) => format!("β = {b}（p {p_text}），在 5% 水平上不显著，未见绝对 β 收敛。"),
            (true, false) => format!("β = {b}（p {p_text}），落后村未见追赶（无绝对 β 收敛）。"),
            (false, true) => format!("β = {b} (p {p_text}): not significant at 5 %, no evidence of β-convergence."),
            (false, false) => format!("β = {b} (p {p_text}): lagging villages are not catching up (no β-convergence)."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_ranges_read_from_the_boundaries() {
        let b = [55.244, 63.1, 70.0];
        assert_eq!(class_range(&b, 0), "≤ 55.24");
        assert_eq!(class_range(&b, 1), "(55.24–63.10]");
        assert_eq!(class_range(&b, 3), "> 70.00");
        assert_eq!(minus("-0.04".to_string()), "−0.04");
        assert_eq!(class_range(&[], 0), "—");
    }

    #[test]
    fn heat_darkens_with_the_probability() {
        assert!(heat(0.0).contains("0)"));
        assert!(heat(1.0).contains("0.85") && heat(1.0).contains("#fff"));
    }
}
