//! Tests of [`super`]: figures by hand and the edge cases.

use super::*;

fn period<'a>(label: &'a str, values: &[Option<f64>], ids: &'a [&'a str]) -> PeriodValues<'a> {
    PeriodValues {
        label,
        units: values.iter().zip(ids).map(|(v, id)| (*id, None, *v)).collect(),
    }
}

const IDS: [&str; 4] = ["a", "b", "c", "d"];

#[test]
fn by_hand() {
    // 2, 4, 6: mean 4, sd 2, CV 0.5; ln: sd of (ln 2, ln 4, ln 6).
    // 3, 4, 5, None: mean 4, sd 1, CV 0.25.
    let p = [
        period("2020", &[Some(2.0), Some(4.0), Some(6.0), None], &IDS),
        period("2021", &[Some(3.0), Some(4.0), Some(5.0), None], &IDS),
    ];
    let mut warnings = Vec::new();
    let s = sigma(&p, &mut warnings);
    assert!(warnings.is_empty());
    let r = &s.periods[0];
    assert_eq!((r.n, r.mean, r.sd, r.cv), (3, Some(4.0), Some(2.0), Some(0.5)));
    let l = [2f64.ln(), 4f64.ln(), 6f64.ln()];
    let m = (l[0] + l[1] + l[2]) / 3.0;
    let sd = (l.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 2.0).sqrt();
    assert!((r.sd_log.unwrap() - sd).abs() < 1e-15);
    assert_eq!(s.periods[1].cv, Some(0.25));
    assert_eq!((s.cv_falls, s.cv_falls_every_period), (Some(true), Some(true)));
}

#[test]
fn falls_overall_but_not_every_period() {
    let p = [
        period("1", &[Some(2.0), Some(6.0)], &IDS),
        period("2", &[Some(1.0), Some(7.0)], &IDS),
        period("3", &[Some(3.0), Some(5.0)], &IDS),
    ];
    let s = sigma(&p, &mut Vec::new());
    assert_eq!((s.cv_falls, s.cv_falls_every_period), (Some(true), Some(false)));
}

#[test]
fn non_positive_values_one_value_and_no_values() {
    let p = [
        period("2020", &[Some(0.0), Some(4.0), Some(-1.0)], &IDS),
        period("2021", &[Some(3.0), None, None], &IDS),
        period("2022", &[None, None, None], &IDS),
        period("2023", &[Some(-1.0), Some(1.0)], &IDS),
    ];
    let mut warnings = Vec::new();
    let s = sigma(&p, &mut warnings);
    assert_eq!(s.periods[0].sd_log, None);
    assert!(s.periods[0].sd.is_some());
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("period 2020") && warnings[0].contains("unit a"),
        "{warnings:?}"
    );
    let one = &s.periods[1];
    assert_eq!(
        (one.n, one.mean, one.sd, one.cv, one.sd_log),
        (1, Some(3.0), None, None, None)
    );
    let none = &s.periods[2];
    assert_eq!((none.n, none.mean, none.sd, none.cv), (0, None, None, None));
    // Mean 0: no CV.
    assert_eq!(s.periods[3].cv, None);
    // Only period 2020 has a CV.
    assert_eq!((s.cv_falls, s.cv_falls_every_period), (None, None));
    assert_eq!(sigma(&[], &mut Vec::new()).cv_falls, None);
}
