#!/usr/bin/env python3
"""Make the SYNTHETIC sample data in examples/ (villages-2023.csv,
villages-2024.csv, villages-2025.csv, and the synthetic map villages.geojson
with villages-coords.csv).

THE DATA IS SYNTHETIC. Every village, township, county, id and number is made
up by this script from a fixed random seed; none of it describes a real place,
and any likeness of a name to a real place is coincidental. It exists to show
and test linkscore with the default rubric (rubrics/linkage.toml).

Regenerate the three files (byte-identical on every run, Python 3.11+,
standard library only):

    python3 examples/make_villages.py            # into examples/
    python3 examples/make_villages.py --out DIR  # into DIR (to compare)

The indicator columns and their order are read from rubrics/linkage.toml (the
`column` of each [[indicator]]); the model for each indicator is in MODEL
below and must name exactly the rubric's indicator ids.

How villages differ (so that the scores look like real ones):
  * each village has a latent development level = county effect + village
    effect, plus a smaller county-by-dimension and village-by-dimension effect
    (so some villages are strong in one dimension and weak in another);
  * every indicator is a noisy function of the level of its dimension; money
    figures are lognormal (skewed), 0/1 indicators are Bernoulli with a
    probability that rises with the level, counts are integers, percentages
    are clipped to [0, 100] (the income growth rate may be negative);
  * some values lie beyond the goalposts (income above 30000 元, tap water
    below 50 %, six or more new relapsed households, ...);
  * about 0.5 % of indicator cells are missing: mostly empty, some "/" or "—";
  * 2024: about 88 % of villages improve a little and about 12 % fall back
    in their latent level; with the yearly noise, the score of about 18 % of
    the villages present in both years goes down. Per-village noise is
    largely persistent from one year to the next;
  * 2023 has 4 villages that are gone by 2024 (merged into neighbours), and
    2024 has 5 villages that are new (split off or newly included);
  * 2025 (added later, for the panel example of issue 17): the 2024 villages
    minus 3 merged into neighbours (GONE_2025), no new ones; from 2024 to
    2025 again about 88 % improve a little and about 12 % fall back, and the
    policy push ("dy") of 2024 stays. Every village keeps its id and name.

The map (added later, for the maps of issue 19): villages.geojson, one
Polygon per village of any year (304: the 2024 villages and the four that
were merged away after 2023), and villages-coords.csv, their centroids.
THE GEOMETRY IS SYNTHETIC TOO: a jittered grid near lon 102.0-103.1, lat 24.2-24.8
(degrees, WGS 84), no real boundary. See make_map() below: the villages lie in
a 19 x 16 grid, each county a contiguous block (so counties cluster in space),
and neighbouring cells share their edges exactly (the same vertices, rounded
to 6 decimals once), so that queen and rook contiguity can be read from it.
It is drawn ONLY from a generator of its own (seeded from SEED and "map"), so
adding it left the three CSV files byte-identical.

The 2025 year is drawn ONLY from generators of its own (seeded from SEED and
"2025"), never from the streams that make 2023 and 2024, so adding it left
villages-2023.csv and villages-2024.csv byte-identical. Keep it that way: a
change for one year must not draw from another year's stream.
"""

import argparse
import csv
import json
import math
import random
import tomllib
from pathlib import Path

SEED = 20240601
HERE = Path(__file__).resolve().parent
RUBRIC = HERE.parent / "rubrics" / "linkage.toml"
MISSING_RATE = 0.005

# (code, name, number of villages in 2024, number of townships)
COUNTIES = [
    ("530121", "安平县", 52, 5),
    ("530122", "临溪县", 47, 5),
    ("530123", "青山县", 44, 4),
    ("530124", "白水县", 43, 4),
    ("530125", "龙泉县", 40, 4),
    ("530126", "石门县", 38, 4),
    ("530127", "云岭县", 36, 3),
]
# Villages present in 2023 only (merged by 2024), per county code.
GONE = {"530122": 2, "530125": 1, "530127": 1}
# Villages present in 2024 only (new ids after the county's last id).
NEW = {"530121": 2, "530123": 1, "530124": 1, "530126": 1}
# Villages of 2024 that are gone by 2025 (merged into neighbours), per county
# code; which ones is drawn from the 2025 generator.
GONE_2025 = {"530121": 1, "530124": 1, "530126": 1}
YEARS = (2023, 2024, 2025)

DIMENSIONS = ["industry", "ecology", "civility", "governance", "prosperity"]

# Model per indicator id: (kind, dimension, parameters)
#   pct:    100 * sigmoid(a + b*level + s*e) + year shift, clipped to [0, 100]
#   short:  100 - max(0, exp(a + b*level + s*e) - c)   (shortfall below 100 %)
#   lin:    a + b*level + s*e, clipped to [lo, hi]
#   logn:   exp(a + b*level + s*e), clipped to [lo, hi]
#   bin:    1 if Phi(e) < sigmoid(a + b*level) else 0
#   pois:   Poisson quantile at Phi(e), mean exp(a + b*level)
#   int:    round(a + b*level + s*e), clipped to [lo, hi]
#   growth: a + g*(change of level over the year) + s*e
#   lag:    like lin, but on last year's level
# Each entry: kind, dimension, dict of parameters; "dy" is added to the
# linear predictor from 2024 on (a policy push), "d" is decimals.
MODEL = {
    "one_shoulder": ("bin", "governance", dict(a=0.2, b=0.8, dy=0.15)),
    "young_members": ("pct", "governance", dict(a=-1.4, b=0.4, s=0.4, dy=0.05, d=1)),
    "work_team_size": ("int", "governance", dict(a=2.6, b=0.5, s=1.0, lo=0, hi=6)),
    "talent_share": ("pct", "industry", dict(a=-1.5, b=0.5, s=0.5, dy=0.05, d=1)),
    "returnees": ("pois", "industry", dict(a=1.3, b=0.55)),
    "collective_income": ("logn", "industry", dict(a=2.3, b=0.9, s=0.7, lo=0.0, hi=1e9, d=2)),
    "lead_industry_share": ("pct", "industry", dict(a=0.0, b=0.6, s=0.6, d=1)),
    "industry_coverage": ("pct", "industry", dict(a=2.2, b=0.8, s=0.9, d=1)),
    "trained_share": ("pct", "prosperity", dict(a=-0.6, b=0.5, s=0.6, d=1)),
    "employed_rate": ("pct", "prosperity", dict(a=1.4, b=0.5, s=0.5, d=1)),
    "fund_execution": ("pct", "governance", dict(a=2.4, b=0.6, s=0.8, d=1)),
    "fund_industry_share": ("pct", "industry", dict(a=0.2, b=0.4, s=0.5, dy=0.2, d=1)),
    "asset_operating": ("pct", "industry", dict(a=2.6, b=0.7, s=0.8, d=1)),
    "risk_eliminated": ("pct", "prosperity", dict(a=1.4, b=0.6, s=0.9, d=1)),
    "new_returned": ("pois", "prosperity", dict(a=-0.3, b=-0.8)),
    "guarantees_met": ("short", "prosperity", dict(a=-0.2, b=-0.6, s=1.0, c=0.8, d=1)),
    "insured_rate": ("short", "prosperity", dict(a=-0.5, b=-0.4, s=0.9, c=0.3, d=1)),
    "income_gap_ratio": ("pct", "prosperity", dict(a=0.9, b=0.4, s=0.5, d=1)),
    "poor_income_growth": ("growth", "prosperity", dict(a=7.0, g=20.0, s=3.0, d=1)),
    "council_participation": ("pct", "civility", dict(a=0.6, b=0.7, s=0.7, d=1)),
    "village_rules": ("bin", "civility", dict(a=3.5, b=0.8)),
    "social_investment": ("logn", "industry", dict(a=3.0, b=0.6, s=0.75, lo=0.0, hi=1e9, d=1)),
    "village_plan": ("bin", "governance", dict(a=0.8, b=1.0, dy=0.4)),
    "project_completion": ("pct", "governance", dict(a=2.2, b=0.6, s=0.8, d=1)),
    "last_assessment": ("lag", "governance", dict(a=84.0, b=5.0, s=4.0, lo=45.0, hi=100.0, d=1)),
    "satisfaction": ("pct", "governance", dict(a=2.3, b=0.5, s=0.6, d=1)),
    "income_per_capita": ("logn", "prosperity", dict(a=math.log(15500), b=0.28, s=0.12, lo=5000, hi=60000, d=0)),
    "engel": ("lin", "prosperity", dict(a=32.0, b=-3.5, s=3.0, lo=0.0, hi=100.0, d=1)),
    "toilet_rate": ("pct", "ecology", dict(a=1.7, b=0.8, s=0.8, dy=0.1, d=1)),
    "waste_rate": ("pct", "ecology", dict(a=2.6, b=0.8, s=0.8, d=1)),
    "sewage_rate": ("pct", "ecology", dict(a=-0.4, b=0.9, s=0.8, dy=0.1, d=1)),
    "tap_water_rate": ("pct", "ecology", dict(a=2.0, b=0.9, s=0.8, d=1)),
    "green_cover": ("pct", "ecology", dict(a=-1.2, b=0.5, s=0.5, d=1)),
    "culture_center": ("bin", "civility", dict(a=3.0, b=0.8)),
    "civilized_village": ("bin", "civility", dict(a=-0.8, b=1.2, dy=0.1)),
}

SURNAMES = list(
    "杨李王张刘陈赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金廖贾夏韦方白邹孟熊秦邱江尹薛段"
    "雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
SURNAME_SUFFIX = ["家村", "家庄村", "家坪村", "家湾村", "家寨村", "家沟村", "家坝村"]
PLACE_FIRST = list("大小上下东西南北新老石白黄青红龙马柳松竹桃杏梨双三五高长清平凤金")
PLACE_SECOND = list("桥河坪坝湾沟寨营岭山塘溪田林园庄堡口岗冲")
TOWN_FIRST = list("龙凤金银桂兴和永太安宝福长新双德花云")
TOWN_SECOND = list("山水河溪平兴和安华丰江林源坪阳")


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def phi(x):
    """Standard normal CDF."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def poisson_quantile(u, mean):
    """Smallest k with P(X <= k) >= u for X ~ Poisson(mean)."""
    k, p = 0, math.exp(-mean)
    cdf = p
    while cdf < u and k < 200:
        k += 1
        p *= mean / k
        cdf += p
    return k


def fmt(value, decimals):
    if decimals == 0:
        return str(int(round(value)))
    s = f"{value:.{decimals}f}"
    if float(s) == 0.0:
        s = f"{0.0:.{decimals}f}"  # never "-0.0"
    return s


def rubric_columns():
    with open(RUBRIC, "rb") as f:
        rubric = tomllib.load(f)
    cols = [(ind["id"], ind.get("column", ind["id"])) for ind in rubric["indicator"]]
    ids = [i for i, _ in cols]
    if sorted(ids) != sorted(MODEL):
        raise SystemExit(
            f"{RUBRIC}: indicator ids differ from MODEL: "
            f"rubric only {sorted(set(ids) - set(MODEL))}, "
            f"model only {sorted(set(MODEL) - set(ids))}"
        )
    return cols


def make_places(rng):
    """County -> list of townships, and a global pool of unique village names."""
    towns_by_county = {}
    for code, _, _, n_towns in COUNTIES:
        pool = ["城关镇"] + [
            a + b + s for a in TOWN_FIRST for b in TOWN_SECOND if a != b for s in ("镇", "乡")
        ]
        names = ["城关镇"]
        while len(names) < n_towns:
            t = rng.choice(pool[1:])
            if t[:2] not in {n[:2] for n in names}:
                names.append(t)
        towns_by_county[code] = names
    village_pool = [s + x for s in SURNAMES for x in SURNAME_SUFFIX]
    village_pool += [a + b + "村" for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
    rng.shuffle(village_pool)
    return towns_by_county, village_pool


class Village:
    def __init__(self, vid, name, county_code, county_name, township, ceff, cdim):
        self.vid, self.name = vid, name
        self.county_code, self.county, self.township = county_code, county_name, township
        r = random.Random(f"linkscore-{SEED}-{vid}")
        self.rng = r
        base = ceff + r.gauss(0.0, 0.85)
        # dimension levels in 2023
        self.level23 = {d: base + cdim[d] + r.gauss(0.0, 0.35) for d in DIMENSIONS}
        # change over 2023 -> 2024: most improve a little, ~15 % fall back
        self.faller = r.random() < 0.12
        common = r.gauss(-0.30, 0.15) if self.faller else r.gauss(0.18, 0.08)
        self.delta = {d: common + r.gauss(0.0, 0.05) for d in DIMENSIONS}
        self.level24 = {d: self.level23[d] + self.delta[d] for d in DIMENSIONS}
        # change over 2022 -> 2023 (for last year's assessment and income growth)
        prev_faller = r.random() < 0.15
        prev = r.gauss(-0.30, 0.15) if prev_faller else r.gauss(0.18, 0.08)
        self.delta22 = {d: prev + r.gauss(0.0, 0.05) for d in DIMENSIONS}
        self.level22 = {d: self.level23[d] - self.delta22[d] for d in DIMENSIONS}
        # persistent and yearly noise per indicator, drawn in a fixed order
        self.noise = {}
        persistent = {}
        for ind in sorted(MODEL):
            p = r.gauss(0.0, 1.0)
            persistent[ind] = p
            rho = 0.98 if MODEL[ind][0] == "bin" else 0.95
            for year in (2023, 2024):
                self.noise[ind, year] = rho * p + math.sqrt(1 - rho * rho) * r.gauss(0.0, 1.0)
        # missing cells, drawn in a fixed order
        self.missing = {}
        for year in (2023, 2024):
            for ind in sorted(MODEL):
                u, v = r.random(), r.random()
                if u < MISSING_RATE:
                    self.missing[ind, year] = "" if v < 0.7 else ("/" if v < 0.9 else "—")
        # 2025, from a generator of its own (r above is not touched, so 2023
        # and 2024 come out as before): the change over 2024 -> 2025 like the
        # one over 2023 -> 2024, the same persistent noise, new yearly noise,
        # new missing cells.
        r25 = random.Random(f"linkscore-{SEED}-{vid}-2025")
        faller25 = r25.random() < 0.12
        common25 = r25.gauss(-0.30, 0.15) if faller25 else r25.gauss(0.18, 0.08)
        self.delta25 = {d: common25 + r25.gauss(0.0, 0.05) for d in DIMENSIONS}
        self.level25 = {d: self.level24[d] + self.delta25[d] for d in DIMENSIONS}
        for ind in sorted(MODEL):
            rho = 0.98 if MODEL[ind][0] == "bin" else 0.95
            self.noise[ind, 2025] = (
                rho * persistent[ind] + math.sqrt(1 - rho * rho) * r25.gauss(0.0, 1.0)
            )
        for ind in sorted(MODEL):
            u, v = r25.random(), r25.random()
            if u < MISSING_RATE:
                self.missing[ind, 2025] = "" if v < 0.7 else ("/" if v < 0.9 else "—")

    def value(self, ind, year):
        kind, dim, p = MODEL[ind]
        level = {2023: self.level23, 2024: self.level24, 2025: self.level25}[year][dim]
        change = {2023: self.delta22, 2024: self.delta, 2025: self.delta25}[year][dim]
        e = self.noise[ind, year]
        shift = p.get("dy", 0.0) if year >= 2024 else 0.0
        d = p.get("d", 0)
        if kind == "pct":
            x = 100.0 * sigmoid(p["a"] + shift + p["b"] * level + p["s"] * e)
            return fmt(min(100.0, max(0.0, x)), d)
        if kind == "short":
            gap = max(0.0, math.exp(p["a"] + p["b"] * level + p["s"] * e) - p["c"])
            return fmt(min(100.0, max(0.0, 100.0 - gap)), d)
        if kind in ("lin", "lag"):
            if kind == "lag":
                level = {2023: self.level22, 2024: self.level23, 2025: self.level24}[year][dim]
            x = p["a"] + p["b"] * level + p["s"] * e
            return fmt(min(p["hi"], max(p["lo"], x)), d)
        if kind == "logn":
            x = math.exp(p["a"] + p["b"] * level + p["s"] * e)
            return fmt(min(p["hi"], max(p["lo"], x)), d)
        if kind == "bin":
            return "1" if phi(e) < sigmoid(p["a"] + shift + p["b"] * level) else "0"
        if kind == "pois":
            return str(poisson_quantile(phi(e), math.exp(p["a"] + p["b"] * level)))
        if kind == "int":
            x = round(p["a"] + p["b"] * level + p["s"] * e)
            return str(int(min(p["hi"], max(p["lo"], x))))
        if kind == "growth":
            return fmt(p["a"] + p["g"] * change + p["s"] * e, d)
        raise ValueError(kind)


# The map: a grid of GRID_COLS columns and as many strips of STRIP rows as the
# villages need, one village a cell, walked strip by strip (left to right, then
# right to left, ...), column by column within a strip, so that consecutive
# villages are neighbours and each county (a run of consecutive villages) is
# one contiguous block. The last strip may be partly filled.
GRID_COLS, STRIP = 19, 4  # an odd number of columns, so each
# strip ends at its bottom row, above the next strip's first cell
WEST, NORTH = 102.0, 24.8  # degrees of the grid's north-west corner
CELL_LON, CELL_LAT = 0.06, 0.035  # a cell is about 6.1 km x 3.9 km
JITTER = 0.3  # how far a grid corner moves, in cells (< 0.5 keeps cells simple)
BEND = 0.1  # how far an edge's inner points move off it, in cells


def grid_walk(n):
    """The first n cells (column, row) in walking order: strips of STRIP rows
    from the north, alternately west to east and east to west; within a strip,
    column by column, down and up in turn."""
    cells = []
    for strip in range(-(-n // (GRID_COLS * STRIP))):
        cols = range(GRID_COLS) if strip % 2 == 0 else range(GRID_COLS - 1, -1, -1)
        for k, col in enumerate(cols):
            rows = range(strip * STRIP, (strip + 1) * STRIP)
            cells += [(col, row) for row in (rows if k % 2 == 0 else reversed(rows))]
    return cells[:n]


def make_map(villages, out):
    """Write villages.geojson and villages-coords.csv (SYNTHETIC geometry).

    Every grid corner is jittered once and every cell edge bent once (two
    inner points, drawn per edge), and both are rounded to 6 decimals before
    use: the two cells on either side of an edge have the same vertices, so
    contiguity compares coordinates exactly. Rings are closed and
    counter-clockwise (RFC 7946). A generator of its own: the CSV files do not
    change."""
    rng = random.Random(f"linkscore-{SEED}-map")
    cells = grid_walk(len(villages))
    rows = max(row for _, row in cells) + 1

    def lonlat(x, y):
        return (round(WEST + x * CELL_LON, 6), round(NORTH - y * CELL_LAT, 6))

    corner = {}
    for col in range(GRID_COLS + 1):
        for row in range(rows + 1):
            dx, dy = rng.uniform(-JITTER, JITTER), rng.uniform(-JITTER, JITTER)
            corner[col, row] = (col + dx, row + dy)
    bend = {}

    def edge(a, b):
        """The inner points of the edge from corner a to corner b, in that order."""
        key = (min(a, b), max(a, b))
        if key not in bend:
            (x0, y0), (x1, y1) = corner[key[0]], corner[key[1]]
            pts = []
            for t in (1 / 3, 2 / 3):
                off = rng.uniform(-BEND, BEND)
                # off the edge at a right angle (the edge is about one cell long)
                pts.append(lonlat(x0 + t * (x1 - x0) - off * (y1 - y0), y0 + t * (y1 - y0) + off * (x1 - x0)))
            bend[key] = pts
        pts = bend[key]
        return pts if a == key[0] else pts[::-1]

    features, coords = [], []
    for v, (col, row) in zip(villages, cells):
        # north-west, south-west, south-east, north-east: counter-clockwise
        # with the latitude growing northwards
        corners = [(col, row), (col, row + 1), (col + 1, row + 1), (col + 1, row)]
        ring = []
        for a, b in zip(corners, corners[1:] + corners[:1]):
            ring.append(lonlat(*corner[a]))
            ring += edge(a, b)
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "id": v.vid,
                "properties": {"village_id": v.vid, "name": v.name, "county": v.county, "township": v.township},
                "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
            }
        )
        coords.append((v.vid, *centroid(ring)))
    path = out / "villages.geojson"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        f.write(",\n".join(json.dumps(feat, ensure_ascii=False, separators=(",", ":")) for feat in features))
        f.write("\n]}\n")
    shown = path.relative_to(HERE.parent) if path.is_relative_to(HERE.parent) else path
    print(f"wrote {shown}: {len(features)} village polygons (synthetic)")
    path = out / "villages-coords.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["village_id", "lon", "lat"])
        for vid, lon, lat in coords:
            w.writerow([vid, f"{lon:.6f}", f"{lat:.6f}"])
    shown = path.relative_to(HERE.parent) if path.is_relative_to(HERE.parent) else path
    print(f"wrote {shown}: {len(coords)} village centroids (synthetic)")


def centroid(ring):
    """The area centroid (lon, lat) of a closed ring (planar, in degrees)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (3 * a), cy / (3 * a)


def main():
    parser = argparse.ArgumentParser(description="Make the synthetic sample data.")
    parser.add_argument(
        "--out", type=Path, default=HERE, help="folder to write into (default: examples/)"
    )
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    cols = rubric_columns()
    rng = random.Random(SEED)
    towns_by_county, village_pool = make_places(rng)
    names = iter(village_pool)
    villages = {2023: [], 2024: []}
    for code, cname, n2024, _ in COUNTIES:
        crng = random.Random(f"linkscore-{SEED}-county-{code}")
        ceff = crng.gauss(0.15, 0.4)
        cdim = {d: crng.gauss(0.0, 0.3) for d in DIMENSIONS}
        towns = towns_by_county[code]
        n_new, n_gone = NEW.get(code, 0), GONE.get(code, 0)
        n_old = n2024 - n_new + n_gone  # ids 1..n_old existed in 2023
        gone = set(crng.sample(range(1, n_old + 1), n_gone))
        for seq in range(1, n_old + n_new + 1):
            vid = f"V{code}{seq:03d}"
            # townships in blocks of consecutive ids, new villages join a random one
            town = towns[min(len(towns) - 1, (seq - 1) * len(towns) // n_old)] \
                if seq <= n_old else crng.choice(towns)
            v = Village(vid, next(names), code, cname, town, ceff, cdim)
            if seq <= n_old:
                villages[2023].append(v)
            if seq not in gone:
                villages[2024].append(v)
    # 2025: the 2024 villages minus GONE_2025, drawn from a generator of its own
    rng25 = random.Random(f"linkscore-{SEED}-2025")
    gone25 = set()
    for code, _, _, _ in COUNTIES:
        in_county = [v.vid for v in villages[2024] if v.county_code == code]
        gone25 |= set(rng25.sample(in_county, GONE_2025.get(code, 0)))
    villages[2025] = [v for v in villages[2024] if v.vid not in gone25]

    header = ["village_id", "village_name", "county", "township"] + [c for _, c in cols]
    for year in YEARS:
        path = out / f"villages-{year}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for v in villages[year]:
                row = [v.vid, v.name, v.county, v.township]
                for ind, _ in cols:
                    miss = v.missing.get((ind, year))
                    row.append(miss if miss is not None else v.value(ind, year))
                w.writerow(row)
        shown = path.relative_to(HERE.parent) if path.is_relative_to(HERE.parent) else path
        print(f"wrote {shown}: {len(villages[year])} villages")
    # Every village of any year is on the map (those merged away too), in id
    # order, which runs county by county.
    ever = {v.vid: v for year in sorted(villages) for v in villages[year]}
    make_map([ever[vid] for vid in sorted(ever)], out)


if __name__ == "__main__":
    main()
