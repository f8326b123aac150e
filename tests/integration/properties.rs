//! Property tests (proptest): invariants of SPEC "Rubric", "Data" and "Maths"
//! that must hold for any rubric and any data, and fuzzing of every reader
//! (data bytes, rubric text, single cells) for panics.
//!
//! Rubrics and data are built as text here, exactly as a user would write
//! them, and go through the public readers (`Rubric::parse`,
//! `input::from_bytes`) before `engine::score`.

use crate::support::literal;
use linkscore::engine::{self, Scored};
use linkscore::input::{self, ReadOptions, Table};
use linkscore::rubric::{DEFAULT_NA, Rubric};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use std::fmt::Write as _;

/// Proptest settings for this file: `cases` cases under
/// `LINKSCORE_LONG_TESTS=1` (a quarter of them otherwise), and no regression
/// files written into the source tree.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: crate::support::cases(cases / 4, cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Scores on 0..1 within this are ties (SPEC: 1e-9 × scale on the reported score).
const TIE: f64 = 1e-9;

/// How far above 1 a dimension value or score may stray by rounding in
/// these properties. Weights divided by their sum need not add up to exactly
/// 1 in floating point (2, 4, 3, 1 → 0.2 + 0.4 + 0.3 + 0.1 = 1.0000000000000002),
/// so a unit at every high goalpost can score a few ulps above the scale:
/// see `known_bug_score_exceeds_scale_by_rounding`.
const SLACK: f64 = 1e-14;

// ---------------------------------------------------------------------------
// Building rubric and data text.

/// An indicator's transform.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tf {
    None,
    Log,
    Log1p,
}

impl Tf {
    fn name(self) -> &'static str {
        match self {
            Tf::None => "none",
            Tf::Log => "log",
            Tf::Log1p => "log1p",
        }
    }

    /// Moves `x` into the transform's domain (log: x > 0, log1p: x > −1).
    fn into_domain(self, x: f64) -> f64 {
        match self {
            Tf::None => x,
            Tf::Log if x > 0.0 => x,
            Tf::Log if x < 0.0 => -x,
            Tf::Log => 5e-324,
            Tf::Log1p if x > -1.0 => x,
            Tf::Log1p => -1.0 + 1e-9,
        }
    }
}

#[derive(Debug, Clone)]
struct Ind {
    dim: usize,
    weight: f64,
    lower: bool,
    tf: Tf,
    lo: f64,
    hi: f64,
}

/// A goalpost rubric: dimensions `d0, d1, …`, indicators `x0, x1, …`.
#[derive(Debug, Clone)]
struct Spec {
    scale: f64,
    aggregate: &'static str,
    /// (weight, aggregate) per dimension.
    dims: Vec<(f64, &'static str)>,
    inds: Vec<Ind>,
    /// Extra `key = value` lines for `[rubric]`.
    header: Vec<String>,
}

impl Spec {
    /// The same rubric with every dimension and indicator weight × `c`.
    fn scaled(&self, c: f64) -> Spec {
        let mut s = self.clone();
        for d in &mut s.dims {
            d.0 *= c;
        }
        for i in &mut s.inds {
            i.weight *= c;
        }
        s
    }
}

/// The CSV header of indicator `k`: Chinese for even k (set with `column`),
/// the id itself for odd k.
fn column(k: usize) -> String {
    if k.is_multiple_of(2) {
        format!("指标{k}")
    } else {
        format!("x{k}")
    }
}

fn rubric_toml(s: &Spec) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "[rubric]");
    let _ = writeln!(t, "name = \"性质测试\"");
    let _ = writeln!(t, "id = \"vid\"");
    let _ = writeln!(t, "scale = {}", literal(s.scale));
    let _ = writeln!(t, "aggregate = \"{}\"", s.aggregate);
    for line in &s.header {
        let _ = writeln!(t, "{line}");
    }
    for (d, (w, agg)) in s.dims.iter().enumerate() {
        let _ = write!(
            t,
            "\n[[dimension]]\nid = \"d{d}\"\nname = \"维度{d}\"\nweight = {}\naggregate = \"{agg}\"\n",
            literal(*w)
        );
    }
    for (k, ind) in s.inds.iter().enumerate() {
        let _ = write!(t, "\n[[indicator]]\nid = \"x{k}\"\n");
        if k.is_multiple_of(2) {
            let _ = writeln!(t, "column = \"{}\"", column(k));
        }
        let _ = write!(
            t,
            "dimension = \"d{}\"\nweight = {}\ndirection = \"{}\"\ntransform = \"{}\"\ngoalposts = [{}, {}]\n",
            ind.dim,
            literal(ind.weight),
            if ind.lower { "lower" } else { "higher" },
            ind.tf.name(),
            literal(ind.lo),
            literal(ind.hi)
        );
    }
    t
}

/// Data for a `Spec` rubric: `vid` then one column per indicator; `None`
/// cells are written as one of the default missing-value tokens.
fn data_csv(m: usize, ids: &[String], rows: &[Vec<Option<f64>>]) -> Vec<u8> {
    let mut t = String::from("vid");
    for k in 0..m {
        t.push(',');
        t.push_str(&column(k));
    }
    t.push('\n');
    for (u, (id, row)) in ids.iter().zip(rows).enumerate() {
        t.push_str(id);
        for (k, v) in row.iter().enumerate() {
            t.push(',');
            match v {
                Some(x) => t.push_str(&literal(*x)),
                None => t.push_str(["", "NA", "—", " / "][(u + k) % 4]),
            }
        }
        t.push('\n');
    }
    t.into_bytes()
}

fn default_ids(n: usize) -> Vec<String> {
    (0..n).map(|u| format!("v{u}")).collect()
}

fn complete(rows: &[Vec<f64>]) -> Vec<Vec<Option<f64>>> {
    rows.iter().map(|r| r.iter().copied().map(Some).collect()).collect()
}

/// Parses the rubric and reads the data; both are valid by construction.
fn load(toml: &str, csv: Vec<u8>) -> (Rubric, Table) {
    let rubric = Rubric::parse("prop.toml", toml, false).unwrap_or_else(|e| panic!("rubric rejected: {e}\n{toml}"));
    let table = input::from_bytes(
        &[("prop.csv".to_string(), csv.clone())],
        &rubric,
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("data rejected: {e}\n{}", String::from_utf8_lossy(&csv)));
    (rubric, table)
}

fn scores(scored: &Scored) -> Vec<Option<f64>> {
    (0..scored.len()).map(|u| scored.score(u)).collect()
}

/// One unit's results, gathered from the scored table's accessors.
#[derive(Debug)]
struct UnitView {
    score: Option<f64>,
    dimensions: Vec<Option<f64>>,
    linkages: Vec<Option<f64>>,
    rank: Option<usize>,
}

fn units(scored: &Scored) -> Vec<UnitView> {
    (0..scored.len())
        .map(|u| UnitView {
            score: scored.score(u),
            dimensions: scored.dimensions(u),
            linkages: (0..scored.rubric.linkages.len())
                .map(|l| scored.linkage(u, l))
                .collect(),
            rank: scored.rank(u),
        })
        .collect()
}

/// The normalized values, per indicator, per unit.
fn z_matrix(scored: &Scored) -> Vec<Vec<Option<f64>>> {
    (0..scored.rubric.indicators.len())
        .map(|i| (0..scored.len()).map(|u| scored.z(i, u)).collect())
        .collect()
}

// ---------------------------------------------------------------------------
// Strategies.

fn tf() -> impl Strategy<Value = Tf> {
    prop_oneof![Just(Tf::None), Just(Tf::Log1p), Just(Tf::Log)]
}

/// Goalposts lo < hi inside the transform's domain.
fn goalposts(tf: Tf) -> BoxedStrategy<(f64, f64)> {
    let lo = match tf {
        Tf::None => (-1e6..1e6f64).boxed(),
        Tf::Log1p => (-0.999..1e6f64).boxed(),
        Tf::Log => (1e-6..1e6f64).boxed(),
    };
    (lo, prop_oneof![1e-3..1.0f64, 1.0..1e6f64])
        .prop_map(|(lo, w)| (lo, lo + w))
        .boxed()
}

/// A relative weight: zero sometimes (parents are fixed up to a positive sum).
fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(0.0), 1 => Just(1.0), 4 => 0.01..10.0f64]
}

fn aggregate(geometric: bool) -> BoxedStrategy<&'static str> {
    if geometric {
        select(vec!["arithmetic", "geometric"]).boxed()
    } else {
        Just("arithmetic").boxed()
    }
}

fn ind(ndims: usize) -> impl Strategy<Value = Ind> {
    (tf(), 0..ndims, weight(), any::<bool>()).prop_flat_map(|(tf, dim, weight, lower)| {
        goalposts(tf).prop_map(move |(lo, hi)| Ind {
            dim,
            weight,
            lower,
            tf,
            lo,
            hi,
        })
    })
}

/// A valid goalpost rubric: 1–3 dimensions, each with at least one
/// indicator and a positive weight sum. `top_geometric`/`dim_geometric`
/// allow geometric aggregation at that level.
fn spec(top_geometric: bool, dim_geometric: bool) -> impl Strategy<Value = Spec> {
    (1usize..4)
        .prop_flat_map(move |nd| {
            (
                vec(ind(nd), nd..nd + 5),
                vec((weight(), aggregate(dim_geometric)), nd),
                aggregate(top_geometric),
                select(vec![1.0, 100.0, 5.0, 0.5, 1000.0]),
            )
        })
        .prop_map(|(mut inds, mut dims, top, scale)| {
            for (d, ind) in inds.iter_mut().enumerate().take(dims.len()) {
                ind.dim = d;
            }
            for d in 0..dims.len() {
                if inds.iter().filter(|i| i.dim == d).all(|i| i.weight == 0.0) {
                    inds[d].weight = 1.0;
                }
            }
            if dims.iter().all(|d| d.0 == 0.0) {
                dims[0].0 = 1.0;
            }
            Spec {
                scale,
                aggregate: top,
                dims,
                inds,
                header: Vec::new(),
            }
        })
}

/// A data value before it is fitted to an indicator: absolute, or relative
/// to the goalposts (0 = low goalpost, 1 = high goalpost).
#[derive(Debug, Clone, Copy)]
enum Val {
    Abs(f64),
    Rel(f64),
}

fn val() -> impl Strategy<Value = Val> {
    prop_oneof![
        3 => (-0.5..1.5f64).prop_map(Val::Rel),
        1 => select(vec![0.0, 1.0]).prop_map(Val::Rel),
        2 => (-1e12..1e12f64).prop_map(Val::Abs),
        1 => select(vec![
            0.0,
            -0.5,
            1e300,
            -1e300,
            f64::MAX,
            -f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            -1.0,
        ])
        .prop_map(Val::Abs),
    ]
}

/// The value in raw units, inside the indicator's transform domain.
fn materialize(v: Val, ind: &Ind) -> f64 {
    let x = match v {
        Val::Abs(x) => x,
        Val::Rel(t) => ind.lo + t * (ind.hi - ind.lo),
    };
    ind.tf.into_domain(x)
}

/// A rubric and complete data (1 to `max_units − 1` units) for it.
fn case(top_geometric: bool, dim_geometric: bool, max_units: usize) -> impl Strategy<Value = (Spec, Vec<Vec<f64>>)> {
    spec(top_geometric, dim_geometric)
        .prop_flat_map(move |s| {
            let m = s.inds.len();
            (Just(s), vec(vec(val(), m), 1..max_units))
        })
        .prop_map(|(s, rows)| {
            let data: Vec<Vec<f64>> = rows
                .iter()
                .map(|r| r.iter().zip(&s.inds).map(|(v, i)| materialize(*v, i)).collect())
                .collect();
            (s, data)
        })
        .prop_filter("a row the totals rule would leave out", |(_, data)| {
            !has_totals_like_row(data)
        })
}

/// Whether some row could be taken for a totals row (SPEC "Data as offices
/// fill it in": every value within 0.5 % of the sum or the mean of the other
/// rows, with at least 3 other rows and 3 indicators). Judged loosely (1 %),
/// so that every case kept has all its rows scored.
fn has_totals_like_row(data: &[Vec<f64>]) -> bool {
    let n = data.len();
    let m = data.first().map_or(0, Vec::len);
    if n < 4 || m < 3 {
        return false;
    }
    let near = |v: f64, t: f64| (v - t).abs() <= 0.01 * t.abs().max(v.abs()) || v == t;
    (0..n).any(|r| {
        (0..m).all(|k| {
            let sum: f64 = (0..n).filter(|&o| o != r).map(|o| data[o][k]).sum();
            let mean = sum / (n - 1) as f64;
            near(data[r][k], sum) || near(data[r][k], mean)
        })
    })
}

// ---------------------------------------------------------------------------
// 1–5: the maths.

proptest! {
    #![proptest_config(config(192))]

    /// Goalpost normalization keeps every z in [0, 1] and every dimension
    /// value and score in [0, 1] (so in [0, scale] as reported), whatever
    /// the data (far outside the goalposts too), direction, transform and
    /// aggregation. The data also round-trip exactly through the CSV reader.
    #[test]
    fn goalpost_values_stay_in_range((s, data) in case(true, true, 12)) {
        let ids = default_ids(data.len());
        let (rubric, table) = load(&rubric_toml(&s), data_csv(s.inds.len(), &ids, &complete(&data)));
        for (k, col) in table.values.iter().enumerate() {
            for (u, v) in col.iter().enumerate() {
                prop_assert_eq!(v.map(f64::to_bits), Some(data[u][k].to_bits()), "cell {} of unit {}", k, u);
            }
        }
        let scored = engine::score(&rubric, &table).unwrap();
        for (k, col) in z_matrix(&scored).iter().enumerate() {
            for (u, z) in col.iter().enumerate() {
                let z = z.expect("complete data has every z");
                prop_assert!((0.0..=1.0).contains(&z), "z[{}][{}] = {} for raw {}", k, u, z, data[u][k]);
            }
        }
        for (u, unit) in units(&scored).iter().enumerate() {
            for (d, v) in unit.dimensions.iter().enumerate() {
                let v = v.expect("complete data has every dimension");
                prop_assert!((0.0..=1.0 + SLACK).contains(&v), "dimension {} of unit {} = {}", d, u, v);
                prop_assert!((0.0..=s.scale * (1.0 + SLACK)).contains(&(v * s.scale)));
            }
            let score = unit.score.expect("complete data has a score");
            prop_assert!((0.0..=1.0 + SLACK).contains(&score), "score of unit {} = {}", u, score);
            prop_assert!((0.0..=s.scale * (1.0 + SLACK)).contains(&(score * s.scale)));
            prop_assert!(unit.rank.is_some());
        }
    }

    /// Weights are relative: multiplying every dimension and indicator
    /// weight by c > 0 changes no score (beyond 1e-9 relative) and no rank.
    #[test]
    fn weights_are_scale_invariant(
        (s, data) in case(true, true, 12),
        c in prop_oneof![select(vec![0.37, 5.0, 1000.0, 1e-3]), 1e-3..1e3f64],
    ) {
        let ids = default_ids(data.len());
        let csv = data_csv(s.inds.len(), &ids, &complete(&data));
        let (r1, t1) = load(&rubric_toml(&s), csv.clone());
        let (r2, t2) = load(&rubric_toml(&s.scaled(c)), csv);
        let a = engine::score(&r1, &t1).unwrap();
        let b = engine::score(&r2, &t2).unwrap();
        for (u, (x, y)) in units(&a).iter().zip(&units(&b)).enumerate() {
            let (x, y) = (x.score.unwrap(), y.score.unwrap());
            prop_assert!((x - y).abs() <= 1e-9 * x.abs().max(y.abs()), "unit {}: {} vs {} (c = {})", u, x, y, c);
        }
        let ranks = |s: &Scored| (0..s.len()).map(|u| s.rank(u)).collect::<Vec<_>>();
        prop_assert_eq!(ranks(&a), ranks(&b));
        prop_assert_eq!(&a.order, &b.order);
    }

    /// Ranking is standard competition ranking by descending score: ranks
    /// in 1..=n (n = scored units), `order` a permutation with unscored
    /// units last (by id), scores never increase along it, rank = 1 + the
    /// number of units scoring more (beyond the tie tolerance), and tied
    /// units share a rank and are ordered by id. Units whose data are
    /// copies of another's tie with it exactly.
    #[test]
    fn ranks_are_competition_ranks_consistent_with_scores(
        (s, rows) in spec(true, true).prop_flat_map(|s| {
            let m = s.inds.len();
            (Just(s), vec(vec(prop::option::weighted(0.85, val()), m), 1..16))
        }),
        copies in vec((any::<Index>(), any::<Index>()), 0..4),
        shuffle in Just((0..16usize).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let mut s = s;
        s.header.push("missing = \"reweight\"".into());
        let mut rows: Vec<Vec<Option<f64>>> = rows
            .iter()
            .map(|r| r.iter().zip(&s.inds).map(|(v, i)| v.map(|v| materialize(v, i))).collect())
            .collect();
        let n = rows.len();
        let mut copied = Vec::new();
        for (from, to) in &copies {
            let (from, to) = (from.index(n), to.index(n));
            if from != to {
                rows[to] = rows[from].clone();
                copied.push((from, to));
            }
        }
        // Ids whose string order differs from the row order (and from numeric order).
        let ids: Vec<String> = shuffle[..n].iter().map(|k| format!("v{}", k * 7 % 16)).collect();
        let (rubric, table) = load(&rubric_toml(&s), data_csv(s.inds.len(), &ids, &rows));
        // Copies can make a row the mean of all the others, which SPEC's
        // "Data as offices fill it in" leaves out as a totals row; the
        // ranking properties are about the rows that stay.
        prop_assume!(table.len() == n);
        let scored = engine::score(&rubric, &table).unwrap();
        let sc = scores(&scored);
        let rank: Vec<Option<usize>> = (0..scored.len()).map(|u| scored.rank(u)).collect();
        let scored_units: Vec<usize> = (0..n).filter(|&u| sc[u].is_some()).collect();
        let n_scored = scored_units.len();

        // order: a permutation, scored first, unscored last by id.
        let mut sorted = scored.order.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..n).collect::<Vec<_>>());
        for (pos, &u) in scored.order.iter().enumerate() {
            prop_assert_eq!(pos < n_scored, sc[u].is_some(), "order {:?}, scores {:?}", &scored.order, &sc);
            prop_assert_eq!(rank[u].is_some(), sc[u].is_some());
            if let Some(r) = rank[u] {
                prop_assert!((1..=n_scored).contains(&r), "rank {} of {}", r, n_scored);
            }
        }
        for w in scored.order[n_scored..].windows(2) {
            prop_assert!(ids[w[0]] < ids[w[1]]);
        }
        // Along order: scores never increase (beyond the tie tolerance), ranks never decrease.
        for w in scored.order[..n_scored].windows(2) {
            let (a, b) = (w[0], w[1]);
            prop_assert!(sc[b].unwrap() <= sc[a].unwrap() + TIE, "{:?} before {:?}", sc[a], sc[b]);
            prop_assert!(rank[b] >= rank[a]);
            if rank[a] == rank[b] {
                prop_assert!(ids[a] < ids[b], "tied {} before {}", &ids[a], &ids[b]);
            } else {
                prop_assert!(sc[a].unwrap() > sc[b].unwrap() + TIE);
            }
        }
        // Copies tie exactly.
        for (from, to) in copied {
            if rows[from] == rows[to] {
                prop_assert_eq!(sc[from].map(f64::to_bits), sc[to].map(f64::to_bits));
                prop_assert_eq!(rank[from], rank[to]);
            }
        }
        // Without near-ties (scores either within 1e-12 or more than 1e-6
        // apart), the rank is 1 + the number of units scoring more.
        let near_tie = scored_units.iter().any(|&a| {
            scored_units.iter().any(|&b| {
                let d = (sc[a].unwrap() - sc[b].unwrap()).abs();
                d > 1e-12 && d <= 1e-6
            })
        });
        prop_assume!(!near_tie);
        for &u in &scored_units {
            let su = sc[u].unwrap();
            let higher = scored_units.iter().filter(|&&v| sc[v].unwrap() > su + TIE).count();
            prop_assert_eq!(rank[u], Some(1 + higher), "unit {} score {} among {:?}", u, su, &sc);
            for &v in &scored_units {
                if (sc[v].unwrap() - su).abs() <= TIE {
                    prop_assert_eq!(rank[u], rank[v]);
                }
            }
        }
    }

    /// Arithmetic aggregation: score = Σ_d w_d · d with the dimension weights
    /// used (within 1e-12); weights are the rubric's, normalized inside each
    /// parent; the global weights are their products and sum to 1; and when
    /// every dimension is arithmetic too, score = Σ_j w_j z_j.
    #[test]
    fn arithmetic_score_is_weighted_sum_of_dimensions((s, data) in case(false, true, 10)) {
        let ids = default_ids(data.len());
        let (rubric, table) = load(&rubric_toml(&s), data_csv(s.inds.len(), &ids, &complete(&data)));
        let scored = engine::score(&rubric, &table).unwrap();
        let w = &scored.weights;
        let dim_sum: f64 = s.dims.iter().map(|d| d.0).sum();
        for (d, (raw, _)) in s.dims.iter().enumerate() {
            prop_assert!((w.dimension[d] - raw / dim_sum).abs() <= 1e-12);
            let inside: f64 = s.inds.iter().filter(|i| i.dim == d).map(|i| i.weight).sum();
            for (k, ind) in s.inds.iter().enumerate().filter(|(_, i)| i.dim == d) {
                prop_assert!((w.indicator[k] - ind.weight / inside).abs() <= 1e-12);
                prop_assert!((w.global[k] - w.dimension[d] * w.indicator[k]).abs() <= 1e-15);
            }
        }
        prop_assert!((w.global.iter().sum::<f64>() - 1.0).abs() <= 1e-12);
        let all_arithmetic = s.dims.iter().all(|d| d.1 == "arithmetic");
        for (u, unit) in units(&scored).iter().enumerate() {
            let score = unit.score.unwrap();
            let by_dims: f64 = unit.dimensions.iter().zip(&w.dimension).map(|(d, w)| w * d.unwrap()).sum();
            prop_assert!((score - by_dims).abs() <= 1e-12, "unit {}: {} vs Σ w_d d = {}", u, score, by_dims);
            if all_arithmetic {
                let by_indicators: f64 = z_matrix(&scored).iter().zip(&w.global).map(|(z, w)| w * z[u].unwrap()).sum();
                prop_assert!((score - by_indicators).abs() <= 1e-12, "unit {}: {} vs Σ w_j z_j = {}", u, score, by_indicators);
            }
        }
    }

    /// Monotonicity under goalposts: moving one unit's value in the better
    /// direction (up for higher-is-better, down for lower-is-better) never
    /// lowers its score, and (goalposts do not depend on the sample) leaves
    /// every other unit's score exactly as it was.
    #[test]
    fn improving_a_value_never_lowers_the_score(
        (s, data) in case(true, true, 8),
        unit in any::<Index>(),
        indicator in any::<Index>(),
        target in val(),
    ) {
        let ids = default_ids(data.len());
        let u = unit.index(data.len());
        let k = indicator.index(s.inds.len());
        let ind = &s.inds[k];
        let old = data[u][k];
        let t = materialize(target, ind);
        let new = if ind.lower { old.min(t) } else { old.max(t) };
        let mut better = data.clone();
        better[u][k] = new;
        let toml = rubric_toml(&s);
        let (r1, t1) = load(&toml, data_csv(s.inds.len(), &ids, &complete(&data)));
        let (r2, t2) = load(&toml, data_csv(s.inds.len(), &ids, &complete(&better)));
        let a = scores(&engine::score(&r1, &t1).unwrap());
        let b = scores(&engine::score(&r2, &t2).unwrap());
        prop_assert!(b[u].unwrap() >= a[u].unwrap(), "{} → {}: score {:?} → {:?}", old, new, a[u], b[u]);
        for v in (0..data.len()).filter(|&v| v != u) {
            prop_assert_eq!(a[v].map(f64::to_bits), b[v].map(f64::to_bits), "unit {} changed", v);
        }
    }
}

// ---------------------------------------------------------------------------
// 6: robustness. Any input gives Ok or Err, never a panic.

/// A rubric over every option the engine has, for fuzzing the data reader
/// and the engine together. Columns: vid, 村名, 县, 指标0, x1, 指标2.
#[derive(Debug, Clone)]
struct FuzzRubric {
    normalize: &'static str,
    missing: &'static str,
    weighting: &'static str,
    method: &'static str,
    ideal: &'static str,
    floor: bool,
    top: &'static str,
    dim: &'static str,
    coupling: bool,
    label_group: bool,
    tfs: Vec<Tf>,
    lower: Vec<bool>,
}

const FUZZ_HEADER: &str = "vid,村名,县,指标0,x1,指标2";

fn fuzz_rubric() -> impl Strategy<Value = FuzzRubric> {
    (
        (
            select(vec!["goalpost", "minmax", "zscore", "rank", "none"]),
            select(vec!["error", "reweight", "mean", "median"]),
            select(vec!["explicit", "equal", "entropy", "critic"]),
            select(vec!["weighted", "topsis"]),
            select(vec!["sample", "absolute"]),
            any::<bool>(),
        ),
        (
            select(vec!["arithmetic", "geometric"]),
            select(vec!["arithmetic", "geometric"]),
            any::<bool>(),
            any::<bool>(),
            vec(tf(), 3),
            vec(any::<bool>(), 3),
        ),
    )
        .prop_map(
            |((normalize, missing, weighting, method, ideal, floor), (top, dim, coupling, label_group, tfs, lower))| {
                FuzzRubric {
                    normalize,
                    missing,
                    weighting,
                    method,
                    ideal,
                    floor,
                    top,
                    dim,
                    coupling,
                    label_group,
                    tfs,
                    lower,
                }
            },
        )
}

fn fuzz_rubric_toml(f: &FuzzRubric) -> String {
    let mut t = String::from("[rubric]\nname = \"模糊\"\nid = \"vid\"\n");
    if f.label_group {
        t.push_str("label = \"村名\"\ngroup = \"县\"\n");
    }
    let _ = writeln!(
        t,
        "normalize = \"{}\"\naggregate = \"{}\"\nmissing = \"{}\"\nweighting = \"{}\"\nmethod = \"{}\"\nideal = \"{}\"",
        f.normalize, f.top, f.missing, f.weighting, f.method, f.ideal
    );
    if f.floor {
        t.push_str("floor = 0.01\nentropy_shift = 0.001\n");
    }
    for (d, w) in [(0, 1.0), (1, 3.0)] {
        let _ = write!(
            t,
            "\n[[dimension]]\nid = \"d{d}\"\nweight = {w:?}\naggregate = \"{}\"\n",
            f.dim
        );
    }
    for k in 0..3 {
        let goalposts = if f.tfs[k] == Tf::Log { "[1, 1000]" } else { "[0, 100]" };
        let _ = write!(
            t,
            "\n[[indicator]]\nid = \"x{k}\"\ncolumn = \"{}\"\ndimension = \"d{}\"\nweight = {}\ndirection = \"{}\"\ntransform = \"{}\"\ngoalposts = {goalposts}\n",
            column(k),
            if k == 0 { 0 } else { 1 },
            k + 1,
            if f.lower[k] { "lower" } else { "higher" },
            f.tfs[k].name(),
        );
    }
    if f.coupling {
        t.push_str("\n[coupling]\n");
    }
    t
}

/// Indicator `k` of a `FuzzRubric`, for `materialize`.
fn fuzz_ind(f: &FuzzRubric, k: usize) -> Ind {
    let (lo, hi) = if f.tfs[k] == Tf::Log {
        (1.0, 1000.0)
    } else {
        (0.0, 100.0)
    };
    Ind {
        dim: usize::from(k > 0),
        weight: (k + 1) as f64,
        lower: f.lower[k],
        tf: f.tfs[k],
        lo,
        hi,
    }
}

/// Reads and scores; any error is fine, a panic fails the test. Returns the
/// scores when everything went through.
fn read_and_score(rubric: &Rubric, bytes: Vec<u8>) -> Option<Vec<Option<f64>>> {
    let table = input::from_bytes(&[("fuzz.csv".to_string(), bytes)], rubric, &ReadOptions::default()).ok()?;
    let scored = engine::score(rubric, &table).ok()?;
    Some(scores(&scored))
}

/// Pieces of messy CSV: separators, quotes, line ends, numbers in every
/// spelling, not-numbers, missing tokens, Chinese text and a BOM.
fn csv_token() -> impl Strategy<Value = &'static str> {
    select(vec![
        ",",
        ",",
        ",",
        "\"",
        "\n",
        "\n",
        "\r\n",
        "0",
        "1",
        "5",
        "9",
        "42",
        ".",
        "%",
        "，",
        "１",
        "—",
        "NaN",
        "inf",
        "-inf",
        "村",
        "中文",
        "\u{feff}",
        "-",
        " ",
        "e",
        "E",
        "1e999",
        "1e308",
        "-1.7976931348623157e308",
        "NA",
        "/",
        "…",
        "\u{3000}",
        "\"1,234.5\"",
        "12%",
        "－３",
        "1,5",
        "\t",
        "a",
        "v1",
        "v2",
    ])
}

/// A data cell as an analyst's spreadsheet might hold it: numbers in any
/// spelling, extreme or missing; with `messy`, also not-numbers and
/// CSV-breaking soup.
fn cell(messy: bool) -> impl Strategy<Value = String> {
    let numbers = prop_oneof![
        12 => (0.0..150.0f64).prop_map(|x| format!("{x}")),
        3 => any::<f64>().prop_filter("finite", |x| x.is_finite()).prop_map(|x| format!("{x:?}")),
        3 => select(vec![
            "", "NA", "—", "/", "0", "-0", " 12 ", "1e308", "-1e308", "1.7976931348623157e308", "-1.7976931348623157e308",
            "5e-324", "-1", "-0.999999", "1000", "\"1,234.5\"", "85%", "７８．５", "\"1，000\"",
        ])
        .prop_map(str::to_string),
    ];
    if messy {
        prop_oneof![
            18 => numbers,
            1 => select(vec!["NaN", "inf", "abc", "1,5", "12元", "1.2.3"]).prop_map(str::to_string),
            1 => vec(csv_token(), 0..4).prop_map(|t| t.concat()),
        ]
        .boxed()
    } else {
        numbers.boxed()
    }
}

/// Data rows after the header: id, label, group, then 3 cells (with
/// `messy`, rarely one too many or too few, and odd or repeated ids).
fn rows(messy: bool) -> impl Strategy<Value = Vec<String>> {
    let fields = if messy {
        prop_oneof![20 => Just(3usize), 1 => Just(2usize), 1 => Just(4usize)].boxed()
    } else {
        Just(3usize).boxed()
    };
    let row = (
        if messy {
            prop::option::weighted(0.1, select(vec!["v1", "v2", "村1", "", " ", "v1 "])).boxed()
        } else {
            Just(None).boxed()
        },
        select(vec!["甲村", "", "\"乙,村\""]),
        select(vec!["A县", "B县", ""]),
        fields.prop_flat_map(move |n| vec(cell(messy), n)),
    );
    vec(row, 0..12).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(u, (id, label, group, cells))| {
                let id = id.map_or_else(|| format!("v{u}"), str::to_string);
                format!("{id},{label},{group},{}", cells.join(","))
            })
            .collect()
    })
}

/// Spells `text` as GB18030 (what Chinese Excel writes) when `gbk`, with a
/// UTF-8 BOM when `bom`.
fn encode(text: &str, bom: bool, gbk: bool) -> Vec<u8> {
    if gbk {
        encoding_rs::GB18030.encode(text).0.into_owned()
    } else if bom {
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
    } else {
        text.as_bytes().to_vec()
    }
}

/// Pieces of rubric text.
fn toml_token() -> impl Strategy<Value = &'static str> {
    select(vec![
        "[rubric]\n",
        "[[dimension]]\n",
        "[[indicator]]\n",
        "[[grade]]\n",
        "[[linkage]]\n",
        "[coupling]\n",
        "id = ",
        "id = \"vid\"\n",
        "id = \"d0\"\n",
        "id = \"x0\"\n",
        "dimension = \"d0\"\n",
        "weight = ",
        "goalposts = [",
        "normalize = \"minmax\"\n",
        "missing = \"reweight\"\n",
        "weighting = \"entropy\"\n",
        "min = ",
        "dimensions = [\"d0\"]\n",
        "\"",
        "'''",
        "=",
        "[",
        "]",
        ",",
        "\n",
        "#",
        "{",
        "}",
        "1",
        "-1",
        "0",
        "1e309",
        "nan",
        "inf",
        "中",
        "，",
        "\u{feff}",
        "\u{3000}",
        " ",
        "\\",
        "score",
    ])
}

/// An edit to rubric text.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    ReplaceChar(Index, char),
    InsertChar(Index, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    let c = || {
        select(vec![
            '"', '=', '[', ']', '\n', '#', '中', '，', '\u{feff}', '0', '9', '-', '.', 'e', ' ', '\'', '\\', '{', '}',
            '\u{3000}', 'x', ',', '\r',
        ])
    };
    prop_oneof![
        any::<Index>().prop_map(Edit::DeleteLine),
        any::<Index>().prop_map(Edit::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<Index>(), c()).prop_map(|(i, c)| Edit::ReplaceChar(i, c)),
        (any::<Index>(), c()).prop_map(|(i, c)| Edit::InsertChar(i, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut text = text.to_string();
    for e in edits {
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut chars: Vec<char> = text.chars().collect();
        match e {
            Edit::DeleteLine(i) => {
                lines.remove(i.index(lines.len()));
            }
            Edit::DuplicateLine(i) => {
                let i = i.index(lines.len());
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            Edit::SwapLines(a, b) => {
                let (a, b) = (a.index(lines.len()), b.index(lines.len()));
                lines.swap(a, b);
            }
            Edit::ReplaceChar(i, c) if !chars.is_empty() => {
                let i = i.index(chars.len());
                chars[i] = *c;
            }
            Edit::ReplaceChar(..) => {}
            Edit::InsertChar(i, c) => {
                let i = i.index(chars.len() + 1);
                chars.insert(i, *c);
            }
        }
        text = match e {
            Edit::ReplaceChar(..) | Edit::InsertChar(..) => chars.into_iter().collect(),
            _ => lines.join("\n"),
        };
    }
    text
}

/// Quotes a CSV field.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Data for whatever rubric a mutation left: every column it names, values
/// spread around each indicator's goalposts and kept in its transform domain.
fn data_for(rubric: &Rubric, spread: &[f64]) -> Vec<u8> {
    let mut columns = vec![rubric.id_column.clone()];
    columns.extend(rubric.label_column.clone());
    columns.extend(rubric.group_column.clone());
    columns.extend(rubric.indicators.iter().map(|i| i.column.clone()));
    let mut t = columns.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(",");
    t.push('\n');
    let extra = columns.len() - rubric.indicators.len();
    for u in 0..4 {
        let mut fields: Vec<String> = (0..extra).map(|c| format!("u{u}_{c}")).collect();
        for (k, ind) in rubric.indicators.iter().enumerate() {
            let t = spread[(u * 7 + k) % spread.len()];
            let (lo, hi) = ind.goalposts.unwrap_or((0.0, 1.0));
            let mut x = lo + t * (hi - lo);
            if ind.transform.apply(x).is_none() {
                x = hi;
            }
            fields.push(if (u + k) % 5 == 4 { String::new() } else { literal(x) });
        }
        t.push_str(&fields.join(","));
        t.push('\n');
    }
    t.into_bytes()
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes as a data file.
    #[test]
    fn arbitrary_bytes_never_panic(f in fuzz_rubric(), bytes in vec(any::<u8>(), 0..2000)) {
        let rubric = Rubric::parse("fuzz.toml", &fuzz_rubric_toml(&f), false).unwrap();
        let _ = read_and_score(&rubric, bytes);
    }

    /// A valid header, then CSV-ish soup from a small alphabet.
    #[test]
    fn csv_soup_never_panics(
        f in fuzz_rubric(),
        body in vec(csv_token(), 0..300),
        bom in any::<bool>(),
        gbk in any::<bool>(),
    ) {
        let rubric = Rubric::parse("fuzz.toml", &fuzz_rubric_toml(&f), false).unwrap();
        let text = format!("{FUZZ_HEADER}\n{}", body.concat());
        let _ = read_and_score(&rubric, encode(&text, bom, gbk));
    }

    /// A valid header, then rows of plausible and implausible cells, through
    /// every normalization, missing policy, weighting and method.
    #[test]
    fn messy_rows_never_panic(
        f in fuzz_rubric(),
        rows in any::<bool>().prop_flat_map(rows),
        bom in any::<bool>(),
        gbk in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let rubric = Rubric::parse("fuzz.toml", &fuzz_rubric_toml(&f), false).unwrap();
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::from(FUZZ_HEADER);
        for r in &rows {
            text.push_str(eol);
            text.push_str(r);
        }
        let _ = read_and_score(&rubric, encode(&text, bom, gbk));
    }

    /// Every option combination on moderate data (|x| ≤ 10¹², some cells
    /// missing): when scoring succeeds, every z, weight, dimension value and
    /// score is finite; weights are ≥ 0 and the global ones sum to 1; under
    /// goalpost, minmax and rank normalization z lies in [floor, 1] and every
    /// dimension value and score in [0, 1] (TOPSIS closeness too); a unit
    /// has a rank exactly when it has a score.
    #[test]
    fn every_method_gives_finite_bounded_results(
        f in fuzz_rubric(),
        rows in vec((vec(prop::option::weighted(0.9, val()), 3), select(vec!["A县", "B县"])), 1..10),
    ) {
        let rubric = Rubric::parse("fuzz.toml", &fuzz_rubric_toml(&f), false).unwrap();
        let inds: Vec<Ind> = (0..3).map(|k| fuzz_ind(&f, k)).collect();
        let mut text = String::from(FUZZ_HEADER);
        for (u, (cells, group)) in rows.iter().enumerate() {
            let _ = write!(text, "\nv{u},村{u},{group}");
            for (v, ind) in cells.iter().zip(&inds) {
                text.push(',');
                if let Some(v) = v {
                    let x = materialize(*v, ind).clamp(-1e12, 1e12);
                    text.push_str(&literal(ind.tf.into_domain(x)));
                }
            }
        }
        let table = input::from_bytes(&[("f.csv".to_string(), text.into_bytes())], &rubric, &ReadOptions::default()).unwrap();
        let Ok(scored) = engine::score(&rubric, &table) else {
            return Ok(());
        };
        // Entropy weights can come out negative (and others above 1) by
        // rounding: `known_bug_entropy_weights_can_be_negative`. Until that is
        // fixed, signs and bounds are not checked under entropy.
        let entropy = f.weighting == "entropy";
        let w = &scored.weights;
        for x in w.dimension.iter().chain(&w.indicator).chain(&w.global) {
            prop_assert!(x.is_finite() && (entropy || *x >= 0.0), "weights {:?}", w);
        }
        prop_assert!((w.global.iter().sum::<f64>() - 1.0).abs() <= 1e-12, "weights {:?}", w);
        let bounded_z = matches!(f.normalize, "goalpost" | "minmax" | "rank");
        let bounded = bounded_z && !entropy;
        let floor = if f.floor { 0.01 } else { 0.0 };
        for col in &z_matrix(&scored) {
            for z in col.iter().flatten() {
                prop_assert!(z.is_finite(), "z = {}", z);
                if bounded_z {
                    prop_assert!(*z >= floor - SLACK && *z <= 1.0 + SLACK, "z = {}", z);
                }
            }
        }
        for unit in &units(&scored) {
            prop_assert_eq!(unit.rank.is_some(), unit.score.is_some());
            for v in unit.dimensions.iter().chain(&unit.linkages).flatten() {
                prop_assert!(v.is_finite(), "{:?}", unit);
                if bounded {
                    prop_assert!((-SLACK..=1.0 + SLACK).contains(v), "{:?}", unit);
                }
            }
            if let Some(score) = unit.score {
                prop_assert!(score.is_finite(), "{:?}", unit);
                if bounded || f.method == "topsis" {
                    prop_assert!((-SLACK..=1.0 + SLACK).contains(&score), "{:?}", unit);
                }
            }
        }
    }

    /// Arbitrary text and TOML-ish soup as a rubric.
    #[test]
    fn arbitrary_rubric_text_never_panics(text in any::<String>(), soup in vec(toml_token(), 0..120)) {
        let _ = Rubric::parse("fuzz.toml", &text, false);
        let _ = Rubric::parse("fuzz.toml", &soup.concat(), false);
        let _ = Rubric::parse("fuzz.toml", &format!("\u{feff}{}", soup.concat()), false);
    }

    /// Mutations of valid rubrics (a generated one, the fuzz one and the
    /// built-in one); when the result still parses, it also scores data
    /// made for it without panicking.
    #[test]
    fn mutated_rubrics_never_panic(
        base in 0..3usize,
        s in spec(true, true),
        f in fuzz_rubric(),
        edits in vec(edit(), 1..4),
        spread in vec(-0.5..1.5f64, 1..8),
    ) {
        let original = match base {
            0 => rubric_toml(&s),
            1 => fuzz_rubric_toml(&f),
            _ => linkscore::rubric::BUILTIN_RUBRIC.to_string(),
        };
        let text = apply(&original, &edits);
        if let Ok(rubric) = Rubric::parse("mutant.toml", &text, false) {
            let _ = read_and_score(&rubric, data_for(&rubric, &spread));
        }
    }

    /// `parse_cell` on any text: never a panic, never a non-finite number.
    #[test]
    fn parse_cell_is_total_and_finite(
        text in any::<String>(),
        soup in vec(select(vec![
            "0", "1", "9", "０", "９", ".", "．", ",", "，", "%", "％", "-", "－", "−", "+", "＋", "e", "E", "Ｅ", "ｅ",
            " ", "\u{3000}", "NaN", "inf", "infinity", "1e308", "9", "999", "x", "0x", "中", "—", "NA",
        ]), 0..12),
    ) {
        let na: Vec<&str> = DEFAULT_NA.to_vec();
        for t in [text, soup.concat()] {
            if let Ok(Some(x)) = input::parse_cell(&t, &na) {
                prop_assert!(x.is_finite(), "{:?} → {}", t, x);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 7: how numbers are spelled in cells.

/// `1234567` → `1,234,567` (ASCII digits of a non-negative integer).
fn thousands(digits: &str, sep: char) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// ASCII digits, point and minus as their full-width forms.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            '.' => '．',
            '-' => '－',
            c => c,
        })
        .collect()
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        -1e6..1e6f64,
        select(vec![0.0, -0.0, f64::MAX, -f64::MAX, f64::MIN_POSITIVE, 5e-324, -5e-324]),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    /// Any finite number, written the shortest round-trip way (plain or with
    /// an exponent), reads back exactly, also with a trailing `%` (ignored)
    /// and surrounding spaces.
    #[test]
    fn parse_cell_round_trips(x in finite(), pct in select(vec!["", "%", " %", "％"]), pad in select(vec!["", " ", "\u{3000}"])) {
        let na: Vec<&str> = DEFAULT_NA.to_vec();
        for text in [format!("{x}"), format!("{x:?}"), format!("{x:e}")] {
            let cell = format!("{pad}{text}{pct}{pad}");
            let got = input::parse_cell(&cell, &na);
            prop_assert_eq!(got.map(|v| v.map(f64::to_bits)), Ok(Some(x.to_bits())), "{:?}", cell);
        }
    }

    /// Thousands separators (ASCII or full-width comma) in integers from
    /// 1,000 to 10¹², with a sign, a fraction, full-width digits or a `%`,
    /// leave the value unchanged; in a quoted CSV cell too.
    #[test]
    fn thousands_separators_are_ignored(
        n in 1000u64..1_000_000_000_000,
        frac in prop::option::of(0u32..1000),
        negative in any::<bool>(),
        sep in select(vec![',', '，']),
        wide in any::<bool>(),
        pct in select(vec!["", "%"]),
    ) {
        let na: Vec<&str> = DEFAULT_NA.to_vec();
        let plain = format!("{}{n}{}", if negative { "-" } else { "" }, frac.map_or(String::new(), |f| format!(".{f:03}")));
        let expected: f64 = plain.parse().unwrap();
        let grouped = format!(
            "{}{}{}{pct}",
            if negative { "-" } else { "" },
            thousands(&n.to_string(), sep),
            frac.map_or(String::new(), |f| format!(".{f:03}"))
        );
        let cell = if wide { full_width(&grouped) } else { grouped };
        prop_assert_eq!(input::parse_cell(&cell, &na), Ok(Some(expected)), "{:?}", cell);

        // Through the CSV reader, quoted so the comma stays inside the cell.
        let s = Spec {
            scale: 100.0,
            aggregate: "arithmetic",
            dims: vec![(1.0, "arithmetic")],
            inds: vec![Ind { dim: 0, weight: 1.0, lower: false, tf: Tf::None, lo: 0.0, hi: 1.0 }],
            header: Vec::new(),
        };
        let csv = format!("vid,{}\nv1,{}\nv2,1\n", column(0), quoted(&cell));
        let (_, table) = load(&rubric_toml(&s), csv.into_bytes());
        prop_assert_eq!(table.value(0, 0), Some(expected));
    }
}

// ---------------------------------------------------------------------------
// Bugs the properties above found, as fixed reproductions. They are ignored
// so the suite stays green until they are fixed; run them with
// `cargo test --test integration properties -- --ignored`.

/// Scores a one-dimension rubric body (indicators etc. after `[[dimension]] id = "d"`).
fn score_one(body: &str, csv: &str) -> linkscore::Result<Vec<Option<f64>>> {
    let toml = format!("[rubric]\nid = \"vid\"\n{body}");
    let rubric = Rubric::parse("bug.toml", &toml, false)?;
    let table = input::from_bytes(
        &[("bug.csv".to_string(), csv.as_bytes().to_vec())],
        &rubric,
        &ReadOptions::default(),
    )?;
    let scored = engine::score(&rubric, &table)?;
    Ok(scores(&scored))
}

/// Weights 2, 4, 3, 1 normalize to 0.2, 0.4, 0.3, 0.1, whose float sum is
/// 1.0000000000000002: a unit at every high goalpost scores
/// 100.00000000000003 on a scale of 100 (and `linkscore score --format csv`
/// writes exactly that), above the SPEC's 0..scale.
#[test]

fn regression_score_exceeds_scale_by_rounding() {
    let mut body = String::from("[[dimension]]\nid = \"d\"\n");
    for (k, w) in [2, 4, 3, 1].iter().enumerate() {
        let _ = write!(
            body,
            "[[indicator]]\nid = \"x{k}\"\ndimension = \"d\"\nweight = {w}\ngoalposts = [0, 1]\n"
        );
    }
    let units = score_one(&body, "vid,x0,x1,x2,x3\nv1,1,1,1,1\n").unwrap();
    let score = units[0].unwrap();
    assert!(
        score <= 1.0,
        "score {score:?} × 100 = {:?} is above the scale",
        score * 100.0
    );
}

/// Goalposts are validated as lo < hi before the transform, but compared
/// after it: ln(1e15) and ln(1e15 + 1) are the same float, so hi − lo = 0
/// and every z is 0/0 = NaN (`score` then prints `NaN` and exits 0).
#[test]

fn regression_goalposts_collapsing_under_transform_give_nan() {
    let body = "[[dimension]]\nid = \"d\"\n[[indicator]]\nid = \"a\"\ndimension = \"d\"\ntransform = \"log\"\ngoalposts = [1e15, 1000000000000001]\n";
    match score_one(body, "vid,a\nv1,5\nv2,1e16\n") {
        Err(_) => {} // rejecting the rubric is a fine answer
        Ok(units) => {
            for score in units {
                assert!(score.is_some_and(f64::is_finite), "score {score:?}");
            }
        }
    }
}

/// Finite cells whose range overflows f64 (|x| near 1e308): hi − lo or the
/// column's mean/sd become infinite and z = ∞/∞ = NaN (or every z = 0
/// under zscore). Cells are accepted as "finite numbers" (SPEC "Data"), so
/// the result should be finite or a clear error.
#[test]

fn regression_overflowing_ranges_give_nan() {
    let cases = [
        ("goalposts = [-1e308, 1e308]", "vid,a\nv1,0\nv2,1e308\nv3,-1e308\n"),
        ("normalize = \"minmax\"", "vid,a\nv1,0\nv2,1e308\nv3,-1e308\n"),
        ("normalize = \"zscore\"", "vid,a\nv1,1e308\nv2,1.5e308\n"),
    ];
    let mut bad = Vec::new();
    for (norm, csv) in cases {
        let body = format!("[[dimension]]\nid = \"d\"\n[[indicator]]\nid = \"a\"\ndimension = \"d\"\n{norm}\n");
        if let Ok(units) = score_one(&body, csv)
            && units.iter().any(|s| !s.is_some_and(f64::is_finite))
        {
            bad.push(format!("{norm}: {units:?}"));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

/// Entropy weighting: a constant column has E_j = 1 in exact arithmetic,
/// but 1 + a few ulps in floats, so d_j = 1 − E_j is slightly negative;
/// when the other columns are nearly constant too, Σ d is tiny and
/// w_j = d_j / Σ d is far from it. Here `a` and `c` get weight −0.1538 and
/// `b` 1.3077, and v1 scores 110.77 on a 0..100 scale (`linkscore weights`
/// and `linkscore score` print exactly that). SPEC: weights are ≥ 0, scores
/// are on 0..scale. A fix: d_j = max(0, 1 − E_j), and d_j = 0 exactly for a
/// column whose values are all equal.
#[test]

fn regression_entropy_weights_can_be_negative() {
    let mut toml = String::from("[rubric]\nid = \"vid\"\nweighting = \"entropy\"\n[[dimension]]\nid = \"d\"\n");
    for id in ["a", "b", "c"] {
        let _ = write!(
            toml,
            "[[indicator]]\nid = \"{id}\"\ndimension = \"d\"\ngoalposts = [0, 1]\n"
        );
    }
    let csv = "vid,a,b,c\nv1,1,1,0.3\nv2,1,1,0.3\nv3,1,1,0.3\nv4,1,1,0.3\nv5,1,0.9999998,0.3\n";
    let rubric = Rubric::parse("bug.toml", &toml, false).unwrap();
    let table = input::from_bytes(
        &[("bug.csv".to_string(), csv.as_bytes().to_vec())],
        &rubric,
        &ReadOptions::default(),
    )
    .unwrap();
    let scored = engine::score(&rubric, &table).unwrap();
    let w = &scored.weights;
    assert!(w.global.iter().chain(&w.indicator).all(|&x| x >= 0.0), "{w:?}");
    assert!(
        scores(&scored).iter().all(|s| s.unwrap() <= 1.0),
        "{:?}",
        scores(&scored)
    );
}
