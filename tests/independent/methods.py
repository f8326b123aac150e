#!/usr/bin/env python3
"""Independent reference for tests/integration/methods.rs.

Written from /work/shared/SPEC.md ("Maths" and "Methods analysts publish
with") alone, without reading linkscore's source, so that the Rust tests
compare the program with a second implementation rather than with itself.
Python 3.11+, standard library only.

It reads tests/fixtures/methods.csv and every tests/fixtures/methods-*.toml
rubric, computes the weights, AHP consistency, dimension values, scores
(weighted or TOPSIS), z × scale per indicator and the coupling columns, and
prints them as Rust constants to paste into tests/integration/methods.rs:

    python3 tests/independent/methods.py > /tmp/expected.rs

Decisions taken where SPEC.md is silent (documented so a mismatch can be
judged):
  * AHP eigenvector: power iteration from the uniform vector until the
    normalized vector stops changing (max |Δ| ≤ 1e-17, at most 10 000 steps);
    λmax = Σ_i (A w)_i with Σ w = 1 (for an exact eigenvector this equals
    the mean of (A w)_i / w_i).
  * CRITIC with a constant column (σ = 0): its Pearson correlation with any
    other column is undefined; it is taken as r = 0 (so 1 − r = 1), and the
    column's own C_j = 0 because σ_j = 0.
  * Combined with subjective = "ahp": the AHP global weights (AHP dimension
    weights × the AHP indicator weights where a matrix is given, explicit
    weights inside the other dimensions).
  * The coupling T uses the dimension weights actually in force (objective
    ones under an objective weighting), renormalized over the listed
    dimensions.
  * Dimension values under TOPSIS are the usual weighted aggregate of the
    (floored) z with the weights in force.
"""

from __future__ import annotations

import csv
import glob
import math
import os
import sys
import tomllib
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")

RI = [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59]

BANDS = [
    (0.1, "极度失调"),
    (0.2, "严重失调"),
    (0.3, "中度失调"),
    (0.4, "轻度失调"),
    (0.5, "濒临失调"),
    (0.6, "勉强协调"),
    (0.7, "初级协调"),
    (0.8, "中级协调"),
    (0.9, "良好协调"),
]


# ------------------------------------------------------------------ helpers


def entry(v) -> float:
    """A pairwise-comparison entry: a number or a string such as "1/3"."""
    if isinstance(v, str):
        return float(Fraction(v.strip()))
    return float(v)


def normalized(ws: list[float]) -> list[float]:
    s = sum(ws)
    return [w / s for w in ws]


def sample_sd(xs: list[float]) -> float:
    n = len(xs)
    m = sum(xs) / n
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1))


def pearson(a: list[float], b: list[float]) -> float:
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    sab = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    saa = sum((x - ma) ** 2 for x in a)
    sbb = sum((y - mb) ** 2 for y in b)
    if saa == 0 or sbb == 0:
        return 0.0  # decision: a constant column correlates with nothing
    return sab / math.sqrt(saa * sbb)


def ahp(matrix) -> tuple[list[float], float, float, float]:
    """Principal eigenvector (sum 1), λmax, CI, CR."""
    a = [[entry(x) for x in row] for row in matrix]
    n = len(a)
    w = [1.0 / n] * n
    for _ in range(10_000):
        aw = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
        nw = normalized(aw)
        delta = max(abs(x - y) for x, y in zip(nw, w))
        w = nw
        if delta <= 1e-17:
            break
    aw = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
    lam = sum(aw)
    if n <= 2:
        return w, lam, 0.0, 0.0
    ci = (lam - n) / (n - 1)
    return w, lam, ci, ci / RI[n - 1]


def band(d: float) -> str:
    for upper, name in BANDS:
        if d < upper:
            return name
    return "优质协调"


# ------------------------------------------------------------------ the model


class Model:
    def __init__(self, rubric_path: str, data_path: str):
        with open(rubric_path, "rb") as f:
            self.toml = tomllib.load(f)
        with open(data_path, encoding="utf-8") as f:
            self.rows = list(csv.DictReader(f))
        r = self.toml["rubric"]
        self.r = r
        self.scale = float(r.get("scale", 100))
        self.dims = self.toml["dimension"]
        self.inds = self.toml["indicator"]
        self.units = [row[r["id"]] for row in self.rows]
        self.n = len(self.rows)
        self.ahp_report: list[tuple[str, float, float, float]] = []
        self.z = self.normalize()  # indicator id → list of z over units
        self.weigh()

    # -- normalization -----------------------------------------------------

    def normalize(self) -> dict[str, list[float]]:
        default = self.r.get("normalize", "goalpost")
        floor = float(self.r.get("floor", 0.0))
        out = {}
        for ind in self.inds:
            col = ind.get("column", ind["id"])
            xs = [float(row[col]) for row in self.rows]
            how = ind.get("normalize", default)
            lower = ind.get("direction", "higher") == "lower"
            if how == "goalpost":
                lo, hi = ind["goalposts"]
                c = [min(max(x, lo), hi) for x in xs]
                zs = [(hi - x) / (hi - lo) if lower else (x - lo) / (hi - lo) for x in c]
            elif how == "minmax":
                lo, hi = min(xs), max(xs)
                if hi == lo:
                    zs = [1.0] * len(xs)  # constant column: z = 1 (SPEC)
                else:
                    zs = [(hi - x) / (hi - lo) if lower else (x - lo) / (hi - lo) for x in xs]
            else:
                raise SystemExit(f"normalize {how} is not modelled here")
            if floor:
                zs = [floor + (1 - floor) * z for z in zs]
            out[ind["id"]] = zs
        return out

    # -- weights -------------------------------------------------------------

    def explicit_global(self) -> dict[str, float]:
        dw = dict(zip([d["id"] for d in self.dims], normalized([float(d.get("weight", 1)) for d in self.dims])))
        return self.global_from(dw, self.explicit_inside())

    def explicit_inside(self) -> dict[str, float]:
        inside = {}
        for d in self.dims:
            members = [i for i in self.inds if i["dimension"] == d["id"]]
            for i, w in zip(members, normalized([float(i.get("weight", 1)) for i in members])):
                inside[i["id"]] = w
        return inside

    def global_from(self, dw: dict[str, float], inside: dict[str, float]) -> dict[str, float]:
        return {i["id"]: dw[i["dimension"]] * inside[i["id"]] for i in self.inds}

    def ahp_global(self) -> dict[str, float]:
        spec = self.toml["ahp"]
        w, lam, ci, cr = ahp(spec["dimensions"])
        self.ahp_report.append(("dimensions", lam, ci, cr))
        dw = dict(zip([d["id"] for d in self.dims], w))
        inside = self.explicit_inside()
        for dim_id, matrix in spec.get("indicators", {}).items():
            members = [i for i in self.inds if i["dimension"] == dim_id]
            wi, lam, ci, cr = ahp(matrix)
            self.ahp_report.append((dim_id, lam, ci, cr))
            for i, x in zip(members, wi):
                inside[i["id"]] = x
        return self.global_from(dw, inside)

    def entropy_global(self) -> dict[str, float]:
        shift = float(self.r.get("entropy_shift", 0.0))
        k = 1.0 / math.log(self.n)
        d = {}
        for ind in self.inds:
            col = [z + shift for z in self.z[ind["id"]]]
            total = sum(col)
            if total == 0:
                d[ind["id"]] = 0.0
                continue
            e = 0.0
            for v in col:
                p = v / total
                if p > 0:
                    e += p * math.log(p)
            d[ind["id"]] = 1.0 - (-k * e)
        s = sum(d.values())
        if s == 0:
            return {i["id"]: 1.0 / len(self.inds) for i in self.inds}
        return {j: v / s for j, v in d.items()}

    def critic_global(self) -> dict[str, float]:
        ids = [i["id"] for i in self.inds]
        c = {}
        for j in ids:
            sd = sample_sd(self.z[j])
            conflict = sum(1.0 - (1.0 if k == j else pearson(self.z[j], self.z[k])) for k in ids)
            c[j] = sd * conflict
        s = sum(c.values())
        return {j: v / s for j, v in c.items()}

    def weigh(self) -> None:
        how = self.r.get("weighting", "explicit")
        if how == "explicit":
            g = self.explicit_global()
        elif how == "ahp":
            g = self.ahp_global()
        elif how == "entropy":
            g = self.entropy_global()
        elif how == "critic":
            g = self.critic_global()
        elif how == "combined":
            cb = self.toml["combine"]
            ws = self.ahp_global() if cb.get("subjective", "explicit") == "ahp" else self.explicit_global()
            wo = self.entropy_global() if cb["objective"] == "entropy" else self.critic_global()
            if cb.get("rule", "linear") == "linear":
                a = float(cb.get("alpha", 0.5))
                g = {j: a * ws[j] + (1 - a) * wo[j] for j in ws}
            else:
                prod = {j: ws[j] * wo[j] for j in ws}
                s = sum(prod.values())
                g = {j: v / s for j, v in prod.items()}
        else:
            raise SystemExit(f"weighting {how} is not modelled here")
        self.global_w = g
        self.dim_w = {d["id"]: sum(g[i["id"]] for i in self.inds if i["dimension"] == d["id"]) for d in self.dims}
        self.inside_w = {i["id"]: g[i["id"]] / self.dim_w[i["dimension"]] for i in self.inds}

    # -- scores ---------------------------------------------------------------

    @staticmethod
    def aggregate(how: str, zs: list[float], ws: list[float]) -> float:
        if how == "geometric":
            out = 1.0
            for z, w in zip(zs, ws):
                if z == 0:
                    return 0.0
                out *= z**w
            return out
        return sum(z * w for z, w in zip(zs, ws))

    def dimension_values(self, u: int) -> dict[str, float]:
        out = {}
        for d in self.dims:
            members = [i["id"] for i in self.inds if i["dimension"] == d["id"]]
            out[d["id"]] = self.aggregate(
                d.get("aggregate", "arithmetic"),
                [self.z[j][u] for j in members],
                [self.inside_w[j] for j in members],
            )
        return out

    def topsis(self) -> list[float]:
        ids = [i["id"] for i in self.inds]
        v = {j: [self.global_w[j] * z for z in self.z[j]] for j in ids}
        if self.r.get("ideal", "sample") == "absolute":
            best = {j: self.global_w[j] for j in ids}
            worst = {j: 0.0 for j in ids}
        else:
            best = {j: max(v[j]) for j in ids}
            worst = {j: min(v[j]) for j in ids}
        out = []
        for u in range(self.n):
            dp = math.sqrt(sum((v[j][u] - best[j]) ** 2 for j in ids))
            dm = math.sqrt(sum((v[j][u] - worst[j]) ** 2 for j in ids))
            out.append(1.0 if dp == 0 else dm / (dp + dm))
        return out

    def results(self):
        """Per unit: [(column, value)] in CSV column order, and the coupling grade."""
        top = self.r.get("aggregate", "arithmetic")
        closeness = self.topsis() if self.r.get("method", "weighted") == "topsis" else None
        coupling = self.toml.get("coupling")
        units = []
        for u, uid in enumerate(self.units):
            dv = self.dimension_values(u)
            if closeness is None:
                s = self.aggregate(top, [dv[d["id"]] for d in self.dims], [self.dim_w[d["id"]] for d in self.dims])
            else:
                s = closeness[u]
            cols = [("score", self.scale * s)]
            cols += [(d["id"], self.scale * dv[d["id"]]) for d in self.dims]
            grade = None
            if coupling is not None:
                listed = coupling.get("dimensions", [d["id"] for d in self.dims])
                us = [dv[k] for k in listed]
                k = len(us)
                total = sum(us)
                c = 0.0 if total == 0 else k * math.prod(us) ** (1.0 / k) / total
                beta = normalized([self.dim_w[d] for d in listed])
                t = sum(b * x for b, x in zip(beta, us))
                dd = math.sqrt(c * t)
                cols += [("coupling", c), ("coordination", dd)]
                grade = band(dd)
            cols += [(i["id"], self.scale * self.z[i["id"]][u]) for i in self.inds]
            units.append((uid, cols, grade))
        return units


# ------------------------------------------------------------------ output


def rust_f64(x: float) -> str:
    s = repr(float(x))
    if "e" not in s and "." not in s and "inf" not in s:
        s += ".0"
    return s


def rust_ident(name: str) -> str:
    return name.upper().replace("-", "_")


def main() -> None:
    data = os.path.join(FIXTURES, "methods.csv")
    paths = sorted(glob.glob(os.path.join(FIXTURES, "methods-*.toml")))
    if not paths:
        sys.exit("no tests/fixtures/methods-*.toml")
    print("// from tests/independent/methods.py (`python3 tests/independent/methods.py` prints")
    print("// everything below this line; paste it over the old block)")
    for path in paths:
        name = os.path.basename(path)[len("methods-") : -len(".toml")]
        m = Model(path, data)
        print()
        print(f"/// tests/fixtures/methods-{name}.toml on tests/fixtures/methods.csv")
        print("#[rustfmt::skip]")
        print(f"const {rust_ident(name)}: Expected = Expected {{")
        print(f'    rubric: "methods-{name}.toml",')
        print("    weights: &[")
        for d in m.dims:
            print(f'        ("{d["id"]}", {rust_f64(m.dim_w[d["id"]])}, {rust_f64(m.dim_w[d["id"]])}),')
        for i in m.inds:
            print(f'        ("{i["id"]}", {rust_f64(m.inside_w[i["id"]])}, {rust_f64(m.global_w[i["id"]])}),')
        print("    ],")
        print("    ahp: &[")
        for what, lam, ci, cr in m.ahp_report:
            print(f'        ("{what}", {rust_f64(lam)}, {rust_f64(ci)}, {rust_f64(cr)}),')
        print("    ],")
        units = m.results()
        minmax = m.r.get("normalize", "goalpost") != "goalpost"
        columns = [c for c, _ in units[0][1] if minmax or c not in m.z]
        print("    columns: &[" + ", ".join(f'"{c}"' for c in columns) + "],")
        print("    units: &[")
        for uid, cols, _ in units:
            values = dict(cols)
            print(f'        ("{uid}", &[' + ", ".join(rust_f64(values[c]) for c in columns) + "]),")
        print("    ],")
        print("    grades: &[")
        for uid, _, grade in units:
            if grade is not None:
                print(f'        ("{uid}", "{grade}"),')
        print("    ],")
        print("};")


if __name__ == "__main__":
    main()
