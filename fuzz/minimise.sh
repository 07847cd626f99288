#!/bin/sh
# Rebuilds the committed corpus fuzz/corpus/TARGET from made-up inputs only:
#
#     fuzz/minimise.sh TARGET
#
# The inputs are the committed corpus, the hand-written seeds and fixtures, and the entries a
# run found (fuzz/corpus-run/TARGET) that share no 10-byte run with Kurume's real files that
# the made-up seeds do not also have (made_up.py): real files never enter the repository, nor
# entries the fuzzer grew from them. libFuzzer's set-cover merge on edges alone
# (-use_counters=0) then keeps a small set of entries that reaches every edge they reach; hit
# counts are left to the next run, which keeps the committed corpus to some hundred kilobytes.
set -eu
target=$1
cd "$(dirname "$0")"
python3 seeds.py --real corpus-run/seeds
rm -rf "corpus-run/made-up-$target" "corpus-run/merged-$target"
mkdir -p "corpus-run/made-up-$target" "corpus-run/merged-$target"
python3 made_up.py "corpus-run/made-up-$target" "corpus-run/seeds/$target" \
    "corpus/$target" "corpus-run/$target"
nice -n 10 cargo +nightly fuzz run "$target" "corpus-run/merged-$target" \
    "corpus-run/made-up-$target" -- -set_cover_merge=1 -use_counters=0 -rss_limit_mb=2048 \
    -timeout=10
rm -rf "corpus/$target"
mv "corpus-run/merged-$target" "corpus/$target"
du -sh "corpus/$target"
