//! `linkscore spatial`: the seeded permutation p-values (determinism, thread
//! independence, Monte Carlo bands around the normal p and the exact
//! enumeration) and random weighted edge lists against the dense reference.
//! Fixtures and the reference are in `spatial.rs`.

use crate::spatial::{
    ONE, check_units, close, data_csv, dense, gal, global_row, lattice, p_normal, reference, spatial,
};
use crate::support::{self, ok, read_csv, write};

/// A 10×10 rook lattice (ids `u00`…`u99`) and values: a smooth gradient
/// (strong autocorrelation) or a weak one buried in noise.
fn big_lattice(noise: f64) -> (Vec<String>, Vec<f64>, Vec<Vec<usize>>) {
    let ids = (0..100).map(|k| format!("u{k:02}")).collect();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let y = (0..100)
        .map(|k| ((k / 10) + (k % 10)) as f64 + noise * next())
        .collect();
    let neighbours = (0..100usize)
        .map(|k| {
            let (r, c) = (k / 10, k % 10);
            let mut list = Vec::new();
            if r > 0 {
                list.push(k - 10);
            }
            if c > 0 {
                list.push(k - 1);
            }
            if c < 9 {
                list.push(k + 1);
            }
            if r < 9 {
                list.push(k + 10);
            }
            list
        })
        .collect();
    (ids, y, neighbours)
}

#[test]
fn permutations_are_seeded_and_thread_independent() {
    let (ids, y, neighbours) = big_lattice(2.0);
    let dir = support::tmp();
    let d = dir.path();
    write(d, "b.csv", data_csv(&ids, &y));
    write(d, "b.gal", gal(&ids, &neighbours));
    write(d, "one.toml", ONE);
    let args = |seed: &'static str, global: bool| {
        let mut a = vec![
            "spatial",
            "b.csv",
            "-r",
            "one.toml",
            "--neighbours",
            "b.gal",
            "--seed",
            seed,
        ];
        if global {
            a.push("--global");
        }
        a
    };
    for global in [false, true] {
        let one = support::cli_output_at(d, 1, &args("7", global));
        assert_eq!(
            one,
            support::cli_output_at(d, 1, &args("7", global)),
            "same seed, same bytes"
        );
        assert_eq!(
            one,
            support::cli_output_at(d, 2, &args("7", global)),
            "1 and 2 threads agree"
        );
    }
    // Another seed changes local pseudo p-values somewhere (999 draws).
    let a = support::cli_output_at(d, 2, &args("7", false));
    let b = support::cli_output_at(d, 2, &args("8", false));
    assert_ne!(a, b, "seeds 7 and 8 give the same local p-values");
}

#[test]
fn permutation_p_falls_in_a_monte_carlo_band() {
    // Strong autocorrelation: the normal p is astronomically small, so no
    // permutation of 999 reaches the observed I and p_sim = 1/1000 at any seed.
    let (ids, y, neighbours) = big_lattice(2.0);
    let dir = support::tmp();
    let d = dir.path();
    write(d, "b.csv", data_csv(&ids, &y));
    write(d, "b.gal", gal(&ids, &neighbours));
    let r = reference(&y, &dense(&neighbours, false));
    assert!(r.z > 8.0, "the fixture is strongly autocorrelated: z = {}", r.z);
    for seed in ["1", "2", "3"] {
        let g = global_row(d, &["b.csv", "--neighbours", "b.gal", "--seed", seed]);
        close(support::number(&g, "z_norm"), r.z, 1e-10, "z");
        assert_eq!(support::number(&g, "p_sim"), 0.001, "seed {seed}: {g:?}");
    }
    // Weak autocorrelation: the folded p_sim estimates one tail, about half
    // the two-sided normal p; 4 binomial standard errors and a margin for the
    // normal approximation of the permutation distribution.
    let (ids, y, neighbours) = big_lattice(22.0);
    write(d, "w.csv", data_csv(&ids, &y));
    let r = reference(&y, &dense(&neighbours, false));
    let tail = p_normal(r.z) / 2.0;
    assert!(
        (0.01..0.3).contains(&tail),
        "the weak fixture's one tail is moderate: {tail} (z = {})",
        r.z
    );
    let sd = (tail * (1.0 - tail) / 999.0).sqrt();
    let mut seen = Vec::new();
    for seed in ["1", "2", "3", "4"] {
        let g = global_row(d, &["w.csv", "--neighbours", "b.gal", "--seed", seed]);
        let p_sim = support::number(&g, "p_sim");
        assert!(
            (p_sim - tail).abs() <= 4.0 * sd + 0.25 * tail,
            "seed {seed}: p_sim {p_sim} vs one normal tail {tail} (sd {sd})"
        );
        seen.push(p_sim);
    }
    assert!(
        seen.windows(2).any(|w| w[0] != w[1]),
        "four seeds give one p_sim: {seen:?}"
    );
}

/// Every permutation of `items` (Heap's algorithm).
fn permutations(items: &mut [f64], k: usize, out: &mut Vec<Vec<f64>>) {
    if k <= 1 {
        out.push(items.to_vec());
        return;
    }
    for i in 0..k {
        permutations(items, k - 1, out);
        let j = if k.is_multiple_of(2) { i } else { 0 };
        items.swap(j, k - 1);
    }
}

/// The folded permutation p SPEC defines, for R draws, estimates
/// min(q, 1 − q) with q = P(permuted ≥ observed); checks `p_sim` against the
/// exact q range (ties within 1e-12 either way) with 4 binomial standard
/// errors and the +1s of (M + 1)/(R + 1).
fn in_band(p_sim: f64, q_low: f64, q_high: f64, draws: f64, what: &str) {
    let ok = [q_low, q_high].iter().chain(&[(q_low + q_high) / 2.0]).any(|&q| {
        let target = q.min(1.0 - q);
        let sd = (q * (1.0 - q) / draws).sqrt();
        (p_sim - target).abs() <= 4.0 * sd + 2.0 / draws
    });
    assert!(ok, "{what}: p_sim {p_sim}, exact q in [{q_low}, {q_high}]");
}

#[test]
fn permutation_p_values_match_exact_enumeration() {
    // The 2×3 lattice with uneven values: all 720 permutations give the exact
    // distribution of I; the conditional permutations of unit 1 (its value
    // fixed, its two neighbours drawn from the five others) are the 10 pairs.
    let (ids, _, neighbours) = lattice();
    let y = vec![1.3, 2.9, 0.4, 5.5, 3.1, 7.7];
    let dir = support::tmp();
    let d = dir.path();
    write(d, "l.csv", data_csv(&ids, &y));
    write(d, "l.gal", gal(&ids, &neighbours));
    let w = dense(&neighbours, false);
    let observed = reference(&y, &w).i;
    let mut all = Vec::new();
    permutations(&mut y.clone(), 6, &mut all);
    assert_eq!(all.len(), 720);
    let is: Vec<f64> = all.iter().map(|p| reference(p, &w).i).collect();
    let q_low = is.iter().filter(|i| **i > observed + 1e-12).count() as f64 / 720.0;
    let q_high = is.iter().filter(|i| **i >= observed - 1e-12).count() as f64 / 720.0;
    let draws = 9999.0;
    for seed in ["1", "2"] {
        let g = global_row(
            d,
            &[
                "l.csv",
                "--neighbours",
                "l.gal",
                "--permutations",
                "9999",
                "--seed",
                seed,
            ],
        );
        assert_eq!(g["permutations"], "9999");
        in_band(support::number(&g, "p_sim"), q_low, q_high, draws, "global p_sim");
    }

    let mean = y.iter().sum::<f64>() / 6.0;
    let z: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let rows = read_csv(
        &ok(spatial(
            d,
            &["l.csv", "--neighbours", "l.gal", "--permutations", "9999"],
        ))
        .stdout,
    );
    for (unit, id) in ids.iter().enumerate() {
        let k = neighbours[unit].len();
        let others: Vec<usize> = (0..6).filter(|&j| j != unit).collect();
        let observed_lag: f64 = neighbours[unit].iter().map(|&j| z[j]).sum::<f64>() / k as f64;
        let observed = z[unit] * observed_lag;
        // Every k-subset of the others (row-standardized: equal weights).
        let mut lisas = Vec::new();
        for mask in 0u32..(1 << 5) {
            if mask.count_ones() as usize == k {
                let lag: f64 = (0..5)
                    .filter(|b| mask & (1 << b) != 0)
                    .map(|b| z[others[b]])
                    .sum::<f64>()
                    / k as f64;
                lisas.push(z[unit] * lag);
            }
        }
        let total = lisas.len() as f64;
        let q_low = lisas.iter().filter(|i| **i > observed + 1e-12).count() as f64 / total;
        let q_high = lisas.iter().filter(|i| **i >= observed - 1e-12).count() as f64 / total;
        in_band(
            support::num(&rows, id, "p_sim"),
            q_low,
            q_high,
            draws,
            &format!("local p_sim of {id}"),
        );
    }
}

#[test]
fn random_weighted_edge_lists_match_the_dense_reference() {
    // Random values and random directed, weighted neighbour lists (a few
    // islands among them), written as an edge list `id,neighbour,weight`:
    // row-standardized w_ij = weight_ij / Σ_j weight_ij, binary w_ij = 1.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let dir = support::tmp();
    let d = dir.path();
    for round in 0..4 {
        let n = 12 + 7 * round;
        let ids: Vec<String> = (0..n).map(|k| format!("r{round}u{k}")).collect();
        let y: Vec<f64> = (0..n).map(|_| (next() * 1000.0).round() / 10.0).collect();
        let mut raw = vec![vec![0.0; n]; n];
        let mut edges = String::from("id,neighbour,weight\n");
        for i in 0..n {
            for j in 0..n {
                if i != j && next() < 0.2 {
                    let weight = 1.0 + (next() * 40.0).round() / 8.0;
                    raw[i][j] = weight;
                    edges.push_str(&format!("{},{},{weight}\n", ids[i], ids[j]));
                }
            }
        }
        write(d, "r.csv", data_csv(&ids, &y));
        write(d, "r-edges.csv", edges);
        let row: Vec<Vec<f64>> = raw
            .iter()
            .map(|r| {
                let sum: f64 = r.iter().sum();
                r.iter().map(|w| if sum > 0.0 { w / sum } else { 0.0 }).collect()
            })
            .collect();
        let binary: Vec<Vec<f64>> = raw
            .iter()
            .map(|r| r.iter().map(|w| f64::from(u8::from(*w > 0.0))).collect())
            .collect();
        for (transform, w) in [("row", &row), ("binary", &binary)] {
            let r = reference(&y, w);
            let args = ["r.csv", "--neighbours", "r-edges.csv", "--transform", transform];
            let g = global_row(d, &args);
            let what = format!("round {round} {transform}");
            close(support::number(&g, "moran_i"), r.i, 1e-12, &format!("{what} I"));
            close(
                support::number(&g, "expected_i"),
                r.expected,
                1e-12,
                &format!("{what} E[I]"),
            );
            close(
                support::number(&g, "variance_norm"),
                r.var,
                1e-12,
                &format!("{what} Var"),
            );
            close(support::number(&g, "z_norm"), r.z, 1e-12, &format!("{what} z"));
            let rows = read_csv(&ok(spatial(d, &args)).stdout);
            check_units(&rows, &ids, &y, &r, &what);
        }
    }
}
