// Compile-time diagnostics: the handler check and the const twins of the experiment's mutators.
// What the failing programs print is checked by tests/compile_fail; this file checks that the
// machinery behind those messages leaves valid programs alone.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace ls = lazyscribe;
using lazyscribe_test::text_handler;

namespace {
struct plot_handler {  // output-only: needs no `read`
    static constexpr std::string_view alias = "plot";
    static constexpr std::string_view suffix = "svg";
    static constexpr bool binary = false;
    static constexpr bool output_only = true;
    static void write(const std::string& value, std::ostream& out, const ls::json&) { out << value; }
};
}  // namespace

static_assert(ls::checked_handler<ls::json_handler> && ls::checked_handler<ls::cereal_handler>);
static_assert(ls::checked_handler<text_handler> && ls::checked_handler<plot_handler>);
static_assert(ls::detail::check_handler<plot_handler>() && ls::ArtifactHandler<plot_handler>);

TEST_CASE("a valid handler list keeps its own members, aliases and look-ups", "[diagnostics]") {
    using handlers = ls::with_cereal::with<text_handler, plot_handler>;
    STATIC_REQUIRE(std::is_same_v<handlers::handler_t<"plot">, plot_handler>);
    STATIC_REQUIRE(std::is_same_v<handlers::handler_at<2>, text_handler>);
    STATIC_REQUIRE(handlers::aliases[3] == "plot");
    STATIC_REQUIRE(handlers::index_of("nope") == handlers::npos);
    CHECK(handlers::visit("plot", [](auto h) { return std::string(decltype(h)::type::suffix); }) == "svg");
    CHECK_THROWS_AS(handlers::visit("nope", [](auto) { return 0; }), ls::unknown_handler_error);
}

namespace {
// Outside a template an invalid requirement is a hard error: each check takes the experiment
// type as a parameter.
template <class E>
concept logs_metric = requires(E& e) {
    e.log_metric("auroc", 0.5);
};
template <class E>
concept logs_metric_list = requires(E& e) {
    e.log_metric("loss", std::vector<double>{1.0});
};
template <class E>
concept logs_parameter = requires(E& e) {
    e.log_parameter("depth", 3);
};
template <class E>
concept logs_artifact = requires(E& e) {
    e.template log_artifact<"json">("features", 1);
};
template <class E>
concept tags = requires(E& e) {
    e.tag("a", "b");
};
template <class E>
concept replaces_tags = requires(E& e) {
    e.tag(std::vector<std::string>{"a"}, true);
};
template <class E>
concept logs_test = requires(E& e) {
    e.log_test("t");
};
template <class E>
concept logs_test_in = requires(E& e) {
    e.log_test("t", [](auto&) {});
};
template <class E>
concept adds_dependency = requires(E& e) {
    e.add_dependency(e);
};
template <class E>
concept removes_metric = requires(E& e) {
    e.remove_metric("auroc");
};
template <class E>
concept renames_parameter = requires(E& e) {
    e.rename_parameter("depth", "max_depth");
};
template <class E>
concept edits_test = requires(E& e) {
    e.edit_test("t");
};
template <class E>
concept logs_an_iterator = requires(E& e) {
    e.log_parameter("depth", std::vector<int>{}.begin());
};
}  // namespace

TEST_CASE("a const experiment's mutators resolve to the twins that refuse at compile time", "[diagnostics]") {
    // Overload resolution finds a const twin (whose body would not compile) for each; without
    // the twins no mutator is viable on a const experiment and these are false.
    using const_experiment = const ls::experiment;
    STATIC_REQUIRE(logs_metric<const_experiment>);
    STATIC_REQUIRE(logs_metric_list<const_experiment>);
    STATIC_REQUIRE(logs_parameter<const_experiment>);
    STATIC_REQUIRE(logs_artifact<const_experiment>);
    STATIC_REQUIRE(tags<const_experiment>);
    STATIC_REQUIRE(replaces_tags<const_experiment>);
    STATIC_REQUIRE(logs_test<const_experiment>);
    STATIC_REQUIRE(logs_test_in<const_experiment>);
    STATIC_REQUIRE(adds_dependency<const_experiment>);
    STATIC_REQUIRE(removes_metric<const_experiment>);
    STATIC_REQUIRE(renames_parameter<const_experiment>);
    STATIC_REQUIRE(edits_test<const_experiment>);
    // A test reached through experiment.test(name) is const too, and refuses the same way.
    using const_test = const ls::experiment::test_type;
    STATIC_REQUIRE(logs_metric<const_test>);
    STATIC_REQUIRE(logs_parameter<const_test>);
    STATIC_REQUIRE(logs_artifact<const_test>);
    STATIC_REQUIRE(removes_metric<const_test>);
    STATIC_REQUIRE(renames_parameter<const_test>);
    STATIC_REQUIRE(!logs_an_iterator<const_test>);
    // Arguments no mutator accepts stay an error of overload resolution, const or not.
    STATIC_REQUIRE(!logs_an_iterator<const_experiment>);
    STATIC_REQUIRE(!logs_an_iterator<ls::experiment>);
}

TEST_CASE("a non-const experiment still changes through the real mutators", "[diagnostics]") {
    // A twin chosen here would not compile; the values prove the originals ran.
    lazyscribe_test::temp_dir dir;
    ls::project project(dir.path() / "project.json", ls::mode::write);
    {
        auto e = project.log("x");
        e.log_metric("auroc", 0.5);
        e.log_metric("loss", std::vector<double>{0.5, 0.25});
        e.log_metric("raw", ls::json("text"));
        e.log_parameter("depth", 3);
        e.tag("a", "b");
        e.tag(std::vector<std::string>{"c"}, true);
        e.log_test("holdout", [](auto& t) { t.log_metric("auroc", 0.75); });
        { auto t = e.log_test("second"); }
        (void)e.log_artifact<"json">("features", 1);
    }
    project.save();
    ls::project edited(dir.path() / "project.json", ls::mode::edit);
    auto& e = edited.edit("x");
    e.log_metric("auroc", 0.625);
    const ls::experiment& view = edited["x"];
    CHECK(view.metrics()["auroc"] == 0.625);
    CHECK(view.metrics()["loss"] == ls::json::array({0.5, 0.25}));
    CHECK(view.metrics()["raw"] == "text");
    CHECK(view.parameters()["depth"] == 3);
    CHECK(view.tags() == std::vector<std::string>{"c"});
    CHECK(view.tests().size() == 2);
    CHECK(view.artifacts().size() == 1);
}
