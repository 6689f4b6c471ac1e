// Releases (release.hpp): the releases file each way, as a file, a string or a stream, byte for
// byte as Python's lazyscribe.release dump/dumps/load/loads; find_release; create_release and
// minimal_repository_from_release against fixture 06.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <sstream>

namespace ls = lazyscribe;
using lazyscribe_test::read_file;

namespace {

using handlers = ls::builtin_handlers::with<lazyscribe_test::text_handler>;
using repository_t = ls::basic_repository<handlers>;

ls::time_point fake_now = ls::detail::parse_time("2024-05-01T09:00:00").value();
ls::time_point fake_clock() { return fake_now; }
void set_now(const char* text) { fake_now = ls::detail::parse_time(text).value(); }
ls::time_point at(const char* text) { return ls::detail::parse_time(text).value(); }

[[maybe_unused]] std::vector<ls::release> two_releases() {
    return {{"v1.0", {{"model-config", 2}, {"Feature List", 0}}, at("2024-05-02T12:00:00")},
            {"v2 \u00e9 \u65e5\u672c", {}, at("2024-06-01T00:00:00")}};
}

}  // namespace

// In memory and on local fixtures: once, in the unit binary.
#ifndef LAZYSCRIBE_TEST_ON_S3
TEST_CASE("releases: dumps_releases is Python's lazyscribe.release.dumps, default kwargs and others") {
    // PYTHONPATH=... python3 -c 'from lazyscribe import release as lzr; print(repr(lzr.dumps(rs)))'
    CHECK(ls::dumps_releases(two_releases()) ==
          R"([{"tag": "v1.0", "artifacts": [["model-config", 2], ["Feature List", 0]], "created_at": )"
          R"("2024-05-02T12:00:00"}, {"tag": "v2 \u00e9 \u65e5\u672c", "artifacts": [], "created_at": )"
          R"("2024-06-01T00:00:00"}])");
    CHECK(ls::dumps_releases({}) == "[]");
    CHECK(ls::dumps_releases(two_releases(), {{"indent", 2}, {"ensure_ascii", false}}) ==
          "[\n  {\n    \"tag\": \"v1.0\",\n    \"artifacts\": [\n      [\n        \"model-config\",\n        2\n"
          "      ],\n      [\n        \"Feature List\",\n        0\n      ]\n    ],\n    \"created_at\": "
          "\"2024-05-02T12:00:00\"\n  },\n  {\n    \"tag\": \"v2 \u00e9 \u65e5\u672c\",\n    \"artifacts\": [],\n"
          "    \"created_at\": \"2024-06-01T00:00:00\"\n  }\n]");
    CHECK_THROWS_AS(ls::dumps_releases(two_releases(), {{"cls", "x"}}), ls::format_error);

    // The stream form writes the same bytes; a failed stream is a save_error.
    std::ostringstream out;
    ls::dump_releases(two_releases(), out);
    CHECK(out.str() == ls::dumps_releases(two_releases()));
    std::ostringstream broken;
    broken.setstate(std::ios::badbit);
    CHECK_THROWS_AS(ls::dump_releases(two_releases(), broken), ls::save_error);
}

TEST_CASE("releases: loads_releases and the stream load_releases read what dumps wrote, and refuse bad text") {
    const auto releases = two_releases();
    CHECK(ls::loads_releases(ls::dumps_releases(releases)) == releases);
    std::istringstream in(ls::dumps_releases(releases, {{"indent", 4}}));
    CHECK(ls::load_releases(in) == releases);
    // Any layout json.loads accepts; fromisoformat's fractions are truncated.
    CHECK(
        ls::loads_releases(R"( [ {"created_at": "2024-05-02 12:00:00.999", "tag": "x", "artifacts": [["a", 1]]} ] )") ==
        std::vector<ls::release>{{"x", {{"a", 1}}, at("2024-05-02T12:00:00")}});
    CHECK_THROWS_AS(ls::loads_releases("[{\"tag\": "), ls::parse_error);
    CHECK_THROWS_WITH(ls::loads_releases("[{\"tag\": ", "mine.json"), Catch::Contains("mine.json:1:"));
    CHECK_THROWS_WITH(ls::loads_releases(R"([{"tag": 1, "artifacts": [], "created_at": "2024-01-01T00:00:00"}])"),
                      Catch::Contains("<releases string>: [0]: field 'tag' must be a string"));
    CHECK_THROWS_WITH(
        ls::loads_releases(R"([{"tag": "t", "artifacts": [["a"]], "created_at": "2024-01-01T00:00:00"}])"),
        Catch::Contains("[name, version] pairs"));
    std::istringstream bad_time(R"([{"tag": "t", "artifacts": [], "created_at": "yesterday"}])");
    CHECK_THROWS_WITH(ls::load_releases(bad_time, "piped"), Catch::Contains("piped: [0]: field 'created_at'"));
    CHECK_THROWS_AS(ls::loads_releases("{}"), ls::format_error);
}

TEST_CASE("releases: fixture 06 loads, dumps byte for byte, and find_release matches Python") {
    const auto root = lazyscribe_test::fixtures();
    const auto x = ls::detail::pyjson::parse<ls::json>(read_file(root / "06_releases/expectations.json"), "x");
    const auto releases = ls::load_releases(root / "06_releases/releases.json");
    const auto& xr = x["releases"][0];
    REQUIRE(releases.size() == xr["expected"].size());
    for (std::size_t i = 0; i < releases.size(); ++i) {
        CHECK(releases[i].tag == xr["expected"][i]["tag"]);
        CHECK(ls::detail::format_time(releases[i].created_at) == xr["expected"][i]["created_at"]);
        CHECK(ls::json(releases[i].artifacts) == xr["expected"][i]["artifacts"]);
    }
    std::ostringstream out;
    ls::dump_releases(releases, out, {{"indent", 4}});
    CHECK(out.str() == read_file(root / "06_releases/releases.json"));
    for (const auto& f : xr["find"]) {
        INFO(f.dump());
        if (f.contains("error")) {
            CHECK_THROWS_AS(ls::find_release(releases, at(f["asof"].get<std::string>().c_str()), ls::match::asof),
                            ls::version_not_found_error);
        } else if (f.contains("asof")) {
            CHECK(ls::find_release(releases, at(f["asof"].get<std::string>().c_str()), ls::match::asof).tag ==
                  f["expect_tag"]);
        } else {
            CHECK(ls::find_release(releases, f["tag"].get<std::string>()).tag == f["tag"]);
        }
    }
    CHECK(ls::find_release(releases).tag == "2.0.0");
    CHECK_THROWS_AS(ls::find_release(releases, "9.9.9"), ls::version_not_found_error);
}
#endif

TEST_CASE("releases: create_release and minimal_repository_from_release reproduce Python's files") {
    const auto root = lazyscribe_test::fixtures();
    set_now("2024-05-02T12:00:00");
    repository_t repo(root / "05_repository/repository.json", ls::mode::read_only, {&fake_clock});
    const auto rel = ls::create_release(repo, "1.0.0", &fake_clock);
    const auto expected = ls::load_releases(root / "06_releases/releases.json");
    CHECK(rel == expected[0]);
    CHECK_THROWS_AS(ls::create_release(repository_t(root / "05_repository/repository.json", ls::mode::edit), "x"),
                    ls::read_only_error);

    LAZYSCRIBE_TEST_DIR(dir);
    const auto minimal = ls::minimal_repository_from_release(dir / "minimal", repo, rel);
    CHECK(dir.read(dir / "minimal/repository.json") == read_file(root / "06_releases/minimal-1.0.0/repository.json"));
    CHECK(dir.read(dir / "minimal/model-config/model-config-20240502090000.json") ==
          read_file(root / "06_releases/minimal-1.0.0/model-config/model-config-20240502090000.json"));
    CHECK(minimal.load_artifact<ls::json>("Feature List") == ls::json{"age", "income"});

    std::vector<ls::release> both{rel};
    ls::dump_releases(both, dir / "releases.json");
    CHECK(ls::load_releases(dir / "releases.json") == both);
}
