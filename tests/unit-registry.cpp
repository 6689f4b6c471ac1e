// The ArtifactHandler concept and handler_list: compile-time and run-time alias look-up.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <boost/hana/length.hpp>

#include <set>
#include <string>
#include <vector>

namespace ls = lazyscribe;
using lazyscribe_test::test_handlers;
using lazyscribe_test::text_handler;

// These types exist to be checked against the concept; clang reports the members that no code reads.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wunused-const-variable"
#endif
namespace {
struct no_members {};
struct no_suffix {
    static constexpr std::string_view alias = "x";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const int&, std::ostream&, const ls::json&) {}
    static int read(std::istream&, const ls::json&) { return 0; }
};
struct runtime_alias {
    static inline std::string_view alias = "x";
    static constexpr std::string_view suffix = "x";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const int&, std::ostream&, const ls::json&) {}
    static int read(std::istream&, const ls::json&) { return 0; }
};
struct bad_alias_characters {
    static constexpr std::string_view alias = "a|b";
    static constexpr std::string_view suffix = "x";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const int&, std::ostream&, const ls::json&) {}
    static int read(std::istream&, const ls::json&) { return 0; }
};
struct no_read {
    static constexpr std::string_view alias = "x";
    static constexpr std::string_view suffix = "x";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const int&, std::ostream&, const ls::json&) {}
};
struct char_array_alias {  // any constant convertible to string_view will do
    static constexpr char alias[] = "chars";
    static constexpr const char* suffix = "c";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const int&, std::ostream&, const ls::json&) {}
    static int read(std::istream&, const ls::json&) { return 0; }
};
struct long_alias : text_handler {
    static constexpr std::string_view alias = "a-rather-long-alias-for-a-handler-0001";
};
struct long_alias2 : text_handler {
    static constexpr std::string_view alias = "a-rather-long-alias-for-a-handler-0002";
};
}  // namespace
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

TEST_CASE("registry: the ArtifactHandler concept accepts handlers and names what others miss") {
    STATIC_REQUIRE(ls::ArtifactHandler<ls::json_handler>);
    STATIC_REQUIRE(ls::ArtifactHandler<ls::cereal_handler>);
    STATIC_REQUIRE(ls::ArtifactHandler<text_handler>);
    STATIC_REQUIRE(ls::ArtifactHandler<char_array_alias>);
    STATIC_REQUIRE_FALSE(ls::ArtifactHandler<no_members>);
    STATIC_REQUIRE_FALSE(ls::ArtifactHandler<no_suffix>);
    STATIC_REQUIRE_FALSE(ls::ArtifactHandler<runtime_alias>);
    STATIC_REQUIRE_FALSE(ls::ArtifactHandler<bad_alias_characters>);
    STATIC_REQUIRE_FALSE(ls::ArtifactHandler<no_read>);
    STATIC_REQUIRE_FALSE(ls::ArtifactHandler<int>);
    // The per-member checks behind the diagnostics.
    STATIC_REQUIRE(ls::detail::has_alias<runtime_alias>);
    STATIC_REQUIRE_FALSE(ls::detail::has_constexpr_alias<runtime_alias>);
    STATIC_REQUIRE_FALSE(ls::detail::has_suffix<no_suffix>);
    STATIC_REQUIRE_FALSE(ls::detail::declares_read<no_read>);
    STATIC_REQUIRE(ls::detail::declares_write<ls::json_handler>);  // a template counts
}

TEST_CASE("registry: WritableBy and ReadableAs answer per value type") {
    STATIC_REQUIRE(ls::WritableBy<text_handler, std::string>);
    STATIC_REQUIRE(ls::ReadableAs<text_handler, std::string>);
    STATIC_REQUIRE_FALSE(ls::WritableBy<text_handler, std::vector<int>>);
    STATIC_REQUIRE_FALSE(ls::ReadableAs<text_handler, int>);
    STATIC_REQUIRE(ls::WritableBy<ls::json_handler, std::vector<std::vector<int>>>);
    STATIC_REQUIRE(ls::ReadableAs<ls::json_handler, std::map<std::string, double>>);
    STATIC_REQUIRE_FALSE(ls::WritableBy<ls::json_handler, no_members>);
    STATIC_REQUIRE_FALSE(ls::ReadableAs<ls::json_handler, no_members>);
    STATIC_REQUIRE(ls::WritableBy<ls::cereal_handler, double>);
    STATIC_REQUIRE_FALSE(ls::WritableBy<ls::cereal_handler, no_members>);
    STATIC_REQUIRE(ls::HasEnvironment<ls::cereal_handler>);
    STATIC_REQUIRE_FALSE(ls::HasEnvironment<ls::json_handler>);
}

TEST_CASE("registry: index_of and contains at compile time") {
    using L = test_handlers;
    STATIC_REQUIRE(L::size == 5);
    STATIC_REQUIRE(L::index_of("json") == 0);
    STATIC_REQUIRE(L::index_of("cereal") == 1);
    STATIC_REQUIRE(L::index_of("text") == 2);
    STATIC_REQUIRE(L::index_of("versioned") == 3);
    STATIC_REQUIRE(L::index_of("failing") == 4);
    STATIC_REQUIRE(L::index_of("pickle") == L::npos);
    STATIC_REQUIRE(L::index_of("") == L::npos);
    STATIC_REQUIRE(L::contains("text"));
    STATIC_REQUIRE_FALSE(L::contains("Text"));
    STATIC_REQUIRE(std::is_same_v<L::handler_t<"text">, text_handler>);
    STATIC_REQUIRE(std::is_same_v<ls::handler_t<L, "json">, ls::json_handler>);
    STATIC_REQUIRE(std::is_same_v<ls::with_cereal::with<text_handler>::handler_at<2>, text_handler>);
    STATIC_REQUIRE(ls::handler_list<>::index_of("json") == ls::handler_list<>::npos);
}

TEST_CASE("registry: index_of at run time, against aliases that share prefixes and lengths") {
    using L = test_handlers;
    for (std::size_t i = 0; i < L::size; ++i) {
        const std::string alias(L::aliases[i]);  // a run-time string, not a literal
        CHECK(L::index_of(alias) == i);
    }
    for (const std::string miss : {"jso", "jsonn", "JSON", "cerea", "texts", "x", "versione", "failing "}) {
        CHECK(L::index_of(miss) == L::npos);
    }
    // Long aliases take the multi-word path of the hash.
    using M = ls::handler_list<long_alias, long_alias2, text_handler>;
    CHECK(M::index_of(std::string("a-rather-long-alias-for-a-handler-0002")) == 1);
    CHECK(M::index_of(std::string("a-rather-long-alias-for-a-handler-0003")) == M::npos);
}

TEST_CASE("registry: visit calls the visitor with the handler named by a run-time alias") {
    using L = test_handlers;
    std::set<std::string> seen;
    for (std::string_view alias : L::aliases) {
        const std::string suffix = L::visit(std::string(alias), [](auto h) {
            using H = typename decltype(h)::type;
            STATIC_REQUIRE(ls::ArtifactHandler<H>);
            return std::string(H::suffix);
        });
        seen.insert(suffix);
    }
    CHECK(seen == std::set<std::string>{"json", "cereal", "txt", "ver", "bin"});
    CHECK(L::visit_index(2, [](auto h) { return decltype(h)::type::alias == "text"; }));
}

TEST_CASE("registry: visit with an unknown alias throws unknown_handler_error naming it and the registered ones") {
    using L = test_handlers;
    try {
        L::visit("pickle", [](auto) { return 0; });
        FAIL("no exception");
    } catch (const ls::unknown_handler_error& e) {
        const std::string message = e.what();
        CHECK(e.id() == "lazyscribe.unknown_handler_error");
        CHECK(message.find("'pickle'") != std::string::npos);
        for (std::string_view alias : L::aliases)
            CHECK(message.find("'" + std::string(alias) + "'") != std::string::npos);
    }
    CHECK_THROWS_AS(L::visit_index(99, [](auto) { return 0; }), ls::unknown_handler_error);
    CHECK_THROWS_AS(ls::handler_list<>::visit("json", [](auto) { return 0; }), ls::unknown_handler_error);
}

TEST_CASE("registry: a cereal artifact read through the built-in list (cereal is opt-in) says how to opt in",
          "[registry][cereal]") {
    lazyscribe_test::temp_dir dir;
    const auto file = dir / "p/project.json";
    {
        ls::basic_project<ls::with_cereal> project(file, ls::mode::write, "t");
        project.log("Model", [](auto& e) {
            (void)e.template log_artifact<"cereal">("weights", 1.5);
            (void)e.template log_artifact<"json">("config", ls::json{{"depth", 3}});
        });
        project.save();
    }
    const ls::project reader(file, ls::mode::read_only);  // the metadata loads: only loading the value needs cereal
    CHECK(reader["model"].load_artifact<ls::json>("config") == ls::json{{"depth", 3}});
    CHECK(reader["model"].artifacts().at("weights").handler() == "cereal");
    CHECK_THROWS_MATCHES(reader["model"].load_artifact<double>("weights"), ls::unknown_handler_error,
                         Catch::Matchers::Predicate<ls::unknown_handler_error>([](const auto& e) {
                             const std::string message = e.what();
                             return message.find("handler 'cereal'") != std::string::npos &&
                                    message.find("#include <lazyscribe/handlers/cereal.hpp>") != std::string::npos &&
                                    message.find("lazyscribe::with_cereal") != std::string::npos;
                         }));
    // The run-time look-up says the same.
    CHECK_THROWS_WITH(ls::builtin_handlers::visit("cereal", [](auto) { return 0; }),
                      Catch::Contains("lazyscribe::with_cereal"));
}

TEST_CASE("registry: with<> extends a list and keeps its order, hana sees the types") {
    using L = ls::with_cereal::with<text_handler>;
    STATIC_REQUIRE(std::is_same_v<L, ls::handler_list<ls::json_handler, ls::cereal_handler, text_handler>>);
    STATIC_REQUIRE(decltype(boost::hana::length(L::types))::value == 3);
    STATIC_REQUIRE(L::aliases[2] == "text");
    // The built-in list is json alone; cereal is opt-in (handlers/cereal.hpp's with_cereal).
    STATIC_REQUIRE(std::is_same_v<ls::builtin_handlers, ls::handler_list<ls::json_handler>>);
    STATIC_REQUIRE(std::is_same_v<ls::with_cereal, ls::handler_list<ls::json_handler, ls::cereal_handler>>);
}

namespace {
struct plot_handler {  // output-only: files for people, no read
    static constexpr std::string_view alias = "plot";
    static constexpr std::string_view suffix = "svg";
    static constexpr bool binary = false;
    static constexpr bool output_only = true;
    static void write(const std::vector<double>& ys, std::ostream& out, const ls::json&) {
        out << "<svg>" << ys.size() << "</svg>";
    }
};
namespace package {
using handlers = ls::handler_list<text_handler, plot_handler>;
}
}  // namespace

TEST_CASE("registry: with<> takes a package's whole handler_list as well as single handlers") {
    using L = ls::with_cereal::with<package::handlers>;
    STATIC_REQUIRE(
        std::is_same_v<L, ls::handler_list<ls::json_handler, ls::cereal_handler, text_handler, plot_handler>>);
    using M = ls::handler_list<>::with<package::handlers, ls::json_handler>;
    STATIC_REQUIRE(M::size == 3);
    STATIC_REQUIRE(M::index_of("json") == 2);
}

TEST_CASE("registry: an output-only handler needs no read") {
    STATIC_REQUIRE(ls::ArtifactHandler<plot_handler>);
    STATIC_REQUIRE(ls::WritableBy<plot_handler, std::vector<double>>);
    STATIC_REQUIRE_FALSE(ls::ReadableAs<plot_handler, std::vector<double>>);
    STATIC_REQUIRE(ls::ChecksWriteKwargs<ls::json_handler>);
    STATIC_REQUIRE_FALSE(ls::ChecksWriteKwargs<plot_handler>);
    CHECK_THROWS_WITH(test_handlers::visit_index(99, [](auto) { return 0; }),
                      Catch::Contains("index 99 is out of range"));
}
