// read_summary (summary.hpp): the same experiments, values, defaults, order and errors as
// lazyscribe::project gives, on one thread and on several. Also time.hpp's now().

#include <lazyscribe/json.hpp>
#include <lazyscribe/summary.hpp>
#include <lazyscribe/time.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <ostream>
#include <typeinfo>
#include <filesystem>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

using lazyscribe::experiment_summary;
using lazyscribe_test::fixtures;
using lazyscribe_test::temp_dir;
using lazyscribe_test::write_file;

std::vector<experiment_summary> from_project(const std::filesystem::path& file,
                                             const lazyscribe::project_options& options = {}) {
    const lazyscribe::project p(file, lazyscribe::mode::read_only, options);
    std::vector<experiment_summary> out;
    for (const auto& e : p) out.emplace_back(e);
    return out;
}

// One experiment object as Python writes it (sorted keys), with `extra` members added last
// (a repeated key: the last one counts, as in Python's json.load).
std::string experiment_text(const std::string& name, const std::string& created, const std::string& updated,
                            const std::string& slug, int index, const std::string& extra = {}) {
    return "{\"artifacts\": [], \"author\": \"a" + std::to_string(index % 3) + "\", \"created_at\": \"" + created +
           "\", \"dependencies\": [], \"last_updated\": \"" + updated +
           "\", \"last_updated_by\": \"b\", \"metrics\": {\"acc\": " + std::to_string(index) + ".5}, \"name\": \"" +
           name + "\", \"parameters\": {\"p\": [1, 2]}, \"short_slug\": \"s\", \"slug\": \"" + slug +
           "\", \"tags\": [\"t" + std::to_string(index % 5) + "\"], \"tests\": []" +
           (extra.empty() ? "" : ", " + extra) + "}";
}

std::string stamp(int minute) {
    return lazyscribe::format_time(lazyscribe::time_point{} + std::chrono::hours(24 * 365 * 54) +
                                   std::chrono::minutes(minute));
}

// `count` experiments written out of order, with equal creation times and repeated slugs,
// so that the insertion order matters.
std::string shuffled_project(int count, const std::string& bad_entry = {}, int bad_at = -1) {
    std::string text = "[";
    for (int p = 0; p < count; ++p) {
        const int i = (p * 7919) % count;
        const int slug_of = i % 7 == 6 ? i - 1 : i;
        const int minute = slug_of / 3;
        text += p == 0 ? "\n" : ",\n";
        text += p == bad_at ? bad_entry
                            : experiment_text("E " + std::to_string(i), stamp(minute), stamp(minute + i % 5),
                                              "e-" + std::to_string(slug_of), i);
    }
    return text + "\n]";
}

// Every field as text, metrics as Python writes them (NaN is not equal to itself as a value).
std::vector<std::string> rows(const std::vector<experiment_summary>& summaries) {
    std::vector<std::string> out;
    for (const auto& s : summaries) {
        std::string tags;
        for (const auto& t : s.tags()) tags += t + ",";
        out.push_back(s.name() + "|" + s.slug() + "|" + s.short_slug() + "|" + s.author() + "|" + s.last_updated_by() +
                      "|" + lazyscribe::format_time(s.created_at()) + "|" + lazyscribe::format_time(s.last_updated()) +
                      "|" + tags + "|" + lazyscribe::dumps(s.metrics()) + "|" + std::to_string(s.test_count()) + "|" +
                      std::to_string(s.artifact_count()));
    }
    return out;
}

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return std::string(typeid(e).name()) + ": " + e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("read_summary gives what lazyscribe::project gives for every fixture", "[summary]") {
    for (const char* name :
         {"01_basic/project.json", "02_tests/project.json", "03_artifacts/project.json", "07_unicode/project.json",
          "08_edge_cases/special_numbers/project.json", "08_edge_cases/duplicates/project.json",
          "08_edge_cases/empty/project.json", "08_edge_cases/legacy/project.json", "08_edge_cases/legacy/input.json"}) {
        INFO(name);
        const auto file = fixtures() / name;
        const auto expected = rows(from_project(file));
        CHECK(rows(lazyscribe::read_summary(file)) == expected);
        CHECK(rows(lazyscribe::read_summary(file, {}, 1)) == expected);
        CHECK(rows(lazyscribe::read_summary(file, {}, 4)) == expected);
    }
}

TEST_CASE("experiment_summary carries the experiment's fields and counts", "[summary]") {
    const auto summaries = lazyscribe::read_summary(fixtures() / "02_tests/project.json");
    const lazyscribe::project p(fixtures() / "02_tests/project.json", lazyscribe::mode::read_only);
    REQUIRE(summaries.size() == p.size());
    const auto& e = p["churn-model-20240201120000"];
    const auto& s = summaries.back();
    CHECK(s.name() == e.name());
    CHECK(s.slug() == "churn-model-20240201120000");
    CHECK(s.short_slug() == e.short_slug());
    CHECK(s.author() == e.author());
    CHECK(s.last_updated_by() == e.last_updated_by());
    CHECK(s.created_at() == e.created_at());
    CHECK(s.last_updated() == e.last_updated());
    CHECK(s.tags() == e.tags());
    CHECK(s.metrics() == e.metrics());
    CHECK(s.test_count() == 2);
    CHECK(s.artifact_count() == e.artifacts().size());
}

TEST_CASE("read_summary fills in the library's defaults for missing fields", "[summary]") {
    const temp_dir dir;
    const auto file = dir / "project.json";
    // No author, last_updated_by, slug or short_slug: Python fills them in on reading.
    write_file(file,
               "[{\"created_at\": \"2024-03-04T05:06:07\", \"last_updated\": \"2024-03-04T05:06:08\", "
               "\"name\": \"My Model \\u00e9t\\u00e9\", \"metrics\": {}, \"parameters\": {}}]");
    const auto summaries = lazyscribe::read_summary(file);
    REQUIRE(summaries.size() == 1);
    CHECK(summaries[0] == from_project(file)[0]);
    CHECK(summaries[0].slug() == "my-model-ete-20240304050607");
    CHECK(summaries[0].short_slug() == "my-model-ete");
    CHECK(summaries[0].last_updated_by() == summaries[0].author());
    CHECK(summaries[0].author() == lazyscribe::project(file, lazyscribe::mode::read_only).begin()->author());
    CHECK(summaries[0].tags().empty());
    CHECK(summaries[0].test_count() == 0);
}

TEST_CASE("read_summary keeps the project's order on the parallel path", "[summary]") {
    const temp_dir dir;
    const auto file = dir / "project.json";
    write_file(file, shuffled_project(3001));
    const auto expected = from_project(file);
    REQUIRE(expected.size() == 3001);
    for (const unsigned threads : {0u, 1u, 2u, 3u, 8u}) {
        INFO(threads);
        CHECK(lazyscribe::read_summary(file, {}, threads) == expected);
    }
    // The order is not the file's: the check above would not hold for a plain read.
    std::vector<std::string> file_order, summary_order;
    for (int p = 0; p < 3001; ++p) file_order.push_back("E " + std::to_string((p * 7919) % 3001));
    for (const auto& s : lazyscribe::read_summary(file)) summary_order.push_back(s.name());
    CHECK(summary_order != file_order);
    CHECK(std::is_permutation(summary_order.begin(), summary_order.end(), file_order.begin(), file_order.end()));
}

TEST_CASE("read_summary reports exactly the errors lazyscribe::project reports", "[summary]") {
    const temp_dir dir;
    const auto file = dir / "project.json";
    const auto same_error = [&](const std::string& text) {
        write_file(file, text);
        const auto expected = error_of([&] { (void)from_project(file); });
        CHECK(expected != "no error");
        CHECK(error_of([&] { (void)lazyscribe::read_summary(file); }) == expected);
        CHECK(error_of([&] { (void)lazyscribe::read_summary(file, {}, 1); }) == expected);
    };
    const std::string ok = experiment_text("x", stamp(0), stamp(0), "x-1", 1);
    SECTION("a field of the wrong type, deep in a big file (the parallel path)") {
        same_error(shuffled_project(2500, "{\"name\": 5, \"created_at\": \"2024-01-01T00:00:00\"}", 2400));
    }
    SECTION("a missing date") { same_error("[" + ok + ", {\"name\": \"y\"}]"); }
    SECTION("bad tests and artifacts entries are checked too") {
        same_error("[" + experiment_text("x", stamp(0), stamp(0), "x-1", 1, "\"tests\": 3") + "]");
        same_error("[" + experiment_text("x", stamp(0), stamp(0), "x-1", 1, "\"artifacts\": [{\"name\": 1}]") + "]");
    }
    SECTION("a slug that leaves the project folder") {
        same_error("[" + experiment_text("x", stamp(0), stamp(0), "../x", 1) + "]");
    }
    SECTION("malformed JSON after a bad entry: the syntax error wins, as in the project") {
        same_error("[{\"name\": 1}, " + ok + ", {\"a\": tru}]");
    }
    SECTION("not an array, a byte-order mark, trailing text") {
        same_error("{}");
        same_error("\xEF\xBB\xBF[]");
        same_error("[" + ok + "] x");
        same_error("[" + ok + ",]");
    }
    SECTION("a dependency on a project that does not exist (read by the project itself)") {
        same_error("[" +
                   experiment_text("x", stamp(0), stamp(0), "x-1", 1,
                                   "\"dependencies\": [\"" + (dir / "missing.json").generic_string() + "|y\"]") +
                   "]");
    }
    SECTION("a missing file") {
        std::filesystem::remove(file);
        const auto expected = error_of([&] { (void)from_project(file); });
        CHECK(error_of([&] { (void)lazyscribe::read_summary(file); }) == expected);
    }
}

TEST_CASE("read_summary takes the project's options: storage, missing files", "[summary]") {
    const temp_dir dir;
    const auto upstream = dir / "upstream.json";
    write_file(upstream, "[" + experiment_text("up", stamp(0), stamp(0), "up-1", 1) + "]");
    SECTION("an experiment with dependencies is read through the project, dependencies resolved") {
        const auto file = dir / "project.json";
        write_file(file, "[" +
                             experiment_text("x", stamp(0), stamp(0), "x-1", 1,
                                             "\"dependencies\": [\"" + upstream.generic_string() + "|up-1\"]") +
                             "]");
        const auto summaries = lazyscribe::read_summary(file);
        REQUIRE(summaries.size() == 1);
        CHECK(summaries == from_project(file));
    }
    SECTION("memory:// storage") {
        auto memory = lazyscribe::memory();
        const std::string bytes = lazyscribe_test::read_file(fixtures() / "01_basic/project.json");
        memory->write(
            "summary-test/project.json", false, [&](std::ostream& out) { out << bytes; }, false);
        CHECK(lazyscribe::read_summary("memory://summary-test/project.json") ==
              from_project("memory://summary-test/project.json"));
        CHECK(lazyscribe::read_summary("memory://summary-test/project.json").size() ==
              from_project(fixtures() / "01_basic/project.json").size());
    }
    SECTION("missing_file_is_empty") {
        lazyscribe::project_options options;
        options.missing_file_is_empty = true;
        CHECK(lazyscribe::read_summary(dir / "none.json", options).empty());
        CHECK_THROWS_AS(lazyscribe::read_summary(dir / "none.json"), lazyscribe::not_found_error);
    }
}

TEST_CASE("now() is the current time in whole seconds", "[summary][time]") {
    const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const lazyscribe::time_point t = lazyscribe::now();
    const auto after = std::chrono::system_clock::now();
    CHECK(t >= before);
    CHECK(t <= after);
    CHECK(t == std::chrono::floor<std::chrono::seconds>(t));
}
