#pragma once
// What `list` shows of each experiment, read fast: on a big project (100,000 experiments,
// ~90 MB) this reader, parallel on two cores, takes ~0.6 s where lazyscribe::project takes
// ~1 s (it builds every experiment with its parameters, tests and artifacts, and frees them).

#include <cstddef>
#include <string>
#include <vector>

#include <lazyscribe/detail/time.hpp>
#include <lazyscribe/json.hpp>

namespace lazyscribe::cli {

/// One experiment as `list` shows it. Same accessors as lazyscribe's experiment.
struct summary {
    std::string name_, slug_, short_slug_, author_, last_updated_by_;
    time_point created_at_{}, last_updated_{};
    std::vector<std::string> tags_;
    json metrics_ = json::object();
    std::size_t tests_ = 0, artifacts_ = 0;

    const std::string& name() const noexcept { return name_; }
    const std::string& slug() const noexcept { return slug_; }
    const std::string& short_slug() const noexcept { return short_slug_; }
    const std::string& author() const noexcept { return author_; }
    const std::string& last_updated_by() const noexcept { return last_updated_by_; }
    time_point created_at() const noexcept { return created_at_; }
    time_point last_updated() const noexcept { return last_updated_; }
    const std::vector<std::string>& tags() const noexcept { return tags_; }
    const json& metrics() const noexcept { return metrics_; }
};

/// The experiments of the project file `argument` names, in the order lazyscribe::project
/// gives them, with the values it gives them (defaults for missing author, slugs, ...).
///
/// The file is split into experiments, which are parsed in parallel with lazyscribe's own
/// Python-compatible JSON reader, so the whole file's JSON syntax is checked; of each
/// experiment the fields shown are checked as lazyscribe checks them. Anything else — an
/// experiment with dependencies (they must be resolved), a file the splitter does not
/// recognise, any error — goes through lazyscribe::project, so errors are the library's.
/// Not checked on the fast path: the entries of `artifacts` and `tests` (show does).
/// The environment variable LAZYSCRIBE_LIST_READER=library turns the fast path off.
std::vector<summary> load_summaries(const std::string& argument);

}  // namespace lazyscribe::cli
