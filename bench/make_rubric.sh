#!/usr/bin/env bash
# make_rubric.sh INDICATORS NORMALIZE WEIGHTING > rubric.toml
# 8 dimensions (or fewer), INDICATORS indicators x01.. spread evenly, goalposts [0, 100].
set -euo pipefail
m=$1; normalize=$2; weighting=$3
dims=8; [ "$m" -lt 8 ] && dims=$m
cat <<TOML
[rubric]
name = "bench"
id = "village_id"
label = "village_name"
group = "county"
normalize = "$normalize"
weighting = "$weighting"
missing = "reweight"
TOML
for d in $(seq 1 "$dims"); do printf '\n[[dimension]]\nid = "d%d"\n' "$d"; done
for j in $(seq 1 "$m"); do
  d=$(( (j - 1) % dims + 1 ))
  printf '\n[[indicator]]\nid = "x%02d"\ndimension = "d%d"\ngoalposts = [0, 100]\n' "$j" "$d"
done
printf '\n[[grade]]\nname = "A"\nmin = 80\n\n[[grade]]\nname = "B"\nmin = 60\n'
