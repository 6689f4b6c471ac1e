#pragma once
/// @file experiment.hpp
/// @brief Experiments and their tests (sub-population results), as Python lazyscribe
/// stores them (FORMAT.md sections 4.1 and 4.2).
///
/// Experiments are created by `project.log(name)` and tests by `experiment.log_test(name)`:
/// both return a scope object that joins its owner when the scope ends without an exception.

#include <cstddef>
#include <deque>
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

    // Reads metrics/parameters/artifacts of a file entry, moving the big values out of the
    // parsed document rather than copying them; `where` names it in errors.
    void read_common(json& j, const std::string& where, std::filesystem::path folder, std::filesystem::path root,
                     std::shared_ptr<storage> files) {
        auto object_field = [&](const char* key) -> json {
            const auto it = j.find(key);
            if (it == j.end()) return json::object();
            if (!it->is_object()) throw format_error(where + ": field '" + key + "' must be an object");
            return std::move(*it);
        };
        metrics_ = object_field("metrics");
        parameters_ = object_field("parameters");
        const auto it = j.find("artifacts");
        artifacts_ = basic_artifact_set<Handlers>::from_json(it == j.end() ? json::array() : *it, std::move(folder),
                                                              where + ": artifacts", std::move(root), std::move(files));
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
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return this->artifacts_.folder(); }

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

    friend bool operator==(const basic_test& a, const basic_test& b) { return a.to_json() == b.to_json(); }

protected:
    basic_test() = default;
    basic_test(std::string name, std::optional<std::string> description, const std::filesystem::path& experiment_folder,
               const std::filesystem::path& root, std::shared_ptr<storage> files, clock_function clock) {
        this->name_ = std::move(name);
        description_ = std::move(description);
        this->clock_ = clock;
        this->artifacts_.set_folder(experiment_folder / detail::slugify(this->name_), root, std::move(files));
    }

    static basic_test from_json(json& j, const std::filesystem::path& experiment_folder,
                                const std::filesystem::path& root, const std::shared_ptr<storage>& files,
                                bool read_only, const std::string& where) {
        if (!j.is_object()) throw format_error(where + ": expected a test object");
        basic_test t;
        t.name_ = detail::required_string(j, "name", where);
        const std::string here = where + " (test '" + t.name_ + "')";
        if (const auto it = j.find("description"); it != j.end() && !it->is_null()) {
            if (!it->is_string()) throw format_error(here + ": field 'description' must be a string or null");
            t.description_ = it->template get<std::string>();
        }
        // Python recomputes the test folder from the name at load time; it is never stored.
        t.read_common(j, here, experiment_folder / detail::slugify(t.name_), root, files);
        for (const auto& [key, value] : j.items()) {
            if (key != "artifacts" && key != "description" && key != "metrics" && key != "name" && key != "parameters")
                t.extra_keys_[key] = value;  // kept, never dropped
        }
        t.read_only_ = read_only;
        return t;
    }

    time_point touch() { return this->clock_(); }
    std::string describe() const { return "test '" + this->name_ + "'"; }

    std::optional<std::string> description_;
    json extra_keys_ = json::object();
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
    [[nodiscard]] const std::deque<test_type>& tests() const noexcept { return tests_; }
    [[nodiscard]] const std::vector<dependency>& dependencies() const noexcept { return dependencies_; }
    /// @brief The experiment's folder: `<project folder>/<slug>`.
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return this->artifacts_.folder(); }
    /// @brief The test named `name` (the first one, as tests keep file order).
    [[nodiscard]] const test_type& test(std::string_view name) const {
        for (const auto& t : tests_)
            if (t.name() == name) return t;
        throw std::out_of_range("experiment '" + slug_ + "' has no test named '" + std::string(name) + "'");
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
        return test_scope<Handlers>(
            *this, test_type(std::move(name), std::move(description), path(), this->artifacts_.root(),
                             this->artifacts_.files(), this->clock_));
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
        if (upstream.project_reference_.empty()) {
            throw format_error("add_dependency: experiment '" + upstream.slug_ + "' does not belong to a saved project");
        }
        if (upstream.project_reference_ == project_reference_) {
            // Python recurses forever loading such a file; refuse to write one.
            throw format_error("add_dependency: '" + upstream.slug_ + "' is in this experiment's own project (" +
                               project_reference_ + "); dependencies must point to other projects");
        }
        touch();
        put_dependency(dependency{upstream.short_slug_, upstream.project_reference_, upstream.slug_});
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
    /// options) would (options.sort_keys and indent are honoured; options.initial_depth is
    /// the object's nesting level), without copying metrics and parameters: saving a large
    /// project then costs no more than writing it.
    void write_json(std::string& out, const detail::pyjson::dump_options& options) const {
        if (options.indent < 0) {  // the one-line layout is rare here: take the simple road
            detail::pyjson::dump_to(to_json(), out, options);
            return;
        }
        json small = extra_keys_;  // every member but the two big ones, which are written in place
        small["artifacts"] = this->artifacts_.to_json();
        small["author"] = author_;
        small["created_at"] = detail::format_time(created_at_);
        json deps = json::array();
        for (const auto& d : dependencies_) deps.push_back(d.encoded());
        small["dependencies"] = std::move(deps);
        small["last_updated"] = detail::format_time(last_updated_);
        small["last_updated_by"] = last_updated_by_;
        small["name"] = this->name_;
        small["short_slug"] = short_slug_;
        small["slug"] = slug_;
        small["tags"] = tags_;
        json tests = json::array();
        for (const auto& t : tests_) tests.push_back(t.to_json());
        small["tests"] = std::move(tests);
        small.erase("metrics");
        small.erase("parameters");
        std::vector<std::pair<std::string_view, const json*>> members;
        members.reserve(small.size() + 2);
        for (const auto& [key, value] : small.items()) members.emplace_back(key, &value);
        members.emplace_back("metrics", &this->metrics_);
        members.emplace_back("parameters", &this->parameters_);
        if (options.sort_keys) {
            std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        }
        const std::size_t indent = options.indent < 0 ? 0 : static_cast<std::size_t>(options.indent);
        const std::string inner(indent * (options.initial_depth + 1), ' ');
        detail::pyjson::dump_options child = options;
        child.initial_depth = options.initial_depth + 1;
        out += '{';
        for (std::size_t i = 0; i < members.size(); ++i) {
            out += i == 0 ? "\n" : ",\n";
            out += inner;
            detail::pyjson::dump_to(json(std::string(members[i].first)), out, child);
            out += options.key_separator;
            detail::pyjson::dump_to(*members[i].second, out, child);
        }
        out += '\n';
        out.append(indent * options.initial_depth, ' ');
        out += '}';
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

    // A new experiment of the project whose file is `project_file` (held as the user gave it).
    basic_experiment(std::string name, std::string author, const std::filesystem::path& project_file,
                     std::string project_reference, clock_function clock, std::shared_ptr<storage> files) {
        this->name_ = std::move(name);
        this->clock_ = clock;
        author_ = std::move(author);
        last_updated_by_ = author_;
        created_at_ = clock();
        last_updated_ = created_at_;
        short_slug_ = detail::slugify(this->name_);
        slug_ = detail::experiment_slug(this->name_, detail::format_stamp(created_at_));
        project_reference_ = std::move(project_reference);
        this->artifacts_.set_folder(project_file.parent_path() / slug_, project_file.parent_path(), std::move(files));
    }

    // Reads one experiment of a project file. Dependencies are kept encoded; the project
    // resolves them. `where` names the file and the entry in errors.
    static basic_experiment from_json(json& j, const std::filesystem::path& project_file,
                                      std::string project_reference, bool read_only, const std::string& where,
                                      const std::string& reader_user, const std::shared_ptr<storage>& files) {
        if (!j.is_object()) throw format_error(where + ": expected an experiment object");
        basic_experiment e;
        e.name_ = detail::required_string(j, "name", where);
        const std::string here = where + " (experiment '" + e.name_ + "')";
        e.created_at_ = detail::required_time(j, "created_at", here);
        e.last_updated_ = detail::required_time(j, "last_updated", here);
        auto optional_string = [&](const char* key, std::string fallback) {
            const auto it = j.find(key);
            if (it == j.end()) return fallback;
            if (!it->is_string()) throw format_error(here + ": field '" + key + "' must be a string");
            return it->template get<std::string>();
        };
        e.author_ = optional_string("author", reader_user);  // Python: the reading process's user
        e.last_updated_by_ = optional_string("last_updated_by", e.author_);
        e.short_slug_ = optional_string("short_slug", detail::slugify(e.name_));
        e.slug_ = optional_string("slug", detail::experiment_slug(e.name_, detail::format_stamp(e.created_at_)));
        if (const auto it = j.find("tags"); it != j.end()) {
            if (!it->is_array()) throw format_error(here + ": field 'tags' must be an array of strings");
            for (const auto& t : *it) {
                if (!t.is_string()) throw format_error(here + ": field 'tags' must be an array of strings");
                e.tags_.push_back(t.template get<std::string>());
            }
        }
        if (const auto it = j.find("dependencies"); it != j.end()) {
            if (!it->is_array()) throw format_error(here + ": field 'dependencies' must be an array of strings");
            for (std::size_t i = 0; i < it->size(); ++i) {
                const auto& d = (*it)[i];
                const std::string field = here + ": dependencies[" + std::to_string(i) + "]";
                if (!d.is_string()) throw format_error(field + " must be a string");
                const auto text = d.template get<std::string>();
                const auto bar = text.find('|');
                if (bar == std::string::npos || text.find('|', bar + 1) != std::string::npos) {
                    throw format_error(field + ": '" + text + "' must be '<project>|<experiment slug>'");
                }
                // The short slug is only known once the upstream project is loaded.
                e.dependencies_.push_back(dependency{"", text.substr(0, bar), text.substr(bar + 1)});
            }
        }
        // The stored slug names the experiment's folder: it must not lead out of the project.
        if (const auto reason = detail::outside_folder_reason(e.slug_); !reason.empty()) {
            throw format_error(here + ": field 'slug': '" + detail::printable(e.slug_) + "' " + reason);
        }
        const auto root = project_file.parent_path();
        const auto folder = root / e.slug_;
        e.read_common(j, here, folder, root, files);
        if (const auto it = j.find("tests"); it != j.end()) {
            if (!it->is_array()) throw format_error(here + ": field 'tests' must be an array");
            for (std::size_t i = 0; i < it->size(); ++i) {
                e.tests_.push_back(test_type::from_json((*it)[i], folder, root, files, read_only,
                                                        here + ": tests[" + std::to_string(i) + "]"));
            }
        }
        static constexpr std::string_view known[] = {"artifacts", "author", "created_at", "dependencies",
                                                     "last_updated", "last_updated_by", "metrics", "name",
                                                     "parameters", "short_slug", "slug", "tags", "tests"};
        for (const auto& [key, value] : j.items()) {
            if (std::find(std::begin(known), std::end(known), key) == std::end(known)) e.extra_keys_[key] = value;
        }
        e.project_reference_ = std::move(project_reference);
        e.read_only_ = read_only;
        return e;
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
        tests_.push_back(std::move(t));
    }

    time_point touch() {
        last_updated_ = this->clock_();
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
    std::deque<test_type> tests_;  // a deque: references to tests stay valid as tests are added
    std::vector<dependency> dependencies_;
    json extra_keys_ = json::object();  // keys this version does not know: kept, never dropped
    std::string project_reference_;     // how a downstream project names our project
    mutable std::size_t position_ = 0;  // index in the project's order, for "latest wins"
    bool from_disk_ = false;            // loaded from the project file, not logged in this session
    detail::member_mutex tests_mutex_;
};

}  // namespace lazyscribe
