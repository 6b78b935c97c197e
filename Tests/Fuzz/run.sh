#!/usr/bin/env bash
# make fuzz: each fuzz target under libFuzzer for a bounded time, seeded from the committed corpus.
# New interesting inputs go to .build-fuzz/corpus/TARGET; a crash is written to .build-fuzz/findings/ and,
# once understood and fixed, committed under Tests/Fuzz/Corpus/TARGET/ as a regression (FuzzCorpusTests).
set -uo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-60}
BIN=.build-fuzz/release/switchyard-fuzz
TARGETS=$(ls Tests/Fuzz/Corpus)
mkdir -p .build-fuzz/findings
failed=()
for target in $TARGETS; do
    mkdir -p ".build-fuzz/corpus/$target"
    log=".build-fuzz/findings/$target.log"
    SWITCHYARD_FUZZ_TARGET=$target "$BIN" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=".build-fuzz/findings/$target-" ".build-fuzz/corpus/$target" "Tests/Fuzz/Corpus/$target" >"$log" 2>&1
    status=$?
    runs=$(grep -oE '#[0-9]+' "$log" | tail -1 | tr -d '#')
    if [ $status -eq 0 ]; then
        echo "fuzz $target: ${runs:-0} inputs in ${SECONDS_EACH}s, no finding"
    else
        echo "fuzz $target: FINDING after ${runs:-?} inputs (exit $status); see $log and .build-fuzz/findings/$target-*"
        grep -m3 -E 'Fatal error|ERROR: libFuzzer|deadly signal|Test unit written' "$log" | sed 's/^/    /'
        failed+=("$target")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: findings in ${failed[*]}"
    exit 1
fi
echo "fuzz: $(echo $TARGETS | wc -w) targets, no finding"
