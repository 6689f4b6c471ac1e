#pragma once
// The lazyscribe command-line tool: what each subcommand takes, and the functions that run them.
// main.cpp parses the command line (CLI11) into these structs; the run_* functions live in
// separate translation units that never see CLI11, so they compile in parallel.
//
// To add a subcommand group: declare its options and run functions in a header like this one
// (repo.hpp does so for `repo`), implement them in their own .cpp, and register them in
// main.cpp next to add_project_commands().

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <lazyscribe/history.hpp>

namespace lazyscribe::cli {

/// Exit codes (documented in docs/cli.md).
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;  // a file, project or experiment problem
inline constexpr int exit_usage = 2;    // the command line itself is wrong

/// A failure the tool reports as "lazyscribe: error: <what>" with exit code 1.
class failure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class color_mode { automatic, always, never };

/// Options every subcommand sees.
struct global_options {
    color_mode color = color_mode::automatic;
};

/// --filter KEY=VALUE / METRIC>NUMBER ..., --status, --sort, --desc, --limit: which experiments,
/// in what order; --crashed-after: when a "running" run reads as crashed.
struct selection_options {
    std::vector<std::string> filters;
    std::vector<std::string> where;    // queries (query.hpp), all must match
    std::vector<run_status> statuses;  // empty: every status
    std::chrono::seconds crashed_after = default_crashed_after;
    std::optional<std::string> sort_metric;
    bool descending = false;
    std::optional<std::size_t> limit;
};

struct list_options {
    std::string project;
    std::vector<std::string> metrics;  // empty: the numeric ones, up to a sane width
    selection_options selection;
    bool json = false;
};

struct show_options {
    std::string project;
    std::string slug;
    std::chrono::seconds crashed_after = default_crashed_after;
    bool json = false;
};

struct compare_options {
    std::string project;
    std::vector<std::string> slugs;
    bool json = false;
};

struct export_options {
    std::string project;
    std::string format = "csv";  // csv | json
    bool tests = false;
    bool histories = false;             // one row per history point (slug, metric, step, time, value)
    std::optional<std::string> output;  // default: stdout
    selection_options selection;
};

struct artifacts_options {
    std::string project;
    std::string slug;
    bool json = false;
};

struct merge_options {
    std::string output;
    std::vector<std::string> inputs;
    bool copy_artifacts = true;
};

struct report_options {
    std::string project;
    std::string output;
    std::optional<std::string> title;
    std::vector<std::string> metrics;  // the metric columns shown first (empty: the page chooses)
    selection_options selection;
    std::size_t max_size = 20u << 20;  // bytes of the page at most
    std::size_t details = 1000;        // runs whose details and series are embedded, at most
    std::size_t max_points = 500;      // points of one series, at most
};

struct serve_options {
    std::vector<std::string> projects;
    std::string host = "127.0.0.1";
    int port = 8765;
    std::chrono::milliseconds poll_interval{500};
    std::chrono::seconds crashed_after = default_crashed_after;
};

int run_list(const global_options&, const list_options&);
int run_show(const global_options&, const show_options&);
int run_compare(const global_options&, const compare_options&);
int run_artifacts(const global_options&, const artifacts_options&);
int run_export(const global_options&, const export_options&);
int run_merge(const global_options&, const merge_options&);
int run_report(const global_options&, const report_options&);
/// Serves the viewer until SIGINT or SIGTERM (serve.cpp); without cpp-httplib, a failure saying so.
int run_serve(const global_options&, const serve_options&);

/// Empty when `filter` is a valid --filter expression, else why not (for the usage error).
std::string check_filter(const std::string& filter);
/// The statuses of a --status argument ("crashed", "failed,crashed"); nullopt and `why` when a
/// word is not a status.
std::optional<std::vector<run_status>> parse_statuses(const std::string& text, std::string& why);

}  // namespace lazyscribe::cli
