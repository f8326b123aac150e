# Shared by run.sh and disparity.sh: `. "$(dirname "$0")/lib.sh"` at the top
# of a bench script (before any cd). Moves into bench/, defines LS (the
# linkscore binary), BIN (where gen and floor are), build, measure, ratio.
#
# CARGO_TARGET_DIR is honoured (made absolute first, since the scripts cd):
# linkscore, gen and floor are then all built into it. Without it, linkscore
# is built into ../target and gen and floor into bench/target, as before.
# LINKSCORE=path/to/linkscore times that binary instead of the one built here
# (which is still built).

if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  CARGO_TARGET_DIR=$(realpath -m "$CARGO_TARGET_DIR")
  export CARGO_TARGET_DIR
fi
if [ -n "${LINKSCORE:-}" ]; then
  LINKSCORE=$(realpath -m "$LINKSCORE")
fi
cd "$(dirname "${BASH_SOURCE[0]}")"
LS=${LINKSCORE:-${CARGO_TARGET_DIR:-../target}/release/linkscore}
BIN=${CARGO_TARGET_DIR:-target}/release

# build linkscore (release) and the bench helpers (gen, floor)
build() {
  cargo build --release --quiet --manifest-path ../Cargo.toml
  cargo build --release --quiet
  mkdir -p data
}

# median wall seconds and max peak KB over RUNS runs of a command. If a run
# fails, says so (with the end of its stderr) and prints nothing, so that the
# caller's `read -r t mem < <(measure …)` fails and `set -e` stops the script.
measure() {
  local times=() mems=() out
  for _ in $(seq "$RUNS"); do
    if ! /usr/bin/time -o data/time.txt -f "%e %M" "$@" > /dev/null 2> data/stderr.txt; then
      echo "failed: $*" >&2
      tail -n 5 data/stderr.txt >&2
      return 1
    fi
    out=$(tail -n 1 data/time.txt)
    times+=("${out% *}"); mems+=("${out#* }")
  done
  local median max
  median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  max=$(printf '%s\n' "${mems[@]}" | sort -g | tail -n 1)
  echo "$median $max"
}

# Interleaved runs: `job NAME CMD...` queues a command; `run_jobs` then runs
# every queued command once per round, RUNS rounds, so that the machine's
# drift (its speed moves by a fifth over minutes) falls on every command
# alike, and sets MEDIAN[NAME] (seconds), PEAK[NAME] (KB, the largest) and
# TIMES[NAME] (every round's seconds, in round order).
# A failed run says so (with the end of its stderr) and stops the script.
JOB_NAMES=()
JOB_CMDS=()
declare -A MEDIAN PEAK TIMES
job() {
  JOB_NAMES+=("$1")
  shift
  JOB_CMDS+=("$*")
}
run_jobs() {
  local -A times mems
  local k round out
  for round in $(seq "$RUNS"); do
    for k in "${!JOB_CMDS[@]}"; do
      # shellcheck disable=SC2086  # a queued command is split into words
      if ! /usr/bin/time -o data/time.txt -f "%e %M" ${JOB_CMDS[$k]} > /dev/null 2> data/stderr.txt; then
        echo "failed (round $round): ${JOB_CMDS[$k]}" >&2
        tail -n 5 data/stderr.txt >&2
        exit 1
      fi
      out=$(tail -n 1 data/time.txt)
      times[$k]+="${out% *} "
      mems[$k]+="${out#* } "
    done
  done
  for k in "${!JOB_CMDS[@]}"; do
    MEDIAN[${JOB_NAMES[$k]}]=$(printf '%s\n' ${times[$k]} | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    PEAK[${JOB_NAMES[$k]}]=$(printf '%s\n' ${mems[$k]} | sort -g | tail -n 1)
    TIMES[${JOB_NAMES[$k]}]=${times[$k]}
  done
}

# Each round's ratio of two jobs' times (paired within the round, where the
# machine's drift cancels), then their median: `round_ratios A B`.
round_ratios() {
  local -a a b
  read -r -a a <<< "${TIMES[$1]}"
  read -r -a b <<< "${TIMES[$2]}"
  local k ratios=()
  for k in "${!a[@]}"; do
    ratios+=("$(ratio "${a[$k]}" "${b[$k]}")")
  done
  echo "${ratios[*]} (median $(printf '%s\n' "${ratios[@]}" | sort -g | awk '{r[NR]=$1} END {print r[int((NR+1)/2)]}'))"
}

# a / b to two decimals
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'
}

machine() {
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')"
}
