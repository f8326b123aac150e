//! Curves over a continuous x axis: the kernel densities of a panel's
//! periods overlaid, one colour per period with a legend. A pure function
//! of its numbers, like the rest of [`super`].

use super::trend::{Line, legend};
use super::{esc, line, n, nice_step, open, text};
use std::fmt::Write as _;

/// Overlaid curves y(x) on one grid `x` (increasing), each series one
/// polyline; y from 0 to the highest value. Ticks on both axes.
pub fn curves(x: &[f64], series: &[Line], title: &str) -> String {
    let (w, plot_h) = (640.0, 240.0);
    let (left, right, top) = (60.0, 24.0, 16.0);
    let legend_rows = series.len().div_ceil(3).max(1);
    let h = top + plot_h + 30.0 + 20.0 * legend_rows as f64;
    let plot_w = w - left - right;
    let (x0, x1) = match (x.first(), x.last()) {
        (Some(&a), Some(&b)) if b > a => (a, b),
        (Some(&a), _) => (a - 1.0, a + 1.0),
        _ => (0.0, 1.0),
    };
    let peak = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let y_max = if peak > 0.0 { peak * 1.05 } else { 1.0 };
    let px = |v: f64| left + plot_w * (v - x0) / (x1 - x0);
    let py = |v: f64| top + plot_h * (1.0 - (v / y_max).clamp(0.0, 1.0));
    let mut out = String::new();
    open(&mut out, w, h, title);
    let y_step = nice_step(y_max, 4);
    if y_step.is_finite() && y_step > 0.0 {
        let mut k = 0.0;
        while k * y_step <= y_max && k <= 12.0 {
            let v = k * y_step;
            line(&mut out, (left, py(v)), (w - right, py(v)), "grid");
            text(
                &mut out,
                left - 6.0,
                py(v) + 4.0,
                "end",
                "tick",
                &super::axis_label(v, y_step),
            );
            k += 1.0;
        }
    }
    let x_step = nice_step(x1 - x0, 6);
    if x_step.is_finite() && x_step > 0.0 {
        let mut v = (x0 / x_step).ceil() * x_step;
        let mut drawn = 0;
        while v <= x1 && drawn <= 12 {
            line(&mut out, (px(v), top + plot_h), (px(v), top + plot_h + 4.0), "axis");
            text(
                &mut out,
                px(v),
                top + plot_h + 16.0,
                "middle",
                "tick",
                &super::axis_label(v, x_step),
            );
            v += x_step;
            drawn += 1;
        }
    }
    for s in series {
        let points: Vec<String> = x
            .iter()
            .zip(&s.values)
            .filter_map(|(&xv, y)| {
                y.filter(|y| y.is_finite())
                    .map(|y| format!("{},{}", n(px(xv)), n(py(y))))
            })
            .collect();
        if points.len() > 1 {
            let _ = write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"><title>{}</title></polyline>"#,
                points.join(" "),
                esc(&s.color),
                esc(&s.name)
            );
        }
    }
    line(&mut out, (left, top), (left, top + plot_h), "axis");
    line(&mut out, (left, top + plot_h), (w - right, top + plot_h), "axis");
    legend(
        &mut out,
        series.iter().map(|s| (s.name.as_str(), s.color.as_str())),
        top + plot_h + 30.0,
        w,
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_polyline_per_period_through_every_point() {
        let x: Vec<f64> = (0..5).map(f64::from).collect();
        let series = vec![
            Line {
                name: "2023".into(),
                color: "#4e79a7".into(),
                values: vec![Some(0.0), Some(0.1), Some(0.4), Some(0.1), Some(0.0)],
            },
            Line {
                name: "2024".into(),
                color: "#f28e2b".into(),
                values: vec![Some(0.0), Some(0.2), Some(0.2), Some(0.2), Some(0.0)],
            },
        ];
        let svg = curves(&x, &series, "densities");
        assert_eq!(svg.matches("<polyline").count(), 2);
        // Five points each.
        let first = svg
            .split("points=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("");
        assert_eq!(first.split(' ').count(), 5);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        // A series without values draws nothing and does not fail.
        let empty = vec![Line {
            name: "x".into(),
            color: "#000".into(),
            values: vec![None; 5],
        }];
        assert!(!curves(&x, &empty, "t").contains("<polyline"));
    }
}
