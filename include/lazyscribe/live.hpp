#pragma once
/// @file live.hpp
/// @brief Live runs: `project.log(name, lazyscribe::live)` and its scope's engine (the hot
/// path, the flusher thread, provenance). Kept out of project.hpp so that programs that log
/// no live run do not compile <thread> and the rest; lazyscribe.hpp includes it.
/// docs/training-loop.md; the file convention is docs/format.md §11.

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <lazyscribe/detail/live_recorder.hpp>
#include <lazyscribe/detail/provenance.hpp>
#include <lazyscribe/history.hpp>
#include <lazyscribe/json.hpp>
#include <lazyscribe/project.hpp>

namespace lazyscribe {

template <class Handlers>
basic_project<Handlers>::live_scope::live_scope(basic_project& project, experiment_type& record,
                                                std::unique_ptr<detail::live_recorder> recorder, json run_record)
    : project_(&project),
      record_(&record),
      recorder_(std::move(recorder)),
      run_record_(std::move(run_record)),
      uncaught_(std::uncaught_exceptions()) {}

// The hot path: inline, so that a caller's loop pays one lock and an append.
template <class Handlers>
inline void basic_project<Handlers>::live_scope::log_metric(std::string_view name, double value, step at) {
    recorder_->record(name, at.value, value);
}

template <class Handlers>
metric_history basic_project<Handlers>::live_scope::history(std::string_view name) const {
    return recorder_->history(name, record_->describe());
}

template <class Handlers>
std::uint64_t basic_project<Handlers>::live_scope::dropped_points() const {
    return recorder_->dropped_points();
}

template <class Handlers>
typename basic_project<Handlers>::live_scope basic_project<Handlers>::log(std::string name, const live_options& options,
                                                                          build_info build) {
    static_assert(Handlers::contains("json"),
                  "lazyscribe: live runs store their histories and run record as json artifacts: the handler "
                  "list must contain lazyscribe::json_handler");
    if constexpr (!Handlers::contains("json")) {
        std::terminate();  // not reached: the assertion stops the compilation, and nothing below is instantiated
    } else {
        if (mode_ == mode::read_only) throw read_only_error("log: project " + path().string() + " is open read-only");
        check_live_options(options);
        experiment_type e(std::move(name), author_, home_, clock_);
        e.live_ = true;
        e.live_active_ = true;
        e.set_status_tag(run_status::running);
        // The run's own files carry an id of their own: two runs with one slug (one name, started
        // in the same second, by two processes of a sweep, say) share a folder.
        const std::string run_id = detail::random_run_id();
        const detail::run_files files{run_id};
        const std::string journal_name = files.journal();
        json run{{"status", "running"},
                 {"run_id", run_id},
                 {"journal", journal_name},
                 {"started_at", format_time(e.created_at_)},
                 {"flush_interval_seconds", std::chrono::duration<double>(options.flush_interval).count()},
                 {"heartbeat_interval_seconds", std::chrono::duration<double>(options.heartbeat_interval).count()}};
        if (options.provenance) run["provenance"] = detail::provenance(build);
        e.template log_artifact<"json">(run_artifact_name, run, log_options{files.record()});
        const auto journal = e.path() / journal_name;

        auto owned = std::make_unique<experiment_type>(std::move(e));
        experiment_type& record = *owned;
        {
            std::lock_guard lock(session_.lock.mutex);
            store_.insert(owned);
        }
        auto recorder = std::make_unique<detail::live_recorder>(
            options, file_.files(), journal,
            [this, &record](const detail::live_recorder& r) { live_heartbeat(record, r); });
        try {
            recorder->start();
            std::lock_guard lock(session_.lock.mutex);
            save_locked(false);  // in the project file from now on
        } catch (...) {
            recorder->stop();
            std::lock_guard lock(session_.lock.mutex);
            (void)store_.erase(record);
            throw;
        }
        return live_scope(*this, record, std::move(recorder), std::move(run));
    }
}

// On the flusher thread: the last values and the heartbeat into the record, then the file.
template <class Handlers>
void basic_project<Handlers>::live_heartbeat(experiment_type& record, const detail::live_recorder& recorder) {
    const auto last = recorder.last_values();
    std::lock_guard lock(session_.lock.mutex);
    for (const auto& [metric, value] : last) record.metrics_[metric] = value;
    record.touch();
    save_locked(false);
}

template <class Handlers>
void basic_project<Handlers>::live_scope::checkpoint() {
    require_open("checkpoint");
    recorder_->checkpoint(project_->file_.durable());
}

// Stops the flusher, writes the last points, then the histories, the status and the run
// record into the experiment and the project file. `report`: throw what failed.
template <class Handlers>
void basic_project<Handlers>::live_scope::end(run_status how, std::string failure, bool report) {
    // (Only lists with the json handler get here: log() refuses the others at compile time.)
    if constexpr (Handlers::contains("json")) {
        if (ended_ != run_status::running) return;
        ended_ = how;
        recorder_->stop();
        try {
            recorder_->flush();
        } catch (const lazyscribe::error&) {
            // The journal missed the last points; the history artifact below has them all.
        }
        recorder_->release_buffers();  // before the history artifact is written
        std::exception_ptr error;
        try {
            const auto histories = recorder_->histories();
            run_record_["status"] = std::string(to_string(how));
            run_record_["ended_at"] = format_time(project_->clock_());
            run_record_["failure"] = failure.empty() ? json(nullptr) : json(failure);
            run_record_["points"] = recorder_->points();
            run_record_["dropped_points"] = recorder_->dropped_points();
            std::lock_guard lock(project_->session_.lock.mutex);
            experiment_type& e = *record_;
            e.put_last_values(*histories);
            e.set_status_tag(how);
            const detail::run_files files{run_record_["run_id"].template get_ref<const std::string&>()};
            e.template log_artifact<"json">(history_artifact_name, detail::history_table{histories},
                                            log_options{files.history(), true});
            e.template log_artifact<"json">(run_artifact_name, run_record_, log_options{files.record(), true});
            e.histories_ = histories;
            e.live_active_ = false;
            project_->session_.spent_journals.push_back(recorder_->journal());
            project_->save_locked(false);
        } catch (...) {
            error = std::current_exception();
        }
        if (report && error) std::rethrow_exception(error);
    }
}

template <class Handlers>
basic_project<Handlers>::live_scope::~live_scope() {
    if (ended_ != run_status::running) return;
    const bool unwinding = std::uncaught_exceptions() > uncaught_;
    try {
        end(unwinding ? run_status::failed : run_status::finished,
            unwinding ? "an exception left the run's scope (a destructor cannot see its message: "
                        "project.log(name, live, f) or fail(message) records it)"
                      : "",
            false);
    } catch (...) {
        // Out of memory building the record: the journal and the running status stay, and the
        // run reads as crashed later, with every flushed point.
    }
}

}  // namespace lazyscribe
