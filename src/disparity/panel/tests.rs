//! Tests of [`super`]: the panel's group order, units left out, warnings
//! and the identity check.

use super::*;
use crate::error::ErrorKind;

type Unit<'a> = (&'a str, Option<&'a str>, Option<f64>);

fn period<'a>(label: &'a str, units: &[Unit<'a>]) -> PeriodValues<'a> {
    PeriodValues {
        label,
        units: units.to_vec(),
    }
}

/// Two periods: 2021 has groups B, A (B first); 2022 has A, C (C new, B
/// absent), one unit without a value.
fn two_periods() -> Vec<PeriodValues<'static>> {
    vec![
        period(
            "2021",
            &[
                ("v1", Some("B"), Some(10.0)),
                ("v2", Some("A"), Some(20.0)),
                ("v3", Some("B"), Some(30.0)),
                ("v4", Some("A"), Some(40.0)),
            ],
        ),
        period(
            "2022",
            &[
                ("v1", Some("C"), Some(50.0)),
                ("v2", Some("A"), None),
                ("v3", Some("A"), Some(10.0)),
                ("v4", Some("C"), Some(60.0)),
                ("v5", Some("A"), Some(15.0)),
            ],
        ),
    ]
}

#[test]
fn groups_are_in_order_of_first_appearance_across_the_panel() {
    let p = panel(&two_periods(), true).unwrap();
    assert!(p.grouped);
    assert_eq!(p.groups, ["B", "A", "C"]);
    assert_eq!(p.group_name(2), Some("C"));
    assert_eq!(p.group_name(3), None);
    let labels: Vec<&str> = p.periods.iter().map(|q| q.label.as_str()).collect();
    assert_eq!(labels, ["2021", "2022"]);
    // 2021: B then A, as the panel orders them.
    assert_eq!(p.periods[0].groups, [0, 1]);
    let f = p.periods[0].figures.as_ref().unwrap();
    assert_eq!(f.groups[0].n, 2);
    assert_eq!(f.groups[0].mean, 20.0); // B: 10, 30
    assert_eq!(f.groups[1].mean, 30.0); // A: 20, 40
}

#[test]
fn a_group_absent_from_a_period_has_no_figures_there() {
    let p = panel(&two_periods(), true).unwrap();
    let q = &p.periods[1];
    // 2022: B is absent; its groups are A (panel 1) and C (panel 2).
    assert_eq!(q.groups, [1, 2]);
    assert_eq!(q.panel_group(0), Some(1));
    assert_eq!(q.panel_group(2), None);
    let f = q.figures.as_ref().unwrap();
    assert_eq!(f.groups.len(), 2);
    assert_eq!(f.groups[0].mean, 12.5); // A: 10, 15
    assert_eq!(f.groups[1].mean, 55.0); // C: 50, 60
    let dagum = f.dagum.as_ref().unwrap();
    assert_eq!(dagum.pairs.len(), 1);
    // C (local 1) is the richer: panel order C after A, pair (C, A).
    assert_eq!((dagum.pairs[0].richer, dagum.pairs[0].poorer), (1, 0));
}

#[test]
fn missing_values_are_counted_left_out_and_warned_about() {
    let p = panel(&two_periods(), true).unwrap();
    assert_eq!(p.periods[0].missing, 0);
    assert_eq!(p.periods[1].missing, 1);
    let f = p.periods[1].figures.as_ref().unwrap();
    assert_eq!(f.n, 4);
    assert_eq!(f.mean, 33.75);
    assert_eq!(
        p.warnings,
        ["period 2022: 1 unit has no value and is left out of its figures"]
    );
    // The figures are those of the values alone.
    assert_eq!(
        *f,
        crate::disparity::disparity(&[50.0, 10.0, 60.0, 15.0], Some(&[1, 0, 1, 0])).unwrap()
    );
}

#[test]
fn without_groups_every_unit_is_in_one_group() {
    let p = panel(&two_periods(), false).unwrap();
    assert!(!p.grouped);
    assert!(p.groups.is_empty());
    assert!(p.periods.iter().all(|q| q.groups.is_empty()));
    let f = p.periods[0].figures.as_ref().unwrap();
    assert_eq!(f.groups.len(), 1);
    assert_eq!(f.n, 4);
}

#[test]
fn units_without_a_group_are_left_out_of_a_grouped_panel() {
    let periods = [period(
        "2021",
        &[
            ("v1", Some("A"), Some(1.0)),
            ("v2", None, Some(2.0)),
            ("v3", None, Some(3.0)),
            ("v4", Some("A"), None),
        ],
    )];
    let p = panel(&periods, true).unwrap();
    let q = &p.periods[0];
    assert_eq!((q.missing, q.ungrouped), (1, 2));
    assert_eq!(q.figures.as_ref().unwrap().n, 1);
    assert_eq!(
        p.warnings,
        [
            "period 2021: 1 unit has no value and is left out of its figures",
            "period 2021: 2 units have a value but no group and are left out of its figures",
        ]
    );
    // Without groups they count.
    let p = panel(&periods, false).unwrap();
    assert_eq!(p.periods[0].figures.as_ref().unwrap().n, 3);
    assert_eq!(p.periods[0].ungrouped, 0);
}

#[test]
fn theil_left_out_names_the_period_the_unit_and_its_value() {
    let periods = [period(
        "2023年",
        &[
            ("v1", Some("A"), None),
            ("v2", Some("A"), Some(3.0)),
            ("村\u{1b}", Some("B"), Some(0.0)),
            ("v4", Some("B"), Some(-0.5)),
        ],
    )];
    let p = panel(&periods, true).unwrap();
    let f = p.periods[0].figures.as_ref().unwrap();
    assert!(f.theil.is_err());
    assert_eq!(
        p.warnings[1],
        "period 2023年: the Theil figures are left out: unit 村\\u{1b} has the value 0, and Theil needs every value > 0"
    );
}

#[test]
fn a_period_without_values_has_no_figures() {
    let periods = [
        period("a", &[("v1", Some("A"), None), ("v2", Some("B"), None)]),
        period("b", &[("v1", Some("B"), Some(1.0))]),
    ];
    let p = panel(&periods, true).unwrap();
    // The groups appear with their first unit, value or not.
    assert_eq!(p.groups, ["A", "B"]);
    let q = &p.periods[0];
    assert_eq!((q.missing, q.figures.is_none(), q.groups.is_empty()), (2, true, true));
    assert_eq!(p.periods[1].groups, [1]);
    assert_eq!(
        p.warnings,
        [
            "period a: 2 units have no value and are left out of its figures",
            "period a: no unit has a value; it has no figures",
        ]
    );
    let empty = panel(&[], true).unwrap();
    assert!(empty.periods.is_empty() && empty.groups.is_empty());
}

#[test]
fn a_value_that_is_not_finite_is_an_internal_failure_naming_the_unit() {
    let periods = [period(
        "2021",
        &[
            ("v1", Some("A"), None),
            ("v2", Some("A"), Some(1.0)),
            ("v3", Some("B"), Some(f64::NAN)),
        ],
    )];
    let e = panel(&periods, true).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Data);
    assert!(
        e.message()
            .contains("period 2021: unit v3 has a value that is not a finite number"),
        "{e}"
    );
    assert!(e.message().contains("withheld"), "{e}");
}

#[test]
fn the_identity_is_checked_for_every_period() {
    let p = panel(&two_periods(), true).unwrap();
    for q in &p.periods {
        let f = q.figures.as_ref().unwrap();
        assert!(check_identity(&q.label, f).is_ok());
        assert!(f.dagum.as_ref().unwrap().identity_holds());
    }
    // Figures whose parts do not add up to G are withheld.
    let mut broken = p.periods[0].figures.clone().unwrap();
    if let Some(d) = broken.dagum.as_mut() {
        d.within += 1e-6;
    }
    let e = check_identity("2021", &broken).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Data);
    assert!(
        e.message().starts_with(
            "internal numerical failure in the disparity of period 2021: G = G_w + G_nb + G_t does not hold"
        ),
        "{e}"
    );
    assert!(e.message().ends_with("the disparity figures are withheld"), "{e}");
    assert!(!e.helps().is_empty());
}

#[test]
fn the_last_name_shortcut_gives_the_same_codes() {
    let mut names = Names {
        index: HashMap::new(),
        names: Vec::new(),
        last: None,
    };
    let codes: Vec<usize> = ["b", "b", "a", "b", "c", "a", "a"]
        .iter()
        .map(|n| names.code(n))
        .collect();
    assert_eq!(codes, [0, 0, 1, 0, 2, 1, 1]);
    assert_eq!(names.names, ["b", "a", "c"]);
}

/// A million units in 30 groups: the panel adds well under a second to
/// the figures themselves (run with `--release --ignored`; on two cores,
/// 0.79 s for the panel against 0.71 s for [`crate::disparity::disparity`]
/// alone).
#[test]
#[ignore]
fn a_million_units_in_thirty_groups() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let names: Vec<String> = (0..30).map(|g| format!("县{g}")).collect();
    let ids: Vec<String> = (0..1_000_000).map(|u| format!("v{u}")).collect();
    let units: Vec<Unit> = ids
        .iter()
        .map(|id| {
            let g = rng.random_range(0..30usize);
            let v = (rng.random::<f64>() < 0.999).then(|| rng.random_range(1.0..100.0) + g as f64);
            (id.as_str(), names.get(g).map(String::as_str), v)
        })
        .collect();
    let periods = [PeriodValues { label: "2021", units }];
    let kept: Vec<&Unit> = periods[0].units.iter().filter(|u| u.2.is_some()).collect();
    let values: Vec<f64> = kept.iter().filter_map(|u| u.2).collect();
    let codes: Vec<usize> = kept
        .iter()
        .map(|u| names.iter().position(|n| Some(n.as_str()) == u.1).unwrap_or(0))
        .collect();
    let start = std::time::Instant::now();
    let _ = crate::disparity::disparity(&values, Some(&codes)).unwrap();
    let alone = start.elapsed();
    let start = std::time::Instant::now();
    let p = panel(&periods, true).unwrap();
    let whole = start.elapsed();
    eprintln!("disparity alone {alone:?}, panel with 30 groups {whole:?}");
    assert_eq!(p.groups.len(), 30);
    assert!(
        p.periods[0]
            .figures
            .as_ref()
            .unwrap()
            .dagum
            .as_ref()
            .unwrap()
            .identity_holds()
    );
}
