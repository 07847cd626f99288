#!/bin/sh
# Runs one fuzz target for SECONDS (default 600) with one job at low priority:
#
#     fuzz/run.sh TARGET [SECONDS]
#
# The working corpus is fuzz/corpus-run/TARGET (git-ignored), seeded with the committed corpus
# fuzz/corpus/TARGET, the hand-written seeds and fixtures (seeds.py) and Kurume's real files
# where ../shared/data/kurume/ has them. The log, with libFuzzer's final stats, goes to
# fuzz/corpus-run/TARGET.log; crashes, timeouts and OOMs to fuzz/artifacts/TARGET/.
set -eu
target=$1
seconds=${2:-600}
cd "$(dirname "$0")"
python3 seeds.py --real corpus-run/seeds
mkdir -p "corpus-run/$target"
seeds="corpus/$target corpus-run/seeds/$target"
if [ -d "corpus-run/seeds/real-$target" ]; then
    seeds="$seeds corpus-run/seeds/real-$target"
fi
# shellcheck disable=SC2086 # the seed directories are separate words
nice -n 10 cargo +nightly fuzz run "$target" "corpus-run/$target" $seeds -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    2>&1 | tee "corpus-run/$target.log"
