// repo list, repo show, repo diff: read-only views of an artifact repository.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <lazyscribe/json.hpp>
#include <lazyscribe/repository.hpp>
#include <lazyscribe/time.hpp>

#include "repo.hpp"
#include "support.hpp"

namespace lazyscribe::cli {

namespace {

// ---- arguments ------------------------------------------------------------------------------

// A version number: digits only (no sign), fitting a long long.
std::optional<long long> version_number(const std::string& text) {
    if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    long long n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return n;
}

time_point repo_time(const std::string& text) {
    const auto t = lazyscribe::parse_time(text);
    if (!t) throw failure(check_repo_time(text));  // main.cpp checks first; a safety net
    return *t;
}

// V1 / V2 of `repo diff`: a version number, or the exact creation time of a version.
version_spec diff_version(const std::string& text) {
    if (const auto n = version_number(text)) return version_spec(*n);
    return version_spec(repo_time(text));
}

// ---- the repository -------------------------------------------------------------------------

// The repository file `argument` names, locally or in an object store: a folder means
// <folder>/repository.json. A missing file is a failure here (the library would treat it as an
// empty repository).
std::filesystem::path repository_file(const std::string& argument) { return existing_file(argument, "repository"); }

repository open_repository(const std::string& argument) {
    return repository(repository_file(argument), mode::read_only);
}

struct version_file {
    std::filesystem::path path;  // <repository folder>/<name>/<fname>
    std::string shown;           // <name>/<fname>, as get_version_diff names it
    bool exists = false;
    std::optional<std::uintmax_t> size;
};

version_file inspect(const repository& repo, const artifact& a) {
    const artifact_file file = cli::inspect(*repo.files(), repo.artifact_folder(a), a);  // the shared one
    return version_file{file.path, a.name() + "/" + a.fname(), file.exists, file.size};
}

// As the library decides it: a version is expired from its expiry time on.
bool expired_at(const artifact& a, time_point now) { return a.expiry() && now >= *a.expiry(); }

std::string expiry_text(const artifact& a) { return a.expiry() ? format_time(*a.expiry()) : "-"; }

ordered_json time_or_null(const std::optional<time_point>& t) {
    return t ? ordered_json(format_time(*t)) : ordered_json(nullptr);
}

// Every version, grouped by name (names in the order they first appear in the file), each
// name's versions by number (equal numbers in file order).
std::vector<const artifact*> versions_in_order(const repository& repo) {
    std::map<std::string, std::size_t, std::less<>> first_seen;
    std::vector<const artifact*> out;
    for (const auto& a : repo) {
        first_seen.emplace(a.name(), first_seen.size());
        out.push_back(&a);
    }
    std::stable_sort(out.begin(), out.end(), [&](const artifact* x, const artifact* y) {
        const auto fx = first_seen.find(x->name())->second;
        const auto fy = first_seen.find(y->name())->second;
        if (fx != fy) return fx < fy;
        return x->version() < y->version();
    });
    return out;
}

// The version numbers of one name, ascending.
std::vector<long long> versions_of(const repository& repo, const std::string& name) {
    std::vector<long long> out;
    for (const auto& a : repo) {
        if (a.name() == name) out.push_back(a.version());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// strict() (support.hpp) for values kept in file order.
ordered_json strict_ordered(const ordered_json& v) {
    switch (v.type()) {
    case ordered_json::value_t::object: {
        ordered_json out = ordered_json::object();
        for (const auto& [key, value] : v.items()) out[key] = strict_ordered(value);
        return out;
    }
    case ordered_json::value_t::array: {
        ordered_json out = ordered_json::array();
        for (const auto& x : v) out.push_back(strict_ordered(x));
        return out;
    }
    case ordered_json::value_t::number_float: {
        const double d = v.get<double>();
        return std::isfinite(d) ? v : ordered_json(nullptr);
    }
    case ordered_json::value_t::discarded:
        return ordered_json(nullptr);
    default:
        return v;
    }
}

bool is_json_handler(const artifact& a) { return a.handler() == json_handler::alias; }

void title(std::string& out, std::string_view text, bool color) {
    if (!out.empty()) out += '\n';
    if (color) out += "\033[1m";
    out += text;
    if (color) out += "\033[0m";
    out += '\n';
}

constexpr std::string_view unknown_handler_note =
    "* handler not built into this program: the metadata is kept as is; the file cannot be loaded here\n";

}  // namespace

std::string check_repo_time(const std::string& text) {
    if (lazyscribe::parse_time(text)) return {};
    return "'" + text + "' is not a time of the form YYYY-MM-DDTHH:MM:SS (UTC)";
}

std::string check_repo_version_number(const std::string& text) {
    if (version_number(text)) return {};
    return "'" + text + "' is not a version number (0, 1, 2, ...)";
}

std::string check_repo_version(const std::string& text) {
    if (version_number(text) || lazyscribe::parse_time(text)) return {};
    return "'" + text + "' is neither a version number nor a creation time of the form YYYY-MM-DDTHH:MM:SS";
}

// ---- repo list --------------------------------------------------------------------------------

int run_repo_list(const global_options& g, const repo_list_options& o) {
    const repository repo = open_repository(o.repository);
    const time_point now = lazyscribe::now();
    const auto versions = versions_in_order(repo);

    if (o.json) {
        ordered_json rows = ordered_json::array();
        for (const artifact* a : versions) {
            const auto file = inspect(repo, *a);
            ordered_json row = ordered_json::object();
            row["name"] = a->name();
            row["version"] = a->version();
            row["created_at"] = format_time(a->created_at());
            row["expiry"] = time_or_null(a->expiry());
            row["expired"] = expired_at(*a, now);
            row["handler"] = a->handler();
            row["builtin_handler"] = builtin_handlers::contains(a->handler());
            row["fname"] = a->fname();
            row["path"] = shown_path(*repo.files(), file.path);
            row["exists"] = file.exists;
            row["size"] = file.size ? ordered_json(*file.size) : ordered_json(nullptr);
            row["fields"] = strict(a->fields());
            rows.push_back(std::move(row));
        }
        print_json(rows);
        return exit_ok;
    }

    table t({"NAME", "VERSION", "CREATED", "EXPIRY", "EXPIRED", "HANDLER", "FNAME", "EXISTS"});
    bool unknown_handler = false;
    for (const artifact* a : versions) {
        const auto file = inspect(repo, *a);
        const bool known = builtin_handlers::contains(a->handler());
        unknown_handler = unknown_handler || !known;
        const bool expired = expired_at(*a, now);
        t.add_row({{printable(a->name())},
                   {std::to_string(a->version()), true},
                   {format_time(a->created_at())},
                   {expiry_text(*a)},
                   {expired ? "yes" : "no", false, expired},
                   {printable(a->handler()) + (known ? "" : "*")},
                   {printable(a->fname())},
                   {file.exists ? "yes" : "no", false, !file.exists}});
    }
    std::string out;
    t.print(out, use_color(g), 64);
    if (unknown_handler) out += unknown_handler_note;
    write_stdout(out);
    return exit_ok;
}

// ---- repo show --------------------------------------------------------------------------------

int run_repo_show(const global_options& g, const repo_show_options& o) {
    const repository repo = open_repository(o.repository);
    version_spec spec;
    match how = match::exact;
    std::string chosen_by = "latest (the newest version not expired now)";
    if (o.version) {
        spec = version_spec(*o.version);
        chosen_by = "--version " + std::to_string(*o.version);
    } else if (o.asof) {
        spec = version_spec(repo_time(*o.asof));
        how = match::asof;
        chosen_by = "--asof " + format_time(*spec.time()) + " (the newest version created by then, not expired then)";
    } else if (o.exact) {
        spec = version_spec(repo_time(*o.exact));
        chosen_by = "--exact " + format_time(*spec.time()) + " (the version created then)";
    }
    const artifact& a = repo.find_version(o.name, spec, how);
    const json metadata = repo.get_artifact_metadata(o.name, spec, how);
    const auto file = inspect(repo, a);
    const bool expired = expired_at(a, lazyscribe::now());
    const auto numbers = versions_of(repo, a.name());
    std::optional<ordered_json> value;
    if (is_json_handler(a)) {
        value = repo.load_artifact<ordered_json>(o.name, repository_load_options{.version = spec, .match = how});
    }

    if (o.json) {
        ordered_json doc = ordered_json::object();
        doc["metadata"] = strict(metadata);
        doc["path"] = shown_path(*repo.files(), file.path);
        doc["exists"] = file.exists;
        doc["size"] = file.size ? ordered_json(*file.size) : ordered_json(nullptr);
        doc["expired"] = expired;
        doc["versions"] = numbers;
        if (value) doc["value"] = strict_ordered(*value);
        print_json(doc);
        return exit_ok;
    }

    const bool color = use_color(g);
    const bool known = builtin_handlers::contains(a.handler());
    std::string out;
    title(out, printable(a.name()), color);
    {
        std::string all;
        for (const auto n : numbers) all += (all.empty() ? "" : ", ") + std::to_string(n);
        table t({"", ""}, false);
        t.add_row({{"version"}, {std::to_string(a.version()) + " (versions: " + all + ")"}});
        t.add_row({{"chosen by"}, {chosen_by}});
        t.add_row({{"created"}, {format_time(a.created_at())}});
        t.add_row({{"expiry"}, {a.expiry() ? format_time(*a.expiry()) : "(none)"}});
        t.add_row({{"expired now"}, {expired ? "yes" : "no"}});
        t.add_row({{"handler"}, {printable(a.handler()) + (known ? "" : "*")}});
        t.add_row({{"file"}, {printable(file.shown)}});
        t.add_row({{"exists"}, {file.exists ? (file.size ? "yes, " + human_size(*file.size) : "yes") : "no"}});
        std::vector<std::pair<std::string, json>> fields;
        flatten(a.fields(), "", fields);
        for (const auto& [key, v] : fields) {
            if (!key.empty()) t.add_row({{printable(key)}, {full_text(v)}});
        }
        t.print(out, false, std::string::npos, "  ");
    }
    title(out, "Value", color);
    if (value) {
        dump_options options;
        options.indent = 2;
        options.ensure_ascii = false;  // UTF-8 as is; control characters made visible below
        const std::string text = dumps(*value, options);
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto end = std::min(text.find('\n', start), text.size());
            out += "  " + printable(std::string_view(text).substr(start, end - start)) + '\n';
            start = end + 1;
        }
    } else {
        out += "  (not shown: only the values of json artifacts are shown; this one's handler is '" +
               printable(a.handler()) + "')\n";
    }
    if (!known) out += '\n' + std::string(unknown_handler_note);
    write_stdout(out);
    return exit_ok;
}

// ---- repo diff --------------------------------------------------------------------------------

int run_repo_diff(const global_options& g, const repo_diff_options& o) {
    const repository repo = open_repository(o.repository);
    const version_spec from = diff_version(o.from);
    const version_spec to = o.to ? diff_version(*o.to) : version_spec{};
    const artifact* a = &repo.find_version(o.name, from);
    const artifact* b = &repo.find_version(o.name, to);
    // As Python: two versions are compared in creation order, one version with the latest.
    if (o.to && b->created_at() < a->created_at()) std::swap(a, b);
    const std::string text = o.to ? repo.get_version_diff(o.name, {from, to}) : repo.get_version_diff(o.name, from);

    if (o.json) {
        const auto side = [](const artifact& x) {
            ordered_json j = ordered_json::object();
            j["version"] = x.version();
            j["created_at"] = format_time(x.created_at());
            j["fname"] = x.fname();
            return j;
        };
        ordered_json doc = ordered_json::object();
        doc["name"] = a->name();
        doc["from"] = side(*a);
        doc["to"] = side(*b);
        doc["identical"] = text.empty();
        doc["diff"] = text;
        print_json(doc);
        return exit_ok;
    }

    if (text.empty()) {
        std::fprintf(stderr, "lazyscribe repo diff: '%s' versions %lld and %lld do not differ\n",
                     printable(a->name()).c_str(), a->version(), b->version());
        return exit_ok;
    }
    // Piped, the text is the library's (Python difflib's) byte for byte; on a terminal control
    // characters are made visible and, with colours, lines are coloured as git does.
    const bool terminal = stdout_is_terminal();
    const bool color = use_color(g);
    if (!terminal && !color) {
        write_stdout(text + '\n');
        return exit_ok;
    }
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t start = 0;
    bool header = true;  // the ---/+++ lines come first
    while (start <= text.size()) {
        const auto end = std::min(text.find('\n', start), text.size());
        const std::string_view line = std::string_view(text).substr(start, end - start);
        if (line.starts_with("@@")) header = false;
        const char* style = nullptr;
        if (header)
            style = "\033[1m";
        else if (line.starts_with("@@"))
            style = "\033[36m";
        else if (line.starts_with("-"))
            style = "\033[31m";
        else if (line.starts_with("+"))
            style = "\033[32m";
        if (line.empty()) style = nullptr;  // the empty lines after Python's header lines
        if (color && style != nullptr) out += style;
        out += terminal ? printable(line) : std::string(line);
        if (color && style != nullptr) out += "\033[0m";
        out += '\n';
        start = end + 1;
    }
    write_stdout(out);
    return exit_ok;
}

}  // namespace lazyscribe::cli
