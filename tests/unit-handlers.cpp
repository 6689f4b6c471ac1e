// The built-in handlers: round trips through real files, and the json handler's bytes
// against files Python lazyscribe wrote.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace ls = lazyscribe;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;

namespace {

struct point {
    double x = 0;
    double y = 0;
    std::string label;
    bool operator==(const point&) const = default;
    template <class Archive>
    void serialize(Archive& archive) {
        archive(x, y, label);
    }
};
void to_json(ls::json& j, const point& p) { j = ls::json{{"x", p.x}, {"y", p.y}, {"label", p.label}}; }
void from_json(const ls::json& j, point& p) {
    j.at("x").get_to(p.x);
    j.at("y").get_to(p.y);
    j.at("label").get_to(p.label);
}

// A value each handler of the list can write and read back.
template <class H>
auto sample() {
    if constexpr (std::is_same_v<H, lazyscribe_test::text_handler> ||
                  std::is_same_v<H, lazyscribe_test::versioned_handler>) {
        return std::string("line one\nline two \xc3\xa9\n");
    } else {
        return std::vector<point>{{1.5, -2.0, "a"}, {0.1, 1e300, "\xe4\xb8\xad"}};
    }
}

template <class H, class T>
void write_file(const std::filesystem::path& path, const T& value, const ls::json& kwargs = ls::json::object()) {
    std::ofstream out(path, H::binary ? std::ios::binary : std::ios::out);
    H::write(value, out, kwargs);
}

template <class H, class T>
T read_back(const std::filesystem::path& path, const ls::json& kwargs = ls::json::object()) {
    std::ifstream in(path, H::binary ? std::ios::binary : std::ios::in);
    return ls::read_with<T, H>(in, kwargs);
}

using round_trip_handlers =
    ls::builtin_handlers::with<lazyscribe_test::text_handler, lazyscribe_test::versioned_handler>;

}  // namespace

TEMPLATE_LIST_TEST_CASE("handlers: every handler in the list round-trips a value through a file", "[handlers]",
                        round_trip_handlers) {
    using H = TestType;
    temp_dir dir;
    const auto value = sample<H>();
    using value_type = std::remove_const_t<decltype(value)>;
    STATIC_REQUIRE(ls::WritableBy<H, value_type>);
    STATIC_REQUIRE(ls::ReadableAs<H, value_type>);
    const auto path = dir / ("value." + std::string(H::suffix));
    write_file<H>(path, value);
    REQUIRE(std::filesystem::file_size(path) > 0);
    CHECK(read_back<H, value_type>(path) == value);
    // environment() is an object when present.
    CHECK(ls::environment_of<H>().is_object());
}

TEST_CASE("handlers: json writes what Python's json.dump writes") {
    std::ostringstream out;
    ls::json_handler::write(ls::ordered_json{{"low", 0.3}, {"high", 0.7}}, out, ls::json::object());
    CHECK(out.str() == R"({"low": 0.3, "high": 0.7})");

    std::ostringstream sorted;
    ls::json_handler::write(std::map<std::string, double>{{"low", 0.3}, {"high", 0.7}}, sorted, ls::json::object());
    CHECK(sorted.str() == R"({"high": 0.7, "low": 0.3})");

    std::ostringstream special;
    ls::json_handler::write(std::vector<double>{std::nan(""), std::numeric_limits<double>::infinity(),
                                                -std::numeric_limits<double>::infinity(), -0.0, 1e16, 100000.0},
                            special, ls::json::object());
    CHECK(special.str() == "[NaN, Infinity, -Infinity, -0.0, 1e+16, 100000.0]");

    std::ostringstream indented;
    ls::json_handler::write(ls::ordered_json{{"b", {1, 2}}, {"a", "x"}}, indented, ls::json{{"indent", 2}});
    CHECK(indented.str() == "{\n  \"b\": [\n    1,\n    2\n  ],\n  \"a\": \"x\"\n}");

    std::ostringstream unicode;
    ls::json_handler::write(std::string("cl\xc3\xa9 \xf0\x9f\x9a\x80"), unicode, ls::json::object());
    CHECK(unicode.str() == R"("cl\u00e9 \ud83d\ude80")");
}

TEST_CASE("handlers: json reads NaN and Infinity as Python's json.load does") {
    std::istringstream in("[NaN, Infinity, -Infinity, 1e-07]");
    const auto values = ls::json_handler::read<std::vector<double>>(in, ls::json::object());
    REQUIRE(values.size() == 4);
    CHECK(std::isnan(values[0]));
    CHECK(values[1] == std::numeric_limits<double>::infinity());
    CHECK(values[2] == -std::numeric_limits<double>::infinity());
    CHECK(values[3] == 1e-07);
}

TEST_CASE("handlers: json artifact files written by Python lazyscribe are reproduced byte for byte") {
    const auto root = lazyscribe_test::fixtures();
    struct case_t {
        const char* file;
        ls::json kwargs;
    };
    const case_t cases[] = {
        {"02_tests/churn-model-20240201120000/thresholds-20240201120000.json", ls::json::object()},
        {"02_tests/churn-model-20240201120000/holdout-set-2023/confusion-matrix-20240201120500.json",
         ls::json::object()},
        {"03_artifacts/feature-pipeline-20240310140000/feature-names-20240310140000.json", ls::json::object()},
        {"03_artifacts/feature-pipeline-20240310140000/config.json", ls::json{{"indent", 2}}},
        {"05_repository/model-config/model-config-20240501090000.json", ls::json::object()},
        {"05_repository/Feature List/feature-list-20240501090000.json", ls::json::object()},
        {"07_unicode/shi-yan-yi-20240601010000/sous-groupe-ete/resume-20240601010000.json", ls::json::object()},
        {"07_unicode/team-model-v2-20240601020000/weights-summary-20240601020000.json", ls::json::object()},
    };
    for (const auto& c : cases) {
        INFO(c.file);
        const auto expected = read_file(root / c.file);
        std::ifstream in(root / c.file);
        const auto value = ls::json_handler::read<ls::ordered_json>(in, ls::json::object());
        std::ostringstream out;
        ls::json_handler::write(value, out, c.kwargs);
        CHECK(out.str() == expected);
    }
    // The same bytes from plain C++ values.
    std::ostringstream matrix;
    ls::json_handler::write(std::vector<std::vector<int>>{{50, 3}, {4, 43}}, matrix, ls::json::object());
    CHECK(matrix.str() == read_file(root / cases[1].file));
    std::ostringstream names;
    ls::json_handler::write(std::vector<std::string>{"age", "income", "tenure"}, names, ls::json::object());
    CHECK(names.str() == read_file(root / cases[2].file));
}

TEST_CASE("handlers: json rejects malformed files, bad kwargs and wrong types with typed errors") {
    std::istringstream broken("{\"a\": [1, 2");
    CHECK_THROWS_AS(ls::json_handler::read<ls::json>(broken, ls::json::object()), ls::parse_error);
    std::istringstream text("\"text\"");
    CHECK_THROWS_AS(ls::json_handler::read<std::vector<int>>(text, ls::json::object()), ls::format_error);
    std::istringstream fine("[1]");
    CHECK_THROWS_AS(ls::json_handler::read<std::vector<int>>(fine, ls::json{{"parse_float", "x"}}), ls::format_error);
    std::ostringstream out;
    CHECK_THROWS_AS(ls::json_handler::write(1, out, ls::json{{"indnet", 2}}), ls::format_error);
    CHECK_THROWS_AS(ls::json_handler::write(std::nan(""), out, ls::json{{"allow_nan", false}}), ls::format_error);
}

TEST_CASE("handlers: cereal writes a portable binary archive and records its environment") {
    temp_dir dir;
    const std::map<std::string, std::vector<double>> value{{"w", {1.0, 2.5}}, {"b", {-0.5}}};
    write_file<ls::cereal_handler>(dir / "m.cereal", value);
    CHECK(read_back<ls::cereal_handler, std::map<std::string, std::vector<double>>>(dir / "m.cereal") == value);

    const auto env = ls::cereal_handler::environment();
    CHECK(env.at("cereal_archive") == "portable_binary");
    CHECK(env.at("cereal_version") == std::to_string(CEREAL_VERSION_MAJOR) + "." +
                                          std::to_string(CEREAL_VERSION_MINOR) + "." +
                                          std::to_string(CEREAL_VERSION_PATCH));

    // A truncated archive is a typed error, not a crash.
    const auto bytes = read_file(dir / "m.cereal");
    lazyscribe_test::write_file(dir / "cut.cereal", bytes.substr(0, bytes.size() / 2));
    CHECK_THROWS_AS((read_back<ls::cereal_handler, std::map<std::string, std::vector<double>>>(dir / "cut.cereal")),
                    ls::format_error);
}

namespace handler_names {
struct plain {};
template <class T>
struct box {};
enum class color { red };
}  // namespace handler_names

TEST_CASE("handlers: cereal records canonical type names, the same for every compiler and standard library",
          "[handlers][cereal]") {
    // The expected strings are literals: g++ and clang++ builds must both give exactly these
    // (their own spellings differ: std::__cxx11::basic_string<char>, "long int", allocators).
    using ls::canonical_type_name;
    CHECK(canonical_type_name<int>() == "int32");
    CHECK(canonical_type_name<const long long>() == "int64");
    CHECK(canonical_type_name<unsigned char>() == "uint8");
    CHECK(canonical_type_name<std::uint16_t>() == "uint16");
    CHECK(canonical_type_name<float>() == "float32");
    CHECK(canonical_type_name<double>() == "float64");
    CHECK(canonical_type_name<bool>() == "bool");
    CHECK(canonical_type_name<char>() == "char");
    CHECK(canonical_type_name<std::string>() == "std::string");
    CHECK(canonical_type_name<std::vector<std::string>>() == "std::vector<std::string>");
    CHECK(canonical_type_name<std::map<std::string, std::vector<double>>>() ==
          "std::map<std::string,std::vector<float64>>");
    CHECK(canonical_type_name<std::array<float, 3>>() == "std::array<float32,3>");
    CHECK(canonical_type_name<std::pair<int, std::string>>() == "std::pair<int32,std::string>");
    CHECK(canonical_type_name<std::tuple<int, double, std::string>>() == "std::tuple<int32,float64,std::string>");
    CHECK(canonical_type_name<std::optional<long long>>() == "std::optional<int64>");
    CHECK(canonical_type_name<int[4]>() == "int32[4]");
    CHECK(canonical_type_name<std::vector<point>>() == "std::vector<(anonymous)::point>");
    CHECK(canonical_type_name<handler_names::plain>() == "handler_names::plain");
    CHECK(canonical_type_name<handler_names::box<std::string>>() == "handler_names::box<std::basic_string<char>>");
    CHECK(canonical_type_name<handler_names::color>() == "handler_names::color");

    const auto meta = ls::detail::artifact_codec<ls::with_cereal>::make<"cereal">(
        ls::time_point{}, "m", std::vector<std::int32_t>{1}, ls::json::object());
    CHECK(meta.fields().at("cereal_type") == "std::vector<int32>");
}

TEST_CASE("handlers: text reads translate \\r\\n and \\r to \\n, also across buffer boundaries", "[handlers]") {
    auto translated = [](const std::string& bytes) {
        ls::detail::newline_translating_istream in(std::make_unique<std::istringstream>(bytes));
        return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    };
    CHECK(translated("a\r\nb\rc\n") == "a\nb\nc\n");
    CHECK(translated("\r\r\n\n\r") == "\n\n\n\n");
    CHECK(translated("") == "");
    // A "\r\n" pair split by the translator's buffer size is still one newline.
    const std::string big = std::string((1 << 14) - 1, 'x') + "\r\n" + "y";
    CHECK(translated(big) == std::string((1 << 14) - 1, 'x') + "\ny");

    // Through an artifact: a text handler's file with Windows and old-Mac line ends.
    temp_dir dir;
    using set_t = ls::basic_artifact_set<lazyscribe_test::test_handlers>;
    set_t set(dir);
    set.log_artifact<"text">("notes", std::string("x"), {.fname = "notes.txt"});
    set.log_artifact<"versioned">("raw", std::string("x"), {.fname = "raw.ver"});
    set.save();
    lazyscribe_test::write_file(dir / "notes.txt", "a\r\nb\rc\n");
    lazyscribe_test::write_file(dir / "raw.ver", "a\r\nb\rc\n");
    const auto reloaded = set_t::from_json(set.to_json(), dir.path(), "test");
    CHECK(reloaded.load_artifact<std::string>("notes") == "a\nb\nc\n");
    CHECK(reloaded.load_artifact<std::string>("raw") == "a\r\nb\rc\n");  // binary handlers read bytes as they are
}
