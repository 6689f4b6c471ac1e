#pragma once
// Helpers shared by the subcommands: opening projects, choosing experiments, formatting values,
// aligned tables, JSON/CSV/HTML output.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <set>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lazyscribe/json.hpp>
#include <lazyscribe/project.hpp>
#include <lazyscribe/storage.hpp>
#include <lazyscribe/summary.hpp>
#include <lazyscribe/time.hpp>

#include "cli.hpp"
#include "query.hpp"

namespace lazyscribe::cli {

using experiment = project::experiment_type;
using test = project::test_type;

bool is_number(const json& v) noexcept;  // declared again, documented, below

// ---- projects and experiments -------------------------------------------------------------

/// Where the file a command-line argument names lives: the storage lazyscribe::resolve_storage
/// picks for it (the local file system, or S3 for "s3://bucket/key" when the tool is built with
/// lazyscribe::s3) and the path there. A protocol this program cannot read is a failure naming
/// the argument.
std::pair<std::shared_ptr<storage>, std::filesystem::path> locate(const std::string& argument);

/// True for the local file system (bare paths and file:// ones).
bool is_local(const storage& files) noexcept;

/// True when `path`, in an object store (not the local file system), names a folder rather than
/// an object: a bucket alone ("bucket"), or a path ending in '/' ("bucket/prefix/").
bool names_folder(const std::filesystem::path& path);

/// The file `argument` names, a `kind` file ("project", "repository"), as the library should
/// open it (with its protocol): a folder means <folder>/<kind>.json. Locally a folder is a
/// directory; in an object store a bucket, a path ending in '/', or a prefix that is no object
/// but holds <prefix>/<kind>.json. A missing file is a failure ("<path>: no such <kind> file";
/// the library would treat it as an empty project or repository).
std::filesystem::path existing_file(const std::string& argument, std::string_view kind);

/// existing_file(argument, "project").
std::filesystem::path project_file(const std::string& argument);

/// How the tool shows a path of `files` to the user: with its protocol in an object store
/// ("s3://bucket/prefix/slug"), as it is on the local file system.
std::string shown_path(const storage& files, const std::filesystem::path& path);

/// A failure unless `path` (report -o, export --output) is a local path: what the tool writes
/// for the user stays local, wherever the project is.
void require_local_output(const std::string& path);

/// Every file below `folder` in `files` (any depth), or nullopt when that storage cannot list
/// its files.
std::optional<std::vector<std::filesystem::path>> files_below(storage& files, const std::filesystem::path& folder);

/// The summaries of that project file's experiments (lazyscribe::read_summary). The
/// environment variable LAZYSCRIBE_LIST_READER=library builds them from lazyscribe::project
/// instead, to compare the two.
/// `crashed_after` is project_options::crashed_after: when a "running" run reads as crashed.
std::vector<experiment_summary> load_summaries(const std::string& argument,
                                               std::chrono::seconds crashed_after = default_crashed_after);

/// That project file, opened read-only.
project open_project(const std::string& argument, std::chrono::seconds crashed_after = default_crashed_after);

/// The tags a table shows: all but the status tag ("lazyscribe.status=..."), which the STATUS
/// column shows as status() reads it (a "running" tag may mean crashed).
std::vector<std::string> shown_tags(const std::vector<std::string>& tags);

/// The experiment with exactly this slug (of several, the latest, as in Python), or nullptr.
const experiment* find_by_slug(const project& p, std::string_view slug);

/// The experiment with this slug, or the one with this short slug; a failure naming the
/// project when there is none, and listing the candidates when the short slug names several.
const experiment& find_experiment(const project& p, const std::string& slug);

/// What the query field `project` compares with: the folder of a project.json, else the file's stem.
std::string project_label(const std::filesystem::path& file);

/// The value --sort orders by: the metric as a double, NaN when missing or not a number.
double sort_key(const json& metrics, const std::string& metric);
/// Positions in sorted order: ascending or descending, NaN keys last, ties in original order.
std::vector<std::size_t> sorted_order(const std::vector<double>& keys, bool descending);

/// The items `selection` keeps, in the order it asks for. E has name(), author(), tags(),
/// metrics(), status(): an experiment, or an experiment_summary (lazyscribe/summary.hpp).
/// `project_label` is what the query field `project` compares with.
template <class E>
std::vector<const E*> select(std::vector<const E*> items, const selection_options& selection,
                             std::string_view project_label = {}) {
    // The names a query may use are those of every experiment, not only of those --status
    // keeps: `--status running --where 'metrics.loss < 1'` is no error while nothing runs.
    query_fields fields;
    if (!selection.filters.empty() || !selection.where.empty()) {
        for (const E* e : items) fields.add(e->metrics(), e->parameters());
        fields.checked = !items.empty();
    }
    if (!selection.statuses.empty()) {
        std::erase_if(items, [&](const E* e) {
            return std::find(selection.statuses.begin(), selection.statuses.end(), e->status()) ==
                   selection.statuses.end();
        });
    }
    if (!selection.filters.empty() || !selection.where.empty()) {
        std::vector<query> queries;
        for (const auto& f : selection.filters) queries.emplace_back(filter_as_query(f, fields), fields);
        for (const auto& w : selection.where) queries.emplace_back(w, fields);
        std::erase_if(items, [&](const E* e) {
            const std::string status(to_string(e->status()));
            const std::string created = format_time(e->created_at());
            const std::string updated = format_time(e->last_updated());
            const query_subject subject{e->name(), e->author(), e->slug(), e->short_slug(), status, created,
                                        updated, project_label, &e->tags(), &e->metrics(),
                                        &e->parameters()};
            return !std::all_of(queries.begin(), queries.end(), [&](const query& q) { return q.matches(subject); });
        });
    }
    if (selection.sort_metric) {
        std::vector<double> keys;
        keys.reserve(items.size());
        for (const E* e : items) keys.push_back(sort_key(e->metrics(), *selection.sort_metric));
        const auto order = sorted_order(keys, selection.descending);
        std::vector<const E*> sorted;
        sorted.reserve(items.size());
        for (const auto i : order) sorted.push_back(items[i]);
        items = std::move(sorted);
    } else if (selection.descending) {
        std::reverse(items.begin(), items.end());  // --desc alone: newest first
    }
    if (selection.limit && items.size() > *selection.limit) items.resize(*selection.limit);
    return items;
}

/// The experiments of a project that `selection` keeps.
std::vector<const experiment*> select(const project& p, const selection_options& selection);

/// Names of metrics whose value is a number in at least one item, sorted.
template <class E>
std::vector<std::string> numeric_metric_names(const std::vector<const E*>& items) {
    std::set<std::string, std::less<>> names;
    for (const E* e : items) {
        for (const auto& [key, value] : e->metrics().items()) {
            if (names.find(key) == names.end() && is_number(value)) names.insert(key);
        }
    }
    return {names.begin(), names.end()};
}

// ---- values ---------------------------------------------------------------------------------

/// A JSON number (not a boolean), including integers wider than 64 bits.
bool is_number(const json& v) noexcept;
/// The value as a double (big integers approximately); nullopt unless is_number.
std::optional<double> to_double(const json& v) noexcept;
/// A non-empty array of numbers.
bool is_number_list(const json& v) noexcept;

/// A value for a table cell: numbers compact (at most ~7 significant digits), strings as is,
/// lists and objects as one-line JSON; control characters escaped.
std::string cell_text(const json& v);
/// The same with numbers in full (Python's repr).
std::string full_text(const json& v);
/// Python's repr of a number (nan, inf, -inf for non-finite floats).
std::string number_text(const json& v);
/// One-line JSON text, UTF-8 as is, NaN/Infinity spelled as Python does.
std::string compact_json(const json& v);

/// `s` with ASCII letters in lower case (other bytes, UTF-8 included, as they are).
std::string lower_ascii(std::string_view s);

/// Control characters (C0, DEL, C1) written as \n, \t, \x01, ... so that a user string cannot
/// move the cursor or change colours on a terminal.
std::string printable(std::string_view s);

/// "<value>" with &, <, >, " and ' replaced by entities.
std::string html_escape(std::string_view s);
/// One RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled.
std::string csv_field(std::string_view s);

/// Objects flattened into dotted keys ("optimizer.name"); arrays, scalars and empty objects
/// are leaves.
void flatten(const json& v, const std::string& prefix, std::vector<std::pair<std::string, json>>& out);

// ---- output ----------------------------------------------------------------------------------

/// Strict JSON: NaN and ±Infinity become null; integers wider than 64 bits stay exact.
ordered_json strict(const json& v);
/// Writes a strict JSON document (2-space indent, UTF-8) and a newline to stdout.
void print_json(const ordered_json& doc);

bool stdout_is_terminal();
bool use_color(const global_options& g);

/// Terminal columns a UTF-8 string takes (wide East Asian characters and emoji count 2).
std::size_t display_width(std::string_view s);

struct cell {
    std::string text;
    bool numeric = false;    // right-aligned
    bool highlight = false;  // coloured when colours are on
};

/// An aligned text table. Cells are cut to `max_width` columns with "…".
class table {
public:
    explicit table(std::vector<std::string> headers, bool show_header = true)
        : headers_(std::move(headers)), show_header_(show_header) {}
    void add_row(std::vector<cell> row) { rows_.push_back(std::move(row)); }
    [[nodiscard]] std::size_t rows() const noexcept { return rows_.size(); }
    void print(std::string& out, bool color, std::size_t max_width = 48, std::string_view indent = "") const;

private:
    std::vector<std::string> headers_;
    std::vector<std::vector<cell>> rows_;
    bool show_header_;
};

/// Writes `text` to stdout in one go.
void write_stdout(std::string_view text);

/// Human-readable byte count ("512 B", "1.5 KiB").
std::string human_size(std::uintmax_t bytes);

/// Where an artifact's file is, whether it exists, and its size.
struct artifact_file {
    std::filesystem::path path;
    bool exists = false;
    std::optional<std::uintmax_t> size;
};

/// Locates artifact `a` in `folder` of `files` (refusing an fname that leaves it) and looks at
/// the file there. `path` is the storage's (shown_path() shows it).
artifact_file inspect(storage& files, const std::filesystem::path& folder, const artifact& a);

/// The fields that identify an experiment (an experiment or a summary), as the rows of
/// `list --json` and `export` carry them; `Row` is any JSON object or map of JSON values.
template <class Row, class Experiment>
void put_identity(Row& row, const Experiment& e) {
    row["name"] = e.name();
    row["slug"] = e.slug();
    row["short_slug"] = e.short_slug();
    row["author"] = e.author();
    row["created_at"] = format_time(e.created_at());
    row["last_updated"] = format_time(e.last_updated());
    row["last_updated_by"] = e.last_updated_by();
    row["tags"] = e.tags();  // an array, [] when empty
}

}  // namespace lazyscribe::cli
