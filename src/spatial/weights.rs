//! The spatial weights w_ij of one period's units, from a neighbours graph.

use super::Graph;
use crate::error::{Error, Result};
use std::collections::HashMap;

/// How a row's weights are scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transform {
    /// Each row sums to 1 (an island's row stays empty).
    #[default]
    Row,
    /// Every weight is 1.
    Binary,
}

/// Sparse weights: per unit (in the data's order) its neighbours, as
/// (unit, w_ij) ordered by unit. An island's row is empty.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Weights {
    rows: Vec<Vec<(usize, f64)>>,
}

impl Weights {
    /// Weights from rows as they are; each row is ordered by unit and
    /// neighbours outside 0..rows.len() or of a unit to itself are dropped.
    pub fn from_rows(mut rows: Vec<Vec<(usize, f64)>>) -> Weights {
        let n = rows.len();
        for (i, row) in rows.iter_mut().enumerate() {
            row.retain(|&(j, _)| j < n && j != i);
            row.sort_by_key(|&(j, _)| j);
            row.dedup_by_key(|&mut (j, _)| j);
        }
        Weights { rows }
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every unit's row.
    pub fn rows(&self) -> &[Vec<(usize, f64)>] {
        &self.rows
    }

    /// Unit i's row: (j, w_ij) ordered by j.
    pub fn row(&self, i: usize) -> &[(usize, f64)] {
        self.rows.get(i).map_or(&[], Vec::as_slice)
    }

    /// The units without neighbours.
    pub fn islands(&self) -> Vec<usize> {
        (0..self.rows.len()).filter(|&i| self.row(i).is_empty()).collect()
    }

    /// S0 = Σ_ij w_ij.
    pub fn s0(&self) -> f64 {
        self.rows.iter().flatten().map(|&(_, w)| w).sum()
    }

    /// Column sums Σ_i w_ij.
    fn column_sums(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.rows.len()];
        for &(j, w) in self.rows.iter().flatten() {
            if let Some(c) = out.get_mut(j) {
                *c += w;
            }
        }
        out
    }

    /// S1 = ½ Σ_ij (w_ij + w_ji)².
    pub fn s1(&self) -> f64 {
        // Pair each w_ij with its w_ji: sum (w_ij + w_ji)² over the links
        // i → j, plus w_ji² for the links j → i with no i → j.
        let mut sum = 0.0;
        for (i, row) in self.rows.iter().enumerate() {
            for &(j, w) in row {
                let back = self.weight(j, i);
                sum += match back {
                    Some(b) => (w + b) * (w + b),
                    // The pair counts twice in Σ_ij (as ij and ji): both w².
                    None => 2.0 * w * w,
                };
            }
        }
        sum / 2.0
    }

    /// S2 = Σ_i (Σ_j w_ij + Σ_j w_ji)².
    pub fn s2(&self) -> f64 {
        let columns = self.column_sums();
        self.rows
            .iter()
            .zip(&columns)
            .map(|(row, c)| {
                let r: f64 = row.iter().map(|&(_, w)| w).sum();
                (r + c) * (r + c)
            })
            .sum()
    }

    /// w_ij, when j is a neighbour of i (binary search of the row).
    pub fn weight(&self, i: usize, j: usize) -> Option<f64> {
        let row = self.row(i);
        row.binary_search_by_key(&j, |&(k, _)| k)
            .ok()
            .and_then(|k| row.get(k))
            .map(|&(_, w)| w)
    }
}

/// The weights of the units `ids` (the data's, in its order) from `graph`,
/// and the warnings to show: neighbours not in the data (dropped) and
/// islands (zero rows). A unit of the data the source does not list is an
/// error that lists them.
pub fn weights(graph: &Graph, ids: &[&str], transform: Transform) -> Result<(Weights, Vec<String>)> {
    let mut to_data: HashMap<usize, usize> = HashMap::with_capacity(ids.len());
    let mut missing = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match graph.unit(id) {
            Some(u) => {
                if to_data.insert(u, i).is_some() {
                    return Err(Error::data(format!(
                        "unit `{}` appears twice in the data",
                        crate::error::echo(id)
                    )));
                }
            }
            None => missing.push(*id),
        }
    }
    if !missing.is_empty() {
        return Err(Error::data(format!(
            "{} unit(s) of the data are not in the neighbours source: {}",
            missing.len(),
            super::list_ids(missing.iter().copied(), missing.len(), 10)
        ))
        .help("every unit of the data needs an entry in the neighbours source (an island with no neighbours)")
        .help("check that the source's ids are the data's ids (--key names the GeoJSON property that holds them)"));
    }
    let mut outside: Vec<usize> = Vec::new();
    let mut dropped = 0usize;
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        let u = graph.unit(id).unwrap_or_default();
        let mut row = Vec::with_capacity(graph.neighbours(u).len());
        for &(v, w) in graph.neighbours(u) {
            match to_data.get(&v) {
                Some(&j) => row.push((j, if transform == Transform::Binary { 1.0 } else { w })),
                None => {
                    dropped += 1;
                    outside.push(v);
                }
            }
        }
        row.sort_by_key(|&(j, _)| j);
        if transform == Transform::Row {
            let sum: f64 = row.iter().map(|&(_, w)| w).sum();
            for (_, w) in &mut row {
                *w /= sum;
            }
        }
        rows.push(row);
    }
    let weights = Weights { rows };
    let mut warnings = Vec::new();
    if dropped > 0 {
        outside.sort_unstable();
        outside.dedup();
        warnings.push(format!(
            "{dropped} neighbour link(s) point to {} unit(s) not in the data, which are ignored: {}",
            outside.len(),
            super::list_ids(outside.iter().map(|&v| graph.id(v)), outside.len(), 5)
        ));
    }
    let islands = weights.islands();
    if !islands.is_empty() {
        warnings.push(format!(
            "{} island(s) without neighbours (a zero row, no local statistic): {}",
            islands.len(),
            super::list_ids(islands.iter().filter_map(|&i| ids.get(i).copied()), islands.len(), 5)
        ));
    }
    Ok((weights, warnings))
}
