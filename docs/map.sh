#!/usr/bin/env bash
# Regenerates docs/map.png: the map and spatial sections of the sample report
# (the synthetic villages of 2024 on the synthetic grid of
# examples/villages.geojson, the default rubric: coloured by grade, then by
# LISA cluster) rendered by headless Chromium.
# Needs chromium, python3 and a CJK font (Debian: fonts-noto-cjk).
# LINKSCORE=path/to/linkscore uses that binary instead of a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${LINKSCORE:-}" ]; then
  cargo build --release --quiet
  LINKSCORE=target/release/linkscore
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$LINKSCORE" report examples/villages-2024.csv --rubric rubrics/linkage.toml \
  --map examples/villages.geojson --neighbours examples/villages.geojson --key village_id \
  -o "$work/report.html" 2>/dev/null
# The page's head (its style) and the map section alone.
python3 - "$work/report.html" "$work/map.html" <<'PY'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
start = page.index('<section id="map">')
spatial = page.index('<section id="spatial">')
end = page.index("</section>", spatial) + len("</section>")
head = page[: page.index("<body>") + len("<body>")]
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(head + '<main style="max-width: 680px">' + page[start:end] + "</main></body></html>")
PY
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir="$work/profile" --screenshot="$PWD/docs/map.png" --window-size=740,1750 \
  "file://$work/map.html" >/dev/null 2>&1
ls -l docs/map.png
