// basic_artifact_set: lazy logging, save, load through the stored alias, metadata as
// Python lazyscribe stores it, and bad input.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <string>
#include <utility>
#include <vector>

namespace ls = lazyscribe;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;
using lazyscribe_test::test_handlers;
using set_t = ls::basic_artifact_set<test_handlers>;

namespace {
const ls::time_point t0 = ls::detail::parse_time("2024-01-02T03:04:05").value();
using project_t = ls::basic_project<test_handlers>;
}  // namespace

namespace geo {
struct point {
    double x = 0;
    double y = 0;
    template <class Archive>
    void serialize(Archive& archive) {
        archive(x, y);
    }
};
struct named_point {  // names itself in metadata
    static constexpr std::string_view lazyscribe_type_name = "geo.NamedPoint";
    double x = 0;
    template <class Archive>
    void serialize(Archive& archive) {
        archive(x);
    }
};
struct traited_point {
    double x = 0;
    template <class Archive>
    void serialize(Archive& archive) {
        archive(x);
    }
};
}  // namespace geo
template <>
struct lazyscribe::artifact_type_name<geo::traited_point> {
    static constexpr std::string_view value = "geo.TraitedPoint";
};

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
    CHECK(message_of(ls::json::parse(R"([{"handler": "json", "name": "a"}])"))
              .find("p.json: artifacts[0]: missing field 'created_at'") != std::string::npos);
    CHECK(message_of(ls::json::parse(R"([{"created_at": 5, "handler": "json", "name": "a"}])"))
              .find("'created_at' must be a string") != std::string::npos);
    CHECK(message_of(ls::json::parse(R"([{"created_at": "yesterday", "handler": "json", "name": "a"}])"))
              .find("'created_at' is not a date-time") != std::string::npos);
    CHECK(message_of(ls::json::parse(
                         R"([{"created_at": "2024-01-01T00:00:00", "handler": "json", "name": "a", "version": "1"}])"))
              .find("'version' must be an integer") != std::string::npos);

    temp_dir dir;
    set_t set(dir);
    set.log_artifact_at<"text">(t0, "notes", std::string("x"));
    CHECK_THROWS_AS(set.load_artifact<std::string>("missing"), ls::artifact_load_error);
    // Not in memory as an int, and the file is not written yet.
    CHECK_THROWS_AS(set.load_artifact<int>("notes"), ls::artifact_load_error);
    set.save();
    const auto reloaded = set_t::from_json(set.to_json(), dir.path(), "test");
    // The text handler reads only std::string: known only at run time, so a typed error.
    CHECK_THROWS_WITH(reloaded.load_artifact<std::vector<int>>("notes"),
                      Catch::Contains("cannot read a value of type"));
    std::filesystem::remove(dir / set.begin()->fname());
    CHECK_THROWS_WITH(reloaded.load_artifact<std::string>("notes"), Catch::Contains("cannot open"));
}

TEST_CASE("artifact: metadata is read through the artifact's record description, checks in their old order",
          "[artifact]") {
    using codec = ls::detail::artifact_codec<test_handlers>;
    auto message_of = [](const char* text, bool null_version_ok = false) {
        try {
            (void)codec::parse(
                ls::json::parse(text), [] { return std::string("r.json: [0]"); }, 0, null_version_ok);
        } catch (const ls::format_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    // Each field's message is its codec's: the same words as every other record's field.
    CHECK(message_of(R"({"created_at": "2024-01-01T00:00:00", "expiry": 5, "handler": "json", "name": "a"})") ==
          "[lazyscribe.format_error] r.json: [0]: field 'expiry' must be a date-time string or null");
    CHECK(message_of(R"({"created_at": "2024-01-01T00:00:00", "expiry": "soon", "handler": "json", "name": "a"})") ==
          "[lazyscribe.format_error] r.json: [0]: field 'expiry' is not a date-time: 'soon'");
    CHECK(message_of(R"({"created_at": "2024-01-01T00:00:00", "fname": 3, "handler": "json", "name": "a"})") ==
          "[lazyscribe.format_error] r.json: [0]: field 'fname' must be a string");
    CHECK(message_of(R"({"created_at": "2024-01-01T00:00:00", "handler": ["json"], "name": "a"})") ==
          "[lazyscribe.format_error] r.json: [0]: field 'handler' must be a string");
    CHECK(message_of(R"({"created_at": "2024-01-01T00:00:00", "handler": "json", "name": "a", "version": null})") ==
          "[lazyscribe.format_error] r.json: [0]: field 'version' must be an integer");
    CHECK(message_of(R"({"created_at": "2024-01-01T00:00:00", "handler": "json", "name": "a", "version": null})",
                     true) == "no error");
    // With several faults, the first in the order name, handler, created_at, expiry, version, fname
    // is reported (not the keys' order).
    CHECK(message_of(R"({"created_at": 5, "version": "x"})") ==
          "[lazyscribe.format_error] r.json: [0]: missing field 'name'");
    CHECK(message_of(R"({"created_at": 5, "fname": 1, "name": "a"})") ==
          "[lazyscribe.format_error] r.json: [0]: missing field 'handler'");
    CHECK(message_of(R"({"created_at": "x", "expiry": 1, "handler": "json", "name": "a", "version": "1"})") ==
          "[lazyscribe.format_error] r.json: [0]: field 'created_at' is not a date-time: 'x'");
    CHECK(message_of(R"({"created_at": "2024-01-01T00:00:00", "expiry": 1, "handler": "json", "name": "a",
                         "version": "1"})") ==
          "[lazyscribe.format_error] r.json: [0]: field 'expiry' must be a date-time string or null");
    CHECK(message_of(R"({"created_at": "2024-01-01T00:00:00", "fname": "../x.json", "handler": "json", "name": "a",
                         "version": "1"})") ==
          "[lazyscribe.format_error] r.json: [0]: field 'version' must be an integer");
    CHECK(message_of(R"({"created_at": "2024-01-01T00:00:00", "fname": "../x.json", "handler": "json", "name": "a"})")
              .find("r.json: [0]: field 'fname': '../x.json' ") != std::string::npos);
    // The default fname comes after the fields it is made of; the extras follow the handler.
    const auto a =
        codec::parse(ls::json::parse(R"({"created_at": "2024-01-01T00:00:00", "handler": "text", "name": "My Notes",
                            "stale": 1, "version": 3})"),
                     [] { return std::string("r.json: [0]"); });
    CHECK(a.fname() == "my-notes-20240101000000.txt");
    CHECK(a.version() == 3);
    CHECK_FALSE(a.fields().contains("stale"));
    CHECK(a.to_json() == ls::json::parse(R"({"created_at": "2024-01-01T00:00:00", "expiry": null,
        "fname": "my-notes-20240101000000.txt", "handler": "text", "name": "My Notes", "version": 3})"));
}

namespace {
struct chart_handler {
    static constexpr std::string_view alias = "chart";
    static constexpr std::string_view suffix = "svg";
    static constexpr bool binary = false;
    static constexpr bool output_only = true;
    static void write(const std::vector<double>& ys, std::ostream& out, const ls::json&) {
        out << "<svg>" << ys.size() << "</svg>";
    }
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

TEST_CASE("artifact: a cereal artifact records its C++ type and refuses to load as another", "[artifact][cereal]") {
    temp_dir dir;
    set_t set(dir);
    set.log_artifact_at<"cereal">(t0, "origin", geo::point{1.5, -2.0});
    set.log_artifact_at<"cereal">(t0, "weights", std::vector<double>{0.5, 0.25});
    set.log_artifact_at<"cereal">(t0, "named", geo::named_point{1.0});
    set.log_artifact_at<"cereal">(t0, "traited", geo::traited_point{1.0});
    set.save();
    const auto j = set.to_json();
    CHECK(j[0]["cereal_type"] == "geo::point");  // the fallback: the compiler's name, normalised
    CHECK(j[1]["cereal_type"] == "std::vector<float64>");
    CHECK(j[2]["cereal_type"] == "geo.NamedPoint");
    CHECK(j[3]["cereal_type"] == "geo.TraitedPoint");

    const auto reloaded = set_t::from_json(j, dir.path(), "test");
    CHECK(reloaded.to_json() == j);  // the key round-trips
    CHECK(reloaded.load_artifact<std::vector<double>>("weights") == std::vector<double>{0.5, 0.25});
    CHECK(reloaded.load_artifact<geo::point>("origin").y == -2.0);
    // Without the check, a vector read as a point is garbage: its length becomes a double.
    CHECK_THROWS_AS(reloaded.load_artifact<geo::point>("weights"), ls::artifact_load_error);
    CHECK_THROWS_WITH(reloaded.load_artifact<geo::point>("weights"),
                      Catch::Contains("artifact 'weights'") && Catch::Contains("std::vector<float64>") &&
                          Catch::Contains("geo::point") && Catch::Contains("validate = false"));
    CHECK_THROWS_WITH((reloaded.load_artifact<std::vector<double>, "cereal">("origin")),
                      Catch::Contains("geo::point") && Catch::Contains("std::vector<float64>"));
    // validate = false reads the bytes as asked: a point's two doubles are a pair's.
    const auto as_pair = reloaded.load_artifact<std::pair<double, double>>("origin", {.validate = false});
    CHECK(as_pair == std::pair<double, double>{1.5, -2.0});
    // A value logged in this session is checked the same way before its file is read.
    CHECK_THROWS_AS(set.load_artifact<geo::point>("weights"), ls::artifact_load_error);
}

TEST_CASE("artifact: a cereal artifact written before types were recorded still loads and stays as it was",
          "[artifact][cereal]") {
    temp_dir dir;
    set_t set(dir);
    set.log_artifact_at<"cereal">(t0, "weights", std::vector<double>{0.5, 0.25});
    set.save();
    auto j = set.to_json();
    j[0].erase("cereal_type");
    const auto old = set_t::from_json(j, dir.path(), "old.json");
    CHECK(old.to_json() == j);  // no key is added on load
    CHECK(old.load_artifact<std::vector<double>>("weights") == std::vector<double>{0.5, 0.25});
}

TEST_CASE("artifact: \"version\": null in an experiment or test loads and is written back as null", "[artifact]") {
    temp_dir dir;
    const auto entries = ls::json::parse(R"([
        {"created_at": "2024-01-02T03:04:05", "expiry": null, "fname": "n.txt", "handler": "text", "name": "n",
         "version": null},
        {"created_at": "2024-01-02T03:04:05", "expiry": null, "fname": "o.bin", "handler": "custom", "name": "o",
         "version": null}])");
    lazyscribe_test::write_file(dir / "n.txt", "notes");
    const auto set = set_t::from_json(entries, dir.path(), "p.json: artifacts");
    CHECK(set.at("n").version_is_null());
    CHECK(set.at("n").version() == 0);
    CHECK_FALSE(set.at("o").dirty());
    CHECK(set.to_json() == entries);
    CHECK(set.load_artifact<std::string>("n") == "notes");
    std::string text;
    set.at("n").write_json(text, {}, 0);
    CHECK(text.find("\"version\": null") != std::string::npos);
    // Another non-integer version is still refused.
    auto bad = entries;
    bad[0]["version"] = "1";
    CHECK_THROWS_WITH(set_t::from_json(bad, dir.path(), "p.json"),
                      Catch::Contains("field 'version' must be an integer"));
}

namespace {
// A project with experiments A and B sharing ../shared/common.json; returns the project file.
std::filesystem::path shared_file_project(const std::filesystem::path& root) {
    const auto file = root / "project.json";
    project_t p(file, ls::mode::write, "t");
    for (const char* name : {"A", "B"}) {
        auto e = p.log(name);
        e.log_artifact<"json">("common", ls::json{{"shared", true}}, {.fname = "../shared/common.json"});
        auto t = e.log_test("T");
        t.log_artifact<"text">("deep", std::string("from a test"), {.fname = "../notes.txt"});
    }
    p.save();
    return file;
}
}  // namespace

TEST_CASE("artifact: an fname with .. that stays inside the project folder is written, read and re-saved",
          "[artifact][paths]") {
    temp_dir dir;
    const auto file = shared_file_project(dir / "p");
    CHECK(read_file(dir / "p/shared/common.json") == "{\"shared\": true}");
    const std::string saved = read_file(file);
    {
        const project_t p(file, ls::mode::read_only);
        for (const auto& e : p) {
            CHECK(e.load_artifact<ls::json>("common") == ls::json{{"shared", true}});
            CHECK(e.tests()[0].load_artifact<std::string>("deep") == "from a test");
            CHECK(std::filesystem::exists(e.path() / "notes.txt"));
        }
    }
    project_t(file, ls::mode::edit).save();
    CHECK(read_file(file) == saved);

    // One level more leaves the project folder: refused when logged and when read from the file.
    project_t p(file, ls::mode::append, "t");
    auto e = p.log("C");
    CHECK_THROWS_AS(e.log_artifact<"json">("x", 1, {.fname = "../../outside.json"}), ls::path_error);
    CHECK_THROWS_WITH(e.log_artifact<"json">("x", 1, {.fname = "../../outside.json"}),
                      Catch::Contains("'../../outside.json' climbs out of the project folder"));
    std::string hostile = saved;
    const auto at = hostile.find("../shared/common.json");
    hostile.replace(at, std::string("../shared/common.json").size(), "../../shared/common.json");
    lazyscribe_test::write_file(dir / "h/project.json", hostile);
    CHECK_THROWS_AS(project_t(dir / "h/project.json", ls::mode::read_only), ls::format_error);
    CHECK_THROWS_WITH(project_t(dir / "h/project.json", ls::mode::read_only),
                      Catch::Contains("'../../shared/common.json'"));
}

TEST_CASE("artifact: .. is applied after symbolic links, as the OS opens the file", "[artifact][paths]") {
    temp_dir dir;
    const auto root = dir / "p";
    const auto file = shared_file_project(root);
    const auto a_folder = project_t(file, ls::mode::read_only)["a"].path();

    SECTION("a link that keeps the file inside the project folder is followed") {
        // a/ becomes a link to nested/a: its ../shared is nested/shared, still in the project.
        std::filesystem::create_directories(root / "nested");
        std::filesystem::rename(a_folder, root / "nested" / a_folder.filename());
        std::filesystem::create_directory_symlink(root / "nested" / a_folder.filename(), a_folder);
        lazyscribe_test::write_file(root / "nested/shared/common.json", "{\"nested\": 1}");
        const project_t p(file, ls::mode::read_only);
        CHECK(p["a"].load_artifact<ls::json>("common") == ls::json{{"nested", 1}});
        CHECK(p["b"].load_artifact<ls::json>("common") == ls::json{{"shared", true}});
    }
    SECTION("a link that leads the file out of the project folder is refused, though the name stays inside") {
        const auto outside = dir / "outside";
        std::filesystem::create_directories(outside);
        std::filesystem::rename(a_folder, outside / a_folder.filename());
        std::filesystem::create_directory_symlink(outside / a_folder.filename(), a_folder);
        lazyscribe_test::write_file(outside / "shared/common.json", "{\"secret\": 1}");
        project_t p(file, ls::mode::edit, "t");
        CHECK_THROWS_AS(p["a"].load_artifact<ls::json>("common"), ls::format_error);
        CHECK_THROWS_WITH(p["a"].load_artifact<ls::json>("common"),
                          Catch::Contains("common.json") && Catch::Contains("outside"));
        // A write through the same link is refused before anything is written.
        p.edit("a").log_artifact<"json">("more", 2, {.fname = "../shared/more.json"});
        CHECK_THROWS_AS(p.save(), ls::error);
        CHECK_FALSE(std::filesystem::exists(outside / "shared/more.json"));
        CHECK(p["b"].load_artifact<ls::json>("common") == ls::json{{"shared", true}});
    }
}
