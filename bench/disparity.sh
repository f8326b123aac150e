#!/usr/bin/env bash
# Benchmark for issue 17 (not a test; not run by CI): `disparity` and `panel`
# against `score` on the same data. bench/run.sh runs it at its end.
#
#   bash bench/disparity.sh            # 1,000,000 rows x 40 indicators, 30 counties, 3 runs each
#   ROWS=100000 RUNS=5 COUNTIES=30 bash bench/disparity.sh
#
# Data: gen's file with the same seed as run.sh's (the same numbers), but with
# the county column taking COUNTIES values (row number mod COUNTIES, so
# ROWS/COUNTIES units each), for two years (bench/data/, not committed).
# Rubric: make_rubric.sh's goalpost rubric, which declares group = "county",
# so `score` ranks within counties and `disparity` takes the counties as its
# groups. Prints the median wall time and peak memory of RUNS runs of each
#   - score of year 1,
#   - disparity of year 1 (groups: the rubric's `group`),
#   - panel of years 1 and 2,
#   - with YEARS=5 (issue 20): a panel of five years (2023-2027) and
#     `disparity` on it, against the score and the panel (targets <= 5.5x a
#     score and <= 1.2x the panel),
# and the ratios to the score. Target (issue 17): disparity of one million
# units in 30 groups within 2x the time of scoring them (disparity/score
# <= 2.0). Stops with a message if linkscore has no `disparity` or `panel`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-1000000}
M=${INDICATORS:-40}
RUNS=${RUNS:-3}
COUNTIES=${COUNTIES:-30}  # (not GROUPS: that is a read-only variable of bash)

build
g1=data/g$COUNTIES-y1-$ROWS-$M.csv
g2=data/g$COUNTIES-y2-$ROWS-$M.csv
[ -f "$g1" ] || "$BIN/gen" "$ROWS" "$M" 7 2023 "$g1" "$COUNTIES"
[ -f "$g2" ] || "$BIN/gen" "$ROWS" "$M" 7 2024 "$g2" "$COUNTIES"
rubric=data/groups-goalpost.toml
./make_rubric.sh "$M" goalpost explicit > "$rubric"
if ! grep -qx 'group = "county"' "$rubric"; then
  echo "disparity.sh: $rubric does not declare group = \"county\"" >&2
  exit 1
fi

# stop with a message if linkscore lacks a command (issue 17 adds both)
need() {
  if ! "$LS" "$1" --help > /dev/null 2>&1; then
    echo "disparity.sh: $LS has no \`$1\` command yet (issue 17); stopping here" >&2
    exit 1
  fi
}

row() {  # name seconds peak-KB ratio target
  printf '%-34s %10s %10d %10s %8s\n' "$1" "$2" $(($3 / 1024)) "$4" "$5"
}

echo "disparity and panel: $ROWS units x $M indicators in $COUNTIES counties, median of $RUNS (interleaved rounds)"
need disparity
need panel
job score "$LS" score "$g1" --rubric "$rubric" --format csv --output data/g-score.csv
job disparity "$LS" disparity "$g1" --rubric "$rubric" --format csv --output data/g-disparity.csv
job panel2 "$LS" panel "2023=$g1" "2024=$g2" --rubric "$rubric" --format csv --output data/g-panel.csv
YEARS=${YEARS:-2}
if [ "$YEARS" -gt 2 ]; then
  args=()
  for k in $(seq 0 $((YEARS - 1))); do
    year=$((2023 + k))
    file=data/g$COUNTIES-y$((k + 1))-$ROWS-$M.csv
    [ -f "$file" ] || "$BIN/gen" "$ROWS" "$M" 7 "$year" "$file" "$COUNTIES"
    args+=("$year=$file")
  done
  job panelN "$LS" panel "${args[@]}" --rubric "$rubric" --format csv --output data/g-panel.csv
  job disparityN "$LS" disparity "${args[@]}" --rubric "$rubric" --format csv --output data/g-disparity.csv
fi
run_jobs

score=${MEDIAN[score]}
printf '%-34s %10s %10s %10s %8s\n' "run" "median s" "peak MB" "vs score" "target"
row "score (groups = county)" "$score" "${PEAK[score]}" "1.00" ""
disparity_ratio=$(ratio "${MEDIAN[disparity]}" "$score")
row "disparity ($COUNTIES counties)" "${MEDIAN[disparity]}" "${PEAK[disparity]}" "$disparity_ratio" "<= 2.0"
row "panel (2 years)" "${MEDIAN[panel2]}" "${PEAK[panel2]}" "$(ratio "${MEDIAN[panel2]}" "$score")" ""
if [ "$YEARS" -gt 2 ]; then
  panel=${MEDIAN[panelN]}
  row "panel ($YEARS years)" "$panel" "${PEAK[panelN]}" "$(ratio "$panel" "$score")" "<= 5.5"
  row "disparity on it (vs the panel)" "${MEDIAN[disparityN]}" "${PEAK[disparityN]}" "$(ratio "${MEDIAN[disparityN]}" "$panel")" "<= 1.2"
fi

verdict=$(awk -v r="$disparity_ratio" 'BEGIN {print (r <= 2.0) ? "met" : "NOT met"}')
echo "disparity/score = $disparity_ratio (target <= 2.0: $verdict)"
machine
