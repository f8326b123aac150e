//! Absolute β-convergence by least squares (SPEC "Dynamics": beta).
//!
//! For units with a value in the first and the last period, g_i =
//! ln(y_i,last / y_i,first) / T is regressed on x_i = ln y_i,first by
//! ordinary least squares with centred x (β = Σ dx dg / Σ dx², α = ḡ − β x̄,
//! sums compensated), which stays accurate when the x's are large and close
//! together. Standard errors from s² = SSR/(n − 2); two-sided p-values from
//! the Student t distribution with n − 2 degrees of freedom (`statrs`).

use super::{PeriodValues, present};
use crate::error::{Error, echo};
use crate::stats::{self, Sum};
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::collections::HashMap;

#[cfg(test)]
mod tests;

/// The fit over all units, and per group with `--by` (club convergence).
#[derive(Debug, Clone, PartialEq)]
pub struct Beta {
    /// T = the number of periods − 1.
    pub span: usize,
    pub overall: Fit,
    /// Per group (a unit's group is the one of its first period), in order
    /// of first appearance among the units fitted; empty without `--by`.
    /// Units without a group are in `overall` only.
    pub groups: Vec<(String, Fit)>,
}

/// g = α + β ln y₀ + ε by ordinary least squares.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Units present (with a value) in the first and the last period, both
    /// values > 0 (others are left out with a warning).
    pub n: usize,
    /// α and β need n ≥ 2 and ln y₀ not all equal; their standard errors,
    /// t and p need n ≥ 3, and a standard error > 0 for t and p.
    pub alpha: Coefficient,
    pub beta: Coefficient,
    /// R² = S_xg² / (S_xx S_gg) in [0, 1]; `None` without β or when every g
    /// is equal.
    pub r2: Option<f64>,
    /// θ = −ln(1 + βT)/T when β < 0 and 1 + βT > 0.
    pub speed: Option<f64>,
    /// ln 2 / θ.
    pub half_life: Option<f64>,
}

/// An estimate with its standard error, t statistic and two-sided p-value
/// (Student t, n − 2 degrees of freedom); `None` where undefined.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Coefficient {
    pub estimate: Option<f64>,
    pub std_error: Option<f64>,
    pub t: Option<f64>,
    pub p: Option<f64>,
}

/// β-convergence between the first and the last of `periods`.
///
/// A panel of fewer than two periods is a usage error (there is no growth
/// to regress; [`super::analyse`] turns it into a warning when other parts
/// are shown too). Units with a value ≤ 0 in the first or last period are
/// left out, with a warning naming them; too few units for a figure leave
/// it `None`, with a warning.
pub fn beta(periods: &[PeriodValues<'_>], by_group: bool, warnings: &mut Vec<String>) -> crate::Result<Beta> {
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else {
        return Err(Error::usage(
            "beta needs a panel of at least two periods; there is none",
        ));
    };
    if periods.len() < 2 {
        return Err(Error::usage(format!(
            "beta needs a panel of at least two periods; {} is the only one",
            echo(first.label)
        )));
    }
    let span = periods.len() - 1;
    let t = span as f64;
    let at_end: HashMap<&str, f64> = present(last).map(|(id, _, y)| (id, y)).collect();
    let mut units: Vec<(Option<&str>, f64, f64)> = Vec::new();
    let mut left_out: Vec<&str> = Vec::new();
    for (id, group, y0) in present(first) {
        let Some(&y1) = at_end.get(id) else { continue };
        if y0 > 0.0 && y1 > 0.0 {
            units.push((group, y0.ln(), (y1 / y0).ln() / t));
        } else {
            left_out.push(id);
        }
    }
    if !left_out.is_empty() {
        let shown: Vec<String> = left_out.iter().take(5).map(|id| echo(id)).collect();
        let more = left_out.len().saturating_sub(shown.len());
        warnings.push(format!(
            "beta: {} left out: a value ≤ 0 in period {} or {} has no log (unit{} {}{})",
            if left_out.len() == 1 {
                "1 unit is".to_string()
            } else {
                format!("{} units are", left_out.len())
            },
            echo(first.label),
            echo(last.label),
            if left_out.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    let pairs: Vec<(f64, f64)> = units.iter().map(|&(_, x, g)| (x, g)).collect();
    let overall = fit(&pairs, t, "beta", warnings);
    let mut groups: Vec<(String, Fit)> = Vec::new();
    if by_group {
        let mut order: Vec<&str> = Vec::new();
        let mut members: HashMap<&str, Vec<(f64, f64)>> = HashMap::new();
        for &(group, x, g) in &units {
            let Some(group) = group else { continue };
            let list = members.entry(group).or_insert_with(|| {
                order.push(group);
                Vec::new()
            });
            list.push((x, g));
        }
        for group in order {
            let pairs = members.get(group).map_or(&[][..], |v| v.as_slice());
            let what = format!("beta, group {}", echo(group));
            groups.push((group.to_string(), fit(pairs, t, &what, warnings)));
        }
    }
    Ok(Beta { span, overall, groups })
}

/// The OLS fit of g on x over `pairs` (x, g), with T = `span` for the
/// speed; `what` names the fit in warnings.
pub fn fit(pairs: &[(f64, f64)], span: f64, what: &str, warnings: &mut Vec<String>) -> Fit {
    let n = pairs.len();
    let mut out = Fit {
        n,
        alpha: Coefficient::default(),
        beta: Coefficient::default(),
        r2: None,
        speed: None,
        half_life: None,
    };
    let xs: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let gs: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    if n < 2 {
        warnings.push(format!(
            "{what}: {n} unit{} in the first and the last period; no estimate",
            plural(n)
        ));
        return out;
    }
    let (mx, mg) = (stats::mean(&xs), stats::mean(&gs));
    let (mut sxx, mut sxg, mut sgg) = (Sum::default(), Sum::default(), Sum::default());
    for (x, g) in pairs {
        let (dx, dg) = (x - mx, g - mg);
        sxx.add(dx * dx);
        sxg.add(dx * dg);
        sgg.add(dg * dg);
    }
    let (sxx, sxg, sgg) = (sxx.value(), sxg.value(), sgg.value());
    if sxx.is_nan() || sxx <= 0.0 {
        warnings.push(format!(
            "{what}: every unit starts at the same value (ln y₀ is constant); no estimate"
        ));
        return out;
    }
    let b = sxg / sxx;
    let a = mg - b * mx;
    out.beta.estimate = Some(b);
    out.alpha.estimate = Some(a);
    out.r2 = (sgg > 0.0).then(|| (sxg * sxg / (sxx * sgg)).clamp(0.0, 1.0));
    let shrink = b * span;
    if b < 0.0 && 1.0 + shrink > 0.0 {
        let theta = -shrink.ln_1p() / span;
        out.speed = Some(theta);
        out.half_life = (theta > 0.0).then(|| std::f64::consts::LN_2 / theta);
    }
    if n < 3 {
        warnings.push(format!(
            "{what}: only 2 units; α and β are estimated but their standard errors, t and p need at least 3"
        ));
        return out;
    }
    let mut ssr = Sum::default();
    for (x, g) in pairs {
        let e = (g - mg) - b * (x - mx);
        ssr.add(e * e);
    }
    let df = (n - 2) as f64;
    let s2 = ssr.value().max(0.0) / df;
    let se_b = (s2 / sxx).sqrt();
    let se_a = (s2 * (1.0 / n as f64 + mx * mx / sxx)).sqrt();
    out.beta = coefficient(b, se_b, df);
    out.alpha = coefficient(a, se_a, df);
    out
}

/// An estimate with standard error `se`: t = estimate/se and the two-sided
/// p-value with `df` degrees of freedom (t and p `None` when se is 0).
fn coefficient(estimate: f64, se: f64, df: f64) -> Coefficient {
    let t = (se > 0.0).then(|| estimate / se).filter(|t| t.is_finite());
    Coefficient {
        estimate: Some(estimate),
        std_error: Some(se),
        t,
        p: t.and_then(|t| two_sided_p(t, df)),
    }
}

/// P(|T| ≥ |t|) for Student's t with `df` degrees of freedom.
pub fn two_sided_p(t: f64, df: f64) -> Option<f64> {
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    let p = 2.0 * dist.sf(t.abs());
    p.is_finite().then(|| p.clamp(0.0, 1.0))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
