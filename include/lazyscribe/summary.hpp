#pragma once
/// @file summary.hpp
/// @brief What a listing shows of each experiment of a project, read fast: read_summary.
///
/// A listing (the CLI's `lazyscribe list`) needs the names, slugs, authors, times, tags and
/// metrics of every experiment, not the experiments themselves. read_summary reads the project
/// file with the library's own experiment reader, in parallel on big files, and gives exactly
/// what lazyscribe::basic_project would give, in its order: the same values, the same defaults
/// (author from the reading user, slugs from the name and creation time, ...), the same errors.
/// It includes each run's status (basic_experiment::status(): the status tag, and a "running"
/// run whose heartbeat is older than project_options::crashed_after reads as crashed).

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <lazyscribe/detail/experiment_order.hpp>
#include <lazyscribe/detail/split_array.hpp>
#include <lazyscribe/detail/user.hpp>
#include <lazyscribe/history.hpp>
#include <lazyscribe/project.hpp>

namespace lazyscribe {

namespace detail {
template <class Handlers>
class summary_reader;
}  // namespace detail

/// @brief One experiment as a listing shows it. The accessors are those of basic_experiment.
class experiment_summary {
public:
    experiment_summary() = default;

    /// @brief The summary of `e`.
    template <class Handlers>
    explicit experiment_summary(const basic_experiment<Handlers>& e)
        : name_(e.name()),
          slug_(e.slug()),
          short_slug_(e.short_slug()),
          author_(e.author()),
          last_updated_by_(e.last_updated_by()),
          created_at_(e.created_at()),
          last_updated_(e.last_updated()),
          tags_(e.tags()),
          status_(e.status()),
          metrics_(e.metrics()),
          parameters_(e.parameters()),
          tests_(e.tests().size()),
          artifacts_(e.artifacts().size()) {}

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] const std::string& slug() const noexcept { return slug_; }
    [[nodiscard]] const std::string& short_slug() const noexcept { return short_slug_; }
    [[nodiscard]] const std::string& author() const noexcept { return author_; }
    [[nodiscard]] const std::string& last_updated_by() const noexcept { return last_updated_by_; }
    [[nodiscard]] time_point created_at() const noexcept { return created_at_; }
    [[nodiscard]] time_point last_updated() const noexcept { return last_updated_; }
    [[nodiscard]] const std::vector<std::string>& tags() const noexcept { return tags_; }
    /// @brief Where the run stands, as basic_experiment::status() says when the summary is read
    /// (finished for experiments not logged live).
    [[nodiscard]] run_status status() const noexcept { return status_; }
    /// @brief Metric name → value (a JSON object).
    [[nodiscard]] const json& metrics() const noexcept { return metrics_; }
    /// @brief Parameter name → value (a JSON object).
    [[nodiscard]] const json& parameters() const noexcept { return parameters_; }
    /// @brief How many tests the experiment has.
    [[nodiscard]] std::size_t test_count() const noexcept { return tests_; }
    /// @brief How many artifacts the experiment has (not counting its tests' artifacts).
    [[nodiscard]] std::size_t artifact_count() const noexcept { return artifacts_; }

    friend bool operator==(const experiment_summary&, const experiment_summary&) = default;

private:
    template <class Handlers>
    friend class detail::summary_reader;

    std::string name_, slug_, short_slug_, author_, last_updated_by_;
    time_point created_at_{}, last_updated_{};
    std::vector<std::string> tags_;
    run_status status_ = run_status::finished;
    json metrics_ = json::object();
    json parameters_ = json::object();
    std::size_t tests_ = 0, artifacts_ = 0;
};

namespace detail {

// An experiment read by basic_experiment's own reader (its protected interface, for derived
// classes), whose fields are then moved into a summary instead of copied. Fresh for each
// experiment: the reader fills a new experiment.
template <class Handlers>
class summary_reader : public basic_experiment<Handlers> {
    using base = basic_experiment<Handlers>;

public:
    summary_reader() = default;

    // The experiment object that is all of `text` (one element of the project's array).
    // False if it has dependencies: they name other projects, which only basic_project loads.
    bool read(std::string_view text, const std::string& file, const std::shared_ptr<const artifact_home>& home,
              const std::string& reader_user, clock_function clock) {
        document_reader reader(text, file);
        base::read(
            reader, *this, [&] { return file; }, home, true, reader_user, clock);
        reader.expect_end();
        return this->dependencies_.empty();
    }

    [[nodiscard]] experiment_summary take() && {
        experiment_summary s;
        s.name_ = std::move(this->name_);
        s.slug_ = std::move(this->slug_);
        s.short_slug_ = std::move(this->short_slug_);
        s.author_ = std::move(this->author_);
        s.last_updated_by_ = std::move(this->last_updated_by_);
        s.created_at_ = this->created_at_;
        s.last_updated_ = this->last_updated_;
        s.status_ = this->status();  // before the tags move: the status tag is among them
        s.tags_ = std::move(this->tags_);
        s.metrics_ = std::move(this->metrics_);
        s.parameters_ = std::move(this->parameters_);
        s.tests_ = this->tests_.size();
        s.artifacts_ = this->artifacts_.size();
        return s;
    }
};

// Runs work(begin, end) on `threads` threads over [0, count) in equal chunks; false if a
// call returned false or threw, or a thread could not start (its chunk is not done).
template <class Work>
bool run_in_chunks(std::size_t count, std::size_t threads, const Work& work) {
    std::atomic<bool> failed{false};
    const auto guarded = [&](std::size_t begin, std::size_t end) {
        try {
            if (!work(begin, end)) failed = true;
        } catch (...) {
            failed = true;
        }
    };
    if (threads <= 1) {
        guarded(0, count);
        return !failed;
    }
    const std::size_t chunk = (count + threads - 1) / threads;
    std::vector<std::thread> pool;
    try {
        for (std::size_t t = 1; t < threads; ++t) {
            pool.emplace_back(guarded, std::min(count, t * chunk), std::min(count, (t + 1) * chunk));
        }
    } catch (...) {
        failed = true;  // the chunks without a thread are not read
    }
    guarded(0, std::min(count, chunk));
    for (auto& t : pool) t.join();
    return !failed;
}

}  // namespace detail

/// @brief Below this many experiments read_summary reads on one thread.
inline constexpr std::size_t summary_parallel_threshold = 2000;

/// @brief The experiments of the project file `path`, summarised, in project order: what
/// `basic_project<Handlers>(path, mode::read_only, options)` holds, read faster.
///
/// The file is split into its experiments, which the library's experiment reader reads in
/// parallel (on `threads` threads; 0: one per core, at most 8; one below
/// summary_parallel_threshold experiments). Every experiment is read and checked in full,
/// artifacts and tests included. A file with dependencies, a file the splitter does not
/// recognise, and any error are read by basic_project itself, so the errors are its own.
/// @throws what basic_project's constructor throws (not_found_error, format_error, parse_error, ...).
template <class Handlers = builtin_handlers>
[[nodiscard]] std::vector<experiment_summary> read_summary(const std::filesystem::path& path,
                                                           const project_options& options = {}, unsigned threads = 0) {
    const auto slow = [&] {
        const basic_project<Handlers> p(path, mode::read_only, options);
        std::vector<experiment_summary> out;
        out.reserve(p.size());
        for (const auto& e : p) out.emplace_back(e);
        return out;
    };
    auto [files, file_path] = resolve_storage(path, options.files);
    const auto text = read_bounded(*files, file_path);
    if (!text) return slow();
    const auto spans = detail::split_object_array(*text);
    if (!spans) return slow();

    using reader_type = detail::summary_reader<Handlers>;
    const std::size_t count = spans->size();
    if (threads == 0) threads = std::min(8u, std::max(1u, std::thread::hardware_concurrency()));
    const std::size_t workers = count < summary_parallel_threshold ? 1 : threads;
    // As basic_project's loader: the same home for the artifacts (crashed_after included, which
    // status() reads), the same reading user and clock.
    const auto home = std::make_shared<const detail::artifact_home>(
        detail::artifact_home{file_path.parent_path(), files, file_path, options.slugs, options.crashed_after});
    const std::string file = file_path.string();
    const std::string reader_user = detail::os_user_name();
    const clock_function clock = options.clock ? options.clock : &detail::now;
    std::vector<experiment_summary> read(count);
    // Each experiment is read in full, summarised and freed at once, on its worker. Any
    // failure (an error, a dependency): basic_project reads the file and reports.
    const bool ok = detail::run_in_chunks(count, workers, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            reader_type e;
            if (!e.read((*spans)[i], file, home, reader_user, clock)) return false;
            read[i] = std::move(e).take();
        }
        return true;
    });
    if (!ok) return slow();

    // basic_project's order (basic_project::insert): appended when it does not sort before
    // the last, else inserted after every one it does not sort before (Python's
    // bisect.insort; the order is not always a strict one).
    std::vector<std::size_t> order;  // indices into read
    order.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const experiment_summary& e = read[i];
        std::size_t lo = 0;
        std::size_t hi = order.size();
        if (hi != 0 && !detail::sorts_before(e, read[order.back()])) lo = hi;
        while (lo < hi) {
            const std::size_t mid = (lo + hi) / 2;
            if (detail::sorts_before(e, read[order[mid]])) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        order.insert(order.begin() + static_cast<std::ptrdiff_t>(lo), i);
    }
    std::vector<experiment_summary> out;
    out.reserve(count);
    for (const std::size_t i : order) out.push_back(std::move(read[i]));
    return out;
}

}  // namespace lazyscribe
