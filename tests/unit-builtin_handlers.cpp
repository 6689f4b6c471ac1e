// builtin_handlers.hpp: the default list is json alone (cereal is opt-in, handlers/cereal.hpp),
// and a list extended with a user's handler keeps its index (indexes are part of what with<> extends).
#include <lazyscribe/builtin_handlers.hpp>

#include <catch2/catch.hpp>

#include <iterator>
#include <string>
#include <string_view>
#include <type_traits>

namespace ls = lazyscribe;

namespace {
struct text {
    static constexpr std::string_view alias = "text";
    static constexpr std::string_view suffix = "txt";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const std::string& value, std::ostream& out, const ls::json&) { out << value; }
    static std::string read(std::istream& in, const ls::json&) {
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
};
using extended = ls::builtin_handlers::with<text>;

static_assert(std::is_same_v<ls::builtin_handlers, ls::handler_list<ls::json_handler>>);
static_assert(ls::builtin_handlers::size == 1);
static_assert(std::is_same_v<ls::handler_t<ls::builtin_handlers, "json">, ls::json_handler>);
static_assert(std::is_same_v<extended, ls::handler_list<ls::json_handler, text>>);
static_assert(std::is_same_v<ls::handler_t<extended, "text">, text>);
}  // namespace

TEST_CASE("builtin_handlers: json, found by alias, nothing else", "[builtin_handlers]") {
    CHECK(ls::builtin_handlers::index_of("json") == 0);
    CHECK_FALSE(ls::builtin_handlers::contains("cereal"));  // opt-in: handlers/cereal.hpp's with_cereal
    CHECK(ls::builtin_handlers::contains("json"));
    CHECK_FALSE(ls::builtin_handlers::contains("pickle"));  // Python's
    CHECK_FALSE(ls::builtin_handlers::contains("text"));
    CHECK_FALSE(ls::builtin_handlers::contains("JSON"));
    CHECK(ls::builtin_handlers::index_of("text") == ls::builtin_handlers::npos);
}

TEST_CASE("builtin_handlers: with<> appends, the built-in indexes unchanged", "[builtin_handlers]") {
    CHECK(extended::index_of("json") == 0);
    CHECK(extended::index_of("text") == 1);
    // visit finds each handler by alias at run time.
    const auto suffix_of = [](std::string_view alias) {
        return extended::visit(alias, []<class H>(std::type_identity<H>) { return std::string(H::suffix); });
    };
    CHECK(suffix_of("json") == "json");
    CHECK(suffix_of("text") == "txt");
    CHECK_THROWS_WITH(suffix_of("cereal"), Catch::Contains("#include <lazyscribe/handlers/cereal.hpp>"));
    CHECK_THROWS_AS(suffix_of("pickle"), ls::unknown_handler_error);
    CHECK_THROWS_WITH(suffix_of("pickle"), Catch::Contains("pickle"));
}
