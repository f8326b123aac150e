//! Tests of [`super`]: PySAL giddy's doctest, hand counts, reducible
//! chains, edge cases and properties.

use super::*;
use proptest::prelude::*;

/// A panel of `ids.len()` units over `values.len()` periods labelled 1, 2, ….
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
    (1..=n).map(|i| format!("{prefix}{i}")).collect()
}

fn cuts(c: &[f64]) -> Settings {
    Settings {
        cuts: c.to_vec(),
        ..Settings::default()
    }
}

fn close(a: &[f64], b: &[f64], tol: f64) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
}

#[test]
fn giddy_doctest() {
    // PySAL giddy, Markov's docstring: five units' classes over three
    // periods, c = [['b','a','c'], ['c','c','a'], ['c','b','c'],
    // ['a','a','b'], ['a','b','c']] (a row is a unit); m.p =
    // [[.25, .5, .25], [.3333, 0, .6667], [.3333, .3333, .3333]],
    // m.steady_state = [0.30769231, 0.28846154, 0.40384615].
    // Here a = 1, b = 2, c = 3 with --cuts 1.5,2.5.
    let units = [
        [2.0, 1.0, 3.0],
        [3.0, 3.0, 1.0],
        [3.0, 2.0, 3.0],
        [1.0, 1.0, 2.0],
        [1.0, 2.0, 3.0],
    ];
    let values: Vec<Vec<Option<f64>>> = (0..3).map(|t| units.iter().map(|u| Some(u[t])).collect()).collect();
    let (labels, ids) = (names("", 3), names("u", 5));
    let mut warnings = Vec::new();
    let m = markov(&panel(&labels, &ids, &values), &cuts(&[1.5, 2.5]), &mut warnings).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(m.from_cuts);
    assert_eq!(m.counts, vec![vec![1, 2, 1], vec![1, 0, 2], vec![1, 1, 1]]);
    let want = [
        [0.25, 0.5, 0.25],
        [1.0 / 3.0, 0.0, 2.0 / 3.0],
        [1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0],
    ];
    for (row, w) in m.probabilities.iter().zip(&want) {
        assert!(close(row, w, 1e-15), "{row:?}");
    }
    let pi = m.steady.unwrap();
    // Exactly 16/52, 15/52, 21/52.
    assert!(close(&pi, &[0.30769231, 0.28846154, 0.40384615], 1e-8), "{pi:?}");
    assert!(close(&pi, &[16.0 / 52.0, 15.0 / 52.0, 21.0 / 52.0], 1e-14), "{pi:?}");
    assert!(close(&m.initial, &[0.4, 0.2, 0.4], 1e-15));
    assert!(m.empty_rows.is_empty());
}

#[test]
fn hand_counted_quartiles_unbalanced_and_linked_by_id() {
    // Pooled values 1, 2, 3, 5, 6, 7, 8 (b's None is left out): quartile
    // boundaries (numpy) at virtual indices 1.5, 3, 4.5: 2.5, 5, 6.5.
    let p1 = PeriodValues {
        label: "2020",
        units: vec![
            ("a", None, Some(1.0)),
            ("b", None, Some(3.0)),
            ("c", None, Some(5.0)),
            ("d", None, Some(7.0)),
        ],
    };
    // Another order, b without a value, e new.
    let p2 = PeriodValues {
        label: "2021",
        units: vec![
            ("c", None, Some(8.0)),
            ("a", None, Some(2.0)),
            ("b", None, None),
            ("e", None, Some(6.0)),
        ],
    };
    let mut warnings = Vec::new();
    let m = markov(&[p1, p2], &Settings::default(), &mut warnings).unwrap();
    assert_eq!(m.boundaries, vec![2.5, 5.0, 6.5]);
    assert!(!m.from_cuts);
    // a: 0 → 0; c: 1 → 3 (5 is on a boundary: the lower class); b (no
    // value) and d, e (one period only) don't count.
    let mut want = vec![vec![0u64; 4]; 4];
    want[0][0] = 1;
    want[1][3] = 1;
    assert_eq!(m.counts, want);
    assert_eq!(m.empty_rows, vec![2, 3]);
    assert_eq!(m.probabilities[2], vec![0.0; 4]);
    assert_eq!(m.probabilities[1], vec![0.0, 0.0, 0.0, 1.0]);
    assert_eq!(m.initial, vec![0.25, 0.5, 0.0, 0.25]);
    // Classes 1, 3 (absorbing) and 4 (absorbing) are closed: no unique π.
    assert_eq!(m.steady, None);
    assert_eq!(closed_classes(&with_absorbing(&m.probabilities, &m.empty_rows)), 3);
    assert!(warnings.iter().any(|w| w.contains("classes 3, 4")), "{warnings:?}");
    assert!(
        warnings.iter().any(|w| w.contains("no unique steady state")),
        "{warnings:?}"
    );
}

#[test]
fn a_value_on_a_boundary_is_in_the_lower_class() {
    assert_eq!(class_of(&[1.0, 2.0], 1.0), 0);
    assert_eq!(class_of(&[1.0, 2.0], 1.5), 1);
    assert_eq!(class_of(&[1.0, 2.0], 2.0), 1);
    assert_eq!(class_of(&[1.0, 2.0], 2.5), 2);
    assert_eq!(class_of(&[], 2.5), 0);
}

#[test]
fn equal_quantiles_are_merged_with_a_warning() {
    let values = vec![vec![Some(0.0), Some(0.0), Some(0.0), Some(0.0), Some(1.0), Some(2.0)]];
    let (labels, ids) = (names("", 1), names("u", 6));
    let mut warnings = Vec::new();
    let m = markov(&panel(&labels, &ids, &values), &Settings::default(), &mut warnings).unwrap();
    // Quartiles of 0,0,0,0,1,2 (virtual indices 1.25, 2.5, 3.75): 0, 0,
    // 0.75 → boundaries 0, 0.75.
    assert_eq!(m.boundaries, vec![0.0, 0.75]);
    assert_eq!(m.counts.len(), 3);
    assert!(
        warnings.iter().any(|w| w.contains("3 classes instead of 4")),
        "{warnings:?}"
    );
}

#[test]
fn reducible_chain_has_no_steady_state() {
    // Two units stay low, two stay high: classes {1} and {2} both closed.
    let values = vec![
        vec![Some(1.0), Some(1.0), Some(9.0), Some(9.0)],
        vec![Some(1.0), Some(1.0), Some(9.0), Some(9.0)],
    ];
    let (labels, ids) = (names("", 2), names("u", 4));
    let mut warnings = Vec::new();
    let m = markov(&panel(&labels, &ids, &values), &cuts(&[5.0]), &mut warnings).unwrap();
    assert_eq!(m.probabilities, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
    assert_eq!(m.steady, None);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(closed_classes(&m.probabilities), 2);
}

#[test]
fn transient_states_get_zero() {
    // 1 → 2 always, 2 ↔ 3: class 1 is transient, {2, 3} the closed class.
    let p = vec![vec![0.0, 1.0, 0.0], vec![0.0, 0.5, 0.5], vec![0.0, 1.0, 0.0]];
    assert_eq!(closed_classes(&p), 1);
    let pi = steady_state(&p).unwrap();
    assert!(close(&pi, &[0.0, 2.0 / 3.0, 1.0 / 3.0], 1e-15), "{pi:?}");
    // Periodic but irreducible: unique π = (½, ½).
    let p = vec![vec![0.0, 1.0], vec![1.0, 0.0]];
    assert!(close(&steady_state(&p).unwrap(), &[0.5, 0.5], 1e-15));
}

#[test]
fn one_period_and_bad_settings() {
    let values = vec![vec![Some(1.0), Some(2.0), Some(3.0), Some(4.0)]];
    let (labels, ids) = (names("", 1), names("u", 4));
    let periods = panel(&labels, &ids, &values);
    let mut warnings = Vec::new();
    let m = markov(&periods, &Settings::default(), &mut warnings).unwrap();
    assert_eq!(m.empty_rows, vec![0, 1, 2, 3]);
    assert_eq!(m.steady, None);
    assert!(m.counts.iter().flatten().all(|&c| c == 0));
    let one = Settings {
        classes: 1,
        ..Settings::default()
    };
    assert_eq!(markov(&periods, &one, &mut Vec::new()).unwrap().steady, Some(vec![1.0]));
    for bad in [vec![2.0, 1.0], vec![1.0, 1.0], vec![f64::NAN], vec![1.0, f64::INFINITY]] {
        let e = markov(&periods, &cuts(&bad), &mut Vec::new()).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Usage, "{bad:?}");
    }
    let zero = Settings {
        classes: 0,
        ..Settings::default()
    };
    assert!(markov(&periods, &zero, &mut Vec::new()).is_err());
    let empty = vec![vec![None, None]];
    let e = markov(&panel(&labels, &ids, &empty), &Settings::default(), &mut Vec::new()).unwrap_err();
    assert_eq!(e.kind(), crate::error::ErrorKind::Data);
    // With cuts an empty panel is an empty chain.
    let m = markov(&panel(&labels, &ids, &empty), &cuts(&[1.0]), &mut Vec::new()).unwrap();
    assert_eq!(m.initial, vec![0.0, 0.0]);
}

proptest! {
    #[test]
    fn rows_sum_to_one_or_zero_and_pi_is_stationary(
        grid in proptest::collection::vec(proptest::collection::vec(proptest::option::weighted(0.9, 0.0..100.0f64), 12), 2..6),
        classes in 1usize..6,
    ) {
        let labels = names("", grid.len());
        let ids = names("u", 12);
        let settings = Settings { classes, ..Settings::default() };
        let periods = panel(&labels, &ids, &grid);
        let mut warnings = Vec::new();
        let Ok(m) = markov(&periods, &settings, &mut warnings) else {
            // Only a panel without any value fails.
            prop_assert!(grid.iter().flatten().all(|v| v.is_none()));
            return Ok(());
        };
        for (i, row) in m.probabilities.iter().enumerate() {
            let s: f64 = row.iter().sum();
            if m.empty_rows.contains(&i) {
                prop_assert_eq!(s, 0.0);
            } else {
                prop_assert!((s - 1.0).abs() < 1e-12);
            }
        }
        if let Some(pi) = &m.steady {
            prop_assert!((pi.iter().sum::<f64>() - 1.0).abs() <= 1e-9);
            let q = with_absorbing(&m.probabilities, &m.empty_rows);
            for j in 0..pi.len() {
                let back: f64 = (0..pi.len()).map(|i| pi[i] * q[i][j]).sum();
                prop_assert!((back - pi[j]).abs() <= 1e-9);
            }
        } else {
            prop_assert!(closed_classes(&with_absorbing(&m.probabilities, &m.empty_rows)) != 1
                || warnings.iter().any(|w| w.contains("could not be solved")));
        }
    }
}
