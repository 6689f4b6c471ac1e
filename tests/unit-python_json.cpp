// Tests of the JSON writer and reader (lazyscribe/detail/pyjson_*.hpp) and of their public face
// in lazyscribe/json.hpp (dumps, loads): the writer and reader must match
// Python 3.11's json module byte for byte (docs/format.md §2, §6). Expected strings below
// were produced by CPython 3.11 (json.dumps / repr).
#include <lazyscribe/detail/pyjson_big_integer.hpp>
#include <lazyscribe/detail/pyjson_member_writer.hpp>
#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/pyjson_writer.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/json.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#ifndef LAZYSCRIBE_FIXTURES_DIR
#error "LAZYSCRIBE_FIXTURES_DIR must name the folder /work/shared/format/fixtures"
#endif

namespace pj = lazyscribe::detail::pyjson;
using lazyscribe::json;
using lazyscribe::ordered_json;

namespace {

pj::dump_options indented(int indent, bool sort_keys = false) {
    pj::dump_options o;
    o.indent = indent;
    o.sort_keys = sort_keys;
    return o;
}

std::string read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string float_repr(double d) { return pj::dump(json(d)); }

// Parses text expecting a parse_error; returns it for inspection.
template <class BasicJson = json>
lazyscribe::parse_error parse_failure(const std::string& text) {
    try {
        (void)pj::parse<BasicJson>(text, "test.json");
    } catch (const lazyscribe::parse_error& e) {
        return e;
    }
    FAIL("expected a parse_error for: " << text);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("python_json: float repr", "[python_json]") {
    struct row {
        double value;
        const char* text;
    };
    const row rows[] = {
        {0.0, "0.0"},
        {-0.0, "-0.0"},
        {1.0, "1.0"},
        {-1.5, "-1.5"},
        {0.1, "0.1"},
        {0.5, "0.5"},
        {0.3, "0.3"},
        {0.1 + 0.2, "0.30000000000000004"},
        {100000.0, "100000.0"},
        {1e15, "1000000000000000.0"},
        {1e16, "1e+16"},
        {1e22, "1e+22"},
        {1e-05, "1e-05"},
        {2.5e-5, "2.5e-05"},
        {0.0001, "0.0001"},
        {0.00012345, "0.00012345"},
        {1e-07, "1e-07"},
        {123.456, "123.456"},
        {123456789.12345679, "123456789.12345679"},
        {1234567890123456.0, "1234567890123456.0"},
        {9999999999999998.0, "9999999999999998.0"},
        {9007199254740992.0, "9007199254740992.0"},
        {1.5e300, "1.5e+300"},
        {5e-324, "5e-324"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
    };
    for (const auto& r : rows) {
        INFO("expected " << r.text);
        CHECK(float_repr(r.value) == r.text);
        // Reading the text back gives the same double, sign of zero included.
        const json back = pj::parse(r.text, "t");
        REQUIRE(back.is_number_float());
        CHECK(back.get<double>() == r.value);
        CHECK(std::signbit(back.get<double>()) == std::signbit(r.value));
    }
}

TEST_CASE("python_json: NaN and Infinity", "[python_json]") {
    const double inf = std::numeric_limits<double>::infinity();
    const json v = json::array({std::numeric_limits<double>::quiet_NaN(), inf, -inf});
    CHECK(pj::dump(v) == "[NaN, Infinity, -Infinity]");

    const json back = pj::parse("[NaN, Infinity, -Infinity]", "t");
    CHECK(std::isnan(back[0].get<double>()));
    CHECK(back[1].get<double>() == inf);
    CHECK(back[2].get<double>() == -inf);

    pj::dump_options strict;
    strict.allow_nan = false;
    CHECK_THROWS_AS(pj::dump(json(inf), strict), lazyscribe::format_error);
    CHECK_THROWS_AS(pj::dump(json(std::numeric_limits<double>::quiet_NaN()), strict), lazyscribe::format_error);
    CHECK(pj::dump(json(1.5), strict) == "1.5");

    // Only Python's exact spellings.
    for (const char* bad : {"nan", "inf", "-inf", "Infinite", "+Infinity", "-NaN", "NAN"})
        CHECK_THROWS_AS(pj::parse(bad, "t"), lazyscribe::parse_error);

    // Out-of-range literals: Python's float() gives inf / 0.0.
    CHECK(pj::parse("1e400", "t").get<double>() == inf);
    CHECK(pj::parse("-1e400", "t").get<double>() == -inf);
    CHECK(pj::parse("1" + std::string(400, '0') + ".0", "t").get<double>() == inf);
    const double tiny = pj::parse("-1e-400", "t").get<double>();
    CHECK(tiny == 0.0);
    CHECK(std::signbit(tiny));
    CHECK(pj::parse("0." + std::string(400, '0') + "1", "t").get<double>() == 0.0);
}

TEST_CASE("python_json: integers", "[python_json]") {
    const auto i64min = std::numeric_limits<std::int64_t>::min();
    const auto i64max = std::numeric_limits<std::int64_t>::max();
    const auto u64max = std::numeric_limits<std::uint64_t>::max();
    CHECK(pj::dump(json(i64min)) == "-9223372036854775808");
    CHECK(pj::dump(json(i64max)) == "9223372036854775807");
    CHECK(pj::dump(json(u64max)) == "18446744073709551615");
    CHECK(pj::dump(json(0)) == "0");

    const json a = pj::parse("-9223372036854775808", "t");
    CHECK(a.is_number_integer());
    CHECK_FALSE(a.is_number_unsigned());
    CHECK(a.get<std::int64_t>() == i64min);

    const json b = pj::parse("9223372036854775807", "t");
    CHECK_FALSE(b.is_number_unsigned());
    CHECK(b.get<std::int64_t>() == i64max);

    const json c = pj::parse("9223372036854775808", "t");
    CHECK(c.is_number_unsigned());
    CHECK(c.get<std::uint64_t>() == 9223372036854775808ULL);

    const json d = pj::parse("18446744073709551615", "t");
    CHECK(d.is_number_unsigned());
    CHECK(d.get<std::uint64_t>() == u64max);

    // Python reads -0 as the int 0.
    const json z = pj::parse("-0", "t");
    CHECK(z.is_number_integer());
    CHECK(pj::dump(z) == "0");

    // An integer literal never becomes a float, however it is spelt.
    CHECK(pj::parse("1.0", "t").is_number_float());
    CHECK(pj::parse("1e2", "t").is_number_float());
    CHECK(pj::parse("1E2", "t").get<double>() == 100.0);
}

TEST_CASE("python_json: big integers", "[python_json]") {
    const std::string two_70 = "1180591620717411303424";
    const json v = pj::parse(two_70, "t");
    REQUIRE(pj::is_big_integer(v));
    CHECK(pj::big_integer_digits(v) == two_70);
    CHECK(pj::dump(v) == two_70);

    for (const std::string& text : {std::string("18446744073709551616"), std::string("-9223372036854775809"),
                                    "-" + two_70, std::string(4300, '9')}) {
        const json w = pj::parse(text, "t");
        CHECK(pj::is_big_integer(w));
        CHECK(pj::dump(w) == text);
        // Round trip through ordered_json and inside containers too.
        const auto o = pj::parse<ordered_json>("{\"x\": [" + text + "]}", "t");
        CHECK(pj::dump(o) == "{\"x\": [" + text + "]}");
    }

    // Python 3.11 refuses int literals of more than 4300 digits.
    CHECK_THROWS_AS(pj::parse(std::string(4301, '9'), "t"), lazyscribe::parse_error);

    const json made = pj::make_big_integer(two_70);
    CHECK(made == v);
    CHECK(pj::make_big_integer<ordered_json>("-" + two_70) == pj::parse<ordered_json>("-" + two_70, "t"));
    // Values that fit come back as ordinary numbers, exactly like the reader gives them.
    CHECK(pj::make_big_integer("42") == json(42));
    CHECK(pj::make_big_integer("18446744073709551615").is_number_unsigned());
    CHECK(pj::big_integer_digits(json(-42)) == "-42");
    CHECK(pj::big_integer_digits(json(std::numeric_limits<std::uint64_t>::max())) == "18446744073709551615");
    CHECK_THROWS_AS(pj::big_integer_digits(json(1.5)), lazyscribe::format_error);
    CHECK_THROWS_AS(pj::big_integer_digits(json("12")), lazyscribe::format_error);

    for (const char* bad : {"", "-", "+1", "01", "1.0", "1e5", "12a", " 1", "--1", "0x10"})
        CHECK_THROWS_AS(pj::make_big_integer(bad), lazyscribe::format_error);
    CHECK_THROWS_AS(pj::make_big_integer(std::string(4301, '1')), lazyscribe::format_error);

    // Other binary values, or a corrupted big integer, cannot be written.
    CHECK_THROWS_AS(pj::dump(json::binary({1, 2, 3})), lazyscribe::format_error);
    CHECK_THROWS_AS(pj::dump(json::binary({'1', '2'}, 7)), lazyscribe::format_error);
    CHECK_THROWS_AS(pj::dump(json::binary({'1', 'x'}, pj::big_integer_subtype)), lazyscribe::format_error);
    CHECK_FALSE(pj::is_big_integer(json::binary({'1', '2'})));
    CHECK_FALSE(pj::is_big_integer(json(12)));
}

TEST_CASE("python_json: string escapes", "[python_json]") {
    // "\x00\x01\b\t\n\v\f\r\x1f \x7f\"\\/é中😀"
    const std::string s = std::string("\x00\x01\b\t\n\v\f\r\x1f \x7f\"\\/", 14) +
                          "\xC3\xA9"
                          "\xE4\xB8\xAD"
                          "\xF0\x9F\x98\x80";
    CHECK(pj::dump(json(s)) == R"("\u0000\u0001\b\t\n\u000b\f\r\u001f \u007f\"\\/\u00e9\u4e2d\ud83d\ude00")");

    pj::dump_options raw;
    raw.ensure_ascii = false;
    CHECK(pj::dump(json(s), raw) == std::string(R"("\u0000\u0001\b\t\n\u000b\f\r\u001f )") + "\x7f" + R"(\"\\/)" +
                                        "\xC3\xA9"
                                        "\xE4\xB8\xAD"
                                        "\xF0\x9F\x98\x80" +
                                        "\"");

    // Keys are escaped the same way.
    CHECK(pj::dump(json{{"\xC3\xA9", 1}}) == R"({"\u00e9": 1})");

    // Reading: every escape form, upper- and lower-case hex, surrogate pairs.
    const json back = pj::parse(R"("\u0000\u0001\b\t\n\u000B\f\r\u001f \u007F\"\\\/\u00E9\u4e2d\uD83D\uDE00")", "t");
    CHECK(back.get<std::string>() == s);
    CHECK(pj::parse("\"\xC3\xA9\xF0\x9F\x98\x80\x7f\"", "t").get<std::string>() == "\xC3\xA9\xF0\x9F\x98\x80\x7f");

    // Invalid UTF-8 cannot be written (Python's str never holds it) ...
    for (const std::string& bad :
         {std::string("\xC3"), std::string("\xC3\x28"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80"),
          std::string("\xF4\x90\x80\x80"), std::string("\xFF"), std::string("\xE0\x80\x80")}) {
        CHECK_THROWS_AS(pj::dump(json(bad)), lazyscribe::format_error);
        CHECK_THROWS_AS(pj::dump(json(bad), raw), lazyscribe::format_error);
        CHECK_THROWS_AS(pj::dump(json{{bad, 1}}), lazyscribe::format_error);
        // ... nor read.
        CHECK_THROWS_AS(pj::parse("\"" + bad + "\"", "t"), lazyscribe::parse_error);
    }
}

TEST_CASE("python_json: lone surrogate escapes are rejected", "[python_json]") {
    // Python keeps them in a str; UTF-8 cannot hold them, so this reader refuses.
    for (const char* bad : {R"("\ud83d")", R"("\ud83dx")", R"("\ud83d\n")", R"("\ud83d\u0041")", R"("\ude00")",
                            R"("\ude00\ud83d")", R"("\ud83d\ud83d")"}) {
        INFO(bad);
        const auto e = parse_failure(bad);
        CHECK(std::string(e.what()).find("surrogate") != std::string::npos);
        CHECK(e.line() == 1);
        CHECK(e.column() == 2);
    }
}

TEST_CASE("python_json: indent and separators", "[python_json]") {
    const auto v = pj::parse<ordered_json>(R"({"a": [], "b": {}, "c": [[], {}], "d": {"e": [1]}})", "t");
    CHECK(pj::dump(v) == R"({"a": [], "b": {}, "c": [[], {}], "d": {"e": [1]}})");
    CHECK(pj::dump(v, indented(0)) ==
          "{\n\"a\": [],\n\"b\": {},\n\"c\": [\n[],\n{}\n],\n\"d\": {\n\"e\": [\n1\n]\n}\n}");
    CHECK(pj::dump(v, indented(2)) ==
          "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    [],\n    {}\n  ],\n  \"d\": {\n    \"e\": [\n      1\n    "
          "]\n  }\n}");
    CHECK(pj::dump(v, indented(4)) ==
          "{\n    \"a\": [],\n    \"b\": {},\n    \"c\": [\n        [],\n        {}\n    ],\n    \"d\": {\n"
          "        \"e\": [\n            1\n        ]\n    }\n}");

    // Empty containers are written inline at any indent, at top level too.
    CHECK(pj::dump(ordered_json::array(), indented(4)) == "[]");
    CHECK(pj::dump(ordered_json::object(), indented(4)) == "{}");
    CHECK(pj::dump(json(nullptr), indented(4)) == "null");

    // An explicit item separator is used as given, even with indent (trailing blank).
    pj::dump_options o = indented(2);
    o.item_separator = ", ";
    CHECK(pj::dump(pj::parse<ordered_json>(R"({"a":[1,2],"b":{"x":null}})", "t"), o) ==
          "{\n  \"a\": [\n    1, \n    2\n  ], \n  \"b\": {\n    \"x\": null\n  }\n}");

    pj::dump_options compact;
    compact.item_separator = ",";
    compact.key_separator = ":";
    CHECK(pj::dump(pj::parse<ordered_json>(R"({"a": [1, true, false, null], "b": "c"})", "t"), compact) ==
          R"({"a":[1,true,false,null],"b":"c"})");
}

TEST_CASE("python_json: sort_keys and insertion order", "[python_json]") {
    const std::string text =
        "{\"b\": 1, \"\xC3\xA9\": 2, \"a\": {\"z\": 1, \"B\": 2, \"\": 3}, \"\xF0\x9F\x98\x80\": 4, "
        "\"\xEF\xBC\xA1\": 5}";
    const auto o = pj::parse<ordered_json>(text, "t");
    // Insertion order kept ...
    CHECK(pj::dump(o) == R"({"b": 1, "\u00e9": 2, "a": {"z": 1, "B": 2, "": 3}, "\ud83d\ude00": 4, "\uff21": 5})");
    // ... or code point order at every depth (U+FF21 < U+1F600 although their UTF-16
    // surrogates would sort the other way).
    pj::dump_options sorted;
    sorted.sort_keys = true;
    const std::string expected =
        R"({"a": {"": 3, "B": 2, "z": 1}, "b": 1, "\u00e9": 2, "\uff21": 5, "\ud83d\ude00": 4})";
    CHECK(pj::dump(o, sorted) == expected);
    // json (std::map) is already in that order, with or without sort_keys.
    const json m = pj::parse(text, "t");
    CHECK(pj::dump(m) == expected);
    CHECK(pj::dump(m, sorted) == expected);
    // Sorting does not change the value.
    CHECK(pj::dump(o) == R"({"b": 1, "\u00e9": 2, "a": {"z": 1, "B": 2, "": 3}, "\ud83d\ude00": 4, "\uff21": 5})");
}

TEST_CASE("python_json: duplicate keys", "[python_json]") {
    // Python: dict(pairs) -> first position, last value.
    const auto o = pj::parse<ordered_json>(R"({"a": 1, "b": 2, "a": {"x": [1]}, "c": 3, "a": 4})", "t");
    CHECK(o.size() == 3);
    CHECK(pj::dump(o) == R"({"a": 4, "b": 2, "c": 3})");
    const auto o2 = pj::parse<ordered_json>(R"({"b": 1, "a": 2, "b": [3]})", "t");
    CHECK(pj::dump(o2) == R"({"b": [3], "a": 2})");
    const json m = pj::parse(R"({"b": 1, "a": 2, "b": {"c": 3}})", "t");
    CHECK(pj::dump(m) == R"({"a": 2, "b": {"c": 3}})");
}

TEST_CASE("python_json: whitespace", "[python_json]") {
    const auto v = pj::parse<ordered_json>(" \t\r\n[\r\n  1 ,\t{ \"a\" :\r\n 2 } ]\r\n\t ", "t");
    CHECK(pj::dump(v) == R"([1, {"a": 2}])");
    CHECK(pj::dump(pj::parse(" \"x\" ", "t")) == "\"x\"");
    // Other Unicode/ASCII spaces are not JSON whitespace.
    CHECK_THROWS_AS(pj::parse("\v1", "t"), lazyscribe::parse_error);
    CHECK_THROWS_AS(pj::parse("1\f", "t"), lazyscribe::parse_error);
    CHECK_THROWS_AS(pj::parse("\xC2\xA0"
                              "1",
                              "t"),
                    lazyscribe::parse_error);
}

TEST_CASE("python_json: malformed input", "[python_json]") {
    struct row {
        std::string text;
        std::size_t line;
        std::size_t column;
        const char* message_part;
    };
    const std::vector<row> rows = {
        {"", 1, 1, "expected a value"},
        {"   \n  ", 2, 3, "expected a value"},
        {"\xEF\xBB\xBF[]", 1, 1, "byte order mark"},
        {"[1] x", 1, 5, "end of the text"},
        {"{} {}", 1, 4, "end of the text"},
        {"[1,\n 2\n 3]", 3, 2, "expected ',' or ']'"},
        {"{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}'"},
        {"\"abc", 1, 1, "unterminated string"},
        {"[\n  \"abc\\", 2, 3, "unterminated string"},
        {"\"a\tb\"", 1, 3, "control character U+0009"},
        {"[\"a\nb\"]", 1, 4, "control character U+000A"},
        {"\"\\x\"", 1, 2, "invalid escape"},
        {"\"\\u12G4\"", 1, 2, "hex digits"},
        {"\"\\u12\"", 1, 2, "hex digits"},
        {"01", 1, 1, "leading zeros"},
        {"[-012]", 1, 2, "leading zeros"},
        {"1.", 1, 3, "after the decimal point"},
        {".5", 1, 1, "expected a value"},
        {"1.e5", 1, 3, "after the decimal point"},
        {"1e", 1, 3, "exponent"},
        {"1e+", 1, 4, "exponent"},
        {"-", 1, 2, "after '-'"},
        {"- 1", 1, 2, "after '-'"},
        {"+1", 1, 1, "expected a value"},
        {"tru", 1, 1, "'tru'"},
        {"nul", 1, 1, "'nul'"},
        {"[1,]", 1, 4, "trailing comma"},
        {"{\"a\": 1,}", 1, 9, "trailing comma"},
        {"{\"a\" 1}", 1, 6, "expected ':'"},
        {"{a: 1}", 1, 2, "property name enclosed in double quotes"},
        {"{'a': 1}", 1, 2, "property name enclosed in double quotes"},
        {"[1, 2", 1, 6, "expected ',' or ']'"},
        {"{\"a\": ", 1, 7, "expected a value"},
        {"[\"\xC3\x28\"]", 1, 3, "invalid UTF-8"},
        {"\xC3\xA9", 1, 1, "expected a value"},
        {"[1]\r\n]", 2, 1, "end of the text"},
    };
    for (const auto& r : rows) {
        INFO("input: " << r.text);
        const auto e = parse_failure(r.text);
        CHECK(e.line() == r.line);
        CHECK(e.column() == r.column);
        const std::string what = e.what();
        CHECK(what.find(r.message_part) != std::string::npos);
        CHECK(what.find("test.json:") != std::string::npos);
        CHECK(e.id() == "lazyscribe.parse_error");
        // ordered_json goes through the same reader.
        CHECK_THROWS_AS(pj::parse<ordered_json>(r.text, "t"), lazyscribe::parse_error);
    }
}

TEST_CASE("python_json: nesting depth", "[python_json]") {
    // Python 3.11 reads about 990 levels with its default recursion limit; we read twice that.
    constexpr std::size_t limit = pj::max_depth;
    STATIC_REQUIRE(limit == 2048);
    const std::string ok = std::string(limit, '[') + std::string(limit, ']');
    const json v = pj::parse(ok, "t");
    CHECK(pj::dump(v) == ok);
    const json copy = v;  // nlohmann's copy and == recurse: fine at the limit
    CHECK(copy == v);
    const std::string objs = [&] {
        std::string s;
        for (std::size_t i = 0; i < limit; ++i) s += "{\"a\": ";
        s += "1";
        for (std::size_t i = 0; i < limit; ++i) s += "}";
        return s;
    }();
    CHECK(pj::dump(pj::parse<ordered_json>(objs, "t")) == objs);

    const auto e = parse_failure(std::string(limit + 1, '[') + std::string(limit + 1, ']'));
    CHECK(e.column() == limit + 1);
    CHECK(std::string(e.what()).find("2048 levels deep") != std::string::npos);
    // Far deeper input fails the same way, without exhausting the stack.
    CHECK_THROWS_AS(pj::parse(std::string(1'000'000, '['), "t"), lazyscribe::parse_error);

    // The writer is iterative: a deeply nested value built in C++ is written fine.
    json deep = json::array();
    for (int i = 0; i < 20000; ++i) deep = json::array({std::move(deep)});
    const std::string text = pj::dump(deep);
    CHECK(text.size() == 2 * 20001);
}

TEST_CASE("python_json: options_from_kwargs", "[python_json]") {
    const auto d = pj::options_from_kwargs(json::object());
    CHECK(d.indent < 0);
    CHECK_FALSE(d.sort_keys);
    CHECK(d.item_separator.empty());
    CHECK(d.key_separator == ": ");
    CHECK(d.ensure_ascii);
    CHECK(d.allow_nan);
    CHECK(pj::options_from_kwargs(json(nullptr)).indent < 0);

    const auto o = pj::options_from_kwargs(json{
        {"indent", 2}, {"sort_keys", true}, {"separators", {",", ":"}}, {"ensure_ascii", false}, {"allow_nan", false}});
    CHECK(o.indent == 2);
    CHECK(o.sort_keys);
    CHECK(o.item_separator == ",");
    CHECK(o.key_separator == ":");
    CHECK_FALSE(o.ensure_ascii);
    CHECK_FALSE(o.allow_nan);

    CHECK(pj::options_from_kwargs(json{{"indent", nullptr}}).indent < 0);
    CHECK(pj::options_from_kwargs(json{{"indent", 0}}).indent == 0);
    // Python: ' ' * -1 == '', i.e. like indent=0 (newlines, no spaces), not None.
    CHECK(pj::options_from_kwargs(json{{"indent", -1}}).indent == 0);
    CHECK(pj::options_from_kwargs(json{{"indent", "   "}}).indent == 3);
    CHECK(pj::options_from_kwargs(json{{"separators", nullptr}}).item_separator.empty());
    CHECK(pj::options_from_kwargs(json{{"skipkeys", true}, {"check_circular", false}}).indent < 0);

    const auto rejects = [](const json& kwargs, const std::string& key) {
        INFO(kwargs.dump());
        try {
            (void)pj::options_from_kwargs(kwargs);
            FAIL("expected format_error");
        } catch (const lazyscribe::format_error& e) {
            CHECK(std::string(e.what()).find(key) != std::string::npos);
        }
    };
    rejects(json{{"indnet", 2}}, "indnet");
    rejects(json{{"default", "str"}}, "default");
    rejects(json{{"cls", nullptr}}, "cls");
    rejects(json{{"indent", 2.5}}, "indent");
    rejects(json{{"indent", true}}, "indent");
    rejects(json{{"indent", "\t"}}, "indent");
    rejects(json{{"indent", 1'000'000}}, "indent");
    rejects(json{{"sort_keys", 1}}, "sort_keys");
    rejects(json{{"ensure_ascii", "yes"}}, "ensure_ascii");
    rejects(json{{"allow_nan", nullptr}}, "allow_nan");
    rejects(json{{"separators", ","}}, "separators");
    rejects(json{{"separators", {","}}}, "separators");
    rejects(json{{"separators", {",", ":", "x"}}}, "separators");
    rejects(json{{"separators", {",", 1}}}, "separators");
    rejects(json{{"separators", {"", ":"}}}, "separators");
    CHECK_THROWS_AS(pj::options_from_kwargs(json::array()), lazyscribe::format_error);
}

TEST_CASE("python_json: lazyscribe::dumps and loads are Python's json.dumps and json.loads", "[python_json]") {
    // Expected texts: CPython 3.11's json.dumps of the same values (nlohmann's dump() has no
    // spaces, does not escape the "é" and shows the big integer as a binary value).
    json v = {{"a", 1.0}, {"b", "\xC3\xA9"}, {"c", {1e16, 0.1, lazyscribe::big_integer("1180591620717411303424")}}};
    CHECK(lazyscribe::dumps(v) == R"({"a": 1.0, "b": "\u00e9", "c": [1e+16, 0.1, 1180591620717411303424]})");
    lazyscribe::dump_options four;
    four.indent = 4;
    CHECK(lazyscribe::dumps(json{{"a", 1.0}, {"b", "\xC3\xA9"}}, four) ==
          "{\n    \"a\": 1.0,\n    \"b\": \"\\u00e9\"\n}");
    CHECK(lazyscribe::dumps(v, four) == pj::dump(v, four));

    const json back = lazyscribe::loads(lazyscribe::dumps(v));
    CHECK(back == v);
    CHECK(lazyscribe::is_big_integer(back["c"][2]));
    // ordered_json keeps the keys' order, as Python's dicts do.
    const auto ordered = lazyscribe::loads<ordered_json>(R"({"b": 1, "a": [NaN, -Infinity]})");
    CHECK(lazyscribe::dumps(ordered) == R"({"b": 1, "a": [NaN, -Infinity]})");

    // Errors name the source (a default one when none is given), the line and the column.
    try {
        (void)lazyscribe::loads("[1,\n 2,]", "kwargs.json");
        FAIL("expected a parse_error");
    } catch (const lazyscribe::parse_error& e) {
        CHECK(std::string(e.what()).find("kwargs.json:2:") != std::string::npos);
        CHECK(e.line() == 2);
    }
    CHECK_THROWS_WITH(lazyscribe::loads("{"), Catch::Contains("<string>:1:"));
    lazyscribe::dump_options strict;
    strict.allow_nan = false;
    CHECK_THROWS_AS(lazyscribe::dumps(json(std::nan("")), strict), lazyscribe::format_error);
}

TEST_CASE("python_json: dump_to appends and leaves output intact on error", "[python_json]") {
    std::string out = "prefix:";
    pj::dump_to(json::array({1, 2}), out);
    CHECK(out == "prefix:[1, 2]");
    const json bad = json::array({1, std::string("\xFF")});
    CHECK_THROWS_AS(pj::dump_to(bad, out), lazyscribe::format_error);
    CHECK(out == "prefix:[1, 2]");
}

TEST_CASE("python_json: fixture files round-trip byte for byte", "[python_json][fixtures]") {
    namespace fs = std::filesystem;
    const fs::path root = LAZYSCRIBE_FIXTURES_DIR;
    REQUIRE(fs::is_directory(root));

    std::size_t projects = 0, artifacts = 0, releases = 0, others = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
        const fs::path& p = entry.path();
        const std::string name = p.filename().string();
        const std::string bytes = read_bytes(p);
        INFO("fixture " << p.string());

        if (name == "project.json" || name == "repository.json") {
            // json.dump(data, f, sort_keys=True, indent=4)
            const json v = pj::parse(bytes, p.string());
            REQUIRE(pj::dump(v, indented(4, true)) == bytes);
            // The insertion-order type gives the same bytes with sort_keys.
            REQUIRE(pj::dump(pj::parse<ordered_json>(bytes, p.string()), indented(4, true)) == bytes);
            ++projects;
        } else if (name == "releases.json" || name == "input.json") {
            // releases: lazyscribe.release.dump(..., indent=4), keys in their fixed
            // (unsorted) order; legacy/input.json is hand-written in that same layout.
            const auto v = pj::parse<ordered_json>(bytes, p.string());
            REQUIRE(pj::dump(v, indented(4)) == bytes);
            ++releases;
        } else if (name == "expectations.json" || name == "MANIFEST.json") {
            // Not written by lazyscribe (and not in Python's layout): they must parse.
            CHECK_NOTHROW(pj::parse<ordered_json>(bytes, p.string()));
            ++others;
        } else {
            // Artifact files: json.dump(value, f, **writer_kwargs).
            const auto v = pj::parse<ordered_json>(bytes, p.string());
            const auto options = name == "config.json" ? indented(2) : pj::dump_options{};
            REQUIRE(pj::dump(v, options) == bytes);
            ++artifacts;
        }
    }
    CHECK(projects >= 10);
    CHECK(artifacts >= 10);
    CHECK(releases == 2);
    CHECK(others >= 8);
}

TEST_CASE("python_json: special_numbers fixture values", "[python_json][fixtures]") {
    const std::filesystem::path p =
        std::filesystem::path(LAZYSCRIBE_FIXTURES_DIR) / "08_edge_cases" / "special_numbers" / "project.json";
    const json v = pj::parse(read_bytes(p), p.string());
    const json& m = v.at(0).at("metrics");
    CHECK(pj::is_big_integer(m.at("big_int")));
    CHECK(pj::big_integer_digits(m.at("big_int")) == "1180591620717411303424");
    CHECK(m.at("large_float").get<double>() == 1e16);
    CHECK(std::isnan(m.at("nan").get<double>()));
    CHECK(m.at("neg_inf").get<double>() == -std::numeric_limits<double>::infinity());
    CHECK(m.at("pos_inf").get<double>() == std::numeric_limits<double>::infinity());
    CHECK(std::signbit(m.at("neg_zero").get<double>()));
    CHECK(m.at("tiny").get<double>() == 1e-07);
    CHECK(m.at("whole_float").is_number_float());
    CHECK(v.at(0).at("parameters").at("escapes").get<std::string>() ==
          "quote\" backslash\\ tab\t nl\n ctl\x01 del\x7f");
}
