#pragma once
/// @file history.hpp
/// @brief Live runs: step-indexed metric histories, the run's status, and the options of
/// `project.log(name, lazyscribe::live)` (docs/training-loop.md; the file convention is
/// docs/format.md §11).

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <lazyscribe/errors.hpp>

namespace lazyscribe {

/// @brief Where a run stands. Experiments that were not logged live (Python's, and
/// `project.log(name)` without lazyscribe::live) are `finished`: Python keeps only those.
enum class run_status {
    finished,  ///< the run's scope ended normally
    running,   ///< its heartbeat is fresh (or it runs in this process)
    failed,    ///< an exception left its scope, or fail() was called: kept, with the message
    crashed,   ///< it stopped without ending: "running" with a heartbeat older than crashed_after
};

/// @brief "finished", "running", "failed" or "crashed": the word of the status tag.
[[nodiscard]] constexpr std::string_view to_string(run_status s) noexcept {
    switch (s) {
    case run_status::running:
        return "running";
    case run_status::failed:
        return "failed";
    case run_status::crashed:
        return "crashed";
    case run_status::finished:
        break;
    }
    return "finished";
}

/// @brief The tag a live run carries, one at a time: "lazyscribe.status=" + to_string(status).
inline constexpr std::string_view status_tag_prefix = "lazyscribe.status=";
/// @brief The json artifact that holds a live run's histories once it ends (or is recovered).
inline constexpr std::string_view history_artifact_name = "history";
/// @brief The json artifact that holds a live run's provenance and how it ended.
inline constexpr std::string_view run_artifact_name = "run";

/// @brief A step index for `log_metric(name, value, lazyscribe::step{n})`.
struct step {
    std::int64_t value;
};

/// @brief One metric's points, in the order they were logged: steps, wall times (Unix
/// seconds, to the microsecond) and values, as three columns.
class metric_history {
public:
    [[nodiscard]] std::size_t size() const noexcept { return steps_.size(); }
    [[nodiscard]] bool empty() const noexcept { return steps_.empty(); }
    [[nodiscard]] std::span<const std::int64_t> steps() const noexcept { return steps_; }
    [[nodiscard]] std::span<const double> times() const noexcept { return times_; }
    [[nodiscard]] std::span<const double> values() const noexcept { return values_; }
    /// @brief The value logged last (what the experiment's `metrics` holds); NaN when empty.
    [[nodiscard]] double last() const noexcept {
        return values_.empty() ? std::numeric_limits<double>::quiet_NaN() : values_.back();
    }
    /// @brief The smallest value, NaNs left out; NaN when there is none.
    [[nodiscard]] double min() const noexcept { return extreme(true); }
    /// @brief The largest value, NaNs left out; NaN when there is none.
    [[nodiscard]] double max() const noexcept { return extreme(false); }

    void append(std::int64_t step, double time, double value) {
        steps_.push_back(step);
        times_.push_back(time);
        values_.push_back(value);
    }
    void reserve(std::size_t points) {
        steps_.reserve(points);
        times_.reserve(points);
        values_.reserve(points);
    }
    friend bool operator==(const metric_history&, const metric_history&) = default;

private:
    [[nodiscard]] double extreme(bool smallest) const noexcept {
        double best = std::numeric_limits<double>::quiet_NaN();
        for (const double v : values_) {
            if (std::isnan(v)) continue;
            if (std::isnan(best) || (smallest ? v < best : v > best)) best = v;
        }
        return best;
    }

    std::vector<std::int64_t> steps_;
    std::vector<double> times_;
    std::vector<double> values_;
};

/// @brief The histories of one run, by metric name, in the order the metrics were first logged.
class metric_histories {
public:
    using value_type = std::pair<std::string, metric_history>;
    using const_iterator = std::vector<value_type>::const_iterator;

    [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
    [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
    [[nodiscard]] const_iterator begin() const noexcept { return entries_.begin(); }
    [[nodiscard]] const_iterator end() const noexcept { return entries_.end(); }
    /// @brief The history of `name`, or nullptr.
    [[nodiscard]] const metric_history* find(std::string_view name) const noexcept {
        for (const auto& [key, h] : entries_)
            if (key == name) return &h;
        return nullptr;
    }
    /// @brief The history of `name`; throws not_found_error listing the names there are.
    /// `owner` names the run in the message.
    [[nodiscard]] const metric_history& at(std::string_view name, std::string_view owner = "this run") const {
        if (const auto* h = find(name)) return *h;
        std::string known;
        for (const auto& entry : entries_) known += (known.empty() ? "'" : ", '") + entry.first + "'";
        throw not_found_error(std::string(owner) + " has no metric history named '" + std::string(name) +
                              "'; histories: " + (known.empty() ? "(none)" : known));
    }
    /// @brief The history of `name`, created empty when there is none.
    metric_history& operator[](std::string_view name) {
        for (auto& [key, h] : entries_)
            if (key == name) return h;
        return entries_.emplace_back(std::string(name), metric_history{}).second;
    }
    /// @brief The history at `index` (in first-logged order); std::out_of_range past the end.
    metric_history& at_index(std::size_t index) { return entries_.at(index).second; }
    friend bool operator==(const metric_histories&, const metric_histories&) = default;

private:
    std::vector<value_type> entries_;
};

/// @brief What a live run does when points arrive faster than the disk takes them and its
/// buffer holds live_options::max_buffered_points: the loop waits, or the points are dropped
/// (counted; the run record and the scope report how many).
enum class when_full { block, drop };

/// @brief The options of a live run: `project.log(name, lazyscribe::live)` or
/// `project.log(name, lazyscribe::live_options{.flush_interval = ...})`.
struct live_options {
    /// @brief How often the background flusher appends new points to the journal.
    std::chrono::milliseconds flush_interval{1000};
    /// @brief How often it rewrites the project file (status, last values, heartbeat in
    /// last_updated). At most max_heartbeat_interval, so that readers can tell a crash.
    std::chrono::milliseconds heartbeat_interval{10000};
    /// @brief Points held in memory between flushes, at most (32 bytes each).
    std::size_t max_buffered_points = std::size_t{1} << 20;
    /// @brief What log_metric does when the buffer is full.
    when_full on_full = when_full::block;
    /// @brief Record host, process, command line, git commit and build with the run
    /// (the "run" artifact); false records only how the run ended.
    bool provenance = true;
};

/// @brief A live run with the default options: `project.log(name, lazyscribe::live)`.
inline constexpr live_options live{};

/// @brief The longest heartbeat interval a live run may have.
inline constexpr std::chrono::seconds max_heartbeat_interval{30};
/// @brief The default age of a heartbeat past which a "running" run reads as crashed
/// (project_options::crashed_after): four of the longest heartbeat intervals.
inline constexpr std::chrono::seconds default_crashed_after{120};

/// @brief The compiler and build of the code that starts a live run, recorded in its
/// provenance: the default argument of project.log(name, live) is expanded where it is called.
struct build_info {
    std::string_view compiler;
    bool optimized;
    bool assertions;
};

}  // namespace lazyscribe

#if defined(__clang__)
#define LAZYSCRIBE_COMPILER_DESCRIPTION "clang " __clang_version__
#elif defined(__GNUC__)
#define LAZYSCRIBE_COMPILER_DESCRIPTION "g++ " __VERSION__
#else
#define LAZYSCRIBE_COMPILER_DESCRIPTION "unknown"
#endif
#if defined(__OPTIMIZE__)
#define LAZYSCRIBE_BUILD_OPTIMIZED true
#else
#define LAZYSCRIBE_BUILD_OPTIMIZED false
#endif
#if defined(NDEBUG)
#define LAZYSCRIBE_BUILD_ASSERTIONS false
#else
#define LAZYSCRIBE_BUILD_ASSERTIONS true
#endif
/// @brief The build_info of the translation unit where it is expanded.
#define LAZYSCRIBE_THIS_BUILD                                                                    \
    ::lazyscribe::build_info {                                                                   \
        LAZYSCRIBE_COMPILER_DESCRIPTION, LAZYSCRIBE_BUILD_OPTIMIZED, LAZYSCRIBE_BUILD_ASSERTIONS \
    }
