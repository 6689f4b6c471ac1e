#pragma once
/// @file fwd.hpp
/// @brief Declarations of lazyscribe's public types and of the `project`, `experiment`,
/// `test` and `repository` aliases, for a header that only names them (in a function
/// declaration, as a pointer or reference member): it compiles without the library's
/// definitions, so a change inside lazyscribe does not recompile it. Include the full
/// headers (lazyscribe/project.hpp, ...) where the types are used. `lazyscribe::json` is
/// nlohmann::json: <nlohmann/json_fwd.hpp> declares it.

#include <cstddef>  // std::size_t only: this header costs next to nothing to include

namespace lazyscribe {

// fixed_string.hpp
template <std::size_t N>
struct fixed_string;

// registry.hpp, handlers/json.hpp, handlers/cereal.hpp
template <class... H>
struct handler_list;
struct json_handler;
struct cereal_handler;

// artifact.hpp
class artifact;
struct log_options;
struct load_options;
template <class Handlers>
class basic_artifact_set;

// experiment.hpp
struct dependency;
template <class Handlers>
class basic_experiment;
template <class Handlers>
class basic_test;
template <class Handlers>
class test_scope;

// project.hpp
enum class mode;
struct project_options;
template <class Handlers>
class basic_project;

// repository.hpp
enum class match;
class version_spec;
struct repository_options;
struct repository_load_options;
template <class Handlers>
class basic_repository;

// release.hpp
struct release;

// storage.hpp
class storage;
class local_storage;
class memory_storage;
class faulty_storage;

// errors.hpp
class error;
class parse_error;
class format_error;
class unknown_handler_error;
class artifact_log_error;
class artifact_load_error;
class read_only_error;
class save_error;
class version_not_found_error;
class invalid_version_error;
class not_found_error;
class path_error;

/// @brief The handlers every project and repository knows: json (cereal is opt-in,
/// handlers/cereal.hpp's with_cereal). Defined here only; builtin_handlers.hpp completes it.
using builtin_handlers = handler_list<json_handler>;

/// @brief A project, experiment, test and repository over builtin_handlers.
using project = basic_project<builtin_handlers>;
using experiment = basic_experiment<builtin_handlers>;
using test = basic_test<builtin_handlers>;
using repository = basic_repository<builtin_handlers>;

}  // namespace lazyscribe
