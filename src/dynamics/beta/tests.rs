//! Tests of [`super`]: a fit worked by hand, normal equations on random
//! data, printed t tables, edge cases and properties.

use super::*;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Periods labelled 0, 1, … of units u0, u1, … (no groups) from per-period values.
fn panel<'a>(labels: &'a [String], ids: &'a [String], values: &[Vec<Option<f64>>]) -> Vec<PeriodValues<'a>> {
    values
        .iter()
        .zip(labels)
        .map(|(row, label)| PeriodValues {
            label,
            units: row.iter().zip(ids).map(|(v, id)| (id.as_str(), None, *v)).collect(),
        })
        .collect()
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

fn close(a: Option<f64>, b: f64, tol: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= tol * b.abs().max(1.0))
}

#[test]
fn worked_by_hand() {
    // Three units, three periods (T = 2); x = ln y₀ = 0, 1, 2 and
    // g = 0.3, 0.1, 0.2, so y₀ = 1, e, e² and y_last = y₀ e^{2g}.
    //   x̄ = 1, ḡ = 0.2; dx = −1, 0, 1; dg = 0.1, −0.1, 0
    //   S_xx = 2, S_xg = −0.1, S_gg = 0.02
    //   β = −0.1/2 = −0.05;  α = 0.2 + 0.05 · 1 = 0.25
    //   residuals dg − β dx = 0.05, −0.1, 0.05; SSR = 0.015; s² = 0.015/1
    //   se(β) = √(0.015/2) = 0.0866025;  se(α) = √(0.015 (1/3 + 1/2)) = 0.1118034
    //   t(β) = −0.57735 = −1/√3; 1 df is Cauchy: p = 1 − (2/π) atan(1/√3) = 2/3
    //   t(α) = 2.236068 = √5; p = 1 − (2/π) atan(√5)
    //   R² = S_xg²/(S_xx S_gg) = 0.01/0.04 = 0.25
    //   θ = −ln(1 − 0.05 · 2)/2 = 0.0526803; half-life ln 2/θ = 13.15754
    let xs = [0.0, 1.0, 2.0];
    let gs = [0.3, 0.1, 0.2];
    let first: Vec<Option<f64>> = xs.iter().map(|x: &f64| Some(x.exp())).collect();
    let middle = vec![Some(1.0), None, Some(5.0)];
    let last: Vec<Option<f64>> = xs.iter().zip(&gs).map(|(x, g)| Some((x + 2.0 * g).exp())).collect();
    let (labels, ids) = (names("", 3), names("u", 3));
    let mut warnings = Vec::new();
    let b = beta(&panel(&labels, &ids, &[first, middle, last]), false, &mut warnings).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!((b.span, b.overall.n), (2, 3));
    let f = &b.overall;
    let tol = 1e-12;
    assert!(close(f.beta.estimate, -0.05, tol), "{f:?}");
    assert!(close(f.alpha.estimate, 0.25, tol), "{f:?}");
    assert!(close(f.beta.std_error, 0.0075f64.sqrt(), tol), "{f:?}");
    assert!(close(f.alpha.std_error, 0.0125f64.sqrt(), tol), "{f:?}");
    assert!(close(f.beta.t, -1.0 / 3f64.sqrt(), tol), "{f:?}");
    assert!(close(f.beta.p, 2.0 / 3.0, 1e-10), "{f:?}");
    let pa = 1.0 - 2.0 / std::f64::consts::PI * 5f64.sqrt().atan();
    assert!(close(f.alpha.p, pa, 1e-10), "{f:?}");
    assert!(close(f.r2, 0.25, tol), "{f:?}");
    let theta = -(0.9f64).ln() / 2.0;
    assert!(close(f.speed, theta, tol) && close(f.speed, 0.052_680_3, 1e-6), "{f:?}");
    assert!(close(f.half_life, std::f64::consts::LN_2 / theta, tol), "{f:?}");
    assert!(b.groups.is_empty());
}

#[test]
fn p_values_from_a_printed_t_table() {
    // Two-tailed critical values of Student's t (any printed table):
    //   df   | α = 0.10 | α = 0.05 | α = 0.01
    //    5   |  2.015   |  2.571   |  4.032
    //   10   |  1.812   |  2.228   |  3.169
    // so P(|T| ≥ t) is α at those t (the table rounds t to 3 decimals).
    let rows = [
        (2.015, 5.0, 0.10),
        (2.571, 5.0, 0.05),
        (4.032, 5.0, 0.01),
        (1.812, 10.0, 0.10),
        (2.228, 10.0, 0.05),
        (3.169, 10.0, 0.01),
    ];
    for (t, df, p) in rows {
        let got = two_sided_p(t, df).unwrap();
        assert!((got - p).abs() < 1e-3, "t = {t}, df = {df}: {got} vs {p}");
        assert_eq!(two_sided_p(-t, df), Some(got));
    }
    assert_eq!(two_sided_p(0.0, 4.0), Some(1.0));
}

#[test]
fn matches_the_normal_equations_on_random_data() {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let n = 200;
    let first: Vec<f64> = (0..n).map(|_| rng.random_range(50.0..150.0)).collect();
    let last: Vec<f64> = first
        .iter()
        .map(|y0| y0 * (1.5 - 0.002 * y0 + rng.random_range(-0.2..0.2)))
        .collect();
    let values = vec![
        first.iter().map(|&v| Some(v)).collect(),
        last.iter().map(|&v| Some(v)).collect(),
    ];
    let (labels, ids) = (names("", 2), names("u", n));
    let b = beta(&panel(&labels, &ids, &values), false, &mut Vec::new()).unwrap();
    // [n Σx; Σx Σx²] [α; β] = [Σg; Σxg], by Cramer's rule on plain sums.
    let x: Vec<f64> = first.iter().map(|y| y.ln()).collect();
    let g: Vec<f64> = first.iter().zip(&last).map(|(a, b)| (b / a).ln()).collect();
    let (sx, sxx) = (x.iter().sum::<f64>(), x.iter().map(|v| v * v).sum::<f64>());
    let (sg, sxg) = (g.iter().sum::<f64>(), x.iter().zip(&g).map(|(a, b)| a * b).sum::<f64>());
    let nn = n as f64;
    let det = nn * sxx - sx * sx;
    let beta_ = (nn * sxg - sx * sg) / det;
    let alpha = (sxx * sg - sx * sxg) / det;
    let ssr: f64 = x.iter().zip(&g).map(|(x, g)| (g - alpha - beta_ * x).powi(2)).sum();
    let s2 = ssr / (nn - 2.0);
    // (XᵀX)⁻¹ = [Σx² −Σx; −Σx n] / det.
    let (se_a, se_b) = ((s2 * sxx / det).sqrt(), (s2 * nn / det).sqrt());
    let f = &b.overall;
    assert!(close(f.beta.estimate, beta_, 1e-8), "{:?} vs {beta_}", f.beta);
    assert!(close(f.alpha.estimate, alpha, 1e-8), "{:?} vs {alpha}", f.alpha);
    assert!(close(f.beta.std_error, se_b, 1e-7), "{:?} vs {se_b}", f.beta);
    assert!(close(f.alpha.std_error, se_a, 1e-7), "{:?} vs {se_a}", f.alpha);
    let sst: f64 = {
        let m = sg / nn;
        g.iter().map(|v| (v - m).powi(2)).sum()
    };
    assert!(close(f.r2, 1.0 - ssr / sst, 1e-8));
    assert!(f.beta.estimate.unwrap() < 0.0 && f.beta.p.unwrap() < 1e-6, "{f:?}");
    assert!(f.speed.is_some() && f.half_life.is_some());
}

#[test]
fn by_group_in_order_of_first_appearance() {
    let p0 = PeriodValues {
        label: "2015",
        units: vec![
            ("a", Some("north"), Some(10.0)),
            ("b", Some("south"), Some(20.0)),
            ("c", Some("north"), Some(30.0)),
            ("d", Some("south"), Some(40.0)),
            ("e", None, Some(50.0)),
            ("f", Some("south"), Some(60.0)),
            ("g", Some("north"), Some(70.0)),
        ],
    };
    // The last period lists the units in another order and other groups
    // (ignored: a unit's group is the one of its first period).
    let p1 = PeriodValues {
        label: "2020",
        units: vec![
            ("g", Some("east"), Some(75.0)),
            ("f", Some("east"), Some(66.0)),
            ("e", None, Some(56.0)),
            ("d", None, Some(48.0)),
            ("c", None, Some(38.0)),
            ("b", None, Some(28.0)),
            ("a", None, Some(19.0)),
        ],
    };
    let b = beta(&[p0, p1], true, &mut Vec::new()).unwrap();
    assert_eq!(b.overall.n, 7);
    let names: Vec<&str> = b.groups.iter().map(|(g, _)| g.as_str()).collect();
    assert_eq!(names, vec!["north", "south"]);
    assert_eq!(b.groups[0].1.n, 3);
    assert_eq!(b.groups[1].1.n, 3);
    // The north fit is the fit of a, c, g alone.
    let alone = fit(
        &[
            (10f64.ln(), (19f64 / 10.0).ln()),
            (30f64.ln(), (38f64 / 30.0).ln()),
            (70f64.ln(), (75f64 / 70.0).ln()),
        ],
        1.0,
        "x",
        &mut Vec::new(),
    );
    assert_eq!(b.groups[0].1, alone);
}

#[test]
fn edge_cases() {
    let (labels, ids) = (names("", 3), names("u", 4));
    let one = panel(&labels, &ids, &[vec![Some(1.0), Some(2.0)]]);
    let e = beta(&one, false, &mut Vec::new()).unwrap_err();
    assert_eq!(e.kind(), crate::error::ErrorKind::Usage);
    assert!(beta(&[], false, &mut Vec::new()).is_err());
    // Values ≤ 0 are left out, named; u3 has no last value (silently out).
    let values = vec![
        vec![Some(0.0), Some(2.0), Some(4.0), Some(3.0)],
        vec![Some(1.0), Some(-1.0), Some(5.0), None],
    ];
    let mut warnings = Vec::new();
    let b = beta(&panel(&labels, &ids, &values), false, &mut warnings).unwrap();
    assert_eq!(b.overall.n, 1);
    assert!(
        warnings[0].contains("2 units are left out") && warnings[0].contains("u0, u1"),
        "{warnings:?}"
    );
    assert!(warnings[1].contains("no estimate"), "{warnings:?}");
    assert_eq!(b.overall.beta, Coefficient::default());
    // Two units: β and α, no standard errors.
    let values = vec![vec![Some(1.0), Some(2.0)], vec![Some(2.0), Some(3.0)]];
    let mut warnings = Vec::new();
    let b = beta(&panel(&labels, &ids, &values), false, &mut warnings).unwrap();
    assert!(b.overall.beta.estimate.is_some() && b.overall.beta.std_error.is_none());
    assert_eq!(b.overall.r2, Some(1.0));
    assert_eq!(warnings.len(), 1);
    // Constant ln y₀: nothing.
    let values = vec![
        vec![Some(2.0), Some(2.0), Some(2.0)],
        vec![Some(2.0), Some(3.0), Some(4.0)],
    ];
    let b = beta(&panel(&labels, &ids, &values), false, &mut Vec::new()).unwrap();
    assert_eq!(b.overall.beta.estimate, None);
    assert_eq!(b.overall.n, 3);
    // β < 0 but 1 + βT ≤ 0: no speed.
    let f = fit(&[(0.0, 1.0), (1.0, 0.0), (2.0, -1.0)], 1.0, "x", &mut Vec::new());
    assert_eq!(f.beta.estimate, Some(-1.0));
    assert_eq!((f.speed, f.half_life), (None, None));
    // A perfect fit: se 0, no t or p.
    assert_eq!((f.beta.std_error, f.beta.t, f.beta.p), (Some(0.0), None, None));
}

proptest! {
    #[test]
    fn scale_invariant_and_r2_in_unit_interval(
        pairs in proptest::collection::vec((1.0..1e3f64, 1.0..1e3f64), 3..30),
        scale in prop_oneof![Just(1e-6), Just(0.37), Just(3.0), Just(1e9)],
    ) {
        let (labels, ids) = (names("", 2), names("u", pairs.len()));
        let make = |c: f64| vec![
            pairs.iter().map(|p| Some(p.0 * c)).collect::<Vec<_>>(),
            pairs.iter().map(|p| Some(p.1 * c)).collect::<Vec<_>>(),
        ];
        let a = beta(&panel(&labels, &ids, &make(1.0)), false, &mut Vec::new()).unwrap();
        let b = beta(&panel(&labels, &ids, &make(scale)), false, &mut Vec::new()).unwrap();
        if let (Some(x), Some(y)) = (a.overall.beta.estimate, b.overall.beta.estimate) {
            prop_assert!((x - y).abs() <= 1e-8 * x.abs().max(1e-3), "{} vs {}", x, y);
        }
        if let Some(r2) = a.overall.r2 {
            prop_assert!((0.0..=1.0).contains(&r2));
        }
        if let Some(p) = a.overall.beta.p {
            prop_assert!((0.0..=1.0).contains(&p));
        }
    }
}
