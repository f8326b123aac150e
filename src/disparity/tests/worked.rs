//! Hand-worked examples (issue 17): every expected figure is worked out in
//! the comments from SPEC.md's formulas ("Disparity: `disparity`"), as a
//! reviewer can redo by hand, and was checked in exact rational arithmetic
//! (Python's `fractions.Fraction`; `math.log` for Theil). Nothing here is
//! copied from the program's output.

use super::super::*;

/// |got − want| ≤ 1e-12 · |want| (exactly 0 when want is 0).
#[track_caller]
fn near(what: &str, got: f64, want: f64) {
    let ok = if want == 0.0 {
        got == 0.0
    } else {
        ((got - want) / want).abs() <= 1e-12
    };
    assert!(ok, "{what}: got {got:.17e}, want {want:.17e}");
}

fn ln(x: f64) -> f64 {
    x.ln()
}

// ------------------------------------------------------------ three groups
//
// Eleven units in three groups, given interleaved (input order below);
// groups are numbered by first appearance: A = 0, B = 1, C = 2.
//
//   A = {1, 2, 3, 4}    n_A = 4   total 10   Ȳ_A = 5/2
//   B = {2, 4, 6, 8}    n_B = 4   total 20   Ȳ_B = 5      (B = 2·A; ties
//   C = {5, 10, 15}     n_C = 3   total 30   Ȳ_C = 10      2 and 4 with A)
//   n = 11, total 60, Ȳ = 60/11.
//   p_j = n_j/n:           p_A = 4/11, p_B = 4/11, p_C = 3/11.
//   s_j = n_j Ȳ_j/(n Ȳ) = total_j/60:  s_A = 1/6, s_B = 1/3, s_C = 1/2.
//
// Within-group sums of |y_i − y_r| over ordered pairs (twice the sum over
// i < r):
//   A: 2·(|1−2|+|1−3|+|1−4|+|2−3|+|2−4|+|3−4|) = 2·(1+2+3+1+2+1) = 20
//   B: B = 2·A, so 2·20 = 40
//   C: 2·(5 + 10 + 5) = 40
// G_jj = sum / (2 n_j² Ȳ_j):
//   G_AA = 20/(2·16·5/2) = 20/80 = 1/4
//   G_BB = 40/(2·16·5)   = 40/160 = 1/4
//   G_CC = 40/(2·9·10)   = 40/180 = 2/9
//
// Pairs, the richer j first (Ȳ_C > Ȳ_B > Ȳ_A), ordered by the richer's
// index then the poorer's: (B, A), (C, A), (C, B).
//   (B, A): |b − a| for b = 2, 4, 6, 8 against a = 1, 2, 3, 4:
//       b=2: 1 0 1 2 = 4;  b=4: 3 2 1 0 = 6;  b=6: 5 4 3 2 = 14;  b=8: 7 6 5 4 = 22
//     Σ|b − a| = 46; of which b > a: b=2: 1, b=4: 6, b=6: 14, b=8: 22 → 43,
//     a > b: 3 (a=3,4 against b=2: 1 + 2). Check: 43 − 3 = 16·(5 − 5/2) = 40.
//     d_BA = 43/16, p_BA = 3/16, D_BA = (43 − 3)/(43 + 3) = 40/46 = 20/23,
//     G_BA = 46/(4·4·(5 + 5/2)) = 46/120 = 23/60.
//   (C, A): every c ≥ 5 > every a: Σ|c − a| = Σ(c − a) = 4·30 − 3·10 = 90,
//     all with c > a. d_CA = 90/12 = 15/2, p_CA = 0, D_CA = 1,
//     G_CA = 90/(3·4·(10 + 5/2)) = 90/150 = 3/5.
//   (C, B): c − b for c = 5, 10, 15 against b = 2, 4, 6, 8:
//       c=5: 3 1 −1 −3;  c=10: 8 6 4 2;  c=15: 13 11 9 7
//     c > b: 3+1 + 20 + 40 = 64; b > c: 1+3 = 4; Σ|c − b| = 68.
//     Check: 64 − 4 = 12·(10 − 5) = 60.
//     d_CB = 64/12 = 16/3, p_CB = 4/12 = 1/3, D_CB = 60/68 = 15/17,
//     G_CB = 68/(3·4·(10 + 5)) = 68/180 = 17/45.
//
// Overall: Σ_i Σ_r |y_i − y_r| = within (20 + 40 + 40) + 2·pairs
// (46 + 90 + 68) = 100 + 408 = 508; G = 508/(2·121·60/11) = 508/1320
// = 127/330.
//
// G_w = Σ G_jj p_j s_j = 1/4·4/11·1/6 + 1/4·4/11·1/3 + 2/9·3/11·1/2
//     = 1/66 + 2/66 + 2/66 = 5/66.
// Pair weights p_j s_h + p_h s_j:
//   (B, A): 4/11·1/6 + 4/11·1/3 = 4/66 + 8/66 = 2/11
//   (C, A): 3/11·1/6 + 4/11·1/2 = 3/66 + 12/66 = 5/22
//   (C, B): 3/11·1/3 + 4/11·1/2 = 1/11 + 2/11 = 3/11
// G_nb = Σ G_jh·weight·D_jh = 23/60·2/11·20/23 + 3/5·5/22·1 + 17/45·3/11·15/17
//      = 2/33 + 3/22 + 1/11 = (4 + 9 + 6)/66 = 19/66
// G_t  = Σ G_jh·weight·(1 − D_jh) = 23/60·2/11·3/23 + 0 + 17/45·3/11·2/17
//      = 1/110 + 2/165 = (3 + 4)/330 = 7/330
// G_w + G_nb + G_t = 25/330 + 95/330 + 7/330 = 127/330 = G.
// Shares: 25/127, 95/127, 7/127.
//
// Theil (l2 = ln 2, l3 = ln 3, l5 = ln 5, l11 = ln 11):
//   T_A: y/Ȳ_A = 2/5, 4/5, 6/5, 8/5;
//     T_A = (1/4)(1/5)[2 ln(2/5) + 4 ln(4/5) + 6 ln(6/5) + 8 ln(8/5)]
//         = (1/20)[40 l2 + 6 l3 − 20 l5] = 2 l2 + (3/10) l3 − l5.
//   T_B = T_A (T is scale invariant and B = 2·A).
//   T_C: y/Ȳ_C = 1/2, 1, 3/2; T_C = (1/3)[(1/2) ln(1/2) + 0 + (3/2) ln(3/2)]
//         = (1/2) l3 − (2/3) l2.
//   T_w = s_A T_A + s_B T_B + s_C T_C = (1/2) T_A + (1/2) T_C
//       = (2/3) l2 + (2/5) l3 − (1/2) l5.
//   T_b = Σ s_g ln(Ȳ_g/Ȳ) = 1/6 ln(11/24) + 1/3 ln(11/12) + 1/2 ln(11/6)
//       = l11 − [1/6 (3 l2 + l3) + 1/3 (2 l2 + l3) + 1/2 (l2 + l3)]
//       = l11 − (5/3) l2 − l3.
//   T = (1/(n Ȳ)) Σ y ln y − ln Ȳ, with Σ y ln y = (10 l2 + 3 l3) [A]
//       + (40 l2 + 6 l3) [B] + (10 l2 + 15 l3 + 30 l5) [C]
//       = 60 l2 + 24 l3 + 30 l5, so T = l2 + (2/5) l3 + (1/2) l5
//       − (2 l2 + l3 + l5 − l11) = l11 − l2 − (3/5) l3 − (1/2) l5
//       (= T_w + T_b).
//   L_A = ln Ȳ_A − (1/4) ln(1·2·3·4) = l5 − l2 − (1/4)(3 l2 + l3)
//       = l5 − (7/4) l2 − (1/4) l3; L_B = L_A (scale invariant).
//   L_C = ln 10 − (1/3) ln(5·10·15) = (2/3) l2 − (1/3) l3.
//   L_w = Σ p_g L_g = (8/11) L_A + (3/11) L_C
//       = (8/11) l5 − (12/11) l2 − (3/11) l3.
//   L_b = Σ p_g ln(Ȳ/Ȳ_g) = 4/11 ln(24/11) + 4/11 ln(12/11) + 3/11 ln(6/11)
//       = (23/11) l2 + l3 − l11.
//   L = ln Ȳ − (1/n) Σ ln y, Π y = 24·384·750 = 2^11·3^3·5^3:
//     L = (2 l2 + l3 + l5 − l11) − (l2 + (3/11) l3 + (3/11) l5)
//       = l2 + (8/11) l3 + (8/11) l5 − l11 (= L_w + L_b).
//
// CV (sample sd, n − 1):
//   A: squares of deviations 9/4 + 1/4 + 1/4 + 9/4 = 5, var 5/3,
//      CV_A = √(5/3)/(5/2) = √(4/15).
//   B: deviations doubled: 20, var 20/3, CV_B = √(20/3)/5 = √(4/15).
//   C: 25 + 0 + 25 = 50, var 25, CV_C = 5/10 = 1/2.
//   all: Σ y² = 30 + 120 + 350 = 500, Σ (y − Ȳ)² = 500 − 60²/11 = 1900/11,
//      var = 190/11, CV = √(190/11)/(60/11) = √2090/60.

const WORKED_VALUES: [f64; 11] = [3.0, 8.0, 10.0, 1.0, 2.0, 4.0, 5.0, 6.0, 2.0, 15.0, 4.0];
const WORKED_GROUPS: [usize; 11] = [0, 1, 2, 0, 1, 0, 2, 1, 0, 2, 1];

#[test]
fn three_groups_worked_by_hand() {
    let d = disparity(&WORKED_VALUES, Some(&WORKED_GROUPS)).unwrap();
    assert_eq!(d.n, 11);
    near("mean", d.mean, 60.0 / 11.0);
    near("CV", d.cv.unwrap(), 2090f64.sqrt() / 60.0);
    let sizes: Vec<usize> = d.groups.iter().map(|g| g.n).collect();
    assert_eq!(sizes, [4, 4, 3]);
    for (g, want) in d.groups.iter().zip([2.5, 5.0, 10.0]) {
        near("group mean", g.mean, want);
    }
    for (g, want) in d
        .groups
        .iter()
        .zip([(4.0f64 / 15.0).sqrt(), (4.0f64 / 15.0).sqrt(), 0.5])
    {
        near("group CV", g.cv.unwrap(), want);
    }

    let dagum = d.dagum.as_ref().unwrap();
    near("G", dagum.gini, 127.0 / 330.0);
    near("G_AA", dagum.group_gini[0], 1.0 / 4.0);
    near("G_BB", dagum.group_gini[1], 1.0 / 4.0);
    near("G_CC", dagum.group_gini[2], 2.0 / 9.0);
    near("G_w", dagum.within, 5.0 / 66.0);
    near("G_nb", dagum.between, 19.0 / 66.0);
    near("G_t", dagum.transvariation, 7.0 / 330.0);
    let shares = dagum.shares.unwrap();
    near("share_w", shares.within, 25.0 / 127.0);
    near("share_nb", shares.between, 95.0 / 127.0);
    near("share_t", shares.transvariation, 7.0 / 127.0);

    // (richer, poorer, G_jh, d_jh, p_jh, D_jh) in SPEC order.
    let want = [
        (1, 0, 23.0 / 60.0, 43.0 / 16.0, 3.0 / 16.0, 20.0 / 23.0),
        (2, 0, 3.0 / 5.0, 15.0 / 2.0, 0.0, 1.0),
        (2, 1, 17.0 / 45.0, 16.0 / 3.0, 1.0 / 3.0, 15.0 / 17.0),
    ];
    assert_eq!(dagum.pairs.len(), want.len());
    for (pair, (j, h, g, dd, pp, aff)) in dagum.pairs.iter().zip(want) {
        assert_eq!((pair.richer, pair.poorer), (j, h));
        near("G_jh", pair.gini, g);
        near("d_jh", pair.d, dd);
        near("p_jh", pair.p, pp);
        near("D_jh", pair.affluence, aff);
    }

    let (l2, l3, l5, l11) = (ln(2.0), ln(3.0), ln(5.0), ln(11.0));
    let t = d.theil.as_ref().unwrap();
    near("T", t.t, l11 - l2 - 0.6 * l3 - 0.5 * l5);
    near("T_w", t.t_within, 2.0 / 3.0 * l2 + 0.4 * l3 - 0.5 * l5);
    near("T_b", t.t_between, l11 - 5.0 / 3.0 * l2 - l3);
    near("L", t.l, l2 + 8.0 / 11.0 * l3 + 8.0 / 11.0 * l5 - l11);
    near("L_w", t.l_within, 8.0 / 11.0 * l5 - 12.0 / 11.0 * l2 - 3.0 / 11.0 * l3);
    near("L_b", t.l_between, 23.0 / 11.0 * l2 + l3 - l11);
    // The group figures the within parts are made of, as worked above.
    let t_a = 2.0 * l2 + 0.3 * l3 - l5;
    let t_c = 0.5 * l3 - 2.0 / 3.0 * l2;
    near("T_w from T_A, T_C", t.t_within, (t_a + t_c) / 2.0);
    let l_a = l5 - 1.75 * l2 - 0.25 * l3;
    let l_c = (4.0f64 / 3.0).ln() / 3.0;
    near("L_w from L_A, L_C", t.l_within, (8.0 * l_a + 3.0 * l_c) / 11.0);
}

/// The same units in another order with the groups renumbered (C first):
/// the figures are the same, pairs reordered by the new indices.
#[test]
fn three_groups_worked_by_hand_in_another_order() {
    let mut units: Vec<(f64, usize)> = WORKED_VALUES.iter().copied().zip(WORKED_GROUPS).collect();
    units.reverse();
    // Reversed, first appearance is B (4), C (15), A (2): B = 0, C = 1, A = 2.
    let renumber = |g: usize| [2, 0, 1][g];
    let values: Vec<f64> = units.iter().map(|u| u.0).collect();
    let groups: Vec<usize> = units.iter().map(|u| renumber(u.1)).collect();
    let d = disparity(&values, Some(&groups)).unwrap();
    let dagum = d.dagum.unwrap();
    near("G", dagum.gini, 127.0 / 330.0);
    near("G_w", dagum.within, 5.0 / 66.0);
    near("G_nb", dagum.between, 19.0 / 66.0);
    near("G_t", dagum.transvariation, 7.0 / 330.0);
    // Pairs (richer, poorer) in index order: (B=0, A=2), (C=1, B=0), (C=1, A=2).
    let order: Vec<(usize, usize)> = dagum.pairs.iter().map(|p| (p.richer, p.poorer)).collect();
    assert_eq!(order, [(0, 2), (1, 0), (1, 2)]);
    near("G_BA", dagum.pairs[0].gini, 23.0 / 60.0);
    near("D_CB", dagum.pairs[1].affluence, 15.0 / 17.0);
    near("D_CA", dagum.pairs[2].affluence, 1.0);
    near("G_CC", dagum.group_gini[1], 2.0 / 9.0);
}

// ------------------------------------------------------------ closed forms

/// Two groups of m units each, all equal within a group: group 1 all
/// a = 1, group 2 all b = 3. Ȳ = 2, p = 1/2 each, s_1 = 1/4, s_2 = 3/4.
/// Within every group y = Ȳ_g, so T_g = L_g = 0: T_w = L_w = 0.
///   T = T_b = (1/4) ln(1/2) + (3/4) ln(3/2) = (3/4) ln 3 − ln 2;
///   L = L_b = (1/2) ln(2/1) + (1/2) ln(2/3) = ln 2 − (1/2) ln 3.
/// Gini: G_jj = 0; every cross pair differs by 2: Σ|y_2r − y_1i| = 2m²,
/// G_21 = 2m²/(m²·(3 + 1)) = 1/2, p_21 = 0, D_21 = 1; weight
/// p_2 s_1 + p_1 s_2 = (1/2)(1/4 + 3/4) = 1/2, G_nb = 1/4 = G
/// (= Σ_ordered |diff| / (2 n² Ȳ) = 2·2m² / (2·4m²·2) = 1/4), G_t = 0.
#[test]
fn two_constant_groups_theil_is_all_between() {
    for m in [1, 2, 5, 50] {
        let values: Vec<f64> = (0..2 * m).map(|i| if i % 2 == 0 { 1.0 } else { 3.0 }).collect();
        let groups: Vec<usize> = (0..2 * m).map(|i| i % 2).collect();
        let d = disparity(&values, Some(&groups)).unwrap();
        let t = d.theil.unwrap();
        let (l2, l3) = (ln(2.0), ln(3.0));
        assert_eq!((t.t_within, t.l_within), (0.0, 0.0), "m = {m}");
        near("T", t.t, 0.75 * l3 - l2);
        near("T_b", t.t_between, 0.75 * l3 - l2);
        near("L", t.l, l2 - 0.5 * l3);
        near("L_b", t.l_between, l2 - 0.5 * l3);
        let g = d.dagum.unwrap();
        near("G", g.gini, 0.25);
        assert_eq!(g.within, 0.0);
        near("G_nb", g.between, 0.25);
        assert_eq!(g.transvariation, 0.0);
        assert_eq!((g.pairs[0].richer, g.pairs[0].poorer), (1, 0));
        near("G_21", g.pairs[0].gini, 0.5);
        near("D_21", g.pairs[0].affluence, 1.0);
        near("d_21", g.pairs[0].d, 2.0);
    }
}

/// Two groups of one unit each, y = 1 and y = 4 (Ȳ = 5/2, s = 1/5 and
/// 4/5): within parts are 0 and
///   T = T_b = (1/5) ln(2/5) + (4/5) ln(8/5) = (13/5) ln 2 − ln 5,
///   L = L_b = (1/2) ln(5/2) + (1/2) ln(5/8) = ln(5/4).
/// G = Σ_ordered |diff| / (2 n² Ȳ) = 2·3 / (2·4·5/2) = 3/10.
#[test]
fn two_units_closed_forms() {
    let d = disparity(&[4.0, 1.0], Some(&[0, 1])).unwrap();
    let t = d.theil.unwrap();
    near("T", t.t, 2.6 * ln(2.0) - ln(5.0));
    near("T_b", t.t_between, 2.6 * ln(2.0) - ln(5.0));
    near("L", t.l, ln(1.25));
    near("L_b", t.l_between, ln(1.25));
    assert_eq!((t.t_within, t.l_within), (0.0, 0.0));
    let g = d.dagum.unwrap();
    near("G", g.gini, 0.3);
    // Groups of one unit: no CV.
    assert!(d.groups.iter().all(|g| g.cv.is_none()));
    // Overall: sd of {1, 4} = √(9/2), CV = √4.5 / 2.5.
    near("CV", d.cv.unwrap(), 4.5f64.sqrt() / 2.5);
}

/// Two units {0, x}: Σ_ordered |diff| = 2x, Ȳ = x/2, G = 2x/(2·4·x/2) = 1/2.
/// n units {0, …, 0, x}: Σ = 2(n − 1)x, Ȳ = x/n, G = (n − 1)/n.
/// As two groups {x} and {0}: G_jj = 0, G_jh = x/(1·1·(x + 0)) = 1,
/// D = 1 (p = 0), weight p_1 s_2 + p_2 s_1 = (1/2)·0 + (1/2)·1 = 1/2, so
/// G_nb = 1/2 = G. Theil is left out (a zero), naming the unit.
#[test]
fn gini_of_a_single_holder() {
    for x in [1.0, 7.0, 1e6] {
        let d = disparity(&[0.0, x], None).unwrap();
        near("G {0, x}", d.dagum.unwrap().gini, 0.5);
        assert_eq!(d.theil, Err(NonPositive { unit: 0, value: 0.0 }));
        let d = disparity(&[x, 0.0], Some(&[0, 1])).unwrap();
        let g = d.dagum.unwrap();
        near("G", g.gini, 0.5);
        assert_eq!(g.within, 0.0);
        near("G_nb", g.between, 0.5);
        assert_eq!(g.transvariation, 0.0);
        near("G_jh", g.pairs[0].gini, 1.0);
        near("D_jh", g.pairs[0].affluence, 1.0);
        near("d_jh", g.pairs[0].d, x);
        assert_eq!(g.pairs[0].p, 0.0);
        assert_eq!(d.theil, Err(NonPositive { unit: 1, value: 0.0 }));
    }
    for n in [3usize, 10, 1000] {
        let mut y = vec![0.0; n];
        y[n / 2] = 5.0;
        near(
            "G (n-1)/n",
            disparity(&y, None).unwrap().dagum.unwrap().gini,
            (n - 1) as f64 / n as f64,
        );
    }
}

/// A group that is another scaled by c (same size): T and L are scale
/// invariant, so T_1 = T_2 and T_w = (s_1 + s_2) T_1 = T_1, L_w = L_1, and
/// Theil of one group alone is its T_g. Group 1 = {1, 2, 3, 4}: T_1 =
/// 2 ln 2 + (3/10) ln 3 − ln 5 and L_1 = ln 5 − (7/4) ln 2 − (1/4) ln 3
/// (worked in the three-group example above).
#[test]
fn a_scaled_copy_leaves_the_within_part_unchanged() {
    let (l2, l3, l5) = (ln(2.0), ln(3.0), ln(5.0));
    let t1 = 2.0 * l2 + 0.3 * l3 - l5;
    let l1 = l5 - 1.75 * l2 - 0.25 * l3;
    let alone = disparity(&[1.0, 2.0, 3.0, 4.0], None).unwrap().theil.unwrap();
    near("T_1", alone.t, t1);
    near("L_1", alone.l, l1);
    for c in [3.0, 10.0, 0.25] {
        let mut y = vec![1.0, 2.0, 3.0, 4.0];
        y.extend([1.0, 2.0, 3.0, 4.0].map(|v| v * c));
        let t = disparity(&y, Some(&[0, 0, 0, 0, 1, 1, 1, 1])).unwrap().theil.unwrap();
        near("T_w", t.t_within, t1);
        near("L_w", t.l_within, l1);
        // Between: s_1 = 1/(1 + c), s_2 = c/(1 + c), Ȳ_1/Ȳ = 2/(1 + c),
        // Ȳ_2/Ȳ = 2c/(1 + c): T_b = s_1 ln(2/(1+c)) + s_2 ln(2c/(1+c)),
        // L_b = (1/2) ln((1+c)/2) + (1/2) ln((1+c)/(2c)).
        let (s1, s2) = (1.0 / (1.0 + c), c / (1.0 + c));
        near(
            "T_b",
            t.t_between,
            s1 * (2.0 / (1.0 + c)).ln() + s2 * (2.0 * c / (1.0 + c)).ln(),
        );
        near(
            "L_b",
            t.l_between,
            0.5 * ((1.0 + c) / 2.0).ln() + 0.5 * ((1.0 + c) / (2.0 * c)).ln(),
        );
    }
}
