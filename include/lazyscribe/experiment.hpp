#pragma once
/// @file experiment.hpp
/// @brief Experiments and their tests (sub-population results), as Python lazyscribe
/// stores them (FORMAT.md sections 4.1 and 4.2).
///
/// Experiments are created by `project.log(name)` and tests by `experiment.log_test(name)`:
/// both return a scope object that joins its owner when the scope ends without an exception.

#include <cstddef>
#include <map>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <lazyscribe/artifact.hpp>
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

/// @brief A metric: a number, or a range of numbers (a loss curve, say).
template <class T>
concept MetricValue =
    (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) ||
    (std::ranges::input_range<T> && std::is_arithmetic_v<std::remove_cvref_t<std::ranges::range_value_t<T>>> &&
     !std::is_same_v<std::remove_cvref_t<std::ranges::range_value_t<T>>, bool>);

/// @brief A parameter: anything lazyscribe::json can hold, or a point in time (stored as text,
/// as Python stores datetimes).
template <class T>
concept ParameterValue = std::is_constructible_v<json, T> ||
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
    /// @brief The key a project file is registered under, if any.
    static std::optional<std::string> key_of(const std::filesystem::path& project_file) {
        std::lock_guard lock(mutex());
        for (const auto& [key, path] : entries()) {
            if (path == project_file) return key;
        }
        return std::nullopt;
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
    /// @brief Logs (or overwrites) a metric of any JSON value, as Python allows.
    void log_metric(std::string_view key, json value) {
        require_writable("log_metric");
        self().touch();
        metrics_[std::string(key)] = std::move(value);
    }

    /// @brief Logs (or overwrites) a parameter: any JSON value, anything with to_json, or a time.
    template <ParameterValue T>
    void log_parameter(std::string_view key, T&& value) {
        require_writable("log_parameter");
        self().touch();
        if constexpr (std::is_constructible_v<json, T>) {
            parameters_[std::string(key)] = json(std::forward<T>(value));
        } else {
            parameters_[std::string(key)] =
                format_time(std::chrono::floor<std::chrono::seconds>(std::chrono::sys_time<std::chrono::seconds>(value)));
        }
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
    template <class Here>
    void finish_common(const Here& here, const std::optional<json>& artifacts,
                       std::shared_ptr<const detail::artifact_home> home, std::string subfolder) {
        if (!metrics_.is_object()) throw format_error(here() + ": field 'metrics' must be an object");
        if (!parameters_.is_object()) throw format_error(here() + ": field 'parameters' must be an object");
        artifacts_.place(std::move(home), std::move(subfolder));
        if (artifacts) artifacts_.read_entries(*artifacts, [&] { return here() + ": artifacts"; });
    }

    // The artifacts member, written straight from the records.
    void write_artifacts(detail::pyjson::member_writer& w) const {
        w.array("artifacts", artifacts_.size(), [&](std::size_t i, std::size_t depth) {
            artifacts_.begin()[static_cast<std::ptrdiff_t>(i)].write_json(w.out(), w.options(), depth);
        });
    }

    std::string name_;
    json metrics_ = json::object();
    json parameters_ = json::object();
    basic_artifact_set<Handlers> artifacts_;
    bool read_only_ = false;
    clock_function clock_ = &now;
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

/// @brief A test: results of an experiment on a sub-population (FORMAT.md 4.2). Its files
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
    basic_test(std::string name, std::optional<std::string> description, std::shared_ptr<const detail::artifact_home> home,
               const std::string& experiment_subfolder, clock_function clock) {
        this->name_ = std::move(name);
        description_ = std::move(description);
        this->clock_ = clock;
        this->artifacts_.place(std::move(home), experiment_subfolder + "/" + detail::slugify(this->name_));
    }

    // Reads one test object at the reader's position; where() names it in errors.
    template <class Where>
    static basic_test read(detail::document_reader& reader, const std::shared_ptr<const detail::artifact_home>& home,
                           const std::string& experiment_subfolder, bool read_only, const Where& where) {
        basic_test t;
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
        std::string folder = detail::slugify(t.name_);
        t.finish_common(here, artifacts, home,
                        experiment_subfolder.empty() ? std::move(folder) : experiment_subfolder + "/" + folder);
        t.read_only_ = read_only;
        return t;
    }

    time_point touch() { return this->clock_(); }
    std::string describe() const { return "test '" + this->name_ + "'"; }

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
        if (std::uncaught_exceptions() <= uncaught_) owner_->add_test(std::move(static_cast<basic_test<Handlers>&>(*this)));
    }

private:
    friend class basic_experiment<Handlers>;
    test_scope(basic_experiment<Handlers>& owner, basic_test<Handlers> test)
        : basic_test<Handlers>(std::move(test)), owner_(&owner), uncaught_(std::uncaught_exceptions()) {}

    basic_experiment<Handlers>* owner_;
    int uncaught_;
};

/// @brief A dependency on an experiment of another project (FORMAT.md 4.3).
struct dependency {
    /// @brief The upstream experiment's short slug: the key Python keeps them under.
    std::string short_slug;
    /// @brief The project reference: a registry key or the project path as its Project holds it.
    std::string project;
    /// @brief The upstream experiment's slug.
    std::string slug;
    /// @brief The string written in the project file: "<project>|<slug>".
    [[nodiscard]] std::string encoded() const { return project + "|" + slug; }
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

    // ---- Changes through a const experiment (`project[key]`, a project's iteration, find()).
    // Each mutator has a const twin with the same parameters. For a non-const experiment the
    // original wins overload resolution (the twins differ only in the const object), so a twin
    // is chosen only where the original cannot be, and it says what to do instead of g++'s
    // "discards qualifiers" or clang's "no matching member function".
    using base::log_artifact;
    using base::log_metric;
    using base::log_parameter;
    void log_metric(std::string_view, json) const { refuse_const_change(); }  // any metric converts to json
    template <ParameterValue T>
    void log_parameter(std::string_view, T&&) const { refuse_const_change(); }
    template <fixed_string Alias, class T>
    const artifact& log_artifact(std::string_view, T&&, log_options = {}) const { refuse_const_change(); }
    template <class... Tags>
        requires(std::is_convertible_v<const Tags&, std::string_view> && ...)
    void tag(const Tags&...) const { refuse_const_change(); }
    void tag(std::vector<std::string>, bool) const { refuse_const_change(); }
    test_scope<Handlers> log_test(std::string, std::optional<std::string> = std::nullopt) const {
        refuse_const_change();
    }
    template <class F>
        requires std::invocable<F&, test_type&>
    void log_test(std::string, std::optional<std::string>, F&&) const { refuse_const_change(); }
    template <class F>
        requires std::invocable<F&, test_type&>
    void log_test(std::string, F&&) const { refuse_const_change(); }
    void add_dependency(const basic_experiment&) const { refuse_const_change(); }

private:
    // Named in the failing condition, so that the compiler prints the experiment type.
    template <class Experiment>
    struct const_experiment {
        static constexpr bool can_change = false;
    };
    template <class Self = basic_experiment>
    [[noreturn]] static void refuse_const_change() {
        static_assert(const_experiment<Self>::can_change,
                      "lazyscribe: this experiment is const (project[key] is a read-only view), so it cannot be "
                      "changed; open the project with lazyscribe::mode::edit and change it through project.edit(key)");
        std::terminate();
    }

public:
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
    template <class... Tags>
        requires(std::is_convertible_v<const Tags&, std::string_view> && ...)
    void tag(const Tags&... new_tags) {
        tag(std::vector<std::string>{std::string(std::string_view(new_tags))...}, false);
    }
    /// @brief Appends tags, or replaces them all when `overwrite` is true.
    void tag(std::vector<std::string> new_tags, bool overwrite) {
        this->require_writable("tag");
        touch();
        if (overwrite) tags_.clear();
        tags_.insert(tags_.end(), std::make_move_iterator(new_tags.begin()), std::make_move_iterator(new_tags.end()));
    }

    /// @brief Starts a test; it joins this experiment when the returned scope ends without
    /// an exception. Safe to call from several threads at once.
    [[nodiscard]] test_scope<Handlers> log_test(std::string name, std::optional<std::string> description = std::nullopt) {
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
    /// @brief log_test without a description, inside `f(test&)`.
    template <class F>
        requires std::invocable<F&, test_type&>
    void log_test(std::string name, F&& f) {
        log_test(std::move(name), std::nullopt, std::forward<F>(f));
    }

    /// @brief Records a dependency on `upstream`, an experiment of another project, under
    /// its short slug (a second one with the same short slug replaces the first).
    void add_dependency(const basic_experiment& upstream) {
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
        touch();
        put_dependency(dependency{upstream.short_slug_, upstream_reference, upstream.slug_});
    }

    /// @brief Adds the artifact `name` to `repo` as a new version (Python's promote_artifact):
    /// refused (artifact_log_error) unless it is newer than the repository's latest version;
    /// the file is copied and the repository saved, and the copy undone if that save fails.
    template <class Repository>
    void promote_artifact(Repository& repo, std::string_view name) const {
        repo.promote(this->artifacts_.at(name), path());
    }

    /// @brief The object written in the project file (FORMAT.md 4.1), keys sorted on output.
    [[nodiscard]] json to_json() const {
        json j = extra_keys_;
        j["artifacts"] = this->artifacts_.to_json();
        j["author"] = author_;
        j["created_at"] = detail::format_time(created_at_);
        json deps = json::array();
        for (const auto& d : dependencies_) deps.push_back(d.encoded());
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
                [&](std::size_t i, std::size_t) { strings(i, dependencies_[i].encoded()); });
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
        w.array("tests", tests_.size(), [&](std::size_t i, std::size_t depth) { tests_[i].write_json(out, options, depth); });
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
        return slug_ == other.slug_ ? last_updated_ < other.last_updated_ : created_at_ < other.created_at_;
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
        short_slug_ = detail::slugify(this->name_);
        slug_ = detail::experiment_slug(this->name_, detail::format_stamp(created_at_));
        this->artifacts_.place(std::move(home), slug_);
    }

    // Reads the experiment object at the reader's position into e (a fresh experiment).
    // Dependencies are kept encoded; the project resolves them. where() names the file and
    // the entry in errors (built only for an error).
    template <class Where>
    static void read(detail::document_reader& reader, basic_experiment& e, const Where& where,
                     const std::shared_ptr<const detail::artifact_home>& home, bool read_only,
                     const std::string& reader_user) {
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
                    e.tests_.push_back(test_type::read(reader, home, std::string(), read_only, [&] {
                        const std::string entry = name.is_text() ? where() + " (experiment '" + name.value + "')" : where();
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
        e.short_slug_ = short_slug.kind == text_field::absent ? detail::slugify(e.name_)
                                                             : detail::optional_text(short_slug, "short_slug", here, {});
        e.slug_ = slug.kind == text_field::absent
                      ? detail::experiment_slug(e.name_, detail::format_stamp(e.created_at_))
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
    bool from_disk_ = false;  // read from the project file, not logged in this session
    // Changed since it was created or loaded (last_updated has whole seconds: an edit in the
    // same second as the stored time would not show in it).
    bool changed_ = false;
    detail::member_mutex tests_mutex_;
};

}  // namespace lazyscribe
