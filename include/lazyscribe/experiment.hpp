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
#include <lazyscribe/detail/experiment_order.hpp>
#include <lazyscribe/detail/python_json.hpp>
#include <lazyscribe/detail/slugify.hpp>
#include <lazyscribe/detail/stable_vector.hpp>
#include <lazyscribe/detail/time.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/fixed_string.hpp>
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

template <class Handlers>
class basic_project;
template <class Handlers>
class basic_experiment;

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
    /// Path objects do: `./a//b.json` is `a/b.json`.
    static std::optional<std::string> key_of(const std::filesystem::path& project_file) {
        const std::string wanted = python_path_text(project_file);
        std::lock_guard lock(mutex());
        for (const auto& [key, path] : entries()) {
            if (python_path_text(path) == wanted) return key;
        }
        return std::nullopt;
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

// Reads a project file piece by piece (see basic_project's loader).
using document_reader = pyjson::impl::parser<json>;

// Nesting levels in a project file: [ experiment { member value, tests [ test { member value.
inline constexpr std::size_t experiment_member_depth = 2;
inline constexpr std::size_t test_depth = 3;
inline constexpr std::size_t test_member_depth = 4;

// True if the value at the reader's position starts with `first` ('{', '[' or '"');
// otherwise reads the value, so that its syntax is still checked, and returns false.
inline bool next_starts_with(document_reader& reader, char first, std::size_t depth) {
    if (reader.peek() == first) return true;
    json ignored;
    reader.read_one(ignored, depth);
    return false;
}

// A field read from a file whose type is checked once the whole object is read: the last
// occurrence of a repeated key wins, as in Python's json.load.
struct text_field {
    enum kind_t { absent, text, null, other } kind = absent;
    std::string value;

    void read(document_reader& reader, std::size_t depth) {
        const char next = reader.peek();
        if (next == '"') {
            value.clear();
            reader.read_string_value(value);
            kind = text;
            return;
        }
        json ignored;
        reader.read_one(ignored, depth);
        kind = ignored.is_null() ? null : other;
    }
    [[nodiscard]] bool is_text() const noexcept { return kind == text; }
};

// An array of strings read into `out`; how it went, for an error once the object is read.
struct string_array_status {
    static constexpr std::size_t none = static_cast<std::size_t>(-1);
    bool present = false;
    bool is_array = true;
    std::size_t first_not_string = none;  // index of the first element that is not a string
};

inline void read_string_array(document_reader& reader, std::vector<std::string>& out, string_array_status& status,
                              std::size_t depth) {
    out.clear();
    status = string_array_status{true, true, string_array_status::none};
    if (!next_starts_with(reader, '[', depth)) {
        status.is_array = false;
        return;
    }
    reader.read_array([&](std::size_t i) {
        if (next_starts_with(reader, '"', depth + 1)) {
            reader.read_string_value(out.emplace_back());
        } else if (status.first_not_string == string_array_status::none) {
            status.first_not_string = i;
        }
    });
}

// A field kept as JSON until the object is complete.
inline void read_json_field(document_reader& reader, std::optional<json>& field, std::size_t depth) {
    field.emplace();
    reader.read_one(*field, depth);
}

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
    void remove_artifact(std::string_view artifact_name) {
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

    // ---- Changes through a const experiment or test (`project[key]`, a project's iteration,
    // find(), `experiment.test(name)`). Each mutator has a const twin with the same parameters.
    // For a non-const object the original wins overload resolution (the twins differ only in
    // the const object), so a twin is chosen only where the original cannot be, and it says
    // what to do instead of g++'s "discards qualifiers" or clang's "no matching member function".
    void log_metric(std::string_view, json) const { refuse_const_change(); }  // any metric converts to json
    template <ParameterValue T>
    void log_parameter(std::string_view, T&&) const {
        refuse_const_change();
    }
    template <fixed_string Alias, class T>
    const artifact& log_artifact(std::string_view, T&&, log_options = {}) const {
        refuse_const_change();
    }
    void remove_metric(std::string_view) const { refuse_const_change(); }
    void rename_metric(std::string_view, std::string_view) const { refuse_const_change(); }
    void remove_parameter(std::string_view) const { refuse_const_change(); }
    void rename_parameter(std::string_view, std::string_view) const { refuse_const_change(); }
    void remove_artifact(std::string_view) const { refuse_const_change(); }

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

    // Reads a member that experiments and tests share (metrics, parameters, artifacts) at the
    // reader's position; false for any other key.
    bool read_common_member(std::string_view key, detail::document_reader& reader, std::optional<json>& artifacts,
                            std::size_t depth) {
        if (key == "metrics") {
            reader.read_one(metrics_, depth);
        } else if (key == "parameters") {
            reader.read_one(parameters_, depth);
        } else if (key == "artifacts") {
            if (reader.consume_empty_array()) {
                artifacts.reset();  // what Python writes for most entries: nothing to keep
            } else {
                detail::read_json_field(reader, artifacts, depth);
            }
        } else {
            return false;
        }
        return true;
    }

    // Once the object is read: checks the shared members and places the artifacts in
    // `subfolder` of home. here() names the entry in errors (built only for one).
    // `unplaced_levels`: folders above `subfolder` not known yet (a test read before its
    // experiment's slug), which a `..` in an fname may climb too.
    template <class Here>
    void finish_common(const Here& here, const std::optional<json>& artifacts,
                       std::shared_ptr<const detail::artifact_home> home, std::string subfolder,
                       std::size_t unplaced_levels = 0) {
        if (!metrics_.is_object()) throw format_error(here() + ": field 'metrics' must be an object");
        if (!parameters_.is_object()) throw format_error(here() + ": field 'parameters' must be an object");
        artifacts_.place(std::move(home), std::move(subfolder));
        if (artifacts)
            artifacts_.read_entries(
                *artifacts, [&] { return here() + ": artifacts"; }, unplaced_levels);
    }

    // The artifacts member, written straight from the records.
    void write_artifacts(detail::pyjson::member_writer& w) const {
        w.array("artifacts", artifacts_.size(), [&](std::size_t i, std::size_t depth) {
            artifacts_.begin()[static_cast<std::ptrdiff_t>(i)].write_json(w.out(), w.options(), depth);
        });
    }

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
    static std::string names_of(const json& object) {
        std::string known;
        for (const auto& [key, value] : object.items()) known += (known.empty() ? "'" : ", '") + key + "'";
        return known.empty() ? "(none)" : known;
    }
    void remove_entry(json& object, std::string_view name, const char* kind, const char* operation) {
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
    void rename_entry(json& object, std::string_view from, std::string_view to, const char* kind,
                      const char* operation) {
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

inline std::string required_string(const json& j, const char* key, const std::string& where) {
    const auto it = j.find(key);
    if (it == j.end()) throw format_error(where + ": missing field '" + key + "'");
    if (!it->is_string()) throw format_error(where + ": field '" + key + "' must be a string");
    return it->get<std::string>();
}

inline time_point required_time(const json& j, const char* key, const std::string& where) {
    const std::string text = required_string(j, key, where);
    const auto t = parse_time(text);
    if (!t) throw format_error(where + ": field '" + key + "' is not a date-time: '" + text + "'");
    return *t;
}

template <class Where>
std::string& required_text(text_field& field, const char* key, const Where& where) {
    if (field.kind == text_field::absent) throw format_error(where() + ": missing field '" + key + "'");
    if (!field.is_text()) throw format_error(where() + ": field '" + key + "' must be a string");
    return field.value;
}

template <class Where>
time_point required_time(text_field& field, const char* key, const Where& where) {
    const std::string& text = required_text(field, key, where);
    const auto t = parse_time(text);
    if (!t) throw format_error(where() + ": field '" + key + "' is not a date-time: '" + text + "'");
    return *t;
}

template <class Where>
std::string optional_text(text_field& field, const char* key, const Where& where, std::string fallback) {
    if (field.kind == text_field::absent) return fallback;
    if (!field.is_text()) throw format_error(where() + ": field '" + key + "' must be a string");
    return std::move(field.value);
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
    [[nodiscard]] json to_json() const {
        json j = extra_keys_;
        j["artifacts"] = this->artifacts_.to_json();
        j["description"] = description_ ? json(*description_) : json(nullptr);
        j["metrics"] = this->metrics_;
        j["name"] = this->name_;
        j["parameters"] = this->parameters_;
        return j;
    }

    /// @brief Appends to_json() as pyjson::dump_to would write it at nesting level `depth`
    /// (options.indent >= 0), straight from the records.
    void write_json(std::string& out, const detail::pyjson::dump_options& options, std::size_t depth) const {
        detail::pyjson::member_writer w(out, options, depth);
        auto it = extra_keys_.cbegin();
        w.extras_before(extra_keys_, it, "artifacts");
        this->write_artifacts(w);
        w.extras_before(extra_keys_, it, "description");
        if (description_) {
            w.string("description", *description_);
        } else {
            w.raw("description", "null");
        }
        w.extras_before(extra_keys_, it, "metrics");
        w.value("metrics", this->metrics_);
        w.extras_before(extra_keys_, it, "name");
        w.string("name", this->name_);
        w.extras_before(extra_keys_, it, "parameters");
        w.value("parameters", this->parameters_);
        w.extras_rest(extra_keys_, it);
        w.finish();
    }

    friend bool operator==(const basic_test& a, const basic_test& b) { return a.to_json() == b.to_json(); }

protected:
    basic_test() = default;
    basic_test(std::string name, std::optional<std::string> description,
               std::shared_ptr<const detail::artifact_home> home, const std::string& experiment_subfolder,
               clock_function clock) {
        this->name_ = std::move(name);
        description_ = std::move(description);
        this->clock_ = clock;
        const slug_table table = home->slugs;
        this->artifacts_.place(std::move(home), experiment_subfolder + "/" + detail::slugify(this->name_, table));
    }

    // Reads one test object at the reader's position; where() names it in errors.
    template <class Where>
    static basic_test read(detail::document_reader& reader, const std::shared_ptr<const detail::artifact_home>& home,
                           const std::string& experiment_subfolder, bool read_only, clock_function clock,
                           const Where& where) {
        basic_test t;
        t.clock_ = clock;  // an edit stamps the project's "now", as a new test does
        if (!detail::next_starts_with(reader, '{', detail::test_depth)) {
            throw format_error(where() + ": expected a test object");
        }
        detail::text_field name;
        detail::text_field description;
        std::optional<json> artifacts;
        reader.read_object([&](const std::string& member) {
            const std::string_view key = member;
            if (key == "name") {
                name.read(reader, detail::test_member_depth);
            } else if (key == "description") {
                description.read(reader, detail::test_member_depth);
            } else if (!t.read_common_member(key, reader, artifacts, detail::test_member_depth)) {
                reader.read_one(t.extra_keys_[member], detail::test_member_depth);
            }
        });
        t.name_ = std::move(detail::required_text(name, "name", where));
        const auto here = [&] { return where() + " (test '" + t.name_ + "')"; };
        if (description.kind == detail::text_field::other) {
            throw format_error(here() + ": field 'description' must be a string or null");
        }
        if (description.is_text()) t.description_ = std::move(description.value);
        // Python recomputes the test folder from the name at load time; it is never stored.
        std::string folder = detail::slugify(t.name_, home->slugs);
        const bool experiment_unplaced = experiment_subfolder.empty();
        t.finish_common(here, artifacts, home,
                        experiment_unplaced ? std::move(folder) : experiment_subfolder + "/" + folder,
                        experiment_unplaced ? 1 : 0);
        t.read_only_ = read_only;
        return t;
    }

    time_point touch() { return this->clock_(); }
    std::string describe() const {
        // The folder is "<experiment slug>/<test folder>": the slug names the experiment.
        const std::string& folder = this->artifacts_.subfolder();
        const auto slash = folder.rfind('/');
        if (slash == std::string::npos) return "test '" + this->name_ + "'";
        return "test '" + this->name_ + "' of experiment '" + folder.substr(0, slash) + "'";
    }

    std::optional<std::string> description_;
    json extra_keys_;  // keys this version does not know (null until there is one: no allocation)
};

/// @brief The scope of a test being logged: use it as the test; it joins its experiment
/// when the scope ends, unless an exception is propagating.
template <class Handlers>
class test_scope : public basic_test<Handlers> {
public:
    test_scope(const test_scope&) = delete;
    test_scope& operator=(const test_scope&) = delete;
    ~test_scope() noexcept(false) {
        if (std::uncaught_exceptions() <= uncaught_)
            owner_->add_test(std::move(static_cast<basic_test<Handlers>&>(*this)));
    }

private:
    friend class basic_experiment<Handlers>;
    test_scope(basic_experiment<Handlers>& owner, basic_test<Handlers> test)
        : basic_test<Handlers>(std::move(test)), owner_(&owner), uncaught_(std::uncaught_exceptions()) {}

    basic_experiment<Handlers>* owner_;
    int uncaught_;
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

    // ---- The experiment's own mutators get const twins too (the shared ones are in logging_base).
    // clang-format off
    template <class... Tags>
        requires(std::is_convertible_v<const Tags&, std::string_view> && ...)
    void tag(const Tags&...) const { base::refuse_const_change(); }
    // clang-format on
    void tag(std::vector<std::string>, bool) const { base::refuse_const_change(); }
    test_scope<Handlers> log_test(std::string, std::optional<std::string> = std::nullopt) const {
        base::refuse_const_change();
    }
    template <class F>
    requires std::invocable<F&, test_type&>
    void log_test(std::string, std::optional<std::string>, F&&) const { base::refuse_const_change(); }
    template <class F>
    requires std::invocable<F&, test_type&>
    void log_test(std::string, F&&) const { base::refuse_const_change(); }
    void add_dependency(const basic_experiment&) const { base::refuse_const_change(); }
    void remove_tag(std::string_view) const { base::refuse_const_change(); }
    test_type& edit_test(std::string_view) const { base::refuse_const_change(); }
    void remove_test(std::string_view) const { base::refuse_const_change(); }
    void remove_dependency(std::string_view) const { base::refuse_const_change(); }

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
    void tag(std::vector<std::string> new_tags, bool overwrite) {
        this->require_writable("tag");
        touch();
        if (overwrite) tags_.clear();
        tags_.insert(tags_.end(), std::make_move_iterator(new_tags.begin()), std::make_move_iterator(new_tags.end()));
    }
    /// @brief Removes every occurrence of `tag`; throws not_found_error, listing the tags,
    /// when there is none.
    void remove_tag(std::string_view tag) {
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
    void remove_test(std::string_view name) {
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
    /// @brief log_test without a description, inside `f(test&)`.
    template <class F>
    requires std::invocable<F&, test_type&>
    void log_test(std::string name, F&& f) { log_test(std::move(name), std::nullopt, std::forward<F>(f)); }

    /// @brief Records a dependency on `upstream`, an experiment of another project, under
    /// its short slug (a second one with the same short slug replaces the first).
    void add_dependency(const basic_experiment& upstream) {
        this->require_writable("add_dependency");
        const std::string upstream_reference = upstream.project_reference();
        if (upstream_reference.empty()) {
            throw format_error("add_dependency: experiment '" + upstream.slug_ +
                               "' does not belong to a saved project");
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

    /// @brief Removes the dependency kept under `short_slug` (the upstream experiment's short
    /// slug, Python's dict key). As add_dependency, and as `del exp.dependencies[k]` in
    /// Python, it moves neither last_updated nor last_updated_by. A missing key throws
    /// not_found_error listing the keys.
    void remove_dependency(std::string_view short_slug) {
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

    /// @brief Adds the artifact `name` to `repo` as a new version (Python's promote_artifact):
    /// refused (artifact_log_error) unless it is newer than the repository's latest version;
    /// the file is copied and the repository saved, and the copy undone if that save fails.
    template <class Repository>
    void promote_artifact(Repository& repo, std::string_view name) const {
        repo.promote(this->artifacts_.at(name), path());
    }

    /// @brief The object written in the project file (docs/format.md §4.1), keys sorted on output.
    [[nodiscard]] json to_json() const {
        json j = extra_keys_;
        j["artifacts"] = this->artifacts_.to_json();
        j["author"] = author_;
        j["created_at"] = detail::format_time(created_at_);
        json deps = json::array();
        for (const auto& d : dependencies_) deps.push_back(d.written());
        j["dependencies"] = std::move(deps);
        j["last_updated"] = detail::format_time(last_updated_);
        j["last_updated_by"] = last_updated_by_;
        j["metrics"] = this->metrics_;
        j["name"] = this->name_;
        j["parameters"] = this->parameters_;
        j["short_slug"] = short_slug_;
        j["slug"] = slug_;
        j["tags"] = tags_;
        json tests = json::array();
        for (const auto& t : tests_) tests.push_back(t.to_json());
        j["tests"] = std::move(tests);
        return j;
    }

    /// @brief Appends this experiment's object to `out` exactly as dump_to(to_json(), out,
    /// options) would (options.initial_depth is the object's nesting level), straight from
    /// the records: saving a large project costs no more than writing it.
    void write_json(std::string& out, const detail::pyjson::dump_options& options) const {
        if (options.indent < 0) {  // the one-line layout is rare here: take the simple road
            detail::pyjson::dump_to(to_json(), out, options);
            return;
        }
        detail::pyjson::member_writer w(out, options, options.initial_depth);
        const auto time_member = [&](std::string_view key, time_point t) {
            w.key(key);
            out += '"';
            detail::append_time(out, t);
            out += '"';
        };
        const auto strings = [&](std::size_t i, const std::string& s) {
            (void)i;
            detail::pyjson::impl::append_string(out, s, options.ensure_ascii);
        };
        auto it = extra_keys_.cbegin();
        w.extras_before(extra_keys_, it, "artifacts");
        this->write_artifacts(w);
        w.extras_before(extra_keys_, it, "author");
        w.string("author", author_);
        w.extras_before(extra_keys_, it, "created_at");
        time_member("created_at", created_at_);
        w.extras_before(extra_keys_, it, "dependencies");
        w.array("dependencies", dependencies_.size(),
                [&](std::size_t i, std::size_t) { strings(i, dependencies_[i].written()); });
        w.extras_before(extra_keys_, it, "last_updated");
        time_member("last_updated", last_updated_);
        w.extras_before(extra_keys_, it, "last_updated_by");
        w.string("last_updated_by", last_updated_by_);
        w.extras_before(extra_keys_, it, "metrics");
        w.value("metrics", this->metrics_);
        w.extras_before(extra_keys_, it, "name");
        w.string("name", this->name_);
        w.extras_before(extra_keys_, it, "parameters");
        w.value("parameters", this->parameters_);
        w.extras_before(extra_keys_, it, "short_slug");
        w.string("short_slug", short_slug_);
        w.extras_before(extra_keys_, it, "slug");
        w.string("slug", slug_);
        w.extras_before(extra_keys_, it, "tags");
        w.array("tags", tags_.size(), [&](std::size_t i, std::size_t) { strings(i, tags_[i]); });
        w.extras_before(extra_keys_, it, "tests");
        w.array("tests", tests_.size(),
                [&](std::size_t i, std::size_t depth) { tests_[i].write_json(out, options, depth); });
        w.extras_rest(extra_keys_, it);
        w.finish();
    }

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
                     clock_function clock) {
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

    // Reads the experiment object at the reader's position into e (a fresh experiment).
    // Dependencies are kept encoded; the project resolves them. where() names the file and
    // the entry in errors (built only for an error).
    template <class Where>
    static void read(detail::document_reader& reader, basic_experiment& e, const Where& where,
                     const std::shared_ptr<const detail::artifact_home>& home, bool read_only,
                     const std::string& reader_user, clock_function clock) {
        e.clock_ = clock;  // an edit stamps the project's "now" (last_updated, artifact names)
        if (!detail::next_starts_with(reader, '{', 1)) throw format_error(where() + ": expected an experiment object");
        using detail::text_field;
        constexpr std::size_t depth = detail::experiment_member_depth;
        text_field name, created_at, last_updated, author, last_updated_by, short_slug, slug;
        const std::pair<std::string_view, text_field*> text_fields[] = {
            {"name", &name},     {"created_at", &created_at},           {"last_updated", &last_updated},
            {"author", &author}, {"last_updated_by", &last_updated_by}, {"short_slug", &short_slug},
            {"slug", &slug}};
        std::optional<json> artifacts;
        detail::string_array_status tags, dependencies;
        std::vector<std::string> dependency_texts;
        bool tests_not_array = false;
        reader.read_object([&](const std::string& member) {
            const std::string_view key = member;  // compared length first
            // The keys Python writes; anything else is kept as it is.
            for (const auto& [field_key, field] : text_fields) {
                if (key == field_key) {
                    field->read(reader, depth);
                    return;
                }
            }
            if (key == "tags") {
                detail::read_string_array(reader, e.tags_, tags, depth);
            } else if (key == "dependencies") {
                detail::read_string_array(reader, dependency_texts, dependencies, depth);
            } else if (key == "tests") {
                // Tests are read straight into records; their folder needs the slug, which
                // may come later in the object, so they are placed afterwards.
                e.tests_.clear();
                tests_not_array = !detail::next_starts_with(reader, '[', depth);
                if (tests_not_array) return;
                reader.read_array([&](std::size_t i) {
                    e.tests_.push_back(test_type::read(reader, home, std::string(), read_only, clock, [&] {
                        const std::string entry =
                            name.is_text() ? where() + " (experiment '" + name.value + "')" : where();
                        return entry + ": tests[" + std::to_string(i) + "]";
                    }));
                });
            } else if (!e.read_common_member(key, reader, artifacts, depth)) {
                reader.read_one(e.extra_keys_[member], depth);
            }
        });
        e.name_ = std::move(detail::required_text(name, "name", where));
        const auto here = [&] { return where() + " (experiment '" + e.name_ + "')"; };
        e.created_at_ = detail::required_time(created_at, "created_at", here);
        e.last_updated_ = detail::required_time(last_updated, "last_updated", here);
        e.author_ = detail::optional_text(author, "author", here, reader_user);  // Python: the reading process's user
        e.last_updated_by_ = detail::optional_text(last_updated_by, "last_updated_by", here, e.author_);
        e.short_slug_ = short_slug.kind == text_field::absent
                            ? detail::slugify(e.name_, home->slugs)
                            : detail::optional_text(short_slug, "short_slug", here, {});
        e.slug_ = slug.kind == text_field::absent
                      ? detail::experiment_slug(e.name_, detail::format_stamp(e.created_at_), home->slugs)
                      : detail::optional_text(slug, "slug", here, {});
        if (!tags.is_array || tags.first_not_string != detail::string_array_status::none) {
            throw format_error(here() + ": field 'tags' must be an array of strings");
        }
        if (!dependencies.is_array) throw format_error(here() + ": field 'dependencies' must be an array of strings");
        for (std::size_t i = 0; i < dependency_texts.size() || i == dependencies.first_not_string; ++i) {
            const auto field = [&] { return here() + ": dependencies[" + std::to_string(i) + "]"; };
            if (i == dependencies.first_not_string) throw format_error(field() + " must be a string");
            const auto& text = dependency_texts[i];
            const auto bar = text.find('|');
            if (bar == std::string::npos || text.find('|', bar + 1) != std::string::npos) {
                throw format_error(field() + ": '" + text + "' must be '<project>|<experiment slug>'");
            }
            // The short slug is only known once the upstream project is loaded.
            e.dependencies_.push_back(dependency{"", text.substr(0, bar), text.substr(bar + 1)});
        }
        // The stored slug names the experiment's folder: it must not lead out of the project.
        if (const auto reason = detail::outside_folder_reason(e.slug_); !reason.empty()) {
            throw format_error(here() + ": field 'slug': '" + detail::printable(e.slug_) + "' " + reason);
        }
        e.finish_common(here, artifacts, home, e.slug_);
        if (tests_not_array) throw format_error(here() + ": field 'tests' must be an array");
        for (auto& t : e.tests_) {
            t.artifacts_.place(home, e.slug_ + "/" + t.artifacts_.subfolder());  // read relative to the experiment
        }
        e.read_only_ = read_only;
    }

    // The reference a downstream project writes for our project: its registry key, else its
    // path as the project holds it; empty outside a project.
    [[nodiscard]] std::string project_reference() const {
        const auto& file = this->artifacts_.home()->owner_file;
        if (file.empty()) return {};
        if (auto key = project_registry::key_of(file)) return *key;
        return file.generic_string();
    }

    // After the project file is written: deletes the files of artifacts removed in this
    // session (remove_artifact, remove_test) that no record of the project names any more.
    // A file that resolves outside the project folder (a planted symbolic link) is left alone.
    template <class Experiments>
    static void discard_removed_files(const Experiments& experiments) {
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

    void put_dependency(dependency d) {
        for (auto& existing : dependencies_) {
            if (existing.short_slug == d.short_slug) {
                existing = std::move(d);  // a dict keeps the first position, takes the new value
                return;
            }
        }
        dependencies_.push_back(std::move(d));
    }

    void add_test(test_type t) {
        std::lock_guard lock(tests_mutex_.mutex);
        last_updated_ = this->clock_();
        changed_ = true;
        tests_.push_back(std::move(t));
    }

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
};

}  // namespace lazyscribe
