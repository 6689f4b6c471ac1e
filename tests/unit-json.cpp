// json.hpp: the JSON types, and integers wider than 64 bits (big_integer, is_big_integer,
// is_integer, integer_digits) at the edges of the 64-bit ranges and of Python's digit limit.
#include <lazyscribe/errors.hpp>
#include <lazyscribe/json.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

namespace ls = lazyscribe;

static_assert(std::is_same_v<ls::json, nlohmann::json> && std::is_same_v<ls::ordered_json, nlohmann::ordered_json>);
static_assert(ls::big_integer_subtype == 0x6269);  // the bytes "bi"

TEST_CASE("json: json sorts object keys, ordered_json keeps insertion order", "[json]") {
    ls::json sorted;
    sorted["b"] = 1;
    sorted["a"] = 2;
    CHECK(sorted.dump() == R"({"a":2,"b":1})");
    ls::ordered_json ordered;
    ordered["b"] = 1;
    ordered["a"] = 2;
    CHECK(ordered.dump() == R"({"b":1,"a":2})");
}

TEST_CASE("json: big_integer gives a plain number whenever 64 bits hold it", "[json]") {
    const auto max_signed = ls::big_integer("9223372036854775807");
    CHECK(max_signed.is_number_integer());
    CHECK_FALSE(max_signed.is_number_unsigned());
    CHECK(max_signed.get<std::int64_t>() == std::numeric_limits<std::int64_t>::max());

    const auto max_unsigned = ls::big_integer("18446744073709551615");
    CHECK(max_unsigned.is_number_unsigned());
    CHECK(max_unsigned.get<std::uint64_t>() == std::numeric_limits<std::uint64_t>::max());

    const auto min_signed = ls::big_integer("-9223372036854775808");
    CHECK(min_signed.is_number_integer());
    CHECK(min_signed.get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());

    CHECK(ls::big_integer("0") == ls::json(0));
    CHECK(ls::big_integer("-0") == ls::json(0));
    for (const auto& plain : {max_signed, max_unsigned, min_signed}) {
        CHECK_FALSE(ls::is_big_integer(plain));
        CHECK(ls::is_integer(plain));
    }
}

TEST_CASE("json: one past the 64-bit ranges is a big integer holding its digits", "[json]") {
    const auto above = ls::big_integer("18446744073709551616");  // 2**64
    const auto below = ls::big_integer("-9223372036854775809");  // -2**63 - 1
    for (const auto& big : {above, below}) {
        CHECK(big.is_binary());
        CHECK(big.get_binary().subtype() == ls::big_integer_subtype);
        CHECK(ls::is_big_integer(big));
        CHECK(ls::is_integer(big));
    }
    CHECK(ls::integer_digits(above) == "18446744073709551616");
    CHECK(ls::integer_digits(below) == "-9223372036854775809");
    CHECK(above != below);
    CHECK(above == ls::big_integer("18446744073709551616"));
}

TEST_CASE("json: big_integer works for ordered_json too", "[json]") {
    const auto big = ls::big_integer<ls::ordered_json>("1180591620717411303424");
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(big)>, ls::ordered_json>);
    CHECK(ls::is_big_integer(big));
    CHECK(ls::integer_digits(big) == "1180591620717411303424");
    CHECK(ls::big_integer<ls::ordered_json>("-5") == ls::ordered_json(-5));
}

TEST_CASE("json: Python's limit of 4300 digits holds, the sign not counted", "[json]") {
    const std::string digits_4300 = "1" + std::string(4299, '0');
    CHECK(ls::integer_digits(ls::big_integer(digits_4300)) == digits_4300);
    CHECK(ls::integer_digits(ls::big_integer("-" + digits_4300)) == "-" + digits_4300);
    CHECK_THROWS_AS(ls::big_integer(digits_4300 + "0"), ls::format_error);
    CHECK_THROWS_WITH(ls::big_integer(digits_4300 + "0"), Catch::Contains("4301 digits"));
}

TEST_CASE("json: big_integer refuses what is not a decimal integer literal", "[json]") {
    for (const char* bad : {"", "-", "+1", "01", "-01", "1.0", "1e3", " 1", "1 ", "0x10", "--1", "1_000"}) {
        INFO(bad);
        CHECK_THROWS_AS(ls::big_integer(bad), ls::format_error);
    }
    CHECK_THROWS_WITH(ls::big_integer("01"), Catch::Contains("\"01\""));
}

TEST_CASE("json: is_integer and integer_digits on other values", "[json]") {
    CHECK(ls::is_integer(ls::json(-5)));
    CHECK(ls::is_integer(ls::json(5u)));
    CHECK_FALSE(ls::is_integer(ls::json(5.0)));
    CHECK_FALSE(ls::is_integer(ls::json("5")));
    CHECK_FALSE(ls::is_integer(ls::json(true)));
    // Binary data of another subtype is not an integer.
    CHECK_FALSE(ls::is_big_integer(ls::json::binary({'1', '2'}, 7)));
    CHECK_FALSE(ls::is_big_integer(ls::json::binary({'1', '2'})));
    CHECK(ls::integer_digits(ls::json(-42)) == "-42");
    CHECK(ls::integer_digits(ls::json(std::numeric_limits<std::uint64_t>::max())) == "18446744073709551615");
    CHECK_THROWS_AS(ls::integer_digits(ls::json(1.5)), ls::format_error);
    CHECK_THROWS_WITH(ls::integer_digits(ls::json("7")), Catch::Contains("string"));
    CHECK_THROWS_AS(ls::integer_digits(ls::json::binary({'1'}, 7)), ls::format_error);
}
