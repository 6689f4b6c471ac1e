// basic_artifact_set: lazy logging, save, load through the stored alias, metadata as
// Python lazyscribe stores it, and bad input.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cereal/types/vector.hpp>

#include <string>
#include <vector>

namespace ls = lazyscribe;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;
using lazyscribe_test::test_handlers;
using set_t = ls::basic_artifact_set<test_handlers>;

namespace {
const ls::time_point t0 = ls::detail::parse_time("2024-01-02T03:04:05").value();
}

TEST_CASE("artifact: logging writes nothing, save writes the files, then they are clean") {
    temp_dir dir;
    set_t set(dir / "exp");
    const auto& notes = set.log_artifact_at<"text">(t0, "My Notes", "hello");  // a literal is stored as std::string
    set.log_artifact_at<"json">(t0, "features", std::vector<int>{1, 2});
    CHECK(notes.fname() == "my-notes-20240102030405.txt");
    CHECK(notes.dirty());
    CHECK_FALSE(std::filesystem::exists(dir / "exp"));

    set.save();
    CHECK(read_file(dir / "exp/my-notes-20240102030405.txt") == "hello");
    CHECK(read_file(dir / "exp/features-20240102030405.json") == "[1, 2]");
    CHECK_FALSE(set.dirty());

    // Clean artifacts are not rewritten: a changed file stays as it is.
    lazyscribe_test::write_file(dir / "exp/features-20240102030405.json", "[3]");
    set.save();
    CHECK(read_file(dir / "exp/features-20240102030405.json") == "[3]");
}

TEST_CASE("artifact: metadata has Python's keys and round-trips through JSON") {
    temp_dir dir;
    set_t set(dir);
    set.log_artifact_at<"json">(t0, "features", std::vector<int>{1, 2}, {.fname = "sub/f.json"});
    set.log_artifact_at<"cereal">(t0, "model", std::vector<double>{0.5});
    const auto j = set.to_json();
    CHECK(j[0] == ls::json::parse(R"({"created_at": "2024-01-02T03:04:05", "expiry": null, "fname": "sub/f.json",
                                     "handler": "json", "name": "features", "version": 0})"));
    CHECK(j[1]["cereal_archive"] == "portable_binary");
    CHECK(j[1]["fname"] == "model-20240102030405.cereal");

    set.save();
    CHECK(std::filesystem::exists(dir / "sub/f.json"));
    const auto reloaded = set_t::from_json(j, dir.path(), "test");
    CHECK(reloaded.to_json() == j);
    CHECK(reloaded.load_artifact<std::vector<int>>("features") == std::vector<int>{1, 2});
    CHECK(reloaded.load_artifact<std::vector<double>>("model") == std::vector<double>{0.5});
    CHECK(reloaded.load_artifact<std::vector<int>, "json">("features") == std::vector<int>{1, 2});
    CHECK_THROWS_AS((reloaded.load_artifact<std::vector<double>, "json">("model")), ls::artifact_load_error);
}

TEST_CASE("artifact: a name logged twice needs overwrite, which replaces it in place") {
    temp_dir dir;
    set_t set(dir);
    set.log_artifact_at<"text">(t0, "a", std::string("1"));
    set.log_artifact_at<"text">(t0, "b", std::string("2"));
    CHECK_THROWS_AS(set.log_artifact_at<"text">(t0, "a", std::string("3")), ls::artifact_log_error);
    set.log_artifact_at<"json">(t0, "a", 3, {.overwrite = true});
    REQUIRE(set.size() == 2);
    CHECK(set.begin()->name() == "a");
    CHECK(set.begin()->handler() == "json");
    CHECK(set.load_artifact<int>("a") == 3);  // from memory: not saved yet
}

TEST_CASE("artifact: two artifacts never share a file") {
    temp_dir dir;
    set_t set(dir);
    // Python gives both "a-b-20240102030405.txt"; the second write would destroy the first.
    const auto& first = set.log_artifact_at<"text">(t0, "a b", std::string("first"));
    const auto& second = set.log_artifact_at<"text">(t0, "a-b", std::string("second"));
    CHECK(first.fname() == "a-b-20240102030405.txt");
    CHECK(second.fname() == "a-b-20240102030405-1.txt");
    CHECK_THROWS_AS(set.log_artifact_at<"text">(t0, "c", std::string("x"), {.fname = "a-b-20240102030405.txt"}),
                    ls::artifact_log_error);
    set.save();
    CHECK(read_file(dir / "a-b-20240102030405.txt") == "first");
    CHECK(read_file(dir / "a-b-20240102030405-1.txt") == "second");
}

TEST_CASE("artifact: a file name that escapes the folder is refused before anything is written") {
    temp_dir dir;
    set_t set(dir / "exp");
    for (const char* bad : {"../x.txt", "/tmp/x.txt", "a/../../x.txt", ".", "a/..", "a/./../../b"}) {
        INFO(bad);
        CHECK_THROWS_AS(set.log_artifact_at<"text">(t0, bad, std::string("x"), {.fname = bad}), ls::path_error);
    }
    CHECK(set.empty());
    const auto hostile = ls::json::parse(
        R"([{"created_at": "2024-01-02T03:04:05", "fname": "../../etc/passwd", "handler": "text", "name": "n"}])");
    CHECK_THROWS_WITH(set_t::from_json(hostile, dir / "exp", "hostile.json: artifacts"),
                      Catch::Contains("hostile.json: artifacts[0]: field 'fname': '../../etc/passwd'"));
}

TEST_CASE("artifact: a failing write leaves the previous file intact and no temporary file behind") {
    temp_dir dir;
    set_t set(dir);
    set.log_artifact_at<"failing">(t0, "x", 1, {.fname = "x.bin"});
    set.save();
    CHECK(read_file(dir / "x.bin") == "partial");
    set.log_artifact_at<"failing">(t0, "x", -1, {.fname = "x.bin", .overwrite = true});
    CHECK_THROWS_AS(set.save(), ls::save_error);
    CHECK(read_file(dir / "x.bin") == "partial");
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 1);
    CHECK(set.dirty());
}

TEST_CASE("artifact: the environment is stored and checked on load") {
    temp_dir dir;
    using H = lazyscribe_test::versioned_handler;
    H::running_version = "1.0";
    set_t set(dir);
    set.log_artifact_at<"versioned">(t0, "v", std::string("payload"));
    set.save();
    const auto j = set.to_json();
    CHECK(j[0]["format_version"] == "1.0");

    H::running_version = "2.0";
    const auto reloaded = set_t::from_json(j, dir.path(), "test");
    try {
        (void)reloaded.load_artifact<std::string>("v");
        FAIL("no exception");
    } catch (const ls::artifact_load_error& e) {
        const std::string message = e.what();
        CHECK(message.find(R"({"format_version":"1.0"})") != std::string::npos);
        CHECK(message.find(R"({"format_version":"2.0"})") != std::string::npos);
    }
    CHECK(reloaded.load_artifact<std::string>("v", {.validate = false}) == "payload");
    H::running_version = "1.0";
    CHECK(reloaded.load_artifact<std::string>("v") == "payload");
}

TEST_CASE("artifact: unknown handlers stay opaque, known handlers keep only their own fields") {
    temp_dir dir;
    const auto entries = ls::json::parse(R"([
        {"created_at": "2024-03-10T14:02:00", "expiry": null, "fname": "scaler.pkl", "handler": "pickle",
         "name": "scaler", "python_version": "3.11", "version": 0},
        {"created_at": "2023-01-01T09:30:00", "handler": "json", "name": "old", "python_version": "3.8"}])");
    lazyscribe_test::write_file(dir / "scaler.pkl", "\x80\x04pickle-bytes");
    lazyscribe_test::write_file(dir / "old-20230101093000.json", "{\"legacy\": true}");
    auto set = set_t::from_json(entries, dir.path(), "project.json");
    const auto out = set.to_json();
    CHECK(out[0] == entries[0]);
    CHECK(out[1] == ls::json::parse(R"({"created_at": "2023-01-01T09:30:00", "expiry": null,
        "fname": "old-20230101093000.json", "handler": "json", "name": "old", "version": 0})"));
    set.save();
    CHECK(read_file(dir / "scaler.pkl") == "\x80\x04pickle-bytes");
    try {
        (void)set.load_artifact<std::string>("scaler");
        FAIL("no exception");
    } catch (const ls::unknown_handler_error& e) {
        const std::string message = e.what();
        CHECK(message.find("'pickle'") != std::string::npos);
        CHECK(message.find("scaler.pkl") != std::string::npos);
    }
    CHECK(set.load_artifact<ls::json>("old") == ls::json{{"legacy", true}});
}

TEST_CASE("artifact: bad metadata and bad requests get typed errors naming the field") {
    auto message_of = [](const ls::json& j) {
        try {
            (void)set_t::from_json(j, "x", "p.json: artifacts");
        } catch (const ls::format_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message_of(ls::json::object()).find("p.json: artifacts: expected an array") != std::string::npos);
    CHECK(message_of(ls::json::parse(R"([{"handler": "json", "name": "a"}])")).find("p.json: artifacts[0]: missing field 'created_at'") != std::string::npos);
    CHECK(message_of(ls::json::parse(R"([{"created_at": 5, "handler": "json", "name": "a"}])")).find("'created_at' must be a string") != std::string::npos);
    CHECK(message_of(ls::json::parse(R"([{"created_at": "yesterday", "handler": "json", "name": "a"}])")).find("'created_at' is not a date-time") != std::string::npos);
    CHECK(message_of(ls::json::parse(R"([{"created_at": "2024-01-01T00:00:00", "handler": "json", "name": "a", "version": "1"}])")).find("'version' must be an integer") != std::string::npos);

    temp_dir dir;
    set_t set(dir);
    set.log_artifact_at<"text">(t0, "notes", std::string("x"));
    CHECK_THROWS_AS(set.load_artifact<std::string>("missing"), ls::artifact_load_error);
    // Not in memory as an int, and the file is not written yet.
    CHECK_THROWS_AS(set.load_artifact<int>("notes"), ls::artifact_load_error);
    set.save();
    const auto reloaded = set_t::from_json(set.to_json(), dir.path(), "test");
    // The text handler reads only std::string: known only at run time, so a typed error.
    CHECK_THROWS_WITH(reloaded.load_artifact<std::vector<int>>("notes"), Catch::Contains("cannot read a value of type"));
    std::filesystem::remove(dir / set.begin()->fname());
    CHECK_THROWS_WITH(reloaded.load_artifact<std::string>("notes"), Catch::Contains("cannot open"));
}

namespace {
struct chart_handler {
    static constexpr std::string_view alias = "chart";
    static constexpr std::string_view suffix = "svg";
    static constexpr bool binary = false;
    static constexpr bool output_only = true;
    static void write(const std::vector<double>& ys, std::ostream& out, const ls::json&) { out << "<svg>" << ys.size() << "</svg>"; }
};
}  // namespace

TEST_CASE("artifact: writer kwargs are checked when the artifact is logged, not at save") {
    temp_dir dir;
    set_t set(dir);
    CHECK_THROWS_WITH(set.log_artifact_at<"json">(t0, "x", 1, {.kwargs = {{"indnt", 2}}}),
                      Catch::Contains("lazyscribe.artifact_log_error") && Catch::Contains("indnt"));
    CHECK_THROWS_AS(set.log_artifact_at<"cereal">(t0, "y", 1, {.kwargs = {{"level", 9}}}), ls::artifact_log_error);
    CHECK(set.empty());
}

TEST_CASE("artifact: output-only files are written and refuse to load") {
    temp_dir dir;
    using charts = ls::builtin_handlers::with<chart_handler>;
    ls::basic_artifact_set<charts> set(dir);
    set.log_artifact_at<"chart">(t0, "loss", std::vector<double>{1, 2, 3});
    set.save();
    CHECK(read_file(dir / "loss-20240102030405.svg") == "<svg>3</svg>");
    const auto reloaded = ls::basic_artifact_set<charts>::from_json(set.to_json(), dir.path(), "t");
    CHECK_THROWS_WITH(reloaded.load_artifact<std::vector<double>>("loss"), Catch::Contains("is output-only"));
}
