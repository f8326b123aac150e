//! Tests of [`super`]: the formula evaluated directly, the bandwidth by
//! hand, the grid, peaks, and the edge cases.

use super::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn panel<'a>(periods: &'a [(&'a str, Vec<Option<f64>>)], ids: &'a [String]) -> Vec<PeriodValues<'a>> {
    periods
        .iter()
        .map(|(label, values)| PeriodValues {
            label,
            units: values.iter().zip(ids).map(|(v, id)| (id.as_str(), None, *v)).collect(),
        })
        .collect()
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("u{i}")).collect()
}

/// f(x) straight from the formula, every term, no skipping.
fn direct(values: &[f64], h: f64, x: f64) -> f64 {
    let n = values.len() as f64;
    values
        .iter()
        .map(|y| (-0.5 * ((x - y) / h).powi(2)).exp() / (2.0 * std::f64::consts::PI).sqrt())
        .sum::<f64>()
        / (n * h)
}

#[test]
fn silverman_by_hand() {
    // 1..=5: sd = √2.5 = 1.5811388; quartiles 2 and 4, IQR/1.34 = 1.4925373;
    // h = 0.9 · 1.4925373 · 5^(−0.2) = 1.3432836 · 0.7247797 = 0.9735846.
    let h = silverman(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    assert!((h - 0.9 * (2.0 / 1.34) * 5f64.powf(-0.2)).abs() < 1e-15);
    assert!((h - 0.973_584_6).abs() < 1e-6);
    // IQR 0 (most values equal): sd alone. 0,0,0,0,10: sd = √20.
    let h = silverman(&[0.0, 0.0, 0.0, 0.0, 10.0]).unwrap();
    assert!((h - 0.9 * 20f64.sqrt() * 5f64.powf(-0.2)).abs() < 1e-12);
    assert_eq!(silverman(&[3.0, 3.0, 3.0]), None);
    assert_eq!(silverman(&[3.0]), None);
    assert_eq!(silverman(&[]), None);
}

#[test]
fn matches_the_formula_and_integrates_to_one() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let a: Vec<Option<f64>> = (0..300).map(|_| Some(rng.random::<f64>() * 50.0)).collect();
    let b: Vec<Option<f64>> = (0..300).map(|_| Some(30.0 + rng.random::<f64>() * 40.0)).collect();
    let data = [("2021", a), ("2022", b)];
    let names = ids(300);
    let mut warnings = Vec::new();
    let d = density(&panel(&data, &names), 200, &mut warnings).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(d.x.len(), 200);
    let hs: Vec<f64> = d.periods.iter().map(|p| p.bandwidth.unwrap()).collect();
    let h = hs[0].max(hs[1]);
    let all: Vec<f64> = data.iter().flat_map(|(_, v)| v.iter().flatten().copied()).collect();
    let (lo, hi) = stats::min_max(&all).unwrap();
    assert_eq!(d.x[0], lo - 3.0 * h);
    assert_eq!(d.x[199], hi + 3.0 * h);
    for (p, (_, values)) in d.periods.iter().zip(&data) {
        let values: Vec<f64> = values.iter().flatten().copied().collect();
        let peak = p.density.iter().copied().fold(0.0, f64::max);
        for (x, f) in d.x.iter().zip(&p.density) {
            let want = direct(&values, p.bandwidth.unwrap(), *x);
            assert!((f - want).abs() <= 1e-9 * peak, "{x}: {f} vs {want}");
        }
        // Trapezoid rule over the grid (±3h of the data holds all but
        // ~0.3 % of each kernel's mass at the ends, which is near no data
        // except the pooled extremes): ∫ f ≈ 1.
        let dx = d.x[1] - d.x[0];
        let integral: f64 = p.density.windows(2).map(|w| (w[0] + w[1]) / 2.0 * dx).sum();
        assert!((integral - 1.0).abs() < 1e-2, "integral {integral}");
    }
}

#[test]
fn integrates_to_one_within_1e3_on_a_wide_grid() {
    // One period in the middle of a wider panel: the grid reaches far past
    // its values, so its whole mass is on the grid.
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let a: Vec<Option<f64>> = (0..200).map(|_| Some(40.0 + rng.random::<f64>() * 20.0)).collect();
    let mut b: Vec<Option<f64>> = (0..200).map(|_| Some(rng.random::<f64>() * 100.0)).collect();
    b[0] = Some(0.0);
    b[1] = Some(100.0);
    let data = [("a", a), ("b", b)];
    let names = ids(200);
    let d = density(&panel(&data, &names), 512, &mut Vec::new()).unwrap();
    let dx = d.x[1] - d.x[0];
    let f = &d.periods[0].density;
    let integral: f64 = f.windows(2).map(|w| (w[0] + w[1]) / 2.0 * dx).sum();
    assert!((integral - 1.0).abs() < 1e-3, "integral {integral}");
}

#[test]
fn same_bytes_at_any_thread_count() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let values: Vec<f64> = {
        let mut v: Vec<f64> = (0..20_000).map(|_| rng.random::<f64>() * 1e3).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let h = silverman(&values).unwrap();
    let x: Vec<f64> = (0..256).map(|i| -50.0 + i as f64 * 4.3).collect();
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let four = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
    let a = one.install(|| evaluate(&values, h, &x));
    let b = four.install(|| evaluate(&values, h, &x));
    assert_eq!(
        a.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        b.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
}

#[test]
fn two_clusters_two_peaks() {
    let mut values: Vec<Option<f64>> = (0..50).map(|i| Some(10.0 + (i % 5) as f64 * 0.1)).collect();
    values.extend((0..50).map(|i| Some(50.0 + (i % 5) as f64 * 0.1)));
    let data = [("2020", values)];
    let names = ids(100);
    let d = density(&panel(&data, &names), 400, &mut Vec::new()).unwrap();
    let peaks = &d.periods[0].peaks;
    assert_eq!(peaks.len(), 2, "{peaks:?}");
    assert!(
        (peaks[0].0 - 10.2).abs() < 2.0 && (peaks[1].0 - 50.2).abs() < 2.0,
        "{peaks:?}"
    );
}

#[test]
fn peaks_on_plateaus_and_small_bumps() {
    let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
    // A plateau at 2..=3 (one peak at 2.5), a bump at 6 below 10 % of the top.
    let f = [0.0, 1.0, 5.0, 5.0, 1.0, 0.2, 0.4, 0.1];
    assert_eq!(peaks(&x, &f), vec![(2.5, 5.0)]);
    // A shoulder (plateau then rise) is no peak; the grid's end counts as lower.
    let f = [3.0, 2.0, 2.0, 4.0, 1.0, 1.0, 1.0, 1.0];
    assert_eq!(peaks(&x, &f), vec![(0.0, 3.0), (3.0, 4.0)]);
    assert!(peaks(&[], &[]).is_empty());
}

#[test]
fn single_points_and_empty_periods() {
    let data = [
        ("a", vec![Some(2.0), Some(2.0), Some(2.0)]),
        ("b", vec![None, None, None]),
        ("c", vec![Some(1.0), Some(4.0), None]),
    ];
    let names = ids(3);
    let mut warnings = Vec::new();
    let d = density(&panel(&data, &names), 16, &mut warnings).unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("single point"));
    assert!(warnings[1].contains("no unit has a value"));
    assert_eq!(d.periods[0].bandwidth, None);
    assert!(d.periods[0].density.is_empty() && d.periods[1].density.is_empty());
    assert_eq!(d.periods[1].n, 0);
    assert_eq!(d.periods[2].density.len(), 16);
    // The grid spans the pooled values of every period, single points too.
    let h = d.periods[2].bandwidth.unwrap();
    assert_eq!(d.x[0], 1.0 - 3.0 * h);
    // No bandwidth anywhere: no grid.
    let data = [("a", vec![Some(2.0)])];
    let d = density(&panel(&data, &names), 16, &mut Vec::new()).unwrap();
    assert!(d.x.is_empty());
    assert!(density(&panel(&data, &names), 1, &mut Vec::new()).is_err());
}

#[test]
#[ignore = "timing: cargo test --release -- --ignored density_speed"]
fn density_speed() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let values: Vec<Option<f64>> = (0..1_000_000).map(|_| Some(rng.random::<f64>() * 100.0)).collect();
    let data = [("2021", values)];
    let names = ids(1_000_000);
    let start = std::time::Instant::now();
    let d = density(&panel(&data, &names), 256, &mut Vec::new()).unwrap();
    eprintln!("a million values at 256 points: {:?}", start.elapsed());
    assert_eq!(d.periods[0].density.len(), 256);
}
