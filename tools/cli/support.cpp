#include "support.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <limits>
#include <set>
#include <system_error>

#include <unistd.h>

#include <lazyscribe/json.hpp>
#include <lazyscribe/paths.hpp>
#include <lazyscribe/storage.hpp>

// The one source that includes s3.hpp: including it registers the "s3" protocol (configured
// from the environment on the first s3:// path), so every command can read s3:// paths.
#ifdef LAZYSCRIBE_CLI_WITH_S3
#include <lazyscribe/s3.hpp>
#endif

namespace lazyscribe::cli {

// ---- where files are ----------------------------------------------------------------------

std::pair<std::shared_ptr<storage>, std::filesystem::path> locate(const std::string& argument) {
    if (const auto sep = argument.find("://"); sep != std::string::npos) {
        const std::string protocol = argument.substr(0, sep);
#ifdef LAZYSCRIBE_CLI_WITH_S3
        constexpr bool with_s3 = true;
#else
        constexpr bool with_s3 = false;
#endif
        if (protocol == "s3" && !with_s3) {
            throw failure(argument +
                          ": this lazyscribe was built without S3 support (lazyscribe::s3), so it "
                          "cannot read s3:// paths");
        }
        if (protocol != "file" && protocol != "memory" && protocol != "s3") {
            throw failure(argument + ": unknown protocol '" + printable(protocol) +
                          "://' (lazyscribe reads local paths" + (with_s3 ? " and s3:// paths)" : ")"));
        }
    }
    return resolve_storage(std::filesystem::path(argument), nullptr);
}

bool is_local(const storage& files) noexcept { return &files == local().get(); }

bool names_folder(const std::filesystem::path& path) {
    const std::string text = path.generic_string();
    const auto start = text.find_first_not_of('/');
    return start == std::string::npos || text.back() == '/' || text.find('/', start) == std::string::npos;
}

std::filesystem::path existing_file(const std::string& argument, std::string_view kind) {
    const std::string name = std::string(kind) + ".json";
    const auto [files, where] = locate(argument);
    std::filesystem::path path(argument);  // as the library opens it (and messages name it)
    std::filesystem::path file = where;    // as `files` names it
    const auto missing = [&] { return failure(path.string() + ": no such " + std::string(kind) + " file"); };
    if (is_local(*files)) {
        std::error_code ec;
        if (std::filesystem::is_directory(file, ec)) {
            path /= name;
            file /= name;
        }
        if (!files->exists(file)) throw missing();
        if (std::filesystem::is_directory(file, ec)) {
            throw failure(path.string() + ": is a directory, not a " + std::string(kind) + " file");
        }
        return path;
    }
    // An object store has no folders: an object by that name is the file; else a prefix
    // holding <name> is the folder.
    if (!names_folder(file)) {
        if (files->exists(file)) return path;
        if (!files->exists(file / name)) throw missing();
        return path / name;
    }
    path /= name;
    file /= name;
    if (!files->exists(file)) throw missing();
    return path;
}

std::filesystem::path project_file(const std::string& argument) { return existing_file(argument, "project"); }

std::string shown_path(const storage& files, const std::filesystem::path& path) {
    std::string protocol;
    if (&files == memory().get()) protocol = "memory://";
#ifdef LAZYSCRIBE_CLI_WITH_S3
    if (dynamic_cast<const s3_storage*>(&files) != nullptr) protocol = "s3://";
#endif
    return protocol + path.generic_string();
}

void require_local_output(const std::string& path) {
    if (path.find("://") != std::string::npos) {
        throw failure(path +
                      ": not a local path (reports and exports are written to local files, wherever the "
                      "project is)");
    }
}

std::optional<std::vector<std::filesystem::path>> files_below(storage& files, const std::filesystem::path& folder) {
    std::vector<std::filesystem::path> out;
    if (is_local(files)) {
        std::error_code ec;
        if (!std::filesystem::is_directory(folder, ec)) return out;
        for (std::filesystem::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
            if (it->is_regular_file(ec)) out.push_back(it->path());
        }
        if (ec) throw failure(folder.string() + ": cannot list the files: " + ec.message());
        std::sort(out.begin(), out.end());
        return out;
    }
    const std::string prefix = folder.lexically_normal().generic_string() + "/";
    if (auto* in_memory = dynamic_cast<memory_storage*>(&files)) {
        for (const auto& [name, bytes] : in_memory->files()) {
            if (name.starts_with(prefix) && name.size() > prefix.size()) out.emplace_back(name);
        }
        return out;
    }
#ifdef LAZYSCRIBE_CLI_WITH_S3
    if (auto* s3 = dynamic_cast<s3_storage*>(&files)) {
        for (const auto& key : s3->list(folder.generic_string())) {
            if (key.starts_with(prefix) && key.size() > prefix.size() && key.back() != '/') out.emplace_back(key);
        }
        return out;
    }
#endif
    return std::nullopt;
}

// ---- projects and experiments -------------------------------------------------------------

namespace {

project_options reading(std::chrono::seconds crashed_after) {
    project_options options;
    options.crashed_after = crashed_after;
    return options;
}

}  // namespace

std::vector<experiment_summary> load_summaries(const std::string& argument, std::chrono::seconds crashed_after) {
    const auto path = project_file(argument);
    const char* reader = std::getenv("LAZYSCRIBE_LIST_READER");
    if (reader != nullptr && std::string_view(reader) == "library") {
        const project p(path, mode::read_only, reading(crashed_after));
        std::vector<experiment_summary> out;
        out.reserve(p.size());
        for (const auto& e : p) out.emplace_back(e);
        return out;
    }
    return read_summary(path, reading(crashed_after));
}

project open_project(const std::string& argument, std::chrono::seconds crashed_after) {
    return project(project_file(argument), mode::read_only, reading(crashed_after));
}

std::vector<std::string> shown_tags(const std::vector<std::string>& tags) {
    std::vector<std::string> out;
    out.reserve(tags.size());
    for (const auto& t : tags)
        if (!t.starts_with(status_tag_prefix)) out.push_back(t);
    return out;
}

const experiment* find_by_slug(const project& p, std::string_view slug) {
    const experiment* found = nullptr;
    for (const auto& e : p)
        if (e.slug() == slug) found = &e;  // equal full slugs: the latest wins, as in Python
    return found;
}

const experiment& find_experiment(const project& p, const std::string& slug) {
    if (const experiment* exact = find_by_slug(p, slug)) return *exact;
    std::vector<const experiment*> candidates;
    for (const auto& e : p)
        if (e.short_slug() == slug) candidates.push_back(&e);
    const std::string where = shown_path(*p.files(), p.path());
    if (candidates.empty())
        throw failure(where + ": no experiment with slug or short slug '" + printable(slug) + "'");
    if (candidates.size() == 1) return *candidates.front();
    // A short slug is the name alone: several runs of one name share it, and picking one
    // silently would show the wrong run.
    std::string message = where + ": the short slug '" + printable(slug) + "' names " +
                          std::to_string(candidates.size()) + " experiments; give the full slug:";
    constexpr std::size_t shown = 20;
    for (std::size_t i = 0; i < candidates.size() && i < shown; ++i) {
        const auto* e = candidates[candidates.size() - 1 - i];  // newest first
        message += "\n  " + printable(e->slug()) + "  (created " + format_time(e->created_at()) + ", " +
                   std::string(to_string(e->status())) + ")";
    }
    if (candidates.size() > shown) message += "\n  ... and " + std::to_string(candidates.size() - shown) + " more";
    throw failure(message);
}

std::string project_label(const std::filesystem::path& file) {
    if (file.filename() == "project.json" && !file.parent_path().filename().empty())
        return file.parent_path().filename().string();
    return file.stem().string();
}

// A --filter expression runs as a query (filter_as_query); this says why one is wrong.
std::string check_filter(const std::string& text) {
    const auto pos = text.find_first_of("<>=");
    if (pos == std::string::npos || pos == 0) {
        return "'" + text + "' is not KEY=VALUE (tag=, author=, name=) or METRIC>N, METRIC>=N, METRIC<N, METRIC<=N";
    }
    const std::string key = text.substr(0, pos);
    if (text[pos] == '=') {
        if (key == "tag" || key == "author" || key == "name") return {};
        return "unknown filter key '" + key + "' in '" + text +
               "' (KEY=VALUE takes tag, author or name; compare metrics and parameters with >, >=, <, <=)";
    }
    if (key.find('`') != std::string::npos) return "'" + text + "': a name with '`' needs --where";
    std::size_t rest = pos + 1;
    if (rest < text.size() && text[rest] == '=') ++rest;
    const std::string number = text.substr(rest);
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || std::isnan(value) ||
        number.find_first_not_of("0123456789.eE+-") != std::string::npos) {
        return "'" + text + "': '" + number + "' is not a number";
    }
    return {};
}


std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<std::vector<run_status>> parse_statuses(const std::string& text, std::string& why) {
    static constexpr run_status all[] = {run_status::finished, run_status::running, run_status::failed,
                                         run_status::crashed};
    std::vector<run_status> out;
    std::size_t begin = 0;
    while (true) {
        const auto comma = text.find(',', begin);
        const std::string_view word = std::string_view(text).substr(begin, comma - begin);
        const auto* found =
            std::find_if(std::begin(all), std::end(all), [&](run_status s) { return to_string(s) == word; });
        if (found == std::end(all)) {
            why = "--status: '" + printable(word) + "' is not a run status (finished, running, failed, crashed)";
            return std::nullopt;
        }
        out.push_back(*found);
        if (comma == std::string::npos) break;
        begin = comma + 1;
    }
    return out;
}

double sort_key(const json& metrics, const std::string& metric) {
    const auto it = metrics.find(metric);
    if (it == metrics.end()) return std::numeric_limits<double>::quiet_NaN();
    const auto v = to_double(*it);
    return v ? *v : std::numeric_limits<double>::quiet_NaN();
}

std::vector<std::size_t> sorted_order(const std::vector<double>& keys, bool descending) {
    std::vector<std::size_t> order(keys.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const double x = keys[a];
        const double y = keys[b];
        if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
        return descending ? x > y : x < y;
    });
    return order;
}

std::vector<const experiment*> select(const project& p, const selection_options& selection) {
    std::vector<const experiment*> all;
    all.reserve(p.size());
    for (const auto& e : p) all.push_back(&e);
    return select(std::move(all), selection, project_label(p.path()));
}

// ---- values ---------------------------------------------------------------------------------

bool is_number(const json& v) noexcept { return v.is_number() || is_big_integer(v); }

std::optional<double> to_double(const json& v) noexcept {
    if (v.is_number_float()) return v.get<double>();
    if (v.is_number_unsigned()) return static_cast<double>(v.get<std::uint64_t>());
    if (v.is_number_integer()) return static_cast<double>(v.get<std::int64_t>());
    if (is_big_integer(v)) {
        const auto& digits = v.get_binary();
        return std::strtod(std::string(digits.begin(), digits.end()).c_str(), nullptr);
    }
    return std::nullopt;
}

bool is_number_list(const json& v) noexcept {
    return v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const json& x) { return is_number(x); });
}

std::string number_text(const json& v) {
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (std::isnan(d)) return "nan";
        if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    }
    return dumps(v);
}

std::string compact_json(const json& v) {
    dump_options options;
    options.ensure_ascii = false;
    return dumps(v, options);
}

std::string full_text(const json& v) {
    if (v.is_string()) return printable(v.get_ref<const std::string&>());
    if (is_number(v)) return number_text(v);
    return printable(compact_json(v));
}

std::string cell_text(const json& v) {
    if (v.is_number_float()) {
        std::string text = number_text(v);
        if (text.size() > 9) {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.6g", v.get<double>());
            text = buffer;
        }
        return text;
    }
    return full_text(v);
}

std::string printable(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
            const auto c1 = static_cast<unsigned char>(s[++i]);  // a C1 control, U+0080..U+009F
            out += "\\u00";
            out += hex[c1 >> 4];
            out += hex[c1 & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

void flatten(const json& v, const std::string& prefix, std::vector<std::pair<std::string, json>>& out) {
    if (v.is_object() && !v.empty()) {
        for (const auto& [key, value] : v.items()) flatten(value, prefix.empty() ? key : prefix + "." + key, out);
    } else {
        out.emplace_back(prefix, v);
    }
}

// ---- output ----------------------------------------------------------------------------------

ordered_json strict(const json& v) {
    switch (v.type()) {
    case json::value_t::object: {
        ordered_json out = ordered_json::object();
        for (const auto& [key, value] : v.items()) out[key] = strict(value);
        return out;
    }
    case json::value_t::array: {
        ordered_json out = ordered_json::array();
        for (const auto& x : v) out.push_back(strict(x));
        return out;
    }
    case json::value_t::number_float: {
        const double d = v.get<double>();
        return std::isfinite(d) ? ordered_json(d) : ordered_json(nullptr);
    }
    case json::value_t::number_integer:
        return ordered_json(v.get<std::int64_t>());
    case json::value_t::number_unsigned:
        return ordered_json(v.get<std::uint64_t>());
    case json::value_t::boolean:
        return ordered_json(v.get<bool>());
    case json::value_t::string:
        return ordered_json(v.get_ref<const std::string&>());
    case json::value_t::binary: {
        const auto& b = v.get_binary();
        return ordered_json::binary(ordered_json::binary_t::container_type(b.begin(), b.end()), b.subtype());
    }
    default:
        return ordered_json(nullptr);
    }
}

void print_json(const ordered_json& doc) {
    dump_options options;
    options.indent = 2;
    options.ensure_ascii = false;
    options.allow_nan = false;
    std::string text = dumps(doc, options);
    text += '\n';
    write_stdout(text);
}

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

bool use_color(const global_options& g) {
    switch (g.color) {
    case color_mode::always:
        return true;
    case color_mode::never:
        return false;
    case color_mode::automatic:
        break;
    }
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return stdout_is_terminal() && (no_color == nullptr || *no_color == '\0') &&
           !(term != nullptr && std::string_view(term) == "dumb");
}

namespace {

// Decodes one UTF-8 sequence at s[i] (advancing i); an invalid byte counts as one character.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    const auto cont = [&](std::size_t k) -> int {
        if (i + k >= s.size()) return -1;
        const auto b = static_cast<unsigned char>(s[i + k]);
        return (b & 0xc0) == 0x80 ? (b & 0x3f) : -1;
    };
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int len = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc0 ? 2 : 1;
    char32_t cp = len == 4 ? (b0 & 0x07) : len == 3 ? (b0 & 0x0f) : (b0 & 0x1f);
    for (int k = 1; k < len; ++k) {
        const int c = cont(static_cast<std::size_t>(k));
        if (c < 0) {
            len = 1;
            cp = 0xfffd;
            break;
        }
        cp = (cp << 6) | static_cast<char32_t>(c);
    }
    if (len == 1) cp = 0xfffd;
    i += static_cast<std::size_t>(len);
    return cp;
}

int code_point_width(char32_t cp) {
    if (cp == 0x200d || (cp >= 0x0300 && cp <= 0x036f) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
        (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x20d0 && cp <= 0x20ff))
        return 0;  // combining marks, joiners, variation selectors
    if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
        (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
        (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
        (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
        return 2;
    return 1;
}

// The longest prefix of s that fits in `width` columns with a trailing "…", or s itself.
std::string fit(std::string_view s, std::size_t width) {
    if (display_width(s) <= width) return std::string(s);
    std::string out;
    std::size_t used = 0;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t start = i;
        const auto w = static_cast<std::size_t>(code_point_width(next_code_point(s, i)));
        if (used + w + 1 > width) break;
        used += w;
        out.append(s.substr(start, i - start));
    }
    return out + "…";
}

}  // namespace

std::size_t display_width(std::string_view s) {
    std::size_t width = 0;
    bool ascii = true;
    for (const char c : s) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii) return s.size();
    for (std::size_t i = 0; i < s.size();) width += static_cast<std::size_t>(code_point_width(next_code_point(s, i)));
    return width;
}

void table::print(std::string& out, bool color, std::size_t max_width, std::string_view indent) const {
    const std::size_t columns = headers_.size();
    // What each cell shows (cut to max_width) and its width, computed once.
    std::vector<std::string_view> shown(rows_.size() * columns);
    std::vector<std::size_t> shown_width(rows_.size() * columns, 0);
    std::deque<std::string> cut;  // the shortened texts; a deque keeps them in place
    std::vector<std::size_t> widths(columns, 0);
    for (std::size_t c = 0; c < columns; ++c) widths[c] = show_header_ ? display_width(headers_[c]) : 0;
    std::size_t total = 0;
    for (std::size_t r = 0; r < rows_.size(); ++r) {
        for (std::size_t c = 0; c < columns && c < rows_[r].size(); ++c) {
            std::string_view text = rows_[r][c].text;
            std::size_t w = display_width(text);
            if (w > max_width) {
                text = cut.emplace_back(fit(text, max_width));
                w = display_width(text);
            }
            shown[r * columns + c] = text;
            shown_width[r * columns + c] = w;
            widths[c] = std::max(widths[c], w);
            total += text.size();
        }
    }
    // A column is right-aligned when every non-empty cell in it is numeric.
    std::vector<bool> numeric(columns, true);
    std::vector<bool> any(columns, false);
    for (const auto& row : rows_) {
        for (std::size_t c = 0; c < columns && c < row.size(); ++c) {
            if (row[c].text.empty()) continue;
            any[c] = true;
            numeric[c] = numeric[c] && row[c].numeric;
        }
    }
    for (std::size_t c = 0; c < columns; ++c) numeric[c] = numeric[c] && any[c];
    std::size_t line = indent.size();
    for (const auto w : widths) line += w + 2;
    out.reserve(out.size() + (rows_.size() + 1) * line + total / 4);

    const auto emit = [&](std::string_view text, std::size_t w, std::size_t c, bool highlight, bool header) {
        const bool last = c + 1 == columns;
        if (c > 0) out += "  ";
        if (numeric[c]) out.append(widths[c] - w, ' ');
        const bool styled = color && (header || highlight) && !text.empty();
        if (styled) out += header ? "\033[1m" : "\033[1;33m";
        out += text;
        if (styled) out += "\033[0m";
        if (!numeric[c] && !last) out.append(widths[c] - w, ' ');
    };
    const auto end_line = [&] {
        while (!out.empty() && out.back() == ' ') out.pop_back();  // no trailing spaces
        out += '\n';
    };
    if (show_header_) {
        out += indent;
        for (std::size_t c = 0; c < columns; ++c) emit(headers_[c], display_width(headers_[c]), c, false, true);
        end_line();
    }
    for (std::size_t r = 0; r < rows_.size(); ++r) {
        out += indent;
        for (std::size_t c = 0; c < columns; ++c) {
            const bool highlight = c < rows_[r].size() && rows_[r][c].highlight;
            emit(shown[r * columns + c], shown_width[r * columns + c], c, highlight, false);
        }
        end_line();
    }
}

void write_stdout(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
        throw failure("cannot write to standard output");
    }
}

std::string human_size(std::uintmax_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " B";
    static constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < std::size(units)) {
        value /= 1024.0;
        ++unit;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f %s", value, units[unit]);
    return buffer;
}

artifact_file inspect(storage& files, const std::filesystem::path& folder, const artifact& a) {
    artifact_file f;
    f.path = resolve_inside(folder, a.fname(), "artifact '" + a.name() + "': fname");
    // Locally only a regular file has a size (a folder by that name is not the artifact's file);
    // an object store knows the size of every object it has.
    f.size = files.size(f.path);
    f.exists = f.size.has_value() || (!is_local(files) && files.exists(f.path));
    return f;
}

}  // namespace lazyscribe::cli
