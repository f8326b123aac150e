//! `linkscore dynamics` through the real binary (SPEC.md "Dynamics:
//! `dynamics`" over "Panels: several periods at once") on tiny panels.
//!
//! The rubric has one indicator, goalposts [0, 100], weight 1 and scale
//! 100, so a unit's score is its indicator's value (checked once through
//! `panel`). Every expected figure is computed here from SPEC's formulas
//! ([`reference`]) or counted by hand in a comment; nothing is copied from
//! the program's output. The shipped sample panel is in `dynamics_sample`.

use crate::support::{self, Row, Run, assert_close, ls_in, read_csv_with_header, write};
use std::path::Path;

/// One indicator, score = income; groups by `county`.
pub(crate) const RUBRIC: &str = r#"
[rubric]
name = "Dynamics fixture"
version = "y1"
id = "id"
group = "county"
scale = 100
normalize = "goalpost"
weighting = "explicit"
missing = "reweight"

[[dimension]]
id = "econ"
name = "Economy"
weight = 1

[[indicator]]
id = "income"
dimension = "econ"
weight = 1
goalposts = [0, 100]
"#;

/// A unit: id, county, income ("" = missing).
type Unit = (&'static str, &'static str, &'static str);

/// A period: its label and units.
type Period<'a> = (&'a str, Vec<Unit>);

/// A temporary folder with `rubric.toml` and `LABEL.csv` per period.
fn setup(periods: &[Period]) -> tempfile::TempDir {
    let dir = support::tmp();
    write(dir.path(), "rubric.toml", RUBRIC);
    for (label, units) in periods {
        let mut s = String::from("id,county,income\n");
        for (id, county, income) in units {
            s.push_str(&format!("{id},{county},{income}\n"));
        }
        write(dir.path(), &format!("{label}.csv"), s);
    }
    dir
}

/// `dynamics LABEL=LABEL.csv… --rubric rubric.toml EXTRA…` in `dir`.
fn run(dir: &Path, labels: &[&str], extra: &[&str]) -> Run {
    let panel: Vec<String> = labels.iter().map(|l| format!("{l}={l}.csv")).collect();
    let mut args = vec!["dynamics"];
    args.extend(panel.iter().map(String::as_str));
    args.extend(["--rubric", "rubric.toml"]);
    args.extend_from_slice(extra);
    ls_in(dir, &args)
}

/// The same, which must succeed.
fn ok(dir: &Path, labels: &[&str], extra: &[&str]) -> Run {
    support::ok(run(dir, labels, extra))
}

fn num(cell: &str) -> f64 {
    cell.parse().unwrap_or_else(|_| panic!("{cell:?} is a number"))
}

// ---------------------------------------------------------------------------
// The reference: SPEC's formulas written out

mod reference {
    pub fn mean(v: &[f64]) -> f64 {
        v.iter().sum::<f64>() / v.len() as f64
    }

    /// The sample sd (n − 1).
    pub fn sd(v: &[f64]) -> f64 {
        let m = mean(v);
        (v.iter().map(|y| (y - m) * (y - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
    }

    /// numpy's default (linear) quantile: virtual index (n − 1) p.
    pub fn quantile(v: &[f64], p: f64) -> f64 {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        let h = (s.len() - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(s.len() - 1);
        s[lo] + (h - lo as f64) * (s[hi] - s[lo])
    }

    /// Silverman: 0.9 · min(sd, IQR/1.34) · n^(−1/5) (sd alone when IQR = 0).
    pub fn silverman(v: &[f64]) -> f64 {
        let sd = sd(v);
        let iqr = quantile(v, 0.75) - quantile(v, 0.25);
        let spread = if iqr > 0.0 { sd.min(iqr / 1.34) } else { sd };
        0.9 * spread * (v.len() as f64).powf(-0.2)
    }

    /// f(x) = (1/(n h)) Σ φ((x − y)/h), every term.
    pub fn kde(v: &[f64], h: f64, x: f64) -> f64 {
        let phi = |u: f64| (-0.5 * u * u).exp() / (2.0 * std::f64::consts::PI).sqrt();
        v.iter().map(|y| phi((x - y) / h)).sum::<f64>() / (v.len() as f64 * h)
    }

    /// Two-sided p = 1 − A(t|ν) of Student's t, by Abramowitz & Stegun
    /// 26.7.3 (ν odd) and 26.7.4 (ν even), θ = atan(|t|/√ν):
    /// A = (2/π)[θ + sinθ (cosθ + (2/3)cos³θ + … + (2·4…(ν−3))/(1·3…(ν−2)) cos^(ν−2)θ)]
    /// (the bracket's sum empty for ν = 1), and
    /// A = sinθ [1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … + (1·3…(ν−3))/(2·4…(ν−2)) cos^(ν−2)θ].
    /// Checked against the printed table in `t_table` below.
    pub fn t_p(t: f64, df: u32) -> f64 {
        let theta = (t.abs() / f64::from(df).sqrt()).atan();
        let (s, c) = (theta.sin(), theta.cos());
        let a = if df % 2 == 1 {
            let mut sum = 0.0;
            let mut term = c;
            let mut k = 1;
            while k + 2 <= df {
                sum += term;
                // next: · (k+1)/(k+2) · cos²θ
                term *= f64::from(k + 1) / f64::from(k + 2) * c * c;
                k += 2;
            }
            2.0 / std::f64::consts::PI * (theta + s * sum)
        } else {
            let mut sum = 0.0;
            let mut term = 1.0;
            let mut k = 0;
            while k + 2 <= df {
                sum += term;
                term *= f64::from(k + 1) / f64::from(k + 2) * c * c;
                k += 2;
            }
            s * sum
        };
        1.0 - a
    }

    /// OLS of g on x: (α, β, se α, se β, R²), by the textbook closed form.
    pub fn ols(x: &[f64], g: &[f64]) -> [f64; 5] {
        let n = x.len() as f64;
        let (mx, mg) = (mean(x), mean(g));
        let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
        let sxg: f64 = x.iter().zip(g).map(|(a, b)| (a - mx) * (b - mg)).sum();
        let sgg: f64 = g.iter().map(|b| (b - mg) * (b - mg)).sum();
        let beta = sxg / sxx;
        let alpha = mg - beta * mx;
        let ssr: f64 = x.iter().zip(g).map(|(a, b)| (b - alpha - beta * a).powi(2)).sum();
        let s2 = ssr / (n - 2.0);
        let se_beta = (s2 / sxx).sqrt();
        let se_alpha = (s2 * (1.0 / n + mx * mx / sxx)).sqrt();
        [alpha, beta, se_alpha, se_beta, sxg * sxg / (sxx * sgg)]
    }
}

/// Critical values printed in Student t tables (two-sided 5 % and 1 %):
///
/// ```text
/// ν     t(0.05)  t(0.01)
/// 1     12.706   63.657
/// 2      4.303    9.925
/// 3      3.182    5.841
/// 4      2.776    4.604
/// 5      2.571    4.032
/// ```
#[test]
fn t_table() {
    let table = [
        (1, 12.706, 63.657),
        (2, 4.303, 9.925),
        (3, 3.182, 5.841),
        (4, 2.776, 4.604),
        (5, 2.571, 4.032),
    ];
    for (df, five, one) in table {
        assert!((reference::t_p(five, df) - 0.05).abs() < 2e-4, "ν = {df}");
        assert!((reference::t_p(one, df) - 0.01).abs() < 1e-4, "ν = {df}");
    }
}

// ---------------------------------------------------------------------------
// Markov: PySAL giddy's doctest

/// giddy's `Markov` doctest: five units' states over three periods.
const GIDDY: [[u8; 3]; 5] = [
    [b'b', b'a', b'c'],
    [b'c', b'c', b'a'],
    [b'c', b'b', b'c'],
    [b'a', b'a', b'b'],
    [b'a', b'b', b'c'],
];
const UNITS: [&str; 5] = ["u1", "u2", "u3", "u4", "u5"];
const CODES: [&str; 3] = ["1", "2", "3"];

/// The doctest's sequences as a panel t1, t2, t3: a = 1, b = 2, c = 3.
fn giddy_panel() -> tempfile::TempDir {
    let periods: Vec<Period> = ["t1", "t2", "t3"]
        .iter()
        .enumerate()
        .map(|(t, label)| {
            let units = UNITS
                .iter()
                .zip(GIDDY)
                .map(|(id, seq)| (*id, "E", CODES[usize::from(seq[t] - b'a')]))
                .collect();
            (*label, units)
        })
        .collect();
    setup(&periods)
}

/// The transition counts between consecutive periods, counted from `classes`.
fn count(classes: &[[usize; 3]], k: usize) -> Vec<Vec<u64>> {
    let mut c = vec![vec![0; k]; k];
    for seq in classes {
        for w in seq.windows(2) {
            c[w[0]][w[1]] += 1;
        }
    }
    c
}

/// The rubric gives score = value on this panel: `panel`'s scores are 1, 2, 3.
#[test]
fn the_fixture_scores_equal_the_values() {
    let dir = giddy_panel();
    let out = support::ok(ls_in(
        dir.path(),
        &[
            "panel",
            "t1=t1.csv",
            "t2=t2.csv",
            "t3=t3.csv",
            "-r",
            "rubric.toml",
            "-f",
            "csv",
        ],
    ));
    let (_, rows) = read_csv_with_header(&out.stdout);
    assert_eq!(rows.len(), 15);
    for r in &rows {
        let t = ["t1", "t2", "t3"]
            .iter()
            .position(|p| *p == r["period"])
            .expect("a period");
        let u = UNITS.iter().position(|id| *id == r["id"]).expect("a unit");
        assert_eq!(num(&r["score"]), f64::from(GIDDY[u][t] - b'a' + 1), "{r:?}");
    }
}

#[test]
fn markov_reproduces_giddys_doctest() {
    let dir = giddy_panel();
    let out = ok(
        dir.path(),
        &["t1", "t2", "t3"],
        &["--part", "markov", "--cuts", "1.5,2.5", "-f", "csv"],
    );
    let (header, rows) = read_csv_with_header(&out.stdout);
    assert_eq!(header, ["from_class", "to_class", "count", "probability"]);
    assert_eq!(rows.len(), 9 + 3 + 2, "{}", out.stdout);
    // Counted by hand: from a: a→c, a→a, a→b, a→b; from b: b→a, b→c, b→c;
    // from c: c→c, c→a, c→b.
    let classes: Vec<[usize; 3]> = GIDDY.iter().map(|s| s.map(|c| usize::from(c - b'a'))).collect();
    let counts = count(&classes, 3);
    assert_eq!(counts, [[1, 2, 1], [1, 0, 2], [1, 1, 1]]);
    // giddy: P = [[.25, .5, .25], [.3333, 0, .6667], [.3333, .3333, .3333]].
    let p = [[0.25, 0.5, 0.25], [1.0 / 3.0, 0.0, 2.0 / 3.0], [1.0 / 3.0; 3]];
    for (i, r) in rows[..9].iter().enumerate() {
        let (from, to) = (i / 3, i % 3);
        assert_eq!(r["from_class"], (from + 1).to_string());
        assert_eq!(r["to_class"], (to + 1).to_string());
        assert_eq!(r["count"], counts[from][to].to_string(), "zero counts are written");
        assert_close(num(&r["probability"]), p[from][to], &format!("P[{from}][{to}]"));
    }
    // giddy: steady state [0.30769231, 0.28846154, 0.40384615]; exactly
    // (16, 15, 21)/52: 16·¼ + 15·⅓ + 21·⅓ = 16, 16·½ + 21·⅓ = 15, 16·¼ + 15·⅔ + 21·⅓ = 21.
    let giddy = [0.30769231, 0.28846154, 0.40384615];
    let exact = [16.0 / 52.0, 15.0 / 52.0, 21.0 / 52.0];
    for (k, r) in rows[9..12].iter().enumerate() {
        assert_eq!((r["from_class"].as_str(), r["count"].as_str()), ("steady", ""));
        assert_eq!(r["to_class"], (k + 1).to_string());
        let pi = num(&r["probability"]);
        assert!((pi - giddy[k]).abs() < 5e-9, "π_{k}: {pi}");
        assert!((pi - exact[k]).abs() < 1e-9, "π_{k}: {pi}");
    }
    for (k, (r, b)) in rows[12..].iter().zip([1.5, 2.5]).enumerate() {
        assert_eq!((r["from_class"].as_str(), r["count"].as_str()), ("boundary", ""));
        assert_eq!(r["to_class"], (k + 1).to_string());
        assert_eq!(num(&r["probability"]), b);
    }
    assert!(!out.stderr.contains("steady"), "{}", out.stderr);
}

/// Quantile classes on the same panel. Pooled, sorted: 1×5, 2×4, 3×6 (15
/// values); numpy's 1/3 quantile sits at index 14/3 = 4.67, between 1 and 2:
/// 1.667; the 2/3 quantile at 9.33, between 3 and 3: 3. A 3 has one
/// boundary strictly below it: class 2, like a 2; class 3 is empty, its row
/// all 0 and absorbing, and the chain has two closed classes ({1, 2}, {3}):
/// no unique steady state.
#[test]
fn markov_quantile_classes_count_boundaries_strictly_below() {
    let dir = giddy_panel();
    let out = ok(
        dir.path(),
        &["t1", "t2", "t3"],
        &["--part", "markov", "--classes", "3", "-f", "csv"],
    );
    let (_, rows) = read_csv_with_header(&out.stdout);
    let pooled: Vec<f64> = GIDDY.iter().flatten().map(|c| f64::from(c - b'a' + 1)).collect();
    let b = [
        reference::quantile(&pooled, 1.0 / 3.0),
        reference::quantile(&pooled, 2.0 / 3.0),
    ];
    assert!((b[0] - 5.0 / 3.0).abs() < 1e-12 && b[1] == 3.0);
    let class = |y: f64| b.iter().filter(|&&x| x < y).count();
    let classes: Vec<[usize; 3]> = GIDDY
        .iter()
        .map(|s| s.map(|c| class(f64::from(c - b'a' + 1))))
        .collect();
    let counts = count(&classes, 3);
    assert_eq!(rows.len(), 9 + 2, "no steady rows:\n{}", out.stdout);
    for (i, r) in rows[..9].iter().enumerate() {
        let (from, to) = (i / 3, i % 3);
        let total: u64 = counts[from].iter().sum();
        let p = if total == 0 {
            0.0
        } else {
            counts[from][to] as f64 / total as f64
        };
        assert_eq!(r["count"], counts[from][to].to_string());
        assert_close(num(&r["probability"]), p, &format!("P[{from}][{to}]"));
    }
    assert_eq!(counts[2], [0, 0, 0]);
    for (r, expected) in rows[9..].iter().zip(b) {
        assert_eq!(r["from_class"], "boundary");
        assert_close(num(&r["probability"]), expected, "boundary");
    }
    support::assert_mentions(&out.stderr, &["class 3", "no unique steady state"]);
}

/// An unbalanced panel, cuts 1.5, 2.5. u1 skips period 2, u3 has no value
/// there, u4 joins in period 2. Transitions, by hand: 1→2 u2 (2→3);
/// 2→3 u2 (3→3), u4 (1→2). Nothing crosses the gap of u1 or u3. Each row
/// has one transition; 3 is the one closed class, so π = (0, 0, 1).
#[test]
fn markov_counts_only_consecutive_periods() {
    let dir = setup(&[
        ("1", vec![("u1", "E", "1"), ("u2", "E", "2"), ("u3", "E", "3")]),
        ("2", vec![("u2", "E", "3"), ("u3", "E", ""), ("u4", "E", "1")]),
        (
            "3",
            vec![("u1", "E", "2"), ("u2", "E", "3"), ("u3", "E", "1"), ("u4", "E", "2")],
        ),
    ]);
    let out = ok(
        dir.path(),
        &["1", "2", "3"],
        &["--part", "markov", "--cuts", "1.5,2.5", "-f", "csv"],
    );
    let (_, rows) = read_csv_with_header(&out.stdout);
    let counts: Vec<&str> = rows[..9].iter().map(|r| r["count"].as_str()).collect();
    assert_eq!(counts, ["0", "1", "0", "0", "0", "1", "0", "0", "1"]);
    let steady: Vec<f64> = rows
        .iter()
        .filter(|r| r["from_class"] == "steady")
        .map(|r| num(&r["probability"]))
        .collect();
    assert_eq!(steady.len(), 3);
    for (got, expected) in steady.iter().zip([0.0, 0.0, 1.0]) {
        assert!((got - expected).abs() <= 1e-9, "π: {steady:?}");
    }
    support::assert_mentions(&out.stderr, &["period 2", "1 unit without a value"]);
}

// ---------------------------------------------------------------------------
// Density

/// Periods A and B (IQR/1.34 below the sd), D (IQR 0: h from the sd
/// alone, SPEC's fallback) and C (every value equal: a single point).
#[test]
fn density_is_the_formula_on_the_grid() {
    let a = [
        ("u1", "E", "10"),
        ("u2", "E", "20"),
        ("u3", "E", "25"),
        ("u4", "W", "40"),
        ("u5", "W", "55"),
    ];
    let b = [
        ("u1", "E", "15"),
        ("u2", "E", "30"),
        ("u3", "E", "30"),
        ("u4", "W", "45"),
        ("u5", "W", "70"),
        ("u6", "W", "80"),
    ];
    let c = [("u1", "E", "50"), ("u2", "E", "50"), ("u3", "W", "50")];
    let d = [
        ("u1", "E", "35"),
        ("u2", "E", "35"),
        ("u3", "E", "35"),
        ("u4", "W", "35"),
        ("u5", "W", "35"),
        ("u6", "W", "60"),
    ];
    let periods = [
        ("A", a.to_vec()),
        ("B", b.to_vec()),
        ("C", c.to_vec()),
        ("D", d.to_vec()),
    ];
    let labels = ["A", "B", "C", "D"];
    let dir = setup(&periods);
    let values = |units: &[Unit]| -> Vec<f64> { units.iter().map(|u| num(u.2)).collect() };
    let vd = values(&d);
    assert_eq!(reference::quantile(&vd, 0.75) - reference::quantile(&vd, 0.25), 0.0);
    // The bandwidths of the periods with one (not C), the largest h, and
    // the grid from the pooled minimum (10) − 3h to the pooled maximum (80) + 3h.
    let with_h: Vec<(&str, Vec<f64>, f64)> = periods
        .iter()
        .filter(|(label, _)| *label != "C")
        .map(|(label, units)| {
            let v = values(units);
            let h = reference::silverman(&v);
            (*label, v, h)
        })
        .collect();
    let h = with_h.iter().map(|p| p.2).fold(0.0, f64::max);
    let (from, to) = (10.0 - 3.0 * h, 80.0 + 3.0 * h);
    let x: Vec<f64> = (0..11).map(|i| from + (to - from) * f64::from(i) / 10.0).collect();

    let out = ok(
        dir.path(),
        &labels,
        &["--part", "density", "--points", "11", "-f", "csv"],
    );
    let (header, rows) = read_csv_with_header(&out.stdout);
    assert_eq!(header, ["period", "x", "density"]);
    // A single-point period has no rows, and a warning.
    assert!(rows.iter().all(|r| r["period"] != "C"), "{}", out.stdout);
    support::assert_mentions(&out.stderr, &["density", "period C", "single point"]);
    assert_eq!(rows.len(), 11 * with_h.len());
    for ((label, v, hp), got) in with_h.iter().zip(rows.chunks(11)) {
        let expected: Vec<f64> = x.iter().map(|&at| reference::kde(v, *hp, at)).collect();
        let peak = expected.iter().copied().fold(0.0, f64::max);
        for ((r, &xi), &f) in got.iter().zip(&x).zip(&expected) {
            assert_eq!(r["period"], *label);
            let (gx, gd) = (num(&r["x"]), num(&r["density"]));
            assert!((gx - xi).abs() <= 1e-9 * (to - from), "{label}: x {gx} vs {xi}");
            assert!((gd - f).abs() <= 1e-9 * peak, "{label} at {xi}: {gd} vs {f}");
        }
    }
    // On a fine grid each density integrates to 1 (trapezoids) within 1e-3.
    let fine = ok(
        dir.path(),
        &labels,
        &["--part", "density", "--points", "2001", "-f", "csv"],
    );
    let (_, rows) = read_csv_with_header(&fine.stdout);
    for (label, _, _) in &with_h {
        let pts: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r["period"] == *label)
            .map(|r| (num(&r["x"]), num(&r["density"])))
            .collect();
        assert_eq!(pts.len(), 2001);
        let area: f64 = pts
            .windows(2)
            .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
            .sum();
        assert!((area - 1.0).abs() < 1e-3, "{label}: ∫ f = {area}");
    }
}

// ---------------------------------------------------------------------------
// Sigma

#[test]
fn sigma_rows_are_the_sample_figures() {
    let p1 = [("u1", "E", "10"), ("u2", "E", "20"), ("u3", "W", "40"), ("u4", "W", "")];
    let p2 = [
        ("u1", "E", "0"),
        ("u2", "E", "25"),
        ("u3", "W", "35"),
        ("u4", "W", "50"),
    ];
    let p3 = [
        ("u1", "E", "18"),
        ("u2", "E", "30"),
        ("u3", "W", "38"),
        ("u4", "W", "44"),
    ];
    let dir = setup(&[("2021", p1.to_vec()), ("2022", p2.to_vec()), ("2023", p3.to_vec())]);
    let out = ok(dir.path(), &["2021", "2022", "2023"], &["--part", "sigma", "-f", "csv"]);
    let (header, rows) = read_csv_with_header(&out.stdout);
    assert_eq!(header, ["period", "n", "mean", "sd", "cv", "sd_log"]);
    let present = |units: &[Unit]| -> Vec<f64> { units.iter().filter(|u| !u.2.is_empty()).map(|u| num(u.2)).collect() };
    assert_eq!(rows.len(), 3);
    for (r, (label, units)) in rows.iter().zip([("2021", &p1), ("2022", &p2), ("2023", &p3)]) {
        let v = present(units);
        assert_eq!(r["period"], label);
        assert_eq!(r["n"], v.len().to_string());
        let (m, sd) = (reference::mean(&v), reference::sd(&v));
        assert_close(num(&r["mean"]), m, &format!("{label} mean"));
        assert_close(num(&r["sd"]), sd, &format!("{label} sd"));
        assert_close(num(&r["cv"]), sd / m, &format!("{label} cv"));
        if v.iter().all(|&y| y > 0.0) {
            let logs: Vec<f64> = v.iter().map(|y| y.ln()).collect();
            assert_close(num(&r["sd_log"]), reference::sd(&logs), &format!("{label} sd_log"));
        } else {
            assert_eq!(r["sd_log"], "", "{label}: a zero leaves sd_log empty");
        }
    }
    // The zero is named, and so is the unit without a value.
    support::assert_mentions(&out.stderr, &["sigma", "2022", "u1"]);
    support::assert_mentions(&out.stderr, &["2021", "1 unit without a value"]);
}

// ---------------------------------------------------------------------------
// Beta

/// Three periods (T = 2). u8 is absent in the last period and u9 in the
/// first: both are left out. u3 is in East in the first period and in West
/// in the last: its club is East.
fn beta_panel() -> tempfile::TempDir {
    let p1 = vec![
        ("u1", "East", "20"),
        ("u2", "East", "40"),
        ("u3", "East", "60"),
        ("u4", "West", "25"),
        ("u5", "West", "50"),
        ("u6", "West", "70"),
        ("u7", "West", "80"),
        ("u8", "West", "30"),
    ];
    let p2 = vec![
        ("u1", "East", "24"),
        ("u2", "East", "44"),
        ("u3", "East", "63"),
        ("u4", "West", "30"),
        ("u5", "West", "52"),
        ("u6", "West", "72"),
        ("u7", "West", "81"),
        ("u8", "West", "31"),
    ];
    let p3 = vec![
        ("u1", "East", "30"),
        ("u2", "East", "50"),
        ("u3", "West", "66"),
        ("u4", "West", "27"),
        ("u5", "West", "58"),
        ("u6", "West", "84"),
        ("u7", "West", "100"),
        ("u9", "East", "40"),
    ];
    setup(&[("2021", p1), ("2022", p2), ("2023", p3)])
}

/// (y first, y last) of East's and West's units.
const EAST: [(f64, f64); 3] = [(20.0, 30.0), (40.0, 50.0), (60.0, 66.0)];
const WEST: [(f64, f64); 4] = [(25.0, 27.0), (50.0, 58.0), (70.0, 84.0), (80.0, 100.0)];

/// The expected rows `term → (estimate, std_error, t, p)` of a fit of
/// `units` over T = 2; `None` for an empty cell.
fn expected_fit(units: &[(f64, f64)]) -> Vec<(&'static str, [Option<f64>; 4])> {
    let t = 2.0;
    let x: Vec<f64> = units.iter().map(|u| u.0.ln()).collect();
    let g: Vec<f64> = units.iter().map(|u| (u.1 / u.0).ln() / t).collect();
    let [alpha, beta, se_a, se_b, r2] = reference::ols(&x, &g);
    let df = u32::try_from(units.len() - 2).expect("a small count");
    let coefficient = |e: f64, se: f64| [Some(e), Some(se), Some(e / se), Some(reference::t_p(e / se, df))];
    let speed = (beta < 0.0 && 1.0 + beta * t > 0.0).then(|| -(1.0 + beta * t).ln() / t);
    vec![
        ("alpha", coefficient(alpha, se_a)),
        ("beta", coefficient(beta, se_b)),
        ("r2", [Some(r2), None, None, None]),
        ("n", [Some(units.len() as f64), None, None, None]),
        ("speed", [speed, None, None, None]),
        (
            "half_life",
            [speed.map(|s| std::f64::consts::LN_2 / s), None, None, None],
        ),
    ]
}

fn check_fit(rows: &[Row], expected: &[(&str, [Option<f64>; 4])], what: &str) {
    assert_eq!(rows.len(), expected.len(), "{what}");
    for (r, (term, cells)) in rows.iter().zip(expected) {
        assert_eq!(r["term"], *term, "{what}");
        for (column, cell) in ["estimate", "std_error", "t", "p"].iter().zip(cells) {
            match cell {
                Some(v) => {
                    let got = num(&r[*column]);
                    // p from the closed form of A&S: to 1e-9 absolute.
                    if *column == "p" {
                        assert!((got - v).abs() < 1e-9, "{what} {term} p: {got} vs {v}");
                    } else {
                        assert_close(got, *v, &format!("{what} {term} {column}"));
                    }
                }
                None => assert_eq!(r[*column], "", "{what} {term} {column}"),
            }
        }
    }
}

#[test]
fn beta_is_the_closed_form_ols() {
    let dir = beta_panel();
    let out = ok(dir.path(), &["2021", "2022", "2023"], &["--part", "beta", "-f", "csv"]);
    let (header, rows) = read_csv_with_header(&out.stdout);
    assert_eq!(header, ["term", "estimate", "std_error", "t", "p"]);
    let all: Vec<(f64, f64)> = EAST.iter().chain(&WEST).copied().collect();
    let expected = expected_fit(&all);
    // Convergence with a defined speed: β < 0 and 1 + βT > 0 (n = 7, ν = 5).
    let beta = expected[1].1[0].expect("β");
    assert!(
        beta < 0.0 && 1.0 + 2.0 * beta > 0.0,
        "the fixture converges: β = {beta}"
    );
    check_fit(&rows, &expected, "overall");
}

#[test]
fn beta_by_group_adds_clubs_after_the_overall_rows() {
    let dir = beta_panel();
    let out = ok(
        dir.path(),
        &["2021", "2022", "2023"],
        &["--part", "beta", "--by", "county", "-f", "csv"],
    );
    let (header, rows) = read_csv_with_header(&out.stdout);
    assert_eq!(header, ["group", "term", "estimate", "std_error", "t", "p"]);
    assert_eq!(rows.len(), 18);
    // The overall rows first, with an empty group; then East (first seen), West.
    let groups: Vec<&str> = rows.iter().map(|r| r["group"].as_str()).collect();
    assert_eq!(groups, [[""; 6], ["East"; 6], ["West"; 6]].concat());
    let all: Vec<(f64, f64)> = EAST.iter().chain(&WEST).copied().collect();
    check_fit(&rows[..6], &expected_fit(&all), "overall");
    // East: n = 3, ν = 1 (u3 counted in East, its first period's group).
    let east = expected_fit(&EAST);
    assert!(east[4].1[0].is_some(), "East converges with a speed");
    check_fit(&rows[6..12], &east, "East");
    // West: β > 0, so speed and half-life are empty (ν = 2).
    let west = expected_fit(&WEST);
    assert!(west[1].1[0].expect("β") > 0.0 && west[4].1[0].is_none());
    check_fit(&rows[12..], &west, "West");
}

#[test]
fn one_period_beta_alone_is_an_error_but_the_table_shows_the_rest() {
    let dir = setup(&[("2021", vec![("u1", "E", "10"), ("u2", "E", "20"), ("u3", "W", "40")])]);
    let err = support::fails(run(dir.path(), &["2021"], &["--part", "beta", "-f", "csv"]), 2);
    support::assert_mentions(&err, &["beta", "two periods"]);
    let table = ok(dir.path(), &["2021"], &["-f", "table"]);
    support::assert_mentions(
        &table.stdout,
        &["Kernel density", "Markov transition matrix", "σ-convergence"],
    );
    assert!(!table.stdout.contains("β-convergence"), "{}", table.stdout);
    support::assert_mentions(&table.stderr, &["beta", "two periods"]);
}

// ---------------------------------------------------------------------------
// Usage errors: exit 2, nothing on stdout

#[test]
fn bad_flags_are_usage_errors() {
    let dir = giddy_panel();
    let periods = ["t1", "t2", "t3"];
    for (extra, says) in [
        (
            &["--part", "markov", "--cuts", "3,2"][..],
            &["--cuts", "strictly increasing"][..],
        ),
        (
            &["--part", "markov", "--cuts", "2,2"][..],
            &["--cuts", "strictly increasing"][..],
        ),
        (
            &["--part", "markov", "--cuts", "1.5,2.5", "--classes", "3"][..],
            &["--cuts", "--classes"][..],
        ),
        (&["--of", "typo"][..], &["typo"][..]),
    ] {
        let mut args = extra.to_vec();
        args.extend(["-f", "csv"]);
        let err = support::fails(run(dir.path(), &periods, &args), 2);
        support::assert_mentions(&err, says);
    }
}

#[test]
fn a_by_column_missing_from_the_data_is_named_as_the_flag() {
    let dir = setup(&[
        ("2021", vec![("a", "E", "1"), ("b", "W", "2")]),
        ("2022", vec![("a", "E", "2"), ("b", "W", "3")]),
    ]);
    let err = support::fails(
        run(dir.path(), &["2021", "2022"], &["--by", "nosuch", "--part", "beta"]),
        1,
    );
    assert!(err.contains("--by"), "{err}");
    assert!(!err.contains("the rubric's `group` column"), "{err}");
}
