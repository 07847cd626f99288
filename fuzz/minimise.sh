#!/bin/sh
# Rebuilds the committed corpus fuzz/corpus/TARGET from made-up inputs only:
#
#     fuzz/minimise.sh TARGET
#
# The inputs are the committed corpus, the hand-written seeds and fixtures, and the entries a
# run found (fuzz/corpus-run/TARGET) that share no 16-byte run with Kurume's real files that
# the made-up seeds do not also have (made_up.py): real files never enter the repository, nor
# entries the fuzzer grew from them. libFuzzer's -merge=1 then keeps the smallest set of
# entries that reaches the same coverage.
set -eu
target=$1
cd "$(dirname "$0")"
python3 seeds.py --real corpus-run/seeds
rm -rf "corpus-run/made-up-$target" "corpus-run/merged-$target"
mkdir -p "corpus-run/made-up-$target" "corpus-run/merged-$target"
python3 made_up.py "corpus-run/made-up-$target" "corpus-run/seeds/$target" \
    "corpus/$target" "corpus-run/$target"
nice -n 10 cargo +nightly fuzz run "$target" "corpus-run/merged-$target" \
    "corpus-run/made-up-$target" -- -merge=1 -rss_limit_mb=2048 -timeout=10
rm -rf "corpus/$target"
mv "corpus-run/merged-$target" "corpus/$target"
du -sh "corpus/$target"
