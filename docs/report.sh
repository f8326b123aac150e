#!/usr/bin/env bash
# Regenerates docs/report.png: the sample report (300 synthetic villages,
# 2024 against 2023, the default rubric) rendered by headless Chromium.
# Needs chromium and a CJK font (Debian: fonts-noto-cjk) for the Chinese text.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/linkscore report examples/villages-2024.csv --rubric rubrics/linkage.toml \
  --previous examples/villages-2023.csv -o "$work/report.html" 2>/dev/null
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir="$work/profile" --screenshot="$PWD/docs/report.png" --window-size=1280,2400 \
  "file://$work/report.html" >/dev/null 2>&1
ls -l docs/report.png
