// Tests of lazyscribe/fwd.hpp. The first part of this file sees fwd.hpp only: it names every
// declared type the way a user's header would (pointers, references, enums by value, function
// declarations), so it stops compiling when a declaration goes missing. The second part includes
// the full headers and checks that the aliases of fwd.hpp name the types the library defines.
#include <lazyscribe/fwd.hpp>

#include <string>

namespace fwd_only {

// A user's header that declares an interface over lazyscribe types without their definitions.
struct session {
    lazyscribe::project* project = nullptr;
    const lazyscribe::repository* repository = nullptr;
    lazyscribe::experiment* experiment = nullptr;
    lazyscribe::test* test = nullptr;
    const lazyscribe::artifact* artifact = nullptr;
    lazyscribe::basic_artifact_set<lazyscribe::builtin_handlers>* artifacts = nullptr;
    lazyscribe::storage* files = nullptr;
    const lazyscribe::release* release = nullptr;
    const lazyscribe::dependency* dependency = nullptr;
    lazyscribe::test_scope<lazyscribe::builtin_handlers>* scope = nullptr;
};

// An opaque enum declaration is complete: it can be passed and compared by value.
lazyscribe::mode pass_through(lazyscribe::mode m) { return m; }
lazyscribe::match pass_through(lazyscribe::match m) { return m; }

// Declared here with fwd.hpp alone, defined below with the full headers.
std::string describe(const lazyscribe::experiment& e, int run);
std::string error_text(const lazyscribe::error& e);
bool opens(const lazyscribe::project_options& options, const lazyscribe::repository_options& repo_options,
           const lazyscribe::repository_load_options& load, const lazyscribe::log_options& log,
           const lazyscribe::load_options& artifact_load, const lazyscribe::version_spec& version);
void handlers_named(lazyscribe::json_handler*, lazyscribe::cereal_handler*);
void storages_named(lazyscribe::local_storage*, lazyscribe::memory_storage*, lazyscribe::faulty_storage*);
void errors_named(const lazyscribe::parse_error*, const lazyscribe::format_error*,
                  const lazyscribe::unknown_handler_error*, const lazyscribe::artifact_log_error*,
                  const lazyscribe::artifact_load_error*, const lazyscribe::read_only_error*,
                  const lazyscribe::save_error*, const lazyscribe::version_not_found_error*,
                  const lazyscribe::invalid_version_error*, const lazyscribe::not_found_error*,
                  const lazyscribe::path_error*);
template <std::size_t N>
void fixed_named(const lazyscribe::fixed_string<N>*);

}  // namespace fwd_only

// ---- from here on, the full headers
#include <lazyscribe/builtin_handlers.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/project.hpp>
#include <lazyscribe/release.hpp>
#include <lazyscribe/repository.hpp>
#include <lazyscribe/storage.hpp>

#include <catch2/catch.hpp>

#include <type_traits>

namespace ls = lazyscribe;

// The aliases of fwd.hpp are the ones the full headers use: a project's experiments and tests
// are fwd.hpp's experiment and test, over the list builtin_handlers.hpp defines.
static_assert(std::is_same_v<ls::project::handlers, ls::builtin_handlers>);
static_assert(std::is_same_v<ls::project::experiment_type, ls::experiment>);
static_assert(std::is_same_v<ls::project::test_type, ls::test>);
static_assert(std::is_same_v<ls::experiment::test_type, ls::test>);
static_assert(std::is_same_v<ls::repository::handlers, ls::builtin_handlers>);
static_assert(std::is_same_v<ls::builtin_handlers::handler_t<"json">, ls::json_handler>);

std::string fwd_only::describe(const ls::experiment& e, int run) { return e.name() + " " + std::to_string(run); }

std::string fwd_only::error_text(const ls::error& e) { return e.what(); }

TEST_CASE("fwd: functions declared with fwd.hpp alone take the full types", "[fwd]") {
    ls::project p("memory://fwd/project.json", ls::mode::write, "fwd");
    auto e = p.log("Forward declared");
    fwd_only::session s;
    s.project = &p;
    s.experiment = &e;
    CHECK(fwd_only::describe(*s.experiment, 1) == "Forward declared 1");
    CHECK(fwd_only::pass_through(ls::mode::edit) == ls::mode::edit);
    CHECK(fwd_only::pass_through(ls::match::asof) == ls::match::asof);
    CHECK(fwd_only::error_text(ls::format_error("bad field")) == "[lazyscribe.format_error] bad field");
}
