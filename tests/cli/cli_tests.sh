#!/usr/bin/env bash
# Tests of the `lazyscribe` command-line tool, one CTest entry per case:
#   bash cli_tests.sh CASE LAZYSCRIBE JSON_QUERY SOURCE_DIR WORK_DIR [LIVE_PROJECT [S3_COPY]]
# Each case runs the built binary on the Python-written fixtures (tests/data/fixtures) and on
# tests/cli/data, from the fixtures folder, and checks exit codes, output (golden files in
# tests/cli/expected), JSON parsed back (json_query: strict JSON), CSV, merge and the HTML report.
# The live_* cases read a project of live runs in every state that LIVE_PROJECT (live_project.cpp)
# writes through the library: finished, failed, crashed (killed, heartbeat an hour old), running.
# The s3_commands case uploads the fixtures and the live runs to an S3 server with S3_COPY
# (s3_copy.cpp) and checks that every command gives on s3:// paths what it gives on the local
# copy; it is skipped (LAZYSCRIBE-SKIP, exit 77) unless AWS_ENDPOINT_URL and
# LAZYSCRIBE_S3_TEST_BUCKET name one (scripts/s3-server.sh start DIR; source DIR/env).
# UPDATE_GOLDEN=1 rewrites the golden files instead of comparing them.
# Exit 77 = skipped (CTest SKIP_RETURN_CODE), e.g. the Chromium case without Chromium.
set -euo pipefail

case_name=$1
LAZYSCRIBE=$2
JSON_QUERY=$3
SOURCE=$4
WORK=$5
LIVE_PROJECT=${6:-}
S3_COPY=${7:-}
FIXTURES=$SOURCE/tests/data/fixtures
DATA=$SOURCE/tests/cli/data
EXPECTED=$SOURCE/tests/cli/expected

rm -rf "$WORK"
mkdir -p "$WORK"
cd "$FIXTURES"
unset NO_COLOR  # colours follow --color and the terminal only

fail() {
    echo "FAIL [$case_name]: $*" >&2
    if [ -f "$WORK/out" ]; then echo "--- stdout:" >&2; head -c 4000 "$WORK/out" >&2; fi
    if [ -f "$WORK/err" ]; then echo "--- stderr:" >&2; head -c 4000 "$WORK/err" >&2; fi
    exit 1
}

# run ARGS...: runs lazyscribe, keeping stdout in $WORK/out, stderr in $WORK/err, status in $rc.
run() {
    set +e
    "$LAZYSCRIBE" "$@" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    set -e
}
expect_rc() { [ "$rc" -eq "$1" ] || fail "expected exit code $1, got $rc (lazyscribe ${last_args:-})"; }
ok() { last_args="$*"; run "$@"; expect_rc 0; }
# golden NAME: stdout equals tests/cli/expected/NAME byte for byte.
golden() {
    if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
        mkdir -p "$EXPECTED"
        cp "$WORK/out" "$EXPECTED/$1"
        return
    fi
    [ -f "$EXPECTED/$1" ] || fail "missing golden file $EXPECTED/$1"
    diff -u "$EXPECTED/$1" "$WORK/out" >&2 || fail "output differs from $1"
}
# has FILE TEXT / lacks FILE TEXT: fixed-string search.
has() { grep -qF -- "$2" "$1" || fail "$1 lacks: $2"; }
lacks() { ! grep -qF -- "$2" "$1" || fail "$1 unexpectedly holds: $2"; }
# q POINTER...: the values at JSON pointers of the last stdout (which must be strict JSON).
q() { "$JSON_QUERY" "$@" <"$WORK/out" || fail "json_query $*"; }
eq() { [ "$1" == "$2" ] || fail "expected '$2', got '$1' ${3:-}"; }

# make_curve_project DIR: a Python-written project with one experiment whose metric "curve" is a
# list of 50 numbers 0, 0.1, ..., 4.9, and parameters lr and optimizer.name.
make_curve_project() {
    mkdir -p "$1"
    python3 - "$1/project.json" <<'PY'
import json, sys
curve = [round(i * 0.1, 1) for i in range(50)]
exp = {"name": "Curve run", "project": sys.argv[1], "author": "carol", "last_updated_by": "carol",
       "metrics": {"curve": curve, "final": 4.9}, "parameters": {"lr": 0.05, "optimizer": {"name": "adam"}},
       "created_at": "2024-03-01T00:00:00", "last_updated": "2024-03-01T00:00:00", "dependencies": [],
       "short_slug": "curve-run", "slug": "curve-run-20240301000000", "tests": [], "artifacts": [], "tags": ["curves"]}
json.dump([exp], open(sys.argv[1], "w"), indent=4, sort_keys=True)
PY
}

# report_data HTML: the data a report embeds, into $WORK/out (for q).
report_data() {
    python3 - "$1" >"$WORK/out" <<'PY' || fail "no data script in $1"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
found = re.search(r'<script id="lazyscribe-data" type="application/json">(.*?)</script>', text, re.S)
sys.exit(1) if found is None else sys.stdout.write(found.group(1))
PY
}

# make_live: writes the live runs' project into $WORK/live (L); the time it took is [T0, T1].
make_live() {
    [ -x "$LIVE_PROJECT" ] || fail "no live_project program (6th argument)"
    L=$WORK/live
    mkdir -p "$L"
    T0=$(date +%s)
    "$LIVE_PROJECT" "$L" || fail "live_project failed"
    T1=$(( $(date +%s) + 1 ))
}

case "$case_name" in

# ---- list ---------------------------------------------------------------------------------------
list_table)
    ok list 01_basic/project.json
    golden list_01_basic.txt
    lacks "$WORK/out" $'\033'  # not a terminal: no colours
    ok list 01_basic  # a folder means <folder>/project.json
    golden list_01_basic.txt
    ok list 07_unicode
    golden list_07_unicode.txt
    ok list 08_edge_cases/special_numbers
    golden list_special_numbers.txt
    has "$WORK/err" "2 more numeric metrics are not shown"
    ok list 08_edge_cases/empty
    eq "$(cat "$WORK/out")" "NAME  SLUG  AUTHOR  CREATED  STATUS  TAGS"
    ;;

list_json)
    ok list 01_basic --json
    eq "$(q '#')" 2
    eq "$(q /0/slug /0/name /0/author /0/created_at /0/tags/1)" $'baseline-20240115100000\nBaseline\nalice\n2024-01-15T10:00:00\nv1'
    eq "$(q /0/metrics/accuracy /0/metrics/n_trees /1/metrics/f1 /1/last_updated)" $'0.8125\n100\n0.86\n2024-01-16T09:45:30'
    ok list 08_edge_cases/special_numbers --json
    eq "$(q /0/metrics/nan /0/metrics/pos_inf /0/metrics/neg_inf /0/metrics/tiny)" $'null\nnull\nnull\n1e-07'
    has "$WORK/out" '"big_int": 1180591620717411303424'  # exact, not rounded through a double
    ok list 07_unicode --json --metric précision
    eq "$(q /0/author '#/0/metrics' /0/metrics/précision /0/tags/1)" $'Zoë\n1\n0.9\n中文'
    ok list 08_edge_cases/empty --json
    eq "$(q '#')" 0
    ;;

list_select)
    ok list 01_basic --filter tag=tuned --json
    eq "$(q '#' /0/slug)" $'1\ntuned-model-20240116083000'
    ok list 01_basic --filter name=TUNED --json  # name= is a case-insensitive substring
    eq "$(q '#' /0/short_slug)" $'1\ntuned-model'
    ok list 01_basic --filter author=alice --filter tag=v1 --json
    eq "$(q '#' /0/short_slug)" $'1\nbaseline'
    ok list 01_basic --filter 'accuracy>0.85' --json
    eq "$(q '#' /0/short_slug)" $'1\ntuned-model'
    ok list 01_basic --filter 'accuracy<=0.8125' --json
    eq "$(q '#' /0/short_slug)" $'1\nbaseline'
    ok list 01_basic --filter author=nobody --json
    eq "$(q '#')" 0
    ok list 01_basic --sort accuracy --desc --json
    eq "$(q /0/short_slug /1/short_slug)" $'tuned-model\nbaseline'
    ok list 01_basic --sort loss --json  # missing values go last, either way
    eq "$(q /0/short_slug /1/short_slug)" $'baseline\ntuned-model'
    ok list 01_basic --sort loss --desc --json
    eq "$(q /0/short_slug /1/short_slug)" $'baseline\ntuned-model'
    ok list 01_basic --sort accuracy --limit 1 --json
    eq "$(q '#' /0/short_slug)" $'1\nbaseline'
    ok list 01_basic --metric accuracy -m loss --sort f1
    golden list_01_basic_metrics.txt
    ok list 08_edge_cases/duplicates --json
    eq "$(q '#' /0/metrics/run /1/metrics/run /2/metrics/run)" $'3\n1\n2\n3'
    # --filter on a parameter (no experiment has a metric of that name)
    ok list 01_basic --filter 'learning_rate>0.06' --json
    eq "$(q '#' /0/short_slug)" $'1\nbaseline'
    # --where: the query language (docs/query.md)
    where_slugs() { ok list 01_basic --where "$1" --json; q '#'; }
    eq "$(where_slugs 'metrics.accuracy > 0.8 and params.learning_rate < 0.08 and tag = tuned')" 1
    eq "$(where_slugs 'params.early_stopping = true or metrics.f1 >= 0.86')" 2
    eq "$(where_slugs 'not tag = baseline')" 1
    eq "$(where_slugs 'metrics.f1 = null')" 1          # missing
    eq "$(where_slugs 'metrics.f1 != 0.5')" 1          # a missing field never compares
    eq "$(where_slugs 'params.notes ~ FIRST')" 1       # case-insensitive substring
    eq "$(where_slugs 'name ~ tuned and (status = finished or status = failed)')" 1
    eq "$(where_slugs 'created_at < 2024-01-16 and author = alice')" 1
    eq "$(where_slugs 'tag !~ v and slug = baseline')" 0
    # a filter on a field no experiment has is an error with a hint, never an empty table
    for bad in 'metrics.acuracy > 0.8' 'lr > 0.1' 'metrics.accuracy >' 'metrics.accuracy > 0.8 and' 'name ~= x' \
               'status = runing' '(tag = a' 'params.learning_rate > 0.1 or'; do
        last_args="list --where $bad"; run list 01_basic --where "$bad"
        expect_rc 2
        has "$WORK/err" "lazyscribe: error: query: "
        has "$WORK/err" "lazyscribe: hint: "
    done
    run list 01_basic --where 'metrics.acuracy > 0.8'
    has "$WORK/err" "query: unknown field 'metrics.acuracy': no experiment has that metric (metrics: accuracy, f1, loss, n_trees)"
    run list 01_basic --filter 'acuracy>0.8'
    expect_rc 2
    has "$WORK/err" "unknown field 'metrics.acuracy'"
    # the names a query may use come from every experiment, whatever --status keeps; an empty
    # project has no unknown field (nothing to match)
    ok list 01_basic --status running --where 'metrics.loss < 1' --json
    eq "$(q '#')" 0
    ok list 08_edge_cases/empty --where 'metrics.loss < 1' --json
    eq "$(q '#')" 0
    # a stored null is no value; the status tag is not a tag
    eq "$(where_slugs 'tag ~ lazyscribe')" 0
    run list 01_basic --where 'metrics.accuracy > 0.8 tag = x'
    has "$WORK/err" "query: expected 'and', 'or' or the end, not 'tag' at column 24"
    ;;

list_fast_reader)
    # `list` reads projects with lazyscribe::read_summary (the library's experiment reader, in
    # parallel); it must give exactly what lazyscribe::project gives (LAZYSCRIBE_LIST_READER=library).
    same_both_ways() {
        ok "$@"
        mv "$WORK/out" "$WORK/fast"
        LAZYSCRIBE_LIST_READER=library ok "$@"
        cmp "$WORK/fast" "$WORK/out" || { diff "$WORK/fast" "$WORK/out" | head -20 >&2; fail "fast reader differs: $*"; }
    }
    for p in 01_basic 02_tests 03_artifacts 07_unicode 08_edge_cases/special_numbers 08_edge_cases/duplicates \
        08_edge_cases/empty 08_edge_cases/legacy 08_edge_cases/legacy/input.json "$DATA/hostile"; do
        same_both_ways list "$p" --json
        same_both_ways list "$p"
    done
    same_both_ways -C 04_dependencies list downstream --json  # dependencies: the library reads it
    # 3000 experiments (the parallel path), written out of order, with equal creation times and
    # repeated slugs: the order must be the library's
    SHUFFLE=1 GENERATE_ONLY=1 WORK="$WORK/big" bash "$SOURCE/benchmarks/cli_list_100k.sh" "$LAZYSCRIBE" 3000 >/dev/null
    same_both_ways list "$WORK/big/project.json" --json
    same_both_ways list "$WORK/big/project.json" --sort accuracy --desc --filter tag=batch-7
    ok list "$WORK/big/project.json" --json
    eq "$(q '#' /0/created_at)" $'3000\n2024-01-01T00:00:00'  # repeated slugs are all kept, as in Python
    # Entries of artifacts and tests are checked as the library checks them, with its message
    # (list used to skip them and show a project the library refuses).
    for bad in '"artifacts": [{"name": 5}]' '"tests": [{"name": "t", "metrics": []}]'; do
        printf '[{"name": "x", "created_at": "2024-01-01T00:00:00", "last_updated": "2024-01-01T00:00:00", %s}]' \
            "$bad" >"$WORK/bad.json"
        run list "$WORK/bad.json"
        expect_rc 1
        mv "$WORK/err" "$WORK/err.fast"
        LAZYSCRIBE_LIST_READER=library run list "$WORK/bad.json"
        expect_rc 1
        has "$WORK/err" "[lazyscribe.format_error] $WORK/bad.json"
        cmp "$WORK/err.fast" "$WORK/err" || fail "list and the library report differently: $bad"
    done
    ;;

# ---- show ---------------------------------------------------------------------------------------
show)
    ok show 02_tests churn-model
    golden show_02_tests.txt
    ok show 02_tests/project.json churn-model-20240201120000
    golden show_02_tests.txt
    ok show 03_artifacts feature-pipeline
    golden show_03_artifacts.txt
    ok show 08_edge_cases/special_numbers special-numbers
    golden show_special_numbers.txt
    lacks "$WORK/out" $'\x01'  # control characters are made visible, never sent raw
    has "$WORK/out" 'ctl\x01 del\x7f'
    ok show 07_unicode shi-yan-yi
    golden show_07_unicode.txt
    ok show 02_tests churn-model --json
    eq "$(q /slug /metrics/auc '#/tests' /tests/0/name /tests/0/description /tests/1/description /folder)" \
        $'churn-model-20240201120000\n0.91\n2\nHoldout Set (2023)\nCustomers from 2023\nnull\n02_tests/churn-model-20240201120000'
    ok show 03_artifacts feature-pipeline --json
    eq "$(q /artifacts/2/handler /artifacts/2/python_version /artifacts/1/fname)" $'pickle\n3.11\nconfig.json'
    ok show 08_edge_cases/special_numbers special-numbers --json
    eq "$(q /metrics/nan /metrics/neg_zero /parameters/tuple/1)" $'null\n-0.0\na'
    ok show 08_edge_cases/duplicates same-name-20240701000000  # the latest of two equal slugs wins, as in Python
    has "$WORK/out" "same-name-20240701000000"
    # A short slug that names several runs is an error listing them, never a silent pick.
    last_args="show duplicates same-name"; run show 08_edge_cases/duplicates same-name
    expect_rc 1
    has "$WORK/err" "the short slug 'same-name' names 3 experiments; give the full slug:"
    has "$WORK/err" "  same-name-20240702000000  (created 2024-07-02T00:00:00, finished)"
    eq "$(wc -c <"$WORK/out")" 0 "(nothing on stdout)"
    # A curve (a list metric) is wrapped ten values a line, each line led by its first index.
    make_curve_project "$WORK/curve"
    ok show "$WORK/curve" curve-run
    has "$WORK/out" "  curve  50 values, min 0.0, max 4.9, last 4.9"
    has "$WORK/out" "         [40] 4.0 4.1 4.2 4.3 4.4 4.5 4.6 4.7 4.8 4.9"
    eq "$(grep -c '^         \[' "$WORK/out")" 5 "(curve lines)"
    ;;

# ---- compare ------------------------------------------------------------------------------------
compare)
    ok compare 01_basic baseline tuned-model
    golden compare_01_basic.txt
    lacks "$WORK/out" $'\033'
    ok compare 01_basic baseline tuned-model --json
    eq "$(q /experiments/0/slug /experiments/1/slug)" $'baseline-20240115100000\ntuned-model-20240116083000'
    eq "$(q /metrics/0/key /metrics/0/values /metrics/0/differs /metrics/1/values)" \
        $'accuracy\n[0.8125,0.875]\ntrue\n[null,0.86]'
    eq "$(q /parameters/2/key /parameters/2/values)" $'learning_rate\n[0.1,0.05]'
    ok compare 01_basic baseline baseline --json
    eq "$(q /metrics/0/differs /parameters/0/differs)" $'false\nfalse'
    ok --color always compare 01_basic baseline tuned-model
    has "$WORK/out" $'\033[1;33m0.875\033[0m'
    ok compare 01_basic baseline tuned-model --color=always  # the option also works after the subcommand
    has "$WORK/out" $'\033['
    ok --color always compare 01_basic baseline baseline
    lacks "$WORK/out" $'\033[1;33m'  # nothing differs: nothing highlighted
    ok compare 02_tests churn-model --json
    eq "$(q /test_metrics/0/test /test_metrics/0/key /test_metrics/0/values)" $'Holdout Set (2023)\nauc\n[0.88]'
    ok compare 08_edge_cases/special_numbers special-numbers special-numbers --json
    eq "$(q /metrics/2/key /metrics/2/differs)" $'nan\nfalse'  # NaN equals NaN here
    ;;

# ---- export -------------------------------------------------------------------------------------
export)
    ok export 01_basic
    golden export_01_basic.csv
    has "$WORK/out" $'\r\n'  # RFC 4180 line ends
    ok export 01_basic --format csv --output "$WORK/basic.csv"
    cmp "$WORK/basic.csv" "$EXPECTED/export_01_basic.csv" || fail "--output differs from standard output"
    ok export 07_unicode --format csv
    golden export_07_unicode.csv
    ok export "$DATA/hostile" --format csv
    golden export_hostile.csv
    has "$WORK/out" '"parameters.comma,quote"""'
    has "$WORK/out" $'"a,b ""c""\r\nnext line"'
    ok export 02_tests --tests
    golden export_02_tests_tests.csv
    ok export 08_edge_cases/special_numbers
    has "$WORK/out" ',1180591620717411303424,1e+16,nan,-inf,-0.0,inf,1e-07,100000.0,'
    ok export 01_basic --format json
    eq "$(q '#' '#/0' /0/metrics.accuracy /1/metrics.loss /0/parameters.features/1 /1/tags/0)" \
        $'2\n19\n0.8125\nnull\nincome\ntuned'
    ok export 01_basic --json  # --json = --format json
    eq "$(q '#')" 2
    ok export 07_unicode --format json
    eq "$(q /0/parameters.optimizer.name /0/parameters.nested.level1.empty /0/parameters.nested.level1.level2/1/flag)" \
        $'adam\n{}\nfalse'
    ok export 02_tests --tests --format json
    eq "$(q '#' /0/test /0/metrics.n /1/description /1/metrics.n)" $'2\nHoldout Set (2023)\n1200\nnull\nnull'
    ok export 01_basic --format json --filter tag=v1 --output "$WORK/basic.json"
    "$JSON_QUERY" '#' </dev/null >/dev/null 2>&1 && fail "json_query accepts empty input"
    eq "$("$JSON_QUERY" '#' /0/slug <"$WORK/basic.json")" $'1\nbaseline-20240115100000'
    ;;

# ---- artifacts ----------------------------------------------------------------------------------
artifacts)
    ok artifacts 03_artifacts feature-pipeline
    golden artifacts_03_artifacts.txt
    has "$WORK/out" "pickle*"
    ok artifacts 03_artifacts feature-pipeline --json
    eq "$(q '#' /2/handler /2/builtin_handler /2/exists /2/size /2/fields/python_version /0/builtin_handler)" \
        $'3\npickle\nfalse\ntrue\n75\n3.11\ntrue'
    ok artifacts 02_tests churn-model --json
    eq "$(q /1/owner /1/test /1/path)" \
        $'test\nHoldout Set (2023)\n02_tests/churn-model-20240201120000/holdout-set-2023/confusion-matrix-20240201120500.json'
    ok artifacts 01_basic baseline --json
    eq "$(q '#')" 0
    # a missing file is reported, not an error
    cp -r 02_tests "$WORK/copy"
    rm "$WORK/copy/churn-model-20240201120000/thresholds-20240201120000.json"
    ok artifacts "$WORK/copy" churn-model --json
    eq "$(q /0/exists /0/size /1/exists)" $'false\nnull\ntrue'
    ok artifacts "$WORK/copy" churn-model
    grep -qE 'thresholds-20240201120000.json +- +no$' "$WORK/out" || fail "missing file not reported"
    ;;

# ---- dependencies: relative to the working directory ---------------------------------------------
dependencies)
    ok -C 04_dependencies show downstream/project.json model --json
    eq "$(q /dependencies/0 /dependencies/1)" \
        $'upstream/project.json|feature-set-20240401000000\nupstream/project.json|label-set-20240401060000'
    (cd 04_dependencies && "$LAZYSCRIBE" list downstream --json >"$WORK/out") || fail "list from 04_dependencies/"
    eq "$(q /0/slug)" model-20240402000000
    ok --directory 04_dependencies show downstream model
    has "$WORK/out" "upstream/project.json|label-set-20240401060000 (short slug label-set)"
    ;;

# ---- errors -------------------------------------------------------------------------------------
errors)
    run list no/such/project.json
    expect_rc 1
    has "$WORK/err" "lazyscribe: error: no/such/project.json: no such project file"
    eq "$(cat "$WORK/out")" ""
    run show 01_basic no-such-slug
    expect_rc 1
    has "$WORK/err" "01_basic/project.json: no experiment with slug or short slug 'no-such-slug'"
    run compare 01_basic baseline nope
    expect_rc 1
    run artifacts 01_basic nope
    expect_rc 1
    printf '[{"name": "x",' >"$WORK/broken.json"
    run list "$WORK/broken.json"
    expect_rc 1
    has "$WORK/err" "[lazyscribe.parse_error] $WORK/broken.json:1:"
    printf '[{"name": "x"}]' >"$WORK/incomplete.json"
    run show "$WORK/incomplete.json" x
    expect_rc 1
    has "$WORK/err" "[lazyscribe.format_error] $WORK/incomplete.json"
    has "$WORK/err" "created_at"
    printf '[{"name": "x", "created_at": "2024-01-01T00:00:00", "last_updated": "2024-01-01T00:00:00", "tags": "oops"}]' \
        >"$WORK/tags.json"
    run list "$WORK/tags.json"
    expect_rc 1
    has "$WORK/err" "[lazyscribe.format_error] $WORK/tags.json"
    has "$WORK/err" "'tags'"
    run list 04_dependencies/downstream  # from the wrong folder
    expect_rc 1
    has "$WORK/err" "upstream/project.json does not exist"
    has "$WORK/err" "lazyscribe: hint:"
    run report 01_basic -o "$WORK/no/such/folder/r.html"
    expect_rc 1
    has "$WORK/err" "$WORK/no/such/folder/r.html: cannot open for writing"
    run export 01_basic --output "$WORK/no/such/folder/x.csv"
    expect_rc 1
    ;;

usage)
    for args in "" "bogus" "list" "show 01_basic" "list 01_basic --bogus" "export 01_basic --format xml" \
        "list 01_basic --filter nonsense" "list 01_basic --filter accuracy=0.5" "list 01_basic --filter acc>x" \
        "list 01_basic --limit -1" "list 01_basic --limit many" "--color sometimes list 01_basic" \
        "compare 01_basic" "merge $WORK/out.json" "report 01_basic" "-C /no/such/dir list 01_basic" \
        "repo" "repo bogus" "repo list" "repo list 05_repository extra" "repo list 05_repository --bogus" \
        "repo show 05_repository" "repo show 05_repository model-config --version x" \
        "repo show 05_repository model-config --version -1" "repo show 05_repository model-config --version" \
        "repo show 05_repository model-config --version 1 --asof 2024-05-03T00:00:00" \
        "repo show 05_repository model-config --asof 2024-05-03T00:00:00 --exact 2024-05-02T09:00:00" \
        "repo show 05_repository model-config --asof yesterday" "repo show 05_repository model-config --exact 2024-05-02" \
        "repo diff 05_repository model-config" "repo diff 05_repository model-config one" \
        "repo diff 05_repository model-config 0 2 1"; do
        # shellcheck disable=SC2086
        last_args=$args
        run $args
        expect_rc 2
        [ -s "$WORK/err" ] || fail "no message for usage error: $args"
        eq "$(cat "$WORK/out")" "" "(stdout of: $args)"
    done
    ok --help
    has "$WORK/out" "Exit codes: 0 ok, 1 failure"
    for sub in list show compare export artifacts merge report repo "repo list" "repo show" "repo diff"; do
        # shellcheck disable=SC2086
        ok $sub --help
        has "$WORK/out" "$sub"
    done
    run repo show 05_repository model-config --asof yesterday
    has "$WORK/err" "--asof: 'yesterday' is not a time of the form YYYY-MM-DDTHH:MM:SS"
    run repo diff 05_repository model-config one
    has "$WORK/err" "'one' is neither a version number nor a creation time"
    ok --version
    has "$WORK/out" "lazyscribe "
    ;;

# ---- merge --------------------------------------------------------------------------------------
merge)
    ok merge "$WORK/merged/merged.json" 01_basic 02_tests 03_artifacts/project.json 08_edge_cases/duplicates
    has "$WORK/out" "6 experiments from 4 projects (1 older version of a slug dropped); copied 2 experiment folders"
    ok list "$WORK/merged/merged.json" --json
    eq "$(q '#' /0/short_slug /2/short_slug /3/short_slug /4/metrics/run /5/metrics/run)" \
        $'6\nbaseline\nchurn-model\nfeature-pipeline\n2\n3'
    ok show "$WORK/merged/merged.json" churn-model --json
    eq "$(q /tests/0/metrics/n /artifacts/0/name)" $'1200\nthresholds'
    # the merged file is byte for byte what the library writes (sorted keys, 4-space indent)
    head -c 2 "$WORK/merged/merged.json" | grep -q '^\[' || fail "merged file does not start with ["
    has "$WORK/merged/merged.json" '        "artifacts": ['
    # artifact files came along, the pickle one untouched
    ok artifacts "$WORK/merged/merged.json" feature-pipeline --json
    eq "$(q /0/exists /1/exists /2/exists /2/handler /2/fields/python_version)" $'true\ntrue\ntrue\npickle\n3.11'
    cmp "$WORK/merged/feature-pipeline-20240310140000/scaler-20240310140200.pkl" \
        03_artifacts/feature-pipeline-20240310140000/scaler-20240310140200.pkl || fail "pickle file changed"
    ok artifacts "$WORK/merged/merged.json" churn-model --json
    eq "$(q /1/exists)" true
    # --no-artifacts writes only the project file; merging a project into itself is a no-op
    ok merge "$WORK/bare/p.json" 03_artifacts --no-artifacts
    [ ! -e "$WORK/bare/feature-pipeline-20240310140000" ] || fail "--no-artifacts copied files"
    cp "$WORK/merged/merged.json" "$WORK/before.json"
    ok merge "$WORK/merged/merged.json" "$WORK/merged/merged.json"
    cmp "$WORK/merged/merged.json" "$WORK/before.json" || fail "merging a project into itself changed it"
    # merging the same fixture twice gives the fixture's own bytes back
    ok merge "$WORK/again.json" 01_basic 01_basic
    cmp "$WORK/again.json" 01_basic/project.json || fail "merge of 01_basic with itself differs from 01_basic"
    run merge "$WORK/x.json" 01_basic no/such.json
    expect_rc 1
    [ ! -e "$WORK/x.json" ] || fail "a failed merge wrote its output"
    ;;

# ---- nothing but merge/report/export --output writes (repo only reads) ----------------------------------------------
read_only)
    before=$(find . -type f -print0 | sort -z | xargs -0 sha256sum)
    ok list 01_basic
    ok list 03_artifacts --json
    ok show 03_artifacts feature-pipeline
    ok show 02_tests churn-model --json
    ok compare 01_basic baseline tuned-model
    ok export 07_unicode
    ok export 02_tests --tests --format json
    ok artifacts 03_artifacts feature-pipeline
    ok report 02_tests -o "$WORK/r.html"
    ok merge "$WORK/m.json" 01_basic 03_artifacts
    ok -C 04_dependencies list downstream
    ok repo list 05_repository
    ok repo show 05_repository model-config --json
    ok repo show 05_repository 'Feature List'
    ok repo diff 05_repository model-config 0 2
    after=$(find . -type f -print0 | sort -z | xargs -0 sha256sum)
    [ "$before" == "$after" ] || fail "the fixtures changed"
    ;;

# ---- report -------------------------------------------------------------------------------------
report_html)
    # The viewer's page with the data embedded (docs/viewer.md, "The static report").
    ok report 01_basic -o "$WORK/basic.html"
    has "$WORK/out" "wrote $WORK/basic.html: 2 experiments, details of 2, series of 0, "
    html=$WORK/basic.html
    has "$html" "<!DOCTYPE html>"
    has "$html" "<title>lazyscribe report: 01_basic/project.json</title>"
    [ ! -e "$html.tmp" ] || fail "the temporary file was left behind"
    report_data "$html"
    eq "$(q /runs/count /runs/live /runs/runs/slug/0 /runs/metrics/accuracy/1 /runs/params/learning_rate/0)" \
        $'2\nfalse\nbaseline-20240115100000\n0.875\n0.1'
    eq "$(q /details/0:baseline-20240115100000/parameters/notes '#/histories' /view/policy/max_size)" $'first try\n0\n20971520'
    # self-contained: no external resource of any kind
    lacks "$html" "<link"
    lacks "$html" "src="
    lacks "$html" "@import"
    eq "$(grep -o 'url([^#"]' "$html" | wc -l)" 0 "(url() other than to an element of the page)"
    eq "$(grep -o 'https\?://[^"]*' "$html" | sort -u)" "http://www.w3.org/2000/svg"
    # every user string stays data: '<' is escaped inside the data script, the title is HTML-escaped
    ok report "$DATA/hostile" -o "$WORK/hostile.html" --title '<b>T</b> & co'
    html=$WORK/hostile.html
    has "$html" "<title>&lt;b&gt;T&lt;/b&gt; &amp; co</title>"
    lacks "$html" "<script>alert"
    lacks "$html" "<img"
    lacks "$html" "<svg onload"
    lacks "$html" $'\033'
    eq "$(grep -o '<script' "$html" | wc -l)" 2 "(the page's script and the data)"
    report_data "$html"
    has "$WORK/out" '\u003cscript>alert(\"name\")\u003c/script>'
    # list metrics are series against their index; non-finite numbers are spelled, not lost
    ok report 07_unicode -o "$WORK/unicode.html"
    report_data "$WORK/unicode.html"
    eq "$(q /histories/0:experience-uber-grosse-20240601000000/loss_curve/values /runs/metrics/loss_curve/0/list)" \
        $'[0.9,0.5,0.25]\n3'
    ok report 08_edge_cases/special_numbers -o "$WORK/special.html"
    report_data "$WORK/special.html"
    eq "$(q /runs/metrics/nan/0 /runs/metrics/pos_inf/0 /runs/metrics/neg_inf/0)" $'NaN\nInfinity\n-Infinity'
    ok report 08_edge_cases/empty -o "$WORK/empty.html"
    report_data "$WORK/empty.html"
    eq "$(q /runs/count)" 0
    # the size policy: details past --details are left out with a note; a table over --max-size fails
    ok report 01_basic -o "$WORK/one.html" --details 1
    has "$WORK/out" "details of 1, "
    has "$WORK/out" "note: the page holds the details of 1 of 2 runs (--details 1); \`lazyscribe serve\` shows everything"
    report_data "$WORK/one.html"
    eq "$(q '#/details')" 1
    last_args="report --max-size 65536"; run report 01_basic -o "$WORK/small.html" --max-size 65536
    expect_rc 1
    has "$WORK/err" "small.html: the page with the runs table of 2 experiments alone takes "
    has "$WORK/err" "over --max-size 64.0 KiB; choose fewer runs (--where, --status, --limit) or raise --max-size"
    [ ! -e "$WORK/small.html" ] || fail "a refused report was written"
    # the selection options choose the runs, as in list
    ok report 01_basic -o "$WORK/where.html" --where 'params.max_depth > 6'
    report_data "$WORK/where.html"
    eq "$(q /runs/count /runs/runs/short_slug/0)" $'1\ntuned-model'
    ;;

report_chromium)
    chromium=${CHROMIUM:-}
    if [ -z "$chromium" ]; then
        for c in chromium chromium-browser google-chrome; do
            if command -v "$c" >/dev/null 2>&1; then chromium=$(command -v "$c"); break; fi
        done
    fi
    if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
        echo "SKIP: Chromium not found (install Debian's chromium, or set CHROMIUM=/path/to/chromium)"
        exit 77
    fi
    ok merge "$WORK/p/project.json" 01_basic 02_tests "$DATA/hostile" --no-artifacts
    ok report "$WORK/p" -o "$WORK/report.html"
    browse() {  # browse OUTPUT_OPTION URL
        local profile
        profile=$(mktemp -d "$WORK/chromium-profile.XXXXXX")
        timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
            --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
            --window-size=1280,2000 "$@" 2>>"$WORK/chromium.log"
    }
    # The page's script renders the embedded data; the fragment sets its filter box.
    browse --virtual-time-budget=10000 --dump-dom "file://$WORK/report.html" >"$WORK/dom.html" \
        || fail "chromium --dump-dom failed (see $WORK/chromium.log)"
    dom=$WORK/dom.html
    has "$dom" 'data-ready="1"'  # the script ran to the end
    has "$dom" 'data-mode="static"'
    eq "$(grep -o '<tr class="run[ "]' "$dom" | wc -l)" 5 "(table rows)"
    has "$dom" "5 of 5 runs"
    browse --virtual-time-budget=10000 --dump-dom "file://$WORK/report.html#where=metrics.accuracy%20%3E%200.8" \
        >"$WORK/dom2.html" || fail "chromium --dump-dom failed (see $WORK/chromium.log)"
    order=$(grep -o '<tr class="run[^>]*data-slug="[^"]*"' "$WORK/dom2.html" | sed 's/.*data-slug="//; s/"$//' | sort | tr '\n' ' ')
    eq "$order" "baseline-20240115100000 tuned-model-20240116083000 " "(filtered rows)"
    has "$WORK/dom2.html" "2 of 5 runs"
    # nothing the hostile project holds became markup
    eq "$(grep -o '<script' "$dom" | wc -l)" 2 "(script elements: the page's and the data)"
    lacks "$dom" "<img"
    lacks "$dom" "<svg onload"
    # and the page renders to a non-trivial image
    browse --screenshot="$WORK/report.png" "file://$WORK/report.html" || fail "chromium --screenshot failed"
    [ "$(head -c 8 "$WORK/report.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "not a PNG"
    [ "$(stat -c %s "$WORK/report.png")" -gt 20000 ] || fail "the screenshot is nearly empty"
    ;;

serve_errors)
    # A port in use is an error naming it (cpp-httplib's SO_REUSEPORT would share it silently).
    "$LAZYSCRIBE" serve 01_basic --port 0 >"$WORK/first.out" 2>&1 &
    first=$!
    for _ in $(seq 100); do grep -q "^lazyscribe: serving" "$WORK/first.out" && break; sleep 0.1; done
    port=$(sed -n 's/^lazyscribe: serving 2 experiments of 1 project at http:\/\/127.0.0.1:\([0-9]*\)\/$/\1/p' "$WORK/first.out")
    [ -n "$port" ] || { kill "$first"; fail "serve did not start: $(cat "$WORK/first.out")"; }
    last_args="serve --port $port"; run serve 01_basic --port "$port"
    kill "$first"
    wait "$first" || fail "serve did not stop cleanly on SIGTERM"
    expect_rc 1
    has "$WORK/err" "lazyscribe: error: serve: cannot listen on 127.0.0.1:$port: Address already in use"
    # a missing project fails before listening; a bad port is a usage error
    last_args="serve missing"; run serve "$WORK/missing" --port 0
    expect_rc 1
    has "$WORK/err" "no such project file"
    last_args="serve --port 70000"; run serve 01_basic --port 70000
    expect_rc 2
    ;;

# ---- repo: artifact repositories ----------------------------------------------------------------
# 05_repository: model-config versions 0, 1, 2 (1 expired 2024-05-04T00:00:00), Feature List version 0
repo_list)
    ok repo list 05_repository
    golden repo_list_05_repository.txt
    lacks "$WORK/out" $'\033'
    ok repo list 05_repository/repository.json  # the file itself, or its folder
    golden repo_list_05_repository.txt
    ok repo list 05_repository --json
    eq "$(q '#' /0/name /0/version /1/version /2/version /3/name /3/version)" \
        $'4\nmodel-config\n0\n1\n2\nFeature List\n0'
    eq "$(q /1/created_at /1/expiry /1/expired /0/expiry /0/expired /2/expired)" \
        $'2024-05-02T09:00:00\n2024-05-04T00:00:00\ntrue\nnull\nfalse\nfalse'
    eq "$(q /3/handler /3/builtin_handler /3/fname /3/path /3/exists /3/size /3/fields)" \
        $'json\ntrue\nfeature-list-20240501090000.json\n05_repository/Feature List/feature-list-20240501090000.json\ntrue\n17\n{}'
    ok --color always repo list 05_repository
    has "$WORK/out" $'\033[1;33myes\033[0m'  # the expired version stands out
    # a missing file is reported, not an error; unknown handlers are kept and marked
    cp -r 05_repository "$WORK/copy"
    rm "$WORK/copy/model-config/model-config-20240501090000.json"
    ok repo list "$WORK/copy" --json
    eq "$(q /0/exists /0/size /1/exists)" $'false\nnull\ntrue'
    ok repo list "$WORK/copy"
    grep -qE '^model-config +0 .* +no$' "$WORK/out" || fail "missing file not reported"
    mkdir -p "$WORK/other"
    printf '[{"created_at": "2024-05-01T09:00:00", "expiry": null, "fname": "m.pkl", "handler": "pickle", "name": "m", "python_version": "3.11", "version": 0}]' \
        >"$WORK/other/repository.json"
    ok repo list "$WORK/other"
    has "$WORK/out" "pickle*"
    has "$WORK/out" "* handler not built into this program"
    ok repo list "$WORK/other" --json
    eq "$(q /0/builtin_handler /0/fields/python_version)" $'false\n3.11'
    printf '[]' >"$WORK/empty.json"
    ok repo list "$WORK/empty.json"
    eq "$(cat "$WORK/out")" "NAME  VERSION  CREATED  EXPIRY  EXPIRED  HANDLER  FNAME  EXISTS"
    ok repo list "$WORK/empty.json" --json
    eq "$(q '#')" 0
    ;;

repo_show)
    ok repo show 05_repository model-config  # the latest
    golden repo_show_model_config.txt
    ok repo show 05_repository model-config --json
    eq "$(q /metadata/version /metadata/expiry /metadata/fname /expired /versions /value)" \
        $'2\nnull\nmodel-config-20240505090000.json\nfalse\n[0,1,2]\n{"alpha":0.05,"layers":[64,64,32]}'
    eq "$(q /path /exists /size)" $'05_repository/model-config/model-config-20240505090000.json\ntrue\n39'
    ok repo show 05_repository model-config --version 1 --json  # expired, still there by number
    eq "$(q /metadata/version /metadata/expiry /metadata/created_at /expired /value/alpha)" \
        $'1\n2024-05-04T00:00:00\n2024-05-02T09:00:00\ntrue\n0.2'
    ok repo show 05_repository model-config --version 1
    has "$WORK/out" "expired now  yes"
    has "$WORK/out" "expiry       2024-05-04T00:00:00"
    # as-of: the newest version created by then and not expired then
    for pair in 2024-05-01T12:00:00=0 2024-05-03T00:00:00=1 2024-05-04T12:00:00=0 2024-05-05T09:00:00=2; do
        ok repo show 05_repository model-config --asof "${pair%=*}" --json
        eq "$(q /metadata/version)" "${pair#*=}" "(--asof ${pair%=*})"
    done
    ok repo show 05_repository model-config --exact 2024-05-02T09:00:00 --json
    eq "$(q /metadata/version /value/layers)" $'1\n[128,64]'
    ok repo show 05_repository 'Feature List' --json
    eq "$(q /metadata/name /metadata/version /versions /value)" $'Feature List\n0\n[0]\n["age","income"]'
    ok repo show 05_repository 'Feature List'
    golden repo_show_feature_list.txt
    # a handler this program does not know: the metadata, no value
    mkdir -p "$WORK/other"
    printf '[{"created_at": "2024-05-01T09:00:00", "expiry": null, "fname": "m.pkl", "handler": "pickle", "name": "m", "python_version": "3.11", "version": 0}]' \
        >"$WORK/other/repository.json"
    ok repo show "$WORK/other" m
    has "$WORK/out" "python_version  3.11"
    has "$WORK/out" "(not shown: only the values of json artifacts are shown; this one's handler is 'pickle')"
    ok repo show "$WORK/other" m --json
    eq "$(q /metadata/handler /metadata/python_version /exists)" $'pickle\n3.11\nfalse'
    "$JSON_QUERY" /value <"$WORK/out" >/dev/null 2>&1 && fail "a pickle artifact has a value"
    ;;

repo_diff)
    ok repo diff 05_repository model-config 0 2
    # Python 2.2.1's text: difflib.unified_diff's defaults, no file names, "\n" after each header line
    eq "$(cat "$WORK/out")" '--- 

+++ 

@@ -1 +1 @@

-{"alpha": 0.1, "layers": [64, 32]}
+{"alpha": 0.05, "layers": [64, 64, 32]}'
    cp "$WORK/out" "$WORK/diff_0_2"
    ok repo diff 05_repository model-config 0  # V2: the latest
    cmp "$WORK/out" "$WORK/diff_0_2" || fail "V2 does not default to the latest"
    ok repo diff 05_repository model-config 2024-05-01T09:00:00 2024-05-05T09:00:00  # versions by creation time
    cmp "$WORK/out" "$WORK/diff_0_2" || fail "versions by time differ from versions by number"
    lacks "$WORK/out" $'\033'
    ok repo diff 05_repository model-config 0 2 --json
    eq "$(q /name /from/version /from/fname /to/version /to/created_at /identical)" \
        $'model-config\n0\nmodel-config-20240501090000.json\n2\n2024-05-05T09:00:00\nfalse'
    eq "$(q /diff)" "$(cat "$WORK/diff_0_2")"
    ok repo diff 05_repository model-config 1 0  # an expired version is still there by number
    has "$WORK/out" '-{"alpha": 0.1, "layers": [64, 32]}'  # two versions: in creation order, as Python
    has "$WORK/out" '+{"alpha": 0.2, "layers": [128, 64]}'
    ok repo diff 05_repository model-config 2 0 --json
    eq "$(q /from/version /to/version)" $'0\n2'
    eq "$(q /diff)" "$(cat "$WORK/diff_0_2")"
    ok repo diff 05_repository model-config 2 2
    eq "$(cat "$WORK/out")" ""
    has "$WORK/err" "do not differ"
    ok repo diff 05_repository model-config 2 --json
    eq "$(q /identical)" true
    eq "$(q /diff | wc -c)" 1  # the empty text (and json_query's newline)
    ok --color always repo diff 05_repository model-config 0 2
    has "$WORK/out" $'\033[31m-{"alpha": 0.1'
    has "$WORK/out" $'\033[32m+{"alpha": 0.05'
    ;;

repo_errors)
    run repo show 05_repository nope
    expect_rc 1
    has "$WORK/err" "lazyscribe: error: [lazyscribe.version_not_found_error] repository 05_repository/repository.json has no artifact named 'nope'"
    eq "$(cat "$WORK/out")" ""
    run repo show 05_repository model-config --version 7
    expect_rc 1
    has "$WORK/err" "'model-config': no version matches version 7 in 05_repository/repository.json; versions: 0"
    eq "$(cat "$WORK/out")" ""
    run repo show 05_repository model-config --asof 2024-04-30T00:00:00
    expect_rc 1
    has "$WORK/err" "no version matches as of 2024-04-30T00:00:00"
    run repo show 05_repository model-config --exact 2024-05-02T09:00:01
    expect_rc 1
    has "$WORK/err" "no version matches created at 2024-05-02T09:00:01"
    run repo diff 05_repository model-config 0 9
    expect_rc 1
    has "$WORK/err" "no version matches version 9"
    eq "$(cat "$WORK/out")" ""
    run repo diff 05_repository nope 0
    expect_rc 1
    has "$WORK/err" "has no artifact named 'nope'"
    run repo list no/such/repository.json
    expect_rc 1
    has "$WORK/err" "lazyscribe: error: no/such/repository.json: no such repository file"
    run repo list 01_basic  # a folder without repository.json
    expect_rc 1
    has "$WORK/err" "01_basic/repository.json: no such repository file"
    printf '[{"name": ' >"$WORK/broken.json"
    run repo list "$WORK/broken.json"
    expect_rc 1
    has "$WORK/err" "[lazyscribe.parse_error] $WORK/broken.json:1:"
    # files that cannot be read: named in the message, nothing on standard output
    cp -r 05_repository "$WORK/copy"
    rm "$WORK/copy/model-config/model-config-20240501090000.json"
    printf '{"a": ' >"$WORK/copy/Feature List/feature-list-20240501090000.json"
    run repo show "$WORK/copy" model-config --version 0
    expect_rc 1
    has "$WORK/err" "cannot open $WORK/copy/model-config/model-config-20240501090000.json"
    eq "$(cat "$WORK/out")" ""
    run repo show "$WORK/copy" 'Feature List'
    expect_rc 1
    has "$WORK/err" "$WORK/copy/Feature List/feature-list-20240501090000.json"
    run repo diff "$WORK/copy" model-config 0
    expect_rc 1
    has "$WORK/err" "get_version_diff: cannot open $WORK/copy/model-config/model-config-20240501090000.json"
    ;;

# ---- live runs: status, histories ---------------------------------------------------------------
live_list)
    make_live
    ok list "$L" --status finished,failed,crashed  # the running run's times are today's: not in the golden file
    golden list_live.txt
    has "$WORK/err" "lazyscribe list: 2 runs crashed: recovered-run-20240601130000, crashed-run-20240601140000 (a running run crashed once its heartbeat is older than 120 s: --crashed-after)"
    ok list "$L"
    grep -qE '^Live run +live-run-[0-9]{14} +tester +[0-9T:-]{19} +running +(sweep)? ' "$WORK/out" \
        || fail "the running run is not listed as running"
    grep -qE '^Crashed run +crashed-run-20240601140000 +tester +2024-06-01T14:00:00 +crashed! ' "$WORK/out" \
        || fail "the crashed run is not flagged"
    lacks "$WORK/out" "lazyscribe.status="  # the STATUS column says it; the tag is not repeated
    ok --color always list "$L"
    has "$WORK/out" $'\033[1;33mcrashed!\033[0m'
    has "$WORK/out" $'\033[1;33mfailed\033[0m'
    ok list "$L" --json
    eq "$(q '#' /0/status /1/status /2/status /3/status /4/status /5/status /5/short_slug)" \
        $'6\nfinished\nfinished\nfailed\ncrashed\ncrashed\nrunning\nlive-run'
    # the file's tags, as they are: recovered (crashed), and as the crash left it (running)
    eq "$(q /3/tags/0 /4/tags/0 /1/metrics/loss)" $'lazyscribe.status=crashed\nlazyscribe.status=running\n0.5'
    ok list "$L" --status crashed --json
    eq "$(q '#' /0/short_slug /1/short_slug)" $'2\nrecovered-run\ncrashed-run'
    sleep 1  # times are whole seconds: the heartbeat is older than 0 s once the second has passed
    ok list "$L" --status crashed --crashed-after 0 --json  # now the running one is stale too
    eq "$(q '#' /1/short_slug /2/short_slug /2/status)" $'3\ncrashed-run\nlive-run\ncrashed'
    ok list "$L" --status running --crashed-after 100000000 --json  # and here the unrecovered crash is not
    eq "$(q '#' /0/short_slug /1/short_slug)" $'2\ncrashed-run\nlive-run'
    ok list "$L" --status failed --status finished --json
    eq "$(q '#' /0/short_slug /1/short_slug /2/short_slug)" $'3\nbaseline-curves\nfinished-sweep\ndiverged'
    ok list "$L" --status failed,crashed --filter 'loss>5' --json  # with the other filters
    eq "$(q '#' /0/short_slug)" $'1\ndiverged'
    ok list 01_basic --status running
    eq "$(cat "$WORK/out")" "NAME  SLUG  AUTHOR  CREATED  STATUS  TAGS"  # Python's experiments are finished
    # The fast reader (read_summary) and the library agree on statuses, with either bound.
    for args in "--json" "" "--crashed-after 0 --json" "--status crashed"; do
        # shellcheck disable=SC2086
        ok list "$L" $args
        mv "$WORK/out" "$WORK/fast"
        # shellcheck disable=SC2086
        LAZYSCRIBE_LIST_READER=library ok list "$L" $args
        cmp "$WORK/fast" "$WORK/out" || fail "fast reader differs: list $args"
    done
    ;;

live_show)
    make_live
    ok show "$L" finished-sweep
    sed -n '/^Histories/,/^$/p' "$WORK/out" >"$WORK/histories"
    cp "$WORK/histories" "$WORK/out"
    golden show_live_histories.txt
    ok show "$L" finished-sweep
    grep -qE '^  status +finished$' "$WORK/out" || fail "no status row"
    grep -qE '^  started +2024-06-01T12:00:00$' "$WORK/out" || fail "no start time"
    grep -qE '^  ended +2024-06-01T12:00:00$' "$WORK/out" || fail "no end time"
    grep -qE '^  points +15$' "$WORK/out" || fail "no point count"
    grep -qE '^  host +[^ ]+' "$WORK/out" || fail "no host"
    grep -qE '^  pid +[0-9]+$' "$WORK/out" || fail "no pid"
    grep -qE '^  command line +.*live_project' "$WORK/out" || fail "no command line"
    grep -qE '^  compiler +' "$WORK/out" || fail "no compiler"
    if commit=$(git -C "$FIXTURES" rev-parse HEAD 2>/dev/null); then
        grep -qE "^  git commit +$commit" "$WORK/out" || fail "no git commit $commit"
    fi
    lacks "$WORK/out" "lazyscribe.status="
    has "$WORK/out" "tags          sweep"
    ok show "$L" diverged
    grep -qE '^  status +failed$' "$WORK/out" || fail "not failed"
    grep -qE '^  failure +loss is NaN at step 3$' "$WORK/out" || fail "no failure message"
    grep -qE '^  loss +3 +0 +2 +6\.0 +2\.0 +6\.0$' "$WORK/out" || fail "no history of the failed run"
    ok show "$L" crashed-run
    has "$WORK/out" "crashed (status running, last heartbeat 2024-06-01T14:00:00, older than 120 s)"
    grep -qE '^  loss +10 +0 +9 +0\.1 +0\.1 +1\.0$' "$WORK/out" || fail "no history of the crashed run (journal)"
    grep -qE '^  recorded status +running$' "$WORK/out" || fail "the record's own status"
    ok show "$L" recovered-run  # recovered: the history artifact holds what the journal held
    grep -qE '^  status +crashed \(recovered [0-9T:-]{19}\)$' "$WORK/out" || fail "the recovered run is not crashed"
    grep -qE '^  loss +4 +0 +3 +0\.25 +0\.25 +1\.0$' "$WORK/out" || fail "no history of the recovered run"
    grep -qE '^  experiment +history +json ' "$WORK/out" || fail "no history artifact"
    ok show "$L" live-run
    grep -qE '^  status +running \(heartbeat ' "$WORK/out" || fail "not running"
    grep -qE '^  loss +5 +0 +4 ' "$WORK/out" || fail "no history of the running run"
    sleep 1  # (whole seconds, as in live_list)
    ok show "$L" live-run --crashed-after 0
    has "$WORK/out" "older than 0 s)"
    ok show "$L" baseline-curves  # not live: no histories, no run record
    grep -qE '^  status +finished$' "$WORK/out" || fail "not finished"
    lacks "$WORK/out" "Histories"
    lacks "$WORK/out" "Run"
    has "$WORK/out" "loss  [[0, 1.0], [5, 0.6]]"
    ok show "$L" finished-sweep --json
    eq "$(q /status /failure /histories/loss/points /histories/loss/first_step /histories/loss/last_step)" \
        $'finished\nnull\n11\n0\n100'
    eq "$(q /histories/loss/last /histories/loss/min /histories/loss/max '#/histories')" $'0.5\n0.5\n1.0\n3'
    eq "$(q /histories/val~1acc/points /histories/val~1acc/last /histories/val~1acc/min)" $'3\n0.9\n0.5'
    eq "$(q /run/status /run/points)" $'finished\n15'
    # The generator's own build: not optimised in Debug, optimised in Release.
    case "$(q /run/provenance/optimized)" in true | false) ;; *) fail "provenance.optimized is not a boolean" ;; esac
    ok show "$L" diverged --json
    eq "$(q /status /failure /run/failure)" $'failed\nloss is NaN at step 3\nloss is NaN at step 3'
    ok show "$L" baseline-curves --json
    eq "$(q /status /run '#/histories')" $'finished\nnull\n0'
    ;;

live_export)
    make_live
    ok export "$L" --histories
    has "$WORK/out" $'slug,metric,step,time,value\r\n'
    eq "$(tail -n +2 "$WORK/out" | wc -l)" 37 "(points: 11 + 3 + 1 + 3 + 4 + 5 + 10)"
    # Every time is Unix seconds from the run (the points' clock is the real one), each value exact.
    tail -n +2 "$WORK/out" | tr -d '\r' | awk -F, -v lo="$T0" -v hi="$T1" '
        /"/ { next }  # the quoted name: checked below
        !($4 ~ /^[0-9]+(\.[0-9]+)?$/ && $4 >= lo && $4 <= hi) { print "bad time: " $0; bad = 1 }
        END { exit bad }' || fail "times are not Unix seconds of the run"
    ok export "$L" --histories --status finished,failed,crashed --output "$WORK/h.csv"
    tr -d '\r' <"$WORK/h.csv" | sed -E 's/,[0-9.]+,([^,]*)$/,TIME,\1/' >"$WORK/out"
    golden export_live_histories.csv
    has "$WORK/h.csv" $'finished-sweep-20240601120000,"grad ""norm"", l2",7,'
    has "$WORK/h.csv" $',nan\r\n'
    ok export "$L" --histories --format json --filter name=sweep
    eq "$(q '#' /0/slug /0/metric /0/step /11/metric /11/step /12/value /14/metric)" \
        $'15\nfinished-sweep-20240601120000\nloss\n0\nval/acc\n0\nnull\ngrad "norm", l2'
    ok export 01_basic --histories  # Python's experiments: no histories, just the header
    eq "$(cat "$WORK/out")" $'slug,metric,step,time,value\r'
    ok export "$L" --status crashed  # the experiment rows carry the status
    has "$WORK/out" ',status,'
    has "$WORK/out" ',crashed,'
    ;;

live_report)
    make_live
    ok report "$L" -o "$WORK/r.html"
    has "$WORK/out" "6 experiments, details of 6, series of 6, "
    report_data "$WORK/r.html"
    # statuses as the runs read (the running one's heartbeat is fresh), never the status tag
    eq "$(q /runs/runs/status)" '["finished","finished","failed","crashed","crashed","running"]'
    lacks "$WORK/out" 'lazyscribe.status='
    # each live run's histories (from its history artifact or, failed, crashed or running, its
    # journal) and the plain list of the Python-style run, against its index
    eq "$(q /runs/runs/histories/1 /runs/runs/histories/0)" $'["loss","val/acc","grad \\"norm\\", l2"]\n["acc","loss"]'
    # [[step, value], ...] pairs are a series against their steps
    eq "$(q /histories/0:baseline-curves-20240601120000/loss/steps /histories/0:baseline-curves-20240601120000/loss/values)" \
        $'[0,5]\n[1.0,0.6]'
    eq "$(q /histories/0:finished-sweep-20240601120000/loss/steps/1 /histories/0:finished-sweep-20240601120000/loss/total)" \
        $'10\n11'
    eq "$(q /histories/0:finished-sweep-20240601120000/val~1acc/values)" '[0.5,null,0.9]'  # NaN: a gap
    eq "$(q /histories/0:crashed-run-20240601140000/loss/total /histories/0:baseline-curves-20240601120000/acc/values)" \
        $'10\n[0.5,0.7,0.9]'
    eq "$(q /details/0:diverged-20240601120000/histories/0/max /details/0:diverged-20240601120000/status)" $'6.0\nfailed'
    # A 5,000-point history is thinned to --max-points (500) points, its spike at step 3333 kept.
    ok report "$L/long" -o "$WORK/long.html"
    report_data "$WORK/long.html"
    eq "$(q /histories/0:long-run-20240601120000/lr/total /histories/0:long-run-20240601120000/lr/sampled \
           '#/histories/0:long-run-20240601120000/lr/steps')" $'5000\ntrue\n500'
    python3 - "$WORK/out" <<'PY' || fail "the spike was thinned away"
import json, sys
h = json.load(open(sys.argv[1]))["histories"]["0:long-run-20240601120000"]["lr"]
top = max(range(len(h["values"])), key=lambda i: h["values"][i])
sys.exit(0 if (h["steps"][top], h["values"][top]) == (3333, 10.0) else 1)
PY
    ok report "$L/long" -o "$WORK/long2.html" --max-points 100
    report_data "$WORK/long2.html"
    eq "$(q '#/histories/0:long-run-20240601120000/lr/values')" 100
    ok export "$L/long" --histories
    eq "$(grep -c ',lr,3333,' "$WORK/out")" 1
    ;;

live_errors)
    make_live
    for args in "list $L --status bogus" "list $L --status crashed," "list $L --status=" "export $L --status Failed" \
        "list $L --crashed-after -1" "list $L --crashed-after soon" "show $L diverged --crashed-after x" \
        "export $L --histories --tests" "report $L -o $WORK/r.html --status nope"; do
        last_args=$args
        # shellcheck disable=SC2086
        run $args
        expect_rc 2
        [ -s "$WORK/err" ] || fail "no message for usage error: $args"
    done
    run list "$L" --status bogus
    has "$WORK/err" "--status: 'bogus' is not a run status (finished, running, failed, crashed)"
    run export "$L" --histories --tests
    has "$WORK/err" "excludes"
    # A history file gone: show and export say which, list (which does not read it) still works.
    history=$(ls "$L"/finished-sweep-20240601120000/history-*.json)
    rm "$history"
    run show "$L" finished-sweep
    expect_rc 1
    has "$WORK/err" "[lazyscribe.not_found_error]"
    has "$WORK/err" "history artifact file $history does not exist"
    run export "$L" --histories
    expect_rc 1
    has "$WORK/err" "$history does not exist"
    ok list "$L" --status finished
    # A damaged run record: show says so and shows the rest.
    printf '{"status": ' >"$(ls "$L"/diverged-20240601120000/run-*.json)"
    ok show "$L" diverged
    has "$WORK/out" "run record: [lazyscribe.artifact_load_error] artifact 'run'"
    has "$WORK/out" "[lazyscribe.parse_error] json artifact:1:12"
    grep -qE '^  loss +3 ' "$WORK/out" || fail "the history is not shown"
    ;;

# ---- S3: every command on s3:// paths, as on the local copy ---------------------------------------
s3_commands)
    if [ -z "${AWS_ENDPOINT_URL:-}" ] || [ -z "${LAZYSCRIBE_S3_TEST_BUCKET:-}" ]; then
        echo "LAZYSCRIBE-SKIP: no S3 server: set AWS_ENDPOINT_URL and LAZYSCRIBE_S3_TEST_BUCKET" \
            "(scripts/s3-server.sh start DIR; source DIR/env)"
        exit 77
    fi
    [ -x "$S3_COPY" ] || fail "no s3_copy program (7th argument)"
    S3=s3://$LAZYSCRIBE_S3_TEST_BUCKET/cli-$$-$(date +%s)
    trap '"$S3_COPY" remove "$S3" >/dev/null 2>&1 || true' EXIT
    echo "s3_commands: the copy on S3 is $S3 (removed at the end)"
    # The same tree locally (LOCAL) and on S3 (S3), byte for byte: fixtures and live runs.
    make_live
    LOCAL=$WORK/tree
    mkdir -p "$LOCAL"
    cp -r 01_basic 02_tests 03_artifacts 05_repository 07_unicode 08_edge_cases "$DATA/hostile" "$LOCAL/"
    cp -r "$L" "$LOCAL/live"
    "$S3_COPY" put "$LOCAL" "$S3" || fail "cannot upload $LOCAL to $S3"
    FOREVER=100000000  # --crashed-after: the running run stays running, however long this takes

    # same ARGS...: lazyscribe with "@/PATH" as $LOCAL/PATH, then as $S3/PATH, and "%OUT" as a
    # local output file of each: both succeed with the same stdout, stderr and output file once
    # the two roots read ROOT and the two output files OUT (and a report's time is taken out).
    normalise() {  # normalise FILE ROOT OUTFILE
        local root out
        root=$(printf '%s' "$2" | sed 's/[][\.*^$/]/\\&/g')
        out=$(printf '%s' "$3" | sed 's/[][\.*^$/]/\\&/g')
        sed -e "s/$root/ROOT/g" -e "s/$out/OUT/g" -e 's/"generated_at":"[^"]*"/"generated_at":"TIME"/' \
            -e 's/, [0-9.]* [KMGT]\?i\?B$/, SIZE/' "$1"
    }
    same() {
        local a local_args=() s3_args=() where
        last_args="$*"
        for a in "$@"; do
            case "$a" in
            @/*) local_args+=("$LOCAL/${a#@/}"); s3_args+=("$S3/${a#@/}") ;;
            %OUT) local_args+=("$WORK/local.file"); s3_args+=("$WORK/s3.file") ;;
            *) local_args+=("$a"); s3_args+=("$a") ;;
            esac
        done
        rm -f "$WORK/local.file" "$WORK/s3.file"
        touch "$WORK/local.file" "$WORK/s3.file"
        for where in local s3; do
            if [ "$where" = local ]; then run "${local_args[@]}"; else run "${s3_args[@]}"; fi
            [ "$rc" -eq 0 ] || fail "expected exit code 0, got $rc ($where: lazyscribe $last_args)"
            local root=$LOCAL
            [ "$where" = s3 ] && root=$S3
            normalise "$WORK/out" "$root" "$WORK/$where.file" >"$WORK/$where.out"
            normalise "$WORK/err" "$root" "$WORK/$where.file" >"$WORK/$where.err"
            normalise "$WORK/$where.file" "$root" "$WORK/$where.file" >"$WORK/$where.written"
        done
        local part
        for part in out err written; do
            cmp -s "$WORK/local.$part" "$WORK/s3.$part" || {
                diff -u "$WORK/local.$part" "$WORK/s3.$part" | head -40 >&2
                fail "on S3 the $part differs: lazyscribe $last_args"
            }
        done
    }

    # list: a project file, a folder (with and without '/'), both readers, every selection
    for reader in "" library; do
        export LAZYSCRIBE_LIST_READER=$reader
        same list @/01_basic
        same list @/01_basic/project.json --json
        same list @/07_unicode
        same list @/08_edge_cases/special_numbers --json
        same list @/08_edge_cases/duplicates --json
        same list @/hostile
        same list @/live --crashed-after "$FOREVER"
        same list @/live --json --crashed-after "$FOREVER"
        same list @/live --status crashed,failed --sort loss --desc --crashed-after "$FOREVER"
        same list @/01_basic --filter tag=v1 --metric accuracy
    done
    unset LAZYSCRIBE_LIST_READER
    same list @/08_edge_cases/special_numbers  # a note on stderr
    has "$WORK/s3.err" "2 more numeric metrics are not shown"
    ok list "$S3/01_basic/"
    cp "$WORK/out" "$WORK/slash"
    ok list "$LOCAL/01_basic"
    cmp -s "$WORK/out" "$WORK/slash" || fail "list s3://.../01_basic/ differs from the local list"
    # show, compare, artifacts
    same show @/02_tests churn-model
    same show @/02_tests/project.json churn-model-20240201120000 --json
    same show @/03_artifacts feature-pipeline
    same show @/07_unicode shi-yan-yi
    same show @/08_edge_cases/special_numbers special-numbers --json
    same show @/live finished-sweep
    same show @/live crashed-run  # its history from the journal
    same show @/live recovered-run --json
    same show @/live diverged
    same show @/live live-run --crashed-after "$FOREVER"
    ok show "$S3/02_tests" churn-model --json
    eq "$(q /folder /tests/0/name)" "$S3/02_tests/churn-model-20240201120000"$'\nHoldout Set (2023)'
    same compare @/01_basic baseline tuned-model
    same compare @/01_basic baseline tuned-model --json
    same compare @/02_tests churn-model --json
    same artifacts @/03_artifacts feature-pipeline
    same artifacts @/03_artifacts feature-pipeline --json
    same artifacts @/02_tests churn-model --json
    ok artifacts "$S3/03_artifacts" feature-pipeline --json
    eq "$(q /2/exists /2/size /2/path)" \
        $'true\n75\n'"$S3/03_artifacts/feature-pipeline-20240310140000/scaler-20240310140200.pkl"
    # export and report: read from S3, written locally
    same export @/01_basic
    same export @/01_basic --format json --output %OUT
    same export @/02_tests --tests
    same export @/07_unicode --format json
    same export @/hostile
    same export @/live --histories --crashed-after "$FOREVER"
    same export @/live --status crashed --format json --crashed-after "$FOREVER"
    same report @/01_basic -o %OUT
    same report @/01_basic -o %OUT --title 'hostile <b>' --where 'metrics.accuracy > 0.8'
    # A report and the viewer of a project on S3 show what they show of the local copy (artifact
    # links aside: a report links local files only).
    ok report "$S3/live" -o "$WORK/s3-live.html" --crashed-after "$FOREVER"
    report_data "$WORK/s3-live.html"
    eq "$(q /runs/projects/0/path)" "$S3/live/project.json"
    q /runs/runs /runs/metrics /runs/params /histories >"$WORK/s3-live.json"
    ok report "$LOCAL/live" -o "$WORK/local-live.html" --crashed-after "$FOREVER"
    report_data "$WORK/local-live.html"
    q /runs/runs /runs/metrics /runs/params /histories >"$WORK/local-live.json"
    cmp -s "$WORK/s3-live.json" "$WORK/local-live.json" || fail "the report of the S3 copy differs"
    "$LAZYSCRIBE" serve "$S3/live" "$S3/03_artifacts" --port 0 --crashed-after "$FOREVER" >"$WORK/serve.out" 2>"$WORK/serve.err" &
    serve_pid=$!
    for _ in $(seq 100); do grep -q "^lazyscribe: serving" "$WORK/serve.out" && break; sleep 0.1; done
    url=$(sed -n 's/^lazyscribe: serving .* at //p' "$WORK/serve.out")
    [ -n "$url" ] || { kill "$serve_pid"; fail "serve on S3 did not start: $(cat "$WORK/serve.err")"; }
    curl -sf "${url}api/runs" >"$WORK/out" || { kill "$serve_pid"; fail "GET /api/runs"; }
    eq "$(q /count /projects/1/path)" $'7\n'"$S3/03_artifacts/project.json"
    curl -sf "${url}files/1/feature-pipeline-20240310140000/config.json" >"$WORK/served.json" || {
        kill "$serve_pid"; fail "GET an artifact on S3"; }
    cmp -s "$WORK/served.json" "$LOCAL/03_artifacts/feature-pipeline-20240310140000/config.json" || {
        kill "$serve_pid"; fail "the artifact served from S3 differs"; }
    kill "$serve_pid"
    wait "$serve_pid" || fail "serve did not stop cleanly on SIGTERM"
    # repositories
    same repo list @/05_repository
    same repo list @/05_repository/repository.json --json
    same repo show @/05_repository model-config
    same repo show @/05_repository model-config --version 0 --json
    same repo show @/05_repository model-config --asof 2024-05-03T00:00:00
    same repo show @/05_repository 'Feature List' --json
    same repo diff @/05_repository model-config 0 2
    same repo diff @/05_repository model-config 1 --json
    # a missing artifact file is reported, as locally
    rm "$LOCAL/02_tests/churn-model-20240201120000/thresholds-20240201120000.json"
    "$S3_COPY" remove "$S3/02_tests/churn-model-20240201120000/thresholds-20240201120000.json" || fail "remove"
    same artifacts @/02_tests churn-model --json
    eq "$(q /0/exists /0/size /1/exists)" $'false\nnull\ntrue'
    same artifacts @/02_tests churn-model
    same show @/02_tests churn-model

    # missing projects and repositories: the local failures, naming the s3:// path
    for missing in "$S3/nope" "$S3/nope/project.json" "s3://$LAZYSCRIBE_S3_TEST_BUCKET-no-such-bucket/p/project.json"; do
        run list "$missing"
        expect_rc 1
        eq "$(cat "$WORK/err")" "lazyscribe: error: $missing: no such project file"
        eq "$(cat "$WORK/out")" ""
    done
    run show "$S3/nope/" x
    expect_rc 1
    eq "$(cat "$WORK/err")" "lazyscribe: error: $S3/nope/project.json: no such project file"
    run export "$S3/nope"
    expect_rc 1
    has "$WORK/err" "$S3/nope: no such project file"
    run repo list "$S3/01_basic"
    expect_rc 1
    eq "$(cat "$WORK/err")" "lazyscribe: error: $S3/01_basic: no such repository file"
    run show "$S3/01_basic" no-such-slug
    expect_rc 1
    has "$WORK/err" "$S3/01_basic/project.json: no experiment with slug or short slug 'no-such-slug'"
    run report "$S3/01_basic" -o "$S3/report.html"  # what the tool writes for the user stays local
    expect_rc 1
    has "$WORK/err" "$S3/report.html: not a local path"
    run export "$S3/01_basic" --output "$S3/x.csv"
    expect_rc 1
    has "$WORK/err" "$S3/x.csv: not a local path"

    # merge: from S3 and local projects into S3, from S3 into a local folder
    ok merge "$S3/merged/project.json" "$S3/01_basic" 02_tests "$S3/03_artifacts/project.json" \
        "$S3/08_edge_cases/duplicates"
    eq "$(cat "$WORK/out")" "wrote $S3/merged/project.json: 6 experiments from 4 projects (1 older version of a slug dropped); copied 2 experiment folders"
    ok merge "$LOCAL/merged/project.json" "$LOCAL/01_basic" 02_tests "$LOCAL/03_artifacts/project.json" \
        "$LOCAL/08_edge_cases/duplicates"
    "$S3_COPY" cat "$S3/merged/project.json" >"$WORK/merged.json" || fail "no merged project on S3"
    cmp "$WORK/merged.json" "$LOCAL/merged/project.json" || fail "the merged project on S3 differs"
    same list @/merged --json
    same artifacts @/merged feature-pipeline --json
    same artifacts @/merged churn-model --json
    "$S3_COPY" cat "$S3/merged/feature-pipeline-20240310140000/scaler-20240310140200.pkl" >"$WORK/scaler.pkl"
    cmp "$WORK/scaler.pkl" 03_artifacts/feature-pipeline-20240310140000/scaler-20240310140200.pkl \
        || fail "the pickle file changed on its way to S3"
    ok merge "$S3/merged/" "$S3/merged"  # a folder; into itself: the same bytes
    "$S3_COPY" cat "$S3/merged/project.json" >"$WORK/again.json"
    cmp "$WORK/again.json" "$WORK/merged.json" || fail "merging a project on S3 into itself changed it"
    ok merge "$WORK/from-s3/project.json" "$S3/03_artifacts" "$S3/live"  # every file of the folders, as locally
    sed "s#/from-s3/#/from-local/#" "$WORK/out" >"$WORK/from-s3.out"
    ok merge "$WORK/from-local/project.json" "$LOCAL/03_artifacts" "$LOCAL/live"
    cmp "$WORK/out" "$WORK/from-s3.out" || fail "merge from S3 says otherwise than from the local copy"
    has "$WORK/out" "copied "
    # (project.json aside: writing it records the crashed runs' recovery, at the time of each merge)
    diff -r -x project.json "$WORK/from-local" "$WORK/from-s3" >&2 \
        || fail "merge from S3 copied other files than from the local copy"
    journal=$(cd "$L" && ls crashed-run-20240601140000/history-*.journal)
    cmp "$WORK/from-s3/$journal" "$L/$journal" || fail "the crashed run's journal did not come along"
    ok show "$WORK/from-s3" finished-sweep --json  # its history artifact came along
    eq "$(q /histories/loss/points)" 11
    run merge "$S3/failed.json" 01_basic "$S3/no/such.json"
    expect_rc 1
    has "$WORK/err" "$S3/no/such.json: no such project file"
    "$S3_COPY" cat "$S3/failed.json" >/dev/null 2>&1 && fail "a failed merge wrote its output"
    ;;

s3_unsupported)
    run list s3://bucket/prefix
    expect_rc 1
    has "$WORK/err" "lazyscribe: error: s3://bucket/prefix: this lazyscribe was built without S3 support"
    run repo list s3://bucket/prefix/repository.json
    expect_rc 1
    has "$WORK/err" "built without S3 support"
    run list gs://bucket/prefix
    expect_rc 1
    has "$WORK/err" "unknown protocol 'gs://'"
    ;;

*)
    echo "unknown case: $case_name" >&2
    exit 2
    ;;
esac
echo "ok [$case_name]"
