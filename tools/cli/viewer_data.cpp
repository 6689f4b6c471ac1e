// The viewer's documents (viewer_data.hpp): built with nlohmann::json from the opened projects.

#include "viewer_data.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

#include <lazyscribe/history.hpp>
#include <lazyscribe/time.hpp>

// The page's bytes, generated from viewer/viewer.html at build time (cmake/EmbedFile.cmake).
extern const unsigned char lazyscribe_viewer_html[];
extern const std::size_t lazyscribe_viewer_html_size;

namespace lazyscribe::cli {

namespace {

// A value as a table cell of the page: scalars as they are (non-finite numbers spelled as
// strings, which strict JSON lacks), lists and objects by their size.
json cell_value(const json& v) {
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isnan(d)) return "NaN";
        if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
        return v;
    }
    if (is_number(v) && !v.is_number()) return to_double(v).value_or(0.0);  // wider than 64 bits
    if (v.is_array()) return json{{"list", v.size()}};
    if (v.is_object()) return json{{"object", v.size()}};
    return v;
}

// Strict JSON for a whole value (NaN and infinities as strings, as in cell_value).
json strict_value(const json& v) {
    if (v.is_object()) {
        json out = json::object();
        for (const auto& [key, value] : v.items()) out[key] = strict_value(value);
        return out;
    }
    if (v.is_array()) {
        json out = json::array();
        for (const auto& value : v) out.push_back(strict_value(value));
        return out;
    }
    return cell_value(v);
}

json finite_or_null(double d) { return std::isfinite(d) ? json(d) : json(nullptr); }

// A curve logged as [[step, value], ...] (a Python habit): pairs of numbers, steps integral.
bool is_step_pairs(const json& v) {
    if (!v.is_array() || v.empty()) return false;
    return std::all_of(v.begin(), v.end(), [](const json& p) {
        return p.is_array() && p.size() == 2 && p[0].is_number_integer() && is_number(p[1]);
    });
}

// Indices of the points kept of `n`: all when n <= max_points, else the first, the last, and
// the smallest and largest value of each bucket, in order, so that spikes survive.
std::vector<std::size_t> kept_points(const std::vector<double>& values, std::size_t max_points) {
    const std::size_t n = values.size();
    std::vector<std::size_t> kept;
    if (n <= max_points || max_points < 4) {  // history_document asks for 4 at least
        kept.resize(n);
        for (std::size_t i = 0; i < n; ++i) kept[i] = i;
        return kept;
    }
    const std::size_t buckets = (max_points - 2) / 2;
    kept.push_back(0);
    for (std::size_t b = 0; b < buckets; ++b) {
        const std::size_t begin = 1 + (n - 2) * b / buckets;
        const std::size_t end = 1 + (n - 2) * (b + 1) / buckets;
        if (begin >= end) continue;
        std::size_t lo = begin, hi = begin;
        for (std::size_t i = begin; i < end; ++i) {
            if (values[i] < values[lo] || std::isnan(values[lo])) lo = i;
            if (values[i] > values[hi] || std::isnan(values[hi])) hi = i;
        }
        kept.push_back(std::min(lo, hi));
        if (hi != lo) kept.push_back(std::max(lo, hi));
    }
    kept.push_back(n - 1);
    return kept;
}

const metric_histories* histories_of(const experiment& e) {
    if (!e.live_run()) return nullptr;
    try {
        return &e.histories();
    } catch (const lazyscribe::error&) {
        return nullptr;  // a damaged journal: the run's other data is still shown
    }
}

}  // namespace

json runs_document(const std::vector<viewed_project>& projects, std::string_view version, bool live,
                   const std::vector<std::pair<std::size_t, const experiment*>>* chosen) {
    std::vector<std::pair<std::size_t, const experiment*>> all;
    if (chosen == nullptr) {
        for (std::size_t p = 0; p < projects.size(); ++p)
            for (const auto& e : *projects[p].opened) all.emplace_back(p, &e);
        chosen = &all;
    }
    const std::size_t n = chosen->size();
    json project_list = json::array();
    for (const auto& p : projects)
        project_list.push_back({{"path", shown_path(*p.opened->files(), p.opened->path())}, {"label", p.label}});

    json index = json::array(), slug = json::array(), short_slug = json::array(), name = json::array(),
         author = json::array(), status = json::array(), tags = json::array(), created = json::array(),
         updated = json::array(), tests = json::array(), artifacts = json::array(), histories = json::array();
    std::map<std::string, std::vector<json>, std::less<>> metrics, params;
    const auto put = [n](auto& columns, const std::string& key, std::size_t row, json value) {
        auto it = columns.find(key);
        if (it == columns.end()) it = columns.emplace(key, std::vector<json>(n)).first;
        it->second[row] = std::move(value);
    };
    std::vector<std::pair<std::string, json>> flat;
    for (std::size_t row = 0; row < n; ++row) {
        const auto& [p, e] = (*chosen)[row];
        index.push_back(p);
        slug.push_back(e->slug());
        short_slug.push_back(e->short_slug());
        name.push_back(e->name());
        author.push_back(e->author());
        status.push_back(std::string(to_string(e->status())));
        tags.push_back(shown_tags(e->tags()));
        created.push_back(format_time(e->created_at()));
        updated.push_back(format_time(e->last_updated()));
        tests.push_back(e->tests().size());
        artifacts.push_back(e->artifacts().size());
        histories.push_back(series_names(*e));
        // Nested objects as dotted names, for metrics as for parameters (the query's fields).
        flat.clear();
        flatten(e->metrics(), "", flat);
        for (auto& [key, value] : flat)
            if (!key.empty()) put(metrics, key, row, cell_value(value));
        flat.clear();
        flatten(e->parameters(), "", flat);
        for (auto& [key, value] : flat)
            if (!key.empty()) put(params, key, row, cell_value(value));
    }
    const auto columns = [](std::map<std::string, std::vector<json>, std::less<>>& source) {
        json out = json::object();
        for (auto& [key, values] : source) out[key] = json(std::move(values));
        return out;
    };
    return json{{"version", version},
                {"live", live},
                {"projects", std::move(project_list)},
                {"count", n},
                {"runs",
                 {{"project", std::move(index)},
                  {"slug", std::move(slug)},
                  {"short_slug", std::move(short_slug)},
                  {"name", std::move(name)},
                  {"author", std::move(author)},
                  {"status", std::move(status)},
                  {"tags", std::move(tags)},
                  {"created_at", std::move(created)},
                  {"last_updated", std::move(updated)},
                  {"tests", std::move(tests)},
                  {"artifacts", std::move(artifacts)},
                  {"histories", std::move(histories)}}},
                {"metrics", columns(metrics)},
                {"params", columns(params)}};
}

std::vector<std::string> series_names(const experiment& e) {
    std::vector<std::string> names;
    if (const auto* h = histories_of(e)) {
        for (const auto& [metric, history] : *h)
            if (!history.empty()) names.push_back(metric);
    }
    for (const auto& [key, value] : e.metrics().items()) {
        if ((is_number_list(value) || is_step_pairs(value)) && std::find(names.begin(), names.end(), key) == names.end())
            names.push_back(key);
    }
    return names;
}

json run_document(std::size_t project_index, const project& p, const experiment& e, const artifact_link& link) {
    json doc = {{"project", project_index},
                {"slug", e.slug()},
                {"short_slug", e.short_slug()},
                {"name", e.name()},
                {"author", e.author()},
                {"status", std::string(to_string(e.status()))},
                {"tags", shown_tags(e.tags())},
                {"created_at", format_time(e.created_at())},
                {"last_updated", format_time(e.last_updated())},
                {"last_updated_by", e.last_updated_by()},
                {"metrics", strict_value(e.metrics())},
                {"parameters", strict_value(e.parameters())}};
    json deps = json::array();
    for (const auto& d : e.dependencies()) deps.push_back(d.encoded());
    doc["dependencies"] = std::move(deps);
    json tests = json::array();
    for (const auto& t : e.tests()) {
        tests.push_back({{"name", t.name()},
                         {"description", t.description() ? json(*t.description()) : json(nullptr)},
                         {"metrics", strict_value(t.metrics())},
                         {"parameters", strict_value(t.parameters())}});
    }
    doc["tests"] = std::move(tests);
    json artifacts = json::array();
    for (const auto& a : e.artifacts()) {
        json entry = {{"name", a.name()},
                      {"fname", a.fname()},
                      {"handler", a.handler()},
                      {"kind", artifact_kind(a.fname())},
                      {"url", link(project_index, e, a)}};
        try {
            const auto file = inspect(*p.files(), e.path(), a);
            entry["exists"] = file.exists;
            entry["size"] = file.size ? json(*file.size) : json(nullptr);
        } catch (const lazyscribe::error& x) {  // an fname that leaves the folder
            entry["exists"] = false;
            entry["size"] = nullptr;
            entry["error"] = x.what();
            entry["url"] = nullptr;
        }
        artifacts.push_back(std::move(entry));
    }
    doc["artifacts"] = std::move(artifacts);
    json histories = json::array();
    if (e.live_run()) {
        try {
            for (const auto& [metric, h] : e.histories()) {
                histories.push_back({{"metric", metric},
                                     {"points", h.size()},
                                     {"first_step", h.empty() ? json(nullptr) : json(h.steps().front())},
                                     {"last_step", h.empty() ? json(nullptr) : json(h.steps().back())},
                                     {"last", finite_or_null(h.last())},
                                     {"min", finite_or_null(h.min())},
                                     {"max", finite_or_null(h.max())}});
            }
        } catch (const lazyscribe::error& x) {
            doc["history_error"] = x.what();
        }
    }
    doc["histories"] = std::move(histories);
    return doc;
}

std::optional<json> history_document(const experiment& e, const std::string& metric, std::size_t max_points) {
    std::vector<double> steps, times, values;
    bool timed = false;
    if (const auto* all = histories_of(e); all != nullptr && all->find(metric) != nullptr && !all->find(metric)->empty()) {
        const auto& h = *all->find(metric);
        steps.assign(h.steps().begin(), h.steps().end());
        times.assign(h.times().begin(), h.times().end());
        values.assign(h.values().begin(), h.values().end());
        timed = true;
    } else if (const auto it = e.metrics().find(metric); it != e.metrics().end() && is_number_list(*it)) {
        for (std::size_t i = 0; i < it->size(); ++i) {
            steps.push_back(static_cast<double>(i));
            values.push_back(to_double((*it)[i]).value_or(std::nan("")));
        }
    } else if (it != e.metrics().end() && is_step_pairs(*it)) {
        for (const auto& pair : *it) {
            steps.push_back(pair[0].get<double>());
            values.push_back(to_double(pair[1]).value_or(std::nan("")));
        }
    } else {
        return std::nullopt;
    }
    const auto kept = kept_points(values, std::max<std::size_t>(max_points, 4));
    json s = json::array(), t = json::array(), v = json::array();
    for (const auto i : kept) {
        s.push_back(static_cast<std::int64_t>(steps[i]));
        t.push_back(timed ? finite_or_null(times[i]) : json(nullptr));
        v.push_back(finite_or_null(values[i]));
    }
    return json{{"metric", metric},
                {"total", values.size()},
                {"sampled", kept.size() < values.size()},
                {"steps", std::move(s)},
                {"times", std::move(t)},
                {"values", std::move(v)}};
}

namespace {

// The file name's suffix after its last dot, in lower case ("" without one).
std::string extension(std::string_view fname) {
    const auto dot = fname.rfind('.');
    return dot == std::string_view::npos ? std::string() : lower_ascii(fname.substr(dot + 1));
}

}  // namespace

std::string_view artifact_kind(std::string_view fname) {
    const std::string ext = extension(fname);
    if (ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "gif" || ext == "webp") return "image";
    if (ext == "json") return "json";
    if (ext == "txt" || ext == "csv" || ext == "yaml" || ext == "yml" || ext == "md" || ext == "log" || ext == "svg")
        return "text";
    return "binary";
}

std::string_view content_type(std::string_view fname) {
    const std::string ext = extension(fname);
    if (ext == "png") return "image/png";
    if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
    if (ext == "gif") return "image/gif";
    if (ext == "webp") return "image/webp";
    if (ext == "json") return "application/json";
    // SVG and HTML are served as text: a user's file must not run script in the viewer's origin.
    if (artifact_kind(fname) == "text" || ext == "html" || ext == "htm") return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

std::string url_encode(std::string_view text, bool keep_slash) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
            out += c;
        } else {
            out += '%';
            out += digits[u >> 4];
            out += digits[u & 15];
        }
    }
    return out;
}

std::string_view viewer_page() {
    return {reinterpret_cast<const char*>(lazyscribe_viewer_html), lazyscribe_viewer_html_size};
}

std::string page_with_data(const json& data, std::string_view title) {
    std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
    // Inside <script>, "</script" or "<!--" would end or confuse the element: '<' is escaped.
    std::string script = "<script id=\"lazyscribe-data\" type=\"application/json\">";
    script.reserve(text.size() + 64);
    for (const char c : text) {
        if (c == '<')
            script += "\\u003c";
        else
            script += c;
    }
    script += "</script>";
    std::string page(viewer_page());
    constexpr std::string_view marker = "<!-- lazyscribe-data -->";
    if (const auto at = page.find(marker); at != std::string::npos) {
        page.replace(at, marker.size(), script);
    } else {
        page.insert(page.find("</head>") == std::string::npos ? 0 : page.find("</head>"), script);
    }
    if (!title.empty()) {
        const auto open = page.find("<title>");
        const auto close = page.find("</title>");
        if (open != std::string::npos && close != std::string::npos && close > open)
            page.replace(open + 7, close - open - 7, html_escape(printable(title)));
    }
    return page;
}

}  // namespace lazyscribe::cli

#ifndef LAZYSCRIBE_CLI_WITH_SERVE
namespace lazyscribe::cli {
int run_serve(const global_options&, const serve_options&) {
    throw failure("serve: this lazyscribe was built without cpp-httplib (Debian: libcpp-httplib-dev); "
                  "`lazyscribe report` writes the same page as a file");
}
}  // namespace lazyscribe::cli
#endif
