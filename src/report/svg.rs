//! Charts as SVG text: pure functions of their numbers, deterministic to the
//! byte (coordinates with one decimal, no randomness, no clock). Every piece
//! of text put into the markup is escaped, and the output is well-formed XML,
//! so it can stand inline in the HTML page or be saved as an `.svg` file.
//!
//! Text is set in the page's font (the SVG has no `font-family` of its own),
//! so Chinese labels use the CJK font stack of the report's CSS.

use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

mod curves;
mod map;
mod trend;
pub use curves::curves;
pub use map::{NO_DATA, Polygon, TOLERANCE_PX, map};
pub use trend::{Line, lines, stacked};

/// Escapes text for HTML and XML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0; show nothing for them.
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate or length: one decimal, never "-0.0", never NaN.
fn n(x: f64) -> String {
    if !x.is_finite() {
        return "0".to_string();
    }
    crate::util::rounded(x, 1)
}

/// A number on an axis or a bar: up to `decimals` places, trailing zeros kept.
fn label(x: f64, decimals: usize) -> String {
    crate::util::rounded(x, decimals)
}

/// Approximate width of `text` in pixels at `size` px (CJK characters are
/// two columns, one em; Latin about 0.55 em).
pub fn text_width(text: &str, size: f64) -> f64 {
    UnicodeWidthStr::width(text) as f64 * size * 0.55
}

/// `text` shortened with "…" to at most `max` px at `size` px.
fn fit(text: &str, size: f64, max: f64) -> String {
    if text_width(text, size) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        let mut next = out.clone();
        next.push(c);
        if text_width(&next, size) + size * 0.55 > max {
            break;
        }
        out = next;
    }
    out.push('…');
    out
}

/// The opening tag of a chart: its size, an accessible name and a `<title>`.
fn open(out: &mut String, width: f64, height: f64, title: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"><title>{t}</title>"#,
        w = n(width),
        h = n(height),
        t = esc(title)
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, class: &str, content: &str) {
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" text-anchor="{anchor}" class="{class}">{}</text>"#,
        n(x),
        n(y),
        esc(content)
    );
}

fn line(out: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), class: &str) {
    let _ = write!(
        out,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="{class}"/>"#,
        n(x1),
        n(y1),
        n(x2),
        n(y2)
    );
}

fn rect(out: &mut String, (x, y): (f64, f64), (w, h): (f64, f64), fill: &str, tip: &str) {
    let _ = write!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>"#,
        n(x),
        n(y),
        n(w.max(0.0)),
        n(h.max(0.0)),
        esc(fill),
        esc(tip)
    );
}

/// A number on an axis whose ticks (or bin edges) are `step` apart: fixed
/// decimals in the usual ranges, else three significant digits in exponent
/// form, so that the ticks of a tiny or a huge scale (1e-16, 1e20) still
/// read apart instead of all "0.00".
fn axis_label(v: f64, step: f64) -> String {
    if (0.01..1e6).contains(&step.abs()) {
        label(v, decimals_for(step))
    } else {
        significant(v, 3)
    }
}

/// `v` to `digits` significant digits, in exponent form ("2.5e-17").
fn significant(v: f64, digits: usize) -> String {
    if v == 0.0 || !v.is_finite() {
        return "0".to_string();
    }
    let rounded: f64 = format!("{v:.prec$e}", prec = digits.saturating_sub(1))
        .parse()
        .unwrap_or(v);
    format!("{rounded:e}")
}

/// Most ticks an axis is given, whatever its range.
const MAX_TICKS: usize = 12;

/// The ticks of an axis from 0 to `max` (a finite number ≥ 0) with about
/// `target` ticks at a nice step: 0, step, 2·step, … up to `max`. The number
/// of ticks is computed first and capped, never found by stepping, so every
/// finite `max` (5e-324 as well as 1e308) gives a few ticks at once; when no
/// step the doubles can hold fits (`max` near the smallest double), the
/// ticks are 0 and `max`.
pub fn ticks(max: f64, target: usize) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) {
        return vec![0.0];
    }
    ticks_by(max, nice_step(max, target))
}

/// Ticks 0, step, … up to `top` (within a rounding hair), at most
/// [`MAX_TICKS`] + 1 of them, or 0 and `top` when `step` does not fit.
fn ticks_by(top: f64, step: f64) -> Vec<f64> {
    let count = top / step * (1.0 + 1e-9);
    if !(step > 0.0 && count.is_finite() && (1.0..=MAX_TICKS as f64).contains(&count)) {
        return vec![0.0, top];
    }
    (0..=count.floor() as usize).map(|k| k as f64 * step).collect()
}

/// A "nice" step for an axis running up to `max` with about `ticks` ticks.
pub fn nice_step(max: f64, ticks: usize) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let raw = max / ticks.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// A vertical marker on a histogram: a value on the x axis and its label.
#[derive(Debug, Clone)]
pub struct Mark {
    pub at: f64,
    pub label: String,
}

/// Where the labels of histogram marks go, as (x, anchor, row) per mark in
/// `at` (x positions): each starts 3 px right of its line (ends 3 px left
/// of it when it would leave the chart) and takes the first row, from the
/// top, where it clears the label before it by 6 px. Returns the rows used.
fn mark_rows(at: &[(f64, &str)], chart_w: f64) -> (Vec<(f64, &'static str, usize)>, usize) {
    let size = 11.0;
    let mut ends: Vec<f64> = Vec::new();
    let mut placed = Vec::with_capacity(at.len());
    for &(x, label) in at {
        let width = text_width(label, size);
        let (tx, anchor, from) = if x + 3.0 + width > chart_w - 2.0 {
            (x - 3.0, "end", x - 3.0 - width)
        } else {
            (x + 3.0, "start", x + 3.0)
        };
        let row = ends.iter().position(|&end| end + 6.0 <= from).unwrap_or(ends.len());
        if let Some(end) = ends.get_mut(row) {
            *end = from + width;
        } else {
            ends.push(from + width);
        }
        placed.push((tx, anchor, row));
    }
    (placed, ends.len())
}

/// A histogram: `counts[k]` units fall in [lo + k·width, lo + (k+1)·width).
/// `marks` are drawn as dashed vertical lines (grade thresholds), their
/// labels in rows of 14 px above the plot, clear of the bar counts (the
/// tallest count stands at most 12 px above the plot).
pub fn histogram(counts: &[usize], lo: f64, width: f64, marks: &[Mark], title: &str, fill: &str) -> String {
    let w = 560.0;
    let (left, right, bottom, plot_h) = (44.0, 12.0, 40.0, 236.0);
    let plot_w = w - left - right;
    let bins = counts.len().max(1);
    let hi = lo + width * bins as f64;
    let x = |v: f64| left + (v - lo) / (hi - lo) * plot_w;
    let mut shown: Vec<&Mark> = marks.iter().filter(|m| m.at > lo && m.at < hi).collect();
    shown.sort_by(|a, b| a.at.total_cmp(&b.at));
    let at: Vec<(f64, &str)> = shown.iter().map(|m| (x(m.at), m.label.as_str())).collect();
    let (placed, rows) = mark_rows(&at, w);
    let top = if rows == 0 { 24.0 } else { 14.0 * rows as f64 + 22.0 };
    let h = top + plot_h + bottom;
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = nice_step(max, 5).max(1.0);
    let y_max = (max / step).ceil() * step;
    let y = |v: f64| top + plot_h - v / y_max * plot_h;
    let bin_w = plot_w / bins as f64;

    let mut out = String::new();
    open(&mut out, w, h, title);
    // Horizontal grid and the count axis.
    for v in ticks_by(y_max, step) {
        line(&mut out, (left, y(v)), (w - right, y(v)), "grid");
        text(&mut out, left - 6.0, y(v) + 4.0, "end", "tick", &label(v, 0));
    }
    for (k, &c) in counts.iter().enumerate() {
        let from = lo + width * k as f64;
        let to = from + width;
        let tip = if (0.01..1e6).contains(&width) {
            format!("{}–{}: {c}", label(from, 1), label(to, 1))
        } else {
            format!("{}–{}: {c}", significant(from, 3), significant(to, 3))
        };
        let x0 = left + bin_w * k as f64;
        rect(
            &mut out,
            (x0 + 1.0, y(c as f64)),
            (bin_w - 2.0, y(0.0) - y(c as f64)),
            fill,
            &tip,
        );
        if c > 0 {
            text(
                &mut out,
                x0 + bin_w / 2.0,
                y(c as f64) - 3.0,
                "middle",
                "value",
                &c.to_string(),
            );
        }
    }
    // The value axis: a tick at every second bin edge (every edge when few).
    let every = if bins > 10 { 2 } else { 1 };
    for k in (0..=bins).step_by(every) {
        let v = lo + width * k as f64;
        text(
            &mut out,
            x(v),
            h - bottom + 16.0,
            "middle",
            "tick",
            &axis_label(v, width),
        );
    }
    line(&mut out, (left, y(0.0)), (w - right, y(0.0)), "axis");
    for (m, (tx, anchor, row)) in shown.iter().zip(placed) {
        line(&mut out, (x(m.at), top - 4.0), (x(m.at), y(0.0)), "mark");
        text(&mut out, tx, 14.0 * (row + 1) as f64, anchor, "mark-label", &m.label);
    }
    out.push_str("</svg>");
    out
}

/// A radar ring's value: whole numbers on a scale of 10 or more, one decimal
/// below, and significant digits for a scale too small or large for either.
fn ring_label(v: f64, max: f64) -> String {
    if (10.0..1e6).contains(&max) {
        label(v, 0)
    } else if (0.5..10.0).contains(&max) {
        label(v, 1)
    } else {
        significant(v, 3)
    }
}

/// Decimals needed to show bin edges `width` apart.
fn decimals_for(width: f64) -> usize {
    if (width - width.round()).abs() < 1e-9 {
        0
    } else if (width * 10.0 - (width * 10.0).round()).abs() < 1e-9 {
        1
    } else {
        2
    }
}

/// One bar of a bar chart.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub color: String,
    /// What is written at the end of the bar.
    pub text: String,
}

/// Horizontal bars from 0 to `max` (the longest bar when `max` is 0).
pub fn bars(items: &[Bar], max: f64, title: &str) -> String {
    let size = 13.0;
    let label_w = items
        .iter()
        .map(|b| text_width(&b.label, size))
        .fold(40.0, f64::max)
        .min(220.0);
    let (w, row) = (560.0, 26.0);
    let left = label_w + 16.0;
    let right = 90.0;
    let h = row * items.len().max(1) as f64 + 12.0;
    let max = if max > 0.0 {
        max
    } else {
        items.iter().map(|b| b.value).fold(0.0, f64::max)
    };
    let scale = if max > 0.0 { (w - left - right) / max } else { 0.0 };
    let mut out = String::new();
    open(&mut out, w, h, title);
    for (k, b) in items.iter().enumerate() {
        let top = 6.0 + row * k as f64;
        text(
            &mut out,
            left - 8.0,
            top + 17.0,
            "end",
            "label",
            &fit(&b.label, size, label_w),
        );
        let len = (b.value.max(0.0) * scale).min(w - left - right);
        rect(
            &mut out,
            (left, top + 4.0),
            (len, row - 8.0),
            &b.color,
            &format!("{}: {}", b.label, b.text),
        );
        text(&mut out, left + len + 6.0, top + 17.0, "start", "value", &b.text);
    }
    line(&mut out, (left, 2.0), (left, h - 4.0), "axis");
    out.push_str("</svg>");
    out
}

/// One polygon of a radar chart; a missing value is drawn at the centre.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    pub color: String,
}

/// A radar (spider) chart: one axis per name in `axes`, running from 0 at
/// the centre to `max`, and one closed polygon per series. Needs three or
/// more axes (with fewer a polygon has no area: use [`grouped_bars`]).
pub fn radar(axes: &[String], series: &[Series], max: f64, title: &str) -> String {
    let (w, h) = (460.0, 400.0);
    let (cx, cy, r) = (w / 2.0, h / 2.0 + 4.0, 140.0);
    let k = axes.len().max(1);
    let angle = |i: usize| -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / k as f64;
    let point = |i: usize, v: f64| {
        let share = if max > 0.0 { (v / max).clamp(0.0, 1.0) } else { 0.0 };
        (cx + r * share * angle(i).cos(), cy + r * share * angle(i).sin())
    };
    let points = |v: &dyn Fn(usize) -> f64| -> String {
        (0..k)
            .map(|i| {
                let (x, y) = point(i, v(i));
                format!("{},{}", n(x), n(y))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = String::new();
    open(&mut out, w, h, title);
    for ring in 1..=5 {
        let v = max * ring as f64 / 5.0;
        let _ = write!(out, r#"<polygon points="{}" class="grid"/>"#, points(&|_| v));
        let (x, y) = point(0, v);
        text(&mut out, x + 4.0, y + 4.0, "start", "tick", &ring_label(v, max));
    }
    for (i, name) in axes.iter().enumerate() {
        let (x, y) = point(i, max);
        line(&mut out, (cx, cy), (x, y), "grid");
        let (c, s) = (angle(i).cos(), angle(i).sin());
        let anchor = if c > 0.2 {
            "start"
        } else if c < -0.2 {
            "end"
        } else {
            "middle"
        };
        let (lx, ly) = (cx + (r + 12.0) * c, cy + (r + 12.0) * s + 5.0 + 6.0 * s);
        text(&mut out, lx, ly, anchor, "label", &fit(name, 13.0, 110.0));
    }
    for s in series {
        let value = |i: usize| s.values.get(i).copied().flatten().unwrap_or(0.0);
        let _ = write!(
            out,
            r#"<polygon points="{}" fill="{c}" fill-opacity="0.12" stroke="{c}" stroke-width="2"><title>{}</title></polygon>"#,
            points(&value),
            esc(&s.name),
            c = esc(&s.color)
        );
        for i in 0..k {
            let (x, y) = point(i, value(i));
            let tip = match (axes.get(i), s.values.get(i).copied().flatten()) {
                (Some(a), Some(v)) => format!("{}: {a} {}", s.name, label(v, 2)),
                (Some(a), None) => format!("{}: {a} —", s.name),
                _ => s.name.clone(),
            };
            let _ = write!(
                out,
                r#"<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}</title></circle>"#,
                n(x),
                n(y),
                esc(&s.color),
                esc(&tip)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Horizontal grouped bars: for each group (a row block) one bar per series,
/// from 0 to `max`. `values[g][s]` is group `g`'s value of series `s`.
pub fn grouped_bars(
    groups: &[String],
    series: &[(String, String)],
    values: &[Vec<Option<f64>>],
    max: f64,
    title: &str,
) -> String {
    let size = 13.0;
    let label_w = groups
        .iter()
        .map(|g| text_width(g, size))
        .fold(40.0, f64::max)
        .min(200.0);
    let (w, bar, gap) = (580.0, 10.0, 12.0);
    let (left, right, top) = (label_w + 16.0, 56.0, 26.0);
    let block = bar * series.len().max(1) as f64 + gap;
    let h = top + block * groups.len().max(1) as f64 + 4.0;
    let plot_w = w - left - right;
    let x = |v: f64| {
        left + if max > 0.0 {
            (v / max).clamp(0.0, 1.0) * plot_w
        } else {
            0.0
        }
    };
    let mut out = String::new();
    open(&mut out, w, h, title);
    let ticks = ticks(max, 5);
    let step = ticks.get(1).copied().unwrap_or(1.0);
    for v in ticks {
        line(&mut out, (x(v), top - 6.0), (x(v), h - 4.0), "grid");
        text(&mut out, x(v), top - 10.0, "middle", "tick", &axis_label(v, step));
    }
    for (g, name) in groups.iter().enumerate() {
        let y0 = top + block * g as f64;
        let mid = y0 + bar * series.len() as f64 / 2.0 + 4.0;
        text(&mut out, left - 8.0, mid, "end", "label", &fit(name, size, label_w));
        for (s, (series_name, color)) in series.iter().enumerate() {
            let y = y0 + bar * s as f64;
            match values.get(g).and_then(|row| row.get(s)).copied().flatten() {
                Some(v) => {
                    let tip = format!("{name} · {series_name}: {}", label(v, 2));
                    rect(&mut out, (left, y + 1.0), (x(v) - left, bar - 2.0), color, &tip);
                    text(&mut out, x(v) + 4.0, y + bar - 2.0, "start", "small", &label(v, 1));
                }
                None => text(&mut out, left + 4.0, y + bar - 2.0, "start", "small", "—"),
            }
        }
    }
    line(&mut out, (left, top - 6.0), (left, h - 4.0), "axis");
    out.push_str("</svg>");
    out
}

/// Diverging horizontal bars around zero (rank changes: rises to the right
/// in `up`, falls to the left in `down`), one row per item, in the order given.
pub fn diverging(items: &[(String, i64)], title: &str, up: &str, down: &str) -> String {
    let size = 13.0;
    let (w, row) = (600.0, 22.0);
    let label_w = items
        .iter()
        .map(|(l, _)| text_width(l, size))
        .fold(60.0, f64::max)
        .min(260.0);
    let left = label_w + 16.0;
    let plot_w = w - left - 16.0;
    let mid = left + plot_w / 2.0;
    let h = row * items.len().max(1) as f64 + 12.0;
    let max = items.iter().map(|(_, v)| v.unsigned_abs()).max().unwrap_or(0).max(1) as f64;
    let half = plot_w / 2.0 - 44.0;
    let mut out = String::new();
    open(&mut out, w, h, title);
    for (k, (name, v)) in items.iter().enumerate() {
        let top = 6.0 + row * k as f64;
        text(
            &mut out,
            left - 8.0,
            top + 16.0,
            "end",
            "label",
            &fit(name, size, label_w),
        );
        let len = v.unsigned_abs() as f64 / max * half;
        let shown = if *v > 0 { format!("+{v}") } else { v.to_string() };
        let tip = format!("{name}: {shown}");
        if *v >= 0 {
            rect(&mut out, (mid, top + 4.0), (len, row - 8.0), up, &tip);
            text(&mut out, mid + len + 5.0, top + 16.0, "start", "value", &shown);
        } else {
            rect(&mut out, (mid - len, top + 4.0), (len, row - 8.0), down, &tip);
            text(&mut out, mid - len - 5.0, top + 16.0, "end", "value", &shown);
        }
    }
    line(&mut out, (mid, 2.0), (mid, h - 4.0), "axis");
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `svg` as XML and returns the root's name and the number of elements.
    fn parse(svg: &str) -> (String, usize) {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"));
        (
            doc.root_element().tag_name().name().to_string(),
            doc.descendants().filter(|n| n.is_element()).count(),
        )
    }

    fn count(svg: &str, what: &str) -> usize {
        svg.matches(what).count()
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(esc(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(esc("村\u{1}名"), "村名");
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(100.0, 5), 20.0);
        assert_eq!(nice_step(37.0, 5), 10.0);
        assert_eq!(nice_step(7.0, 5), 2.0);
        assert_eq!(nice_step(0.0, 5), 1.0);
        assert_eq!(nice_step(1.0, 5), 0.2);
    }

    #[test]
    fn ticks_are_few_for_any_finite_scale() {
        assert_eq!(ticks(100.0, 5), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(1.0, 5).len(), 6);
        assert_eq!(ticks(37.0, 5), vec![0.0, 10.0, 20.0, 30.0]);
        // A step of 2e-17: six ticks (the old loop stepped to 1e-9: 5e7 of them).
        let tiny = ticks(1e-16, 5);
        assert_eq!(tiny.len(), 6);
        assert_eq!(tiny.last().copied(), Some(5.0 * 2e-17));
        // 5e-324 / 5 is 0 in doubles: no step fits, so the ends only.
        assert_eq!(ticks(5e-324, 5), vec![0.0, 5e-324]);
        assert_eq!(ticks(f64::MAX, 5), vec![0.0, 5e307, 1e308, 1.5e308]);
        assert_eq!(ticks(0.0, 5), vec![0.0]);
        assert_eq!(ticks(f64::NAN, 5), vec![0.0]);
        for max in [1e-310, 3e-9, 0.7, 1e12, 1e300] {
            let t = ticks(max, 5);
            assert!((2..=MAX_TICKS + 1).contains(&t.len()), "{max}: {t:?}");
            assert!(t.iter().all(|v| *v <= max * (1.0 + 1e-9)), "{max}: {t:?}");
        }
    }

    #[test]
    fn axis_labels_tell_tiny_and_huge_ticks_apart() {
        assert_eq!(axis_label(40.0, 20.0), "40");
        assert_eq!(axis_label(0.4, 0.2), "0.4");
        assert_eq!(axis_label(6.000000000000001e-17, 2e-17), "6e-17");
        assert_eq!(axis_label(0.0, 2e-17), "0");
        assert_eq!(axis_label(1.5e20, 5e19), "1.5e20");
        assert_eq!(ring_label(60.0, 100.0), "60");
        assert_eq!(ring_label(0.4, 1.0), "0.4");
        assert_eq!(ring_label(2e-17, 1e-16), "2e-17");
    }

    #[test]
    fn grouped_bars_of_a_tiny_scale_are_small() {
        let groups = vec!["a".to_string()];
        let series = vec![("s".to_string(), "#111".to_string())];
        for max in [5e-324, 1e-16, 1e308] {
            let svg = grouped_bars(&groups, &series, &[vec![Some(max / 2.0)]], max, "t");
            parse(&svg);
            assert!(svg.len() < 4000, "{max}: {} bytes", svg.len());
            assert!(count(&svg, r#"class="tick""#) <= MAX_TICKS + 1);
        }
    }

    #[test]
    fn histogram_has_one_bar_per_bin_and_marks() {
        let marks = [Mark {
            at: 60.0,
            label: "中 ≥ 60".into(),
        }];
        let svg = histogram(&[0, 3, 5, 2], 0.0, 25.0, &marks, "分布 <&>", "#4e79a7");
        let (root, _) = parse(&svg);
        assert_eq!(root, "svg");
        assert_eq!(count(&svg, "<rect"), 4);
        assert!(svg.contains("<title>分布 &lt;&amp;&gt;</title>"));
        assert!(svg.contains("<title>25.0–50.0: 3</title>"), "{svg}");
        assert!(svg.contains("中 ≥ 60"));
        assert_eq!(count(&svg, r#"class="mark""#), 1);
        // The bin with 5 units is the tallest: y axis up to 5 (step 1).
        assert!(svg.contains(">5</text>"));
    }

    /// The boxes of the texts of `class`: (left, right, top, bottom), with
    /// ascent 0.8 em and descent 0.2 em at `size` px.
    fn boxes(svg: &str, class: &str, size: f64) -> Vec<(f64, f64, f64, f64)> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let num = |n: roxmltree::Node, a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok()).unwrap();
        let texts = doc.descendants().filter(|n| n.attribute("class") == Some(class));
        texts
            .map(|n| {
                let (x, y, w) = (num(n, "x"), num(n, "y"), text_width(n.text().unwrap_or(""), size));
                let left = match n.attribute("text-anchor") {
                    Some("end") => x - w,
                    Some("middle") => x - w / 2.0,
                    _ => x,
                };
                (left, left + w, y - 0.8 * size, y + 0.2 * size)
            })
            .collect()
    }

    #[test]
    fn histogram_mark_labels_clear_the_counts_and_each_other() {
        // Marks 2.5 apart on bins of 1 (5 px): the labels (≈ 45 px) need three
        // rows; the tallest bars stand beside the marks; the last label would
        // leave the chart, so it ends at its line.
        let label = |at: f64| format!("良好 ≥ {at}");
        let marks: Vec<Mark> = [50.0, 52.5, 55.0, 99.5]
            .map(|at| Mark { at, label: label(at) })
            .to_vec();
        let counts: Vec<usize> = (0..100)
            .map(|k| if (48..58).contains(&k) { 30 } else { k % 7 })
            .collect();
        let svg = histogram(&counts, 0.0, 1.0, &marks, "t", "#000");
        let labels = boxes(&svg, "mark-label", 11.0);
        let values = boxes(&svg, "value", 12.0);
        assert_eq!(
            (labels.len(), values.len()),
            (4, counts.iter().filter(|&&c| c > 0).count())
        );
        type Rect = (f64, f64, f64, f64);
        let apart = |a: Rect, b: Rect| a.1 <= b.0 || b.1 <= a.0 || a.3 <= b.2 || b.3 <= a.2;
        for (k, &l) in labels.iter().enumerate() {
            let inside = l.0 >= 0.0 && l.1 <= 560.0 && l.2 >= 0.0;
            let clear = values.iter().chain(&labels[..k]).all(|&o| apart(l, o));
            assert!(inside && clear, "label {k} {l:?} leaves the chart or overlaps:\n{svg}");
        }
        assert!(
            svg.contains(r#"text-anchor="end" class="mark-label">良好 ≥ 99.5<"#),
            "{svg}"
        );
        // Three rows of labels: the plot starts at 14 × 3 + 22 = 64 px.
        assert!(svg.contains(r#"viewBox="0 0 560.0 340.0""#), "{svg}");
    }

    #[test]
    fn histogram_of_nothing_is_still_an_svg() {
        let svg = histogram(&[0; 10], 0.0, 10.0, &[], "empty", "#000");
        parse(&svg);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn bars_scale_to_the_maximum() {
        let items = vec![
            Bar {
                label: "优".into(),
                value: 10.0,
                color: "#2e7d32".into(),
                text: "10".into(),
            },
            Bar {
                label: "差".into(),
                value: 5.0,
                color: "#c62828".into(),
                text: "5".into(),
            },
        ];
        let svg = bars(&items, 0.0, "grades");
        parse(&svg);
        // The plot is 560 − (40 + 16) − 90 = 414 px wide: 10 → 414, 5 → 207.
        assert!(svg.contains(r#"width="414.0""#), "{svg}");
        assert!(svg.contains(r#"width="207.0""#), "{svg}");
    }

    #[test]
    fn radar_places_values_on_their_axes() {
        let axes: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let s = Series {
            name: "x".into(),
            values: vec![Some(100.0), Some(50.0), None, Some(0.0)],
            color: "#f00".into(),
        };
        let svg = radar(&axes, &[s], 100.0, "radar");
        parse(&svg);
        // Centre (230, 204), radius 140; axis 0 points up, axis 1 right:
        // 100 on axis 0 is (230, 64); 50 on axis 1 is (300, 204); missing at the centre.
        assert!(
            svg.contains(r#"points="230.0,64.0 300.0,204.0 230.0,204.0 230.0,204.0""#),
            "{svg}"
        );
        assert!(svg.contains("x: c —"));
        assert_eq!(count(&svg, "<circle"), 4);
        assert_eq!(count(&svg, r#"class="grid"/>"#), 5 + 4);
    }

    #[test]
    fn grouped_bars_show_every_value() {
        let groups = vec!["甲县".to_string(), "乙县".to_string()];
        let series = vec![
            ("产业".to_string(), "#111".to_string()),
            ("生态".to_string(), "#222".to_string()),
        ];
        let values = vec![vec![Some(50.0), Some(100.0)], vec![None, Some(25.0)]];
        let svg = grouped_bars(&groups, &series, &values, 100.0, "groups");
        parse(&svg);
        assert_eq!(count(&svg, "<rect"), 3);
        assert!(svg.contains("甲县 · 生态: 100.00"));
        assert!(svg.contains(">—</text>"));
    }

    #[test]
    fn diverging_bars_go_both_ways() {
        let items = vec![("up".to_string(), 10), ("down".to_string(), -5)];
        let svg = diverging(&items, "movers", "#0a0", "#a00");
        parse(&svg);
        assert!(svg.contains(">+10</text>"));
        assert!(svg.contains(">-5</text>"));
        assert!(svg.contains(r##"fill="#0a0""##) && svg.contains(r##"fill="#a00""##));
    }

    #[test]
    fn long_labels_are_shortened() {
        let long = "很长很长很长很长很长很长很长很长很长很长很长很长的名字";
        let f = fit(long, 13.0, 100.0);
        assert!(f.ends_with('…'));
        assert!(text_width(&f, 13.0) <= 100.0 + 1e-9);
        assert_eq!(fit("short", 13.0, 100.0), "short");
    }

    #[test]
    fn same_input_same_bytes() {
        let a = histogram(&[1, 2, 3], 0.0, 1.0 / 3.0, &[], "t", "#000");
        let b = histogram(&[1, 2, 3], 0.0, 1.0 / 3.0, &[], "t", "#000");
        assert_eq!(a, b);
    }
}
