#!/usr/bin/env bash
# Benchmark for issues 6, 7 and 17 (not a test; not run by CI).
#
#   bash bench/run.sh            # 1,000,000 rows x 40 indicators, 3 runs each
#   ROWS=100000 RUNS=5 bash bench/run.sh
#   DISPARITY=0 bash bench/run.sh   # without the disparity/panel part
#
# Generates the data deterministically (seeded; into bench/data/, not
# committed), builds the floor program (csv crate + parse every number) and
# linkscore, runs every configuration once per round for RUNS rounds
# (interleaved, so the machine's drift falls on all alike) and prints the
# median wall time, peak resident memory (/usr/bin/time) and the ratios the
# issue sets targets for. Then runs bench/disparity.sh (issue 17: `disparity` and
# `panel` against `score`, on data with 30 counties) with the same settings.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-1000000}
M=${INDICATORS:-40}
RUNS=${RUNS:-3}

build
y1=data/y1-$ROWS-$M.csv
y2=data/y2-$ROWS-$M.csv
[ -f "$y1" ] || "$BIN/gen" "$ROWS" "$M" 7 2023 "$y1"
[ -f "$y2" ] || "$BIN/gen" "$ROWS" "$M" 7 2024 "$y2"
for spec in goalpost:explicit minmax:explicit zscore:explicit rank:explicit goalpost:entropy; do
  norm=${spec%%:*}; weighting=${spec##*:}
  ./make_rubric.sh "$M" "$norm" "$weighting" > "data/$norm-$weighting.toml"
done

# Issue 7: 1,000 re-scorings of a county-sized table (3,000 units × 35 indicators).
s_data=data/s-3000-35.csv
[ -f "$s_data" ] || "$BIN/gen" 3000 35 7 2024 "$s_data"
./make_rubric.sh 35 goalpost explicit > data/s-goalpost.toml

# Every command once per round (see `run_jobs` in lib.sh), RUNS rounds.
specs="goalpost-explicit minmax-explicit zscore-explicit rank-explicit goalpost-entropy"
job floor "$BIN/floor" "$y1"
for spec in $specs; do
  job "score $spec" "$LS" score "$y1" --rubric "data/$spec.toml" --format csv --output data/out.csv
done
job diff "$LS" diff "$y1" "$y2" --rubric data/goalpost-explicit.toml --format csv --output data/diff.csv
job sensitivity "$LS" sensitivity "$s_data" --rubric data/s-goalpost.toml --runs 1000 --format csv --output data/s.csv
job sensitivity6 "$LS" sensitivity "$s_data" --rubric data/s-goalpost.toml --runs 1000 --normalize goalpost,minmax,rank --aggregate arithmetic,geometric --format csv --output data/s.csv
run_jobs

floor=${MEDIAN[floor]}
goal=${MEDIAN[score goalpost-explicit]}
printf '%-28s %10s %10s %10s %12s\n' "run" "median s" "peak MB" "vs floor" "vs goalpost"
printf '%-28s %10s %10d %10s\n' "floor (csv + parse)" "$floor" $((PEAK[floor] / 1024)) "1.00"
for name in $(printf 'score_%s ' $specs) diff; do
  name=${name/score_/score }
  t=${MEDIAN[$name]}
  label=$name
  [ "$name" = diff ] && label="diff goalpost (2 years)"
  printf '%-28s %10s %10d %10s %12s\n' "$label" "$t" $((PEAK[$name] / 1024)) "$(ratio "$t" "$floor")" "$(ratio "$t" "$goal")"
done
echo "score goalpost / floor, round by round: $(round_ratios "score goalpost-explicit" floor)"
echo "diff / score goalpost, round by round: $(round_ratios diff "score goalpost-explicit")"
echo "entropy / score goalpost, round by round: $(round_ratios "score goalpost-entropy" "score goalpost-explicit")"
printf '%-28s %10s %10d\n' "sensitivity 3000x35, 1000" "${MEDIAN[sensitivity]}" $((PEAK[sensitivity] / 1024))
printf '%-28s %10s %10d\n' "  + 3 norms x 2 aggregations" "${MEDIAN[sensitivity6]}" $((PEAK[sensitivity6] / 1024))
machine
# Issue 17: disparity and panel (fails with a message until linkscore has them).
if [ "${DISPARITY:-1}" != 0 ]; then
  echo
  ROWS=$ROWS INDICATORS=$M RUNS=$RUNS bash ./disparity.sh
fi
