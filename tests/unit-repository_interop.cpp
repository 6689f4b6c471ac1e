// Repositories and releases exchanged with the real Python lazyscribe 2.2.1
// (tests/python_oracle.hpp): get_version_diff's text, set_artifact_expiry with as-of matching,
// and releases as strings and streams, each compared with what Python makes of the same files.
#include "python_oracle.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <sstream>

namespace ls = lazyscribe;
using lazyscribe_test::python_ok;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;

namespace {

// Moves Python lazyscribe's frozen clock (the prelude's _LZ_FROZEN) in a script.
constexpr const char* python_clock = R"(
import datetime, json
from lazyscribe import Repository
def at(text):
    _lz_utils.utcnow.__globals__['_LZ_FROZEN'] = datetime.datetime.fromisoformat(text)
)";

ls::time_point frozen = ls::detail::parse_time("2025-01-02T03:04:05").value();  // python_ok's default
ls::time_point frozen_clock() { return frozen; }
void set_frozen(const char* text) { frozen = ls::detail::parse_time(text).value(); }

ls::json read_json(const std::filesystem::path& file) {
    return ls::detail::pyjson::parse<ls::json>(read_file(file), file.string());
}

}  // namespace

TEST_CASE("repository interop: get_version_diff gives Python's text for every argument form") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    // Python writes the repository and its own diffs of it.
    python_ok(std::string(python_clock) + R"(
r = Repository("repository.json", mode="w")
at("2024-05-01T09:00:00")
r.log_artifact("cfg", {"a": 1, "b": [1, 2], "c": "x"}, handler="json", indent=2)
r.log_artifact("long", [f"item {i}" for i in range(40)], handler="json", indent=1)
at("2024-05-02T09:00:00")
r.log_artifact("cfg", {"a": 2, "b": [1, 2], "c": "x", "d": None}, handler="json", indent=2)
r.log_artifact("long", [f"item {i}" if i not in (3, 30) else "changed" for i in range(40)], handler="json", indent=1)
at("2024-05-03T09:00:00")
r.log_artifact("cfg", {"a": 3, "\u00e9": "\u65e5\u672c"}, handler="json", indent=2)
r.save()
at("2024-06-01T00:00:00")
out = {
    "one": r.get_version_diff("cfg", 0),
    "latest": r.get_version_diff("cfg", 2),
    "pair_reversed": r.get_version_diff("cfg", (2, 0)),
    "pair": r.get_version_diff("cfg", (1, 2)),
    "times": r.get_version_diff("cfg", ("2024-05-03T09:00:00", "2024-05-01T09:00:00")),
    "asof_one": r.get_version_diff("cfg", "2024-05-02T12:00:00", match="asof"),
    "asof_pair": r.get_version_diff("cfg", ("2024-05-02T12:00:00", "2024-05-01T12:00:00"), match="asof"),
    "hunks": r.get_version_diff("long", 0),
}
with open("diffs.json", "w") as f:
    json.dump(out, f)
)",
              dir.path());
    const auto expected = read_json(dir / "diffs.json");
    set_frozen("2024-06-01T00:00:00");
    const ls::repository repo(dir / "repository.json", ls::mode::read_only, {&frozen_clock});
    CHECK(repo.get_version_diff("cfg", 0) == expected["one"]);
    CHECK(repo.get_version_diff("cfg", 2) == expected["latest"]);
    CHECK(repo.get_version_diff("cfg", {2, 0}) == expected["pair_reversed"]);
    CHECK(repo.get_version_diff("cfg", {1, 2}) == expected["pair"]);
    CHECK(repo.get_version_diff("cfg", {"2024-05-03T09:00:00", "2024-05-01T09:00:00"}) == expected["times"]);
    CHECK(repo.get_version_diff("cfg", "2024-05-02T12:00:00", ls::match::asof) == expected["asof_one"]);
    CHECK(repo.get_version_diff("cfg", {"2024-05-02T12:00:00", "2024-05-01T12:00:00"}, ls::match::asof) ==
          expected["asof_pair"]);
    CHECK(repo.get_version_diff("long", 0) == expected["hunks"]);
    const std::string hunks = expected["hunks"].get<std::string>();
    CHECK(hunks.find("\n@@ -", hunks.find("\n@@ -") + 1) != std::string::npos);  // two hunks

    // The other way: versions C++ wrote, diffed by Python.
    {
        ls::repository ours(dir / "ours/repository.json", ls::mode::write, {&frozen_clock});
        set_frozen("2024-07-01T00:00:00");
        ours.log_artifact<"json">("m", ls::json{{"k", 1}, {"list", {1, 2, 3}}}, {.kwargs = {{"indent", 4}}});
        set_frozen("2024-07-02T00:00:00");
        ours.log_artifact<"json">("m", ls::json{{"k", 2}, {"list", {1, 3}}}, {.kwargs = {{"indent", 4}}});
        ours.save();
        const std::string cpp = ours.get_version_diff("m", {1, 0});
        CHECK_FALSE(cpp.empty());
        const auto py = python_ok(std::string(python_clock) + R"(
at("2024-07-03T00:00:00")
r = Repository("ours/repository.json", mode="r")
with open("py_diff.txt", "w", newline="") as f:
    f.write(r.get_version_diff("m", (1, 0)))
)",
                                  dir.path());
        CHECK(read_file(dir / "py_diff.txt") == cpp);
    }
}

TEST_CASE("repository interop: set_artifact_expiry as of a time marks the versions Python marks") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    python_ok(std::string(python_clock) + R"(
import shutil
r = Repository("base/repository.json", mode="w")
for day in (1, 3, 5):
    at(f"2024-05-0{day}T00:00:00")
    r.log_artifact("m", day, handler="json")
r.save()
shutil.copytree("base", "py")
shutil.copytree("base", "cpp")
at("2025-01-02T03:04:05")
r = Repository("py/repository.json", mode="w+")
r.set_artifact_expiry("m", "2024-05-02T00:00:00", match="asof", expiry="2024-05-02T12:00:00")
r.set_artifact_expiry("m", datetime.datetime(2024, 5, 4), match="asof")
r.set_artifact_expiry("m", "2024-05-05T00:00:00", match="asof", expiry=datetime.datetime(2030, 1, 1))
r.save()
)",
              dir.path());
    {
        ls::repository repo(dir / "cpp/repository.json", ls::mode::edit, {&frozen_clock});
        set_frozen("2025-01-02T03:04:05");
        repo.set_artifact_expiry("m", "2024-05-02T00:00:00", ls::match::asof, "2024-05-02T12:00:00");
        repo.set_artifact_expiry("m", ls::detail::parse_time("2024-05-04T00:00:00").value(), ls::match::asof);
        repo.set_artifact_expiry("m", "2024-05-05T00:00:00", ls::match::asof,
                                 ls::detail::parse_time("2030-01-01T00:00:00"));
        repo.save();
    }
    CHECK(read_file(dir / "cpp/repository.json") == read_file(dir / "py/repository.json"));
    const auto out = python_ok(R"(
from lazyscribe import Repository
r = Repository("cpp/repository.json", mode="r")
print([r.get_artifact_metadata("m", v)["expiry"] for v in range(3)])
)",
                               dir.path());
    CHECK(out == "['2024-05-02T12:00:00', '2025-01-02T03:04:05', '2030-01-01T00:00:00']\n");
}

TEST_CASE("release interop: releases as strings and streams are Python's dumps/dump/loads/load bytes") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    python_ok(R"(
import datetime
from lazyscribe import release as lzr
rs = [
    lzr.Release(tag="v1.0", artifacts=[("model-config", 2), ("Feature List", 0)],
                created_at=datetime.datetime(2024, 5, 2, 12, 0, 0)),
    lzr.Release(tag="v2 \u00e9 \u65e5\u672c", artifacts=[("\u00e9t\u00e9", 7)],
                created_at=datetime.datetime(2024, 6, 1)),
]
with open("dumps.txt", "w", encoding="utf-8", newline="") as f:
    f.write(lzr.dumps(rs))
with open("dump_indent.txt", "w", encoding="utf-8", newline="") as f:
    lzr.dump(rs, f, indent=4)
with open("dumps_raw.txt", "w", encoding="utf-8", newline="") as f:
    f.write(lzr.dumps(rs, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
)",
              dir.path());
    const auto from_python = ls::loads_releases(read_file(dir / "dumps.txt"));
    REQUIRE(from_python.size() == 2);
    CHECK(from_python[1].artifacts == std::vector<std::pair<std::string, long long>>{{"\u00e9t\u00e9", 7}});
    CHECK(ls::dumps_releases(from_python) == read_file(dir / "dumps.txt"));
    std::ostringstream out;
    ls::dump_releases(from_python, out, {{"indent", 4}});
    CHECK(out.str() == read_file(dir / "dump_indent.txt"));
    CHECK(ls::dumps_releases(from_python, {{"ensure_ascii", false}, {"sort_keys", true}, {"separators", {",", ":"}}}) ==
          read_file(dir / "dumps_raw.txt"));
    std::istringstream in(read_file(dir / "dump_indent.txt"));
    CHECK(ls::load_releases(in) == from_python);

    // What we write, Python reads back to the same releases.
    lazyscribe_test::write_file(dir / "ours.txt", ls::dumps_releases(from_python, {{"indent", 2}}));
    const auto seen = python_ok(R"(
from lazyscribe import release as lzr
with open("ours.txt", encoding="utf-8") as f:
    a = lzr.load(f)
with open("dumps.txt", encoding="utf-8") as f:
    b = lzr.loads(f.read())
print(a == b, [r.tag for r in a] == ["v1.0", "v2 \u00e9 \u65e5\u672c"])
)",
                                dir.path());
    CHECK(seen == "True True\n");
}
