#pragma once
// The documents of the viewer page (docs/viewer.md), shared by `lazyscribe serve`, which answers
// them at /api/..., and `lazyscribe report`, which embeds them in the page: the runs table
// (columnar), one run in full, and one metric's history.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <lazyscribe/json.hpp>

#include "support.hpp"

namespace lazyscribe::cli {

/// One project the page shows.
struct viewed_project {
    std::string argument;  // as given on the command line
    std::string label;     // project_label()
    std::shared_ptr<const project> opened;
};

/// The page's runs document: every experiment of `projects` (or only `chosen`, when given, as
/// (project index, experiment) pairs), columnar.
json runs_document(const std::vector<viewed_project>& projects, std::string_view version, bool live,
                   const std::vector<std::pair<std::size_t, const experiment*>>* chosen = nullptr);

/// Where the page links an artifact's file: (project index, experiment, artifact) → URL.
using artifact_link = std::function<std::string(std::size_t, const experiment&, const artifact&)>;

/// One experiment in full, for the details panel.
json run_document(std::size_t project_index, const project& p, const experiment& e, const artifact_link& link);

/// One metric's points: a live run's history, or a list-valued metric (steps 0..n-1). At most
/// `max_points` points (the smallest and largest of each bucket kept); nullopt when the run has
/// no such series.
std::optional<json> history_document(const experiment& e, const std::string& metric, std::size_t max_points);

/// The names of the series history_document finds for `e`, in first-logged order.
std::vector<std::string> series_names(const experiment& e);

/// "image", "text", "json" or "binary": how the page shows a file with this name.
std::string_view artifact_kind(std::string_view fname);
/// The Content-Type a file with this name is served with.
std::string_view content_type(std::string_view fname);

/// `text` percent-encoded for a URL path: unreserved characters and, with keep_slash, '/' as
/// they are.
std::string url_encode(std::string_view text, bool keep_slash);

/// The viewer page (tools/cli/viewer/viewer.html, embedded at build time).
std::string_view viewer_page();

/// The page with `data` (a JSON document) embedded where the page's marker comment is.
std::string page_with_data(const json& data, std::string_view title);

}  // namespace lazyscribe::cli
