// dumps() (json.hpp): the text Python's json.dumps gives, with each option. Expected strings
// are what Python 3 prints for the same value and arguments.

#include <lazyscribe/errors.hpp>
#include <lazyscribe/json.hpp>

#include <catch2/catch.hpp>

#include <limits>

using lazyscribe::dumps;
using lazyscribe::dump_options;
using lazyscribe::json;
using lazyscribe::ordered_json;

TEST_CASE("dump writes what json.dumps writes", "[dump]") {
    // json.dumps({"b": [1.0, 1e16, 0.1], "a": "\u00e9"})
    const ordered_json value = {{"b", {1.0, 1e16, 0.1}}, {"a", "\u00e9"}};
    CHECK(dumps(value) == R"({"b": [1.0, 1e+16, 0.1], "a": "\u00e9"})");
    dump_options sorted;
    sorted.sort_keys = true;
    CHECK(dumps(value, sorted) == R"({"a": "\u00e9", "b": [1.0, 1e+16, 0.1]})");
    dump_options utf8;
    utf8.ensure_ascii = false;
    CHECK(dumps(value, utf8) == "{\"b\": [1.0, 1e+16, 0.1], \"a\": \"\u00e9\"}");
    dump_options indented;
    indented.indent = 2;
    CHECK(dumps(json{{"k", {1, 2}}, {"e", json::object()}}, indented) ==
          "{\n  \"e\": {},\n  \"k\": [\n    1,\n    2\n  ]\n}");
    CHECK(dumps(lazyscribe::big_integer("1180591620717411303424")) == "1180591620717411303424");
}

TEST_CASE("dump writes NaN and Infinity as Python does, or refuses them", "[dump]") {
    const json value = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                        -std::numeric_limits<double>::infinity()};
    CHECK(dumps(value) == "[NaN, Infinity, -Infinity]");
    dump_options strict;
    strict.allow_nan = false;
    CHECK_THROWS_AS(dumps(value, strict), lazyscribe::format_error);
    CHECK(dumps(json{1.5}, strict) == "[1.5]");
}
