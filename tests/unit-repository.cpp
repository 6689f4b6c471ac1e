// Repositories: versions, expiry, look-ups, diffs, promotion, and the fixtures Python lazyscribe
// wrote, loaded and re-saved byte for byte. Releases are in unit-release.cpp.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

namespace ls = lazyscribe;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;
using lazyscribe_test::text_handler;

namespace {

using handlers = ls::with_cereal::with<text_handler>;
using repository_t = ls::basic_repository<handlers>;
using project_t = ls::basic_project<handlers>;

ls::time_point fake_now = ls::detail::parse_time("2024-05-01T09:00:00").value();
ls::time_point fake_clock() { return fake_now; }
void set_now(const char* text) { fake_now = ls::detail::parse_time(text).value(); }
ls::time_point at(const char* text) { return ls::detail::parse_time(text).value(); }

}  // namespace

TEST_CASE("repository: the issue's example compiles and behaves as commented") {
    LAZYSCRIBE_TEST_DIR(dir);
    const auto file = dir / "out/repo/repository.json";
    repository_t repo(file, ls::mode::edit, {&fake_clock});
    set_now("2024-05-01T00:00:00");
    repo.log_artifact<"json">("model-config", ls::json{{"lr", 0.1}});
    set_now("2024-05-04T00:00:00");
    repo.log_artifact<"json">("model-config", ls::json{{"lr", 0.2}});
    repo.save();

    repository_t rr(file, ls::mode::read_only);
    CHECK(rr.load_artifact<ls::json>("model-config") == ls::json{{"lr", 0.2}});
    CHECK(rr.load_artifact<ls::json>("model-config", {.version = 0}) == ls::json{{"lr", 0.1}});
    CHECK(rr.load_artifact<ls::json>("model-config", {.version = "2024-05-03T00:00:00", .match = ls::match::asof}) ==
          ls::json{{"lr", 0.1}});
    CHECK(rr.load_artifact<ls::json>("model-config", {.version = at("2024-05-04T00:00:00"),
                                                      .match = ls::match::asof}) == ls::json{{"lr", 0.2}});
    CHECK(dir.exists(dir / "out/repo/model-config/model-config-20240501000000.json"));
    CHECK_THROWS_AS(rr.log_artifact<"json">("x", 1), ls::read_only_error);
    CHECK_THROWS_AS(rr.save(), ls::read_only_error);
}

TEST_CASE("repository: fixture 05 loads, answers every look-up, and re-saves byte for byte") {
    const auto root = lazyscribe_test::fixtures() / "05_repository";
    const auto x = ls::detail::pyjson::parse<ls::json>(read_file(root / "expectations.json"), "expectations.json");
    const auto& xr = x["repositories"][0];
    // "Now" is after every version, as when the fixture was checked.
    set_now("2024-06-01T00:00:00");
    repository_t repo(root / "repository.json", ls::mode::read_only, {&fake_clock});
    CHECK(repo.size() == xr["artifact_count"].get<std::size_t>());
    for (const auto& load : xr["loads"]) {
        INFO(load.dump());
        ls::repository_load_options options;
        if (load.contains("version")) options.version = load["version"].get<long long>();
        if (load.contains("exact")) options.version = load["exact"].get<std::string>();
        if (load.contains("asof")) {
            options.version = load["asof"].get<std::string>();
            options.match = ls::match::asof;
        }
        const auto name = load["name"].get<std::string>();
        if (load.contains("error")) {
            CHECK_THROWS_AS(repo.load_artifact<ls::json>(name, options), ls::version_not_found_error);
            continue;
        }
        CHECK(repo.load_artifact<ls::json>(name, options) == load["value"]);
        if (load.contains("expect_version"))
            CHECK(repo.find_version(name, options.version, options.match).version() == load["expect_version"]);
    }
    for (const auto& meta : xr["artifact_metadata"]) {
        const auto actual =
            repo.get_artifact_metadata(meta["name"].get<std::string>(), meta["version"].get<long long>());
        for (const auto& [key, value] : meta.items()) CHECK(actual[key] == value);
    }
    for (const auto& f : xr["files"]) CHECK(std::filesystem::exists(root / f.get<std::string>()));
    CHECK(repo.to_text() == read_file(root / "repository.json"));

    LAZYSCRIBE_TEST_DIR(dir);
    dir.copy_in(root, "copy");
    repository_t(dir / "copy/repository.json").save();
    CHECK(dir.read(dir / "copy/repository.json") == read_file(root / "repository.json"));
}

TEST_CASE("repository: versions number per name, same-second versions get their own files") {
    LAZYSCRIBE_TEST_DIR(dir);
    set_now("2024-05-01T09:00:00");
    repository_t repo(dir / "repository.json", ls::mode::write, {&fake_clock});
    CHECK(repo.log_artifact<"text">("notes", std::string("one")).version() == 0);
    CHECK(repo.log_artifact<"text">("notes", std::string("two")).version() == 1);
    CHECK(repo.log_artifact<"text">("Other/Nested", std::string("x")).version() == 0);
    repo.save();
    CHECK(dir.read(dir / "notes/notes-20240501090000.txt") == "one");
    CHECK(dir.read(dir / "notes/notes-20240501090000-1.txt") == "two");
    CHECK(dir.read(dir / "Other/Nested/other-nested-20240501090000.txt") == "x");  // name verbatim, as Python

    repository_t again(dir / "repository.json", ls::mode::edit, {&fake_clock});
    CHECK(again.log_artifact<"text">("notes", std::string("three")).version() == 2);
    repository_t fresh(dir / "repository.json", ls::mode::write, {&fake_clock});
    CHECK(fresh.log_artifact<"text">("notes", std::string("restart")).version() == 0);  // w: numbering restarts
    CHECK_THROWS_AS(repository_t(dir / "repository.json", ls::mode::append), std::invalid_argument);
}

TEST_CASE("repository: expiry works after reloading the file") {
    LAZYSCRIBE_TEST_DIR(dir);
    const auto file = dir / "repository.json";
    {
        repository_t repo(file, ls::mode::write, {&fake_clock});
        set_now("2024-05-01T00:00:00");
        repo.log_artifact<"json">("m", 0);
        set_now("2024-05-02T00:00:00");
        repo.log_artifact<"json">("m", 1);
        repo.set_artifact_expiry("m", 1, "2024-05-03T00:00:00");
        repo.save();
    }
    repository_t repo(file, ls::mode::edit, {&fake_clock});
    set_now("2024-05-02T12:00:00");
    CHECK(repo.load_artifact<int>("m") == 1);  // valid while t < expiry
    set_now("2024-05-03T00:00:00");
    CHECK(repo.load_artifact<int>("m") == 0);                  // expired at t >= expiry
    CHECK(repo.load_artifact<int>("m", {.version = 1}) == 1);  // still loadable by number
    CHECK(repo.load_artifact<int>("m", {.version = "2024-05-02T23:00:00", .match = ls::match::asof}) == 1);
    repo.set_artifact_expiry("m", 0);  // now
    CHECK_THROWS_WITH(repo.load_artifact<int>("m"), Catch::Contains("versions: 0 (2024-05-01T00:00:00, expires"));
    CHECK(repo.get_artifact_metadata("m", 0)["expiry"] == "2024-05-03T00:00:00");
}

TEST_CASE("repository: bad version requests are typed errors that say what exists") {
    LAZYSCRIBE_TEST_DIR(dir);
    repository_t repo(dir / "repository.json", ls::mode::write, {&fake_clock});
    set_now("2024-05-01T00:00:00");
    repo.log_artifact<"json">("m", 0);
    CHECK_THROWS_AS(repo.load_artifact<int>("m", {.version = "2024-05-01"}), ls::invalid_version_error);
    CHECK_THROWS_AS(repo.load_artifact<int>("m", {.version = "2024-05-01 00:00:00"}), ls::invalid_version_error);
    CHECK_THROWS_AS(repo.load_artifact<int>("m", {.version = 0, .match = ls::match::asof}), ls::invalid_version_error);
    CHECK_THROWS_WITH(repo.load_artifact<int>("nope"), Catch::Contains("no artifact named 'nope'; artifacts: 'm'"));
    CHECK_THROWS_WITH(repo.load_artifact<int>("m", {.version = 3}),
                      Catch::Contains("versions: 0 (2024-05-01T00:00:00)"));
    // Any integer type names a version number; one beyond long long is refused.
    CHECK(repo.find_version("m", std::size_t{0}).version() == 0);
    CHECK(repo.find_version("m", std::uint8_t{0}).version() == 0);
    CHECK_THROWS_AS(repo.find_version("m", std::numeric_limits<std::uint64_t>::max()), ls::invalid_version_error);
    CHECK_THROWS_AS(repo.load_artifact<int>("m", {.version = "2023-01-01T00:00:00", .match = ls::match::asof}),
                    ls::version_not_found_error);
    CHECK_THROWS_AS(repo.log_artifact<"json">("../escape", 1), ls::path_error);
    dir.write(dir / "hostile.json", R"([{"created_at": "2024-01-01T00:00:00", "fname": "x.json",
        "handler": "json", "name": "../../outside", "version": 0}])");
    CHECK_THROWS_WITH(repository_t(dir / "hostile.json", ls::mode::read_only),
                      Catch::Contains("hostile.json: [0]: field 'name': '../../outside'"));
}

TEST_CASE("repository: get_version_diff is Python 2.2.1's text, for one version or a pair in creation order") {
    LAZYSCRIBE_TEST_DIR(dir);
    repository_t repo(dir / "repository.json", ls::mode::write, {&fake_clock});
    set_now("2024-05-01T00:00:00");
    repo.log_artifact<"text">("notes", std::string("line1\nline2\nline3\n"), {.fname = "a.txt"});
    set_now("2024-05-02T00:00:00");
    repo.log_artifact<"text">("notes", std::string("line1\nline2 changed\nline3\nline4\n"), {.fname = "b.txt"});
    CHECK_THROWS_WITH(repo.get_version_diff("notes", {0, 1}), Catch::Contains("not saved yet"));
    repo.save();
    // Python: "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines())), no file names.
    const std::string forward = "--- \n\n+++ \n\n@@ -1,3 +1,4 @@\n\n line1\n-line2\n+line2 changed\n line3\n+line4";
    CHECK(repo.get_version_diff("notes", {0, 1}) == forward);
    CHECK(repo.get_version_diff("notes", {1, 0}) == forward);  // sorted by created_at, as Python
    CHECK(repo.get_version_diff("notes", 0) == forward);       // one version: to the latest
    CHECK(repo.get_version_diff("notes", 1).empty());
    CHECK(repo.get_version_diff("notes", "2024-05-01T00:00:00") == forward);  // exact time
    CHECK(repo.get_version_diff("notes", {"2024-05-01T12:00:00", "2024-05-03T00:00:00"}, ls::match::asof) == forward);
    CHECK(repo.get_version_diff("notes", "2024-05-01T23:59:59", ls::match::asof) == forward);
    CHECK_THROWS_AS(repo.get_version_diff("notes", "2024-05-01T12:00:00"), ls::version_not_found_error);  // not exact
    CHECK_THROWS_AS(repo.get_version_diff("notes", {0, 1}, ls::match::asof), ls::invalid_version_error);

    // One version is not reordered: from an expired newest version back to the latest valid one.
    set_now("2024-05-03T00:00:00");
    repo.log_artifact<"text">("notes", std::string("line1\n"), {.fname = "c.txt"});
    repo.set_artifact_expiry("notes", 2, "2024-05-03T00:00:01");
    repo.save();
    set_now("2024-05-04T00:00:00");
    CHECK(repo.get_version_diff("notes", 2) ==
          "--- \n\n+++ \n\n@@ -1 +1,4 @@\n\n line1\n+line2 changed\n+line3\n+line4");
    CHECK(repo.get_version_diff("notes", {2, 1}) ==
          "--- \n\n+++ \n\n@@ -1,4 +1 @@\n\n line1\n-line2 changed\n-line3\n-line4");

    repo.log_artifact<"cereal">("model", 1.5);
    repo.log_artifact<"cereal">("model", 2.5);
    repo.save();
    CHECK_THROWS_WITH(repo.get_version_diff("model", {0, 1}), Catch::Contains("binary handler 'cereal'"));
}

TEST_CASE("repository: set_artifact_expiry finds the version as Python does, exactly or as of a time") {
    LAZYSCRIBE_TEST_DIR(dir);
    const auto file = dir / "repository.json";
    repository_t repo(file, ls::mode::write, {&fake_clock});
    set_now("2024-05-01T00:00:00");
    repo.log_artifact<"json">("m", 0);
    set_now("2024-05-03T00:00:00");
    repo.log_artifact<"json">("m", 1);
    set_now("2024-05-05T00:00:00");
    repo.log_artifact<"json">("m", 2);
    // As of 05-02 the current version is 0: it expires at the given time.
    repo.set_artifact_expiry("m", "2024-05-02T00:00:00", ls::match::asof, "2024-05-02T12:00:00");
    CHECK(repo.get_artifact_metadata("m", 0)["expiry"] == "2024-05-02T12:00:00");
    CHECK(repo.get_artifact_metadata("m", 1)["expiry"].is_null());
    // As of 05-04 it is version 1; expiry omitted: now.
    repo.set_artifact_expiry("m", at("2024-05-04T00:00:00"), ls::match::asof);
    CHECK(repo.get_artifact_metadata("m", 1)["expiry"] == "2024-05-05T00:00:00");
    // As of 05-02T12:00:00 version 0 is expired then (t < expiry fails): nothing matches.
    CHECK_THROWS_AS(repo.set_artifact_expiry("m", "2024-05-02T12:00:00", ls::match::asof), ls::version_not_found_error);
    // Exact matching of a time, as before; no version: the latest (not expired) one.
    CHECK_THROWS_AS(repo.set_artifact_expiry("m", "2024-05-04T00:00:00", ls::match::exact),
                    ls::version_not_found_error);
    repo.set_artifact_expiry("m");
    CHECK(repo.get_artifact_metadata("m", 2)["expiry"] == "2024-05-05T00:00:00");
    CHECK_THROWS_AS(repo.set_artifact_expiry("m", 0, ls::match::asof), ls::invalid_version_error);
    CHECK_THROWS_AS(repo.set_artifact_expiry("m", 0, ls::match::exact, "tomorrow"), ls::invalid_version_error);
    repo.save();
    const repository_t again(file, ls::mode::read_only, {&fake_clock});
    CHECK(again.get_artifact_metadata("m", 0)["expiry"] == "2024-05-02T12:00:00");
    CHECK(again.get_artifact_metadata("m", 1)["expiry"] == "2024-05-05T00:00:00");
    repository_t read_only(file, ls::mode::read_only, {&fake_clock});
    CHECK_THROWS_AS(read_only.set_artifact_expiry("m", 0, ls::match::exact), ls::read_only_error);
}

TEST_CASE("repository: filter gives a read-only repository as of a time or of chosen versions") {
    LAZYSCRIBE_TEST_DIR(dir);
    repository_t repo(dir / "repository.json", ls::mode::write, {&fake_clock});
    set_now("2024-05-01T00:00:00");
    repo.log_artifact<"json">("a", 0);
    set_now("2024-05-03T00:00:00");
    repo.log_artifact<"json">("a", 1);
    repo.log_artifact<"json">("b", 0);
    repo.save();
    const auto then = repo.filter(at("2024-05-02T00:00:00"));
    CHECK(then.open_mode() == ls::mode::read_only);
    REQUIRE(then.size() == 1);
    CHECK(then.load_artifact<int>("a") == 0);
    const auto chosen = repo.filter({{"a", 1}, {"b", 0}});
    CHECK(chosen.size() == 2);
    CHECK(chosen.load_artifact<int>("a") == 1);
    CHECK_THROWS_AS(repo.filter({{"a", 5}}), ls::version_not_found_error);
}

TEST_CASE("repository: promote_artifact copies a newer experiment artifact as a new version") {
    LAZYSCRIBE_TEST_DIR(dir);
    set_now("2024-05-01T00:00:00");
    project_t project(dir / "project/project.json", ls::mode::write, ls::project_options{"p", &fake_clock});
    project.log("exp", [](auto& e) { e.template log_artifact<"text">("notes", std::string("from experiment")); });
    project.save();
    repository_t repo(dir / "repo/repository.json", ls::mode::edit, {&fake_clock});
    project["exp"].promote_artifact(repo, "notes");
    CHECK(repo.find_version("notes").version() == 0);
    CHECK(repository_t(dir / "repo/repository.json", ls::mode::read_only).load_artifact<std::string>("notes") ==
          "from experiment");
    // Not newer than the latest: refused.
    CHECK_THROWS_AS(project["exp"].promote_artifact(repo, "notes"), ls::artifact_log_error);

    // Python numbers a promotion "latest non-expired + 1", which repeats a number when the
    // newest version is expired; here it is always max + 1.
    set_now("2024-05-02T00:00:00");
    repo.log_artifact<"text">("notes", std::string("v1"));
    repo.set_artifact_expiry("notes", 1);
    repo.save();
    set_now("2024-05-03T00:00:00");
    project_t later(dir / "project/project.json", ls::mode::append, ls::project_options{"p", &fake_clock});
    later.log("exp2", [](auto& e) { e.template log_artifact<"text">("notes", std::string("v2")); });
    later["exp2"].promote_artifact(repo, "notes");  // unsaved: the value itself goes along
    CHECK(repo.find_version("notes").version() == 2);
    CHECK(repo.load_artifact<std::string>("notes", {.version = 2}) == "v2");

    // A failing repository save undoes the copy.
    set_now("2024-05-04T00:00:00");
    later.log("exp3", [](auto& e) { e.template log_artifact<"text">("notes", std::string("v3")); });
    later.save();
    // (A folder in the JSON's place is how a local disk refuses; on S3 see unit-s3.cpp's refusals.)
    if constexpr (!lazyscribe_test::on_s3) {
        const auto files_before = dir.files("repo");
        std::filesystem::rename(dir / "repo/repository.json", dir / "repo/moved.json");
        std::filesystem::create_directories(dir / "repo/repository.json/blocker");  // the JSON cannot be replaced
        CHECK_THROWS_AS(later["exp3"].promote_artifact(repo, "notes"), ls::save_error);
        std::filesystem::remove_all(dir / "repo/repository.json");
        std::filesystem::rename(dir / "repo/moved.json", dir / "repo/repository.json");
        CHECK(dir.files("repo") == files_before);  // only the JSON moved back; no stray copy
        CHECK(repo.find_version("notes").version() == 2);
    }
}

#ifndef LAZYSCRIBE_TEST_ON_S3  // on memory_storage: once, in the unit binary
TEST_CASE("file life cycle: the merge runs only when another writer changed the file, and the text streams in slices") {
    const auto files = std::make_shared<ls::memory_storage>();
    const std::filesystem::path file = "lifecycle/repository.json";
    ls::detail::file_lifecycle mine({files, file}, false);
    CHECK_FALSE(mine.read().has_value());  // no file yet
    int merges = 0;
    std::string order;
    auto save = [&](ls::detail::file_lifecycle& f, std::string text) {
        f.save(
            true,
            [&](const std::string&) {
                ++merges;
                order += 'm';
            },
            [&] { order += 'p'; },
            [&](ls::detail::file_lifecycle::text_sink sink) {
                order += 'w';
                sink(std::string_view(text).substr(0, 3));  // slices of any size make one file
                sink(std::string_view(text).substr(3));
            });
    };
    save(mine, "[1, 2]");
    CHECK(files->read(file) == std::optional<std::string>("[1, 2]"));
    save(mine, "[1, 2, 3]");  // the file is what this one wrote: no merge
    CHECK(merges == 0);
    ls::detail::file_lifecycle other({files, file}, false);
    CHECK(other.read() == std::optional<std::string>("[1, 2, 3]"));
    save(other, "[4]");
    CHECK(merges == 0);       // other read what is there
    save(mine, "[1, 2, 3]");  // another writer saved since: merge first
    CHECK(merges == 1);
    CHECK(order == "pwpwpwmpw");
    save(mine, "[1, 2, 3]");  // the streamed hash is the whole file's: no merge of our own bytes
    CHECK(merges == 1);
}
#endif
