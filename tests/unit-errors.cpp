// errors.hpp: the hierarchy (every type is a lazyscribe::error and a std::runtime_error), each
// category's stable id at the start of its message, and parse_error's position.
#include <lazyscribe/errors.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace ls = lazyscribe;

namespace {

template <class E>
constexpr bool in_hierarchy = std::is_base_of_v<ls::error, E>&& std::is_base_of_v<std::runtime_error, E>&&
    std::is_nothrow_invocable_r_v<std::string_view, decltype(&E::id), const E&>;

static_assert(in_hierarchy<ls::parse_error> && in_hierarchy<ls::format_error> &&
              in_hierarchy<ls::unknown_handler_error> && in_hierarchy<ls::artifact_log_error> &&
              in_hierarchy<ls::artifact_load_error> && in_hierarchy<ls::read_only_error> &&
              in_hierarchy<ls::save_error> && in_hierarchy<ls::version_not_found_error> &&
              in_hierarchy<ls::invalid_version_error> && in_hierarchy<ls::not_found_error> &&
              in_hierarchy<ls::path_error>);
// The base is only ever thrown as one of its categories: its constructor is protected.
static_assert(!std::is_constructible_v<ls::error, std::string_view, const std::string&>);
// A category is not made from a string by accident (`throw "text"` or a conversion).
static_assert(!std::is_convertible_v<std::string, ls::format_error> &&
              !std::is_convertible_v<std::string, ls::path_error>);

// Throws E, catches it as lazyscribe::error, and gives back its id and message.
template <class E, class... Args>
std::pair<std::string, std::string> thrown_as_base(Args&&... args) {
    try {
        throw E(std::forward<Args>(args)...);
    } catch (const ls::error& e) {
        return {std::string(e.id()), e.what()};
    }
    return {};
}

}  // namespace

TEST_CASE("errors: each category carries its id, and its message starts with it", "[errors]") {
    const auto check = [](const std::pair<std::string, std::string>& caught, std::string_view id) {
        CHECK(caught.first == id);
        // Built piece by piece: `"literal" + std::string&&` trips GCC 12's false -Wrestrict at -O3.
        std::string expected = "[";
        expected.append(id).append("] what happened");
        CHECK(caught.second == expected);
    };
    check(thrown_as_base<ls::format_error>("what happened"), "lazyscribe.format_error");
    check(thrown_as_base<ls::unknown_handler_error>("what happened"), "lazyscribe.unknown_handler_error");
    check(thrown_as_base<ls::artifact_log_error>("what happened"), "lazyscribe.artifact_log_error");
    check(thrown_as_base<ls::artifact_load_error>("what happened"), "lazyscribe.artifact_load_error");
    check(thrown_as_base<ls::read_only_error>("what happened"), "lazyscribe.read_only_error");
    check(thrown_as_base<ls::save_error>("what happened"), "lazyscribe.save_error");
    check(thrown_as_base<ls::version_not_found_error>("what happened"), "lazyscribe.version_not_found_error");
    check(thrown_as_base<ls::invalid_version_error>("what happened"), "lazyscribe.invalid_version_error");
    check(thrown_as_base<ls::not_found_error>("what happened"), "lazyscribe.not_found_error");
    check(thrown_as_base<ls::path_error>("what happened"), "lazyscribe.path_error");
}

TEST_CASE("errors: the ids are distinct, so a search for one finds only its category", "[errors]") {
    const std::string ids[] = {thrown_as_base<ls::parse_error>("f", 1u, 1u, "x").first,
                               thrown_as_base<ls::format_error>("x").first,
                               thrown_as_base<ls::unknown_handler_error>("x").first,
                               thrown_as_base<ls::artifact_log_error>("x").first,
                               thrown_as_base<ls::artifact_load_error>("x").first,
                               thrown_as_base<ls::read_only_error>("x").first,
                               thrown_as_base<ls::save_error>("x").first,
                               thrown_as_base<ls::version_not_found_error>("x").first,
                               thrown_as_base<ls::invalid_version_error>("x").first,
                               thrown_as_base<ls::not_found_error>("x").first,
                               thrown_as_base<ls::path_error>("x").first};
    for (std::size_t i = 0; i < std::size(ids); ++i) {
        CHECK(ids[i].rfind("lazyscribe.", 0) == 0);
        for (std::size_t j = i + 1; j < std::size(ids); ++j) CHECK(ids[i] != ids[j]);
    }
}

TEST_CASE("errors: parse_error names the source, line and column, and keeps them", "[errors]") {
    const ls::parse_error e("/tmp/p/project.json", 3, 17, "expected ',' or '}'");
    CHECK(e.line() == 3);
    CHECK(e.column() == 17);
    CHECK(e.id() == "lazyscribe.parse_error");
    CHECK(std::string(e.what()) == "[lazyscribe.parse_error] /tmp/p/project.json:3:17: expected ',' or '}'");
}

TEST_CASE("errors: a category is caught as std::runtime_error and as std::exception", "[errors]") {
    CHECK_THROWS_AS(throw ls::save_error("disk full"), std::runtime_error);
    CHECK_THROWS_WITH(throw ls::not_found_error("no experiment 'x' in p.json"),
                      "[lazyscribe.not_found_error] no experiment 'x' in p.json");
    try {
        throw ls::path_error("../escape");
    } catch (const std::exception& e) {
        CHECK(std::string_view(e.what()).find("../escape") != std::string_view::npos);
    }
}

TEST_CASE("errors: a copy keeps the id and the message", "[errors]") {
    const ls::format_error original("field 'metrics' is not an object");
    const ls::format_error copy = original;
    CHECK(copy.id() == original.id());
    CHECK(std::string(copy.what()) == original.what());
}

TEST_CASE("errors: detail::concat joins its pieces in order, empty pieces included", "[errors]") {
    CHECK(ls::detail::concat({}).empty());
    CHECK(ls::detail::concat({"a", "", "bc", std::string_view("d\0e", 3)}) == std::string("abcd\0e", 6));
}
