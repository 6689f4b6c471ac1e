#pragma once
// The engine of a live run: log_metric(name, value, step) appends a point to a buffer the run
// owns (one uncontended lock, no allocation in steady state); a background thread moves the
// buffer to the journal (an append of what was added) and into the in-memory histories, and
// calls the heartbeat, which rewrites the project file, at its slower interval.
// Not a template of the handler list: the project hands it the heartbeat as a callback.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <lazyscribe/detail/journal.hpp>
#include <lazyscribe/history.hpp>
#include <lazyscribe/storage.hpp>

namespace lazyscribe::detail {

class live_recorder {
public:
    static constexpr std::size_t journal_slice_bytes = std::size_t{1} << 20;

    /// `heartbeat` runs on the flusher thread every options.heartbeat_interval (and at
    /// checkpoint()); it must not call back into this recorder's stop().
    live_recorder(const live_options& options, std::shared_ptr<storage> files, std::filesystem::path journal,
                  std::function<void(const live_recorder&)> heartbeat)
        : options_(options), files_(std::move(files)), journal_(std::move(journal)), heartbeat_(std::move(heartbeat)) {
        // Room for a busy interval from the start (512 KiB a buffer), so that the first seconds
        // of a run do not grow the buffer under the lock the logging threads take.
        const std::size_t initial = std::min<std::size_t>(options_.max_buffered_points, 16384);
        pending_.reserve(initial);
        spare_.reserve(initial);
    }
    live_recorder(const live_recorder&) = delete;
    live_recorder& operator=(const live_recorder&) = delete;
    ~live_recorder() { stop(); }

    /// Starts the journal (replacing any file of that name) and the flusher thread.
    void start() {
        files_->write(
            journal_, true, [](std::ostream& out) { out << journal_header; }, false);
        thread_ = std::thread([this] { run(); });
    }

    /// The hot path: one point of metric `name`.
    void record(std::string_view name, std::int64_t step, double value) {
        const auto time_us =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
        std::unique_lock lock(buffer_mutex_);
        if (!stopped_ && pending_.size() >= options_.max_buffered_points) {
            if (options_.on_full == when_full::drop) {
                ++dropped_;
                return;
            }
            request_flush();
            space_.wait(lock, [&] { return pending_.size() < options_.max_buffered_points || stopped_; });
        }
        if (stopped_) throw read_only_error("log_metric: '" + std::string(name) + "': the live run has ended");
        pending_.push_back(live_point{id_of(name), step, time_us, value});
    }

    /// Moves what is buffered to the journal and the in-memory histories, on this thread.
    /// The journal text goes out in slices of about a megabyte, so that a large batch needs no
    /// text of its size. A failed append keeps the text for the next flush and throws save_error.
    void flush() {
        std::lock_guard flushing(flush_mutex_);
        take_batch();
        std::size_t i = 0;
        try {
            for (; i < spare_.size(); ++i) {
                append_journal_point(unwritten_, spare_[i]);
                if (unwritten_.size() >= journal_slice_bytes) write_unwritten();
            }
            if (!unwritten_.empty()) write_unwritten();
        } catch (...) {
            for (++i; i < spare_.size(); ++i) append_journal_point(unwritten_, spare_[i]);  // for the next flush
            spare_.clear();
            throw;
        }
        spare_.clear();
    }

    /// Gives back the buffers' memory: for the end of the run, after its last flush.
    void release_buffers() {
        std::lock_guard flushing(flush_mutex_);
        std::lock_guard lock(buffer_mutex_);
        std::vector<live_point>().swap(pending_);
        std::vector<live_point>().swap(spare_);
        if (unwritten_.empty()) std::string().swap(unwritten_);
    }

    /// flush(), then the heartbeat, on this thread; then throws the first error the
    /// background thread met since the last call, if any.
    void checkpoint(bool durable) {
        flush();
        if (durable) files_->append(journal_, {}, true);
        heartbeat_(*this);
        std::exception_ptr background;
        {
            std::lock_guard lock(error_mutex_);
            background = std::exchange(background_error_, nullptr);
        }
        if (background) std::rethrow_exception(background);
    }

    /// Stops the flusher thread (without a last flush: the caller does it). Idempotent.
    void stop() noexcept {
        {
            std::lock_guard lock(wake_mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
        {
            std::lock_guard lock(buffer_mutex_);
            stopped_ = true;  // a producer waiting for room is told the run has ended
        }
        space_.notify_all();
    }

    /// A copy of `name`'s history as of now (buffered points included).
    [[nodiscard]] metric_history history(std::string_view name, std::string_view owner) {
        fold_pending();
        std::lock_guard lock(history_mutex_);
        return histories_->at(name, owner);
    }
    /// The metrics' last values, in first-logged order.
    [[nodiscard]] std::vector<std::pair<std::string, double>> last_values() const {
        std::lock_guard lock(history_mutex_);
        std::vector<std::pair<std::string, double>> out;
        out.reserve(histories_->size());
        for (const auto& [name, h] : *histories_)
            if (!h.empty()) out.emplace_back(name, h.last());
        return out;
    }
    /// The histories, for the run's end: after stop() and a last flush().
    [[nodiscard]] std::shared_ptr<const metric_histories> histories() const {
        std::lock_guard lock(history_mutex_);
        return histories_;
    }
    [[nodiscard]] std::uint64_t dropped_points() const {
        std::lock_guard lock(buffer_mutex_);
        return dropped_;
    }
    [[nodiscard]] std::uint64_t points() const {
        std::lock_guard lock(history_mutex_);
        return points_;
    }
    /// The first error the background thread met and checkpoint() has not reported yet.
    [[nodiscard]] std::exception_ptr background_error() const {
        std::lock_guard lock(error_mutex_);
        return background_error_;
    }
    [[nodiscard]] const std::filesystem::path& journal() const noexcept { return journal_; }

private:
    // Under buffer_mutex_. Few metrics per run: a scan beats hashing the name.
    std::uint32_t id_of(std::string_view name) {
        for (std::size_t i = 0; i < names_.size(); ++i)
            if (names_[i] == name) return static_cast<std::uint32_t>(i);
        names_.emplace_back(name);
        return static_cast<std::uint32_t>(names_.size() - 1);
    }

    void request_flush() {
        {
            std::lock_guard lock(wake_mutex_);
            flush_requested_ = true;
        }
        wake_.notify_all();
    }

    // The buffered points into the histories, and their lines into unwritten_, without writing
    // them (a snapshot defers the append to the next flush).
    void fold_pending() {
        std::lock_guard flushing(flush_mutex_);
        take_batch();
        for (const auto& p : spare_) append_journal_point(unwritten_, p);
        spare_.clear();
    }

    // Under flush_mutex_: the buffered points into spare_ and the histories, the new names'
    // declarations into unwritten_.
    void take_batch() {
        std::vector<std::string> new_names;
        {
            std::lock_guard lock(buffer_mutex_);
            pending_.swap(spare_);
            new_names.assign(names_.begin() + static_cast<std::ptrdiff_t>(declared_), names_.end());
        }
        space_.notify_all();
        for (const auto& name : new_names) append_journal_declaration(unwritten_, declared_++, name);
        std::lock_guard lock(history_mutex_);
        for (const auto& name : new_names) (void)(*histories_)[name];
        for (const auto& p : spare_) histories_->at_index(p.metric).append(p.step, seconds_of(p.time_us), p.value);
        points_ += spare_.size();
    }

    void write_unwritten() {
        files_->append(journal_, unwritten_, false);
        unwritten_.clear();
    }

    void keep_error() {
        std::lock_guard lock(error_mutex_);
        if (!background_error_) background_error_ = std::current_exception();
    }

    void run() {
        auto next_heartbeat = std::chrono::steady_clock::now() + options_.heartbeat_interval;
        std::unique_lock wake(wake_mutex_);
        while (!stopping_) {
            wake_.wait_for(wake, options_.flush_interval, [&] { return stopping_ || flush_requested_; });
            if (stopping_) break;
            flush_requested_ = false;
            wake.unlock();
            try {
                flush();
            } catch (...) {
                keep_error();
            }
            if (std::chrono::steady_clock::now() >= next_heartbeat) {
                try {
                    heartbeat_(*this);
                } catch (...) {
                    keep_error();
                }
                next_heartbeat = std::chrono::steady_clock::now() + options_.heartbeat_interval;
            }
            wake.lock();
        }
    }

    live_options options_;
    std::shared_ptr<storage> files_;
    std::filesystem::path journal_;
    std::function<void(const live_recorder&)> heartbeat_;

    mutable std::mutex buffer_mutex_;  // the hot path's: pending_, names_, dropped_, stopped_
    std::condition_variable space_;
    std::vector<live_point> pending_;
    std::vector<std::string> names_;
    std::uint64_t dropped_ = 0;
    bool stopped_ = false;

    std::mutex flush_mutex_;  // one flush at a time: spare_, unwritten_, declared_
    std::vector<live_point> spare_;
    std::string unwritten_;
    std::size_t declared_ = 0;

    mutable std::mutex history_mutex_;
    std::shared_ptr<metric_histories> histories_ = std::make_shared<metric_histories>();
    std::uint64_t points_ = 0;

    mutable std::mutex error_mutex_;
    std::exception_ptr background_error_;

    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool flush_requested_ = false;
    std::thread thread_;
};

}  // namespace lazyscribe::detail
