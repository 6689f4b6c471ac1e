// release_from_toml (release_toml.hpp, built only with toml++): the releases files it writes,
// byte for byte those of Python's lazyscribe.release.release_from_toml on the same
// configuration, and typed errors naming the file and the key for bad configurations.
#include "python_oracle.hpp"
#include "support.hpp"

#include <lazyscribe/release_toml.hpp>

#include <catch2/catch.hpp>

namespace ls = lazyscribe;
using lazyscribe_test::python_ok;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;
using lazyscribe_test::write_file;

namespace {

ls::time_point frozen = ls::detail::parse_time("2025-01-02T03:04:05").value();  // python_ok's default
ls::time_point frozen_clock() { return frozen; }

// Two repositories under `root`: models/a (one artifact, two versions) and models/b.
void make_repositories(const std::filesystem::path& root) {
    const auto clock = [] { return ls::detail::parse_time("2024-05-01T09:00:00").value(); };
    {
        ls::repository a(root / "models/a/repository.json", ls::mode::write, {+clock});
        a.log_artifact<"json">("model-config", ls::json{{"lr", 0.1}});
        a.log_artifact<"json">("model-config", ls::json{{"lr", 0.2}});
        a.log_artifact<"json">("features", ls::json{"age"});
        a.save();
    }
    ls::repository b(root / "models/b/repository.json", ls::mode::write, {+clock});
    b.log_artifact<"json">("thresholds", ls::json{0.5});
    b.save();
}

ls::release_toml_options in(const std::filesystem::path& base) {
    ls::release_toml_options o;
    o.base = base;
    o.clock = &frozen_clock;
    return o;
}

constexpr const char* config = R"(
[project]
name = "demo"
version = "1.0.0"

[tool.lazyscribe]
repositories = ["models/a/repository.json", "models/b/repository.json"]
)";

}  // namespace

TEST_CASE("release_from_toml: a release per repository, appended unless its tag is there") {
    temp_dir dir;
    make_repositories(dir.path());
    auto outcomes = ls::release_from_toml(config, in(dir.path()));
    REQUIRE(outcomes.size() == 2);
    CHECK(outcomes[0].written);
    CHECK(outcomes[0].made.tag == "1.0.0");
    CHECK(outcomes[0].made.artifacts ==
          std::vector<std::pair<std::string, long long>>{{"features", 0}, {"model-config", 1}});
    CHECK(outcomes[1].repository == std::filesystem::path("models/b/repository.json"));
    CHECK(outcomes[1].releases_file == dir / "models/b/releases.json");
    CHECK(read_file(dir / "models/a/releases.json") ==
          "[\n    {\n        \"tag\": \"1.0.0\",\n        \"artifacts\": [\n            [\n"
          "                \"features\",\n"
          "                0\n            ],\n            [\n                \"model-config\",\n                1\n"
          "            ]\n        ],\n        \"created_at\": \"2025-01-02T03:04:05\"\n    }\n]");

    // Again: the tag is there, nothing is written.
    const auto before = read_file(dir / "models/a/releases.json");
    outcomes = ls::release_from_toml(config, in(dir.path()));
    CHECK_FALSE(outcomes[0].written);
    CHECK_FALSE(outcomes[1].written);
    CHECK(read_file(dir / "models/a/releases.json") == before);

    // A new version is appended; tool.lazyscribe.version is the fallback.
    outcomes = ls::release_from_toml(
        "[tool.lazyscribe]\nversion = \"1.1.0\"\nrepositories = [\"models/a/repository.json\"]\n", in(dir.path()));
    CHECK(outcomes.at(0).written);
    const auto releases = ls::load_releases(dir / "models/a/releases.json");
    REQUIRE(releases.size() == 2);
    CHECK(releases[1].tag == "1.1.0");

    // The same folder twice: one release, as Python (the second sees the first's).
    outcomes = ls::release_from_toml(
        "[project]\nversion = \"2.0\"\n[tool.lazyscribe]\nrepositories = "
        "[\"models/b/repository.json\", \"models/b/../b/repository.json\"]\n",
        in(dir.path()));
    CHECK(outcomes.at(0).written);
    CHECK_FALSE(outcomes.at(1).written);
    CHECK(ls::load_releases(dir / "models/b/releases.json").size() == 2);
}

TEST_CASE("release_from_toml: the deprecated format key makes the tag as Python's str.format") {
    temp_dir dir;
    make_repositories(dir.path());
    const auto tag = [&](const std::string& format) {
        const auto text = "[project]\nversion = \"1.2\"\n[tool.lazyscribe]\nformat = '" + format +
                          "'\nrepositories = [\"models/b/repository.json\"]\n";
        return ls::release_from_toml(text, in(dir.path())).at(0).made.tag;
    };
    CHECK(tag("{version}-{year}.{month}.{day}") == "1.2-2025.1.2");
    CHECK(tag("v{version}+{year}{month:02d}{day:02}") == "v1.2+20250102");
    CHECK(tag("{{{version}}} {day:3d}") == "{1.2}   2");
    CHECK_THROWS_WITH(tag("{version}-{week}"), Catch::Contains("<toml string>:4:10: key 'tool.lazyscribe.format'") &&
                                                   Catch::Contains("unknown field '{week}'"));
    CHECK_THROWS_WITH(tag("{version:>8}"), Catch::Contains("not supported"));
    CHECK_THROWS_WITH(tag("{month:x}"), Catch::Contains("format spec 'x' is not supported"));
    CHECK_THROWS_WITH(tag("{version"), Catch::Contains("single '{'"));
    CHECK_THROWS_WITH(tag("version}"), Catch::Contains("single '}'"));
}

TEST_CASE("release_from_toml: bad configurations are typed errors naming the file and the key, nothing is written") {
    temp_dir dir;
    make_repositories(dir.path());
    const auto file = dir / "pyproject.toml";
    const auto fails = [&](const std::string& text) {
        write_file(file, text);
        return [&] { (void)ls::release_from_toml_file(file, in(dir.path())); };
    };
    const std::string where = file.string();
    CHECK_THROWS_AS(fails("[project\nversion = 1")(), ls::parse_error);
    CHECK_THROWS_WITH(fails("[project]\nversion = \n")(),
                      Catch::StartsWith("[lazyscribe.parse_error] " + where + ":2:"));
    CHECK_THROWS_WITH(fails("[project]\nversion = \"1\"\n")(), Catch::Contains(where + ": missing table '[tool]'"));
    CHECK_THROWS_WITH(fails("[project]\nversion = \"1\"\n[tool.other]\nx = 1\n")(),
                      Catch::Contains(where + ": missing table '[tool.lazyscribe]'"));
    CHECK_THROWS_WITH(fails("[project]\nversion = 1\n[tool.lazyscribe]\nrepositories = []\n")(),
                      Catch::Contains(where + ":2:11: key 'project.version' must be a string, got an integer"));
    CHECK_THROWS_WITH(fails("[project]\nname = \"x\"\n[tool.lazyscribe]\nrepositories = []\n")(),
                      Catch::Contains("set key 'project.version' or 'tool.lazyscribe.version'"));
    CHECK_THROWS_WITH(fails("[project]\nversion = \"1\"\n[tool.lazyscribe]\n")(),
                      Catch::Contains(where + ": missing key 'tool.lazyscribe.repositories'"));
    CHECK_THROWS_WITH(fails("[project]\nversion = \"1\"\n[tool.lazyscribe]\nrepositories = \"models\"\n")(),
                      Catch::Contains(":4:16: key 'tool.lazyscribe.repositories' must be an array of paths, "
                                      "got a string"));
    CHECK_THROWS_WITH(fails("[project]\nversion = \"1\"\n[tool.lazyscribe]\nformat = 3\nrepositories = []\n")(),
                      Catch::Contains("key 'tool.lazyscribe.format' must be a string, got an integer"));
    CHECK_THROWS_WITH(
        fails("[project]\nversion = \"1\"\n[tool.lazyscribe]\nrepositories = [\"models/a/repository.json\", 2]\n")(),
        Catch::Contains(":4:45: key 'tool.lazyscribe.repositories[1]' must be a path string, got an integer"));
    // A missing repository file, listed after a good one: an error, and the good one's
    // releases file is not written either.
    CHECK_THROWS_AS(fails("[project]\nversion = \"1\"\n[tool.lazyscribe]\n"
                          "repositories = [\"models/a/repository.json\", \"models/c/repository.json\"]\n")(),
                    ls::path_error);
    CHECK_THROWS_WITH(fails("[project]\nversion = \"1\"\n[tool.lazyscribe]\n"
                            "repositories = [\"models/a/repository.json\", \"models/c/repository.json\"]\n")(),
                      Catch::Contains("key 'tool.lazyscribe.repositories[1]': repository file ") &&
                          Catch::Contains("models/c/repository.json does not exist"));
    CHECK_FALSE(std::filesystem::exists(dir / "models/a/releases.json"));
    // A broken releases file is named, and left as it was.
    write_file(dir / "models/b/releases.json", "[{\"tag\": ");
    CHECK_THROWS_WITH(fails(config)(), Catch::Contains("models/b/releases.json:1:"));
    CHECK(read_file(dir / "models/b/releases.json") == "[{\"tag\": ");
    CHECK_FALSE(std::filesystem::exists(dir / "models/a/releases.json"));
    CHECK_THROWS_AS(ls::release_from_toml_file(dir / "missing.toml"), ls::path_error);
}

TEST_CASE("release_from_toml interop: the releases files Python's release_from_toml writes, byte for byte") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    make_repositories(dir / "py");
    make_repositories(dir / "cpp");
    // An existing releases file with another tag, and one that already has this tag.
    const ls::release old{"0.9.0", {{"thresholds", 0}}, ls::detail::parse_time("2024-05-01T10:00:00").value()};
    const auto earlier = ls::dumps_releases({old}, {{"indent", 4}});
    for (const char* side : {"py", "cpp"}) write_file(dir / side / "models/b/releases.json", earlier);
    const std::string second =
        "[tool.lazyscribe]\nversion = \"0.9.0\"\nformat = \"{version}.{year}{month:02d}\"\n"
        "repositories = [\"models/a/repository.json\", \"models/b/repository.json\"]\n";
    write_file(dir / "py/first.toml", config);
    write_file(dir / "py/second.toml", second);
    python_ok(R"(
import os, warnings
from lazyscribe.release import release_from_toml
os.chdir("py")
with open("first.toml") as f:
    release_from_toml(f.read())
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    with open("second.toml") as f:
        release_from_toml(f.read())
    release_from_toml("[tool.lazyscribe]\nversion = '0.9.0'\nrepositories = ['models/b/repository.json']\n")
)",
              dir.path());
    (void)ls::release_from_toml(config, in(dir / "cpp"));
    (void)ls::release_from_toml(second, in(dir / "cpp"));
    const auto skipped = ls::release_from_toml(
        "[tool.lazyscribe]\nversion = '0.9.0'\nrepositories = ['models/b/repository.json']\n", in(dir / "cpp"));
    CHECK_FALSE(skipped.at(0).written);
    for (const char* file : {"models/a/releases.json", "models/b/releases.json"}) {
        INFO(file);
        CHECK(read_file(dir / "cpp" / file) == read_file(dir / "py" / file));
    }
    CHECK(ls::load_releases(dir / "cpp/models/b/releases.json").size() == 3);  // 0.9.0, 1.0.0, 0.9.0.202501

    // Python reads the files we wrote.
    const auto out = python_ok(R"(
from lazyscribe import release as lzr
with open("cpp/models/a/releases.json") as f:
    print([(r.tag, r.artifacts) for r in lzr.load(f)])
)",
                               dir.path());
    CHECK(out ==
          "[('1.0.0', [['features', 0], ['model-config', 1]]), ('0.9.0.202501', [['features', 0], "
          "['model-config', 1]])]\n");
}
