// handler.hpp: what the ArtifactHandler concept accepts and rejects, member by member, the
// derived concepts (WritableBy, ReadableAs, HasEnvironment, ChecksWriteKwargs), and the two
// helpers built on them (read_with, environment_of). The one-message diagnostics of
// checked_handler are covered by tests/compile_fail.
#include <lazyscribe/handler.hpp>

#include <catch2/catch.hpp>

#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace ls = lazyscribe;

// Named, not anonymous: clang warns of the unused members of internal types, and the rejected
// handlers' members exist to be looked at by the concept only.
namespace handler_test {

// Text files; reads with a plain (non-template) read.
struct plain {
    static constexpr std::string_view alias = "plain";
    static constexpr std::string_view suffix = "txt";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const std::string& value, std::ostream& out, const ls::json&) { out << value; }
    static std::string read(std::istream& in, const ls::json&) {
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
};

// A family of types through a template read, environment metadata and a kwargs check.
struct family {
    static constexpr std::string_view alias = "family.v2-x_y";
    static constexpr std::string_view suffix = "fam";
    static constexpr bool binary = true;
    static constexpr bool output_only = false;
    static ls::json environment() { return {{"family_version", "2"}}; }
    static void check_write_kwargs(const ls::json& kwargs) {
        if (!kwargs.empty()) throw std::invalid_argument("no kwargs");
    }
    template <class T>
    static void write(const T& value, std::ostream& out, const ls::json&) {
        out << value;
    }
    template <class T>
    static T read(std::istream& in, const ls::json&) {
        T value{};
        in >> value;
        return value;
    }
};

// Files for people: no read at all.
struct report {
    static constexpr std::string_view alias = "report";
    static constexpr std::string_view suffix = "html";
    static constexpr bool binary = false;
    static constexpr bool output_only = true;
    static void write(const std::vector<int>&, std::ostream& out, const ls::json&) { out << "<html/>"; }
};

// An environment that is not an object is stored as an empty one.
struct odd_environment : plain {
    static constexpr std::string_view alias = "odd";
    static ls::json environment() { return 42; }
};

// One requirement missing or wrong at a time.
struct no_alias {
    static constexpr std::string_view suffix = "x";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const int&, std::ostream&, const ls::json&) {}
    static int read(std::istream&, const ls::json&) { return 0; }
};
struct runtime_alias : no_alias {
    static inline std::string_view alias = "runtime";  // not a constant expression
};
struct empty_alias : no_alias {
    static constexpr std::string_view alias = "";
};
struct alias_with_bar : no_alias {
    static constexpr std::string_view alias = "a|b";  // '|' separates references
};
struct alias_with_space : no_alias {
    static constexpr std::string_view alias = "a b";
};
struct no_suffix {
    static constexpr std::string_view alias = "nosuffix";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const int&, std::ostream&, const ls::json&) {}
    static int read(std::istream&, const ls::json&) { return 0; }
};
struct int_binary {
    static constexpr std::string_view alias = "intbinary";
    static constexpr std::string_view suffix = "x";
    static constexpr int binary = 0;  // must be a bool
    static constexpr bool output_only = false;
    static void write(const int&, std::ostream&, const ls::json&) {}
    static int read(std::istream&, const ls::json&) { return 0; }
};
struct no_output_only {
    static constexpr std::string_view alias = "nooutputonly";
    static constexpr std::string_view suffix = "x";
    static constexpr bool binary = false;
    static void write(const int&, std::ostream&, const ls::json&) {}
    static int read(std::istream&, const ls::json&) { return 0; }
};
struct no_write {
    static constexpr std::string_view alias = "nowrite";
    static constexpr std::string_view suffix = "x";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static int read(std::istream&, const ls::json&) { return 0; }
};
struct no_read {
    static constexpr std::string_view alias = "noread";
    static constexpr std::string_view suffix = "x";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;  // so it must read
    static void write(const int&, std::ostream&, const ls::json&) {}
};

static_assert(ls::ArtifactHandler<plain> && ls::ArtifactHandler<family> && ls::ArtifactHandler<report>);
static_assert(ls::checked_handler<plain> && ls::checked_handler<family> && ls::checked_handler<report>);
static_assert(!ls::ArtifactHandler<int> && !ls::ArtifactHandler<plain*> && !ls::ArtifactHandler<plain&>);
static_assert(!ls::ArtifactHandler<no_alias> && !ls::ArtifactHandler<runtime_alias> &&
              !ls::ArtifactHandler<empty_alias> && !ls::ArtifactHandler<alias_with_bar> &&
              !ls::ArtifactHandler<alias_with_space>);
static_assert(!ls::ArtifactHandler<no_suffix> && !ls::ArtifactHandler<int_binary> &&
              !ls::ArtifactHandler<no_output_only> && !ls::ArtifactHandler<no_write> && !ls::ArtifactHandler<no_read>);

static_assert(ls::WritableBy<plain, std::string> && ls::WritableBy<plain, const char*>);
static_assert(!ls::WritableBy<plain, int> && !ls::WritableBy<no_write, int>);
static_assert(ls::ReadableAs<plain, std::string> && !ls::ReadableAs<plain, int>);
static_assert(ls::WritableBy<family, int> && ls::ReadableAs<family, int> && ls::ReadableAs<family, double>);
static_assert(ls::WritableBy<report, std::vector<int>> && !ls::ReadableAs<report, std::vector<int>>);
static_assert(ls::HasEnvironment<family> && !ls::HasEnvironment<plain> && !ls::HasEnvironment<report>);
static_assert(ls::ChecksWriteKwargs<family> && !ls::ChecksWriteKwargs<plain>);
// The concepts refine ArtifactHandler: a type that only looks like it gets nothing.
static_assert(!ls::WritableBy<no_read, int> && !ls::ReadableAs<no_alias, int>);

}  // namespace handler_test
using namespace handler_test;

TEST_CASE("handler: the alias check accepts letters, digits, '_', '-', '.' only", "[handler]") {
    CHECK(ls::detail::is_valid_alias("json"));
    CHECK(ls::detail::is_valid_alias("Family.v2-x_y"));
    CHECK(ls::detail::is_valid_alias("0"));
    CHECK_FALSE(ls::detail::is_valid_alias(""));
    CHECK_FALSE(ls::detail::is_valid_alias("a|b"));
    CHECK_FALSE(ls::detail::is_valid_alias("a/b"));
    CHECK_FALSE(ls::detail::is_valid_alias("a b"));
    CHECK_FALSE(ls::detail::is_valid_alias("caf\xc3\xa9"));
}

TEST_CASE("handler: read_with calls a plain read and a template read alike", "[handler]") {
    std::stringstream text;
    plain::write("two\nlines", text, ls::json::object());
    CHECK(ls::read_with<std::string, plain>(text, ls::json::object()) == "two\nlines");

    std::stringstream number;
    family::write(1234, number, ls::json::object());
    CHECK(ls::read_with<int, family>(number, ls::json::object()) == 1234);
    std::stringstream fraction("2.5");
    CHECK(ls::read_with<double, family>(fraction, ls::json::object()) == 2.5);
}

TEST_CASE("handler: environment_of gives the handler's fields, or an empty object", "[handler]") {
    CHECK(ls::environment_of<family>() == ls::json{{"family_version", "2"}});
    CHECK(ls::environment_of<plain>() == ls::json::object());
    CHECK(ls::environment_of<report>().is_object());
    CHECK(ls::environment_of<odd_environment>() == ls::json::object());
}

TEST_CASE("handler: a handler's kwargs check is its own code, called as declared", "[handler]") {
    CHECK_NOTHROW(family::check_write_kwargs(ls::json::object()));
    CHECK_THROWS_AS(family::check_write_kwargs(ls::json{{"indent", 2}}), std::invalid_argument);
}
