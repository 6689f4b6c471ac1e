#pragma once
/// @file repository.hpp
/// @brief Versioned artifact repositories, as Python lazyscribe 2.2 stores them
/// (docs/format.md §8): versions per name, expiry, look-ups by version, time or as-of time.

#include <algorithm>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <concepts>
#include <utility>
#include <tuple>
#include <variant>
#include <vector>

#include <lazyscribe/artifact.hpp>
#include <lazyscribe/builtin_handlers.hpp>
#include <lazyscribe/detail/file_lifecycle.hpp>
#include <lazyscribe/detail/files.hpp>
#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/pyjson_writer.hpp>
#include <lazyscribe/detail/time.hpp>
#include <lazyscribe/detail/unified_diff.hpp>
#include <lazyscribe/detail/xxh64.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/experiment.hpp>
#include <lazyscribe/fwd.hpp>
#include <lazyscribe/json.hpp>
#include <lazyscribe/project.hpp>
#include <lazyscribe/storage.hpp>

namespace lazyscribe {

/// @brief How a time in a version request is matched.
enum class match {
    exact,  ///< the version created at exactly that time
    asof,   ///< the newest version created at or before that time that was not expired then
};

namespace detail {
// Python parses version strings with strptime("%Y-%m-%dT%H:%M:%S"): nothing else is accepted.
inline time_point parse_version_time(std::string_view text) {
    const auto t = text.size() == 19 && text[10] == 'T' ? parse_time(text) : std::nullopt;
    if (!t) {
        throw invalid_version_error("'" + std::string(text) +
                                    "' is not a version time of the form YYYY-MM-DDTHH:MM:SS");
    }
    return *t;
}
}  // namespace detail

/// @brief Which version of a repository artifact: the latest (default), an integer version,
/// or a time, given as a time point or as "YYYY-MM-DDTHH:MM:SS" text.
class version_spec {
public:
    version_spec() = default;
    // Implicit on purpose, so that a version reads as written: `{.version = 3}`, `{.version = "2024-01-02T03:04:05"}`.
    // NOLINTBEGIN(google-explicit-constructor)
    /// @brief A version number, of any integer type (`std::size_t` included).
    template <std::integral Number>
    requires(!std::same_as<Number, bool> && !std::same_as<Number, char>) version_spec(Number number)
        : value_(to_number(number)) {}
    version_spec(time_point when) : value_(when) {}
    /// @brief Parses strictly; throws invalid_version_error for anything else.
    version_spec(std::string_view text) : value_(detail::parse_version_time(text)) {}
    version_spec(const char* text) : version_spec(std::string_view(text)) {}
    version_spec(const std::string& text) : version_spec(std::string_view(text)) {}
    // NOLINTEND(google-explicit-constructor)

    [[nodiscard]] bool is_latest() const noexcept { return std::holds_alternative<std::monostate>(value_); }
    [[nodiscard]] std::optional<long long> number() const {
        if (const auto* n = std::get_if<long long>(&value_)) return *n;
        return std::nullopt;
    }
    [[nodiscard]] std::optional<time_point> time() const {
        if (const auto* t = std::get_if<time_point>(&value_)) return *t;
        return std::nullopt;
    }
    [[nodiscard]] std::string describe() const {
        if (is_latest()) return "latest";
        if (auto n = number()) return "version " + std::to_string(*n);
        return detail::format_time(*time());
    }

private:
    template <class Number>
    static long long to_number(Number number) {
        if (!std::in_range<long long>(number)) {
            throw invalid_version_error("version " + std::to_string(number) + " is out of range");
        }
        return static_cast<long long>(number);
    }
    std::variant<std::monostate, long long, time_point> value_;
};

/// @brief Options of basic_repository::load_artifact.
struct repository_load_options {
    version_spec version{};
    lazyscribe::match match = match::exact;
    bool validate = true;
    json kwargs = json::object();
};

/// @brief Options for opening a repository.
struct repository_options {
    clock_function clock = &detail::now;
    /// @brief Sync files to disk before they replace old ones (see project_options::durable).
    bool durable = true;
    /// @brief Where the files live; empty = from the path's protocol.
    std::shared_ptr<storage> files{};
};

/// @brief A repository of versioned artifacts: `<folder>/repository.json` plus
/// `<folder>/<artifact name>/<fname>` files.
template <class Handlers>
class basic_repository {
    using codec = detail::artifact_codec<Handlers>;

public:
    using handlers = Handlers;
    using const_iterator = std::deque<artifact>::const_iterator;

    /// @brief Opens `path` in `open_mode`: read_only, write or edit (the default), Python's
    /// r, w and w+. A missing file is an empty repository.
    explicit basic_repository(std::filesystem::path path, mode open_mode = mode::edit, repository_options options = {})
        : basic_repository(resolve_storage(path, options.files), open_mode, options) {}

private:
    basic_repository(std::pair<std::shared_ptr<storage>, std::filesystem::path> where, mode open_mode,
                     const repository_options& options);

public:
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return file_.path(); }
    /// @brief Where the repository's files are read and written.
    [[nodiscard]] const std::shared_ptr<storage>& files() const noexcept { return file_.files(); }
    /// @brief The folder holding the artifact folders.
    [[nodiscard]] std::filesystem::path folder() const { return path().parent_path(); }
    [[nodiscard]] lazyscribe::mode open_mode() const noexcept { return mode_; }

    /// @brief Logs a new version of `name`: the highest version of that name + 1, or 0.
    /// Written on save(). The alias and the value type are checked at compile time. The
    /// returned reference stays valid until the next save(): a save that merges versions
    /// other processes saved meanwhile renumbers this session's unsaved versions.
    template <fixed_string Alias, class T>
    const artifact& log_artifact(std::string_view name, T&& value, log_options options = {}) {
        require_writable("log_artifact");
        artifact a = codec::template make<Alias>(clock_(), name, std::forward<T>(value), std::move(options.kwargs));
        a.version_ = next_version(a.name_);
        a.pending_ = true;
        return entries_[add(std::move(a), std::move(options.fname))];
    }

    /// @brief Reads a version of `name` as a T (the latest by default).
    template <class T>
    [[nodiscard]] T load_artifact(std::string_view name, const repository_load_options& options = {}) const {
        const artifact& a = find_version(name, options.version, options.match);
        return codec::template load<T>(a, artifact_folder(a), load_options{options.validate, options.kwargs}, folder(),
                                       *files());
    }
    /// @brief load_artifact with the alias checked at compile time against T.
    template <class T, fixed_string Alias>
    [[nodiscard]] T load_artifact(std::string_view name, const repository_load_options& options = {}) const {
        const artifact& a = find_version(name, options.version, options.match);
        return codec::template load_as<T, Alias>(a, artifact_folder(a), load_options{options.validate, options.kwargs},
                                                 folder(), *files());
    }

    /// @brief The metadata entry of a version, as in the repository file.
    [[nodiscard]] json get_artifact_metadata(std::string_view name, const version_spec& version = {},
                                             lazyscribe::match how = match::exact) const {
        return find_version(name, version, how).to_json();
    }

    /// @brief The artifact entry of a version (the latest by default).
    [[nodiscard]] const artifact& find_version(std::string_view name, const version_spec& version = {},
                                               lazyscribe::match how = match::exact) const {
        return entries_[find_index(name, version, how)];
    }

    /// @brief Sets when a version expires (now, by default): from then on latest and as-of
    /// look-ups skip it; it can still be loaded by number or exact time. Python's
    /// `set_artifact_expiry(name, version, match, expiry)`: `version` (the latest by default) is
    /// found as load_artifact finds it, exactly or (match::asof) the newest version at or before
    /// a time that was not expired then.
    void set_artifact_expiry(std::string_view name, const version_spec& version, lazyscribe::match how,
                             std::optional<time_point> expiry = std::nullopt) {
        require_writable("set_artifact_expiry");
        artifact& a = entries_[find_index(name, version, how)];
        a.expiry_ = expiry ? *expiry : clock_();
        expiry_changes_.emplace_back(a.name_, a.version_, a.expiry_);
    }
    /// @brief set_artifact_expiry with the expiry as "YYYY-MM-DDTHH:MM:SS" text.
    void set_artifact_expiry(std::string_view name, const version_spec& version, lazyscribe::match how,
                             std::string_view expiry) {
        set_artifact_expiry(name, version, how, detail::parse_version_time(expiry));
    }
    /// @brief set_artifact_expiry with the version matched exactly.
    void set_artifact_expiry(std::string_view name, const version_spec& version = {},
                             std::optional<time_point> expiry = std::nullopt) {
        set_artifact_expiry(name, version, match::exact, expiry);
    }
    /// @brief set_artifact_expiry with the version matched exactly and the expiry as text.
    void set_artifact_expiry(std::string_view name, const version_spec& version, std::string_view expiry) {
        set_artifact_expiry(name, version, match::exact, expiry);
    }

    /// @brief The unified diff from `version` to the latest version (Python's
    /// `get_version_diff(name, version, match)`): the text of
    /// `"\n".join(difflib.unified_diff(a.splitlines(), b.splitlines()))` with Python's defaults,
    /// no file names and "\n" ending the header lines, so each is followed by an empty line.
    /// Empty when the texts have the same lines. The two are not reordered: a `version` newer
    /// than the latest non-expired one gives the diff from it back to that one.
    [[nodiscard]] std::string get_version_diff(std::string_view name, const version_spec& version,
                                               lazyscribe::match how = match::exact) const {
        const artifact& a = find_version(name, version, how);
        const artifact& b = find_version(name, {}, how);
        return version_diff(a, b);
    }
    /// @brief The unified diff between two versions (Python's `get_version_diff(name, (v1, v2),
    /// match)`): from the one created first to the other (a stable sort: for equal creation
    /// times, in the order given), as the single-version form writes it.
    [[nodiscard]] std::string get_version_diff(std::string_view name,
                                               const std::pair<version_spec, version_spec>& versions,
                                               lazyscribe::match how = match::exact) const;

    /// @brief A read-only repository with, for each name, the version that was current at `asof`.
    [[nodiscard]] basic_repository filter(time_point asof) const;
    /// @brief A read-only repository with exactly these (name, version) entries.
    [[nodiscard]] basic_repository filter(const std::vector<std::pair<std::string, long long>>& picks) const;

    /// @brief Writes new versions (each atomically), then the repository file (atomically).
    /// If another process saved since this one loaded, its versions are merged in first
    /// (under an advisory lock on `<file>.lock`): this session's unsaved versions then take the
    /// next free numbers, so concurrent writers never produce the same (name, version) twice
    /// nor overwrite each other's files. In write mode the file is replaced, as in Python.
    void save();

    /// @brief The repository file's content, byte for byte as Python writes it.
    [[nodiscard]] std::string to_text() const;
    [[nodiscard]] json to_json() const {
        json array = json::array();
        for (const auto& a : entries_) array.push_back(a.to_json());
        return array;
    }

    /// @brief Whether any version of `name` exists.
    [[nodiscard]] bool contains(std::string_view name) const { return by_name_.count(std::string(name)) != 0; }
    /// @brief The latest version of `name`.
    [[nodiscard]] const artifact& operator[](std::string_view name) const { return find_version(name); }
    /// @brief Every entry, in file order.
    [[nodiscard]] const_iterator begin() const noexcept { return entries_.begin(); }
    [[nodiscard]] const_iterator end() const noexcept { return entries_.end(); }
    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
    /// @brief Whether any version was logged and not saved.
    [[nodiscard]] bool dirty() const noexcept {
        return std::any_of(entries_.begin(), entries_.end(), [](const artifact& a) { return a.dirty_; });
    }
    /// @brief The folder of one artifact's files: `<folder>/<name>` (the name verbatim, as Python).
    [[nodiscard]] std::filesystem::path artifact_folder(const artifact& a) const {
        return detail::resolve_inside(folder(), a.name_, "repository artifact name");
    }

    /// @brief Adds `a`, an artifact of an experiment or test stored in `source_folder`, as a
    /// new version (Python's promote_artifact): refused unless it is newer than the latest
    /// version; its file is copied when it is on disk and the repository saved, and the copy
    /// is undone if that save fails. Never reuses a version number. `source_files` is the
    /// storage the experiment's files are in (by default the repository's own).
    void promote(const artifact& a, const std::filesystem::path& source_folder, storage* source_files = nullptr);

private:
    // Look-ups work on one name's indices, sorted by time: binary searches, not scans of
    // the whole repository.
    std::size_t find_index(std::string_view name, const version_spec& version, lazyscribe::match how) const;

    void require_writable(const char* operation) const {
        if (mode_ == mode::read_only) {
            throw read_only_error(std::string(operation) + ": repository " + file_.display_name() + " is open read-only");
        }
    }

    long long next_version(const std::string& name) const {
        const auto it = by_version_.find(name);
        return it == by_version_.end() || it->second.empty() ? 0 : it->second.rbegin()->first + 1;
    }

    const std::vector<std::size_t>& versions_of(std::string_view name) const;

    // The newest of versions[0, end) that is not expired at t.
    std::size_t pick_not_expired(std::string_view name, const std::vector<std::size_t>& versions, std::size_t end,
                                 time_point t, const std::string& what) const;

    version_not_found_error not_found(std::string_view name, const std::vector<std::size_t>& versions,
                                      const std::string& what) const;

    // Python checks each version in turn, the first one's dirtiness and binariness before the second's.
    std::string version_diff(const artifact& a, const artifact& b) const {
        std::string from = read_text(a);
        return detail::python_version_diff_text(from, read_text(b));
    }

    std::string read_text(const artifact& a) const;

    // Adds a new entry: a default fname distinct from every file of that name's folder.
    std::size_t add(artifact a, std::string fname);

    // Appends an entry and indexes it by name, keeping each name's list sorted by time
    // (stable: equal times keep file order).
    std::size_t add_loaded(artifact a);

    void remove_entry(std::size_t index);

    void load();

    std::vector<artifact> parse_file(const std::string& text) const;

    // Another process saved since we loaded: start from its file, re-apply our expiry
    // changes, and append our unsaved versions with fresh numbers and file names, so that
    // no (name, version) repeats and no file is overwritten.
    void merge_from_disk(const std::string& text);

    detail::file_lifecycle file_;
    lazyscribe::mode mode_;
    clock_function clock_;
    std::vector<std::tuple<std::string, long long, std::optional<time_point>>> expiry_changes_;  // since the last save
    std::deque<artifact> entries_;  // file order; a deque, so references handed out stay valid
    std::unordered_map<std::string, std::vector<std::size_t>> by_name_;             // indices sorted by created_at
    std::unordered_map<std::string, std::map<long long, std::size_t>> by_version_;  // number → entry, per name
};

template <class Handlers>
basic_repository<Handlers>::basic_repository(std::pair<std::shared_ptr<storage>, std::filesystem::path> where,
                                             mode open_mode, const repository_options& options)
    : file_(std::move(where), options.durable), mode_(open_mode), clock_(options.clock ? options.clock : &detail::now) {
    if (mode_ == mode::append) {
        throw std::invalid_argument("repository " + file_.display_name() +
                                    ": the modes are read_only, write and edit (Python's r, w and w+)");
    }
    if (mode_ != mode::write) load();
}

template <class Handlers>
std::string basic_repository<Handlers>::get_version_diff(std::string_view name,
                                                         const std::pair<version_spec, version_spec>& versions,
                                                         lazyscribe::match how) const {
    const artifact* a = &find_version(name, versions.first, how);
    const artifact* b = &find_version(name, versions.second, how);
    if (b->created_at_ < a->created_at_) std::swap(a, b);
    return version_diff(*a, *b);
}

template <class Handlers>
basic_repository<Handlers> basic_repository<Handlers>::filter(time_point asof) const {
    std::vector<std::pair<std::string, long long>> picks;
    for (const auto& [name, versions] : by_name_) {
        try {
            picks.emplace_back(name, find_version(name, asof, match::asof).version_);
        } catch (const version_not_found_error&) {
            // nothing of this name existed (or was valid) then
        }
    }
    return filter(picks);
}

template <class Handlers>
basic_repository<Handlers> basic_repository<Handlers>::filter(
    const std::vector<std::pair<std::string, long long>>& picks) const {
    basic_repository out(std::make_pair(files(), path()), mode::write,
                         repository_options{clock_, file_.durable(), files()});
    for (const auto& a : entries_) {
        const bool wanted = std::any_of(picks.begin(), picks.end(),
                                        [&](const auto& p) { return p.first == a.name_ && p.second == a.version_; });
        if (wanted) out.add_loaded(a);
    }
    for (const auto& [name, version] : picks) (void)out.find_version(name, version);  // each must exist
    out.mode_ = mode::read_only;
    return out;
}

template <class Handlers>
void basic_repository<Handlers>::save() {
    require_writable("save");
    std::string text;
    file_.save(
        mode_ != mode::write, [&](const std::string& current) { merge_from_disk(current); },
        [&] {
            for (auto& a : entries_) codec::write(a, artifact_folder(a), file_.durable(), folder(), *files());
            text = to_text();  // before the file is opened: a record that cannot be written fails first
        },
        [&](detail::file_lifecycle::text_sink sink) { sink(text); });
    for (auto& a : entries_) a.pending_ = false;
    expiry_changes_.clear();
}

template <class Handlers>
std::string basic_repository<Handlers>::to_text() const {
    detail::pyjson::dump_options options;
    options.indent = 4;
    options.sort_keys = true;
    return detail::pyjson::dump(to_json(), options);
}

template <class Handlers>
void basic_repository<Handlers>::promote(const artifact& a, const std::filesystem::path& source_folder,
                                         storage* source_files) {
    require_writable("promote_artifact");
    if (const auto it = by_name_.find(a.name_); it != by_name_.end() && !it->second.empty()) {
        const artifact& latest = entries_[it->second.back()];
        if (a.created_at_ <= latest.created_at_) {
            throw artifact_log_error("promote_artifact: '" + a.name_ + "' created at " +
                                     detail::format_time(a.created_at_) + " is not newer than version " +
                                     std::to_string(latest.version_) + " created at " +
                                     detail::format_time(latest.created_at_));
        }
    }
    artifact copy = a;
    copy.version_ = next_version(a.name_);
    copy.null_version_ = false;  // a repository numbers every version
    copy.expiry_.reset();
    copy.created_here_ = false;  // the repository's copy is a new file
    copy.pending_ = true;
    const std::size_t index = add(std::move(copy), a.fname_);
    const artifact& added = entries_[index];
    const auto source = detail::resolve_inside(source_folder, a.fname_, "artifact '" + a.name_ + "': fname");
    std::optional<std::filesystem::path> copied;
    if (!a.dirty_) {
        if (auto bytes = (source_files != nullptr ? *source_files : *files()).read(source)) {
            const auto target = detail::resolve_inside(artifact_folder(added), added.fname_, "promoted fname");
            try {
                files()->check_inside(folder(), target);
                const auto copy_bytes = [&](std::ostream& out) {
                    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
                };
                if (files()->conditional_writes()) {
                    entries_[index].fname_ = detail::write_new_file(*files(), target.parent_path(),
                                                                    target.filename().string(), true, copy_bytes,
                                                                    file_.durable());
                } else {
                    files()->write(target, true, copy_bytes, file_.durable());
                }
            } catch (...) {
                remove_entry(index);
                throw;
            }
            entries_[index].dirty_ = false;
            entries_[index].created_here_ = true;
            copied = detail::resolve_inside(artifact_folder(entries_[index]), entries_[index].fname_, "promoted fname");
        }
    }
    try {
        save();
    } catch (...) {
        if (copied) files()->remove(*copied);
        remove_entry(index);
        throw;
    }
}

template <class Handlers>
std::size_t basic_repository<Handlers>::find_index(std::string_view name, const version_spec& version,
                                                   lazyscribe::match how) const {
    const auto& versions = versions_of(name);
    if (version.is_latest()) return pick_not_expired(name, versions, versions.size(), clock_(), "latest");
    if (const auto number = version.number()) {
        if (how == match::asof) {
            throw invalid_version_error("'" + std::string(name) + "': an as-of match needs a time, not version " +
                                        std::to_string(*number));
        }
        const auto& numbers = by_version_.find(std::string(name))->second;
        if (const auto it = numbers.find(*number); it != numbers.end()) return it->second;
        throw not_found(name, versions, version.describe());
    }
    const time_point t = *version.time();
    const auto after = std::upper_bound(versions.begin(), versions.end(), t,
                                        [&](time_point v, std::size_t i) { return v < entries_[i].created_at_; });
    if (how == match::exact) {
        const auto first = std::lower_bound(versions.begin(), after, t,
                                            [&](std::size_t i, time_point v) { return entries_[i].created_at_ < v; });
        if (first != after) return *first;
        throw not_found(name, versions, "created at " + detail::format_time(t));
    }
    return pick_not_expired(name, versions, static_cast<std::size_t>(after - versions.begin()), t,
                            "as of " + detail::format_time(t));
}

template <class Handlers>
const std::vector<std::size_t>& basic_repository<Handlers>::versions_of(std::string_view name) const {
    const auto it = by_name_.find(std::string(name));
    if (it == by_name_.end()) {
        std::string names;
        for (const auto& [n, v] : by_name_) names += (names.empty() ? "'" : ", '") + n + "'";
        throw version_not_found_error("repository " + file_.display_name() + " has no artifact named '" + std::string(name) +
                                      "'; artifacts: " + (names.empty() ? "(none)" : names));
    }
    return it->second;
}

template <class Handlers>
std::size_t basic_repository<Handlers>::pick_not_expired(std::string_view name,
                                                         const std::vector<std::size_t>& versions, std::size_t end,
                                                         time_point t, const std::string& what) const {
    for (std::size_t k = end; k > 0; --k) {
        const artifact& a = entries_[versions[k - 1]];
        if (!a.expiry_ || t < *a.expiry_) return versions[k - 1];
    }
    throw not_found(name, versions, what + " (at " + detail::format_time(t) + ")");
}

template <class Handlers>
version_not_found_error basic_repository<Handlers>::not_found(std::string_view name,
                                                              const std::vector<std::size_t>& versions,
                                                              const std::string& what) const {
    std::string list;
    for (const std::size_t i : versions) {
        const artifact& a = entries_[i];
        list += (list.empty() ? "" : ", ") + std::to_string(a.version_) + " (" + detail::format_time(a.created_at_) +
                (a.expiry_ ? ", expires " + detail::format_time(*a.expiry_) : "") + ")";
    }
    return version_not_found_error("'" + std::string(name) + "': no version matches " + what + " in " +
                                   file_.display_name() + "; versions: " + list);
}

template <class Handlers>
std::string basic_repository<Handlers>::read_text(const artifact& a) const {
    if (a.dirty_) {
        throw artifact_load_error("get_version_diff: '" + a.name_ + "' version " + std::to_string(a.version_) +
                                  " is not saved yet");
    }
    const bool binary =
        Handlers::contains(a.handler_) && Handlers::visit(a.handler_, [](auto h) { return decltype(h)::type::binary; });
    if (binary) {
        throw artifact_load_error("get_version_diff: '" + a.name_ + "' uses the binary handler '" + a.handler_ +
                                  "'; only text artifacts can be compared");
    }
    const auto file = detail::resolve_inside(artifact_folder(a), a.fname_, "artifact fname");
    files()->check_inside(folder(), file);
    auto bytes = files()->read(file);
    if (!bytes) throw artifact_load_error("get_version_diff: cannot open " + file.string());
    return std::move(*bytes);
}

template <class Handlers>
std::size_t basic_repository<Handlers>::add(artifact a, std::string fname) {
    const auto folder_of_name = artifact_folder(a);  // refuses names that leave the folder
    auto taken = [&](std::string_view candidate) {
        const auto it = by_name_.find(a.name_);
        if (it == by_name_.end()) return false;
        return std::any_of(it->second.begin(), it->second.end(),
                           [&](std::size_t i) { return entries_[i].fname_ == candidate; });
    };
    if (fname.empty() || taken(fname)) {
        // Python reuses the same default name for two versions logged in one second and
        // the second write destroys the first file; each version gets its own file here.
        fname = fname.empty() ? codec::default_fname_unique(a, taken) : detail::unique_variant(fname, taken);
    }
    (void)detail::resolve_inside(folder_of_name, fname, "artifact '" + a.name_ + "': fname");
    a.fname_ = std::move(fname);
    return add_loaded(std::move(a));
}

template <class Handlers>
std::size_t basic_repository<Handlers>::add_loaded(artifact a) {
    entries_.push_back(std::move(a));
    const std::size_t index = entries_.size() - 1;
    auto& versions = by_name_[entries_[index].name_];
    const auto pos = std::upper_bound(versions.begin(), versions.end(), entries_[index].created_at_,
                                      [&](time_point t, std::size_t i) { return t < entries_[i].created_at_; });
    versions.insert(pos, index);
    // Python takes the first entry with that number in time order.
    auto& numbers = by_version_[entries_[index].name_];
    const auto [it, fresh] = numbers.emplace(entries_[index].version_, index);
    if (!fresh && entries_[index].created_at_ < entries_[it->second].created_at_) it->second = index;
    return index;
}

template <class Handlers>
void basic_repository<Handlers>::remove_entry(std::size_t index) {
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(index));
    by_name_.clear();
    by_version_.clear();
    std::deque<artifact> all = std::move(entries_);
    entries_.clear();
    for (auto& a : all) add_loaded(std::move(a));
}

template <class Handlers>
void basic_repository<Handlers>::load() {
    auto text = file_.read();
    if (!text) return;
    for (auto& a : parse_file(*text)) add_loaded(std::move(a));
}

template <class Handlers>
std::vector<artifact> basic_repository<Handlers>::parse_file(const std::string& text) const {
    const std::string file = file_.display_name();
    const json data = detail::pyjson::parse<json>(text, file);
    if (!data.is_array()) throw format_error(file + ": expected an array of artifacts at the top level");
    std::vector<artifact> out;
    out.reserve(data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        artifact a = codec::parse(data[i], file + ": [" + std::to_string(i) + "]");
        if (const auto reason = detail::outside_folder_reason(a.name_); !reason.empty()) {
            throw format_error(file + ": [" + std::to_string(i) + "]: field 'name': '" + detail::printable(a.name_) +
                               "' " + reason + " (repository artifacts are stored in a folder named after them)");
        }
        out.push_back(std::move(a));
    }
    return out;
}

template <class Handlers>
void basic_repository<Handlers>::merge_from_disk(const std::string& text) {
    std::deque<artifact> mine = std::move(entries_);
    entries_.clear();
    by_name_.clear();
    by_version_.clear();
    for (auto& a : parse_file(text)) add_loaded(std::move(a));
    for (const auto& [name, version, expiry] : expiry_changes_) {
        const auto it = by_name_.find(name);
        if (it == by_name_.end()) continue;
        for (const std::size_t i : it->second) {
            if (entries_[i].version_ == version) entries_[i].expiry_ = expiry;
        }
    }
    for (auto& a : mine) {
        if (!a.pending_) continue;  // saved before: it is in the file already
        a.version_ = next_version(a.name_);
        std::string fname = std::move(a.fname_);
        add(std::move(a), std::move(fname));
    }
}

// lazyscribe::repository (basic_repository<builtin_handlers>) is declared in fwd.hpp.

}  // namespace lazyscribe

// The built-in list's repository, compiled once as the project is (see project.hpp).
// Its argument is `template` or `extern template`, as in project.hpp.
// NOLINTNEXTLINE(bugprone-macro-parentheses)
#define LAZYSCRIBE_REPOSITORY_INSTANCES(declare) declare class basic_repository<builtin_handlers>;

#if defined(LAZYSCRIBE_COMPILED_LIBRARY)
namespace lazyscribe {
LAZYSCRIBE_REPOSITORY_INSTANCES(extern template)
}  // namespace lazyscribe
#endif
