#!/usr/bin/env bash
# Lighthouse accessibility and best-practices must both be 100 on the home page, a guidance
# page, the training list and search. Run by .ci/run after `haven build`:
#   tests/browser/lighthouse.sh PUBLIC_DIR LIGHTHOUSE_PREFIX [PAGE...]
# PAGEs are paths below the site (the demo's four when none are given; "" is the home page).
# (LIGHTHOUSE_PREFIX holds node_modules/.bin/lighthouse, from `npm i -E lighthouse@12.2.3`).
set -euo pipefail
public=$1
lighthouse="$2/node_modules/.bin/lighthouse"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$public" >/dev/null 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 1
report=$(mktemp)
failed=0
pages=("" guidance/neglect/ training/ search/)
if (($# > 2)); then pages=("${@:3}"); fi
for page in "${pages[@]}"; do
  CHROME_PATH=${CHROMIUM:-/usr/bin/chromium} "$lighthouse" "http://127.0.0.1:$port/$page" \
    --only-categories=accessibility,best-practices --output=json --output-path="$report" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync"
  python3 - "$report" "/$page" <<'PY' || failed=1
import json, sys
r = json.load(open(sys.argv[1]))
scores = {k: round(v["score"] * 100) for k, v in r["categories"].items()}
print(f"lighthouse {sys.argv[2]}: {scores}")
low = [a["id"] for a in r["audits"].values()
       if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") in ("binary", "numeric")]
if any(s < 100 for s in scores.values()):
    print("  failing audits:", ", ".join(low))
    sys.exit(1)
PY
done
rm -f "$report"
exit $failed
