#!/usr/bin/env bash
# How fast is `lazyscribe list` (and friends) on a big project?
#
#   benchmarks/cli_list_100k.sh [LAZYSCRIBE_BINARY] [EXPERIMENTS]
#
# Writes a project of EXPERIMENTS (default 100000) experiments, laid out byte for byte as Python
# lazyscribe writes them (sorted keys, 4-space indent; 4 metrics, 5 parameters one of them
# nested, 2 tags, no tests), then times each command a few times and prints the best and the
# median wall-clock time, for lazyscribe::read_summary, which `list` uses, and for
# lazyscribe::project (LAZYSCRIBE_LIST_READER=library). SHUFFLE=1 writes the experiments out of order, with equal
# creation times and repeated slugs (the tests use it to check the order); GENERATE_ONLY=1 only
# writes the project. Build in Release first:
#   cmake -S . -B /tmp/cli-release -DCMAKE_BUILD_TYPE=Release
#   cmake --build /tmp/cli-release -j2 --target lazyscribe_cli
set -euo pipefail

binary=${1:-/tmp/cli-release/tools/lazyscribe}
count=${2:-100000}
runs=${RUNS:-5}
work=${WORK:-$(mktemp -d /tmp/lazyscribe-cli-bench.XXXXXX)}
mkdir -p "$work"
project=$work/project.json

[ -x "$binary" ] || { echo "no program at $binary (pass its path)" >&2; exit 1; }

if [ ! -f "$project" ] || [ "$(head -c 1 "$project")" != "[" ]; then
    # created_at: one experiment a minute from 2024-01-01T00:00:00 (UTC).
    awk -v n="$count" -v shuffle="${SHUFFLE:-0}" '
    function stamp(minutes,   d, m, dim, y, mo, h, mi) {
        y = 2024; mo = 1; d = int(minutes / 1440); h = int((minutes % 1440) / 60); mi = minutes % 60
        split("31 29 31 30 31 30 31 31 30 31 30 31", dim, " ")
        while (d >= dim[mo]) { d -= dim[mo]; mo++; if (mo > 12) { mo = 1; y++ } }
        return sprintf("%04d-%02d-%02dT%02d:%02d:00", y, mo, d + 1, h, mi)
    }
    BEGIN {
        srand(42)
        printf "["
        for (p = 0; p < n; p++) {
            i = p; minute = i; updated = i; slug_of = i
            if (shuffle) {
                i = (p * 7919) % n; minute = int(i / 3); updated = minute + i % 5
                slug_of = (i % 7 == 6) ? i - 1 : i
                if (slug_of != i) minute = int(slug_of / 3)
            }
            t = stamp(minute); s = t; gsub(/[-T:]/, "", s)
            printf "%s\n    {\n", (p ? "," : "")
            printf "        \"artifacts\": [],\n"
            printf "        \"author\": \"%s\",\n", (i % 3 == 0 ? "alice" : (i % 3 == 1 ? "bob" : "carol"))
            printf "        \"created_at\": \"%s\",\n", t
            printf "        \"dependencies\": [],\n"
            printf "        \"last_updated\": \"%s\",\n", stamp(updated)
            printf "        \"last_updated_by\": \"%s\",\n", (i % 3 == 0 ? "alice" : (i % 3 == 1 ? "bob" : "carol"))
            printf "        \"metrics\": {\n"
            printf "            \"accuracy\": %.6f,\n", 0.5 + rand() / 2
            printf "            \"f1\": %.6f,\n", 0.4 + rand() / 2
            printf "            \"loss\": %.6f,\n", rand()
            printf "            \"n_trees\": %d\n", 50 + int(rand() * 450)
            printf "        },\n"
            printf "        \"name\": \"Experiment %d\",\n", i
            printf "        \"parameters\": {\n"
            printf "            \"early_stopping\": %s,\n", (i % 2 ? "true" : "false")
            printf "            \"learning_rate\": %.4f,\n", 0.001 + rand() / 10
            printf "            \"max_depth\": %d,\n", 2 + i % 10
            printf "            \"notes\": \"run %d of the sweep\",\n", i
            printf "            \"optimizer\": {\n"
            printf "                \"betas\": [\n                    0.9,\n                    0.999\n                ],\n"
            printf "                \"name\": \"adam\"\n"
            printf "            }\n"
            printf "        },\n"
            printf "        \"short_slug\": \"experiment-%d\",\n", slug_of
            printf "        \"slug\": \"experiment-%d-%s\",\n", slug_of, s
            printf "        \"tags\": [\n            \"sweep\",\n            \"batch-%d\"\n        ],\n", i % 100
            printf "        \"tests\": []\n"
            printf "    }"
        }
        print "\n]"
    }' >"$project"
fi
[ "${GENERATE_ONLY:-0}" = 1 ] && exit 0
echo "project: $project ($count experiments, $(du -h "$project" | cut -f1))"
echo "program: $binary"

# time_it LABEL ARGS...: best and median of $runs runs, output discarded.
time_it() {
    local label=$1
    shift
    local times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        "$binary" "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    printf '%-58s best %5d ms   median %5d ms\n' "$label" "$(echo "$sorted" | head -1)" \
        "$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")"
}

cat "$project" >/dev/null  # warm the page cache
time_it "list (whole table, $count rows)" list "$project"
time_it "list --limit 0 (load and select only)" list "$project" --limit 0
time_it "list --sort accuracy --desc --limit 20" list "$project" --sort accuracy --desc --limit 20
time_it "list --filter tag=batch-7 --filter 'accuracy>0.9'" list "$project" --filter tag=batch-7 --filter 'accuracy>0.9'
time_it "list --json" list "$project" --json
LAZYSCRIBE_LIST_READER=library time_it "list --limit 0, library reader (lazyscribe::project)" list "$project" --limit 0
time_it "show (one experiment)" show "$project" "experiment-$((count / 2))"
time_it "export --format csv" export "$project"
echo "(work folder: $work)"
