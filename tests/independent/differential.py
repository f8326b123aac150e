#!/usr/bin/env python3
"""Differential test of linkscore against an independent model of SPEC.md.

    python3 tests/independent/differential.py --bin target/release/linkscore --cases 300 --seed 1
    python3 tests/independent/differential.py --bin target/release/linkscore --cases 5000 --seed 1000 --keep /tmp/failing

The first is what `cargo test` runs (tests/integration/differential.rs; about
45 s with a debug build on two cores); the second is the longer run (about
10 minutes with a release build). `--keep DIR` writes each failing case's
rubric, data and commands under DIR/seed-S/; `--exclude near-zscore` leaves a
generator feature out, to look past a known disagreement while triaging.

A seeded generator writes random rubrics (TOML) and data (CSV): 1-5 dimensions
of 1-4 indicators, optional linkages, every normalization, direction,
transform, floor, aggregation (both levels), weighting (explicit, equal,
entropy with or without shift, CRITIC, AHP, combined), method (weighted,
TOPSIS with a sample or absolute ideal), missing policy with blank cells,
coupling, a group column, grade bands and scales; columns with ties, exact
constants, near-constants (values one ulp apart), values from 1e-300 to 1e300
and columns that span that whole range. Some cases also run `diff` on a second
year (pooled, or `--no-pool`), and `score --freeze` / `score --params` (the
byte-identical round trip, and a second year on the frozen scale).

The model below computes every output column of
`score --format csv --detail linkages,indicators`, `weights --format csv`,
`explain --format csv --unit ID` and `diff --format csv` from the formulas of
SPEC.md (and the README's "Decisions where the SPEC is silent"), written from
that text alone, never from linkscore's source. Column statistics are exact
(fractions.Fraction) so that the model is right at any magnitude.

Comparison: numbers to 1e-9 relative, with an absolute floor of 1e-9 × scale
for values on the 0..scale range (scores, dimensions, linkages, z × scale,
contributions, changes), 1e-9 for values on 0..1 (coverage, coupling,
coordination), 1e-11 for weights, 1e-9 × 100 for obstacle percentages; a
weight the SPEC makes exactly 0 (an objective weight of a constant column)
must be printed as exactly 0. Ranks, ids, grades and statuses must be equal,
except where the model itself is within a hair of a decision: two scores whose
distance is between 0.5 and 2 times the tie tolerance (1e-9 × scale), a score
within 0.5 × tolerance of a grade's edge (min − tolerance), a coordination D
within 5e-10 of a band's edge − 1e-9, an AHP CR within 1e-9 of 0.10. Such a
cell is skipped and counted. A case whose objective weights are ill-conditioned
(every entropy d or CRITIC C below 1e-9 but not all exactly 0) is skipped
whole. When the model predicts an error, the program must exit 1 with nothing
on stdout.

Decisions taken where SPEC.md (and the README) are silent, so a mismatch can be
judged:
  * zscore: z = (x − mean)/sd with mean and sd the doubles nearest the exact
    sample mean and sd (ties to even), x − mean exact, one rounding at the
    end. The mean must be a double for `--freeze`/`--params` to give the same
    bytes; the sd is the exact one ("column statistics are exact"), so a
    near-constant column's z follows from exact deviations.
  * mean/median fill values are computed on the cells as written (before
    `transform`): "filling happens first, on raw values"; the filled value is
    then transformed like any other. explain's `raw` of a filled cell is
    empty (the cell had no value; its normalized value is the filled one's).
  * Pooling in `diff` happens exactly when the SPEC lists it (minmax, zscore,
    rank, entropy, critic, combined, TOPSIS with a sample ideal); then every
    sample statistic, fill values included, is fitted on both years together
    (panel semantics). Otherwise each year is scored alone (its own fill
    values).
  * Geometric mean: a child with weight 0 is left out of the product
    (z^0 = 1, even for z = 0); "any z_k = 0 gives 0" applies to children with
    a positive weight. A negative z with weight 0 is still an error.
  * Under TOPSIS the rubric's top-level `aggregate` is not used (no error
    from it); dimension values are the usual aggregates.
  * CRITIC: the correlation of a column with a constant one (σ = 0, over the
    units the pair shares under reweight) is taken as 0; with fewer than 2
    shared units too. All C zero gives every indicator the global weight 1/m
    (as entropy's "all d zero gives equal weights"); a column constant in z
    (not only in raw values) gets d = 0 (entropy) and σ = 0 (CRITIC) exactly.
  * Entropy "needs z ≥ 0": any z < 0 in the matrix is an error, shift or not.
  * Linkage values under reweight: the nominal global weights (dimension
    weight × weight inside it) of the linkage's indicators that have a value,
    renormalized. A linkage whose present weights sum to 0 is skipped.
  * Under reweight, when the present indicators of a dimension all have
    weight 0, they share it equally. A unit whose values all carry weight 0
    in the score (every dimension it has a value in weighs 0, or under
    TOPSIS every indicator it has a value for) has no score (README).
  * Coupling T when the listed dimensions' weights sum to 0: skipped.
  * Explain: `weight` is the per-unit renormalized global weight (README);
    a missing indicator's row has empty raw, normalized, weight,
    contribution, obstacle and rank; `rank` is the competition rank of the
    unit's z among units that have a value (descending, tie tolerance
    1e-9 × scale on z × scale); `obstacle` is a percentage (0..100). When
    Σ w (1 − z) is negative or within 1e-9 of 0 relative to Σ |w (1 − z)|
    (possible with zscore or z > 1) obstacles are skipped (the formula's
    denominator is meant to be positive); exactly 0 gives all 0.
  * Frozen parameters on another year are only generated for minmax, zscore,
    goalpost and none columns whose frozen range is not constant (how a new
    value falls among frozen rank tables, or a frozen constant column, is not
    compared); the same-data round trip covers every rubric.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from decimal import Decimal
from fractions import Fraction

sys.dont_write_bytecode = True  # importing methods.py leaves no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from methods import BANDS as coord_bands  # noqa: E402
from methods import ahp as ahp_eigen  # noqa: E402  (the same independent AHP)

TIE = 1e-9
COORD_BANDS = coord_bands  # the bands of SPEC "Methods", as methods.py writes them
COORD_NAMES = ["极度失调"] + [name for _, name in COORD_BANDS[1:]] + ["优质协调"]


class OracleError(Exception):
    """The SPEC makes this input an error (exit 1, nothing on stdout)."""


class IllConditioned(Exception):
    """The model cannot decide this case robustly; it is skipped."""


SKIP = object()  # a cell the model does not compare


# ====================================================================== numbers


def F(x: float) -> Fraction:
    return Fraction(x)


def exact_mean(xs: list[float]) -> Fraction:
    return sum((F(x) for x in xs), Fraction(0)) / len(xs)


def sqrt_fraction(q: Fraction) -> float:
    """√q to about an ulp, for any q a double's square could be."""
    if q <= 0:
        return 0.0
    k = (q.numerator.bit_length() - q.denominator.bit_length()) // 2
    scaled = q / (Fraction(4) ** k) if k >= 0 else q * (Fraction(4) ** (-k))
    return math.ldexp(math.sqrt(float(scaled)), k)


def sample_sd(xs: list[float]) -> float:
    n = len(xs)
    if n < 2:
        return 0.0
    m = exact_mean(xs)
    return sqrt_fraction(sum(((F(x) - m) ** 2 for x in xs), Fraction(0)) / (n - 1))


def pearson(a: list[float], b: list[float]) -> float:
    n = len(a)
    if n < 2:
        return 0.0
    ma, mb = exact_mean(a), exact_mean(b)
    da = [F(x) - ma for x in a]
    db = [F(y) - mb for y in b]
    saa = sum((x * x for x in da), Fraction(0))
    sbb = sum((y * y for y in db), Fraction(0))
    if saa == 0 or sbb == 0:
        return 0.0  # decision: a constant column correlates with nothing
    sab = sum((x * y for x, y in zip(da, db)), Fraction(0))
    r = sqrt_fraction(sab * sab / (saa * sbb))
    return max(-1.0, min(1.0, r if sab >= 0 else -r))


def median(xs: list[float]) -> float:
    s = sorted(xs)
    n = len(s)
    if n % 2:
        return s[n // 2]
    return float((F(s[n // 2 - 1]) + F(s[n // 2])) / 2)


def xlogx_excess(q: float) -> float:
    """(1 + q) ln(1 + q) − q, accurately (≥ 0); q ≥ −1."""
    if q == -1.0:
        return 1.0
    if abs(q) < 0.1:
        total, term = 0.0, q * q
        for k in range(2, 40):
            total += term / (k * (k - 1)) * (1 if k % 2 == 0 else -1)
            term *= q
        return total
    return (1 + q) * math.log1p(q) - q


def normalized(ws: list[float]) -> list[float]:
    s = math.fsum(ws)
    return [w / s for w in ws]


# ====================================================================== rubric


class Rubric:
    def __init__(self, t: dict):
        r = t["rubric"]
        self.t = t
        self.idcol = r["id"]
        self.labelcol = r.get("label")
        self.groupcol = r.get("group")
        self.scale = float(r.get("scale", 100))
        self.norm_default = r.get("normalize", "goalpost")
        self.top_agg = r.get("aggregate", "arithmetic")
        self.missing = r.get("missing", "error")
        self.weighting = r.get("weighting", "explicit")
        self.method = r.get("method", "weighted")
        self.ideal = r.get("ideal", "sample")
        self.floor = float(r.get("floor", 0))
        self.shift = float(r.get("entropy_shift", 0))
        self.dims = [
            {"id": d["id"], "weight": float(d.get("weight", 1)), "agg": d.get("aggregate", "arithmetic")}
            for d in t["dimension"]
        ]
        self.dim_index = {d["id"]: k for k, d in enumerate(self.dims)}
        self.links = [link["id"] for link in t.get("linkage", [])]
        self.inds = []
        for i in t["indicator"]:
            tr = i.get("transform", "none")
            gp = i.get("goalposts")
            tgp = None
            if gp is not None:
                tgp = (transform(tr, float(gp[0])), transform(tr, float(gp[1])))
            self.inds.append(
                {
                    "id": i["id"],
                    "column": i.get("column", i["id"]),
                    "dim": i["dimension"],
                    "link": i.get("linkage"),
                    "weight": float(i.get("weight", 1)),
                    "lower": i.get("direction", "higher") == "lower",
                    "transform": tr,
                    "norm": i.get("normalize", self.norm_default),
                    "gp": tgp,
                }
            )
        self.members = {d["id"]: [j for j, i in enumerate(self.inds) if i["dim"] == d["id"]] for d in self.dims}
        self.grades = [(g["name"], float(g["min"])) for g in t.get("grade", [])]
        cp = t.get("coupling")
        self.coupling = None
        if cp is not None:
            self.coupling = list(cp.get("dimensions", [d["id"] for d in self.dims]))
        self.tol = TIE * self.scale

    def sample_dependent(self) -> bool:
        if any(i["norm"] in ("minmax", "zscore", "rank") for i in self.inds):
            return True
        if self.weighting in ("entropy", "critic", "combined"):
            return True
        return self.method == "topsis" and self.ideal == "sample"


def transform(how: str, x: float) -> float:
    if how == "log":
        if not x > 0:
            raise OracleError(f"log of {x}")
        return math.log(x)
    if how == "log1p":
        if not x > -1:
            raise OracleError(f"log1p of {x}")
        return math.log1p(x)
    return x


# ====================================================================== model


class Unit:
    def __init__(self, uid: str, label: str | None, group: str | None, raw: list[float | None]):
        self.id = uid
        self.label = label
        self.group = group
        self.raw = raw


class Params:
    """What a run takes from the data (what --freeze writes)."""

    fill: list[float | None]
    stats: list[dict]
    glob: list[float]
    dim_w: list[float]
    inside: list[float]
    ideal: tuple[list[float], list[float]] | None
    exact_zero: set[int]


def filled(rub: Rubric, units: list[Unit], fill) -> list[list[float | None]]:
    """Raw values after the missing policy (None = left out under reweight)."""
    out = []
    for u in units:
        row = []
        for j, x in enumerate(u.raw):
            if x is None:
                if rub.missing == "error":
                    raise OracleError(f"missing cell {u.id} {rub.inds[j]['id']}")
                if rub.missing in ("mean", "median"):
                    x = fill[j]
            row.append(x)
        out.append(row)
    return out


def transformed(rub: Rubric, rows):
    return [[None if x is None else transform(rub.inds[j]["transform"], x) for j, x in enumerate(row)] for row in rows]


def column(rows, j):
    return [row[j] for row in rows if row[j] is not None]


def fit_stats(xs: list[float]) -> dict:
    st = {"min": min(xs), "max": max(xs), "n": len(xs), "sorted": sorted(xs)}
    st["const"] = st["min"] == st["max"]
    st["mean"] = exact_mean(xs)
    st["sd"] = sample_sd(xs)
    return st


def normalize(rub: Rubric, j: int, x: float, st: dict) -> float:
    ind = rub.inds[j]
    how, lower = ind["norm"], ind["lower"]
    if how == "goalpost":
        lo, hi = ind["gp"]
        c = min(max(x, lo), hi)
        num = F(hi) - F(c) if lower else F(c) - F(lo)
        z = float(num / (F(hi) - F(lo)))
    elif how == "minmax":
        if st["const"]:
            z = 1.0
        else:
            lo, hi = st["min"], st["max"]
            num = F(hi) - F(x) if lower else F(x) - F(lo)
            z = float(num / (F(hi) - F(lo)))
    elif how == "zscore":
        if st["const"]:
            z = 0.0
        else:
            d = F(x) - F(float(st["mean"]))  # the mean as a double (what --freeze keeps)
            z = float((-d if lower else d) / F(st["sd"]))
    elif how == "rank":
        if st["const"]:
            z = 1.0
        else:
            s = st["sorted"]
            less = sum(1 for v in s if v < x)
            eq = sum(1 for v in s if v == x)
            r = Fraction(less) + Fraction(eq + 1, 2)
            q = (r - 1) / (st["n"] - 1)
            z = float(1 - q if lower else q)
    elif how == "none":
        z = float(1 - F(x)) if lower else x
    else:
        raise ValueError(how)
    if rub.floor:
        fl = F(rub.floor)
        z = float(fl + (1 - fl) * F(z))
    return z


def normalized_matrix(rub: Rubric, xrows, stats):
    return [[None if x is None else normalize(rub, j, x, stats[j]) for j, x in enumerate(row)] for row in xrows]


def split(rub: Rubric, glob: list[float]) -> tuple[list[float], list[float]]:
    """Dimension weights as sums, inside weights as shares (equal when 0)."""
    dim_w = [math.fsum(glob[j] for j in rub.members[d["id"]]) for d in rub.dims]
    inside = [0.0] * len(rub.inds)
    for k, d in enumerate(rub.dims):
        mem = rub.members[d["id"]]
        for j in mem:
            inside[j] = glob[j] / dim_w[k] if dim_w[k] > 0 else 1.0 / len(mem)
    return dim_w, inside


def explicit_weights(rub: Rubric):
    dim_w = normalized([d["weight"] for d in rub.dims])
    inside = [0.0] * len(rub.inds)
    for d in rub.dims:
        mem = rub.members[d["id"]]
        for j, w in zip(mem, normalized([rub.inds[j]["weight"] for j in mem])):
            inside[j] = w
    return dim_w, inside


def check_cr(cr: float) -> None:
    if abs(cr - 0.1) < 1e-9:
        raise IllConditioned("AHP CR at 0.10")
    if cr >= 0.1:
        raise OracleError(f"AHP CR {cr}")


def ahp_weights(rub: Rubric):
    spec = rub.t["ahp"]
    w, _lam, _ci, cr = ahp_eigen(spec["dimensions"])
    check_cr(cr)
    _, inside = explicit_weights(rub)
    for dim_id, matrix in spec.get("indicators", {}).items():
        wi, _lam, _ci, cr = ahp_eigen(matrix)
        check_cr(cr)
        for j, x in zip(rub.members[dim_id], wi):
            inside[j] = x
    return list(w), inside


def global_of(rub: Rubric, dim_w, inside):
    return [dim_w[rub.dim_index[i["dim"]]] * inside[j] for j, i in enumerate(rub.inds)]


def entropy_global(rub: Rubric, Z, stats) -> tuple[list[float], set[int]]:
    m = len(rub.inds)
    A = F(rub.shift)
    d = []
    for j in range(m):
        col = column(Z, j)
        if any(z < 0 for z in col):
            raise OracleError("entropy with negative z")
        vals = [F(z) + A for z in col]
        n = len(vals)
        total = sum(vals, Fraction(0))
        if stats[j]["const"] or n < 2 or total == 0 or all(v == vals[0] for v in vals):
            d.append(0.0)
            continue
        # d = 1 − E = (1/ln n) Σ p ln(n p) = (1/(n ln n)) Σ [(1+q) ln(1+q) − q], q = n p − 1
        acc = math.fsum(xlogx_excess(float(n * v / total - 1)) for v in vals)
        dj = max(0.0, acc / (n * math.log(n)))
        if dj < 1e-13:
            raise IllConditioned("an entropy d below what a double resolves")
        d.append(dj)
    return objective_share(d)


def critic_global(rub: Rubric, Z, stats) -> tuple[list[float], set[int]]:
    m = len(rub.inds)
    sig = []
    for j in range(m):
        col = column(Z, j)
        sig.append(0.0 if stats[j]["const"] else sample_sd(col))
    for j in range(m):
        col = [z for z in column(Z, j) if z is not None]
        spread = max(col, default=0.0) - min(col, default=0.0)
        if sig[j] and spread < 1e-6 * max(abs(z) for z in col):
            # Its correlations are set by the last ulps of z (one rounding of
            # each z, which the SPEC does not fix), so weights differ by more
            # than 1e-9 between two correct implementations.
            raise IllConditioned("CRITIC: a column's z vary only in their last digits")
    c = []
    for j in range(m):
        if sig[j] == 0:
            c.append(0.0)
            continue
        conflict = []
        for k in range(m):
            if k == j:
                continue
            pairs = [(row[j], row[k]) for row in Z if row[j] is not None and row[k] is not None]
            r = 0.0 if stats[k]["const"] else pearson([p[0] for p in pairs], [p[1] for p in pairs])
            conflict.append(1.0 - r)
        c.append(sig[j] * math.fsum(conflict))
    # perfectly correlated columns leave every C at rounding noise
    if 0 <= math.fsum(c) < 1e-9 * math.fsum(sig) * max(1, m - 1) and any(sig):
        raise IllConditioned("CRITIC: every C at rounding level (columns perfectly correlated)")
    return objective_share(c)


def objective_share(d: list[float]) -> tuple[list[float], set[int]]:
    m = len(d)
    s = math.fsum(d)
    if s == 0:
        return [1.0 / m] * m, set()
    if s < 1e-9:
        raise IllConditioned("objective weights all near 0")
    return [x / s for x in d], {j for j, x in enumerate(d) if x == 0}


def fit(rub: Rubric, units: list[Unit]) -> Params:
    p = Params()
    m = len(rub.inds)
    p.fill = [None] * m
    if rub.missing in ("mean", "median"):
        for j in range(m):
            xs = [u.raw[j] for u in units if u.raw[j] is not None]
            if xs:
                p.fill[j] = float(exact_mean(xs)) if rub.missing == "mean" else median(xs)
    X = transformed(rub, filled(rub, units, p.fill))
    p.stats = [fit_stats(column(X, j)) for j in range(m)]
    Z = normalized_matrix(rub, X, p.stats)
    p.exact_zero = set()
    w = rub.weighting
    if w == "explicit":
        p.dim_w, p.inside = explicit_weights(rub)
        p.glob = global_of(rub, p.dim_w, p.inside)
    elif w == "equal":
        p.dim_w = [1.0 / len(rub.dims)] * len(rub.dims)
        p.inside = [1.0 / len(rub.members[i["dim"]]) for i in rub.inds]
        p.glob = global_of(rub, p.dim_w, p.inside)
    elif w == "ahp":
        p.dim_w, p.inside = ahp_weights(rub)
        p.glob = global_of(rub, p.dim_w, p.inside)
    elif w in ("entropy", "critic"):
        p.glob, p.exact_zero = (entropy_global if w == "entropy" else critic_global)(rub, Z, p.stats)
        p.dim_w, p.inside = split(rub, p.glob)
    elif w == "combined":
        cb = rub.t.get("combine", {})
        subj = cb.get("subjective", "explicit")
        ws = global_of(rub, *(ahp_weights(rub) if subj == "ahp" else explicit_weights(rub)))
        obj = cb.get("objective", "entropy")
        wo, _ = (entropy_global if obj == "entropy" else critic_global)(rub, Z, p.stats)
        if cb.get("rule", "linear") == "linear":
            a = float(cb.get("alpha", 0.5))
            p.glob = [a * s + (1 - a) * o for s, o in zip(ws, wo)]
        else:
            prod = [s * o for s, o in zip(ws, wo)]
            tot = math.fsum(prod)
            if tot == 0:
                raise IllConditioned("multiplicative combination sums to 0")
            p.glob = [x / tot for x in prod]
        p.dim_w, p.inside = split(rub, p.glob)
    else:
        raise ValueError(w)
    p.ideal = None
    if rub.method == "topsis":
        if rub.ideal == "absolute":
            p.ideal = (list(p.glob), [0.0] * m)
        else:
            best, worst = [], []
            for j in range(m):
                v = [p.glob[j] * z for z in column(Z, j)]
                best.append(max(v))
                worst.append(min(v))
            p.ideal = (best, worst)
    return p


def renorm(ws: list[float]) -> list[float]:
    s = math.fsum(ws)
    if s == 0:
        return [1.0 / len(ws)] * len(ws)
    return [w / s for w in ws]


def aggregate(how: str, zs: list[float], ws: list[float]) -> float:
    if how == "geometric":
        if any(z < 0 for z in zs):
            raise OracleError("negative value under a geometric mean")
        if any(z == 0 and w > 0 for z, w in zip(zs, ws)):
            return 0.0
        return math.exp(math.fsum(w * math.log(z) for z, w in zip(zs, ws) if w > 0))
    return math.fsum(w * z for z, w in zip(zs, ws))


def competition_ranks(values: dict[str, float], tol: float) -> tuple[dict[str, int], set[str]]:
    """Descending; a tie group is the best remaining value and all within tol
    of it. Returns ranks and the ids whose rank is within a hair of a decision."""
    order = sorted(values, key=lambda k: (-values[k], k))
    ranks: dict[str, int] = {}
    i = 0
    while i < len(order):
        best = values[order[i]]
        j = i
        while j < len(order) and best - values[order[j]] <= tol:
            ranks[order[j]] = i + 1
            j += 1
        i = j
    # fragile: runs of consecutive values whose gaps stay ≤ 2 tol, holding a
    # pair whose distance is in [0.5 tol, 2 tol]
    fragile: set[str] = set()
    start = 0
    for k in range(1, len(order) + 1):
        if k == len(order) or values[order[k - 1]] - values[order[k]] > 2 * tol:
            run = order[start:k]
            vals = [values[x] for x in run]
            if any(0.5 * tol <= vals[a] - vals[b] <= 2 * tol for a in range(len(run)) for b in range(a + 1, len(run))):
                fragile.update(run)
            start = k
    return ranks, fragile


def grade_of(rub: Rubric, s: float):
    """(grade name or '', fragile?)"""
    tol = rub.tol
    fragile = any(abs(s - (mn - tol)) <= 0.5 * tol for _, mn in rub.grades)
    for name, mn in rub.grades:
        if s >= mn - tol:
            return name, fragile
    return "", fragile


def coord_grade(d: float):
    fragile = any(abs(d - (edge - 1e-9)) <= 5e-10 for edge, _ in COORD_BANDS)
    name = COORD_NAMES[0]
    for k, (edge, _) in enumerate(COORD_BANDS):
        if d >= edge - 1e-9:
            name = COORD_NAMES[k + 1]
    return name, fragile


class Result:
    """Per-unit outputs of one scoring, by id."""

    def __init__(self):
        self.units: dict[str, dict] = {}
        self.order: list[str] = []


def apply(rub: Rubric, units: list[Unit], p: Params) -> Result:
    m = len(rub.inds)
    rows = filled(rub, units, p.fill)
    X = transformed(rub, rows)
    Z = normalized_matrix(rub, X, p.stats)
    scale = rub.scale
    res = Result()
    for u, raw, z in zip(units, rows, Z):
        present = [j for j in range(m) if z[j] is not None]
        out = {"id": u.id, "label": u.label, "group": u.group, "raw": raw, "z": z, "filled": [u.raw[j] is None for j in range(m)]}
        out["coverage"] = sum(1 for x in u.raw if x is not None) / m
        # dimensions, with per-unit weights under reweight
        dvals: list[float | None] = []
        w_unit = [None] * m  # global weight as it applied to the unit
        inside_unit = [None] * m
        for k, d in enumerate(rub.dims):
            mem = [j for j in rub.members[d["id"]] if z[j] is not None]
            if not mem:
                dvals.append(None)
                continue
            ws = renorm([p.inside[j] for j in mem])
            for j, w in zip(mem, ws):
                inside_unit[j] = w
            dvals.append(aggregate(d["agg"], [z[j] for j in mem], ws))
        dpresent = [k for k in range(len(rub.dims)) if dvals[k] is not None]
        out["dims"] = dvals
        score = None
        # README decision: values that all carry weight 0 in the score give
        # no score (not an equal split of zero-weight dimensions, nor
        # closeness 1 from D+ = D- = 0 under TOPSIS).
        if rub.method == "topsis":
            weighed = any(p.glob[j] > 0 for j in present)
        else:
            weighed = any(p.dim_w[k] > 0 for k in dpresent)
        if dpresent and weighed:
            dws = renorm([p.dim_w[k] for k in dpresent])
            dwu = dict(zip(dpresent, dws))
            for j in present:
                w_unit[j] = dwu[rub.dim_index[rub.inds[j]["dim"]]] * inside_unit[j]
            if rub.method == "topsis":
                best, worst = p.ideal
                dp = math.sqrt(math.fsum(max(0.0, best[j] - p.glob[j] * z[j]) ** 2 for j in present))
                dm = math.sqrt(math.fsum(max(0.0, p.glob[j] * z[j] - worst[j]) ** 2 for j in present))
                score = 1.0 if dp == 0 else dm / (dp + dm)
            else:
                score = aggregate(rub.top_agg, [dvals[k] for k in dpresent], dws)
        out["s"] = score
        out["w_unit"] = w_unit
        # linkages
        lv = {}
        for link in rub.links:
            mem = [j for j in present if rub.inds[j]["link"] == link]
            if not mem:
                lv[link] = None
                continue
            ws = [p.glob[j] for j in mem]
            if math.fsum(ws) < 1e-12:
                lv[link] = SKIP if math.fsum(ws) > 0 or rub.weighting != "explicit" else SKIP
                continue
            lv[link] = math.fsum(w * z[j] for w, j in zip(ws, mem)) / math.fsum(ws)
        out["links"] = lv
        # coupling
        out["coupling"] = None
        if rub.coupling is not None:
            ks = [rub.dim_index[x] for x in rub.coupling]
            us = [dvals[k] for k in ks]
            if all(x is not None and x >= 0 for x in us):
                kk = len(us)
                tot = math.fsum(us)
                if tot == 0:
                    c = 0.0
                elif any(x == 0 for x in us):
                    c = 0.0
                else:
                    c = kk * math.exp(math.fsum(math.log(x) for x in us) / kk) / tot
                c = min(1.0, max(0.0, c))
                bw = [p.dim_w[k] for k in ks]
                if math.fsum(bw) == 0:
                    out["coupling"] = SKIP
                else:
                    t = math.fsum(b * x for b, x in zip(normalized(bw), us))
                    dd = min(1.0, max(0.0, math.sqrt(max(0.0, c * t))))
                    name, fragile = coord_grade(dd)
                    out["coupling"] = (c, dd, name, fragile)
        res.units[u.id] = out
    # ranks
    scored = {k: v["s"] * scale for k, v in res.units.items() if v["s"] is not None}
    ranks, fragile = competition_ranks(scored, rub.tol)
    groups = {}
    for k, v in res.units.items():
        if v["s"] is not None and rub.groupcol:
            groups.setdefault(v["group"], {})[k] = scored[k]
    granks, gfragile = {}, set()
    for g in groups.values():
        r, f = competition_ranks(g, rub.tol)
        granks.update(r)
        gfragile |= f
    for k, v in res.units.items():
        v["rank"] = ranks.get(k)
        v["rank_fragile"] = k in fragile
        v["group_rank"] = granks.get(k)
        v["group_rank_fragile"] = k in gfragile
        if v["s"] is not None:
            v["grade"], v["grade_fragile"] = grade_of(rub, scored[k])
        else:
            v["grade"], v["grade_fragile"] = "", False
    # indicator ranks (explain)
    for j in range(m):
        vals = {k: v["z"][j] * scale for k, v in res.units.items() if v["z"][j] is not None}
        r, f = competition_ranks(vals, rub.tol)
        for k, v in res.units.items():
            v.setdefault("ind_rank", [None] * m)[j] = r.get(k)
            v.setdefault("ind_rank_fragile", [False] * m)[j] = k in f
    res.order = sorted(res.units, key=lambda k: (ranks.get(k, 10**9), k))
    return res


def check_geometric_domain(rub: Rubric, res: Result) -> None:
    """apply() raises on negative values only where they are aggregated;
    nothing else to do (kept for clarity)."""


# ====================================================================== expected outputs

# Each expected row: dict column → (kind, value) where kind decides the
# comparison: "str" exact text, "int" exact integer (or empty), "num:S"
# number with absolute floor S, "raw" data value, SKIP to skip.


def num(v, floor):
    if v is None:
        return ("empty", None)
    if v is SKIP:
        return SKIP
    return ("num", v, floor)


def text(v):
    return ("str", "" if v is None else v)


def score_rows(rub: Rubric, res: Result) -> dict[str, dict]:
    scale = rub.scale
    rows = {}
    for uid in res.order:
        v = res.units[uid]
        r = {}
        r["rank"] = SKIP if v["rank_fragile"] else text(None if v["rank"] is None else str(v["rank"]))
        r["id"] = text(uid)
        if rub.labelcol:
            r["label"] = text(v["label"])
        if rub.groupcol:
            r["group"] = text(v["group"])
            r["group_rank"] = SKIP if v["group_rank_fragile"] else text(None if v["group_rank"] is None else str(v["group_rank"]))
        r["score"] = num(None if v["s"] is None else v["s"] * scale, scale)
        if rub.missing != "error":
            r["coverage"] = num(v["coverage"], 1.0)
        if rub.grades:
            r["grade"] = SKIP if v["grade_fragile"] else text(v["grade"])
        for k, d in enumerate(rub.dims):
            r[d["id"]] = num(None if v["dims"][k] is None else v["dims"][k] * scale, scale)
        if rub.coupling is not None:
            cp = v["coupling"]
            if cp is SKIP:
                r["coupling"] = r["coordination"] = r["coordination_grade"] = SKIP
            elif cp is None:
                r["coupling"] = r["coordination"] = ("empty", None)
                r["coordination_grade"] = text(None)
            else:
                r["coupling"] = num(cp[0], 1.0)
                r["coordination"] = num(cp[1], 1.0)
                r["coordination_grade"] = SKIP if cp[3] else text(cp[2])
        for link in rub.links:
            lv = v["links"][link]
            r[link] = num(lv if lv is None or lv is SKIP else lv * scale, scale)
        for j, i in enumerate(rub.inds):
            z = v["z"][j]
            r[i["id"]] = num(None if z is None else z * scale, scale)
        rows[uid] = r
    return rows


def score_columns(rub: Rubric) -> list[str]:
    cols = ["rank", "id"]
    if rub.labelcol:
        cols.append("label")
    if rub.groupcol:
        cols += ["group", "group_rank"]
    cols.append("score")
    if rub.missing != "error":
        cols.append("coverage")
    if rub.grades:
        cols.append("grade")
    cols += [d["id"] for d in rub.dims]
    if rub.coupling is not None:
        cols += ["coupling", "coordination", "coordination_grade"]
    cols += rub.links
    cols += [i["id"] for i in rub.inds]
    return cols


def weights_rows(rub: Rubric, p: Params) -> dict[str, dict]:
    rows = {}
    for k, d in enumerate(rub.dims):
        rows["dimension:" + d["id"]] = {
            "level": text("dimension"),
            "id": text(d["id"]),
            "parent": text(None),
            "weight": ("weight", p.dim_w[k], False),
            "global_weight": ("weight", p.dim_w[k], False),
        }
    for j, i in enumerate(rub.inds):
        z = j in p.exact_zero
        rows["indicator:" + i["id"]] = {
            "level": text("indicator"),
            "id": text(i["id"]),
            "parent": text(i["dim"]),
            "weight": ("weight", p.inside[j], z and p.dim_w[rub.dim_index[i["dim"]]] > 0),
            "global_weight": ("weight", p.glob[j], z),
        }
    return rows


def explain_rows(rub: Rubric, res: Result, uid: str) -> dict[str, dict]:
    v = res.units[uid]
    scale = rub.scale
    m = len(rub.inds)
    terms = {}
    for j in range(m):
        if v["z"][j] is not None:
            terms[j] = v["w_unit"][j] * (1 - v["z"][j])
    tot = math.fsum(terms.values())
    absum = math.fsum(abs(x) for x in terms.values())
    obst_skip = tot < 0 or (tot != 0 and abs(tot) <= 1e-9 * absum)
    rows = {}
    for j, i in enumerate(rub.inds):
        z = v["z"][j]
        r = {
            "indicator": text(i["id"]),
            "dimension": text(i["dim"]),
            "linkage": text(i["link"]),
        }
        if z is None:
            for c in ("raw", "normalized", "weight", "contribution", "obstacle", "rank"):
                r[c] = ("empty", None)
        else:
            raw = v["raw"][j]
            r["raw"] = ("num", raw, 0.0) if not v["filled"][j] else ("empty", None)
            r["normalized"] = num(z * scale, scale)
            r["weight"] = ("weight", v["w_unit"][j], False)
            r["contribution"] = num(scale * v["w_unit"][j] * z, scale)
            if obst_skip:
                r["obstacle"] = SKIP
            else:
                r["obstacle"] = num(0.0 if tot == 0 else terms[j] / tot * 100, 100.0)
            r["rank"] = SKIP if v["ind_rank_fragile"][j] else text(str(v["ind_rank"][j]))
        rows[i["id"]] = r
    return rows


def diff_rows(rub: Rubric, old: Result, new: Result) -> dict[str, dict]:
    scale = rub.scale
    rows = {}
    ids = list(new.order) + [k for k in old.order if k not in new.units]
    for uid in ids:
        o = old.units.get(uid)
        n = new.units.get(uid)
        r = {"id": text(uid)}
        src = n if n is not None else o
        if rub.labelcol:
            r["label"] = text(src["label"])
        if rub.groupcol:
            r["group"] = text(src["group"])
        r["status"] = text("kept" if o and n else ("new" if n else "gone"))
        ro = o["rank"] if o else None
        rn = n["rank"] if n else None
        fo = bool(o and o["rank_fragile"])
        fn = bool(n and n["rank_fragile"])
        r["rank_old"] = SKIP if fo else text(None if ro is None else str(ro))
        r["rank_new"] = SKIP if fn else text(None if rn is None else str(rn))
        r["rank_change"] = SKIP if (fo or fn) else text(None if ro is None or rn is None else str(ro - rn))
        so = o["s"] * scale if o and o["s"] is not None else None
        sn = n["s"] * scale if n and n["s"] is not None else None
        r["score_old"] = num(so, scale)
        r["score_new"] = num(sn, scale)
        r["score_change"] = num(None if so is None or sn is None else sn - so, scale)
        if rub.grades:
            r["grade_old"] = SKIP if o and o["grade_fragile"] else text(o["grade"] if o else None)
            r["grade_new"] = SKIP if n and n["grade_fragile"] else text(n["grade"] if n else None)
        for k, d in enumerate(rub.dims):
            a = o["dims"][k] if o else None
            b = n["dims"][k] if n else None
            r[d["id"] + "_change"] = num(None if a is None or b is None else (b - a) * scale, scale)
        rows[uid] = r
    return rows


def diff_columns(rub: Rubric) -> list[str]:
    cols = ["id"]
    if rub.labelcol:
        cols.append("label")
    if rub.groupcol:
        cols.append("group")
    cols += ["status", "rank_old", "rank_new", "rank_change", "score_old", "score_new", "score_change"]
    if rub.grades:
        cols += ["grade_old", "grade_new"]
    cols += [d["id"] + "_change" for d in rub.dims]
    return cols


# ====================================================================== generator


def tomlval(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(tomlval(x) for x in v) + "]"
    raise TypeError(v)


def to_toml(t: dict) -> str:
    out = []

    def table(name, d, array=False):
        out.append(f"[[{name}]]" if array else f"[{name}]")
        for k, v in d.items():
            if not isinstance(v, dict):
                out.append(f"{k} = {tomlval(v)}")
        out.append("")

    table("rubric", t["rubric"])
    for key in ("dimension", "linkage", "indicator", "grade"):
        for d in t.get(key, []):
            table(key, d, array=True)
    if "coupling" in t:
        table("coupling", t["coupling"])
    if "ahp" in t:
        table("ahp", t["ahp"])
        if "indicators" in t["ahp"]:
            table("ahp.indicators", t["ahp"]["indicators"])
    if "combine" in t:
        table("combine", t["combine"])
    return "\n".join(out) + "\n"


NORMS = ["goalpost", "minmax", "zscore", "rank", "none"]
EXCLUDE: set[str] = set()  # --exclude: generator features left out, to look past a known disagreement


class ColumnGen:
    """How one indicator's cells are drawn (the same law for both years)."""

    def __init__(self, rng: random.Random, ind: dict, norm: str, avoid_near: bool):
        self.tr = ind.get("transform", "none")
        if norm == "none":
            self.kind = rng.choice(["random", "random", "ties", "constant", "near"])
            self.k = 0
        else:
            kinds = ["random"] * 5 + ["ties", "ties", "constant", "near", "near", "wide"]
            self.kind = rng.choice(kinds)
            self.k = 0 if rng.random() < 0.45 else rng.choice([-300, 300, -299, 299, rng.randint(-300, 300)])
        if (avoid_near or (norm == "zscore" and "near-zscore" in EXCLUDE)) and self.kind == "near":
            self.kind = "random"
        self.none = norm == "none"
        self.neg = self.tr == "none" and not self.none and rng.random() < 0.3
        lo = -50.0 if self.neg else (0.1 if self.tr == "log" else 0.0)
        self.lo_m, self.hi_m = lo, rng.choice([1.0, 10.0, 100.0, 1000.0])
        self.digits = rng.choice([0, 1, 2, 3, 6])
        self.pool = [self.mant(rng) for _ in range(rng.randint(2, 4))]
        self.const = self.scaled(self.mant(rng))
        self.rng = rng

    def mant(self, rng):
        if self.none:
            return round(rng.uniform(0, 1), self.digits + 1)
        m = round(rng.uniform(self.lo_m, self.hi_m), self.digits)
        if self.tr == "log" and m <= 0:
            m = 0.5
        return m

    def scaled(self, m):
        # m's repr may carry its own exponent (6.8e-05): scale it as a decimal.
        return float(Decimal(repr(m)).scaleb(self.k))

    def draw(self, rng):
        if self.kind == "random":
            return self.scaled(self.mant(rng))
        if self.kind == "ties":
            return self.scaled(rng.choice(self.pool))
        if self.kind == "constant":
            return self.const
        if self.kind == "near":
            x = self.const if self.const != 0 else 0.1
            for _ in range(rng.choice([0, 0, 1, 2])):
                x = math.nextafter(x, math.inf)
            return x
        # wide: positive values anywhere from 1e-300 to 1e300
        return float(f"{round(rng.uniform(1, 10), 3)!r}e{rng.randint(-300, 300)}")

    def goalposts(self, rng):
        if self.kind == "wide":
            return [1e-300, 1e300] if rng.random() < 0.5 else [float(f"1e{rng.randint(-300, 0)}"), float(f"1e{rng.randint(1, 300)}")]
        if self.none:
            return [0.0, 1.0]
        span = self.hi_m - self.lo_m
        a = round(rng.uniform(self.lo_m - 0.1 * span, self.lo_m + 0.3 * span), 2)
        b = round(rng.uniform(self.hi_m - 0.3 * span, self.hi_m + 0.1 * span), 2)
        if self.tr == "log":
            a = max(a, 0.05)
        if self.tr == "log1p":
            a = max(a, 0.0)
        if not a < b:
            a, b = self.lo_m, self.hi_m
        return [self.scaled(a), self.scaled(b)]


def wdraw(rng) -> float:
    return rng.choice([1.0, 1.0, 2.0, 0.5, 3.0, 0.25, round(rng.uniform(0.05, 5), 3)])


def ahp_matrix(rng, n: int, noise: float):
    w = [rng.uniform(0.5, 5) for _ in range(n)]
    a = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            x = w[i] / w[j] * math.exp(rng.gauss(0, noise))
            if rng.random() < 0.3:
                a[i][j] = round(x, 2) or 0.01
            else:
                a[i][j] = x
            a[j][i] = 1 / a[i][j]
    return a


class Case:
    pass


def looks_like_totals(values: list[list[float | None]]) -> bool:
    """A lenient version of the SPEC's "looks like a totals row" rule."""
    n = len(values)
    if n < 4 or len(values[0]) < 3:
        return False
    for r in range(n):
        ok = True
        seen = 0
        for j in range(len(values[0])):
            x = values[r][j]
            if x is None:
                continue
            others = [values[s][j] for s in range(n) if s != r and values[s][j] is not None]
            if not others:
                continue
            seen += 1
            tot = math.fsum(others)
            mean = tot / len(others)
            if not any(abs(x - t) <= 0.01 * max(abs(x), abs(t)) for t in (tot, mean)):
                ok = False
                break
        if ok and seen:
            return True
    return False


def gen_case(seed: int) -> Case:
    rng = random.Random(seed)
    c = Case()
    c.seed = seed
    t: dict = {}
    scale = rng.choice([100, 100, 100, 1, 10, 1000, 2.5])
    r = {"name": f"differential {seed}", "id": "uid"}
    if rng.random() < 0.5:
        r["label"] = "name"
    if rng.random() < 0.4:
        r["group"] = "county"
    if scale != 100 or rng.random() < 0.3:
        r["scale"] = scale
    default_norm = rng.choice(NORMS)
    r["normalize"] = default_norm
    top_agg = rng.choice(["arithmetic", "arithmetic", "geometric"])
    r["aggregate"] = top_agg
    missing = rng.choice(["error", "error", "reweight", "mean", "median"])
    r["missing"] = missing
    weighting = rng.choice(["explicit", "explicit", "equal", "entropy", "critic", "ahp", "combined"])
    r["weighting"] = weighting
    method = "topsis" if rng.random() < 0.25 else "weighted"
    r["method"] = method
    if method == "topsis":
        r["ideal"] = rng.choice(["sample", "absolute"])
    if rng.random() < 0.3:
        r["floor"] = rng.choice([0.01, 0.001, 0.1, 0.05])
    uses_entropy = weighting == "entropy" or weighting == "combined"
    if uses_entropy and rng.random() < 0.5:
        r["entropy_shift"] = rng.choice([0.0001, 0.001])
    t["rubric"] = r
    ndims = rng.choice([1, 2, 2, 3, 3, 4, 5])
    dims = []
    for k in range(ndims):
        d = {"id": f"d{k}", "name": f"维度{k}"}
        if rng.random() < 0.8:
            d["weight"] = wdraw(rng)
        if rng.random() < 0.3:
            d["aggregate"] = "geometric"
        elif rng.random() < 0.2:
            d["aggregate"] = "arithmetic"
        dims.append(d)
    t["dimension"] = dims
    nlinks = rng.choice([0, 0, 1, 2, 3])
    t["linkage"] = [{"id": f"k{x}", "name": f"衔接{x}"} for x in range(nlinks)]
    objective = weighting in ("entropy", "critic", "combined")
    inds, gens = [], []
    for d in dims:
        for q in range(rng.randint(1, 4)):
            i = {"id": f"i{d['id'][1:]}_{q}", "dimension": d["id"]}
            if rng.random() < 0.5:
                i["column"] = f"c {i['id']}"
            norm = default_norm
            if rng.random() < 0.3:
                norm = rng.choice(NORMS)
                i["normalize"] = norm
            if nlinks and rng.random() < 0.7:
                i["linkage"] = f"k{rng.randrange(nlinks)}"
            if rng.random() < 0.8:
                i["weight"] = wdraw(rng)
            if rng.random() < 0.35:
                i["direction"] = "lower"
            elif rng.random() < 0.2:
                i["direction"] = "higher"
            if norm != "none" and rng.random() < 0.3:
                i["transform"] = rng.choice(["log", "log1p"])
            g = ColumnGen(rng, i, norm, avoid_near=objective and norm in ("goalpost", "none"))
            if norm == "goalpost" or rng.random() < 0.2:
                i["goalposts"] = g.goalposts(rng)
            inds.append(i)
            gens.append(g)
    # an explicit weight of 0 now and then (never all of a parent's)
    for d in dims:
        mem = [i for i in inds if i["dimension"] == d["id"]]
        if len(mem) > 1 and rng.random() < 0.1 and d.get("aggregate") != "geometric":
            mem[0]["weight"] = 0.0
    if ndims > 1 and rng.random() < 0.08 and top_agg != "geometric":
        dims[0]["weight"] = 0.0
    t["indicator"] = inds
    # lattice cases: every indicator a goalpost [0, 100] (times a power of
    # ten), each unit the same square on every indicator, so dimension values
    # and D = √U land exactly on grade and coordination band edges
    c.lattice = rng.random() < 0.12 and "lattice" not in EXCLUDE and weighting in ("explicit", "equal", "ahp", "entropy")
    if c.lattice:
        for i, g in zip(inds, gens):
            for key in ("normalize", "transform", "direction"):
                i.pop(key, None)
            i["normalize"] = "goalpost"
            g.k = rng.choice([0, 0, -300, 300, rng.randint(-300, 300)])
            i["goalposts"] = [0.0, g.scaled(100)]
    if rng.random() < 0.6 or c.lattice:
        mins = sorted({round(rng.uniform(0, scale), rng.choice([0, 1, 2])) for _ in range(rng.randint(1, 4))}, reverse=True)
        if rng.random() < 0.3:
            mins = sorted(set(mins) | {scale / 2}, reverse=True)
        if c.lattice:
            mins = sorted({scale * q / 100 for q in rng.sample([81, 64, 49, 36, 25, 16, 9, 4, 1], rng.randint(1, 4))}, reverse=True)
        t["grade"] = [{"name": f"G{x}", "min": float(mn)} for x, mn in enumerate(mins)]
    if ndims >= 2 and (rng.random() < 0.35 or (c.lattice and rng.random() < 0.8)):
        cp = {}
        if rng.random() < 0.5:
            ks = rng.sample([d["id"] for d in dims], rng.randint(2, ndims))
            cp["dimensions"] = [x for x in (d["id"] for d in dims) if x in ks]
        t["coupling"] = cp
    if weighting == "ahp" or (weighting == "combined" and rng.random() < 0.5):
        noise = rng.choice([0.0, 0.02, 0.05, 0.1, 0.1, 0.8])
        spec = {"dimensions": ahp_matrix(rng, ndims, noise)}
        im = {}
        for d in dims:
            mem = [i for i in inds if i["dimension"] == d["id"]]
            if rng.random() < 0.5:
                im[d["id"]] = ahp_matrix(rng, len(mem), rng.choice([0.0, 0.05, 0.1]))
        if im:
            spec["indicators"] = im
        t["ahp"] = spec
    if weighting == "combined":
        cb = {}
        if "ahp" in t:
            cb["subjective"] = "ahp"
        elif rng.random() < 0.5:
            cb["subjective"] = "explicit"
        cb["objective"] = rng.choice(["entropy", "critic"])
        if rng.random() < 0.7:
            cb["alpha"] = rng.choice([0.5, 0.3, 0.7, round(rng.uniform(0, 1), 3)])
        cb["rule"] = rng.choice(["linear", "multiplicative"])
        t["combine"] = cb
    c.toml_dict = t
    c.rubric_text = to_toml(t)
    c.rub = Rubric(tomllib.loads(c.rubric_text))

    # data
    n = rng.choice([3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 40])
    blank_rate = 0.0
    if missing != "error" and rng.random() < 0.75:
        blank_rate = rng.uniform(0.03, 0.2)
    elif missing == "error" and rng.random() < 0.08:
        blank_rate = 0.05
    c.bad_domain = rng.random() < 0.03

    used = set()

    def new_id():
        while True:
            s = rng.choice(["u", "V", "x"]) + str(rng.randrange(10 ** rng.randint(1, 4)))
            if s not in used:
                used.add(s)
                return s

    def make_units(ids, gens):
        for _attempt in range(30):
            vals = [[g.draw(rng) for g in gens] for _ in ids]
            if c.lattice:
                for row in vals:
                    if rng.random() < 0.85:
                        q = rng.choice([0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100])
                        row[:] = [g.scaled(q) for g in gens]
                    else:
                        row[:] = [g.scaled(rng.choice([0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100])) for g in gens]
            for row in vals:
                for j in range(len(row)):
                    if blank_rate and rng.random() < blank_rate:
                        row[j] = None
            for j in range(len(gens)):  # keep two values in every column
                present = [r for r in range(len(ids)) if vals[r][j] is not None]
                for r in range(len(ids)):
                    if len(present) >= 2:
                        break
                    if vals[r][j] is None:
                        vals[r][j] = gens[j].draw(rng)
                        present.append(r)
            if blank_rate and missing == "error" and all(x is not None for row in vals for x in row):
                vals[0][0] = None
            if not looks_like_totals(vals):
                break
        else:
            raise IllConditioned("data keep looking like a totals row")
        if c.bad_domain:
            logs = [j for j, i in enumerate(inds) if i.get("transform") in ("log", "log1p")]
            if logs:
                j = rng.choice(logs)
                vals[rng.randrange(len(ids))][j] = -2.0 if inds[j]["transform"] == "log1p" else 0.0
        units = []
        for uid, row in zip(ids, vals):
            label = "村" + uid if c.rub.labelcol else None
            group = rng.choice(["g1", "g2", "g3"]) if c.rub.groupcol else None
            units.append(Unit(uid, label, group, row))
        return units

    ids = [new_id() for _ in range(n)]
    c.units = make_units(ids, gens)
    c.data_text = to_csv(c.rub, c.units, rng)
    c.diff = rng.random() < 0.4
    c.no_pool = c.diff and rng.random() < 0.3
    if c.diff:
        ids2 = [x for x in ids if rng.random() < 0.85] + [new_id() for _ in range(rng.randint(0, 3))]
        if len(ids2) < 3:
            ids2 += [new_id() for _ in range(3 - len(ids2))]
        rng.shuffle(ids2)
        if rng.random() < 0.3:  # a constant column moves to another constant
            for g in gens:
                if g.kind == "constant":
                    g.const = g.scaled(g.mant(rng))
        c.units2 = make_units(ids2, gens)
        c.data2_text = to_csv(c.rub, c.units2, rng)
    c.freeze = rng.random() < 0.3
    c.explain_ids = sorted({ids[0], rng.choice(ids)})
    return c


def to_csv(rub: Rubric, units: list[Unit], rng) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    head = [rub.idcol]
    if rub.labelcol:
        head.append(rub.labelcol)
    if rub.groupcol:
        head.append(rub.groupcol)
    head += [i["column"] for i in rub.inds]
    w.writerow(head)
    for u in units:
        row = [u.id]
        if rub.labelcol:
            row.append(u.label)
        if rub.groupcol:
            row.append(u.group)
        row += [rng.choice(["", "NA", ""]) if x is None else repr(x) for x in u.raw]
        w.writerow(row)
    return buf.getvalue()


# ====================================================================== harness


class Checker:
    def __init__(self, case: Case, verbose: bool):
        self.case = case
        self.fail: list[str] = []
        self.skipped = 0
        self.compared = 0
        self.verbose = verbose

    def bad(self, cmd: str, what: str) -> None:
        self.fail.append(f"seed {self.case.seed}: `linkscore {cmd}`: {what}")

    def cell(self, cmd: str, key: str, col: str, spec, got: str) -> None:
        if spec is SKIP:
            self.skipped += 1
            return
        self.compared += 1
        kind = spec[0]
        if kind == "str":
            ok = got == spec[1]
            exp = spec[1]
        elif kind == "empty":
            ok = got == ""
            exp = ""
        else:
            exp = spec[1]
            try:
                g = float(got)
            except ValueError:
                self.bad(cmd, f"column {col}, unit {key}: expected {exp!r} got {got!r}")
                return
            if kind == "weight":
                if spec[2]:
                    ok = g == 0.0
                    exp = f"exactly 0 (constant column; model {exp!r})" if exp != 0 else "exactly 0 (constant column)"
                else:
                    ok = abs(g - exp) <= max(1e-9 * max(abs(g), abs(exp)), 1e-11)
            elif spec[2] == 0.0:
                ok = g == exp
            else:
                ok = abs(g - exp) <= 1e-9 * max(abs(g), abs(exp), spec[2])
        if not ok:
            self.bad(cmd, f"column {col}, unit {key}: expected {exp!r} got {got!r}")

    def table(self, cmd: str, out: str, key_of, columns: list[str] | None, expected: dict[str, dict]) -> list[str]:
        rows = list(csv.reader(io.StringIO(out)))
        if not rows:
            self.bad(cmd, "empty output")
            return []
        head, body = rows[0], rows[1:]
        if columns is not None and head != columns:
            self.bad(cmd, f"header {head} expected {columns}")
            return []
        got = {}
        order = []
        for row in body:
            if len(row) != len(head):
                self.bad(cmd, f"row {row} has {len(row)} fields, header {len(head)}")
                continue
            d = dict(zip(head, row))
            k = key_of(d)
            if k in got:
                self.bad(cmd, f"row {k} twice")
            got[k] = d
            order.append(k)
        for k, exp in expected.items():
            if k not in got:
                self.bad(cmd, f"unit {k}: row missing")
                continue
            for col, spec in exp.items():
                if col not in got[k]:
                    self.bad(cmd, f"column {col} missing")
                    return order
                self.cell(cmd, k, col, spec, got[k][col])
        for k in got:
            if k not in expected:
                self.bad(cmd, f"unexpected row {k}")
        return order


def run(binary: str, args: list[str], cwd: str):
    p = subprocess.run([binary] + args, cwd=cwd, capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def model(rub: Rubric, units: list[Unit], fit_units: list[Unit] | None = None):
    """(params, result) or raises OracleError / IllConditioned."""
    p = fit(rub, fit_units if fit_units is not None else units)
    return p, apply(rub, units, p)


def expect_error(ck: Checker, cmd: str, rc: int, out: str, err: str, why: str) -> None:
    if rc != 1 or out:
        ck.bad(cmd, f"the SPEC makes this an error ({why}): expected exit 1 and no stdout, got exit {rc}" + (f" and stdout {out[:200]!r}" if out else ""))


def expect_ok(ck: Checker, cmd: str, rc: int, err: str) -> bool:
    if rc != 0:
        ck.bad(cmd, f"expected success, got exit {rc}: {err.strip()[:300]}")
        return False
    return True


def frozen_comparable(rub: Rubric, p: Params) -> bool:
    for j, i in enumerate(rub.inds):
        if i["norm"] == "rank":
            return False
        if i["norm"] in ("minmax", "zscore") and p.stats[j]["const"]:
            return False
    return True


def check_case(binary: str, case: Case, d: str, verbose: bool) -> Checker:
    ck = Checker(case, verbose)
    rub = case.rub
    with open(os.path.join(d, "rubric.toml"), "w", encoding="utf-8") as f:
        f.write(case.rubric_text)
    with open(os.path.join(d, "data.csv"), "w", encoding="utf-8") as f:
        f.write(case.data_text)
    if case.diff:
        with open(os.path.join(d, "data2.csv"), "w", encoding="utf-8") as f:
            f.write(case.data2_text)
    ck.commands = []

    def go(args):
        ck.commands.append("linkscore " + " ".join(args))
        return run(binary, args, d)

    # ---- score
    sargs = ["score", "data.csv", "--rubric", "rubric.toml", "--format", "csv", "--detail", "linkages,indicators"]
    scmd = " ".join(sargs)
    try:
        p, res = model(rub, case.units)
        why = None
    except OracleError as e:
        why = str(e)
    rc, out, err = go(sargs)
    if why is not None:
        expect_error(ck, scmd, rc, out, err, why)
        return ck
    if not expect_ok(ck, scmd, rc, err):
        return ck
    score_out = out
    order = ck.table(scmd, out, lambda r: r["id"], score_columns(rub), score_rows(rub, res))
    fragile = any(v["rank_fragile"] for v in res.units.values())
    if not fragile and order and order != res.order and not ck.fail:
        ck.bad(scmd, f"row order {order} expected {res.order}")

    # ---- weights
    wargs = ["weights", "data.csv", "--rubric", "rubric.toml", "--format", "csv"]
    rc, out, err = go(wargs)
    if expect_ok(ck, " ".join(wargs), rc, err):
        ck.table(" ".join(wargs), out, lambda r: r["level"] + ":" + r["id"], ["level", "id", "parent", "weight", "global_weight"], weights_rows(rub, p))

    # ---- explain
    for uid in case.explain_ids:
        if res.units[uid]["s"] is None:
            continue
        eargs = ["explain", "data.csv", "--rubric", "rubric.toml", "--format", "csv", "--unit", uid]
        rc, out, err = go(eargs)
        if expect_ok(ck, " ".join(eargs), rc, err):
            cols = ["indicator", "dimension", "linkage", "raw", "normalized", "weight", "contribution", "obstacle", "rank"]
            ck.table(" ".join(eargs), out, lambda r: r["indicator"], cols, explain_rows(rub, res, uid))

    # ---- freeze / params
    if case.freeze:
        fargs = sargs + ["--freeze", "params.toml"]
        rc, out, err = go(fargs)
        if expect_ok(ck, " ".join(fargs), rc, err):
            if out != score_out:
                ck.bad(" ".join(fargs), "output differs from the same score without --freeze")
            pargs = sargs + ["--params", "params.toml"]
            rc, out, err = go(pargs)
            if expect_ok(ck, " ".join(pargs), rc, err) and out != score_out:
                first = next((f"line {k + 1}: {a!r} vs {b!r}" for k, (a, b) in enumerate(zip(score_out.splitlines(), out.splitlines())) if a != b), "lengths differ")
                ck.bad(" ".join(pargs), f"--freeze then --params on the same data is not byte-identical ({first})")
            if case.diff and frozen_comparable(rub, p):
                qargs = ["score", "data2.csv", "--rubric", "rubric.toml", "--format", "csv", "--detail", "linkages,indicators", "--params", "params.toml"]
                qcmd = " ".join(qargs)
                try:
                    res2 = apply(rub, case.units2, p)
                    why = None
                except OracleError as e:
                    why = str(e)
                rc, out, err = go(qargs)
                if why is not None:
                    expect_error(ck, qcmd, rc, out, err, why)
                elif expect_ok(ck, qcmd, rc, err):
                    ck.table(qcmd, out, lambda r: r["id"], score_columns(rub), score_rows(rub, res2))

    # ---- diff
    if case.diff:
        dargs = ["diff", "data.csv", "data2.csv", "--rubric", "rubric.toml", "--format", "csv"]
        if case.no_pool:
            dargs.append("--no-pool")
        dcmd = " ".join(dargs)
        why = None
        try:
            if rub.sample_dependent() and not case.no_pool:
                pp = fit(rub, case.units + case.units2)
                old, new = apply(rub, case.units, pp), apply(rub, case.units2, pp)
            else:
                old = model(rub, case.units)[1]
                new = model(rub, case.units2)[1]
        except OracleError as e:
            why = str(e)
        rc, out, err = go(dargs)
        if why is not None:
            expect_error(ck, dcmd, rc, out, err, why)
        elif expect_ok(ck, dcmd, rc, err):
            order = ck.table(dcmd, out, lambda r: r["id"], diff_columns(rub), diff_rows(rub, old, new))
            gone = sorted((k for k in old.units if k not in new.units), key=lambda k: (old.units[k]["rank"] or 10**9, k))
            settled = all(not v["rank_fragile"] and v["rank"] is not None for res_ in (old, new) for v in res_.units.values())
            if settled and order and not ck.fail and order != list(new.order) + gone:
                ck.bad(dcmd, f"row order {order} expected {list(new.order) + gone}")
    return ck


def keep_case(keep: str, case: Case, ck: Checker, tmp: str) -> None:
    dest = os.path.join(keep, f"seed-{case.seed}")
    os.makedirs(dest, exist_ok=True)
    for name in ("rubric.toml", "data.csv", "data2.csv"):
        src = os.path.join(tmp, name)
        if os.path.exists(src):
            shutil.copy(src, dest)
    with open(os.path.join(dest, "commands.sh"), "w", encoding="utf-8") as f:
        f.write("# run in this folder, with linkscore on PATH\n")
        f.write("\n".join(getattr(ck, "commands", [])) + "\n")
    with open(os.path.join(dest, "failures.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(ck.fail) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="the linkscore executable")
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1, help="first seed; case k uses seed + k")
    ap.add_argument("--keep", help="write failing cases (rubric, data, commands) under this folder")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--max-lines", type=int, default=5, help="failure lines shown per case")
    ap.add_argument("--exclude", default="", help="comma-separated generator features to leave out (triage): near-zscore")
    a = ap.parse_args()
    EXCLUDE.update(x for x in a.exclude.split(",") if x)
    binary = os.path.abspath(a.bin)
    passed = failed = skipped_cases = skipped_cells = compared = 0
    t0 = time.time()
    for k in range(a.cases):
        seed = a.seed + k
        with tempfile.TemporaryDirectory(prefix="linkscore-diff-") as tmp:
            try:
                case = gen_case(seed)
                ck = check_case(binary, case, tmp, a.verbose)
            except IllConditioned as e:
                skipped_cases += 1
                passed += 1
                if a.verbose:
                    print(f"seed {seed}: skipped ({e})")
                continue
            skipped_cells += ck.skipped
            compared += ck.compared
            if ck.fail:
                failed += 1
                for line in ck.fail[: a.max_lines]:
                    print(line)
                if len(ck.fail) > a.max_lines:
                    print(f"seed {seed}: … and {len(ck.fail) - a.max_lines} more")
                if a.keep:
                    keep_case(a.keep, case, ck, tmp)
            else:
                passed += 1
                if a.verbose:
                    print(f"seed {seed}: ok ({ck.compared} cells, {ck.skipped} skipped)")
        sys.stdout.flush()
    print(f"{compared} cells compared, {skipped_cells} skipped near a decision, {skipped_cases} cases skipped as ill-conditioned, {time.time() - t0:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
