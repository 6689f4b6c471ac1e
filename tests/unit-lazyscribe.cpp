// lazyscribe.hpp, the umbrella: one include gives every part of the public API. The names
// below come one or more from each public header, so dropping a header from the umbrella fails
// this file's build; the test then runs the whole path a user's first program takes.
#include <lazyscribe/lazyscribe.hpp>

#include <catch2/catch.hpp>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ls = lazyscribe;

namespace {

static_assert(std::is_base_of_v<std::runtime_error, ls::error>);  // errors.hpp
static_assert(ls::fixed_string("x").size() == 1);                 // fixed_string.hpp
static_assert(ls::ArtifactHandler<ls::json_handler>);             // handler.hpp, handlers/json.hpp
static_assert(ls::CerealWritable<int>);                           // handlers/cereal.hpp
static_assert(ls::builtin_handlers::size == 1);                   // builtin_handlers.hpp
static_assert(std::is_same_v<ls::handler_list<ls::json_handler>::handler_at<0>, ls::json_handler>);  // registry.hpp
static_assert(std::is_same_v<ls::project, ls::basic_project<ls::builtin_handlers>>);                 // project.hpp
static_assert(std::is_same_v<ls::experiment, ls::basic_experiment<ls::builtin_handlers>>);           // experiment.hpp
static_assert(std::is_same_v<ls::repository, ls::basic_repository<ls::builtin_handlers>>);           // repository.hpp
static_assert(std::is_class_v<ls::basic_artifact_set<ls::builtin_handlers>>);                        // artifact.hpp
static_assert(std::is_class_v<ls::release>);                                                         // release.hpp
static_assert(std::is_same_v<decltype(ls::format_time(ls::time_point{})), std::string>);             // time.hpp
static_assert(std::is_same_v<decltype(ls::big_integer("1")), ls::json>);                             // json.hpp

struct folder {
    folder() {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() / ("lazyscribe-umbrella-" + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    ~folder() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    folder(const folder&) = delete;
    folder& operator=(const folder&) = delete;
    std::filesystem::path path;
};

}  // namespace

TEST_CASE("lazyscribe.hpp: a project, an artifact, a repository and a release through one include", "[lazyscribe]") {
    folder dir;
    {
        // The umbrella includes the opt-in cereal handler (cereal is installed here): its list is with_cereal.
        ls::basic_project<ls::with_cereal> project(dir.path / "project.json", ls::mode::write, "someone");
        {
            auto exp = project.log("First try");
            exp.log_metric("auroc", 0.5);
            exp.log_parameter("big", ls::big_integer("18446744073709551616"));
            exp.log_artifact<"json">("features", std::vector<std::string>{"age"});
            exp.log_artifact<"cereal">("weights", std::vector<double>{0.25});
        }
        project.save();
    }
    ls::basic_project<ls::with_cereal> reader(dir.path / "project.json", ls::mode::read_only);
    const auto& exp = reader["first-try"];
    CHECK(exp.metric("auroc") == 0.5);
    CHECK(ls::integer_digits(exp.parameters()["big"]) == "18446744073709551616");
    CHECK(exp.load_artifact<std::vector<std::string>>("features") == std::vector<std::string>{"age"});
    CHECK(exp.load_artifact<std::vector<double>>("weights") == std::vector<double>{0.25});
    CHECK_THROWS_AS(reader["no-such-experiment"], ls::not_found_error);

    ls::repository repo(dir.path / "repository.json", ls::mode::write);
    repo.log_artifact<"json">("config", ls::json{{"lr", 0.1}});
    repo.save();
    const ls::repository saved(dir.path / "repository.json", ls::mode::read_only);  // a release pins saved versions
    const auto rel = ls::create_release(saved, "1.0.0");
    CHECK(rel.artifacts == std::vector<std::pair<std::string, long long>>{{"config", 0}});
    const auto releases = ls::loads_releases(ls::dumps_releases({rel}));
    REQUIRE(releases.size() == 1);
    CHECK(ls::find_release(releases, "1.0.0") == rel);
    CHECK(ls::parse_time(ls::format_time(rel.created_at)) == rel.created_at);
}
