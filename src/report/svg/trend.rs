//! Charts over the periods of a panel: lines (a mean by period, one line
//! per series) and stacked columns (shares of a whole by period). Pure
//! functions of their numbers, like the rest of [`super`].

use super::{esc, fit, line, n, nice_step, open, rect, text, text_width};
use std::fmt::Write as _;

/// One line of a [`lines`] chart: its name, colour and value per period
/// (`None`: no point, and the line is broken there).
pub struct Line {
    pub name: String,
    pub color: String,
    pub values: Vec<Option<f64>>,
}

/// The lowest and highest value of the lines, widened to nice ticks.
fn y_range(series: &[Line]) -> (f64, f64, f64) {
    let values = series.iter().flat_map(|s| s.values.iter().flatten().copied());
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0, 0.25);
    }
    let spread = if hi > lo { hi - lo } else { hi.abs().max(1.0) * 0.1 };
    let step = nice_step(spread, 4);
    if !(step.is_finite() && step > 0.0) {
        return (lo, hi.max(lo + 1.0), 1.0);
    }
    let bottom = (lo / step).floor() * step;
    let mut top = (hi / step).ceil() * step;
    if top <= bottom {
        top = bottom + step;
    }
    (bottom, top, step)
}

/// A line chart with the periods along the x axis, a legend below, and
/// every point's value as its tooltip.
pub fn lines(periods: &[String], series: &[Line], title: &str) -> String {
    let size = 12.0;
    let (w, plot_h) = (640.0, 240.0);
    let (left, right, top) = (52.0, 24.0, 16.0);
    let legend_rows = series.len().div_ceil(3).max(1);
    let h = top + plot_h + 28.0 + 20.0 * legend_rows as f64;
    let (bottom, ceiling, step) = y_range(series);
    let plot_w = w - left - right;
    let slots = periods.len().max(1) as f64;
    let x = |p: usize| left + plot_w * (p as f64 + 0.5) / slots;
    let y = |v: f64| top + plot_h * (1.0 - (v - bottom) / (ceiling - bottom));
    let mut out = String::new();
    open(&mut out, w, h, title);
    let ticks = ((ceiling - bottom) / step).round().clamp(1.0, 12.0) as usize;
    for k in 0..=ticks {
        let v = bottom + step * k as f64;
        line(&mut out, (left, y(v)), (w - right, y(v)), "grid");
        let decimals = if step >= 1.0 { 0 } else { 2 };
        text(
            &mut out,
            left - 6.0,
            y(v) + 4.0,
            "end",
            "tick",
            &crate::util::rounded(v, decimals),
        );
    }
    for (p, label) in periods.iter().enumerate() {
        let room = plot_w / slots - 4.0;
        text(
            &mut out,
            x(p),
            top + plot_h + 16.0,
            "middle",
            "tick",
            &fit(label, size, room),
        );
    }
    for s in series {
        // Runs of consecutive points, each one polyline.
        let points: Vec<Option<(f64, f64)>> = s
            .values
            .iter()
            .enumerate()
            .map(|(p, v)| v.map(|v| (x(p), y(v))))
            .collect();
        for run in points.split(Option::is_none).filter(|run| run.len() > 1) {
            let path: Vec<String> = run
                .iter()
                .flatten()
                .map(|(px, py)| format!("{},{}", n(*px), n(*py)))
                .collect();
            let _ = write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
                path.join(" "),
                esc(&s.color)
            );
        }
        for (p, v) in s.values.iter().enumerate() {
            if let (Some(v), Some(period)) = (v, periods.get(p)) {
                let tip = format!("{} · {period}: {}", s.name, crate::util::rounded(*v, 2));
                let _ = write!(
                    out,
                    r#"<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}</title></circle>"#,
                    n(x(p)),
                    n(y(*v)),
                    esc(&s.color),
                    esc(&tip)
                );
            }
        }
    }
    line(&mut out, (left, top), (left, top + plot_h), "axis");
    legend(
        &mut out,
        series.iter().map(|s| (s.name.as_str(), s.color.as_str())),
        top + plot_h + 30.0,
        w,
    );
    out.push_str("</svg>");
    out
}

/// A legend of coloured squares and names, three to a row, from `y` down.
pub(super) fn legend<'s>(out: &mut String, items: impl Iterator<Item = (&'s str, &'s str)>, y: f64, w: f64) {
    let column = (w - 40.0) / 3.0;
    for (k, (name, color)) in items.enumerate() {
        let (row, col) = (k / 3, k % 3);
        let (lx, ly) = (40.0 + column * col as f64, y + 20.0 * row as f64);
        rect(out, (lx, ly), (10.0, 10.0), color, name);
        text(
            out,
            lx + 14.0,
            ly + 9.0,
            "start",
            "small",
            &fit(name, 12.0, column - 20.0),
        );
    }
}

/// Columns of stacked shares (each period's parts of 100 %), one column
/// per period, parts in the order given with a legend below; a period
/// without figures has an empty column marked "—".
pub fn stacked(periods: &[String], parts: &[(String, String)], shares: &[Option<Vec<f64>>], title: &str) -> String {
    let (w, plot_h) = (640.0, 220.0);
    let (left, right, top) = (52.0, 24.0, 16.0);
    let legend_rows = parts.len().div_ceil(3).max(1);
    let h = top + plot_h + 28.0 + 20.0 * legend_rows as f64;
    let plot_w = w - left - right;
    let slots = periods.len().max(1) as f64;
    let bar_w = (plot_w / slots * 0.6).min(80.0);
    let y = |share: f64| top + plot_h * (1.0 - share.clamp(0.0, 1.0));
    let mut out = String::new();
    open(&mut out, w, h, title);
    for k in 0..=4 {
        let share = f64::from(k) / 4.0;
        line(&mut out, (left, y(share)), (w - right, y(share)), "grid");
        text(
            &mut out,
            left - 6.0,
            y(share) + 4.0,
            "end",
            "tick",
            &format!("{}%", k * 25),
        );
    }
    for (p, label) in periods.iter().enumerate() {
        let centre = left + plot_w * (p as f64 + 0.5) / slots;
        text(
            &mut out,
            centre,
            top + plot_h + 16.0,
            "middle",
            "tick",
            &fit(label, 12.0, plot_w / slots - 4.0),
        );
        let Some(values) = shares.get(p).and_then(Option::as_ref) else {
            text(&mut out, centre, top + plot_h - 6.0, "middle", "small", "—");
            continue;
        };
        let mut below = 0.0;
        for ((name, color), share) in parts.iter().zip(values) {
            let share = share.clamp(0.0, 1.0);
            let tip = format!("{label} · {name}: {}%", crate::util::rounded(share * 100.0, 1));
            rect(
                &mut out,
                (centre - bar_w / 2.0, y(below + share)),
                (bar_w, y(below) - y(below + share)),
                color,
                &tip,
            );
            if share >= 0.08 && text_width("00.0%", 11.0) < bar_w {
                let label = format!("{}%", crate::util::rounded(share * 100.0, 1));
                text(
                    &mut out,
                    centre,
                    y(below + share / 2.0) + 4.0,
                    "middle",
                    "small",
                    &label,
                );
            }
            below += share;
        }
    }
    line(&mut out, (left, top), (left, top + plot_h), "axis");
    legend(
        &mut out,
        parts.iter().map(|(name, color)| (name.as_str(), color.as_str())),
        top + plot_h + 30.0,
        w,
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn periods() -> Vec<String> {
        ["2023", "2024", "2025"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lines_draw_one_point_per_value_and_break_at_gaps() {
        let series = vec![
            Line {
                name: "总分".into(),
                color: "#1565c0".into(),
                values: vec![Some(60.0), Some(62.5), Some(64.0)],
            },
            Line {
                name: "产业兴旺".into(),
                color: "#2e7d32".into(),
                values: vec![Some(55.0), None, Some(58.0)],
            },
        ];
        let svg = lines(&periods(), &series, "trend");
        assert_eq!(svg.matches("<circle").count(), 5);
        // The broken line has no polyline (runs of one point are points only).
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert!(svg.contains("总分 · 2024: 62.50"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn the_y_axis_covers_every_value_on_nice_ticks() {
        let (lo, hi, step) = y_range(&[Line {
            name: String::new(),
            color: String::new(),
            values: vec![Some(61.3), Some(74.9)],
        }]);
        assert!(lo <= 61.3 && hi >= 74.9 && step > 0.0, "{lo} {hi} {step}");
        // Equal values still get a range.
        let (lo, hi, _) = y_range(&[Line {
            name: String::new(),
            color: String::new(),
            values: vec![Some(5.0), Some(5.0)],
        }]);
        assert!(lo < hi && lo <= 5.0 && hi >= 5.0);
    }

    #[test]
    fn stacked_columns_show_each_share_and_mark_a_period_without_figures() {
        let parts = vec![
            ("组内".to_string(), "#1565c0".to_string()),
            ("组间".to_string(), "#ef6c00".to_string()),
            ("超变密度".to_string(), "#9e9e9e".to_string()),
        ];
        let shares = vec![Some(vec![0.2, 0.5, 0.3]), None, Some(vec![0.25, 0.45, 0.3])];
        let svg = stacked(&periods(), &parts, &shares, "shares");
        assert!(svg.contains("2023 · 组间: 50.0%"));
        assert!(svg.contains(">—<"));
        // Three parts in two columns, plus three legend squares.
        assert_eq!(svg.matches("<rect").count(), 9);
    }
}
