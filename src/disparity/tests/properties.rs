//! Property tests (proptest) of the disparity figures (issue 17): G in
//! [0, 1), shares that sum to 1, every index unchanged when y is scaled,
//! and one group's G_w equal to G.

use super::super::*;
use proptest::collection::vec;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Positive values (Theil defined) with their groups 0..k, every group used.
fn grouped() -> impl Strategy<Value = (Vec<f64>, Vec<usize>)> {
    (1usize..5).prop_flat_map(|k| {
        vec((0.01f64..1000.0, 0..k), k..60).prop_map(move |pairs| {
            let mut values: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let mut groups: Vec<usize> = pairs.iter().map(|p| p.1).collect();
            // Every group index below k has a unit: the first k units take them.
            for g in 0..k {
                if let Some(slot) = groups.get_mut(g) {
                    *slot = g;
                }
            }
            // Some ties across groups.
            if let Some(&first) = values.first()
                && let Some(last) = values.last_mut()
            {
                *last = first;
            }
            values.truncate(groups.len());
            (values, groups)
        })
    })
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-10 * a.abs().max(b.abs()).max(1e-12)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn gini_is_in_zero_to_one_and_the_shares_sum_to_one((values, groups) in grouped()) {
        let d = disparity(&values, Some(&groups)).expect("valid input");
        let dagum = d.dagum.expect("positive values");
        prop_assert!((0.0..1.0).contains(&dagum.gini), "G = {}", dagum.gini);
        prop_assert!(dagum.identity_holds());
        if let Some(s) = dagum.shares {
            prop_assert!(close(s.within + s.between + s.transvariation, 1.0));
            prop_assert!(s.within >= 0.0 && s.between >= -1e-15 && s.transvariation >= 0.0);
        }
        for pair in &dagum.pairs {
            prop_assert!((0.0..=1.0).contains(&pair.affluence), "D = {}", pair.affluence);
        }
    }

    #[test]
    fn scaling_the_values_leaves_every_index_unchanged((values, groups) in grouped(), c in 1e-6f64..1e6) {
        let a = disparity(&values, Some(&groups)).expect("valid input");
        let scaled: Vec<f64> = values.iter().map(|v| v * c).collect();
        let b = disparity(&scaled, Some(&groups)).expect("valid input");
        let (da, db) = (a.dagum.expect("dagum"), b.dagum.expect("dagum"));
        for (x, y) in [
            (da.gini, db.gini),
            (da.within, db.within),
            (da.between, db.between),
            (da.transvariation, db.transvariation),
        ] {
            prop_assert!(close(x, y), "{x} vs {y}");
        }
        for (x, y) in da.pairs.iter().zip(&db.pairs) {
            prop_assert!(close(x.gini, y.gini) && close(x.affluence, y.affluence));
        }
        let (ta, tb) = (a.theil.expect("theil"), b.theil.expect("theil"));
        for (x, y) in [(ta.t, tb.t), (ta.t_between, tb.t_between), (ta.l, tb.l), (ta.l_within, tb.l_within)] {
            // Theil sums terms of order one that cancel to the index: its
            // rounding is absolute (a few ulps of 1 per unit), not relative.
            prop_assert!((x - y).abs() <= 1e-10 * x.abs() + 1e-13, "{x} vs {y}");
        }
        match (a.cv, b.cv) {
            (Some(x), Some(y)) => prop_assert!(close(x, y)),
            (x, y) => prop_assert_eq!(x.is_some(), y.is_some()),
        }
    }

    #[test]
    fn one_group_gives_within_equal_to_overall(values in vec(0.01f64..1000.0, 1..60)) {
        let groups = vec![0; values.len()];
        let d = disparity(&values, Some(&groups)).expect("valid input");
        let dagum = d.dagum.expect("dagum");
        prop_assert!(close(dagum.within, dagum.gini));
        prop_assert_eq!(dagum.between, 0.0);
        prop_assert_eq!(dagum.transvariation, 0.0);
        let theil = d.theil.expect("theil");
        prop_assert!((theil.t_between).abs() <= 1e-12 && (theil.l_between).abs() <= 1e-12);
    }
}
