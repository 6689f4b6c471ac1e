// fixed_string.hpp: a literal as a template argument. Its size, its view, comparisons through
// std::string_view, deduction from a literal, and that equal literals name the same template.
#include <lazyscribe/fixed_string.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <type_traits>

namespace ls = lazyscribe;

namespace {

template <ls::fixed_string Name>
struct tagged {
    static constexpr std::string_view name = Name;
};

// What handler_t<"json"> and log_artifact<"json"> rely on: a literal deduces N without its NUL.
static_assert(std::is_same_v<decltype(ls::fixed_string("json")), ls::fixed_string<4>>);
static_assert(ls::fixed_string("json").size() == 4 && ls::fixed_string("").size() == 0);
static_assert(ls::fixed_string("json").view() == "json");
static_assert(ls::fixed_string("json").data[4] == '\0');  // diagnostics print it as a string
// Equal literals are one template argument; different ones are not.
static_assert(std::is_same_v<tagged<"json">, tagged<"json">>);
static_assert(!std::is_same_v<tagged<"json">, tagged<"jsom">>);
static_assert(!std::is_same_v<tagged<"json">, tagged<"json5">>);
static_assert(tagged<"cereal">::name == "cereal");
// Implicit from a literal and to std::string_view, by design; explicit from a string_view.
static_assert(std::is_convertible_v<const char (&)[5], ls::fixed_string<4>>);
static_assert(std::is_convertible_v<ls::fixed_string<4>, std::string_view>);
static_assert(!std::is_convertible_v<std::string_view, ls::fixed_string<4>>);
static_assert(ls::fixed_string<3>(std::string_view("abcdef")).view() == "abc");
// Usable in constant expressions through its comparisons.
static_assert(ls::fixed_string("a") < std::string_view("b"));
static_assert(std::string_view(ls::fixed_string("text")) == "text");

}  // namespace

TEST_CASE("fixed_string: compares with strings as its characters do", "[fixed_string]") {
    constexpr ls::fixed_string json = "json";
    const std::string_view view = json;
    CHECK(view == "json");
    CHECK(view != "jso");
    CHECK(view != "json ");
    CHECK(std::string_view(json) < std::string_view(ls::fixed_string("jsoo")));
    CHECK(std::string_view(json) > std::string_view(ls::fixed_string("cereal")));
    CHECK(std::string(json.view()) + "!" == "json!");
}

TEST_CASE("fixed_string: keeps every byte, embedded NULs and UTF-8 included", "[fixed_string]") {
    constexpr ls::fixed_string utf8 = "caf\xc3\xa9";
    STATIC_REQUIRE(utf8.size() == 5);
    CHECK(utf8.view() == "caf\xc3\xa9");
    constexpr ls::fixed_string<3> with_nul(std::string_view("a\0b", 3));
    CHECK(with_nul.view() == std::string_view("a\0b", 3));
    CHECK(with_nul.view().size() == 3);
}

TEST_CASE("fixed_string: a default-constructed one is all NULs", "[fixed_string]") {
    constexpr ls::fixed_string<2> empty{};
    CHECK(empty.view() == std::string_view("\0\0", 2));
    CHECK(tagged<"x">::name == "x");
}
