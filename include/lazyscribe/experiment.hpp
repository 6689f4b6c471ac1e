#pragma once
/// @file experiment.hpp
/// @brief Experiments and their tests (sub-population results), as Python lazyscribe
/// stores them (docs/format.md §4.1 and §4.2).
///
/// Experiments are created by `project.log(name)` and tests by `experiment.log_test(name)`:
/// both return a scope object that joins its owner when the scope ends without an exception.

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <map>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <lazyscribe/artifact.hpp>
#include <lazyscribe/detail/pyjson_member_writer.hpp>
#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/pyjson_strings.hpp>
#include <lazyscribe/detail/pyjson_writer.hpp>
#include <lazyscribe/detail/record.hpp>
#include <lazyscribe/detail/record_reader.hpp>
#include <lazyscribe/detail/experiment_order.hpp>
#include <lazyscribe/detail/journal.hpp>
#include <lazyscribe/detail/slugify.hpp>
#include <lazyscribe/detail/stable_vector.hpp>
#include <lazyscribe/detail/time.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/fixed_string.hpp>
#include <lazyscribe/fwd.hpp>
#include <lazyscribe/history.hpp>
#include <lazyscribe/json.hpp>
#include <lazyscribe/storage.hpp>
#include <lazyscribe/time.hpp>

namespace lazyscribe {

/// @brief Where "now" comes from: the system clock by default; tests and replays pass their own.
using clock_function = time_point (*)();

namespace detail {

// The character types that hold text. signed char and unsigned char are not among them:
// C++ uses them (as std::int8_t and std::uint8_t) for small numbers and bytes.
template <class C>
inline constexpr bool is_text_char_v =
    std::is_same_v<C, char> || std::is_same_v<C, wchar_t> || std::is_same_v<C, char8_t> ||
    std::is_same_v<C, char16_t> || std::is_same_v<C, char32_t>;

}  // namespace detail

/// @brief Text: a character, a pointer to characters, an array of them (a string literal),
/// or a range of them (std::string, std::string_view, std::u16string, ...), in any of the
/// character types char, wchar_t, char8_t, char16_t and char32_t. Logged as a JSON string
/// (UTF-8), never as numbers.
// clang-format 14 mangles `> &&` in concepts:
// clang-format off
template <class T>
concept TextValue =
    detail::is_text_char_v<std::remove_cvref_t<T>> ||
    (std::is_pointer_v<std::decay_t<T>> &&
     detail::is_text_char_v<std::remove_cv_t<std::remove_pointer_t<std::decay_t<T>>>>) ||
    (std::ranges::input_range<std::remove_cvref_t<T>> &&
     detail::is_text_char_v<std::remove_cv_t<std::ranges::range_value_t<std::remove_cvref_t<T>>>>);
// clang-format on

namespace detail {

inline void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

// Code units of type C as UTF-8: char and char8_t are taken as UTF-8 already, char16_t (and
// a 2-byte wchar_t) as UTF-16, char32_t (and a 4-byte wchar_t) as UTF-32. A lone surrogate
// or a value past U+10FFFF has no UTF-8 form: format_error, naming `what`.
template <class C>
struct utf8_encoder {
    std::string out;
    char32_t high = 0;  // a UTF-16 high surrogate waiting for its low half
    template <class Where>
    void add(C unit, const Where& where) {
        if constexpr (sizeof(C) == 1) {
            out += static_cast<char>(unit);
        } else if constexpr (sizeof(C) == 2) {
            const char32_t u = static_cast<char16_t>(unit);
            if (high != 0) {
                if (u < 0xDC00 || u > 0xDFFF)
                    throw format_error(where() + ": a UTF-16 high surrogate without its low half");
                append_utf8(out, 0x10000 + ((high - 0xD800) << 10) + (u - 0xDC00));
                high = 0;
            } else if (u >= 0xD800 && u <= 0xDBFF) {
                high = u;
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                throw format_error(where() + ": a UTF-16 low surrogate without its high half");
            } else {
                append_utf8(out, u);
            }
        } else {
            const auto u = static_cast<char32_t>(unit);
            if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF)) {
                char code[16];
                std::snprintf(code, sizeof code, "U+%04lX", static_cast<unsigned long>(u));
                throw format_error(where() + ": " + code + " is not a Unicode scalar value");
            }
            append_utf8(out, u);
        }
    }
    template <class Where>
    std::string finish(const Where& where) {
        if (high != 0) throw format_error(where() + ": a UTF-16 high surrogate without its low half");
        return std::move(out);
    }
};

// A TextValue as a UTF-8 string. An array (a string literal) ends at its first NUL, as a
// C string does; a range (std::string, ...) keeps every element, NULs included.
template <class T, class Where>
std::string text_to_utf8(const T& value, const Where& where) {
    using V = std::remove_cvref_t<T>;
    if constexpr (is_text_char_v<V>) {
        utf8_encoder<V> e;
        e.add(value, where);
        return e.finish(where);
    } else if constexpr (std::is_array_v<V>) {
        using C = std::remove_cv_t<std::remove_extent_t<V>>;
        utf8_encoder<C> e;
        for (std::size_t i = 0; i < std::extent_v<V> && value[i] != C{}; ++i) e.add(value[i], where);
        return e.finish(where);
    } else if constexpr (std::is_pointer_v<V>) {
        using C = std::remove_cv_t<std::remove_pointer_t<V>>;
        if (value == nullptr) throw format_error(where() + ": a null character pointer is not text");
        utf8_encoder<C> e;
        for (const C* p = value; *p != C{}; ++p) e.add(*p, where);
        return e.finish(where);
    } else {
        using C = std::remove_cv_t<std::ranges::range_value_t<V>>;
        utf8_encoder<C> e;
        for (const auto& unit : value) e.add(static_cast<C>(unit), where);
        return e.finish(where);
    }
}

}  // namespace detail

/// @brief A metric: a number, or a range of numbers (a loss curve, say). Characters and text
/// are not numbers here (see TextValue): log_metric stores text as a string.
template <class T>
concept MetricValue =
    !TextValue<T> &&
    ((std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) ||
     (std::ranges::input_range<T> && std::is_arithmetic_v<std::remove_cvref_t<std::ranges::range_value_t<T>>> &&
      !std::is_same_v<std::remove_cvref_t<std::ranges::range_value_t<T>>, bool>));

/// @brief A time-zone-aware point in time, as Python's aware datetime: the instant and the
/// UTC offset it was observed at. libstdc++ 12 has no std::chrono::zoned_time; this is the
/// part lazyscribe needs. As a parameter (or inside a JSON value, through to_json) it is
/// written as Python's `datetime.isoformat(timespec="seconds")` writes an aware datetime:
/// the local wall-clock time and the offset, "2024-01-01T17:30:00+05:30".
struct offset_time {
    /// @brief The instant, UTC, whole seconds.
    time_point utc{};
    /// @brief Local time minus UTC: +05:30 is 330 minutes. Python allows |offset| < 24 hours.
    std::chrono::minutes offset{0};
    friend bool operator==(const offset_time&, const offset_time&) = default;
};

/// @brief "YYYY-MM-DDTHH:MM:SS+HH:MM", the local time of `t` and its offset, as Python writes
/// an aware datetime ("+00:00" for UTC). Throws format_error when |offset| >= 24 hours, which
/// Python's timezone refuses.
inline std::string format_offset_time(const offset_time& t) {
    using namespace std::chrono;
    if (t.offset <= -hours(24) || t.offset >= hours(24)) {
        throw format_error("offset_time: the UTC offset " + std::to_string(t.offset.count()) +
                           " minutes is not strictly between -24 and +24 hours, as Python's timezone requires");
    }
    std::string out = detail::format_time(t.utc + t.offset);
    const long long minutes = t.offset.count() < 0 ? -t.offset.count() : t.offset.count();
    out += t.offset.count() < 0 ? '-' : '+';
    out += static_cast<char>('0' + minutes / 600);
    out += static_cast<char>('0' + minutes / 60 % 10);
    out += ':';
    out += static_cast<char>('0' + minutes % 60 / 10);
    out += static_cast<char>('0' + minutes % 10);
    return out;
}

/// @brief Parses what format_offset_time writes (and Python's isoformat of an aware
/// datetime): "YYYY-MM-DD[T| ]HH:MM:SS[.ffffff]" then "+HH:MM", "-HH:MM" or "Z"; the
/// fraction is truncated. nullopt for anything else, a naive time included.
inline std::optional<offset_time> parse_offset_time(std::string_view text) {
    using namespace std::chrono;
    // detail::parse_time also takes "Z" and "+00:00": the head must have neither.
    const auto naive = [](std::string_view head) -> std::optional<time_point> {
        if (head.size() < 19 || head.find_first_of("Z+", 19) != std::string_view::npos) return std::nullopt;
        return detail::parse_time(head);
    };
    if (!text.empty() && text.back() == 'Z') {
        const auto local = naive(text.substr(0, text.size() - 1));
        if (!local) return std::nullopt;
        return offset_time{*local, minutes(0)};
    }
    if (text.size() < 6) return std::nullopt;
    const std::string_view zone = text.substr(text.size() - 6);
    const auto digit = [&](std::size_t i) { return zone[i] >= '0' && zone[i] <= '9'; };
    if ((zone[0] != '+' && zone[0] != '-') || !digit(1) || !digit(2) || zone[3] != ':' || !digit(4) || !digit(5)) {
        return std::nullopt;
    }
    const int h = (zone[1] - '0') * 10 + (zone[2] - '0');
    const int m = (zone[4] - '0') * 10 + (zone[5] - '0');
    if (h > 23 || m > 59) return std::nullopt;
    const auto local = naive(text.substr(0, text.size() - 6));
    if (!local) return std::nullopt;
    const minutes offset = (zone[0] == '-' ? -1 : 1) * (hours(h) + minutes(m));
    return offset_time{*local - offset, offset};
}

/// @brief nlohmann's hook: an offset_time is the string format_offset_time writes.
inline void to_json(json& j, const offset_time& t) { j = format_offset_time(t); }
/// @brief nlohmann's hook: reads what to_json writes; anything else throws format_error.
inline void from_json(const json& j, offset_time& t) {
    const auto parsed = j.is_string() ? parse_offset_time(j.get_ref<const std::string&>()) : std::nullopt;
    if (!parsed) throw format_error("offset_time: " + j.dump() + " is not a date-time with a UTC offset");
    t = *parsed;
}

/// @brief A parameter: anything lazyscribe::json can hold (an offset_time included), text
/// (stored as a string, see TextValue), or a point in time (stored as text, as Python stores
/// naive datetimes).
template <class T>
concept ParameterValue = TextValue<T> || std::is_constructible_v<json, T> ||
    std::is_convertible_v<std::remove_cvref_t<T>, std::chrono::sys_time<std::chrono::seconds>>;

/// @brief The process-wide project registry (Python's `lazyscribe.registry`): a dependency on
/// an experiment of a registered project is written with the key instead of the path, and a
/// key read from a file is resolved to the registered path.
class project_registry {
public:
    /// @brief Registers `project_file` under `key` (replacing an earlier entry).
    static void add(std::string key, std::filesystem::path project_file) {
        std::lock_guard lock(mutex());
        entries()[std::move(key)] = std::move(project_file);
    }
    static void remove(const std::string& key) {
        std::lock_guard lock(mutex());
        entries().erase(key);
    }
    static void clear() {
        std::lock_guard lock(mutex());
        entries().clear();
    }
    /// @brief The path registered under key, if any.
    static std::optional<std::filesystem::path> find(const std::string& key) {
        std::lock_guard lock(mutex());
        const auto it = entries().find(key);
        if (it == entries().end()) return std::nullopt;
        return it->second;
    }
    /// @brief The key a project file is registered under, if any. Paths compare as Python's
    /// Path objects do: `./a//b.json` is `a/b.json`; a registered "s3://b/p.json" is the
    /// project whose storage path is "b/p.json".
    static std::optional<std::string> key_of(const std::filesystem::path& project_file) {
        const std::string wanted = python_path_text(project_file);
        std::lock_guard lock(mutex());
        for (const auto& [key, path] : entries()) {
            if (python_path_text(without_protocol(path)) == wanted) return key;
        }
        return std::nullopt;
    }
    /// @brief "b/p.json" of "s3://b/p.json": the path within its storage.
    [[nodiscard]] static std::filesystem::path without_protocol(const std::filesystem::path& p) {
        const std::string s = p.string();
        const auto sep = s.find("://");
        return sep == std::string::npos ? p : std::filesystem::path(s.substr(sep + 3));
    }

    /// @brief `str(pathlib.PurePosixPath(p))`: repeated '/' and '.' parts dropped, no trailing
    /// '/', exactly two leading '/' kept, "." for an empty path. How Python spells a path.
    [[nodiscard]] static std::string python_path_text(const std::filesystem::path& p) {
        const std::string s = p.string();  // generic_string() would merge a leading "//"
        std::string out;
        std::size_t i = 0;
        if (s.starts_with("//") && !s.starts_with("///")) {
            out = "//";
        } else if (s.starts_with('/')) {
            out = "/";
        }
        const std::size_t root = out.size();
        while (i < s.size()) {
            const std::size_t end = std::min(s.find('/', i), s.size());
            const std::string_view part(s.data() + i, end - i);
            if (!part.empty() && part != ".") {
                if (out.size() > root) out += '/';
                out += part;
            }
            i = end + 1;
        }
        return out.empty() ? std::string(".") : out;
    }

private:
    static std::map<std::string, std::filesystem::path>& entries() {
        static std::map<std::string, std::filesystem::path> instance;
        return instance;
    }
    static std::mutex& mutex() {
        static std::mutex instance;
        return instance;
    }
};

namespace detail {

// A mutex that copies and moves as a fresh mutex, so the objects holding it stay regular.
struct member_mutex {
    mutable std::mutex mutex;
    member_mutex() = default;
    member_mutex(const member_mutex&) noexcept {}
    member_mutex& operator=(const member_mutex&) noexcept { return *this; }
};

/// What experiments and tests share: metrics, parameters, artifacts, and the read-only rule.
template <class Derived, class Handlers>
class logging_base {
public:
    using handlers = Handlers;

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    /// @brief Metric name → value (a JSON object).
    [[nodiscard]] const json& metrics() const noexcept { return metrics_; }
    /// @brief Parameter name → value (a JSON object).
    [[nodiscard]] const json& parameters() const noexcept { return parameters_; }
    [[nodiscard]] const basic_artifact_set<Handlers>& artifacts() const noexcept { return artifacts_; }
    /// @brief Loaded from a file in read-only or append mode: every change throws read_only_error.
    [[nodiscard]] bool read_only() const noexcept { return read_only_; }

    /// @brief The metric `name`. A name that is not there throws not_found_error naming the
    /// experiment or test and the metrics it has (where `metrics()[name]` would be undefined).
    [[nodiscard]] const json& metric(std::string_view name) const { return entry(metrics_, name, "metric"); }
    /// @brief The parameter `name`; a missing name throws not_found_error, as metric() does.
    [[nodiscard]] const json& parameter(std::string_view name) const { return entry(parameters_, name, "parameter"); }

    /// @brief Logs (or overwrites) a metric: a number or a range of numbers.
    template <MetricValue T>
    void log_metric(std::string_view key, const T& value) {
        if constexpr (std::is_arithmetic_v<T>) {
            log_metric(key, json(value));
        } else {
            json list = json::array();
            for (const auto& v : value) list.push_back(v);
            log_metric(key, std::move(list));
        }
    }
    /// @brief Logs (or overwrites) a metric that is text ("adam", a std::string, a
    /// std::u16string, ...): stored as a JSON string, as Python stores a str.
    template <TextValue T>
    void log_metric(std::string_view key, const T& value) {
        require_writable("log_metric");  // before the text is converted: a read-only record says so first
        log_metric(key, json(detail::text_to_utf8(value, [&] { return "log_metric: '" + std::string(key) + "'"; })));
    }
    /// @brief Logs (or overwrites) a metric of any JSON value, as Python allows.
    void log_metric(std::string_view key, json value) {
        require_writable("log_metric");
        self().touch();
        metrics_[std::string(key)] = std::move(value);
    }

    /// @brief Logs (or overwrites) a parameter: any JSON value, anything with to_json, text
    /// (as a string), a time, or an offset_time.
    template <ParameterValue T>
    void log_parameter(std::string_view key, T&& value) {
        require_writable("log_parameter");
        json stored;
        if constexpr (TextValue<T>) {
            stored = detail::text_to_utf8(value, [&] { return "log_parameter: '" + std::string(key) + "'"; });
        } else if constexpr (std::is_constructible_v<json, T>) {
            stored = json(std::forward<T>(value));
        } else {
            stored = format_time(
                std::chrono::floor<std::chrono::seconds>(std::chrono::sys_time<std::chrono::seconds>(value)));
        }
        self().touch();
        parameters_[std::string(key)] = std::move(stored);
    }

    /// @brief Removes the metric `name` (Python: `del exp.metrics[name]`). A missing name throws
    /// not_found_error; read-only records throw read_only_error.
    void remove_metric(std::string_view name) { remove_entry(metrics_, name, "metric", "remove_metric"); }
    /// @brief Renames the metric `from` to `to`, keeping its value; an existing `to` is
    /// replaced (Python: `m[to] = m.pop(from)`). A missing `from` throws not_found_error.
    void rename_metric(std::string_view from, std::string_view to) {
        rename_entry(metrics_, from, to, "metric", "rename_metric");
    }
    /// @brief Removes the parameter `name`, as remove_metric does.
    void remove_parameter(std::string_view name) { remove_entry(parameters_, name, "parameter", "remove_parameter"); }
    /// @brief Renames the parameter `from` to `to`, as rename_metric does.
    void rename_parameter(std::string_view from, std::string_view to) {
        rename_entry(parameters_, from, to, "parameter", "rename_parameter");
    }

    /// @brief Removes the artifact `name` from the record. Its file, if it is on disk (loaded,
    /// or written by an earlier save()), is deleted by the project's next save(), after the
    /// project file is written, unless another record of the project names the same file by
    /// then. (Python, removing an artifact from the list, leaves the file behind.) An artifact
    /// logged and not saved yet simply goes. A missing name throws not_found_error.
    void remove_artifact(std::string_view artifact_name);

    // ---- Changes through a const experiment or test (`project[key]`, a project's iteration,
    // find(), `experiment.test(name)`). Each mutator has a const twin with the same parameters.
    // For a non-const object the original wins overload resolution (the twins differ only in
    // the const object), so a twin is chosen only where the original cannot be, and it says
    // what to do instead of g++'s "discards qualifiers" or clang's "no matching member function".
    // Every twin is a template, so that an explicit instantiation of the class (the compiled
    // library's) does not instantiate its static_assert.
    template <class Self = Derived>
    void log_metric(std::string_view, json) const {
        refuse_const_change<Self>();
    }  // any metric converts to json
    template <ParameterValue T>
    void log_parameter(std::string_view, T&&) const {
        refuse_const_change();
    }
    template <fixed_string Alias, class T>
    const artifact& log_artifact(std::string_view, T&&, log_options = {}) const {
        refuse_const_change();
    }
    template <class Self = Derived>
    void remove_metric(std::string_view) const {
        refuse_const_change<Self>();
    }
    template <class Self = Derived>
    void rename_metric(std::string_view, std::string_view) const {
        refuse_const_change<Self>();
    }
    template <class Self = Derived>
    void remove_parameter(std::string_view) const {
        refuse_const_change<Self>();
    }
    template <class Self = Derived>
    void rename_parameter(std::string_view, std::string_view) const {
        refuse_const_change<Self>();
    }
    template <class Self = Derived>
    void remove_artifact(std::string_view) const {
        refuse_const_change<Self>();
    }

    /// @brief Logs an artifact, written on the project's save(). The alias is checked at
    /// compile time against Handlers, and so is the value type.
    template <fixed_string Alias, class T>
    const artifact& log_artifact(std::string_view artifact_name, T&& value, log_options options = {}) {
        require_writable("log_artifact");
        const time_point created_at = self().touch();
        return artifacts_.template log_artifact_at<Alias>(created_at, artifact_name, std::forward<T>(value),
                                                          std::move(options));
    }

    /// @brief Reads an artifact back as a T through the handler named in its metadata.
    template <class T>
    [[nodiscard]] T load_artifact(std::string_view artifact_name, const load_options& options = {}) const {
        return artifacts_.template load_artifact<T>(artifact_name, options);
    }
    /// @brief load_artifact with the alias checked at compile time against T.
    template <class T, fixed_string Alias>
    [[nodiscard]] T load_artifact(std::string_view artifact_name, const load_options& options = {}) const {
        return artifacts_.template load_artifact<T, Alias>(artifact_name, options);
    }

protected:
    logging_base() = default;

    // Named in the failing condition, so that the compiler prints the experiment or test type.
    template <class Object>
    struct const_object {
        static constexpr bool can_change = false;
    };
    template <class Self = Derived>
    [[noreturn]] static void refuse_const_change() {
        static_assert(const_object<Self>::can_change,
                      "lazyscribe: this experiment or test is const (project[key] and experiment.test(name) are "
                      "read-only views), so it cannot be changed; open the project with lazyscribe::mode::edit and "
                      "change it through project.edit(key) (a test: project.edit(key).edit_test(name))");
        std::terminate();
    }

    Derived& self() noexcept { return static_cast<Derived&>(*this); }

    void require_writable(const char* operation) const {
        if (read_only_) {
            throw read_only_error(std::string(operation) + ": " + static_cast<const Derived&>(*this).describe() +
                                  " was loaded read-only; open the project in edit mode to change it");
        }
    }

    // Once the record is read: places the artifacts in `subfolder` of home and reads their
    // metadata. here() names the entry in errors (built only for one). `unplaced_levels`:
    // folders above `subfolder` not known yet (a test read before its experiment's slug),
    // which a `..` in an fname may climb too.
    template <class Here>
    void place_artifacts(const Here& here, const std::optional<json>& artifacts,
                         std::shared_ptr<const detail::artifact_home> home, std::string subfolder,
                         std::size_t unplaced_levels = 0);

    // The file `fname` of this record's folder, relative to the project folder, normalised so
    // that two spellings of one file compare equal.
    [[nodiscard]] std::string relative_file(const std::string& fname) const {
        const std::filesystem::path sub(artifacts_.subfolder());
        return (sub / std::filesystem::path(fname)).lexically_normal().generic_string();
    }

    const json& entry(const json& object, std::string_view name, const char* kind) const {
        if (const auto it = object.find(std::string(name)); it != object.end()) return *it;
        throw not_found_error(static_cast<const Derived&>(*this).describe() + " has no " + kind + " named '" +
                              std::string(name) + "'; " + kind + "s: " + names_of(object));
    }
    static std::string names_of(const json& object);
    void remove_entry(json& object, std::string_view name, const char* kind, const char* operation);
    void rename_entry(json& object, std::string_view from, std::string_view to, const char* kind,
                      const char* operation);

    std::string name_;
    json metrics_ = json::object();
    json parameters_ = json::object();
    basic_artifact_set<Handlers> artifacts_;
    bool read_only_ = false;
    clock_function clock_ = &now;
    // Files of artifacts removed in this session, relative to the project folder: the
    // project's save() deletes those no record names any more (see remove_artifact).
    std::vector<std::string> removed_files_;
};

template <class Derived, class Handlers>
void logging_base<Derived, Handlers>::remove_artifact(std::string_view artifact_name) {
    require_writable("remove_artifact");
    auto& entries = artifacts_.entries_;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].name() != artifact_name) continue;
        self().touch();
        if (!entries[i].dirty()) removed_files_.push_back(relative_file(entries[i].fname()));
        entries.erase(i);
        return;
    }
    std::string known;
    for (const auto& a : entries) known += (known.empty() ? "'" : ", '") + a.name() + "'";
    throw not_found_error("remove_artifact: " + static_cast<const Derived&>(*this).describe() +
                          " has no artifact named '" + std::string(artifact_name) +
                          "'; artifacts: " + (known.empty() ? "(none)" : known));
}

template <class Derived, class Handlers>
template <class Here>
void logging_base<Derived, Handlers>::place_artifacts(const Here& here, const std::optional<json>& artifacts,
                                                      std::shared_ptr<const detail::artifact_home> home,
                                                      std::string subfolder, std::size_t unplaced_levels) {
    artifacts_.place(std::move(home), std::move(subfolder));
    if (artifacts)
        artifacts_.read_entries(
            *artifacts, [&] { return here() + ": artifacts"; }, unplaced_levels);
}

template <class Derived, class Handlers>
std::string logging_base<Derived, Handlers>::names_of(const json& object) {
    std::string known;
    for (const auto& [key, value] : object.items()) known += (known.empty() ? "'" : ", '") + key + "'";
    return known.empty() ? "(none)" : known;
}

template <class Derived, class Handlers>
void logging_base<Derived, Handlers>::remove_entry(json& object, std::string_view name, const char* kind,
                                                   const char* operation) {
    require_writable(operation);
    const auto it = object.find(std::string(name));
    if (it == object.end()) {
        throw not_found_error(std::string(operation) + ": " + static_cast<const Derived&>(*this).describe() +
                              " has no " + kind + " named '" + std::string(name) + "'; " + kind +
                              "s: " + names_of(object));
    }
    self().touch();
    object.erase(it);
}

template <class Derived, class Handlers>
void logging_base<Derived, Handlers>::rename_entry(json& object, std::string_view from, std::string_view to,
                                                   const char* kind, const char* operation) {
    require_writable(operation);
    const auto it = object.find(std::string(from));
    if (it == object.end()) {
        throw not_found_error(std::string(operation) + ": " + static_cast<const Derived&>(*this).describe() +
                              " has no " + kind + " named '" + std::string(from) + "'; " + kind +
                              "s: " + names_of(object));
    }
    if (from == to) return;
    json value = std::move(*it);
    self().touch();
    object.erase(it);
    object[std::string(to)] = std::move(value);
}

}  // namespace detail

/// @brief A test: results of an experiment on a sub-population (docs/format.md §4.2). Its files
/// live in `<experiment folder>/<slugify(test name)>/`.
template <class Handlers>
class basic_test : public detail::logging_base<basic_test<Handlers>, Handlers> {
    using base = detail::logging_base<basic_test<Handlers>, Handlers>;
    friend base;
    friend class basic_experiment<Handlers>;
    friend class basic_project<Handlers>;

public:
    /// @brief The optional free-text description (null in the file when absent).
    [[nodiscard]] const std::optional<std::string>& description() const noexcept { return description_; }
    /// @brief The folder of this test's artifacts.
    [[nodiscard]] std::filesystem::path path() const { return this->artifacts_.folder(); }

    /// @brief The object written in the project file.
    [[nodiscard]] json to_json() const;

    /// @brief Appends to_json() as pyjson::dump_to would write it at nesting level `depth`
    /// (options.indent >= 0), straight from the records.
    void write_json(std::string& out, const detail::pyjson::dump_options& options, std::size_t depth) const;

    friend bool operator==(const basic_test& a, const basic_test& b) { return a.to_json() == b.to_json(); }

protected:
    basic_test() = default;
    basic_test(std::string name, std::optional<std::string> description,
               std::shared_ptr<const detail::artifact_home> home, const std::string& experiment_subfolder,
               clock_function clock);

    // Reads one test object at the reader's position; where() names it in errors.
    template <class Where>
    static basic_test read(detail::document_reader& reader, const std::shared_ptr<const detail::artifact_home>& home,
                           const std::string& experiment_subfolder, bool read_only, clock_function clock,
                           const Where& where);

    time_point touch() { return this->clock_(); }
    std::string describe() const;

    std::optional<std::string> description_;
    json extra_keys_;  // keys this version does not know (null until there is one: no allocation)

    template <class Where>
    struct read_context;

    // The test object of the file format (docs/format.md §4.2): one line per field.
    using record_description = detail::record::description<
        detail::record::field<"artifacts", &basic_test::artifacts_, detail::record::artifact_list>,
        detail::record::field<"description", &basic_test::description_, detail::record::nullable_text>,
        detail::record::field<"metrics", &basic_test::metrics_, detail::record::json_object>,
        detail::record::field<"name", &basic_test::name_, detail::record::identity_text>,
        detail::record::field<"parameters", &basic_test::parameters_, detail::record::json_object>>;
};

template <class Handlers>
basic_test<Handlers>::basic_test(std::string name, std::optional<std::string> description,
                                 std::shared_ptr<const detail::artifact_home> home,
                                 const std::string& experiment_subfolder, clock_function clock) {
    this->name_ = std::move(name);
    description_ = std::move(description);
    this->clock_ = clock;
    const slug_table table = home->slugs;
    this->artifacts_.place(std::move(home), experiment_subfolder + "/" + detail::slugify(this->name_, table));
}

template <class Handlers>
std::string basic_test<Handlers>::describe() const {
    // The folder is "<experiment slug>/<test folder>": the slug names the experiment.
    const std::string& folder = this->artifacts_.subfolder();
    const auto slash = folder.rfind('/');
    if (slash == std::string::npos) return "test '" + this->name_ + "'";
    return "test '" + this->name_ + "' of experiment '" + folder.substr(0, slash) + "'";
}

// What reading a test knows besides the test: where it is, and its experiment's folder.
template <class Handlers>
template <class Where>
struct basic_test<Handlers>::read_context {
    basic_test& t;
    const Where& where_;
    const std::shared_ptr<const detail::artifact_home>& home;
    const std::string& experiment_subfolder;

    std::string where() const { return where_(); }
    std::string here() const { return where_() + " (test '" + t.name_ + "')"; }
    void finish_artifacts(basic_artifact_set<Handlers>&, const std::optional<json>& entries) {
        // Python recomputes the test folder from the name at load time; it is never stored.
        std::string folder = detail::slugify(t.name_, home->slugs);
        const bool experiment_unplaced = experiment_subfolder.empty();
        t.place_artifacts([&] { return here(); }, entries, home,
                          experiment_unplaced ? std::move(folder) : experiment_subfolder + "/" + folder,
                          experiment_unplaced ? 1 : 0);
    }
};

template <class Handlers>
json basic_test<Handlers>::to_json() const {
    return detail::record::to_json<record_description>(*this, extra_keys_);
}

template <class Handlers>
void basic_test<Handlers>::write_json(std::string& out, const detail::pyjson::dump_options& options,
                                      std::size_t depth) const {
    detail::pyjson::member_writer w(out, options, depth);
    detail::record::write_members<record_description>(w, *this, extra_keys_);
    w.finish();
}

template <class Handlers>
template <class Where>
basic_test<Handlers> basic_test<Handlers>::read(detail::document_reader& reader,
                                                const std::shared_ptr<const detail::artifact_home>& home,
                                                const std::string& experiment_subfolder, bool read_only,
                                                clock_function clock, const Where& where) {
    basic_test t;
    t.clock_ = clock;  // an edit stamps the project's "now", as a new test does
    if (!detail::next_starts_with(reader, '{', detail::test_depth)) {
        throw format_error(where() + ": expected a test object");
    }
    read_context<Where> ctx{t, where, home, experiment_subfolder};
    detail::record::read<record_description>(reader, t, t.extra_keys_, detail::test_member_depth, ctx);
    t.read_only_ = read_only;
    return t;
}

/// @brief The scope of a test being logged: use it as the test; it joins its experiment at
/// commit() (which throws if that fails) or when the scope ends, unless an exception is
/// propagating. The destructor never throws: if joining fails there, the experiment keeps the
/// error, and committing the experiment to its project reports it (see basic_project).
template <class Handlers>
class test_scope : public basic_test<Handlers> {
public:
    test_scope(const test_scope&) = delete;
    test_scope& operator=(const test_scope&) = delete;
    ~test_scope() {
        if (committed_ || std::uncaught_exceptions() > uncaught_) return;
        try {
            commit();
        } catch (...) {
            owner_->failed_test_ = std::current_exception();  // no allocation: cannot fail
        }
    }
    /// @brief Adds the test to its experiment now; throws what that throws.
    void commit() {
        if (committed_) return;
        owner_->add_test(std::move(static_cast<basic_test<Handlers>&>(*this)));
        committed_ = true;
    }

private:
    friend class basic_experiment<Handlers>;
    test_scope(basic_experiment<Handlers>& owner, basic_test<Handlers> test)
        : basic_test<Handlers>(std::move(test)), owner_(&owner), uncaught_(std::uncaught_exceptions()) {}

    basic_experiment<Handlers>* owner_;
    int uncaught_;
    bool committed_ = false;
};

/// @brief A dependency on an experiment of another project (docs/format.md §4.3).
struct dependency {
    /// @brief The upstream experiment's short slug: the key Python keeps them under.
    std::string short_slug;
    /// @brief The project reference: a registry key or the project path as its Project holds it.
    std::string project;
    /// @brief The upstream experiment's slug.
    std::string slug;
    /// @brief The string as it was read or added: "<project>|<slug>".
    [[nodiscard]] std::string encoded() const { return project + "|" + slug; }
    /// @brief The upstream project's file, as its project object holds it (empty while the
    /// dependency is not resolved).
    std::filesystem::path project_file{};
    /// @brief The string a save writes now. As Python 2.2.1 serializes at save time: the
    /// registry key the upstream project file is registered under, else that file as Python
    /// spells the path; encoded() when there is no file.
    [[nodiscard]] std::string written() const {
        if (project_file.empty()) return encoded();
        if (auto key = project_registry::key_of(project_file)) return *key + "|" + slug;
        return project_registry::python_path_text(project_file) + "|" + slug;
    }
    friend bool operator==(const dependency&, const dependency&) = default;
};

namespace detail {

// An experiment's dependencies: written as the strings a save writes now, read as
// "<project>|<slug>" strings kept encoded (the project resolves them).
struct dependency_list {
    struct state {
        std::vector<std::string> texts;
        string_array_status status;
    };
    static constexpr int phase = 1;
    static void write(record::writer& w, std::string_view key, const std::vector<dependency>& v) {
        w.array(key, v.size(), [&](std::size_t i, std::size_t) {
            pyjson::impl::append_string(w.out(), v[i].written(), w.options().ensure_ascii);
        });
    }
    static json to_json(const std::vector<dependency>& v) {
        json deps = json::array();
        for (const auto& d : v) deps.push_back(d.written());
        return deps;
    }
    template <class Ctx>
    static void read(document_reader& reader, state& s, std::vector<dependency>&, std::size_t depth, Ctx&) {
        read_string_array(reader, s.texts, s.status, depth);
    }
    template <class Ctx, class Here>
    static void finish(state& s, std::vector<dependency>& v, const char* key, Ctx&, const Here& here);
};

template <class Ctx, class Here>
void dependency_list::finish(state& s, std::vector<dependency>& v, const char* key, Ctx&, const Here& here) {
    if (!s.status.is_array) throw format_error(here() + ": field '" + key + "' must be an array of strings");
    for (std::size_t i = 0; i < s.texts.size() || i == s.status.first_not_string; ++i) {
        const auto field = [&] { return here() + ": " + key + "[" + std::to_string(i) + "]"; };
        if (i == s.status.first_not_string) throw format_error(field() + " must be a string");
        const auto& text = s.texts[i];
        const auto bar = text.find('|');
        if (bar == std::string::npos || text.find('|', bar + 1) != std::string::npos) {
            throw format_error(field() + ": '" + text + "' must be '<project>|<experiment slug>'");
        }
        // The short slug is only known once the upstream project is loaded.
        v.push_back(dependency{"", text.substr(0, bar), text.substr(bar + 1)});
    }
}

}  // namespace detail

/// @brief One experiment: metrics, parameters, tags, tests, artifacts and dependencies.
template <class Handlers>
class basic_experiment : public detail::logging_base<basic_experiment<Handlers>, Handlers> {
    using base = detail::logging_base<basic_experiment<Handlers>, Handlers>;
    friend base;
    friend class basic_project<Handlers>;
    friend class test_scope<Handlers>;

public:
    using test_type = basic_test<Handlers>;

    [[nodiscard]] const std::string& slug() const noexcept { return slug_; }
    [[nodiscard]] const std::string& short_slug() const noexcept { return short_slug_; }
    [[nodiscard]] const std::string& author() const noexcept { return author_; }
    [[nodiscard]] const std::string& last_updated_by() const noexcept { return last_updated_by_; }
    [[nodiscard]] time_point created_at() const noexcept { return created_at_; }
    [[nodiscard]] time_point last_updated() const noexcept { return last_updated_; }
    [[nodiscard]] const std::vector<std::string>& tags() const noexcept { return tags_; }
    [[nodiscard]] const detail::stable_vector<test_type>& tests() const noexcept { return tests_; }
    [[nodiscard]] const std::vector<dependency>& dependencies() const noexcept { return dependencies_; }
    /// @brief The experiment's folder: `<project folder>/<slug>`.
    [[nodiscard]] std::filesystem::path path() const { return this->artifacts_.folder(); }

    /// @brief Where the run stands, from its status tag (docs/format.md §11): finished for
    /// experiments not logged live; crashed for a "running" one whose heartbeat
    /// (last_updated) is older than the project's crashed_after.
    [[nodiscard]] run_status status() const;
    /// @brief What the status tag says (nullopt for an experiment not logged live): "running"
    /// for a crashed run not recovered yet, "crashed" once a writer recovered it.
    [[nodiscard]] std::optional<run_status> recorded_status() const noexcept;
    /// @brief Whether it was logged live (it carries a "lazyscribe.status=" tag).
    [[nodiscard]] bool live_run() const noexcept { return status_tag() != nullptr; }
    /// @brief The run's step-indexed histories, in first-logged order: from its history
    /// artifact, or, while it runs or after a crash not yet recovered, from its journal as far
    /// as it was flushed. Read on first use and kept. Empty for an experiment not logged live.
    /// A run live in this process is read through its scope instead (read_only_error).
    [[nodiscard]] const metric_histories& histories() const;
    /// @brief The history of metric `name`; not_found_error lists the histories there are.
    [[nodiscard]] const metric_history& history(std::string_view name) const {
        return histories().at(name, describe());
    }

    // ---- The experiment's own mutators get const twins too (the shared ones are in logging_base).
    // clang-format off
    template <class... Tags>
        requires(std::is_convertible_v<const Tags&, std::string_view> && ...)
    void tag(const Tags&...) const { base::refuse_const_change(); }
    // clang-format on
    template <class Self = basic_experiment>
    void tag(std::vector<std::string>, bool) const {
        base::template refuse_const_change<Self>();
    }
    template <class Self = basic_experiment>
    test_scope<Handlers> log_test(std::string, std::optional<std::string> = std::nullopt) const {
        base::template refuse_const_change<Self>();
    }
    template <class F>
    requires std::invocable<F&, test_type&>
    void log_test(std::string, std::optional<std::string>, F&&) const { base::refuse_const_change(); }
    template <class F>
    requires std::invocable<F&, test_type&>
    void log_test(std::string, F&&) const { base::refuse_const_change(); }
    template <class Self = basic_experiment>
    void add_dependency(const basic_experiment&) const {
        base::template refuse_const_change<Self>();
    }
    template <class Self = basic_experiment>
    void remove_tag(std::string_view) const {
        base::template refuse_const_change<Self>();
    }
    template <class Self = basic_experiment>
    test_type& edit_test(std::string_view) const {
        base::template refuse_const_change<Self>();
    }
    template <class Self = basic_experiment>
    void remove_test(std::string_view) const {
        base::template refuse_const_change<Self>();
    }
    template <class Self = basic_experiment>
    void remove_dependency(std::string_view) const {
        base::template refuse_const_change<Self>();
    }

    /// @brief The test named `name` (the first one, as tests keep file order).
    [[nodiscard]] const test_type& test(std::string_view name) const {
        for (const auto& t : tests_)
            if (t.name() == name) return t;
        std::string known;
        for (const auto& t : tests_) known += (known.empty() ? "'" : ", '") + t.name() + "'";
        throw not_found_error("experiment '" + slug_ + "' has no test named '" + std::string(name) +
                              "'; tests: " + (known.empty() ? "(none)" : known));
    }

    /// @brief Appends tags (duplicates are kept, as in Python).
    // clang-format off
    template <class... Tags>
        requires(std::is_convertible_v<const Tags&, std::string_view> && ...)
    void tag(const Tags&... new_tags) {
        tag(std::vector<std::string>{std::string(std::string_view(new_tags))...}, false);
    }
    // clang-format on
    /// @brief Appends tags, or replaces them all when `overwrite` is true.
    void tag(std::vector<std::string> new_tags, bool overwrite);
    /// @brief Removes every occurrence of `tag`; throws not_found_error, listing the tags,
    /// when there is none.
    void remove_tag(std::string_view tag);

    /// @brief Starts a test; it joins this experiment when the returned scope ends without
    /// an exception. Safe to call from several threads at once.
    [[nodiscard]] test_scope<Handlers> log_test(std::string name,
                                                std::optional<std::string> description = std::nullopt) {
        this->require_writable("log_test");
        return test_scope<Handlers>(*this, test_type(std::move(name), std::move(description), this->artifacts_.home(),
                                                     this->artifacts_.subfolder(), this->clock_));
    }
    /// @brief Logs a test inside `f(test&)`; it joins only if f returns normally.
    template <class F>
    requires std::invocable<F&, test_type&>
    void log_test(std::string name, std::optional<std::string> description, F&& f) {
        auto scope = log_test(std::move(name), std::move(description));
        std::forward<F>(f)(static_cast<test_type&>(scope));
        scope.commit();
    }
    /// @brief The test named `name` (the first one), to change: its metrics, parameters and
    /// artifacts. Counts as an edit of this experiment (last_updated moves now; in edit mode
    /// last_updated_by becomes the project's author on save). Throws read_only_error for an
    /// experiment loaded read-only, not_found_error for a missing name.
    [[nodiscard]] test_type& edit_test(std::string_view name) {
        this->require_writable("edit_test");
        auto& t = const_cast<test_type&>(test(name));  // ours: test() only hands out const
        touch();
        return t;
    }
    /// @brief Removes the test named `name` (the first one). Files of its artifacts that are
    /// on disk are deleted by the project's next save(), as remove_artifact's are. Throws
    /// read_only_error or not_found_error as edit_test does. Not safe while a log_test scope
    /// of this experiment is open on another thread.
    void remove_test(std::string_view name);
    /// @brief log_test without a description, inside `f(test&)`.
    template <class F>
    requires std::invocable<F&, test_type&>
    void log_test(std::string name, F&& f) { log_test(std::move(name), std::nullopt, std::forward<F>(f)); }

    /// @brief Records a dependency on `upstream`, an experiment of another project, under
    /// its short slug (a second one with the same short slug replaces the first).
    void add_dependency(const basic_experiment& upstream);

    /// @brief Removes the dependency kept under `short_slug` (the upstream experiment's short
    /// slug, Python's dict key). As add_dependency, and as `del exp.dependencies[k]` in
    /// Python, it moves neither last_updated nor last_updated_by. A missing key throws
    /// not_found_error listing the keys.
    void remove_dependency(std::string_view short_slug);

    /// @brief Adds the artifact `name` to `repo` as a new version (Python's promote_artifact):
    /// refused (artifact_log_error) unless it is newer than the repository's latest version;
    /// the file is copied and the repository saved, and the copy undone if that save fails.
    template <class Repository>
    void promote_artifact(Repository& repo, std::string_view name) const {
        repo.promote(this->artifacts_.at(name), path(), this->artifacts_.files().get());  // the project's storage
    }

    /// @brief The object written in the project file (docs/format.md §4.1), keys sorted on output.
    [[nodiscard]] json to_json() const;

    /// @brief Appends this experiment's object to `out` exactly as dump_to(to_json(), out,
    /// options) would (options.initial_depth is the object's nesting level), straight from
    /// the records: saving a large project costs no more than writing it.
    void write_json(std::string& out, const detail::pyjson::dump_options& options) const;

    /// @brief Equal content, as Python compares experiments (dependencies are not compared).
    friend bool operator==(const basic_experiment& a, const basic_experiment& b) {
        json ja = a.to_json();
        json jb = b.to_json();
        ja.erase("dependencies");
        jb.erase("dependencies");
        return ja == jb;
    }

    /// @brief Python's ordering: same slug → by last_updated, otherwise by created_at.
    [[nodiscard]] bool sorts_before(const basic_experiment& other) const noexcept {
        return detail::sorts_before(*this, other);
    }

protected:
    basic_experiment() = default;

    // A new experiment of the project whose files live in `home`.
    basic_experiment(std::string name, std::string author, std::shared_ptr<const detail::artifact_home> home,
                     clock_function clock);

    // Reads the experiment object at the reader's position into e (a fresh experiment).
    // Dependencies are kept encoded; the project resolves them. where() names the file and
    // the entry in errors (built only for an error).
    template <class Where>
    static void read(detail::document_reader& reader, basic_experiment& e, const Where& where,
                     const std::shared_ptr<const detail::artifact_home>& home, bool read_only,
                     const std::string& reader_user, clock_function clock);

    // The reference a downstream project writes for our project: its registry key, else its
    // path as the project holds it; empty outside a project.
    [[nodiscard]] std::string project_reference() const;

    // After the project file is written: deletes the files of artifacts removed in this
    // session (remove_artifact, remove_test) that no record of the project names any more.
    // A file that resolves outside the project folder (a planted symbolic link) is left alone.
    template <class Experiments>
    static void discard_removed_files(const Experiments& experiments);

    void put_dependency(dependency d);

    void add_test(test_type t);

    time_point touch() {
        last_updated_ = this->clock_();
        changed_ = true;
        return last_updated_;
    }
    std::string describe() const { return "experiment '" + slug_ + "'"; }

    std::string slug_;
    std::string short_slug_;
    std::string author_;
    std::string last_updated_by_;
    time_point created_at_{};
    time_point last_updated_{};
    std::vector<std::string> tags_;
    detail::stable_vector<test_type> tests_;  // references to tests stay valid as tests are added
    std::vector<dependency> dependencies_;
    json extra_keys_;  // keys this version does not know: kept, never dropped (null while there are none)
    mutable std::size_t position_ = 0;  // index in the project's order, for "latest wins"
    bool from_disk_ = false;            // read from the project file, not logged in this session
    // Changed since it was created or loaded (last_updated has whole seconds: an edit in the
    // same second as the stored time would not show in it).
    bool changed_ = false;
    detail::member_mutex tests_mutex_;

    template <class Where>
    struct read_context;
    struct tests_codec;
    // Defaults of fields a file may leave out, as Python fills them in on load.
    struct author_default {  // the reading process's user
        template <class Ctx>
        std::string operator()(const Ctx& c) const {
            return c.reader_user;
        }
    };
    struct last_updated_by_default {
        template <class Ctx>
        std::string operator()(const Ctx& c) const {
            return c.e.author_;
        }
    };
    struct short_slug_default {
        template <class Ctx>
        std::string operator()(const Ctx& c) const {
            return detail::slugify(c.e.name_, c.home->slugs);
        }
    };
    struct slug_default {
        template <class Ctx>
        std::string operator()(const Ctx& c) const {
            return detail::experiment_slug(c.e.name_, detail::format_stamp(c.e.created_at_), c.home->slugs);
        }
    };

    // The experiment object of the file format (docs/format.md §4.1): one line per field.
    using record_description = detail::record::description<
        detail::record::field<"artifacts", &basic_experiment::artifacts_, detail::record::artifact_list>,
        detail::record::field<"author", &basic_experiment::author_, detail::record::text_or<author_default>>,
        detail::record::field<"created_at", &basic_experiment::created_at_, detail::record::time>,
        detail::record::field<"dependencies", &basic_experiment::dependencies_, detail::dependency_list>,
        detail::record::field<"last_updated", &basic_experiment::last_updated_, detail::record::time>,
        detail::record::field<"last_updated_by", &basic_experiment::last_updated_by_,
                              detail::record::text_or<last_updated_by_default>>,
        detail::record::field<"metrics", &basic_experiment::metrics_, detail::record::json_object>,
        detail::record::field<"name", &basic_experiment::name_, detail::record::identity_text>,
        detail::record::field<"parameters", &basic_experiment::parameters_, detail::record::json_object>,
        detail::record::field<"short_slug", &basic_experiment::short_slug_,
                              detail::record::text_or<short_slug_default>>,
        detail::record::field<"slug", &basic_experiment::slug_, detail::record::folder_text_or<slug_default>>,
        detail::record::field<"tags", &basic_experiment::tags_, detail::record::string_array>,
        detail::record::field<"tests", &basic_experiment::tests_, tests_codec>>;
    // Why a test scope's destructor could not add its test; its project's commit reports it.
    std::exception_ptr failed_test_;

    // Live runs (history.hpp). live_: logged live by this session (its record here is the one
    // that counts, whatever the file says meanwhile); live_active_: its scope is open.
    bool live_ = false;
    bool live_active_ = false;
    mutable std::shared_ptr<const metric_histories> histories_;
    mutable detail::member_mutex histories_mutex_;

    [[nodiscard]] const std::string* status_tag() const noexcept {
        const auto it = std::find_if(tags_.rbegin(), tags_.rend(),
                                     [](const std::string& t) { return t.starts_with(status_tag_prefix); });
        return it == tags_.rend() ? nullptr : &*it;
    }
    // Each history's last value into metrics, as the convention keeps them (format.md §11.1).
    void put_last_values(const metric_histories& histories) {
        for (const auto& [metric, h] : histories)
            if (!h.empty()) this->metrics_[metric] = h.last();
    }
    // Replaces every status tag with the one of `s`.
    void set_status_tag(run_status s) {
        std::erase_if(tags_, [](const std::string& t) { return t.starts_with(status_tag_prefix); });
        tags_.push_back(std::string(status_tag_prefix) + std::string(to_string(s)));
    }
    // The journal the run record names (nullopt without a run record or a journal in it).
    [[nodiscard]] std::optional<std::filesystem::path> journal_file() const;
    // What the run's journal holds (empty when there is none).
    [[nodiscard]] detail::journal_contents read_journal() const;
    [[nodiscard]] metric_histories load_histories() const;
};

template <class Handlers>
std::optional<run_status> basic_experiment<Handlers>::recorded_status() const noexcept {
    const std::string* tag = status_tag();
    if (tag == nullptr) return std::nullopt;
    const std::string_view word = std::string_view(*tag).substr(status_tag_prefix.size());
    for (const auto s : {run_status::running, run_status::failed, run_status::crashed})
        if (word == to_string(s)) return s;
    return run_status::finished;
}

template <class Handlers>
run_status basic_experiment<Handlers>::status() const {
    if (live_active_) return run_status::running;
    const auto recorded = recorded_status();
    if (recorded != run_status::running) return recorded.value_or(run_status::finished);
    const auto& home = this->artifacts_.home();
    return this->clock_() - last_updated_ > home->crashed_after ? run_status::crashed : run_status::running;
}

template <class Handlers>
std::optional<std::filesystem::path> basic_experiment<Handlers>::journal_file() const {
    const artifact* run = this->artifacts_.find(run_artifact_name);
    if (run == nullptr || run->handler() != "json") return std::nullopt;
    const auto record_file = path() / run->fname();
    const auto text = this->artifacts_.files()->read(record_file);
    if (!text) return std::nullopt;
    const auto record = detail::pyjson::parse<json>(*text, record_file.string());
    const auto it = record.is_object() ? record.find("journal") : record.end();
    if (it == record.end() || !it->is_string()) return std::nullopt;
    const auto name = it->template get<std::string>();
    // A bare file name of the experiment's folder, nothing that leads elsewhere.
    if (name.empty() || name.find('/') != std::string::npos || name.find('\\') != std::string::npos || name == "..") {
        throw format_error(record_file.string() +
                           ": field 'journal' must be a file name of the experiment's folder; it is '" + name + "'");
    }
    return path() / name;
}

template <class Handlers>
detail::journal_contents basic_experiment<Handlers>::read_journal() const {
    const auto file = journal_file();
    if (!file) return {};
    const auto text = this->artifacts_.files()->read(*file);
    if (!text) return {};
    return detail::read_journal(*text, file->string());
}

template <class Handlers>
metric_histories basic_experiment<Handlers>::load_histories() const {
    if (const artifact* a = this->artifacts_.find(history_artifact_name); a != nullptr && a->handler() == "json") {
        // Read as the json handler reads (any handler list): the convention fixes the format.
        const auto file = path() / a->fname();
        const auto text = this->artifacts_.files()->read(file);
        if (!text) throw not_found_error(describe() + ": history artifact file " + file.string() + " does not exist");
        return detail::histories_from_json(detail::pyjson::parse<ordered_json>(*text, file.string()), file.string());
    }
    if (!live_run()) return {};
    return read_journal().histories;
}

template <class Handlers>
const metric_histories& basic_experiment<Handlers>::histories() const {
    if (live_active_) {
        throw read_only_error("histories: " + describe() +
                              " is running live in this process; read a history through its scope "
                              "(scope.history(name)), or after the scope ends");
    }
    std::lock_guard lock(histories_mutex_.mutex);
    if (!histories_) histories_ = std::make_shared<const metric_histories>(load_histories());
    return *histories_;
}

template <class Handlers>
void basic_experiment<Handlers>::tag(std::vector<std::string> new_tags, bool overwrite) {
    this->require_writable("tag");
    touch();
    if (overwrite) tags_.clear();
    tags_.insert(tags_.end(), std::make_move_iterator(new_tags.begin()), std::make_move_iterator(new_tags.end()));
}

template <class Handlers>
void basic_experiment<Handlers>::remove_tag(std::string_view tag) {
    this->require_writable("remove_tag");
    const auto first = std::remove(tags_.begin(), tags_.end(), tag);
    if (first == tags_.end()) {
        std::string known;
        for (const auto& t : tags_) known += (known.empty() ? "'" : ", '") + t + "'";
        throw not_found_error("remove_tag: " + describe() + " has no tag '" + std::string(tag) +
                              "'; tags: " + (known.empty() ? "(none)" : known));
    }
    touch();
    tags_.erase(first, tags_.end());
}

template <class Handlers>
void basic_experiment<Handlers>::remove_test(std::string_view name) {
    this->require_writable("remove_test");
    const test_type& t = test(name);
    std::lock_guard lock(tests_mutex_.mutex);
    for (std::size_t i = 0; i < tests_.size(); ++i) {
        if (&tests_[i] != &t) continue;
        for (const auto& a : t.artifacts_) {
            if (!a.dirty()) this->removed_files_.push_back(t.relative_file(a.fname()));
        }
        this->removed_files_.insert(this->removed_files_.end(), t.removed_files_.begin(), t.removed_files_.end());
        touch();
        tests_.erase(i);
        return;
    }
}

template <class Handlers>
void basic_experiment<Handlers>::add_dependency(const basic_experiment& upstream) {
    this->require_writable("add_dependency");
    const std::string upstream_reference = upstream.project_reference();
    if (upstream_reference.empty()) {
        throw format_error("add_dependency: experiment '" + upstream.slug_ + "' does not belong to a saved project");
    }
    if (upstream_reference == project_reference()) {
        // Python recurses forever loading such a file; refuse to write one.
        throw format_error("add_dependency: '" + upstream.slug_ + "' is in this experiment's own project (" +
                           upstream_reference + "); dependencies must point to other projects");
    }
    // As in Python (a dict assignment): last_updated stays, and so does last_updated_by.
    const auto& upstream_file = upstream.artifacts_.home()->owner_file;
    put_dependency(dependency{upstream.short_slug_, upstream_reference, upstream.slug_, upstream_file});
}

template <class Handlers>
void basic_experiment<Handlers>::remove_dependency(std::string_view short_slug) {
    this->require_writable("remove_dependency");
    const auto it = std::find_if(dependencies_.begin(), dependencies_.end(),
                                 [&](const dependency& d) { return d.short_slug == short_slug; });
    if (it == dependencies_.end()) {
        std::string known;
        for (const auto& d : dependencies_) known += (known.empty() ? "'" : ", '") + d.short_slug + "'";
        throw not_found_error("remove_dependency: " + describe() + " has no dependency with short slug '" +
                              std::string(short_slug) + "'; dependencies: " + (known.empty() ? "(none)" : known));
    }
    dependencies_.erase(it);
}

template <class Handlers>
basic_experiment<Handlers>::basic_experiment(std::string name, std::string author,
                                             std::shared_ptr<const detail::artifact_home> home, clock_function clock) {
    this->name_ = std::move(name);
    this->clock_ = clock;
    author_ = std::move(author);
    last_updated_by_ = author_;
    created_at_ = clock();
    last_updated_ = created_at_;
    short_slug_ = detail::slugify(this->name_, home->slugs);
    slug_ = detail::experiment_slug(this->name_, detail::format_stamp(created_at_), home->slugs);
    this->artifacts_.place(std::move(home), slug_);
}

template <class Handlers>
std::string basic_experiment<Handlers>::project_reference() const {
    const auto& file = this->artifacts_.home()->owner_file;
    if (file.empty()) return {};
    if (auto key = project_registry::key_of(file)) return *key;
    return file.generic_string();
}

template <class Handlers>
template <class Experiments>
void basic_experiment<Handlers>::discard_removed_files(const Experiments& experiments) {
    const auto pending = [](const basic_experiment& e) {
        if (!e.removed_files_.empty()) return true;
        return std::any_of(e.tests_.begin(), e.tests_.end(),
                           [](const test_type& t) { return !t.removed_files_.empty(); });
    };
    if (std::none_of(experiments.begin(), experiments.end(), [&](const auto& e) { return pending(*e); })) return;
    std::set<std::string, std::less<>> named;
    for (const auto& e : experiments) {
        for (const auto& a : e->artifacts_) named.insert(e->relative_file(a.fname()));
        for (const auto& t : e->tests_)
            for (const auto& a : t.artifacts_) named.insert(t.relative_file(a.fname()));
    }
    // The project file is already saved: a file that cannot be removed now stays pending and is
    // tried again on the next save, rather than failing a save that succeeded.
    const auto discard = [&](std::vector<std::string>& files, const detail::artifact_home& home) {
        std::vector<std::string> still_pending;
        for (auto& file : files) {
            if (named.count(file) != 0) continue;
            const auto path = home.root / std::filesystem::path(file);
            try {
                home.files->check_inside(home.root, path);
            } catch (const lazyscribe::error&) {
                continue;
            }
            try {
                home.files->remove(path);
            } catch (const lazyscribe::save_error&) {
                still_pending.push_back(std::move(file));
            }
        }
        files = std::move(still_pending);
    };
    for (const auto& e : experiments) {
        auto& me = const_cast<basic_experiment&>(*e);  // the project's own: pending files are bookkeeping
        discard(me.removed_files_, *me.artifacts_.home());
        for (auto& t : me.tests_) discard(t.removed_files_, *t.artifacts_.home());
    }
}

template <class Handlers>
void basic_experiment<Handlers>::put_dependency(dependency d) {
    for (auto& existing : dependencies_) {
        if (existing.short_slug == d.short_slug) {
            existing = std::move(d);  // a dict keeps the first position, takes the new value
            return;
        }
    }
    dependencies_.push_back(std::move(d));
}

template <class Handlers>
void basic_experiment<Handlers>::add_test(test_type t) {
    std::lock_guard lock(tests_mutex_.mutex);
    last_updated_ = this->clock_();
    changed_ = true;
    tests_.push_back(std::move(t));
}

// What reading an experiment knows besides the experiment.
template <class Handlers>
template <class Where>
struct basic_experiment<Handlers>::read_context {
    basic_experiment& e;
    const Where& where_;
    const std::shared_ptr<const detail::artifact_home>& home;
    bool read_only;
    const std::string& reader_user;
    clock_function clock;
    const detail::text_field* identity = nullptr;  // the name as read so far, for the tests' messages

    std::string where() const { return where_(); }
    std::string here() const { return where_() + " (experiment '" + e.name_ + "')"; }
    void finish_artifacts(basic_artifact_set<Handlers>&, const std::optional<json>& entries) {
        e.place_artifacts([&] { return here(); }, entries, home, e.slug_);
    }
};

// Tests are read straight into records; their folder needs the slug, which may come later
// in the object, so they are placed once everything else is finished.
template <class Handlers>
struct basic_experiment<Handlers>::tests_codec {
    using state = bool;  // the value is not an array
    static constexpr int phase = 2;
    static void write(detail::record::writer& w, std::string_view key, const detail::stable_vector<test_type>& v) {
        w.array(key, v.size(), [&](std::size_t i, std::size_t depth) { v[i].write_json(w.out(), w.options(), depth); });
    }
    static json to_json(const detail::stable_vector<test_type>& v) {
        json tests = json::array();
        for (const auto& t : v) tests.push_back(t.to_json());
        return tests;
    }
    template <class Ctx>
    static void read(detail::document_reader& reader, state& not_array, detail::stable_vector<test_type>& v,
                     std::size_t depth, Ctx& ctx) {
        v.clear();
        not_array = !detail::next_starts_with(reader, '[', depth);
        if (not_array) return;
        reader.read_array([&](std::size_t i) {
            v.push_back(test_type::read(reader, ctx.home, std::string(), ctx.read_only, ctx.clock, [&] {
                const std::string entry = ctx.identity != nullptr && ctx.identity->is_text()
                                              ? ctx.where() + " (experiment '" + ctx.identity->value + "')"
                                              : ctx.where();
                return entry + ": tests[" + std::to_string(i) + "]";
            }));
        });
    }
    template <class Ctx, class Here>
    static void finish(state& not_array, detail::stable_vector<test_type>& v, const char* key, Ctx& ctx,
                       const Here& here) {
        if (not_array) throw format_error(here() + ": field '" + key + "' must be an array");
        for (auto& t : v) {
            t.artifacts_.place(ctx.home,
                               ctx.e.slug_ + "/" + t.artifacts_.subfolder());  // read relative to the experiment
        }
    }
};

template <class Handlers>
json basic_experiment<Handlers>::to_json() const {
    return detail::record::to_json<record_description>(*this, extra_keys_);
}

template <class Handlers>
void basic_experiment<Handlers>::write_json(std::string& out, const detail::pyjson::dump_options& options) const {
    if (options.indent < 0) {  // the one-line layout is rare here: take the simple road
        detail::pyjson::dump_to(to_json(), out, options);
        return;
    }
    detail::pyjson::member_writer w(out, options, options.initial_depth);
    detail::record::write_members<record_description>(w, *this, extra_keys_);
    w.finish();
}

template <class Handlers>
template <class Where>
void basic_experiment<Handlers>::read(detail::document_reader& reader, basic_experiment& e, const Where& where,
                                      const std::shared_ptr<const detail::artifact_home>& home, bool read_only,
                                      const std::string& reader_user, clock_function clock) {
    e.clock_ = clock;  // an edit stamps the project's "now" (last_updated, artifact names)
    if (!detail::next_starts_with(reader, '{', 1)) throw format_error(where() + ": expected an experiment object");
    read_context<Where> ctx{e, where, home, read_only, reader_user, clock};
    detail::record::read<record_description>(reader, e, e.extra_keys_, detail::experiment_member_depth, ctx);
    e.read_only_ = read_only;
}

}  // namespace lazyscribe
