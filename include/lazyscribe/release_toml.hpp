#pragma once
/// @file release_toml.hpp
/// @brief release_from_toml: a release for each repository a TOML configuration (such as
/// pyproject.toml) lists, as Python's `lazyscribe.release.release_from_toml` makes them.
///
/// The one part of lazyscribe that needs toml++ (https://marzer.github.io/tomlplusplus/,
/// Debian's libtomlplusplus-dev): release.hpp does not include this header, so everything else
/// builds without it. With CMake, link `lazyscribe::toml` (built when toml++ is found, see
/// LAZYSCRIBE_WITH_TOML).

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include <lazyscribe/builtin_handlers.hpp>
#include <lazyscribe/detail/files.hpp>
#include <lazyscribe/detail/time.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/release.hpp>
#include <lazyscribe/repository.hpp>

namespace lazyscribe {

/// @brief Options of release_from_toml.
struct release_toml_options {
    /// @brief Where relative repository paths start; empty: the current directory, as in Python.
    std::filesystem::path base{};
    /// @brief The clock that stamps the new releases (and `{year}`, `{month}`, `{day}` of a format).
    clock_function clock = &detail::now;
    /// @brief Names the configuration in error messages (release_from_toml_file sets the file).
    std::string source = "<toml string>";
};

/// @brief What release_from_toml did for one repository.
struct toml_release_outcome {
    std::filesystem::path repository;     ///< the repository file, as listed (relative to `base`)
    std::filesystem::path releases_file;  ///< `releases.json` next to it
    release made;                         ///< the release created for it
    /// @brief Whether the releases file was written; false when it already had a release with
    /// this tag (Python logs a warning and skips it) and the file was left as it was.
    bool written = false;
};

namespace detail::toml_config {

inline const char* type_name(const toml::node& n) {
    switch (n.type()) {
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a float";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    default:
        return "nothing";
    }
}

// "<source>:<line>:<column>: key 'tool.lazyscribe.x' ..." for a value that is there but wrong.
inline format_error bad_value(const std::string& source, const toml::node& n, const std::string& key,
                              const std::string& what) {
    const auto& where = n.source().begin;
    return format_error(source + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": key '" +
                        key + "' " + what + ", got " + type_name(n));
}

inline const toml::table& required_table(const std::string& source, const toml::table& parent, std::string_view name,
                                         const std::string& key) {
    const toml::node* n = parent.get(name);
    if (n == nullptr) throw format_error(source + ": missing table '[" + key + "]'");
    if (!n->is_table()) throw bad_value(source, *n, key, "must be a table");
    return *n->as_table();
}

// Python's str.format(version=..., year=..., month=..., day=...) for the deprecated
// `format` key: {name}, {name:[0][width][d]} for the numbers, and {{ }} escapes.
inline std::string apply_format(const std::string& source, const toml::node& at, const std::string& format,
                                const std::string& version, time_point when) {
    const auto civil = to_civil(when);
    const auto bad = [&](const std::string& why) {
        const auto& where = at.source().begin;
        return format_error(source + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                            ": key 'tool.lazyscribe.format': '" + format + "': " + why);
    };
    std::string out;
    for (std::size_t i = 0; i < format.size(); ++i) {
        const char c = format[i];
        if (c == '}') {
            if (i + 1 < format.size() && format[i + 1] == '}') {
                out += '}';
                ++i;
                continue;
            }
            throw bad("single '}' encountered");
        }
        if (c != '{') {
            out += c;
            continue;
        }
        if (i + 1 < format.size() && format[i + 1] == '{') {
            out += '{';
            ++i;
            continue;
        }
        const auto close = format.find('}', i);
        if (close == std::string::npos) throw bad("single '{' encountered");
        const std::string field = format.substr(i + 1, close - i - 1);
        const auto colon = field.find(':');
        const std::string name = field.substr(0, colon);
        const std::string spec = colon == std::string::npos ? "" : field.substr(colon + 1);
        i = close;
        if (name == "version") {
            if (!spec.empty()) throw bad("a format spec for {version} is not supported");
            out += version;
            continue;
        }
        int number = 0;
        if (name == "year")
            number = civil.year;
        else if (name == "month")
            number = civil.month;
        else if (name == "day")
            number = civil.day;
        else
            throw bad("unknown field '{" + name + "}' (the fields are version, year, month and day)");
        std::size_t k = 0;
        const bool zero = k < spec.size() && spec[k] == '0';
        if (zero) ++k;
        std::size_t width = 0;
        for (; k < spec.size() && spec[k] >= '0' && spec[k] <= '9'; ++k) {
            width = width * 10 + static_cast<std::size_t>(spec[k] - '0');
            if (width > 64) throw bad("width too large");
        }
        if (k < spec.size() && spec[k] == 'd') ++k;
        if (k != spec.size()) throw bad("format spec '" + spec + "' is not supported (only [0][width][d])");
        const std::string digits = std::to_string(number);
        if (digits.size() < width) out.append(width - digits.size(), zero ? '0' : ' ');
        out += digits;
    }
    return out;
}

}  // namespace detail::toml_config

/// @brief For each repository listed in `[tool.lazyscribe] repositories` of the TOML text
/// `cfg`, creates a release of its latest versions tagged with `[project] version` (or, when
/// that is absent, `[tool.lazyscribe] version`) and appends it to `releases.json` next to the
/// repository file, unless a release with that tag is there already (Python's
/// `lazyscribe.release.release_from_toml`). The file is written as Python writes it, with
/// indent 4. The deprecated `[tool.lazyscribe] format` ("{version}", "{year}", "{month}",
/// "{day}", Python's str.format) makes the tag; Python warns that it goes away in 3.0.
///
/// Unlike Python, every repository and releases file is read before any is written, so bad
/// input changes nothing; and a listed repository file that does not exist is an error
/// (Python makes an empty release for it).
/// @throws parse_error for TOML that does not parse (source, line, column), format_error for a
/// missing key or a value of the wrong type (source, line, column, the key), path_error for a
/// missing repository file, and what reading the repositories and releases files throws.
template <class Handlers = builtin_handlers>
std::vector<toml_release_outcome> release_from_toml(std::string_view cfg, const release_toml_options& options = {}) {
    namespace tc = detail::toml_config;
    const std::string& source = options.source;
    toml::table root;
#if TOML_EXCEPTIONS
    try {
        root = toml::parse(cfg, source);
    } catch (const toml::parse_error& e) {
        throw parse_error(source, e.source().begin.line, e.source().begin.column, std::string(e.description()));
    }
#else
    toml::parse_result parsed = toml::parse(cfg, source);
    if (!parsed) {
        const auto& e = parsed.error();
        throw parse_error(source, e.source().begin.line, e.source().begin.column, std::string(e.description()));
    }
    root = std::move(parsed).table();
#endif

    const toml::table& tool = tc::required_table(source, root, "tool", "tool");
    const toml::table& config = tc::required_table(source, tool, "lazyscribe", "tool.lazyscribe");

    // Python: cfg["project"]["version"], and on a KeyError cfg["tool"]["lazyscribe"]["version"].
    const toml::node* version_node = nullptr;
    std::string version_key = "project.version";
    if (const toml::node* project = root.get("project"); project != nullptr) {
        if (!project->is_table()) throw tc::bad_value(source, *project, "project", "must be a table");
        version_node = project->as_table()->get("version");
    }
    if (version_node == nullptr) {
        version_node = config.get("version");
        version_key = "tool.lazyscribe.version";
    }
    if (version_node == nullptr) {
        throw format_error(source + ": no version: set key 'project.version' or 'tool.lazyscribe.version'");
    }
    if (!version_node->is_string()) throw tc::bad_value(source, *version_node, version_key, "must be a string");
    const std::string version = **version_node->as_string();

    const toml::node* format = config.get("format");
    if (format != nullptr && !format->is_string()) {
        throw tc::bad_value(source, *format, "tool.lazyscribe.format", "must be a string");
    }
    const toml::node* listed = config.get("repositories");
    if (listed == nullptr) throw format_error(source + ": missing key 'tool.lazyscribe.repositories'");
    if (!listed->is_array()) {
        throw tc::bad_value(source, *listed, "tool.lazyscribe.repositories", "must be an array of paths");
    }

    // Every releases file is read, and every release made, before anything is written. Two
    // repositories sharing a folder share its releases file: as in Python, where the second
    // reads what the first wrote, a tag already added for the first is not added again.
    struct releases_file {
        std::filesystem::path path;
        std::vector<release> releases;
        bool changed = false;
    };
    std::vector<releases_file> files;
    std::vector<toml_release_outcome> out;
    const toml::array& paths = *listed->as_array();
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const toml::node& entry = *paths.get(i);
        const std::string key = "tool.lazyscribe.repositories[" + std::to_string(i) + "]";
        if (!entry.is_string()) throw tc::bad_value(source, entry, key, "must be a path string");
        const std::filesystem::path listed_path = **entry.as_string();
        const bool has_protocol = listed_path.string().find("://") != std::string::npos;
        const std::filesystem::path file =
            options.base.empty() || has_protocol ? listed_path : options.base / listed_path;
        if (!has_protocol) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(file, ec)) {
                const auto& where = entry.source().begin;
                throw path_error(source + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                                 ": key '" + key + "': repository file " + file.string() + " does not exist");
            }
        }
        repository_options open_options;
        open_options.clock = options.clock;
        const basic_repository<Handlers> repo(file, mode::read_only, open_options);
        toml_release_outcome outcome;
        outcome.repository = listed_path;
        outcome.releases_file = (has_protocol ? repo.path() : file).parent_path() / "releases.json";
        outcome.made = create_release(repo, version, options.clock);
        if (format != nullptr) {
            outcome.made.tag =
                tc::apply_format(source, *format, **format->as_string(), version, outcome.made.created_at);
        }
        const auto same = std::filesystem::weakly_canonical(outcome.releases_file);
        auto it = std::find_if(files.begin(), files.end(), [&](const releases_file& f) { return f.path == same; });
        if (it == files.end()) {
            releases_file f{same, {}, false};
            std::error_code ec;
            if (std::filesystem::exists(outcome.releases_file, ec)) f.releases = load_releases(outcome.releases_file);
            files.push_back(std::move(f));
            it = std::prev(files.end());
        }
        const bool present = std::any_of(it->releases.begin(), it->releases.end(),
                                         [&](const release& r) { return r.tag == outcome.made.tag; });
        if (!present) {
            it->releases.push_back(outcome.made);
            it->changed = true;
            outcome.written = true;
        }
        out.push_back(std::move(outcome));
    }
    for (const auto& f : files) {
        if (f.changed) dump_releases(f.releases, f.path, {{"indent", 4}});
    }
    return out;
}

/// @brief release_from_toml on the content of a TOML file (Python: `release_from_toml(open(file).read())`);
/// errors name the file. Relative repository paths still start at `options.base` (the current
/// directory by default), as in Python, not at the file's folder.
template <class Handlers = builtin_handlers>
std::vector<toml_release_outcome> release_from_toml_file(const std::filesystem::path& file,
                                                         release_toml_options options = {}) {
    const auto text = detail::read_if_exists(file);
    if (!text) throw path_error("release_from_toml: configuration file " + file.string() + " does not exist");
    options.source = file.string();
    return release_from_toml<Handlers>(*text, options);
}

}  // namespace lazyscribe
