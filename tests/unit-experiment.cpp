// Experiments and tests: text values, the checked accessors, edit-mode clocks, dependencies,
// the edit API (remove / rename), time-zone-aware times; and each of them against the real
// Python lazyscribe 2.2.1 where Python has a counterpart.
#include "python_oracle.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ls = lazyscribe;
using lazyscribe_test::python_ok;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;
using namespace std::chrono_literals;

namespace {

ls::time_point clock_now = ls::parse_time("2024-01-15T10:00:00").value();
ls::time_point test_clock() { return clock_now; }
void set_clock(const char* text) { clock_now = ls::parse_time(text).value(); }

ls::project_options with_clock(std::string author) {
    ls::project_options options;
    options.author = std::move(author);
    options.clock = &test_clock;
    return options;
}

struct cwd_guard {
    std::filesystem::path saved = std::filesystem::current_path();
    explicit cwd_guard(const std::filesystem::path& to) { std::filesystem::current_path(to); }
    ~cwd_guard() { std::filesystem::current_path(saved); }
};

}  // namespace

// ---- 1. text is a string, never numbers ---------------------------------------------------

static_assert(ls::TextValue<const char (&)[5]> && ls::TextValue<const char*> && ls::TextValue<std::string> &&
              ls::TextValue<std::string_view> && ls::TextValue<std::u16string> && ls::TextValue<wchar_t> &&
              ls::TextValue<std::vector<char8_t>>);
static_assert(!ls::MetricValue<char[5]> && !ls::MetricValue<std::string> && !ls::MetricValue<char> &&
              !ls::MetricValue<std::vector<char32_t>>);
static_assert(ls::MetricValue<std::vector<std::uint8_t>> && ls::MetricValue<signed char> && ls::MetricValue<double>);

TEST_CASE("experiment: text metrics and parameters are stored as strings, as Python stores a str", "[experiment]") {
    temp_dir dir;
    ls::project p(dir / "p.json", ls::mode::write, "a");
    auto e = p.log("text");
    const char* pointer = "rmsprop";
    const char with_nul[8] = "ab\0cd";
    const std::string owned("sgd\0x", 5);  // a std::string keeps its NUL: the range is the text
    e.log_metric("optimizer", "adam");
    e.log_metric("pointer", pointer);
    e.log_metric("owned", owned);
    e.log_metric("view", std::string_view("lbfgs"));
    e.log_metric("array", with_nul);
    e.log_metric("letter", 'x');
    e.log_metric("chars", std::vector<char>{'h', 'i'});
    e.log_metric("utf8", std::u8string(u8"caf\u00e9"));
    e.log_metric("utf16", std::u16string(u"\u00e9\U0001F600"));
    e.log_metric("utf32", std::u32string(U"\U0001F600"));
    e.log_metric("wide", std::wstring(L"w\u00e9"));
    e.log_metric("bytes", std::vector<std::uint8_t>{1, 2});  // signed/unsigned char are numbers
    CHECK(e.metric("optimizer") == "adam");
    CHECK(e.metric("pointer") == "rmsprop");
    CHECK(e.metric("owned") == std::string("sgd\0x", 5));
    CHECK(e.metric("view") == "lbfgs");
    CHECK(e.metric("array") == "ab");  // an array is a C string: it ends at the first NUL
    CHECK(e.metric("letter") == "x");
    CHECK(e.metric("chars") == "hi");
    CHECK(e.metric("utf8") == "caf\xc3\xa9");
    CHECK(e.metric("utf16") == "\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(e.metric("utf32") == "\xf0\x9f\x98\x80");
    CHECK(e.metric("wide") == "w\xc3\xa9");
    CHECK(e.metric("bytes") == ls::json::array({1, 2}));

    e.log_parameter("optimizer", "adam");
    e.log_parameter("letter", 'y');
    e.log_parameter("chars", std::vector<char>{'o', 'k'});
    e.log_parameter("wide", std::wstring(L"w"));
    e.log_parameter("utf16", std::u16string(u"\u00e9"));
    CHECK(e.parameter("optimizer") == "adam");
    CHECK(e.parameter("letter") == "y");
    CHECK(e.parameter("chars") == "ok");
    CHECK(e.parameter("wide") == "w");
    CHECK(e.parameter("utf16") == "\xc3\xa9");

    // No UTF-8 form, or no text at all: a typed error naming the key; nothing is stored.
    const char* null_text = nullptr;
    CHECK_THROWS_AS(e.log_metric("null", null_text), ls::format_error);
    CHECK_THROWS_WITH(e.log_metric("lone", std::u16string(1, char16_t(0xD800))),
                      Catch::Contains("log_metric: 'lone'") && Catch::Contains("surrogate"));
    CHECK_THROWS_WITH(e.log_parameter("big", std::u32string(1, char32_t(0x110000))),
                      Catch::Contains("log_parameter: 'big'") && Catch::Contains("U+110000"));
    CHECK_FALSE(e.metrics().contains("null"));
    CHECK_FALSE(e.metrics().contains("lone"));
    CHECK_FALSE(e.parameters().contains("big"));
}

TEST_CASE("python interop: a text metric is written as Python writes a str metric", "[experiment]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    python_ok(R"(
from lazyscribe import Project
p = Project("py.json", mode="w", author="x")
with p.log("Text") as e:
    e.log_metric("optimizer", "adam")
    e.log_metric("unicode", "caf\u00e9")
    e.log_parameter("optimizer", "adam")
p.save()
)",
              dir.path());
    set_clock("2025-01-02T03:04:05");  // the oracle's frozen clock
    ls::project p(dir / "cpp.json", ls::mode::write, with_clock("x"));
    p.log("Text", [](ls::experiment& e) {
        e.log_metric("optimizer", "adam");
        e.log_metric("unicode", std::u16string(u"caf\u00e9"));
        e.log_parameter("optimizer", "adam");
    });
    p.save();
    CHECK(read_file(dir / "cpp.json") == read_file(dir / "py.json"));
}

// ---- 2. metric(name) and parameter(name) ----------------------------------------------------

TEST_CASE("experiment: metric() and parameter() throw not_found_error naming what exists", "[experiment]") {
    temp_dir dir;
    set_clock("2024-01-15T10:00:00");
    {
        ls::project p(dir / "p.json", ls::mode::write, with_clock("a"));
        p.log("Model", [](ls::experiment& e) {
            e.log_metric("auroc", 0.84);
            e.log_metric("f1", 0.5);
            e.log_parameter("max_depth", 6);
            e.log_test("Holdout", std::nullopt, [](ls::test& t) { t.log_metric("auroc", 0.8); });
        });
        p.save();
    }
    const ls::project p(dir / "p.json", ls::mode::read_only);
    const auto& e = p["model"];
    CHECK(e.metric("auroc") == 0.84);
    CHECK(e.parameter("max_depth") == 6);
    CHECK(e.test("Holdout").metric("auroc") == 0.8);
    CHECK_THROWS_AS(e.metric("aurco"), ls::not_found_error);
    CHECK_THROWS_WITH(e.metric("aurco"), Catch::Contains("experiment 'model-20240115100000' has no metric named "
                                                         "'aurco'; metrics: 'auroc', 'f1'"));
    CHECK_THROWS_WITH(e.parameter("depth"), Catch::Contains("has no parameter named 'depth'; parameters: 'max_depth'"));
    CHECK_THROWS_WITH(e.test("Holdout").metric("f1"),
                      Catch::Contains("test 'Holdout' of experiment 'model-20240115100000' has no metric named 'f1'; "
                                      "metrics: 'auroc'"));
    CHECK_THROWS_WITH(e.test("Holdout").parameter("x"), Catch::Contains("parameters: (none)"));
}

// ---- 3. edit mode uses the project's clock ---------------------------------------------------

TEST_CASE("experiment: in edit mode, loaded experiments and their tests use the project's clock", "[experiment]") {
    temp_dir dir;
    const auto file = dir / "p.json";
    set_clock("2020-03-01T00:00:00");
    {
        ls::project p(file, ls::mode::write, with_clock("a"));
        p.log("Old", [](ls::experiment& e) {
            e.log_metric("m", 1);
            e.log_test("T", std::nullopt, [](ls::test& t) { t.log_metric("m", 1); });
        });
        p.save();
    }
    set_clock("2021-06-07T08:09:10");  // far from the system's "now"
    {
        ls::project p(file, ls::mode::edit, with_clock("b"));
        auto& e = p.edit("old");
        e.log_metric("m", 2);
        CHECK(e.last_updated() == clock_now);
        const auto& a = e.log_artifact<"json">("numbers", std::vector<int>{1, 2});
        CHECK(a.created_at() == clock_now);
        CHECK(a.fname() == "numbers-20210607080910.json");
        const auto& ta = e.edit_test("T").log_artifact<"json">("table", std::vector<int>{3});
        CHECK(ta.created_at() == clock_now);
        CHECK(ta.fname() == "table-20210607080910.json");
        p.save();
    }
    const ls::project p(file, ls::mode::read_only);
    const auto& e = p["old"];
    CHECK(ls::format_time(e.created_at()) == "2020-03-01T00:00:00");
    CHECK(ls::format_time(e.last_updated()) == "2021-06-07T08:09:10");
    CHECK(e.last_updated_by() == "b");
    CHECK(std::filesystem::exists(e.path() / "numbers-20210607080910.json"));
    CHECK(std::filesystem::exists(e.path() / "t" / "table-20210607080910.json"));
}

// ---- 4. add_dependency leaves last_updated alone, as Python does --------------------------

TEST_CASE("experiment: add_dependency moves neither last_updated nor last_updated_by", "[experiment]") {
    temp_dir dir;
    cwd_guard cwd(dir);
    set_clock("2024-01-01T00:00:00");
    {
        ls::project up("up/project.json", ls::mode::write, with_clock("u"));
        up.log("Feature set", [](ls::experiment&) {});
        up.save();
    }
    const ls::project up("up/project.json", ls::mode::read_only);
    set_clock("2024-02-01T00:00:00");
    {
        ls::project down("down/project.json", ls::mode::write, with_clock("d"));
        down.log("Model", [&](ls::experiment& e) {
            set_clock("2024-02-02T00:00:00");
            e.add_dependency(up["feature-set"]);
            CHECK(ls::format_time(e.last_updated()) == "2024-02-01T00:00:00");
        });
        down.save();
    }
    set_clock("2024-03-01T00:00:00");
    {
        ls::project down("down/project.json", ls::mode::edit, with_clock("editor"));
        auto& e = down.edit("model");
        e.remove_dependency("feature-set");
        e.add_dependency(up["feature-set"]);
        CHECK(ls::format_time(e.last_updated()) == "2024-02-01T00:00:00");
        down.save();
    }
    const ls::project down("down/project.json", ls::mode::read_only);
    CHECK(ls::format_time(down["model"].last_updated()) == "2024-02-01T00:00:00");
    CHECK(down["model"].last_updated_by() == "d");
    REQUIRE(down["model"].dependencies().size() == 1);
}

// ---- 5. the edit API -------------------------------------------------------------------------

TEST_CASE("experiment: remove and rename metrics, parameters, tags, artifacts, tests and dependencies",
          "[experiment]") {
    temp_dir dir;
    cwd_guard cwd(dir);
    set_clock("2024-01-01T00:00:00");
    {
        ls::project up("up/project.json", ls::mode::write, with_clock("u"));
        up.log("Feature set", [](ls::experiment&) {});
        up.save();
    }
    const ls::project up("up/project.json", ls::mode::read_only);
    set_clock("2024-02-01T00:00:00");
    {
        ls::project p("p/project.json", ls::mode::write, with_clock("ann"));
        p.log("Model", [&](ls::experiment& e) {
            e.log_metric("old", 1);
            e.log_metric("drop", 2);
            e.log_parameter("lr", 0.1);
            e.log_parameter("gone", true);
            e.tag("keep", "gone", "gone");
            e.log_artifact<"json">("notes", std::vector<int>{1});
            e.log_artifact<"json">("kept", std::vector<int>{2});
            e.add_dependency(up["feature-set"]);
            e.log_test("Stays", std::nullopt, [](ls::test& t) {
                t.log_metric("auroc", 0.5);
                t.log_artifact<"json">("table", std::vector<int>{3});
            });
            e.log_test("Goes", std::nullopt, [](ls::test& t) { t.log_artifact<"json">("rows", std::vector<int>{4}); });
        });
        p.save();
    }
    const auto folder = dir.path() / "p" / "model-20240201000000";
    const auto notes_file = folder / "notes-20240201000000.json";
    const auto table_file = folder / "stays" / "table-20240201000000.json";
    const auto rows_file = folder / "goes" / "rows-20240201000000.json";
    REQUIRE(std::filesystem::exists(notes_file));
    REQUIRE(std::filesystem::exists(rows_file));

    SECTION("read-only experiments refuse every edit") {
        ls::project p("p/project.json", ls::mode::append);
        auto& e = const_cast<ls::experiment&>(p["model"]);
        CHECK_THROWS_AS(e.remove_metric("old"), ls::read_only_error);
        CHECK_THROWS_AS(e.rename_metric("old", "new"), ls::read_only_error);
        CHECK_THROWS_AS(e.remove_parameter("lr"), ls::read_only_error);
        CHECK_THROWS_AS(e.rename_parameter("lr", "eta"), ls::read_only_error);
        CHECK_THROWS_AS(e.remove_tag("gone"), ls::read_only_error);
        CHECK_THROWS_AS(e.remove_artifact("notes"), ls::read_only_error);
        CHECK_THROWS_AS(e.remove_test("Goes"), ls::read_only_error);
        CHECK_THROWS_AS(e.edit_test("Stays"), ls::read_only_error);
        CHECK_THROWS_AS(e.remove_dependency("feature-set"), ls::read_only_error);
        auto& t = const_cast<ls::test&>(e.test("Stays"));
        CHECK_THROWS_AS(t.remove_metric("auroc"), ls::read_only_error);
        CHECK_THROWS_AS(t.remove_artifact("table"), ls::read_only_error);
        CHECK(e.metrics().contains("old"));
        CHECK(e.tests().size() == 2);
    }

    SECTION("missing names are not_found_error listing what exists, and change nothing") {
        set_clock("2024-03-01T00:00:00");
        ls::project p("p/project.json", ls::mode::edit, with_clock("bob"));
        auto& e = p.edit("model");
        CHECK_THROWS_WITH(e.remove_metric("nope"),
                          Catch::Contains("remove_metric: experiment 'model-20240201000000' "
                                          "has no metric named 'nope'; metrics: 'drop', 'old'"));
        CHECK_THROWS_AS(e.rename_metric("nope", "x"), ls::not_found_error);
        CHECK_THROWS_WITH(e.remove_parameter("nope"), Catch::Contains("parameters: 'gone', 'lr'"));
        CHECK_THROWS_AS(e.rename_parameter("nope", "x"), ls::not_found_error);
        CHECK_THROWS_WITH(e.remove_tag("nope"), Catch::Contains("tags: 'keep', 'gone', 'gone'"));
        CHECK_THROWS_WITH(e.remove_artifact("nope"), Catch::Contains("artifacts: 'notes', 'kept'"));
        CHECK_THROWS_WITH(e.remove_test("nope"), Catch::Contains("tests: 'Stays', 'Goes'"));
        CHECK_THROWS_AS(e.edit_test("nope"), ls::not_found_error);
        CHECK_THROWS_WITH(e.remove_dependency("nope"), Catch::Contains("dependencies: 'feature-set'"));
        CHECK_THROWS_WITH(
            e.edit_test("Stays").remove_metric("f1"),
            Catch::Contains("test 'Stays' of experiment 'model-20240201000000' has no metric named 'f1'"));
        CHECK_THROWS_AS(e.edit_test("Stays").remove_artifact("nope"), ls::not_found_error);
        CHECK(e.metrics().size() == 2);
        CHECK(e.tags().size() == 3);
    }

    SECTION("edits are saved, stamped with the clock and the editor, and files of removed artifacts go") {
        set_clock("2024-03-01T00:00:00");
        {
            ls::project p("p/project.json", ls::mode::edit, with_clock("bob"));
            auto& e = p.edit("model");
            e.remove_metric("drop");
            e.rename_metric("old", "new");
            e.remove_parameter("gone");
            e.rename_parameter("lr", "eta");
            e.remove_tag("gone");  // every occurrence
            e.remove_artifact("notes");
            e.remove_test("Goes");
            e.edit_test("Stays").log_metric("auroc", 0.9);
            e.edit_test("Stays").rename_metric("auroc", "auc");
            e.remove_dependency("feature-set");
            CHECK(ls::format_time(e.last_updated()) == "2024-03-01T00:00:00");
            CHECK(std::filesystem::exists(notes_file));  // nothing happens on disk before save()
            p.save();
        }
        CHECK_FALSE(std::filesystem::exists(notes_file));
        CHECK_FALSE(std::filesystem::exists(rows_file));
        CHECK(std::filesystem::exists(folder / "kept-20240201000000.json"));
        CHECK(std::filesystem::exists(table_file));
        const ls::project p("p/project.json", ls::mode::read_only);
        const auto& e = p["model"];
        CHECK(e.metrics() == ls::json{{"new", 1}});
        CHECK(e.parameters() == ls::json{{"eta", 0.1}});
        CHECK(e.tags() == std::vector<std::string>{"keep"});
        CHECK(e.artifacts().size() == 1);
        CHECK(e.artifacts().contains("kept"));
        REQUIRE(e.tests().size() == 1);
        CHECK(e.test("Stays").metrics() == ls::json{{"auc", 0.9}});
        CHECK(e.test("Stays").artifacts().contains("table"));
        CHECK(e.dependencies().empty());
        CHECK(ls::format_time(e.last_updated()) == "2024-03-01T00:00:00");
        CHECK(e.last_updated_by() == "bob");
        CHECK(e.author() == "ann");
    }

    SECTION("a rename onto an existing name replaces it; onto itself changes nothing") {
        set_clock("2024-03-01T00:00:00");
        ls::project p("p/project.json", ls::mode::edit, with_clock("bob"));
        auto& e = p.edit("model");
        e.rename_metric("old", "old");
        e.rename_parameter("lr", "lr");
        CHECK(ls::format_time(e.last_updated()) == "2024-02-01T00:00:00");
        e.rename_metric("old", "drop");
        CHECK(e.metrics() == ls::json{{"drop", 1}});
        e.rename_parameter("gone", "lr");
        CHECK(e.parameters() == ls::json{{"lr", true}});
        CHECK(ls::format_time(e.last_updated()) == "2024-03-01T00:00:00");
    }

    SECTION("a removed artifact's file stays while another record names it") {
        set_clock("2024-02-01T00:00:00");  // the same second: the new artifact gets the same fname
        {
            ls::project p("p/project.json", ls::mode::edit, with_clock("bob"));
            auto& e = p.edit("model");
            e.remove_artifact("notes");
            const auto& again = e.log_artifact<"json">("notes", std::vector<int>{9});
            CHECK(again.fname() == notes_file.filename().string());
            p.save();
        }
        REQUIRE(std::filesystem::exists(notes_file));
        CHECK(ls::project("p/project.json", ls::mode::read_only)["model"].load_artifact<std::vector<int>>("notes") ==
              std::vector<int>{9});
    }

    SECTION("an artifact logged and removed before any save leaves nothing behind") {
        ls::project p("p/project.json", ls::mode::edit, with_clock("bob"));
        auto& e = p.edit("model");
        e.log_artifact<"json">("scratch", std::vector<int>{5});
        e.remove_artifact("scratch");
        p.save();
        CHECK_FALSE(std::filesystem::exists(folder / "scratch-20240201000000.json"));
        CHECK(std::filesystem::exists(notes_file));
    }
}

TEST_CASE("python interop: an edit saved by C++ is what Python writes for the same edit, and both reload it",
          "[experiment]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    temp_dir dir;
    cwd_guard cwd(dir);
    set_clock("2024-01-01T00:00:00");
    {
        ls::project up("up/project.json", ls::mode::write, with_clock("u"));
        up.log("Feature set", [](ls::experiment&) {});
        up.save();
    }
    const ls::project up("up/project.json", ls::mode::read_only);
    {
        ls::project p("cpp/project.json", ls::mode::write, with_clock("ann"));
        p.log("Model", [&](ls::experiment& e) {
            e.log_metric("old", 1);
            e.log_metric("drop", 2);
            e.log_parameter("lr", 0.1);
            e.log_parameter("gone", true);
            e.tag("keep", "gone");
            e.log_artifact<"json">("notes", std::vector<int>{1});
            e.add_dependency(up["feature-set"]);
            e.log_test("Stays", std::nullopt, [](ls::test& t) { t.log_metric("auroc", 0.5); });
            e.log_test("Goes", std::nullopt, [](ls::test& t) { t.log_metric("auroc", 0.1); });
        });
        p.save();
    }
    std::filesystem::copy("cpp", "py", std::filesystem::copy_options::recursive);
    set_clock("2025-01-02T03:04:05");  // the oracle's frozen clock
    {
        ls::project p("cpp/project.json", ls::mode::edit, with_clock("bob"));
        auto& e = p.edit("model");
        e.remove_metric("drop");
        e.rename_metric("old", "new");
        e.remove_parameter("gone");
        e.rename_parameter("lr", "eta");
        e.remove_tag("gone");
        e.remove_artifact("notes");
        e.remove_test("Goes");
        e.edit_test("Stays").log_metric("auroc", 0.9);
        e.remove_dependency("feature-set");
        p.save();
    }
    // Python's way: assign and delete attributes; it stamps nothing itself, so the script does.
    python_ok(R"(
from lazyscribe import Project
from lazyscribe._utils import utcnow
p = Project("py/project.json", mode="w+", author="bob")
e = p["model"]
del e.metrics["drop"]
e.metrics["new"] = e.metrics.pop("old")
del e.parameters["gone"]
e.parameters["eta"] = e.parameters.pop("lr")
e.tags = [t for t in e.tags if t != "gone"]
e.artifacts = [a for a in e.artifacts if a.name != "notes"]
e.tests = [t for t in e.tests if t.name != "Goes"]
next(t for t in e.tests if t.name == "Stays").log_metric("auroc", 0.9)
del e.dependencies["feature-set"]
e.last_updated = utcnow()
e.dirty = True
p.save()
)",
              dir.path());
    CHECK(read_file("cpp/project.json") == read_file("py/project.json"));
    CHECK_FALSE(std::filesystem::exists("cpp/model-20240101000000/notes-20240101000000.json"));
    CHECK(std::filesystem::exists("py/model-20240101000000/notes-20240101000000.json"));  // Python leaves it

    const auto out = python_ok(R"(
from lazyscribe import Project
e = Project("cpp/project.json", mode="r")["model"]
print(sorted(e.metrics.items()), sorted(e.parameters.items()), e.tags, [a.name for a in e.artifacts],
      [(t.name, t.metrics) for t in e.tests], list(e.dependencies), e.last_updated_by, e.last_updated.isoformat())
)",
                               dir.path());
    CHECK(out == "[('new', 1)] [('eta', 0.1)] ['keep'] [] [('Stays', {'auroc': 0.9})] [] bob 2025-01-02T03:04:05\n");
    const ls::project reloaded("cpp/project.json", ls::mode::read_only);
    CHECK(reloaded["model"].metric("new") == 1);
    CHECK(reloaded["model"].test("Stays").metric("auroc") == 0.9);
    CHECK(reloaded["model"].tests().size() == 1);
}

// ---- 6. time-zone-aware date-times -------------------------------------------------------

TEST_CASE("experiment: offset_time parameters are written as Python writes an aware datetime", "[experiment]") {
    using namespace std::chrono;
    const ls::time_point noon = sys_days{year{2024} / 1 / 1} + 12h;
    CHECK(ls::format_offset_time({noon, 330min}) == "2024-01-01T17:30:00+05:30");
    CHECK(ls::format_offset_time({noon, -30min}) == "2024-01-01T11:30:00-00:30");
    CHECK(ls::format_offset_time({noon, 0min}) == "2024-01-01T12:00:00+00:00");
    CHECK(ls::format_offset_time({noon, -(23h + 59min)}) == "2023-12-31T12:01:00-23:59");
    CHECK_THROWS_AS(ls::format_offset_time({noon, 24h}), ls::format_error);
    CHECK_THROWS_AS(ls::format_offset_time({noon, -24h}), ls::format_error);

    CHECK(ls::parse_offset_time("2024-01-01T17:30:00+05:30") == ls::offset_time{noon, 330min});
    CHECK(ls::parse_offset_time("2024-01-01 11:30:00.123456-00:30") == ls::offset_time{noon, -30min});
    CHECK(ls::parse_offset_time("2024-01-01T12:00:00Z") == ls::offset_time{noon, 0min});
    CHECK_FALSE(ls::parse_offset_time("2024-01-01T12:00:00").has_value());  // naive: no offset
    CHECK_FALSE(ls::parse_offset_time("2024-01-01T12:00:00+24:00").has_value());
    CHECK_FALSE(ls::parse_offset_time("2024-01-01T12:00:00+00:00Z").has_value());
    CHECK_FALSE(ls::parse_offset_time("2024-01-01T12:00:00Z+01:00").has_value());
    CHECK_FALSE(ls::parse_offset_time("").has_value());

    temp_dir dir;
    ls::project p(dir / "p.json", ls::mode::write, "a");
    auto e = p.log("tz");
    e.log_parameter("start", ls::offset_time{noon, 330min});
    e.log_parameter("all", std::vector<ls::offset_time>{{noon, 0min}, {noon, -5h}});
    CHECK(e.parameter("start") == "2024-01-01T17:30:00+05:30");
    CHECK(e.parameter("all") == ls::json::array({"2024-01-01T12:00:00+00:00", "2024-01-01T07:00:00-05:00"}));
    CHECK(e.parameter("start").get<ls::offset_time>() == ls::offset_time{noon, 330min});
    CHECK_THROWS_AS(e.log_parameter("bad", ls::offset_time{noon, 25h}), ls::format_error);
    CHECK_FALSE(e.parameters().contains("bad"));
    CHECK_THROWS_AS(ls::json("yesterday").get<ls::offset_time>(), ls::format_error);
}

TEST_CASE("python interop: an offset_time parameter has the bytes of Python's aware datetime", "[experiment]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    using namespace std::chrono;
    temp_dir dir;
    python_ok(R"(
from datetime import datetime, timedelta, timezone
from lazyscribe import Project
p = Project("py.json", mode="w", author="x")
with p.log("Zones") as e:
    e.log_parameter("india", datetime(2024, 1, 1, 17, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))))
    e.log_parameter("utc", datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc))
    e.log_parameter("west", [datetime(2024, 1, 1, 7, 0, tzinfo=timezone(timedelta(hours=-5)))])
p.save()
)",
              dir.path());
    const ls::time_point noon = sys_days{year{2024} / 1 / 1} + 12h;
    set_clock("2025-01-02T03:04:05");
    ls::project p(dir / "cpp.json", ls::mode::write, with_clock("x"));
    p.log("Zones", [&](ls::experiment& e) {
        e.log_parameter("india", ls::offset_time{noon, 5h + 30min});
        e.log_parameter("utc", ls::offset_time{noon, 0min});
        e.log_parameter("west", std::vector<ls::offset_time>{{noon, -5h}});
    });
    p.save();
    CHECK(read_file(dir / "cpp.json") == read_file(dir / "py.json"));
    const ls::project from_python(dir / "py.json", ls::mode::read_only);
    CHECK(from_python["zones"].parameter("india").get<ls::offset_time>() == ls::offset_time{noon, 330min});
    CHECK(from_python["zones"].parameter("west")[0].get<ls::offset_time>() == ls::offset_time{noon, -5h});
}
