#!/usr/bin/env python3
"""How much does the ranking move between methods? Spearman's rho and Kendall's tau-b
between the rankings of the sample villages under each example rubric.

    cargo build --release
    python3 examples/compare_methods.py target/release/linkscore

Prints a markdown table (the one in the README). Standard library only."""
import csv, io, itertools, subprocess, sys

RUBRICS = ["linkage", "ahp", "combined", "entropy-topsis"]
DATA = "examples/villages-2024.csv"


def ranking(exe, rubric):
    out = subprocess.run([exe, "score", DATA, "--rubric", f"rubrics/{rubric}.toml", "--format", "csv"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    return {r["id"]: float(r["score"]) for r in csv.DictReader(io.StringIO(out)) if r["score"]}


def average_ranks(values):
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(a, b):
    ra, rb = average_ranks(a), average_ranks(b)
    n = len(ra)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = sum((x - ma) ** 2 for x in ra)
    vb = sum((y - mb) ** 2 for y in rb)
    return cov / (va * vb) ** 0.5


def kendall_tau_b(a, b):
    concordant = discordant = ties_a = ties_b = 0
    for i, j in itertools.combinations(range(len(a)), 2):
        da, db = a[i] - a[j], b[i] - b[j]
        if da == 0 and db == 0:
            continue
        if da == 0:
            ties_a += 1
        elif db == 0:
            ties_b += 1
        elif (da > 0) == (db > 0):
            concordant += 1
        else:
            discordant += 1
    n0 = concordant + discordant
    return (concordant - discordant) / ((n0 + ties_a) * (n0 + ties_b)) ** 0.5


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    exe = sys.argv[1]
    scores = {r: ranking(exe, r) for r in RUBRICS}
    ids = sorted(set.intersection(*(set(s) for s in scores.values())))
    print(f"{len(ids)} villages; Spearman rho / Kendall tau-b between rankings\n")
    print("| | " + " | ".join(RUBRICS) + " |")
    print("|---" * (len(RUBRICS) + 1) + "|")
    for r1 in RUBRICS:
        cells = []
        for r2 in RUBRICS:
            a = [scores[r1][i] for i in ids]
            b = [scores[r2][i] for i in ids]
            cells.append("1" if r1 == r2 else f"{spearman(a, b):.3f} / {kendall_tau_b(a, b):.3f}")
        print(f"| {r1} | " + " | ".join(cells) + " |")
    top = {r: set(sorted(ids, key=lambda i: -scores[r][i])[:30]) for r in RUBRICS}
    print("\nShared villages in the top 30 (of 30):\n")
    print("| | " + " | ".join(RUBRICS) + " |")
    print("|---" * (len(RUBRICS) + 1) + "|")
    for r1 in RUBRICS:
        print(f"| {r1} | " + " | ".join(str(len(top[r1] & top[r2])) for r2 in RUBRICS) + " |")


if __name__ == "__main__":
    main()
