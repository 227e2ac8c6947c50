#!/usr/bin/env bash
# Lighthouse's image audits on the demo pages that carry photographs: "properly size images"
# (uses-responsive-images), "image elements have explicit width and height" (unsized-images),
# "displays images with correct aspect ratio" and "serves images with appropriate resolution"
# must all pass, at a phone's width and a desktop's. Run by .ci/run after `haven build`:
#   tests/browser/lighthouse-images.sh PUBLIC_DIR LIGHTHOUSE_PREFIX PAGE...
set -euo pipefail
public=$1
lighthouse="$2/node_modules/.bin/lighthouse"
shift 2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$public" >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 1
report=$(mktemp)
failed=0
for page in "$@"; do
  for form in mobile desktop; do
    preset=()
    [ "$form" = desktop ] && preset=(--preset=desktop)
    CHROME_PATH=${CHROMIUM:-/usr/bin/chromium} "$lighthouse" "http://127.0.0.1:$port/$page" "${preset[@]}" \
      --only-audits=uses-responsive-images,unsized-images,image-aspect-ratio,image-size-responsive \
      --output=json --output-path="$report" --quiet \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync"
    python3 - "$report" "/$page ($form)" <<'PY' || failed=1
import json, sys
r = json.load(open(sys.argv[1]))
audits = {k: r["audits"][k] for k in ("uses-responsive-images", "unsized-images", "image-aspect-ratio", "image-size-responsive")}
shown = {k: a.get("score") for k, a in audits.items()}
print(f"lighthouse images {sys.argv[2]}: {shown}")
bad = [k for k, a in audits.items() if a.get("score") is not None and a["score"] < 1]
if bad:
    for k in bad:
        print("  failing:", k, json.dumps(audits[k].get("details", {}).get("items", []))[:400])
    sys.exit(1)
PY
  done
done
rm -f "$report"
exit $failed
