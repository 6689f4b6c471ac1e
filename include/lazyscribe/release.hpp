#pragma once
/// @file release.hpp
/// @brief Releases: named snapshots of a repository's versions (Python's lazyscribe.release),
/// with a releases file that Python reads and writes byte for byte.

#include <algorithm>
#include <filesystem>
#include <istream>
#include <iterator>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lazyscribe/detail/files.hpp>
#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/pyjson_writer.hpp>
#include <lazyscribe/detail/record.hpp>
#include <lazyscribe/detail/time.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/json.hpp>
#include <lazyscribe/repository.hpp>
#include <lazyscribe/storage.hpp>

namespace lazyscribe {

/// @brief A release: a tag and, for each artifact name, the version it pins.
struct release {
    std::string tag;
    /// @brief (artifact name, version), sorted by name.
    std::vector<std::pair<std::string, long long>> artifacts;
    time_point created_at{};
    friend bool operator==(const release&, const release&) = default;
};

namespace detail {

// A release's "artifacts": [name, version] pairs.
struct release_pins {
    using state = const json*;  // the value read, if the key was there
    static constexpr int phase = 1;
    static json to_json(const std::vector<std::pair<std::string, long long>>& pins) {
        json pairs = json::array();
        for (const auto& [name, version] : pins) pairs.push_back(json::array({name, version}));
        return pairs;
    }
    static void read_value(const json& j, state& s, std::vector<std::pair<std::string, long long>>&) { s = &j; }
    template <class Ctx, class Here>
    static void finish(state& s, std::vector<std::pair<std::string, long long>>& pins, const char* key, Ctx&,
                       const Here& here) {
        if (s == nullptr || !s->is_array()) throw format_error(here() + ": field '" + key + "' must be an array");
        for (const auto& pair : *s) {
            if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_number_integer()) {
                throw format_error(here() + ": field '" + key + "' must hold [name, version] pairs, got " +
                                   pair.dump());
            }
            pins.emplace_back(pair[0].get<std::string>(), pair[1].get<long long>());
        }
    }
};

// The release object of Python's releases file, in the order Python writes its keys.
using release_description =
    record::ordered_description<record::field<"tag", &release::tag, record::text>,
                                record::field<"artifacts", &release::artifacts, release_pins>,
                                record::field<"created_at", &release::created_at, record::time>>;

}  // namespace detail

/// @brief Pins the latest non-expired version of every artifact name of `repo`. Like Python,
/// the repository must be open read-only, so that nothing unsaved can be pinned.
template <class Handlers>
release create_release(const basic_repository<Handlers>& repo, std::string tag, clock_function clock = &detail::now) {
    if (repo.open_mode() != mode::read_only) {
        throw read_only_error("create_release: open repository " + repo.path().string() +
                              " read-only, so that the release pins only saved versions");
    }
    release r{std::move(tag), {}, clock()};
    std::vector<std::string> names;
    for (const auto& a : repo) names.push_back(a.name());
    std::sort(names.begin(), names.end());  // byte order of UTF-8 = code point order
    names.erase(std::unique(names.begin(), names.end()), names.end());
    // As of the release time: the same as "latest" in real time, and well defined for replays.
    for (const auto& name : names)
        r.artifacts.emplace_back(name, repo.find_version(name, r.created_at, match::asof).version());
    return r;
}

/// @brief The first release (by creation time) with this tag.
inline const release& find_release(const std::vector<release>& releases, std::string_view tag) {
    const release* best = nullptr;
    for (const auto& r : releases) {
        if (r.tag == tag && (best == nullptr || r.created_at < best->created_at)) best = &r;
    }
    if (best == nullptr) {
        std::string tags;
        for (const auto& r : releases) tags += (tags.empty() ? "'" : ", '") + r.tag + "'";
        throw version_not_found_error("no release tagged '" + std::string(tag) +
                                      "'; releases: " + (tags.empty() ? "(none)" : tags));
    }
    return *best;
}

/// @brief The release created exactly at `t`, or (asof) the newest created at or before `t`.
inline const release& find_release(const std::vector<release>& releases, time_point t, match how = match::exact) {
    const release* best = nullptr;
    for (const auto& r : releases) {
        const bool fits = how == match::exact ? r.created_at == t : r.created_at <= t;
        if (!fits) continue;
        if (best == nullptr ||
            (how == match::exact ? r.created_at < best->created_at : r.created_at >= best->created_at))
            best = &r;
    }
    if (best == nullptr) {
        throw version_not_found_error("no release " + std::string(how == match::exact ? "created at " : "as of ") +
                                      detail::format_time(t) + " among " + std::to_string(releases.size()) +
                                      " releases");
    }
    return *best;
}

/// @brief The newest release.
inline const release& find_release(const std::vector<release>& releases) {
    if (releases.empty()) throw version_not_found_error("no releases");
    const release* newest = &releases.front();
    for (const auto& r : releases) {
        if (r.created_at >= newest->created_at) newest = &r;  // the last of equals, as the file order has it
    }
    return *newest;
}

/// @brief The text of Python's `lazyscribe.release.dumps(releases, **kwargs)`: keys in the
/// order tag, artifacts, created_at; kwargs are json.dumps's (e.g. {"indent": 4}), and with
/// none it is json.dumps's default layout (one line, ", " and ": ", non-ASCII escaped).
inline std::string dumps_releases(const std::vector<release>& releases, const json& kwargs = json::object()) {
    ordered_json array = ordered_json::array();
    for (const auto& r : releases)
        array.push_back(detail::record::to_json_as<detail::release_description, ordered_json>(r));
    std::string text;
    detail::pyjson::dump_to(array, text, detail::pyjson::options_from_kwargs(kwargs));
    return text;
}

/// @brief Writes releases as Python's `lazyscribe.release.dump(releases, f, **kwargs)`: the
/// bytes of dumps_releases. Throws save_error if the stream fails.
inline void dump_releases(const std::vector<release>& releases, std::ostream& out,
                          const json& kwargs = json::object()) {
    const std::string text = dumps_releases(releases, kwargs);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) {
        throw save_error("dump_releases: writing " + std::to_string(releases.size()) + " releases to a stream failed");
    }
}

/// @brief Writes a releases file whole (a reader sees the old file or the new one), where a
/// project's path may be: a local path, or "s3://bucket/releases.json" and the like through the
/// storage registered for its protocol; `files` overrides the storage.
inline void dump_releases(const std::vector<release>& releases, const std::filesystem::path& file,
                          const json& kwargs = json::object(), std::shared_ptr<storage> files = nullptr) {
    const std::string text = dumps_releases(releases, kwargs);
    const auto [target, where] = resolve_storage(file, std::move(files));
    target->write(
        where, true, [&](std::ostream& out) { out.write(text.data(), static_cast<std::streamsize>(text.size())); },
        true);
}

/// @brief Releases from the text of a releases file (Python's `lazyscribe.release.loads`): any
/// layout json.loads accepts. `source` names the text in error messages (parse_error with its
/// line and column, format_error with the release and field).
inline std::vector<release> loads_releases(std::string_view text, const std::string& source = "<releases string>") {
    const json data = detail::pyjson::parse<json>(text, source);
    if (!data.is_array()) throw format_error(source + ": expected an array of releases");
    std::vector<release> out;
    for (std::size_t i = 0; i < data.size(); ++i) {
        struct context {
            std::string at;
            std::string where() const { return at; }
            std::string here() const { return at; }
        } ctx{source + ": [" + std::to_string(i) + "]"};
        const json& r = data[i];
        if (!r.is_object()) throw format_error(ctx.at + ": expected a release object");
        release rel;
        detail::record::read_json<detail::release_description>(r, rel, ctx);
        out.push_back(std::move(rel));
    }
    return out;
}

/// @brief Releases read from a stream to its end (Python's `lazyscribe.release.load(fp)`).
/// Throws path_error if the stream fails before its end.
inline std::vector<release> load_releases(std::istream& in, const std::string& source = "<releases stream>") {
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw path_error("load_releases: reading " + source + " failed");
    return loads_releases(text, source);
}

/// @brief Reads a releases file (any layout Python's json.load accepts), local or on the
/// storage of its protocol, as dump_releases() writes it.
inline std::vector<release> load_releases(const std::filesystem::path& file, std::shared_ptr<storage> files = nullptr) {
    const std::string named = file.string();
    const auto [source, where] = resolve_storage(file, std::move(files));
    const auto text = source->read(where);
    if (!text) throw path_error("releases file " + named + " does not exist");
    return loads_releases(*text, named);
}

/// @brief Copies the versions a release pins into `location` (`<location>/<name>/<fname>`)
/// and writes `<location>/repository.json`, keeping version, fname, created_at and expiry
/// (Python's minimal_repository_from_release). Returns the new repository, open read-only.
/// A `location` with a protocol ("s3://bucket/minimal") is on that protocol's storage; a bare
/// one on the repository's.
template <class Handlers>
basic_repository<Handlers> minimal_repository_from_release(const std::filesystem::path& given_location,
                                                           const basic_repository<Handlers>& repo, const release& rel) {
    const auto [target_files, location] = resolve_storage(
        given_location, given_location.string().find("://") == std::string::npos ? repo.files() : nullptr);
    const auto file = location / "repository.json";
    storage& source_files = *repo.files();
    storage& files = *target_files;
    json entries = json::array();
    for (const auto& [name, version] : rel.artifacts) {
        const artifact& a = repo.find_version(name, version);
        if (a.dirty()) throw save_error("minimal_repository_from_release: '" + name + "' is not saved");
        const auto source = detail::resolve_inside(repo.artifact_folder(a), a.fname(), "artifact fname");
        const auto target = detail::resolve_inside(detail::resolve_inside(location, a.name(), "artifact name"),
                                                   a.fname(), "artifact fname");
        auto bytes = source_files.read(source);
        if (!bytes) throw save_error("minimal_repository_from_release: cannot open " + source.string());
        files.write(
            target, true,
            [&](std::ostream& out) { out.write(bytes->data(), static_cast<std::streamsize>(bytes->size())); }, true);
        entries.push_back(a.to_json());
    }
    detail::pyjson::dump_options options;
    options.indent = 4;
    options.sort_keys = true;
    const std::string text = detail::pyjson::dump(entries, options);
    files.write(
        file, true, [&](std::ostream& out) { out.write(text.data(), static_cast<std::streamsize>(text.size())); },
        true);
    repository_options open_options;
    open_options.files = target_files;
    return basic_repository<Handlers>(file, mode::read_only, open_options);
}

}  // namespace lazyscribe
