//! Validation of `[ahp]` (SPEC "Methods analysts publish with": AHP, under
//! the rules of "Rubric (TOML)"): square matrices of positive numbers, one
//! row per item in rubric order, reciprocal within 1 %, whose weights can be
//! computed and are consistent enough (CR < 0.10).
//!
//! The largest section of a rubric to check, and the only one that
//! computes (the weights, through [`crate::methods::ahp`]), so it has a file
//! of its own under [`super`].

use super::Validator;
use crate::error::Result;
use crate::methods::{self, Ahp, SAATY_RI};
use crate::rubric::raw::{RawAhp, RawMatrix};
use crate::rubric::{AhpMatrix, AhpWeights, Dimension, Indicator};
use crate::util::readable;
use std::collections::HashMap;
use std::ops::Range;

impl Validator<'_> {
    /// `[ahp]`: the matrix over the dimensions and those over the indicators
    /// of a dimension (`[ahp.indicators]`, keyed by dimension id).
    pub(super) fn ahp(
        &self,
        raw: RawAhp,
        dimensions: &[Dimension],
        index: &HashMap<String, usize>,
        indicators: &[Indicator],
    ) -> Result<AhpWeights> {
        let mut out = AhpWeights::default();
        if let Some(m) = raw.dimensions {
            let items: Vec<String> = dimensions.iter().map(|d| d.id.clone()).collect();
            out.dimensions = Some(self.ahp_matrix(&m, items, "the dimensions")?);
        }
        for (key, m) in raw.indicators {
            let d = self.dimension_named(&key, "[ahp.indicators]", dimensions, index, false)?;
            let items: Vec<String> = dimensions[d]
                .indicators
                .iter()
                .map(|&i| indicators[i].id.clone())
                .collect();
            let what = format!("the indicators of dimension `{}`", dimensions[d].id);
            out.indicators.push((d, self.ahp_matrix(&m, items, &what)?));
        }
        Ok(out)
    }

    /// One comparison matrix over `items` (`what` names them in messages).
    fn ahp_matrix(&self, raw: &RawMatrix, items: Vec<String>, what: &str) -> Result<AhpMatrix> {
        let n = items.len();
        let span = raw.span();
        if n > SAATY_RI.len() {
            return Err(self.err(span, &format!("AHP compares at most 15 items; {what} are {n}"), None));
        }
        let matrix = self.ahp_entries(raw, &items, what)?;
        self.check_reciprocal(&matrix, &span, what)?;
        let result = methods::ahp(&matrix);
        let computed = [result.cr, result.lambda_max, result.ci]
            .iter()
            .chain(&result.weights)
            .all(|x| x.is_finite());
        if !computed {
            // Entries such as 1e308 and 1e-308 are reciprocal, but their
            // eigenvector overflows: say so rather than score with NaN weights.
            return Err(self.err(
                span,
                &format!("the AHP matrix for {what} has entries too far apart to compute its weights with"),
                Some("write comparisons on Saaty's scale: 1 to 9 and their reciprocals (1/3 as \"1/3\")"),
            ));
        }
        if result.cr >= 0.10 {
            return Err(self.err(
                span,
                &format!(
                    "the AHP matrix for {what} is not consistent enough: {}",
                    consistency(&result, n)
                ),
                Some(&format!(
                    "revise the comparisons so they agree with each other:\n{}",
                    matrix_table(&items, &matrix)
                )),
            ));
        }
        Ok(AhpMatrix { items, matrix, result })
    }

    /// The entries of an n×n matrix (n = the number of items), each a
    /// positive number: the first that is not is named by row and column.
    fn ahp_entries(&self, raw: &RawMatrix, items: &[String], what: &str) -> Result<Vec<Vec<f64>>> {
        let n = items.len();
        let rows = raw.get_ref();
        if rows.len() != n || rows.iter().any(|r| r.len() != n) {
            return Err(self.err(
                raw.span(),
                &format!("the AHP matrix for {what} must be {n}×{n}"),
                Some(&format!(
                    "rows and columns follow the rubric order: {}",
                    items.join(", ")
                )),
            ));
        }
        let mut matrix = Vec::with_capacity(n);
        for (i, row) in rows.iter().enumerate() {
            let mut values = Vec::with_capacity(n);
            for (j, entry) in row.iter().enumerate() {
                match entry.value() {
                    Some(v) if v.is_finite() && v > 0.0 => values.push(v),
                    _ => {
                        return Err(self.err(
                            raw.span(),
                            &format!("the AHP matrix for {what} has an entry at row {}, column {} that is not a positive number", i + 1, j + 1),
                            Some("entries are positive numbers or fractions written as text, e.g. 3 or \"1/3\""),
                        ));
                    }
                }
            }
            matrix.push(values);
        }
        Ok(matrix)
    }

    /// a[j][i] × a[i][j] = 1 within 1 % for every pair (the diagonal too).
    fn check_reciprocal(&self, matrix: &[Vec<f64>], span: &Range<usize>, what: &str) -> Result<()> {
        for (i, row) in matrix.iter().enumerate() {
            for (j, &a) in row.iter().enumerate().skip(i) {
                // The matrix is square (checked by `ahp_entries`).
                let b = matrix[j][i];
                // 1 % as the SPEC says, plus rounding slack so exactly 1 % passes.
                if (a * b - 1.0).abs() > 0.01 + 1e-12 {
                    return Err(self.err(
                        span.clone(),
                        &format!(
                            "the AHP matrix for {what} is not reciprocal: a[{i1}][{j1}] × a[{j1}][{i1}] = {} × {} ≠ 1",
                            readable(a),
                            readable(b),
                            i1 = i + 1,
                            j1 = j + 1
                        ),
                        Some("a[j][i] must be 1 / a[i][j] (within 1 %), and the diagonal 1"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// "CR = … (it must be below 0.10; λmax = …, CI = …, RI = …)" for an n×n
/// matrix (1 ≤ n ≤ 15, checked before its weights are computed).
fn consistency(result: &Ahp, n: usize) -> String {
    let ri = SAATY_RI.get(n.saturating_sub(1)).copied().unwrap_or(0.0);
    format!(
        "CR = {} (it must be below 0.10; λmax = {}, CI = {}, RI = {ri})",
        ahp_number(result.cr, 4),
        ahp_number(result.lambda_max, 4),
        ahp_number(result.ci, 4),
    )
}

/// The matrix as a table under its items' ids, indented to sit under the
/// message's `= help:`, so that the comparisons to revise can be seen.
fn matrix_table(items: &[String], matrix: &[Vec<f64>]) -> String {
    let width = items.iter().map(|s| s.len()).max().unwrap_or(0).max(6);
    let indent = " ".repeat(9);
    let mut lines = vec![format!(
        "{indent}{:width$}{}",
        "",
        items.iter().map(|it| format!(" {it:>width$}")).collect::<String>()
    )];
    for (it, row) in items.iter().zip(matrix) {
        let cells: String = row.iter().map(|v| format!(" {:>width$}", ahp_number(*v, 3))).collect();
        lines.push(format!("{indent}{it:width$}{cells}"));
    }
    lines.join("\n")
}

/// An AHP number as the consistency message shows it: `decimals` places
/// on Saaty's scale, significant digits for a magnitude far from it (1e308
/// is not written out in 309 digits).
fn ahp_number(v: f64, decimals: usize) -> String {
    if v == 0.0 || (1e-3..1e6).contains(&v.abs()) {
        crate::util::rounded(v, decimals)
    } else {
        format!("{v:.2e}")
    }
}

#[cfg(test)]
mod tests {
    use super::ahp_number;

    #[test]
    fn ahp_numbers_are_short_at_any_magnitude() {
        assert_eq!(ahp_number(1e308, 3), "1.00e308");
        assert_eq!(ahp_number(1e-308, 3), "1.00e-308");
        assert_eq!(ahp_number(0.333333, 3), "0.333");
        assert_eq!(ahp_number(9578544.8489, 4), "9.58e6");
    }
}
