// report: the viewer's page (serve) as one self-contained HTML file with the data embedded, for
// mailing and CI artifacts. What goes in, within --max-size (docs/viewer.md, "The static
// report"): the runs table always; each chosen run's details and series up to --details runs,
// series thinned to --max-points; over the size, series are left out first, then details,
// from the last run up; a runs table alone over the size is an error that says what to do.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <lazyscribe/time.hpp>

#include "cli.hpp"
#include "support.hpp"
#include "viewer_data.hpp"

#ifndef LAZYSCRIBE_VERSION
#define LAZYSCRIBE_VERSION "unknown"
#endif

namespace lazyscribe::cli {

namespace {

// A run's details and series as the report embeds them, with their serialized sizes.
struct embedded_run {
    std::string key;  // "P:SLUG"
    json details;
    json series = json::object();
    std::size_t details_size = 0, series_size = 0;
};

// The artifact's file relative to the report's folder, so that the link works where the report
// sits beside the project (a CI artifact bundle, a shared folder); no link in an object store,
// nor for an fname that leaves the experiment's folder.
artifact_link relative_links(const project& p, const std::filesystem::path& report) {
    const bool local = is_local(*p.files());
    const auto from = std::filesystem::absolute(report).parent_path();
    return [local, from, &p](std::size_t, const experiment& e, const artifact& a) -> std::string {
        if (!local) return {};
        try {
            const auto file = inspect(*p.files(), e.path(), a);
            return url_encode(std::filesystem::absolute(file.path).lexically_relative(from).generic_string(), true);
        } catch (const lazyscribe::error&) {
            return {};
        }
    };
}

}  // namespace

int run_report(const global_options& /*g*/, const report_options& o) {
    require_local_output(o.output);  // before reading the project
    const project p = open_project(o.project, o.selection.crashed_after);
    const auto chosen = select(p, o.selection);
    const std::filesystem::path path(o.output);

    std::vector<viewed_project> projects{{o.project, project_label(p.path()),
                                          std::shared_ptr<const project>(&p, [](const project*) {})}};
    std::vector<std::pair<std::size_t, const experiment*>> rows;
    rows.reserve(chosen.size());
    for (const auto* e : chosen) rows.emplace_back(0, e);
    json runs = runs_document(projects, "static", false, &rows);
    const std::size_t runs_size = runs.dump().size();

    const auto link = relative_links(p, path);
    std::vector<embedded_run> embedded;
    const std::size_t detailed = std::min(chosen.size(), o.details);
    embedded.reserve(detailed);
    for (std::size_t i = 0; i < detailed; ++i) {
        const experiment& e = *chosen[i];
        embedded_run r;
        r.key = "0:" + e.slug();
        r.details = run_document(0, p, e, link);
        r.details_size = r.details.dump().size() + r.key.size() + 8;
        for (const auto& metric : series_names(e)) {
            if (auto doc = history_document(e, metric, o.max_points)) r.series[metric] = std::move(*doc);
        }
        if (!r.series.empty()) r.series_size = r.series.dump().size() + r.key.size() + 8;
        embedded.push_back(std::move(r));
    }

    // The size policy: drop series, then details, from the last run up, until the page fits.
    const std::size_t page_size = viewer_page().size() + 4096;
    std::size_t total = page_size + runs_size;
    if (total > o.max_size) {
        throw failure(path.string() + ": the page with the runs table of " + std::to_string(chosen.size()) +
                      " experiments alone takes " + human_size(total) + ", over --max-size " + human_size(o.max_size) +
                      "; choose fewer runs (--where, --status, --limit) or raise --max-size");
    }
    for (const auto& r : embedded) total += r.details_size + r.series_size;
    std::size_t dropped_series = 0, dropped_details = 0;
    for (auto it = embedded.rbegin(); it != embedded.rend() && total > o.max_size; ++it) {
        if (it->series_size > 0) {
            total -= it->series_size;
            it->series_size = 0;
            it->series = json::object();
            ++dropped_series;
        }
    }
    while (total > o.max_size && !embedded.empty()) {
        total -= embedded.back().details_size;
        embedded.pop_back();
        ++dropped_details;
    }

    json details = json::object(), histories = json::object();
    std::size_t with_series = 0;
    for (auto& r : embedded) {
        if (!r.series.empty()) {
            histories[r.key] = std::move(r.series);
            ++with_series;
        }
        details[r.key] = std::move(r.details);
    }
    const std::string title =
        o.title ? *o.title : "lazyscribe report: " + shown_path(*p.files(), p.path());
    json view = {{"title", title},
                 {"metrics", o.metrics},
                 {"generated_at", format_time(now())},
                 {"generator", "lazyscribe " LAZYSCRIBE_VERSION},
                 {"policy",
                  {{"max_size", o.max_size},
                   {"details_limit", o.details},
                   {"max_points", o.max_points},
                   {"details", details.size()},
                   {"series_runs", with_series},
                   {"dropped_for_size", dropped_details + dropped_series}}}};
    const json data = {{"runs", std::move(runs)},
                       {"details", std::move(details)},
                       {"histories", std::move(histories)},
                       {"view", std::move(view)}};
    const std::string page = page_with_data(data, title);

    // Written beside, then renamed: a reader (a browser reloading, a CI upload) never sees half.
    const std::filesystem::path temporary = path.string() + ".tmp";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file) throw failure(path.string() + ": cannot open for writing: " + std::strerror(errno));
        file.write(page.data(), static_cast<std::streamsize>(page.size()));
        file.close();
        if (!file) {
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            throw failure(path.string() + ": write failed: " + std::strerror(errno));
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) throw failure(path.string() + ": cannot replace it: " + ec.message());

    std::string note = "wrote " + path.string() + ": " + std::to_string(chosen.size()) + " experiment" +
                       (chosen.size() == 1 ? "" : "s") + ", details of " + std::to_string(data["details"].size()) +
                       ", series of " + std::to_string(with_series) + ", " + human_size(page.size()) + "\n";
    if (data["details"].size() < chosen.size() || dropped_series > 0) {
        note += "note: the page holds the details of " + std::to_string(data["details"].size()) + " of " +
                std::to_string(chosen.size()) + " runs (--details " + std::to_string(o.details) + ")";
        if (dropped_details + dropped_series > 0) {
            note += "; " + std::to_string(dropped_series) + " runs' series and " + std::to_string(dropped_details) +
                    " runs' details were left out to stay under --max-size " + human_size(o.max_size);
        }
        note += "; `lazyscribe serve` shows everything\n";
    }
    write_stdout(note);
    return exit_ok;
}

}  // namespace lazyscribe::cli
