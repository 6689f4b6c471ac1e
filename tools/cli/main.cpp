// The lazyscribe command-line tool: parses the command line (CLI11) and runs a subcommand.
// Exit codes: 0 ok, 1 failure (file, project, experiment, repository version), 2 usage (the command line).

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>

#include <lazyscribe/errors.hpp>

#include "cli.hpp"
#include "query.hpp"
#include "repo.hpp"

#ifndef LAZYSCRIBE_VERSION
#define LAZYSCRIBE_VERSION "unknown"
#endif

namespace lazyscribe::cli {
namespace {

// The command to run once the command line parsed.
using runner = std::function<int()>;

void add_json_flag(CLI::App* sub, bool& json) {
    sub->add_flag("--json", json, "Print JSON instead of a table (strict JSON: NaN and Infinity become null)");
}

void add_crashed_after(CLI::App* sub, std::chrono::seconds& crashed_after) {
    sub->add_option_function<std::int64_t>(
           "--crashed-after", [&crashed_after](std::int64_t seconds) { crashed_after = std::chrono::seconds(seconds); },
           "A running run whose heartbeat is older than SECONDS reads as crashed (default 120)")
        ->check(CLI::NonNegativeNumber);
}

void add_selection(CLI::App* sub, selection_options& s, std::size_t& limit, CLI::Option*& limit_option) {
    sub->add_option("--filter,-f", s.filters,
                    "Keep experiments matching all of: tag=T, author=A, name=SUBSTRING (case-insensitive), "
                    "METRIC>N, METRIC>=N, METRIC<N, METRIC<=N (repeatable)")
        ->allow_extra_args(false)
        ->check([](const std::string& text) { return check_filter(text); }, "FILTER");
    sub->add_option("--where,-w", s.where,
                    "Keep experiments matching this query, e.g. 'metrics.auroc > 0.8 and params.lr < 0.01 and "
                    "tag = baseline' (docs/query.md; repeatable: all must match)")
        ->allow_extra_args(false);
    sub->add_option_function<std::vector<std::string>>(
           "--status",
           [&s](const std::vector<std::string>& texts) {
               for (const auto& text : texts) {
                   std::string why;
                   const auto parsed = parse_statuses(text, why);
                   if (parsed) s.statuses.insert(s.statuses.end(), parsed->begin(), parsed->end());
               }
           },
           "Keep runs with this status: finished, running, failed, crashed (repeatable, or comma-separated)")
        ->allow_extra_args(false)
        ->check(
            [](const std::string& text) {
                std::string why;
                return parse_statuses(text, why) ? std::string() : why;
            },
            "STATUS");
    add_crashed_after(sub, s.crashed_after);
    sub->add_option("--sort,-s", s.sort_metric,
                    "Sort by this metric, ascending (experiments without a numeric value last)");
    sub->add_flag("--desc", s.descending, "Sort descending (without --sort: newest first)");
    limit_option = sub->add_option("--limit,-n", limit, "Show at most N experiments")->check(CLI::NonNegativeNumber);
}

// What the project subcommands parse into; lives as long as main's App.
struct project_command_state {
    list_options list;
    show_options show;
    compare_options compare;
    export_options export_;
    artifacts_options artifacts;
    merge_options merge;
    report_options report;
    serve_options serve;
    bool export_json = false;
    bool merge_no_artifacts = false;
    std::size_t list_limit = 0, export_limit = 0, report_limit = 0;
    CLI::Option* list_limit_option = nullptr;
    CLI::Option* export_limit_option = nullptr;
    CLI::Option* report_limit_option = nullptr;
};

// Registers the subcommands that read or write one project file; sets `run` for the chosen one.
void add_project_commands(CLI::App& app, const global_options& g, project_command_state& s, runner& run) {
    // list
    {
        auto& o = s.list;
        auto*& limit_option = s.list_limit_option;
        auto* sub = app.add_subcommand("list", "List the experiments of a project as a table, with each run's status");
        sub->add_option("project", o.project, "Project file (or a folder holding project.json)")->required();
        sub->add_option("--metric,-m", o.metrics, "Metric column (repeatable; default: the numeric metrics, at most 6)")
            ->allow_extra_args(false);
        add_selection(sub, o.selection, s.list_limit, limit_option);
        add_json_flag(sub, o.json);
        sub->callback([&run, &g, &s] {
            if (s.list_limit_option->count() > 0) s.list.selection.limit = s.list_limit;
            run = [&g, &s] { return run_list(g, s.list); };
        });
    }
    // show
    {
        auto& o = s.show;
        auto* sub = app.add_subcommand("show",
                                       "Show everything about one experiment: status, metrics, histories, "
                                       "parameters, tests, artifacts, dependencies, the live run's record");
        sub->add_option("project", o.project, "Project file (or a folder holding project.json)")->required();
        sub->add_option("slug", o.slug, "Experiment slug or short slug (the latest one wins)")->required();
        add_crashed_after(sub, o.crashed_after);
        add_json_flag(sub, o.json);
        sub->callback([&run, &g, &s] { run = [&g, &s] { return run_show(g, s.show); }; });
    }
    // compare
    {
        auto& o = s.compare;
        auto* sub = app.add_subcommand("compare", "Compare experiments' metrics and parameters side by side");
        sub->add_option("project", o.project, "Project file (or a folder holding project.json)")->required();
        sub->add_option("slugs", o.slugs, "Experiment slugs or short slugs")->required()->expected(1, -1);
        add_json_flag(sub, o.json);
        sub->callback([&run, &g, &s] { run = [&g, &s] { return run_compare(g, s.compare); }; });
    }
    // export
    {
        auto& o = s.export_;
        auto* sub = app.add_subcommand("export", "Export experiments (or tests) as CSV or JSON rows");
        sub->add_option("project", o.project, "Project file (or a folder holding project.json)")->required();
        sub->add_option("--format", o.format, "csv (RFC 4180) or json")
            ->check(CLI::IsMember({"csv", "json"}))
            ->capture_default_str();
        sub->add_flag("--json", s.export_json, "Same as --format json");
        auto* tests = sub->add_flag("--tests", o.tests, "One row per test instead of one per experiment");
        sub->add_flag("--histories", o.histories,
                      "One row per point of each live run's metric histories: slug, metric, step, time, value")
            ->excludes(tests);
        sub->add_option("--output,-o", o.output, "Write to this file instead of standard output");
        add_selection(sub, o.selection, s.export_limit, s.export_limit_option);
        sub->callback([&run, &g, &s] {
            if (s.export_limit_option->count() > 0) s.export_.selection.limit = s.export_limit;
            if (s.export_json) s.export_.format = "json";
            run = [&g, &s] { return run_export(g, s.export_); };
        });
    }
    // artifacts
    {
        auto& o = s.artifacts;
        auto* sub = app.add_subcommand("artifacts",
                                       "List an experiment's artifacts: handler, file, size, "
                                       "whether the file exists");
        sub->add_option("project", o.project, "Project file (or a folder holding project.json)")->required();
        sub->add_option("slug", o.slug, "Experiment slug or short slug")->required();
        add_json_flag(sub, o.json);
        sub->callback([&run, &g, &s] { run = [&g, &s] { return run_artifacts(g, s.artifacts); }; });
    }
    // merge
    {
        auto& o = s.merge;
        auto* sub = app.add_subcommand(
            "merge", "Merge projects into OUT (replaced if it exists); for each slug the latest version is kept");
        sub->add_option("out", o.output, "Project file to write")->required();
        sub->add_option("inputs", o.inputs, "Project files to merge, in order")->required()->expected(1, -1);
        sub->add_flag("--no-artifacts", s.merge_no_artifacts,
                      "Do not copy experiment folders (artifact files) next to OUT");
        sub->callback([&run, &g, &s] {
            s.merge.copy_artifacts = !s.merge_no_artifacts;
            run = [&g, &s] { return run_merge(g, s.merge); };
        });
    }
    // report
    {
        auto& o = s.report;
        auto* sub = app.add_subcommand("report",
                                       "Write the viewer's page (as `serve` shows it) as one self-contained HTML "
                                       "file with the data embedded");
        sub->add_option("project", o.project, "Project file (or a folder holding project.json)")->required();
        sub->add_option("--output,-o", o.output, "HTML file to write")->required();
        sub->add_option("--title", o.title, "Page title (default: the project file name)");
        sub->add_option("--metric,-m", o.metrics,
                        "Metric column shown first (repeatable; default: the page's choice)")
            ->allow_extra_args(false);
        sub->add_option("--max-size", o.max_size,
                        "Largest page in bytes (default 20 MiB): series, then details, are left out to fit")
            ->check(CLI::Range(std::size_t{1} << 16, std::size_t{1} << 34));
        sub->add_option("--details", o.details,
                        "Runs whose details and series are embedded, at most (default 1000, in table order)");
        sub->add_option("--max-points", o.max_points, "Points of one series, at most (default 500)")
            ->check(CLI::Range(std::size_t{4}, std::size_t{1000000}));
        add_selection(sub, o.selection, s.report_limit, s.report_limit_option);
        sub->callback([&run, &g, &s] {
            if (s.report_limit_option->count() > 0) s.report.selection.limit = s.report_limit;
            run = [&g, &s] { return run_report(g, s.report); };
        });
    }
    // serve
    {
        auto& o = s.serve;
        auto* sub = app.add_subcommand("serve",
                                       "Serve a live viewer of projects on http://127.0.0.1:PORT/ (read-only): the "
                                       "runs table, step histories, comparisons, plots and artifacts");
        sub->add_option("projects", o.projects, "Project files (or folders holding project.json)")
            ->required()
            ->expected(1, -1);
        sub->add_option("--port,-p", o.port, "Port to listen on (0: a free one; default 8765)")
            ->check(CLI::Range(0, 65535));
        sub->add_option("--host", o.host,
                        "Address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens it to the "
                        "network, without authentication)");
        sub->add_option_function<std::int64_t>(
               "--poll-interval", [&o](std::int64_t ms) { o.poll_interval = std::chrono::milliseconds(ms); },
               "How often to look for changed files, in milliseconds (default 500)")
            ->check(CLI::Range(std::int64_t{20}, std::int64_t{60000}));
        add_crashed_after(sub, o.crashed_after);
        sub->callback([&run, &g, &s] { run = [&g, &s] { return run_serve(g, s.serve); }; });
    }
}

// What the `repo` subcommands parse into; lives as long as main's App.
struct repository_command_state {
    repo_list_options list;
    repo_show_options show;
    repo_diff_options diff;
};

// Registers `repo list|show|diff`, the read-only views of an artifact repository.
void add_repository_commands(CLI::App& app, const global_options& g, repository_command_state& s, runner& run) {
    auto* repo = app.add_subcommand("repo",
                                    "Look at an artifact repository (repository.json and its files): "
                                    "versions, one version's metadata and value, diffs between versions");
    repo->require_subcommand(1);
    const auto add_repository = [](CLI::App* sub, std::string& target) {
        sub->add_option("repository", target, "Repository file (or a folder holding repository.json)")->required();
    };
    // repo list
    {
        auto& o = s.list;
        auto* sub = repo->add_subcommand("list",
                                         "One row per version: name, version, creation time, expiry, "
                                         "whether it is expired now, handler, file, whether the file exists");
        add_repository(sub, o.repository);
        add_json_flag(sub, o.json);
        sub->callback([&run, &g, &s] { run = [&g, &s] { return run_repo_list(g, s.list); }; });
    }
    // repo show
    {
        auto& o = s.show;
        auto* sub = repo->add_subcommand("show",
                                         "Show one version of an artifact (the latest by default): its "
                                         "metadata and, for json artifacts, its value");
        add_repository(sub, o.repository);
        sub->add_option("name", o.name, "Artifact name")->required();
        auto* version = sub->add_option("--version", o.version, "This version number (0, 1, 2, ...)")
                            ->check([](const std::string& text) { return check_repo_version_number(text); }, "N");
        auto* asof = sub->add_option("--asof", o.asof,
                                     "The newest version created at or before TIME (YYYY-MM-DDTHH:MM:SS, UTC) "
                                     "and not expired then")
                         ->check([](const std::string& text) { return check_repo_time(text); }, "TIME");
        auto* exact =
            sub->add_option("--exact", o.exact, "The version created at exactly TIME (YYYY-MM-DDTHH:MM:SS, UTC)")
                ->check([](const std::string& text) { return check_repo_time(text); }, "TIME");
        version->excludes(asof)->excludes(exact);
        asof->excludes(exact);
        add_json_flag(sub, o.json);
        sub->callback([&run, &g, &s] { run = [&g, &s] { return run_repo_show(g, s.show); }; });
    }
    // repo diff
    {
        auto& o = s.diff;
        auto* sub = repo->add_subcommand("diff",
                                         "Unified diff between two versions of a text artifact "
                                         "(as Python's get_version_diff)");
        add_repository(sub, o.repository);
        sub->add_option("name", o.name, "Artifact name")->required();
        const auto check_version = [](const std::string& text) { return check_repo_version(text); };
        sub->add_option("v1", o.from, "From this version: a number, or a creation time YYYY-MM-DDTHH:MM:SS")
            ->required()
            ->check(check_version, "VERSION");
        sub->add_option("v2", o.to, "To this version (default: the latest)")->check(check_version, "VERSION");
        add_json_flag(sub, o.json);
        sub->callback([&run, &g, &s] { run = [&g, &s] { return run_repo_diff(g, s.diff); }; });
    }
}

int run_guarded(const runner& run) {
    try {
        return run();
    } catch (const lazyscribe::error& e) {
        std::fprintf(stderr, "lazyscribe: error: %s\n", e.what());
        if (std::string_view(e.what()).find("resolved against the working directory") != std::string_view::npos) {
            std::fprintf(stderr,
                         "lazyscribe: hint: run from the folder the dependency paths are relative to "
                         "(e.g. lazyscribe -C <folder> ...)\n");
        }
    } catch (const failure& e) {
        std::fprintf(stderr, "lazyscribe: error: %s\n", e.what());
    } catch (const query_error& e) {
        std::fprintf(stderr, "lazyscribe: error: %s\n", e.what());
        std::fprintf(stderr, "lazyscribe: hint: a query compares fields such as metrics.NAME > 0.8, params.NAME = "
                             "adam, tag = baseline, joined with and, or, not (docs/query.md)\n");
        return exit_usage;
    } catch (const std::filesystem::filesystem_error& e) {
        std::fprintf(stderr, "lazyscribe: error: %s\n", e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lazyscribe: error: unexpected failure: %s\n", e.what());
    }
    return exit_failure;
}

}  // namespace
}  // namespace lazyscribe::cli

int main(int argc, char** argv) {
    using namespace lazyscribe::cli;
    CLI::App app{
        "Inspect, compare, export, merge and report lazyscribe projects, and look at artifact "
        "repositories (file-compatible with Python lazyscribe 2.2). Read-only unless a subcommand "
        "writes a file it names.",
        "lazyscribe"};
    app.set_version_flag("--version", std::string("lazyscribe ") + LAZYSCRIBE_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    app.footer(
        "Exit codes: 0 ok, 1 failure (missing or malformed file, unknown slug, artifact or version, "
        "write error), 2 usage error.\nDocumentation: docs/cli.md");

    global_options g;
    std::string directory;
    std::string color = "auto";
    app.add_option("--color", color, "Colours: auto (on a terminal, unless NO_COLOR is set), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    app.add_option("-C,--directory", directory,
                   "Run as if started in this folder (relative dependency paths are resolved from it)")
        ->check(CLI::ExistingDirectory);

    runner run;
    project_command_state project_state;
    add_project_commands(app, g, project_state, run);
    repository_command_state repository_state;
    add_repository_commands(app, g, repository_state, run);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_ok : exit_usage;
    }
    g.color = color == "always" ? color_mode::always : color == "never" ? color_mode::never : color_mode::automatic;
    if (!directory.empty()) {
        std::error_code ec;
        std::filesystem::current_path(directory, ec);
        if (ec) {
            std::fprintf(stderr, "lazyscribe: error: cannot change to %s: %s\n", directory.c_str(),
                         ec.message().c_str());
            return exit_failure;
        }
    }
    if (!run) return exit_usage;
    return run_guarded(run);
}
