use super::*;
use rand::Rng;

/// The 2×3 lattice, units numbered row by row:
///
/// ```text
/// 0 1 2
/// 3 4 5
/// ```
///
/// with rook neighbours (a common edge): 0: 1 3; 1: 0 2 4; 2: 1 5;
/// 3: 0 4; 4: 1 3 5; 5: 2 4.
fn lattice(binary: bool) -> Weights {
    let neighbours: [&[usize]; 6] = [&[1, 3], &[0, 2, 4], &[1, 5], &[0, 4], &[1, 3, 5], &[2, 4]];
    let rows = neighbours
        .iter()
        .map(|row| {
            let w = if binary { 1.0 } else { 1.0 / row.len() as f64 };
            row.iter().map(|&j| (j, w)).collect()
        })
        .collect();
    Weights::from_rows(rows)
}

const Y: [f64; 6] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300)
}

fn settings(permutations: usize, seed: u64) -> Settings {
    Settings {
        permutations,
        seed,
        alpha: 0.05,
    }
}

/// Worked by hand. y = 1..6, ȳ = 3.5, z = −2.5 −1.5 −0.5 0.5 1.5 2.5,
/// Σz² = 6.25 + 2.25 + 0.25 + 0.25 + 2.25 + 6.25 = 17.5; n = 6.
///
/// Binary weights. S0 = 2+3+2+2+3+2 = 14 links. Σ_ij w_ij z_i z_j is twice
/// the sum over the 7 edges: (0,1) 3.75, (1,2) 0.75, (0,3) −1.25,
/// (1,4) −2.25, (2,5) −1.25, (3,4) 0.75, (4,5) 3.75 → 4.25, so 8.5.
/// I = (6/14)·8.5/17.5 = 51/245. E[I] = −1/5.
/// S1 = ½·14·(1+1)² = 28; S2 = Σ (2k_i)² = 4·(4+9+4+4+9+4) = 136.
/// Var = (36·28 − 6·136 + 3·14²)/(35·14²) − 1/25 = 780/6860 − 1/25
///     = 39/343 − 1/25 = 632/8575.
/// z = (51/245 + 1/5)/√(632/8575) = (100/245)/√(632/8575).
#[test]
fn lattice_binary_by_hand() {
    let m = moran(&Y, &lattice(true), &settings(0, 1)).unwrap();
    let g = m.global.unwrap();
    assert_eq!(g.n, 6);
    assert!(close(g.i, 51.0 / 245.0, 1e-14), "{}", g.i);
    assert!(close(g.expected, -0.2, 1e-15));
    assert!(close(g.variance_norm, 632.0 / 8575.0, 1e-13), "{}", g.variance_norm);
    let z = (100.0 / 245.0) / (632.0f64 / 8575.0).sqrt();
    assert!(close(g.z_norm.unwrap(), z, 1e-13));
    assert_eq!(g.p_sim, None);
    assert_eq!(g.permutations, 0);
    assert!(close(lattice(true).s1(), 28.0, 1e-15));
    assert!(close(lattice(true).s2(), 136.0, 1e-15));
}

/// Row-standardized weights, same data. Lags (Σ_j w_ij z_j):
/// 0: (−1.5+0.5)/2 = −0.5; 1: (−2.5−0.5+1.5)/3 = −0.5; 2: (−1.5+2.5)/2 = 0.5;
/// 3: (−2.5+1.5)/2 = −0.5; 4: (−1.5+0.5+2.5)/3 = 0.5; 5: (−0.5+1.5)/2 = 0.5.
/// Σ z_i lag_i = 1.25 + 0.75 − 0.25 − 0.25 + 0.75 + 1.25 = 3.5; S0 = 6;
/// I = (6/6)·3.5/17.5 = 0.2.
/// S1: w_ij + w_ji per edge: (0,1) ½+⅓ = ⅚, (1,2) ⅚, (0,3) 1, (1,4) ⅔,
/// (2,5) 1, (3,4) ⅚, (4,5) ⅚; S1 = ½·2·(4·25/36 + 2 + 4/9) = 47/9.
/// S2: every row sums to 1; columns sum to ⅚ 4/3 ⅚ ⅚ 4/3 ⅚;
/// S2 = 4·(11/6)² + 2·(7/3)² = 121/9 + 98/9 = 219/9.
/// Var = (36·47/9 − 6·219/9 + 3·36)/(35·36) − 1/25 = 150/1260 − 1/25
///     = 83/1050.
/// Local: I_0 = 5·(−2.5)(−0.5)/17.5 = 5/14 (LL), I_2 = 5·(−0.5)(0.5)/17.5
/// = −1/14 (LH), I_3 = −1/14 (HL), I_5 = 5/14 (HH).
#[test]
fn lattice_row_standardized_by_hand() {
    let w = lattice(false);
    assert!(close(w.s1(), 47.0 / 9.0, 1e-14));
    assert!(close(w.s2(), 219.0 / 9.0, 1e-14));
    let m = moran(&Y, &w, &settings(0, 1)).unwrap();
    let g = m.global.unwrap();
    assert!(close(g.i, 0.2, 1e-14), "{}", g.i);
    assert!(close(g.variance_norm, 83.0 / 1050.0, 1e-13));
    let lags = [-0.5, -0.5, 0.5, -0.5, 0.5, 0.5];
    for (u, lag) in m.units.iter().zip(lags) {
        assert!(close(u.lag, lag, 1e-14));
    }
    let expect = [
        (0, 5.0 / 14.0, Quadrant::LL),
        (2, -1.0 / 14.0, Quadrant::LH),
        (3, -1.0 / 14.0, Quadrant::HL),
        (5, 5.0 / 14.0, Quadrant::HH),
    ];
    for (k, i, q) in expect {
        assert!(close(m.units[k].local_i.unwrap(), i, 1e-14));
        assert_eq!(m.units[k].quadrant, Some(q));
        assert_eq!(m.units[k].cluster, None, "no permutations, no cluster");
    }
}

/// Moran's I written from SPEC's formulas on a dense matrix: (I, E, Var, z, local I).
fn dense(y: &[f64], w: &Weights) -> (f64, f64, f64, f64, Vec<Option<f64>>) {
    let n = y.len();
    let mut m = vec![vec![0.0; n]; n];
    for (i, row) in w.rows().iter().enumerate() {
        for &(j, v) in row {
            m[i][j] = v;
        }
    }
    let nf = n as f64;
    let mean = y.iter().sum::<f64>() / nf;
    let z: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let (mut s0, mut s1, mut s2, mut cross) = (0.0, 0.0, 0.0, 0.0);
    for i in 0..n {
        let (mut row, mut col) = (0.0, 0.0);
        for j in 0..n {
            s0 += m[i][j];
            s1 += (m[i][j] + m[j][i]).powi(2);
            cross += m[i][j] * z[i] * z[j];
            row += m[i][j];
            col += m[j][i];
        }
        s2 += (row + col).powi(2);
    }
    s1 /= 2.0;
    let m2: f64 = z.iter().map(|v| v * v).sum();
    let i = nf / s0 * cross / m2;
    let e = -1.0 / (nf - 1.0);
    let var = (nf * nf * s1 - nf * s2 + 3.0 * s0 * s0) / ((nf * nf - 1.0) * s0 * s0) - e * e;
    let local = (0..n)
        .map(|i| {
            let lag: f64 = (0..n).map(|j| m[i][j] * z[j]).sum();
            w.row(i).first().map(|_| (nf - 1.0) * z[i] * lag / m2)
        })
        .collect();
    (i, e, var, (i - e) / var.sqrt(), local)
}

/// Random values, and random asymmetric neighbour lists (some units islands).
fn random_case(rng: &mut ChaCha8Rng, n: usize, binary: bool) -> (Vec<f64>, Weights) {
    let y: Vec<f64> = (0..n).map(|_| rng.random_range(-50.0..150.0)).collect();
    let rows = (0..n)
        .map(|i| {
            let k = if rng.random_range(0..10) == 0 {
                0
            } else {
                rng.random_range(1..8)
            };
            let mut row: Vec<(usize, f64)> = (0..k)
                .map(|_| {
                    (
                        rng.random_range(0..n),
                        if binary { 1.0 } else { rng.random_range(0.1..3.0) },
                    )
                })
                .filter(|&(j, _)| j != i)
                .collect();
            row.sort_by_key(|r| r.0);
            row.dedup_by_key(|r| r.0);
            if !binary {
                let s: f64 = row.iter().map(|r| r.1).sum();
                row.iter_mut().for_each(|r| r.1 /= s);
            }
            row
        })
        .collect();
    (y, Weights::from_rows(rows))
}

#[test]
fn agrees_with_dense_matrices() {
    let mut rng = ChaCha8Rng::seed_from_u64(19);
    for case in 0..40 {
        let n = rng.random_range(5..80);
        let (y, w) = random_case(&mut rng, n, case % 2 == 0);
        let m = moran(&y, &w, &settings(0, 1)).unwrap();
        let g = m.global.unwrap();
        let (i, e, var, z, local) = dense(&y, &w);
        assert!(close(g.i, i, 1e-12), "case {case}: {} vs {i}", g.i);
        assert!(close(g.expected, e, 1e-12));
        assert!(
            close(g.variance_norm, var, 1e-12),
            "case {case}: {} vs {var}",
            g.variance_norm
        );
        assert!(close(g.z_norm.unwrap(), z, 1e-12));
        let p = 2.0 * (1.0 - Normal::standard().cdf(z.abs()));
        assert!((g.p_norm.unwrap() - p).abs() < 1e-12);
        for (u, d) in m.units.iter().zip(local) {
            match (u.local_i, d) {
                (Some(a), Some(b)) => assert!(close(a, b, 1e-12) || (a - b).abs() < 1e-12),
                (a, b) => assert_eq!(a.is_some(), b.is_some()),
            }
        }
    }
}

#[test]
fn equal_values_and_no_neighbours_have_no_statistics() {
    let m = moran(&[3.0; 6], &lattice(false), &settings(99, 1)).unwrap();
    assert_eq!(m.global, None);
    assert!(
        m.units
            .iter()
            .all(|u| u.local_i.is_none() && u.cluster.is_none() && u.lag == 0.0)
    );
    assert!(m.warnings[0].contains("all equal"), "{:?}", m.warnings);
    let m = moran(&Y, &Weights::from_rows(vec![Vec::new(); 6]), &settings(99, 1)).unwrap();
    assert_eq!(m.global, None);
    assert!(m.warnings[0].contains("no unit has a neighbour"));
    assert!(moran(&Y[..5], &lattice(false), &settings(0, 1)).is_err());
}

#[test]
fn islands_count_in_n_and_have_no_local_statistic() {
    let mut rows: Vec<Vec<(usize, f64)>> = lattice(false).rows().to_vec();
    rows.push(Vec::new());
    let w = Weights::from_rows(rows);
    let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0];
    let m = moran(&y, &w, &settings(99, 3)).unwrap();
    let g = m.global.unwrap();
    assert_eq!(g.n, 7);
    assert!(close(g.expected, -1.0 / 6.0, 1e-15));
    let (i, ..) = dense(&y, &w);
    assert!(close(g.i, i, 1e-12));
    let island = &m.units[6];
    assert_eq!(
        (
            island.lag,
            island.local_i,
            island.p_sim,
            island.quadrant,
            island.cluster
        ),
        (0.0, None, None, None, None)
    );
    assert!(m.units[0].p_sim.is_some() && m.units[0].cluster.is_some());
}

#[test]
fn permutations_are_seeded_and_thread_count_free() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (y, w) = random_case(&mut rng, 300, false);
    let run = |threads: usize, seed: u64| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| moran(&y, &w, &settings(199, seed)).unwrap())
    };
    let one = run(1, 5);
    let two = run(2, 5);
    assert_eq!(one, two);
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
    assert_eq!(run(2, 5), two);
    let other = run(2, 6);
    assert_ne!(other.units, two.units, "another seed draws other permutations");
    let g = two.global.unwrap();
    assert_eq!(g.permutations, 199);
    let p = g.p_sim.unwrap();
    assert!(p > 0.0 && p <= 0.5 + 1e-12 && ((p * 200.0).round() - p * 200.0).abs() < 1e-9);
}

#[test]
fn folding_counts_the_smaller_tail() {
    assert!(close(folded_p(0, 99), 0.01, 1e-15));
    assert!(close(folded_p(99, 99), 0.01, 1e-15));
    assert!(close(folded_p(30, 99), 0.31, 1e-15));
    assert!(close(folded_p(70, 99), 0.30, 1e-15));
}

/// All permutations of 0..n (Heap's algorithm).
fn all_orders(n: usize) -> Vec<Vec<usize>> {
    fn heap(k: usize, a: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if k <= 1 {
            out.push(a.clone());
            return;
        }
        for i in 0..k {
            heap(k - 1, a, out);
            let j = if k.is_multiple_of(2) { i } else { 0 };
            a.swap(j, k - 1);
        }
    }
    let mut out = Vec::new();
    heap(n, &mut (0..n).collect(), &mut out);
    out
}

/// On the 6-unit lattice every permutation can be listed (720): the
/// sampled p must fall in a Monte Carlo band (4 standard errors) around
/// the exact folded tail, globally and for every unit.
#[test]
fn permutation_p_falls_in_the_monte_carlo_band() {
    let y = [3.0, 1.0, 4.0, 1.5, 5.0, 9.0];
    let w = lattice(false);
    let r = 20_000;
    let m = moran(&y, &w, &settings(r, 11)).unwrap();
    let mean = y.iter().sum::<f64>() / 6.0;
    let z: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let m2: f64 = z.iter().map(|v| v * v).sum();
    let g = m.global.clone().unwrap();
    let orders = all_orders(6);
    let tail = |count: usize, total: usize| count as f64 / total as f64;
    let band = |q: f64| 4.0 * (q * (1.0 - q) / r as f64).sqrt() + 2.0 / r as f64;
    let larger = orders
        .iter()
        .filter(|o| {
            let p: Vec<f64> = o.iter().map(|&k| z[k]).collect();
            statistic(&w, &p, w.s0(), m2) >= g.i
        })
        .count();
    let q = tail(larger, orders.len());
    let exact = q.min(1.0 - q);
    assert!(
        (g.p_sim.unwrap() - exact).abs() <= band(q),
        "global {} vs {exact}",
        g.p_sim.unwrap()
    );
    let scale = 5.0 / m2;
    for (i, unit) in m.units.iter().enumerate() {
        let row = w.row(i);
        let others: Vec<usize> = (0..6).filter(|&j| j != i).collect();
        // Every ordered draw of row.len() of the 5 others, equally likely.
        let draws: Vec<Vec<usize>> = all_orders(5)
            .into_iter()
            .map(|o| o.into_iter().take(row.len()).map(|k| others[k]).collect::<Vec<_>>())
            .collect();
        let larger = draws
            .iter()
            .filter(|d| {
                let lag: f64 = row.iter().zip(d.iter()).fold(0.0, |s, (&(_, w), &j)| s + w * z[j]);
                scale * z[i] * lag >= unit.local_i.unwrap()
            })
            .count();
        let q = tail(larger, draws.len());
        let exact = q.min(1.0 - q);
        let p = unit.p_sim.unwrap();
        assert!((p - exact).abs() <= band(q), "unit {i}: {p} vs {exact}");
    }
}

/// A ring of 30 units (each with the two beside it): units with few
/// neighbours draw them one by one; every ordered pair of the 29 others
/// (812) can be listed, and each unit's sampled p must fall in the band.
#[test]
fn conditional_draws_of_few_neighbours_fall_in_the_band() {
    let n = 30;
    let rows = (0..n)
        .map(|i| vec![((i + n - 1) % n, 0.5), ((i + 1) % n, 0.5)])
        .collect();
    let w = Weights::from_rows(rows);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let y: Vec<f64> = (0..n)
        .map(|i| (i as f64 / 5.0).sin() * 10.0 + rng.random_range(0.0..3.0))
        .collect();
    let r = 20_000;
    let m = moran(&y, &w, &settings(r, 2)).unwrap();
    let mean = y.iter().sum::<f64>() / n as f64;
    let z: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let m2: f64 = z.iter().map(|v| v * v).sum();
    let scale = (n as f64 - 1.0) / m2;
    for (i, unit) in m.units.iter().enumerate() {
        let row = w.row(i);
        let (mut larger, mut total) = (0usize, 0usize);
        for a in (0..n).filter(|&a| a != i) {
            for b in (0..n).filter(|&b| b != i && b != a) {
                let lag = 0.0 + row[0].1 * z[a] + row[1].1 * z[b];
                larger += usize::from(scale * z[i] * lag >= unit.local_i.unwrap());
                total += 1;
            }
        }
        let q = larger as f64 / total as f64;
        let exact = q.min(1.0 - q);
        let band = 4.0 * (q * (1.0 - q) / r as f64).sqrt() + 2.0 / r as f64;
        let p = unit.p_sim.unwrap();
        assert!((p - exact).abs() <= band, "unit {i}: {p} vs {exact}");
    }
}
