#pragma once
/// @file project.hpp
/// @brief Projects: one JSON file of experiments, read and written exactly as Python
/// lazyscribe 2.2 does (docs/format.md §2, §4, §5 and §9).

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <lazyscribe/builtin_handlers.hpp>
#include <lazyscribe/detail/file_lifecycle.hpp>
#include <lazyscribe/detail/files.hpp>
#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_parser.hpp>
#include <lazyscribe/detail/slug_index.hpp>
#include <lazyscribe/detail/stable_vector.hpp>
#include <lazyscribe/detail/user.hpp>
#include <lazyscribe/detail/xxh64.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/experiment.hpp>
#include <lazyscribe/fwd.hpp>
#include <lazyscribe/history.hpp>
#include <lazyscribe/json.hpp>
#include <lazyscribe/storage.hpp>

namespace lazyscribe {

/// @brief How a project (or repository) file is opened. The names follow Python's modes.
enum class mode {
    read_only,  ///< "r": load; nothing can be logged or saved.
    append,     ///< "a": load read-only experiments; log new ones; save rewrites the file.
    write,      ///< "w": ignore the file's experiments; save replaces it with this session's.
    edit,       ///< "w+": load editable experiments; save records who changed them.
};

namespace detail {

class live_recorder;  // detail/live_recorder.hpp, included by live.hpp

// Projects being loaded on this thread, to report a dependency cycle instead of recursing.
inline std::vector<std::filesystem::path>& projects_being_loaded() {
    thread_local std::vector<std::filesystem::path> stack;
    return stack;
}

inline std::filesystem::path canonical_or_absolute(const std::filesystem::path& p) {
    std::error_code ec;
    auto c = std::filesystem::weakly_canonical(p, ec);
    return ec ? std::filesystem::absolute(p) : c;
}

}  // namespace detail

namespace detail {

/// A lazy, forward view of the elements of [first, last) that satisfy pred. Written out,
/// rather than std::views::filter, so that clang 14 with libstdc++ 12 compiles it too.
template <class It, class Pred>
class filter_view {
public:
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = typename std::iterator_traits<It>::value_type;
        using difference_type = std::ptrdiff_t;
        using reference = typename std::iterator_traits<It>::reference;
        using pointer = typename std::iterator_traits<It>::pointer;
        iterator() = default;
        iterator(It it, const filter_view* view) : it_(it), view_(view) { skip(); }
        reference operator*() const { return *it_; }
        pointer operator->() const { return &*it_; }
        iterator& operator++() {
            ++it_;
            skip();
            return *this;
        }
        iterator operator++(int) {
            auto copy = *this;
            ++*this;
            return copy;
        }
        friend bool operator==(const iterator& a, const iterator& b) { return a.it_ == b.it_; }

    private:
        void skip() {
            while (it_ != view_->last_ && !view_->pred_(*it_)) ++it_;
        }
        It it_{};
        const filter_view* view_ = nullptr;
    };

    filter_view(It first, It last, Pred pred) : first_(first), last_(last), pred_(std::move(pred)) {}
    [[nodiscard]] iterator begin() const { return iterator(first_, this); }
    [[nodiscard]] iterator end() const { return iterator(last_, this); }

private:
    It first_;
    It last_;
    mutable Pred pred_;  // a predicate may keep state; calling it is not a change of the view
};

}  // namespace detail

/// @brief Options for opening a project.
struct project_options {
    /// @brief The author of new experiments and of edits; empty = the operating-system user.
    std::string author{};
    /// @brief Where "now" comes from.
    clock_function clock = &detail::now;
    /// @brief Sync every file to disk before it replaces the old one (crash- and power-loss
    /// safe). false keeps saves atomic but skips the syncs: for scratch work.
    bool durable = true;
    /// @brief Where the files live; empty = from the path's protocol ("memory://", "file://",
    /// or a bare local path).
    std::shared_ptr<storage> files{};
    /// @brief In mode::read_only, a missing file is an empty project, as in Python. false (the
    /// default): not_found_error naming the path, so that a mistyped path is not read as "no
    /// experiments". The other modes always start a missing file as an empty project.
    bool missing_file_is_empty = false;
    /// @brief The transliteration table of new slugs, test folders and default artifact file
    /// names: text-unidecode's (what `pip install lazyscribe` brings) unless the Python users
    /// sharing the project have Unidecode installed (see docs/format-compatibility.md).
    slug_table slugs = slug_table::text_unidecode;
    /// @brief A live run whose status is "running" and whose heartbeat (last_updated) is older
    /// than this reads as crashed, and the next save() of a writable project recovers it.
    /// Keep it above the writers' heartbeat interval (at most max_heartbeat_interval) and
    /// the clock skew between machines.
    std::chrono::seconds crashed_after = default_crashed_after;
};

/// @brief A project: the experiments of one JSON file.
/// @tparam Handlers the handler_list every `log_artifact<"alias">` is checked against.
template <class Handlers>
class basic_project {
public:
    using handlers = Handlers;
    using experiment_type = basic_experiment<Handlers>;
    using test_type = basic_test<Handlers>;

    /// @brief An experiment whose scope ended without it joining the project, and why.
    struct uncommitted_experiment {
        experiment_type experiment;
        std::exception_ptr error;  ///< what adding it threw
    };

    /// @brief The scope of an experiment being logged. commit() adds it to the project (and
    /// throws if that fails); when the scope ends uncommitted, it joins the project, unless an
    /// exception is propagating. The destructor never throws: if joining fails there, the
    /// experiment and the error are kept in the project (uncommitted()) and the next save()
    /// throws commit_error.
    class experiment_scope : public experiment_type {
    public:
        experiment_scope(const experiment_scope&) = delete;
        experiment_scope& operator=(const experiment_scope&) = delete;
        ~experiment_scope();

        /// @brief Adds the experiment to the project now. On failure it throws, and the
        /// experiment stays in this scope: a later commit(), or the scope's end, tries again;
        /// if the scope ends while that exception propagates, the experiment is kept in the
        /// project's uncommitted() rather than lost.
        /// Logging through the scope after a successful commit() changes nothing in the project.
        void commit();
        /// @brief Whether the experiment has joined the project.
        [[nodiscard]] bool committed() const noexcept { return committed_; }

    private:
        friend class basic_project;
        experiment_scope(basic_project& project, experiment_type e);
        basic_project* project_;
        int uncaught_;
        bool committed_ = false;
        std::exception_ptr commit_failure_;  // what the last commit() threw
    };

    /// @brief The scope of a live run (`project.log(name, lazyscribe::live)`): the experiment
    /// is in the project, and its file, from the start, with status running. Step-indexed
    /// points go to memory the run owns; a background thread appends them to the run's
    /// journal every flush interval and rewrites the project file (status, last values,
    /// heartbeat) every heartbeat interval. When the scope ends the histories become the
    /// "history" artifact and the status finished, or failed if an exception is leaving the
    /// scope (the run is kept, unlike project.log(name)'s). The destructor never throws: a
    /// failed last write leaves the run to the next save(), or to crash recovery.
    /// The project must outlive the scope and stay where it is (not moved) meanwhile.
    class live_scope {
    public:
        live_scope(const live_scope&) = delete;
        live_scope& operator=(const live_scope&) = delete;
        ~live_scope();

        /// @brief One point (step, wall time, value) of `name`'s history: appended to memory,
        /// written by the flusher; safe from many threads. The history's last value is what
        /// the experiment's `metrics` holds. At live_options::max_buffered_points unwritten
        /// points it waits or drops (counted: dropped_points()), as on_full says.
        void log_metric(std::string_view name, double value, step at);
        /// @brief A metric without a history (the experiment's log_metric), under the project's lock.
        template <class T>
        requires requires(experiment_type& e, std::string_view k, const T& v) { e.log_metric(k, v); }
        void log_metric(std::string_view key, const T& value) {
            edit([&](experiment_type& e) { e.log_metric(key, value); });
        }
        /// @brief The experiment's log_parameter, under the project's lock.
        template <class T>
        void log_parameter(std::string_view key, T&& value) {
            edit([&](experiment_type& e) { e.log_parameter(key, std::forward<T>(value)); });
        }
        /// @brief The experiment's tag, under the project's lock.
        template <class... Tags>
        void tag(const Tags&... tags) {
            edit([&](experiment_type& e) { e.tag(tags...); });
        }
        /// @brief The experiment's log_artifact, under the project's lock; written by the next
        /// heartbeat. The names "history" and "run" are the run's own (artifact_log_error).
        template <fixed_string Alias, class T>
        const artifact& log_artifact(std::string_view artifact_name, T&& value, log_options options = {}) {
            refuse_reserved(artifact_name);
            return edit([&](experiment_type& e) -> const artifact& {
                return e.template log_artifact<Alias>(artifact_name, std::forward<T>(value), std::move(options));
            });
        }
        /// @brief Runs `f(experiment&)` under the project's lock, for whatever else the
        /// experiment can do (tests, dependencies): what it changes is written by the next heartbeat.
        template <class F>
        requires std::invocable<F&, experiment_type&>
        decltype(auto) edit(F&& f) {
            require_open("edit");
            std::lock_guard lock(project_->session_.lock.mutex);
            return std::forward<F>(f)(*record_);
        }

        /// @brief Persists now, on this thread: the buffered points to the journal (synced to
        /// disk when the project is durable), then the project file. Throws what failed, or
        /// the first error the background flusher met since the last checkpoint.
        void checkpoint();
        /// @brief Ends the run now as failed, with `message` (the run artifact's "failure").
        /// Throws if the project file cannot be written (the run stays in the project).
        void fail(std::string message) { end(run_status::failed, std::move(message), true); }
        /// @brief Ends the run now as finished; throws if the project file cannot be written.
        void finish() { end(run_status::finished, {}, true); }

        /// @brief A copy of `name`'s history so far (points not yet flushed included).
        [[nodiscard]] metric_history history(std::string_view name) const;
        /// @brief running until the run ends, then how it ended.
        [[nodiscard]] run_status status() const noexcept { return ended_; }
        /// @brief Points dropped because the buffer was full (live_options::on_full = drop).
        [[nodiscard]] std::uint64_t dropped_points() const;
        [[nodiscard]] const std::string& name() const noexcept { return record_->name(); }
        [[nodiscard]] const std::string& slug() const noexcept { return record_->slug(); }
        /// @brief The experiment (read it from the thread that logs; others: through edit()).
        [[nodiscard]] const experiment_type& experiment() const noexcept { return *record_; }

    private:
        friend class basic_project;
        live_scope(basic_project& project, experiment_type& record, std::unique_ptr<detail::live_recorder> recorder,
                   json run_record);
        void end(run_status how, std::string failure, bool report);
        void require_open(const char* operation) const;
        static void refuse_reserved(std::string_view artifact_name);

        basic_project* project_;
        experiment_type* record_;
        std::unique_ptr<detail::live_recorder> recorder_;
        json run_record_;  // the "run" artifact's content
        int uncaught_;
        run_status ended_ = run_status::running;
    };

    /// @brief Iterates the experiments in project order (random access).
    using const_iterator =
        detail::indirect_iterator<typename std::vector<std::unique_ptr<experiment_type>>::const_iterator, true>;

    /// @brief Opens the project file `path` in `open_mode` (default append, as Python's "a").
    /// A missing file is an empty project, except in mode::read_only, where it throws
    /// not_found_error naming the path (unless options.missing_file_is_empty). Malformed
    /// content throws format_error or parse_error naming the file and the field; nothing on
    /// disk is touched.
    explicit basic_project(std::filesystem::path path, mode open_mode = mode::append, std::string author = {})
        : basic_project(std::move(path), open_mode, project_options{std::move(author)}) {}

    basic_project(std::filesystem::path path, mode open_mode, project_options options)
        : basic_project(resolve_storage(path, options.files), open_mode, options) {}

private:
    basic_project(std::pair<std::shared_ptr<storage>, std::filesystem::path> where, mode open_mode,
                  const project_options& options);

public:
    // Copies hold copies of the experiments (the index is rebuilt: see catalogue); moves keep them.
    basic_project(const basic_project&) = default;
    basic_project(basic_project&&) noexcept = default;
    // Copied aside first: a failed copy leaves this project as it was.
    basic_project& operator=(const basic_project& other) { return *this = basic_project(other); }
    basic_project& operator=(basic_project&&) noexcept = default;
    ~basic_project() = default;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return file_.path(); }
    [[nodiscard]] lazyscribe::mode open_mode() const noexcept { return mode_; }
    [[nodiscard]] const std::string& author() const noexcept { return author_; }
    /// @brief The transliteration table of this project's new slugs and test folders.
    [[nodiscard]] slug_table slugs() const noexcept { return home_->slugs; }

    /// @brief Starts an experiment; it joins the project when the returned scope ends without
    /// an exception, or at its commit(). Safe to call from several threads. Throws
    /// read_only_error in read-only mode.
    [[nodiscard]] experiment_scope log(std::string name);

    /// @brief Logs an experiment inside `f(experiment&)`; it joins only if f returns normally,
    /// and a failure to join is thrown from here.
    template <class F>
    requires std::invocable<F&, experiment_type&>
    void log(std::string name, F&& f) {
        auto scope = log(std::move(name));
        std::forward<F>(f)(static_cast<experiment_type&>(scope));
        scope.commit();
    }

    /// @brief Starts a live run (history.hpp, docs/training-loop.md; defined in live.hpp,
    /// which lazyscribe.hpp includes): `project.log(name, lazyscribe::live)`. The experiment joins the project, and its file, now, with status
    /// running, and its "run" artifact (provenance unless options.provenance is false; `build`
    /// is the calling code's). Throws read_only_error in read-only mode, options_error for
    /// bad options, and what writing the file throws (then nothing of the run is kept).
    [[nodiscard]] live_scope log(std::string name, const live_options& options,
                                 build_info build = LAZYSCRIBE_THIS_BUILD);

    /// @brief A live run inside `f(scope&)`: it ends finished if f returns, failed with the
    /// exception's message if f throws (the exception propagates). A failure to write the
    /// project file at the end is thrown from here.
    template <class F>
    requires std::invocable<F&, live_scope&>
    void log(std::string name, const live_options& options, F&& f, build_info build = LAZYSCRIBE_THIS_BUILD) {
        auto scope = log(std::move(name), options, build);
        try {
            std::forward<F>(f)(scope);
        } catch (const std::exception& e) {
            scope.end(run_status::failed, e.what(), false);
            throw;
        } catch (...) {
            scope.end(run_status::failed, "an exception that is not a std::exception", false);
            throw;
        }
        scope.finish();
    }

    /// @brief Adds an experiment, in Python's order (insertion after equals). Thread-safe.
    void append(experiment_type experiment);

    /// @brief Writes the artifacts that were logged and not saved yet, then the project file
    /// (atomically: a crash leaves the old file or the new one, never a torn one). In edit
    /// mode, changed experiments get `last_updated_by` = author, as in Python. If another
    /// process saved the file since it was loaded, its experiments are merged in first (under
    /// an advisory lock on `<file>.lock`), so no writer's experiments are lost; in write mode
    /// the file is replaced, as in Python. Throws commit_error, and writes nothing, while an
    /// experiment whose scope failed to join is uncommitted().
    void save();

    /// @brief The experiments whose scope ended without joining the project (the scope's
    /// destructor could not report it), each with the error; empty normally.
    [[nodiscard]] const std::vector<uncommitted_experiment>& uncommitted() const noexcept { return session_.pending; }
    /// @brief Moves the uncommitted experiments out (to append() them again, say): save()
    /// no longer refuses because of them.
    [[nodiscard]] std::vector<uncommitted_experiment> take_uncommitted();

    /// @brief Where the project's files are read and written.
    [[nodiscard]] const std::shared_ptr<storage>& files() const noexcept { return file_.files(); }

    /// @brief The project file's content, byte for byte as Python lazyscribe writes it.
    [[nodiscard]] std::string to_text() const;
    /// @brief Writes the project file's content to `out`, a slice of experiments at a time, so
    /// that writing needs memory for a slice's text, not for the whole file.
    void write_text(std::ostream& out) const;
    /// @brief The experiments as the JSON array of the project file.
    [[nodiscard]] json to_json() const;

    /// @brief The experiment whose slug or short slug is `key`; the latest in project order
    /// wins, as in Python. Throws not_found_error naming the file and the key.
    [[nodiscard]] const experiment_type& operator[](std::string_view key) const;
    /// @brief The same experiment, editable. Throws read_only_error unless it was logged in this
    /// session or the project is open in edit mode.
    [[nodiscard]] experiment_type& edit(std::string_view key);
    /// @brief The experiment whose slug or short slug is `key` (the latest in project order),
    /// or nullptr.
    [[nodiscard]] const experiment_type* find(std::string_view key) const noexcept;
    [[nodiscard]] bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }

    [[nodiscard]] std::size_t size() const noexcept { return store_.all.size(); }
    [[nodiscard]] bool empty() const noexcept { return store_.all.empty(); }
    [[nodiscard]] const_iterator begin() const noexcept { return const_iterator(store_.all.begin()); }
    [[nodiscard]] const_iterator end() const noexcept { return const_iterator(store_.all.end()); }

    /// @brief A lazy view of the experiments for which `pred(experiment)` is true.
    template <class Pred>
    requires std::predicate<Pred&, const experiment_type&>
    [[nodiscard]] auto filter(Pred pred) const {
        return detail::filter_view<const_iterator, Pred>(begin(), end(), std::move(pred));
    }

    /// @brief A new project (this one's path, mode and author) with the experiments of this
    /// and `others`, as Python 2.2.1 merges: each experiment of the others, in turn, is skipped
    /// if an equal one is already there, else inserted after the experiments it does not sort
    /// before (bisect.insort); then, for each slug, only the last one is kept. So on a tie
    /// (same slug, same last_updated, different content) the other project's copy wins.
    // clang-format off
    template <class... Others>
        requires(std::same_as<Others, basic_project> && ...)
    [[nodiscard]] basic_project merge(const Others&... others) const {
        // clang-format on
        std::vector<const experiment_type*> merged;
        merged.reserve((store_.all.size() + ... + others.size()));
        for (const auto& e : store_.all) merged.push_back(e.get());
        (merge_into(merged, others), ...);
        return merged_project(merged);
    }

    void swap(basic_project& other) noexcept { std::swap(*this, other); }

private:
    // The experiments in project order, with the index of their keys. The index points into
    // the experiments, so a copy copies the experiments and indexes them anew.
    struct catalogue {
        // Transparent hashing: a look-up by string_view builds no std::string.
        struct key_hash {
            using is_transparent = void;
            std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
        };
        // The latest experiment (in project order) whose slug, and whose short slug, is the key.
        struct index_entry {
            experiment_type* by_slug = nullptr;
            experiment_type* by_short_slug = nullptr;
        };

        catalogue() = default;
        catalogue(const catalogue& other);
        catalogue(catalogue&&) noexcept = default;
        catalogue& operator=(const catalogue& other) {
            catalogue copy(other);
            return *this = std::move(copy);
        }
        catalogue& operator=(catalogue&&) noexcept = default;
        ~catalogue() = default;

        void insert(std::unique_ptr<experiment_type>& e);
        std::unique_ptr<experiment_type> erase(const experiment_type& e);
        void index(experiment_type& e);
        void reindex();

        std::vector<std::unique_ptr<experiment_type>> all;
        detail::slug_index<index_entry> keys;
        // Slugs that more than one experiment has, with all of them. The keys are copies: a merge
        // from disk replaces an experiment's strings while the groups are in use.
        std::unordered_map<std::string, std::vector<experiment_type*>, key_hash, std::equal_to<>> shared;
    };

    // What is about this session's scopes rather than the file: the lock of append and save,
    // and the experiments whose scope could not join. A copy has its own lock, and no scope.
    struct session {
        session() = default;
        session(const session& other) : pending(other.pending) {}
        session(session&& other) noexcept : pending(std::move(other.pending)) {}
        session& operator=(session other) noexcept {
            pending = std::move(other.pending);
            return *this;
        }
        ~session() = default;

        detail::member_mutex lock;
        std::vector<uncommitted_experiment> pending;  // room for one more per open scope, reserved
        std::size_t open_scopes = 0;
        // Journals of runs that ended (or were recovered): removed once the file has their history.
        std::vector<std::filesystem::path> spent_journals;
    };

    // Calls f with the project file's text, in consecutive slices of a few experiments.
    template <class F>
    void for_each_text_slice(F&& f) const {
        constexpr std::size_t experiments_per_slice = 64;
        std::string text;
        std::size_t first = 0;
        do {
            const std::size_t last = std::min(store_.all.size(), first + experiments_per_slice);
            text.clear();
            append_text(text, first, last);
            f(std::string_view(text));
            first = last;
        } while (first < store_.all.size());
    }

    void append_text(std::string& text, std::size_t first, std::size_t last) const;
    void separate_shared_folders();
    void load(bool missing_is_empty);
    std::vector<std::unique_ptr<experiment_type>> parse_file(const std::string& text);
    std::vector<experiment_type*> with_slug(std::string_view slug) const;
    void merge_from_disk(const std::string& text);
    void resolve_dependencies(experiment_type& e, const std::string& where);
    static void merge_into(std::vector<const experiment_type*>& merged, const basic_project& other);
    basic_project merged_project(const std::vector<const experiment_type*>& merged) const;
    void adopt(experiment_type& e);
    void end_scope(experiment_type& e, bool join, std::exception_ptr failure) noexcept;
    void throw_if_uncommitted() const;
    void save_locked(bool refuse_uncommitted);
    void live_heartbeat(experiment_type& record, const detail::live_recorder& recorder);
    void recover_crashed_runs();
    static void check_live_options(const live_options& options);

    detail::file_lifecycle file_;
    lazyscribe::mode mode_;
    std::string author_;
    clock_function clock_;
    std::shared_ptr<const detail::artifact_home> home_;  // shared by every artifact set of the project
    catalogue store_;
    std::unordered_map<std::string, std::shared_ptr<basic_project>> upstream_;
    session session_;
};

// ---- experiment_scope ----------------------------------------------------------------------

template <class Handlers>
basic_project<Handlers>::experiment_scope::experiment_scope(basic_project& project, experiment_type e)
    : experiment_type(std::move(e)), project_(&project), uncaught_(std::uncaught_exceptions()) {}

template <class Handlers>
basic_project<Handlers>::experiment_scope::~experiment_scope() {
    if (committed_) return;
    // Unwinding: the experiment does not join, as its scope did not finish; it is kept only if
    // a commit() failed, since the user asked for it to join.
    const bool unwinding = std::uncaught_exceptions() > uncaught_;
    project_->end_scope(*this, !unwinding, unwinding ? commit_failure_ : nullptr);
}

template <class Handlers>
void basic_project<Handlers>::experiment_scope::commit() {
    if (committed_) return;
    try {
        project_->adopt(*this);
    } catch (...) {
        commit_failure_ = std::current_exception();
        throw;
    }
    committed_ = true;
    std::lock_guard lock(project_->session_.lock.mutex);
    --project_->session_.open_scopes;
}

// ---- basic_project -------------------------------------------------------------------------

template <class Handlers>
basic_project<Handlers>::basic_project(std::pair<std::shared_ptr<storage>, std::filesystem::path> where, mode open_mode,
                                       const project_options& options)
    : file_(std::move(where), options.durable),
      mode_(open_mode),
      author_(options.author.empty() ? detail::os_user_name() : options.author),
      clock_(options.clock ? options.clock : &detail::now),
      home_(std::make_shared<const detail::artifact_home>(detail::artifact_home{
          file_.path().parent_path(), file_.files(), file_.path(), options.slugs, options.crashed_after})) {
    if (mode_ != mode::write) load(options.missing_file_is_empty || mode_ != mode::read_only);
}

template <class Handlers>
typename basic_project<Handlers>::experiment_scope basic_project<Handlers>::log(std::string name) {
    if (mode_ == mode::read_only) throw read_only_error("log: project " + file_.display_name() + " is open read-only");
    experiment_type e(std::move(name), author_, home_, clock_);
    {
        // Room for this scope's experiment among the uncommitted ones, so that its destructor
        // can keep it without allocating.
        std::lock_guard lock(session_.lock.mutex);
        session_.pending.reserve(session_.pending.size() + session_.open_scopes + 1);
        ++session_.open_scopes;
    }
    return experiment_scope(*this, std::move(e));
}

template <class Handlers>
void basic_project<Handlers>::append(experiment_type experiment) {
    if (mode_ == mode::read_only) throw read_only_error("append: project " + file_.display_name() + " is open read-only");
    if (experiment.artifacts_.home() != home_) {  // from elsewhere: new here, its files now live here
        experiment.from_disk_ = false;
        experiment.artifacts_.place(home_, experiment.slug_);
        for (auto& t : experiment.tests_) {
            t.artifacts_.place(home_, experiment.slug_ + "/" + detail::slugify(t.name(), home_->slugs));
        }
    }
    adopt(experiment);
}

// Adds e to the project, or throws leaving e and the project as they were.
template <class Handlers>
void basic_project<Handlers>::adopt(experiment_type& e) {
    static_assert(
        std::is_nothrow_move_constructible_v<experiment_type> && std::is_nothrow_move_assignable_v<experiment_type>,
        "a failed adoption moves the experiment back: that must not throw");
    if (e.failed_test_) std::rethrow_exception(std::exchange(e.failed_test_, nullptr));  // reported once
    auto owned = std::make_unique<experiment_type>(std::move(e));
    try {
        std::lock_guard lock(session_.lock.mutex);
        store_.insert(owned);
    } catch (...) {
        e = std::move(*owned);
        throw;
    }
}

template <class Handlers>
void basic_project<Handlers>::end_scope(experiment_type& e, bool join, std::exception_ptr failure) noexcept {
    if (join) {
        try {
            adopt(e);
        } catch (...) {
            failure = std::current_exception();
        }
    }
    std::lock_guard lock(session_.lock.mutex);
    --session_.open_scopes;
    // The room was reserved when the scope began: no allocation, nothing that can throw.
    if (failure) session_.pending.push_back(uncommitted_experiment{std::move(e), std::move(failure)});
}

// ---- live runs -----------------------------------------------------------------------------

template <class Handlers>
void basic_project<Handlers>::check_live_options(const live_options& options) {
    using std::chrono::milliseconds;
    if (options.flush_interval <= milliseconds::zero()) {
        throw options_error("live_options::flush_interval must be positive; given " +
                            std::to_string(options.flush_interval.count()) + " ms");
    }
    if (options.heartbeat_interval <= milliseconds::zero() || options.heartbeat_interval > max_heartbeat_interval) {
        throw options_error("live_options::heartbeat_interval must be positive and at most " +
                            std::to_string(max_heartbeat_interval.count()) +
                            " s (readers report a run crashed when its heartbeat is older than crashed_after); given " +
                            std::to_string(options.heartbeat_interval.count()) + " ms");
    }
    if (options.max_buffered_points == 0) throw options_error("live_options::max_buffered_points must be positive");
}

// Under the writers' lock, after the merge: each run the file says is running and whose
// heartbeat is stale gets its journal as its history artifact and the status crashed. Its
// last_updated moves, so that another process that loaded it running takes this version.
template <class Handlers>
void basic_project<Handlers>::recover_crashed_runs() {
    for (auto& owned : store_.all) {
        experiment_type& e = *owned;
        // Says running, reads as crashed: not recovered yet.
        if (e.live_ || !e.from_disk_ || e.recorded_status() != run_status::running ||
            e.status() != run_status::crashed) {
            continue;
        }
        detail::journal_contents contents;
        std::optional<std::filesystem::path> journal;
        try {
            journal = e.journal_file();
            if (journal) contents = e.read_journal();
        } catch (const lazyscribe::error&) {
            // No readable run record or journal: the run is marked crashed with no histories.
        }
        auto histories = std::make_shared<const metric_histories>(std::move(contents.histories));
        e.put_last_values(*histories);
        e.set_status_tag(run_status::crashed);
        const time_point recovered_at = clock_();
        const std::string fname =
            journal ? detail::run_files::history_of(*journal) : std::string(history_artifact_name) + ".json";
        e.artifacts_.template log_artifact_at<"json">(recovered_at, history_artifact_name,
                                                      detail::history_table{histories}, log_options{fname, true});
        e.artifacts_.save(file_.durable());  // a loaded record's files are otherwise never written
        e.histories_ = std::move(histories);
        e.last_updated_ = recovered_at;
        e.changed_ = true;
        if (journal) session_.spent_journals.push_back(*journal);
    }
}

template <class Handlers>
void basic_project<Handlers>::live_scope::require_open(const char* operation) const {
    if (ended_ != run_status::running) {
        throw read_only_error(std::string(operation) + ": the live run '" + record_->slug() + "' has ended (" +
                              std::string(to_string(ended_)) + ")");
    }
}

template <class Handlers>
void basic_project<Handlers>::live_scope::refuse_reserved(std::string_view artifact_name) {
    if (artifact_name == history_artifact_name || artifact_name == run_artifact_name) {
        throw artifact_log_error("log_artifact: '" + std::string(artifact_name) +
                                 "' is the live run's own artifact (docs/format.md §11); choose another name");
    }
}

template <class Handlers>
std::vector<typename basic_project<Handlers>::uncommitted_experiment> basic_project<Handlers>::take_uncommitted() {
    std::lock_guard lock(session_.lock.mutex);
    std::vector<uncommitted_experiment> room;
    room.reserve(session_.open_scopes);  // the open scopes' room, before anything moves
    room.swap(session_.pending);
    return room;
}

template <class Handlers>
void basic_project<Handlers>::throw_if_uncommitted() const {
    if (session_.pending.empty()) return;
    const auto& first = session_.pending.front();
    std::string reason;
    try {
        std::rethrow_exception(first.error);
    } catch (const std::exception& ex) {
        reason = ex.what();
    } catch (...) {
        reason = "an exception that is not a std::exception";
    }
    throw commit_error("save: project " + file_.display_name() + ": experiment '" + first.experiment.slug() +
                       "' did not join the project when its scope ended (" + reason + "); " +
                       (session_.pending.size() > 1 ? std::to_string(session_.pending.size() - 1) + " more; " : "") +
                       "nothing was saved: take_uncommitted() hands the experiments back to append() them");
}

template <class Handlers>
void basic_project<Handlers>::save() {
    if (mode_ == mode::read_only) throw read_only_error("save: project " + file_.display_name() + " is open read-only");
    std::lock_guard lock(session_.lock.mutex);
    save_locked(true);
}

// save() under the session lock. A live run's heartbeat does not refuse because of an
// uncommitted experiment (those are not in the store, so not written).
template <class Handlers>
void basic_project<Handlers>::save_locked(bool refuse_uncommitted) {
    if (refuse_uncommitted) throw_if_uncommitted();
    file_.save(
        mode_ != mode::write, [&](const std::string& current) { merge_from_disk(current); },
        [&] {
            recover_crashed_runs();  // under the writers' lock, after what others saved is in
            if (mode_ == mode::edit) {
                for (auto& e : store_.all) {
                    if (e->from_disk_ && e->changed_) e->last_updated_by_ = author_;
                }
            }
            separate_shared_folders();
            for (auto& e : store_.all) {
                if (e->read_only_) continue;
                e->artifacts_.save(file_.durable());
                for (auto& t : e->tests_) t.artifacts_.save(file_.durable());
            }
        },
        // Streamed a slice of experiments at a time: no copy of the whole file in memory.
        [&](detail::file_lifecycle::text_sink sink) { for_each_text_slice(sink); });
    experiment_type::discard_removed_files(store_.all);  // the file no longer names them
    for (const auto& journal : std::exchange(session_.spent_journals, {})) {
        try {
            file_.files()->remove(journal);  // the history artifact, now named in the file, has it all
        } catch (const lazyscribe::error&) {
            // Left behind: nothing reads a journal once the history artifact is there.
        }
    }
}

template <class Handlers>
std::string basic_project<Handlers>::to_text() const {
    std::string text;
    for_each_text_slice([&](std::string_view slice) { text += slice; });
    return text;
}

template <class Handlers>
void basic_project<Handlers>::write_text(std::ostream& out) const {
    for_each_text_slice(
        [&](std::string_view slice) { out.write(slice.data(), static_cast<std::streamsize>(slice.size())); });
}

template <class Handlers>
json basic_project<Handlers>::to_json() const {
    json array = json::array();
    for (const auto& e : store_.all) array.push_back(e->to_json());
    return array;
}

template <class Handlers>
const typename basic_project<Handlers>::experiment_type& basic_project<Handlers>::operator[](
    std::string_view key) const {
    if (const auto* e = find(key)) return *e;
    throw not_found_error("project " + file_.display_name() + " has no experiment with slug or short slug '" +
                          std::string(key) + "'");
}

template <class Handlers>
typename basic_project<Handlers>::experiment_type& basic_project<Handlers>::edit(std::string_view key) {
    auto& e = const_cast<experiment_type&>(std::as_const(*this)[key]);
    if (e.read_only_) {
        throw read_only_error("edit: experiment '" + e.slug_ + "' of " + file_.display_name() +
                              " is read-only; open the project in edit mode");
    }
    return e;
}

template <class Handlers>
const typename basic_project<Handlers>::experiment_type* basic_project<Handlers>::find(
    std::string_view key) const noexcept {
    const auto* entry = store_.keys.find(key);
    if (entry == nullptr) return nullptr;
    const auto [by_slug, by_short_slug] = *entry;
    if (by_slug == nullptr) return by_short_slug;
    if (by_short_slug == nullptr) return by_slug;
    return by_slug->position_ > by_short_slug->position_ ? by_slug : by_short_slug;
}

template <class Handlers>
basic_project<Handlers> basic_project<Handlers>::merged_project(
    const std::vector<const experiment_type*>& merged) const {
    std::unordered_map<std::string_view, std::size_t> last;
    for (std::size_t i = 0; i < merged.size(); ++i) last[merged[i]->slug_] = i;
    project_options options{author_, clock_, file_.durable(), file_.files()};
    options.slugs = home_->slugs;
    options.crashed_after = home_->crashed_after;
    basic_project result(path(), mode::write, options);
    result.mode_ = mode_;
    for (std::size_t i = 0; i < merged.size(); ++i) {
        if (last[merged[i]->slug_] == i) {
            result.store_.all.push_back(std::make_unique<experiment_type>(*merged[i]));
            result.store_.all.back()->position_ = result.store_.all.size() - 1;
            result.store_.index(*result.store_.all.back());
        }
    }
    return result;
}

// The project file's text for experiments [first, last): the whole file when they are all.
template <class Handlers>
void basic_project<Handlers>::append_text(std::string& text, std::size_t first, std::size_t last) const {
    const auto& experiments = store_.all;
    if (experiments.empty()) {
        text += "[]";
        return;
    }
    detail::pyjson::dump_options options;
    options.indent = 4;
    options.sort_keys = true;
    options.initial_depth = 1;
    for (std::size_t i = first; i < last; ++i) {
        text += i == 0 ? "[\n    " : ",\n    ";
        experiments[i]->write_json(text, options);
    }
    if (last == experiments.size()) text += "\n]";
}

// Experiments with the same slug (same name, same second) share a folder, where Python
// lets the second one's artifact overwrite the first's file; here an unsaved artifact
// whose file name another experiment of that folder uses gets a distinct name.
template <class Handlers>
void basic_project<Handlers>::separate_shared_folders() {
    for (const auto& entry : store_.shared) {
        const auto& group = entry.second;  // not a structured binding: lambdas capture it (clang 14)
        for (const experiment_type* e : group) {
            auto& me = const_cast<experiment_type&>(*e);  // ours: the index only hands out const
            me.artifacts_.avoid_fnames([&](std::string_view fname) {
                return std::any_of(group.begin(), group.end(), [&](const experiment_type* other) {
                    return other != e && other->artifacts_.uses_fname(fname);
                });
            });
            for (auto& t : me.tests_) {
                t.artifacts_.avoid_fnames([&](std::string_view fname) {
                    return std::any_of(group.begin(), group.end(), [&](const experiment_type* other) {
                        if (other == e) return false;
                        return std::any_of(other->tests_.begin(), other->tests_.end(), [&](const test_type& ot) {
                            return ot.artifacts_.folder() == t.artifacts_.folder() && ot.artifacts_.uses_fname(fname);
                        });
                    });
                });
            }
        }
    }
}

template <class Handlers>
void basic_project<Handlers>::load(bool missing_is_empty) {
    auto text = file_.read();
    if (!text) {
        if (missing_is_empty) return;  // Python's rule: an empty project
        throw not_found_error("project file " + file_.display_name() +
                              " does not exist (opened read-only; project_options::missing_file_is_empty "
                              "reads a missing file as an empty project, as Python does)");
    }
    auto loaded = parse_file(*text);
    store_.all.reserve(loaded.size());
    store_.keys.reserve(2 * loaded.size());
    for (auto& e : loaded) store_.insert(e);
}

// Reads a project file straight into experiments, one member at a time: no JSON document
// of the whole file is built (only metrics, parameters and unknown keys are JSON values).
template <class Handlers>
std::vector<std::unique_ptr<typename basic_project<Handlers>::experiment_type>> basic_project<Handlers>::parse_file(
    const std::string& text) {
    auto& loading = detail::projects_being_loaded();
    const auto me = detail::canonical_or_absolute(path());
    if (std::find(loading.begin(), loading.end(), me) != loading.end()) {
        std::string chain;
        for (const auto& p : loading) chain += p.string() + " -> ";
        throw format_error("dependency cycle: " + chain + me.string());
    }
    loading.push_back(me);
    struct pop_on_exit {
        std::vector<std::filesystem::path>& stack;
        ~pop_on_exit() { stack.pop_back(); }
    } pop{loading};

    const std::string file = file_.display_name();
    detail::document_reader reader(text, file);
    std::vector<std::unique_ptr<experiment_type>> out;
    try {
        reader.check_no_bom();
        if (reader.peek() != '[') throw format_error(file + ": expected an array of experiments at the top level");
        const bool read_only = mode_ != mode::edit;
        const std::string reader_user = detail::os_user_name();
        reader.read_array([&](std::size_t i) {
            auto e = std::unique_ptr<experiment_type>(new experiment_type());
            experiment_type::read(
                reader, *e, [&] { return file + ": [" + std::to_string(i) + "]"; }, home_, read_only, reader_user,
                clock_);
            e->from_disk_ = true;
            out.push_back(std::move(e));
        });
        reader.expect_end();
    } catch (const format_error&) {
        // The typed reader stops at the first entry that does not fit; malformed JSON
        // further on is the more basic problem, and was reported first before.
        (void)detail::pyjson::parse<json>(text, file);
        throw;
    } catch (const lazyscribe::error&) {
        throw;
    } catch (const std::exception& e) {
        reader.fail(reader.position(), std::string("cannot parse JSON: ") + e.what());
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (!out[i]->dependencies_.empty()) resolve_dependencies(*out[i], file + ": [" + std::to_string(i) + "]");
    }
    return out;
}

// The experiments whose slug is `slug` (several only when they were logged with the same
// name in the same second).
template <class Handlers>
std::vector<typename basic_project<Handlers>::experiment_type*> basic_project<Handlers>::with_slug(
    std::string_view slug) const {
    if (const auto it = store_.shared.find(slug); it != store_.shared.end()) return it->second;
    if (const auto* entry = store_.keys.find(slug); entry != nullptr && entry->by_slug != nullptr) {
        return {entry->by_slug};
    }
    return {};
}

// Another process saved since we loaded: take in what it wrote (Python's merge rules:
// what we already have stays; for an experiment both sides loaded, the newer wins).
template <class Handlers>
void basic_project<Handlers>::merge_from_disk(const std::string& text) {
    bool replaced = false;
    for (auto& d : parse_file(text)) {
        const experiment_type* ours_loaded = nullptr;
        bool same = false;
        for (const auto* c : with_slug(d->slug_)) {
            if (*c == *d) same = true;
            if (c->from_disk_ || c->live_) ours_loaded = c;
        }
        if (same) continue;
        if (ours_loaded == nullptr) {
            store_.insert(d);
        } else if (!ours_loaded->live_ && d->last_updated_ > ours_loaded->last_updated_) {
            // (A run this session logged live is this session's to write: what the file says of
            // it is an earlier heartbeat of ours, or another reader's mistaken recovery.)
            auto& target = const_cast<experiment_type&>(*ours_loaded);
            const std::size_t position = target.position_;
            target = std::move(*d);  // same slug and place in the order; the strings are new
            target.position_ = position;
            replaced = true;
        }
    }
    if (replaced) {
        // A replacement can be out of Python's order (its last_updated moved): sort again,
        // so that memory, the file and a later load agree; then index anew.
        auto& experiments = store_.all;
        std::stable_sort(experiments.begin(), experiments.end(),
                         [](const auto& a, const auto& b) { return a->sorts_before(*b); });
        for (std::size_t i = 0; i < experiments.size(); ++i) experiments[i]->position_ = i;
        store_.reindex();
    }
}

// Python loads each upstream project read-only and looks the slug up in it; so do we,
// with typed errors, and a cycle is reported instead of recursing forever.
template <class Handlers>
void basic_project<Handlers>::resolve_dependencies(experiment_type& e, const std::string& where) {
    auto deps = std::move(e.dependencies_);
    e.dependencies_.clear();
    for (auto& d : deps) {
        auto it = upstream_.find(d.project);
        if (it == upstream_.end()) {
            // A registered "s3://b/p.json" is read, as the downstream project is, through its storage.
            std::filesystem::path file = project_registry::without_protocol(
                project_registry::find(d.project).value_or(std::filesystem::path(d.project)));
            if (!file_.files()->exists(file)) {
                throw format_error(where + ": dependency '" + d.encoded() + "': project file " +
                                   file_.files()->display_name(file) +
                                   " does not exist (relative paths are resolved against the working directory, "
                                   "as in Python)");
            }
            project_options upstream_options;
            upstream_options.files = file_.files();
            upstream_options.slugs = home_->slugs;
            upstream_options.crashed_after = home_->crashed_after;
            it = upstream_.emplace(d.project, std::make_shared<basic_project>(file, mode::read_only, upstream_options))
                     .first;
        }
        const experiment_type* upstream = it->second->find(d.slug);
        if (upstream == nullptr) {
            throw format_error(where + ": dependency '" + d.encoded() + "': no experiment '" + d.slug + "' in " +
                               it->second->file_.display_name());
        }
        d.short_slug = upstream->short_slug_;
        d.project_file = it->second->path();  // Python writes it through the registry at save time
        e.put_dependency(std::move(d));
    }
}

// One step of Python's merge: `if exp in cexp: continue; insort(cexp, exp)` for each
// experiment of `other`. Equal experiments have equal slugs, so only those are compared.
template <class Handlers>
void basic_project<Handlers>::merge_into(std::vector<const experiment_type*>& merged, const basic_project& other) {
    std::unordered_multimap<std::string_view, const experiment_type*> by_slug;
    by_slug.reserve(merged.size() + other.size());
    for (const auto* e : merged) by_slug.emplace(e->slug_, e);
    for (const auto& owned : other.store_.all) {
        const experiment_type* e = owned.get();
        const auto [first, last] = by_slug.equal_range(std::string_view(e->slug_));
        if (std::any_of(first, last, [&](const auto& entry) { return *entry.second == *e; })) continue;
        // bisect_right exactly as Python computes it (the order is not always a strict one).
        std::size_t lo = 0;
        std::size_t hi = merged.size();
        while (lo < hi) {
            const std::size_t mid = (lo + hi) / 2;
            if (e->sorts_before(*merged[mid])) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        merged.insert(merged.begin() + static_cast<std::ptrdiff_t>(lo), e);
        by_slug.emplace(e->slug_, e);
    }
}

// ---- catalogue -----------------------------------------------------------------------------

template <class Handlers>
basic_project<Handlers>::catalogue::catalogue(const catalogue& other) {
    all.reserve(other.all.size());
    keys.reserve(2 * other.all.size());
    for (const auto& e : other.all) {
        all.push_back(std::make_unique<experiment_type>(*e));
        all.back()->position_ = all.size() - 1;
        index(*all.back());
    }
}

// bisect.insort: after every element that x does not sort before. New experiments are
// usually the newest, so the common case appends without a search or a move. Takes e only
// when it succeeds: if it throws, e and the catalogue are as they were.
template <class Handlers>
void basic_project<Handlers>::catalogue::insert(std::unique_ptr<experiment_type>& e) {
    // The one step that may fail, before anything changes (doubling: appends stay amortised O(1)).
    if (all.size() == all.capacity()) all.reserve(std::max<std::size_t>(16, 2 * all.size()));
    experiment_type& ref = *e;
    std::size_t lo = all.size();
    if (!all.empty() && e->sorts_before(*all.back())) {
        lo = 0;
        std::size_t hi = all.size();
        while (lo < hi) {
            const std::size_t mid = (lo + hi) / 2;
            if (e->sorts_before(*all[mid])) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
    }
    // Rare (an experiment older than the newest): renumber now, so that look-ups stay
    // read-only and safe to run from several threads. Relative order is unchanged, so
    // the index (latest per key) stays right.
    all.insert(all.begin() + static_cast<std::ptrdiff_t>(lo), std::move(e));
    for (std::size_t i = lo; i < all.size(); ++i) all[i]->position_ = i;
    try {
        index(ref);
    } catch (...) {
        e = std::move(all[lo]);  // index() changes nothing it cannot undo before it may throw
        all.erase(all.begin() + static_cast<std::ptrdiff_t>(lo));
        for (std::size_t i = lo; i < all.size(); ++i) all[i]->position_ = i;
        throw;
    }
}

// Takes e out (a live run whose file could not be written); the order and the index are
// rebuilt.
template <class Handlers>
std::unique_ptr<typename basic_project<Handlers>::experiment_type> basic_project<Handlers>::catalogue::erase(
    const experiment_type& e) {
    const auto it = std::find_if(all.begin(), all.end(), [&](const auto& owned) { return owned.get() == &e; });
    if (it == all.end()) return nullptr;
    auto taken = std::move(*it);
    all.erase(it);
    for (std::size_t i = 0; i < all.size(); ++i) all[i]->position_ = i;
    reindex();
    return taken;
}

// Records e (already at its position) as the latest under its slug and its short slug.
// Everything that allocates comes first: if it throws, no entry points to e yet.
template <class Handlers>
void basic_project<Handlers>::catalogue::index(experiment_type& e) {
    (void)keys[e.slug_];
    (void)keys[e.short_slug_];
    auto& slug_entry = *keys.find(e.slug_);  // both exist now: no more growth
    experiment_type*& by_slug = slug_entry.by_slug;
    std::vector<experiment_type*>* group = nullptr;
    if (by_slug != nullptr) {
        auto it = shared.find(std::string_view(e.slug_));
        if (it == shared.end()) it = shared.emplace(e.slug_, std::vector<experiment_type*>{}).first;
        group = &it->second;
        group->reserve(group->size() + 2);
    }
    if (group != nullptr) {
        if (group->empty()) group->push_back(by_slug);
        group->push_back(&e);
    }
    if (by_slug == nullptr || by_slug->position_ < e.position_) by_slug = &e;
    auto& by_short_slug = keys.find(e.short_slug_)->by_short_slug;
    if (by_short_slug == nullptr || by_short_slug->position_ < e.position_) by_short_slug = &e;
}

template <class Handlers>
void basic_project<Handlers>::catalogue::reindex() {
    keys.clear();
    shared.clear();
    for (auto& e : all) index(*e);
}

// lazyscribe::project, experiment and test (basic_*<builtin_handlers>) are declared in fwd.hpp.

}  // namespace lazyscribe

// The built-in list's projects, experiments, tests and artifact sets: the compiled library
// (target lazyscribe::lazyscribe, src/lazyscribe.cpp) instantiates them once, and with
// LAZYSCRIBE_COMPILED_LIBRARY (which that target sets) a user's translation unit does not.
// One list, for both sides. Its argument is `template` or `extern template`, which cannot be
// parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define LAZYSCRIBE_PROJECT_INSTANCES(declare)                                                 \
    declare class basic_project<builtin_handlers>;                                            \
    declare class basic_experiment<builtin_handlers>;                                         \
    declare class basic_test<builtin_handlers>;                                               \
    declare class basic_artifact_set<builtin_handlers>;                                       \
    declare class detail::logging_base<basic_experiment<builtin_handlers>, builtin_handlers>; \
    declare class detail::logging_base<basic_test<builtin_handlers>, builtin_handlers>;       \
    declare struct detail::artifact_codec<builtin_handlers>;
// NOLINTEND(bugprone-macro-parentheses)

#if defined(LAZYSCRIBE_COMPILED_LIBRARY)
namespace lazyscribe {
LAZYSCRIBE_PROJECT_INSTANCES(extern template)
}  // namespace lazyscribe
#endif
