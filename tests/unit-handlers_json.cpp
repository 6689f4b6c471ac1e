// handlers/json.hpp: which types the json handler takes, each json.dump option against the
// bytes Python's json.dumps writes for it (the real Python where at hand, literals always),
// and its refusals. Files Python lazyscribe wrote are checked in unit-handlers.cpp.
#include <lazyscribe/handlers/json.hpp>

#include "python_oracle.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace ls = lazyscribe;

namespace {

struct not_json {
    int x = 0;
};

static_assert(ls::JsonWritable<ls::json> && ls::JsonWritable<ls::ordered_json> && ls::JsonWritable<int> &&
              ls::JsonWritable<std::map<std::string, std::vector<double>>>);
static_assert(ls::JsonReadable<ls::ordered_json> && ls::JsonReadable<std::vector<std::string>>);
static_assert(!ls::JsonWritable<not_json> && !ls::JsonReadable<not_json>);
static_assert(ls::ChecksWriteKwargs<ls::json_handler> && !ls::HasEnvironment<ls::json_handler>);
static_assert(!ls::json_handler::binary && !ls::json_handler::output_only);

// One value, written with each set of json.dump options; `python` is the same call in Python.
struct option_case {
    const char* kwargs;  // JSON text of the writer kwargs
    const char* python;  // Python's keyword arguments
    const char* expected;
};
constexpr const char* value_text = R"({"b": [1, 2.5, null], "a": "\u00e9t\u00e9", "c": {}, "d": [], "e": true})";
const option_case option_cases[] = {
    {"{}", "", R"({"b": [1, 2.5, null], "a": "\u00e9t\u00e9", "c": {}, "d": [], "e": true})"},
    {R"({"sort_keys": true})", "sort_keys=True",
     R"({"a": "\u00e9t\u00e9", "b": [1, 2.5, null], "c": {}, "d": [], "e": true})"},
    {R"({"ensure_ascii": false})", "ensure_ascii=False",
     "{\"b\": [1, 2.5, null], \"a\": \"\xc3\xa9t\xc3\xa9\", \"c\": {}, \"d\": [], \"e\": true}"},
    {R"({"separators": [",", ":"]})", "separators=(',', ':')",
     R"({"b":[1,2.5,null],"a":"\u00e9t\u00e9","c":{},"d":[],"e":true})"},
    {R"({"indent": 0})", "indent=0",
     "{\n\"b\": [\n1,\n2.5,\nnull\n],\n\"a\": \"\\u00e9t\\u00e9\",\n\"c\": {},\n\"d\": [],\n\"e\": true\n}"},
    {R"({"indent": "  ", "sort_keys": true})", "indent='  ', sort_keys=True",
     "{\n  \"a\": \"\\u00e9t\\u00e9\",\n  \"b\": [\n    1,\n    2.5,\n    null\n  ],\n  \"c\": {},\n  \"d\": [],\n"
     "  \"e\": true\n}"},
    {R"({"indent": 1, "separators": [";", "="]})", "indent=1, separators=(';', '=')",
     "{\n \"b\"=[\n  1;\n  2.5;\n  null\n ];\n \"a\"=\"\\u00e9t\\u00e9\";\n \"c\"={};\n \"d\"=[];\n \"e\"=true\n}"},
    {R"({"indent": null, "skipkeys": true, "check_circular": false})",
     "indent=None, skipkeys=True, check_circular=False",
     R"({"b": [1, 2.5, null], "a": "\u00e9t\u00e9", "c": {}, "d": [], "e": true})"},
};

std::string written(const ls::ordered_json& value, const ls::json& kwargs) {
    std::ostringstream out;
    ls::json_handler::write(value, out, kwargs);
    return out.str();
}

ls::ordered_json sample_value() {
    std::istringstream in(value_text);
    return ls::json_handler::read<ls::ordered_json>(in, ls::json::object());
}

}  // namespace

TEST_CASE("handlers/json: each json.dump option writes Python's bytes", "[handlers_json]") {
    const auto value = sample_value();
    for (const auto& c : option_cases) {
        INFO(c.kwargs);
        CHECK(written(value, ls::json::parse(c.kwargs)) == c.expected);
    }
    CHECK(written(value, ls::json()) == option_cases[0].expected);  // null kwargs: no arguments
}

TEST_CASE("handlers/json: the expected bytes are what the real Python json.dumps writes", "[handlers_json][python]") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    std::random_device rd;
    const auto dir = std::filesystem::temp_directory_path() / ("lazyscribe-hjson-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    std::string script = "import json\nvalue = json.loads(" + std::string("'''") + value_text + "''')\n";
    for (std::size_t i = 0; i < std::size(option_cases); ++i) {
        script += "open('" + std::to_string(i) + ".json', 'w', encoding='utf-8').write(json.dumps(value, " +
                  option_cases[i].python + "))\n";
    }
    lazyscribe_test::python_ok(script, dir);
    for (std::size_t i = 0; i < std::size(option_cases); ++i) {
        INFO(option_cases[i].python);
        std::ifstream in(dir / (std::to_string(i) + ".json"), std::ios::binary);
        const std::string python{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        CHECK(python == option_cases[i].expected);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("handlers/json: values with to_json/from_json, and json's sorted keys", "[handlers_json]") {
    std::ostringstream out;
    ls::json_handler::write(std::map<std::string, int>{{"z", 1}, {"a", 2}}, out, ls::json::object());
    CHECK(out.str() == R"({"a": 2, "z": 1})");
    std::ostringstream sorted;
    ls::json_handler::write(ls::json{{"z", 1}, {"a", 2}}, sorted, ls::json::object());
    CHECK(sorted.str() == out.str());
    std::istringstream in(R"(["x", "y"])");
    CHECK(ls::json_handler::read<std::vector<std::string>>(in, ls::json::object()) ==
          std::vector<std::string>{"x", "y"});
}

TEST_CASE("handlers/json: unknown or ill-typed kwargs are refused at log time, naming the kwarg", "[handlers_json]") {
    CHECK_NOTHROW(ls::json_handler::check_write_kwargs(ls::json::object()));
    CHECK_NOTHROW(ls::json_handler::check_write_kwargs(ls::json{{"indent", 4}, {"sort_keys", true}}));
    CHECK_THROWS_WITH(ls::json_handler::check_write_kwargs(ls::json{{"indnet", 4}}), Catch::Contains("'indnet'"));
    CHECK_THROWS_WITH(ls::json_handler::check_write_kwargs(ls::json{{"sort_keys", 1}}),
                      Catch::Contains("'sort_keys'") && Catch::Contains("boolean"));
    CHECK_THROWS_WITH(ls::json_handler::check_write_kwargs(ls::json{{"indent", "\t"}}), Catch::Contains("'indent'"));
    CHECK_THROWS_WITH(ls::json_handler::check_write_kwargs(ls::json{{"separators", {",", ":", "x"}}}),
                      Catch::Contains("'separators'"));
    CHECK_THROWS_AS(ls::json_handler::check_write_kwargs(ls::json::array()), ls::format_error);
    std::ostringstream out;
    CHECK_THROWS_AS(ls::json_handler::write(1, out, ls::json{{"indent", 4096}}), ls::format_error);
    CHECK(out.str().empty());
}

TEST_CASE("handlers/json: read takes no kwargs and reports what it cannot read", "[handlers_json]") {
    std::istringstream in("[1]");
    CHECK_THROWS_WITH(ls::json_handler::read<ls::json>(in, ls::json{{"parse_int", "x"}}),
                      Catch::Contains("takes no kwargs") && Catch::Contains("parse_int"));
    std::istringstream trailing("[1] x");
    CHECK_THROWS_AS(ls::json_handler::read<ls::json>(trailing, ls::json::object()), ls::parse_error);
    std::istringstream wrong("{\"a\": 1}");
    CHECK_THROWS_WITH(ls::json_handler::read<std::vector<int>>(wrong, ls::json::object()),
                      Catch::Contains("does not convert"));
    std::istringstream big("[18446744073709551616]");  // a big integer survives a read and a write
    const auto value = ls::json_handler::read<ls::ordered_json>(big, ls::json::object());
    CHECK(written(value, ls::json::object()) == "[18446744073709551616]");
}
