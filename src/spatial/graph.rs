//! The neighbours a source states, keyed by the source's own unit ids.

use std::collections::HashMap;

/// A neighbours source as read: its units (by id, in the order the source
/// first names them), each with its neighbours and their weights (1 unless
/// an edge list gives one). Built by [`super::load`]; turned into the
/// weights of one period's units by [`super::weights()`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Graph {
    ids: Vec<String>,
    index: HashMap<String, usize>,
    /// Whether the source lists the unit itself (a GAL file names units
    /// that are only someone's neighbour; those are not "in" the source).
    declared: Vec<bool>,
    links: Vec<Vec<(usize, f64)>>,
    /// What reading the source found worth a warning.
    pub warnings: Vec<String>,
}

impl Graph {
    /// Number of units the graph knows (declared or only named as neighbours).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The units' ids.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The unit of `id`, when the source lists it as a unit.
    pub fn unit(&self, id: &str) -> Option<usize> {
        self.index
            .get(id)
            .copied()
            .filter(|&u| self.declared.get(u).copied().unwrap_or(false))
    }

    /// The neighbours of unit `u` (unit, weight), ordered by unit.
    pub fn neighbours(&self, u: usize) -> &[(usize, f64)] {
        self.links.get(u).map_or(&[], Vec::as_slice)
    }

    /// The id of unit `u`.
    pub fn id(&self, u: usize) -> &str {
        self.ids.get(u).map_or("", String::as_str)
    }

    /// The unit of `id`, added when new; `declare` marks it as listed by
    /// the source. Returns the unit and whether it was declared before.
    pub(crate) fn intern(&mut self, id: &str, declare: bool) -> (usize, bool) {
        let u = match self.index.get(id) {
            Some(&u) => u,
            None => {
                let u = self.ids.len();
                self.ids.push(id.to_string());
                self.index.insert(id.to_string(), u);
                self.declared.push(false);
                self.links.push(Vec::new());
                u
            }
        };
        let before = self.declared.get(u).copied().unwrap_or(false);
        if declare && let Some(d) = self.declared.get_mut(u) {
            *d = true;
        }
        (u, before)
    }

    /// Adds the link from → to with weight `w`.
    pub(crate) fn link(&mut self, from: usize, to: usize, w: f64) {
        if let Some(row) = self.links.get_mut(from) {
            row.push((to, w));
        }
    }

    /// Whether from → to is a link already (a linear scan of the row).
    pub(crate) fn has_link(&self, from: usize, to: usize) -> bool {
        self.neighbours(from).iter().any(|&(v, _)| v == to)
    }

    /// Orders every row by unit, keeps the first of repeated links and
    /// drops links of a unit to itself (with a warning).
    pub(crate) fn finish(&mut self) {
        let mut selves = Vec::new();
        for (u, row) in self.links.iter_mut().enumerate() {
            let before = row.len();
            row.retain(|&(v, _)| v != u);
            if row.len() < before {
                selves.push(u);
            }
            row.sort_by_key(|&(v, _)| v);
            row.dedup_by_key(|&mut (v, _)| v);
        }
        if !selves.is_empty() {
            let ids = selves.iter().map(|&u| self.id(u));
            self.warnings.push(format!(
                "{} unit(s) listed as their own neighbour, which is ignored: {}",
                selves.len(),
                super::list_ids(ids, selves.len(), 5)
            ));
        }
    }
}
