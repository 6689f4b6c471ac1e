// Live runs (issue 12): the hot path of scope.log_metric(name, value, step), the flush, a whole
// 100,000-step run, and a plain CSV logger, each against a baseline in this binary.
//
//   live/log_metric/<M>    paired A/B, blocks of 1,000 calls (counters as lazyscribe_bench::paired):
//                          scope.log_metric(name, v, step{n}) on a live run with the default
//                          live_options, M = 1 metric ("loss") or 10 in turn (the name lookup scans);
//                          against push_back of {step, time_us, value} into a
//                          reserved std::vector. The baseline reads std::chrono::system_clock::now()
//                          too, as log_metric does. Between pairs the loop sleeps 2 ms (untimed), so
//                          that points arrive at about 450,000 a second, below what the flusher takes:
//                          the call's own cost, not the wait at live_options::max_buffered_points.
//                          Before timing, 2.5 s of the same loop (two flush intervals) lets the
//                          run's buffers grow to their steady-state size.
//                          Counters: allocs_per_call (this thread, during the lazyscribe blocks) and
//                          allocs_per_call_all (every thread, flusher included, over the timed loop).
//   live/csv_append/<f>    the same pairing against a CSV line per point, fprintf to a FILE* opened
//                          "a": f = 0 buffered (stdio's buffer), f = 1 fflush after every line.
//   live/flush/<N>         live_recorder::flush() of 10,000 new points after N already flushed
//                          (N = 1,000 and 1,000,000), local_storage in a temporary folder. Each
//                          iteration builds its recorder, logs and flushes N points, logs 10,000
//                          more, all untimed, then times the flush. Counters: flush_us (CPU), flush_wall_us.
// Not a Google Benchmark (a child process each, this program re-executed, so that ru_maxrss
// starts from a clean address space; run 5 times, medians):
//   run/100k               100,000 steps x 10 metrics on a live run, the loop timed with and
//                          without log_metric; the peak of live heap bytes (counting operator new,
//                          below) and the ru_maxrss delta against the history's raw size
//                          (1,000,000 points x 24 bytes); the same 1,000,000 points as buffered CSV.
//                          Also timed on a run's third 100,000 steps (both buffers grown), and with
//                          every call timed (thread CPU time) for the slowest call, cold and warm.
//
// --runs=N sets the number of child runs of each kind (5; 0 skips them).
// This binary replaces the global operator new/delete with counting ones (malloc + counters):
// every allocation in the program, the library's and Google Benchmark's, is counted; sizes are
// malloc_usable_size, what the allocator really handed out.
//
// Run: bench-live --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include "bench_support.hpp"

#include <lazyscribe/detail/live_recorder.hpp>
#include <lazyscribe/lazyscribe.hpp>

#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

// ---- the counting allocator

namespace alloc_stats {
std::atomic<std::uint64_t> count{0};
std::atomic<std::int64_t> live_bytes{0};
std::atomic<std::int64_t> peak_bytes{0};
thread_local std::uint64_t thread_count = 0;

inline void on_alloc(void* p) noexcept {
    const auto size = static_cast<std::int64_t>(malloc_usable_size(p));
    count.fetch_add(1, std::memory_order_relaxed);
    ++thread_count;
    const std::int64_t now = live_bytes.fetch_add(size, std::memory_order_relaxed) + size;
    std::int64_t peak = peak_bytes.load(std::memory_order_relaxed);
    while (now > peak && !peak_bytes.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
}
inline void on_free(void* p) noexcept {
    live_bytes.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
}
/// Starts a new peak from what is live now.
inline void reset_peak() noexcept { peak_bytes.store(live_bytes.load()); }
}  // namespace alloc_stats

// GCC 12 at -O3 inlines these into their callers and then reports new paired with free
// (-Wmismatched-new-delete), though both halves are replaced here together.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
    void* p = std::malloc(size == 0 ? 1 : size);
    if (p == nullptr) throw std::bad_alloc();
    alloc_stats::on_alloc(p);
    return p;
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    void* p = std::malloc(size == 0 ? 1 : size);
    if (p != nullptr) alloc_stats::on_alloc(p);
    return p;
}
void operator delete(void* p) noexcept {
    if (p == nullptr) return;
    alloc_stats::on_free(p);
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { ::operator delete(p); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace {

namespace fs = std::filesystem;
namespace ls = lazyscribe;
using lazyscribe_bench::clocks;
using lazyscribe_bench::fmt;
using lazyscribe_bench::recording_reporter;
using lazyscribe_bench::temp_dir;

constexpr int k_block = 1000;
constexpr auto k_pace = std::chrono::milliseconds(2);
constexpr auto k_warmup = std::chrono::milliseconds(2500);
constexpr int k_pairs = 1000;
constexpr int k_flushes = 30;

// The metric names of a run with 10 metrics (k_names[0] alone for one).
const char* const k_names[10] = {"loss",    "acc",  "lr",     "grad_norm",  "val/loss",
                                 "val/acc", "top5", "tokens", "throughput", "memory"};

struct point {
    std::int64_t step;
    std::int64_t time_us;
    double value;
};

std::int64_t now_us() noexcept {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

ls::project_options bench_options() {
    ls::project_options options{"bench"};
    options.files = std::make_shared<ls::local_storage>();
    return options;
}

// Paired blocks (baseline, candidate, alternating order), k_pace between pairs, k_warmup before;
// allocation counters for the candidate.
template <class Baseline, class Candidate>
void paced_pairs(benchmark::State& state, Baseline&& baseline, Candidate&& candidate) {
    const auto warm_until = std::chrono::steady_clock::now() + k_warmup;
    while (std::chrono::steady_clock::now() < warm_until) {
        for (int k = 0; k < k_block; ++k) candidate();
        for (int k = 0; k < k_block; ++k) baseline();
        std::this_thread::sleep_for(k_pace);
    }
    std::vector<double> base_cpu, cand_cpu, ratio_cpu, ratio_wall;
    for (auto* v : {&base_cpu, &cand_cpu, &ratio_cpu, &ratio_wall}) v->reserve(state.max_iterations);  // uncounted
    std::uint64_t thread_allocs = 0;
    const std::uint64_t all_before = alloc_stats::count.load();
    bool candidate_first = false;
    const auto time_block = [](auto& f) {
        const clocks start = clocks::now();
        for (int k = 0; k < k_block; ++k) f();
        return clocks::now() - start;
    };
    const auto time_candidate = [&] {
        const std::uint64_t before = alloc_stats::thread_count;
        const clocks c = time_block(candidate);
        thread_allocs += alloc_stats::thread_count - before;
        return c;
    };
    for (auto _ : state) {
        clocks b{};
        clocks c{};
        if (candidate_first) {
            c = time_candidate();
            b = time_block(baseline);
        } else {
            b = time_block(baseline);
            c = time_candidate();
        }
        candidate_first = !candidate_first;
        base_cpu.push_back(b.cpu_ns);
        cand_cpu.push_back(c.cpu_ns);
        if (b.cpu_ns > 0.0) ratio_cpu.push_back(c.cpu_ns / b.cpu_ns);
        if (b.wall_ns > 0.0) ratio_wall.push_back(c.wall_ns / b.wall_ns);
        std::this_thread::sleep_for(k_pace);
    }
    const std::uint64_t all_allocs = alloc_stats::count.load() - all_before;
    if (base_cpu.empty()) return;
    const double calls = static_cast<double>(base_cpu.size()) * k_block;
    state.counters["baseline_ns"] = recording_reporter::median_of(base_cpu) / k_block;
    state.counters["candidate_ns"] = recording_reporter::median_of(cand_cpu) / k_block;
    state.counters["ratio"] = recording_reporter::median_of(ratio_cpu);
    state.counters["ratio_wall"] = recording_reporter::median_of(ratio_wall);
    state.counters["allocs_per_call"] = static_cast<double>(thread_allocs) / calls;
    state.counters["allocs_per_call_all"] = static_cast<double>(all_allocs) / calls;
    state.counters["allocs_all"] = static_cast<double>(all_allocs);
    state.counters["allocs_thread"] = static_cast<double>(thread_allocs);
}

// ---- 1. log_metric against a reserved vector

void bm_log_metric(benchmark::State& state) {
    const auto metrics = static_cast<std::int64_t>(state.range(0));
    temp_dir dir;
    ls::project p(dir.path() / "project.json", ls::mode::write, bench_options());
    auto scope = p.log("bench", ls::live);
    std::vector<point> plain;
    plain.reserve(std::size_t{1} << 20);
    std::int64_t base_step = 0;
    std::int64_t live_step = 0;
    paced_pairs(
        state,
        [&] {
            if (plain.size() == plain.capacity()) plain.clear();  // never reallocates
            plain.push_back(point{base_step, now_us(), 0.5 * static_cast<double>(base_step)});
            ++base_step;
            benchmark::DoNotOptimize(plain.data());
        },
        [&] {
            scope.log_metric(k_names[live_step % metrics], 0.5 * static_cast<double>(live_step),
                             ls::step{live_step / metrics});
            ++live_step;
        });
    benchmark::ClobberMemory();
    scope.finish();
}
BENCHMARK(bm_log_metric)->Name("live/log_metric")->Arg(1)->Arg(10)->Iterations(k_pairs)->Unit(benchmark::kMillisecond);

// ---- 4. a CSV line per point, the peer without a library

void bm_csv(benchmark::State& state) {
    const bool flush_each = state.range(0) != 0;
    temp_dir dir;
    ls::project p(dir.path() / "project.json", ls::mode::write, bench_options());
    auto scope = p.log("bench", ls::live);
    std::FILE* csv = std::fopen((dir.path() / "metrics.csv").c_str(), "a");
    if (csv == nullptr) {
        state.SkipWithError("cannot open the CSV file");
        return;
    }
    std::fputs("metric,step,time_us,value\n", csv);
    std::int64_t base_step = 0;
    std::int64_t live_step = 0;
    paced_pairs(
        state,
        [&] {
            std::fprintf(csv, "%s,%lld,%lld,%.17g\n", "loss", static_cast<long long>(base_step),
                         static_cast<long long>(now_us()), 0.5 * static_cast<double>(base_step));
            if (flush_each) std::fflush(csv);
            ++base_step;
        },
        [&] {
            scope.log_metric("loss", 0.5 * static_cast<double>(live_step), ls::step{live_step});
            ++live_step;
        });
    std::fclose(csv);
    scope.finish();
}
BENCHMARK(bm_csv)->Name("live/csv_append")->Arg(0)->Arg(1)->Iterations(k_pairs)->Unit(benchmark::kMillisecond);

// ---- 2. flush after N points already flushed

void bm_flush(benchmark::State& state) {
    const auto already = static_cast<std::int64_t>(state.range(0));
    constexpr std::int64_t added = 10'000;
    temp_dir dir;
    const auto files = std::make_shared<ls::local_storage>();
    ls::live_options options;
    options.flush_interval = std::chrono::hours(1);  // only the flushes this benchmark calls
    options.heartbeat_interval = std::chrono::hours(1);
    std::vector<double> cpu, wall;
    for (auto _ : state) {
        state.PauseTiming();
        std::optional<ls::detail::live_recorder> recorder;
        recorder.emplace(options, files, dir.path() / "history.journal", [](const ls::detail::live_recorder&) {});
        recorder->start();
        std::int64_t step = 0;
        for (; step < already; ++step) recorder->record(step % 2 == 0 ? "loss" : "acc", step, 1.0 / (1.0 + step));
        recorder->flush();
        for (const std::int64_t end = step + added; step < end; ++step)
            recorder->record(step % 2 == 0 ? "loss" : "acc", step, 1.0 / (1.0 + step));
        state.ResumeTiming();
        const clocks start = clocks::now();
        recorder->flush();
        const clocks spent = clocks::now() - start;
        state.PauseTiming();
        cpu.push_back(spent.cpu_ns);
        wall.push_back(spent.wall_ns);
        recorder->stop();
        recorder.reset();
        state.ResumeTiming();
    }
    if (cpu.empty()) return;
    state.counters["flush_us"] = recording_reporter::median_of(cpu) / 1e3;
    state.counters["flush_wall_us"] = recording_reporter::median_of(wall) / 1e3;
    state.counters["flush_max_wall_us"] = *std::max_element(wall.begin(), wall.end()) / 1e3;
}
BENCHMARK(bm_flush)
    ->Name("live/flush")
    ->Arg(1'000)
    ->Arg(1'000'000)
    ->Iterations(k_flushes)
    ->Unit(benchmark::kMillisecond);

// ---- 3. a 100,000-step run with 10 metrics, in a child process

constexpr std::int64_t k_steps = 100'000;
constexpr int k_metrics = 10;
constexpr double k_raw_bytes = static_cast<double>(k_steps) * k_metrics * 24.0;

long maxrss_kb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

double process_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// The bytes of the files under `folder` whose names end with `suffix` (and start with `prefix`).
double files_bytes(const fs::path& folder, std::string_view suffix, std::string_view prefix = {}) {
    double total = 0.0;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file() && name.ends_with(suffix) && name.starts_with(prefix))
            total += static_cast<double>(entry.file_size());
    }
    return total;
}

double value_at(std::int64_t step, int metric) { return 1.0 / (1.0 + static_cast<double>(step)) + metric; }

// Prints "key value" lines; `side` is "live" or "csv".
int run_child(const std::string& side, const fs::path& folder) {
    // The loop without logging, same values, into a sink; best of 3.
    double bare = 1e300;
    for (int r = 0; r < 3; ++r) {
        double sink = 0.0;
        const clocks start = clocks::now();
        for (std::int64_t step = 0; step < k_steps; ++step)
            for (int m = 0; m < k_metrics; ++m) {
                sink += value_at(step, m);
                benchmark::DoNotOptimize(sink);
            }
        bare = std::min(bare, (clocks::now() - start).cpu_ns);
    }
    std::printf("bare_loop_ms %.3f\n", bare / 1e6);

    const long rss_before = maxrss_kb();
    alloc_stats::reset_peak();
    const std::int64_t heap_before = alloc_stats::live_bytes.load();
    const double process_before = process_cpu_ns();
    const auto wall_before = std::chrono::steady_clock::now();
    if (side.starts_with("live")) {
        // *-latency: the run with every call timed (CPU): its slowest calls.
        const bool time_calls = side.ends_with("-latency");
        double max_call_ns = 0.0;
        std::uint64_t calls_over_100us = 0;
        // live-warm: the same run, timed on its third 100,000 steps, when the buffers have grown
        // (its memory lines are not used).
        const std::int64_t first = side.starts_with("live-warm") ? 2 * k_steps : 0;
        ls::project p(folder / "project.json", ls::mode::write, bench_options());
        auto scope = p.log("run 100k", ls::live);
        double sink = 0.0;
        // Two rounds, a checkpoint after each: the recorder double-buffers, so both buffers grow.
        for (std::int64_t step = 0; step < first; ++step) {
            for (int m = 0; m < k_metrics; ++m) scope.log_metric(k_names[m], value_at(step, m), ls::step{step});
            if ((step + 1) % k_steps == 0) scope.checkpoint();
        }
        const std::uint64_t thread_allocs = alloc_stats::thread_count;
        const clocks start = clocks::now();
        for (std::int64_t step = first; step < first + k_steps; ++step)
            for (int m = 0; m < k_metrics; ++m) {
                const double v = value_at(step, m);
                sink += v;
                benchmark::DoNotOptimize(sink);
                if (time_calls) {
                    // CPU time of this thread: a preemption by other jobs is not the call's cost.
                    const clocks t0 = clocks::now();
                    scope.log_metric(k_names[m], v, ls::step{step});
                    const double ns = (clocks::now() - t0).cpu_ns;
                    max_call_ns = std::max(max_call_ns, ns);
                    if (ns > 100e3) ++calls_over_100us;
                } else {
                    scope.log_metric(k_names[m], v, ls::step{step});
                }
            }
        const clocks loop = clocks::now() - start;
        if (time_calls)
            std::printf("max_call_us %.1f\ncalls_over_100us %llu\n", max_call_ns / 1e3,
                        static_cast<unsigned long long>(calls_over_100us));
        std::printf("loop_thread_allocs %llu\n",
                    static_cast<unsigned long long>(alloc_stats::thread_count - thread_allocs));
        std::printf("loop_ms %.3f\nloop_wall_ms %.3f\n", loop.cpu_ns / 1e6, loop.wall_ns / 1e6);
        std::printf("peak_heap_loop_bytes %lld\n",
                    static_cast<long long>(alloc_stats::peak_bytes.load() - heap_before));
        // Where the end-of-run memory goes: the last flush (checkpoint: fold the buffer into
        // the histories and the journal text, append, heartbeat), then finish (history artifact).
        const clocks checkpoint_start = clocks::now();
        scope.checkpoint();
        std::printf("checkpoint_wall_ms %.3f\n", (clocks::now() - checkpoint_start).wall_ns / 1e6);
        std::printf("journal_bytes %.0f\n", files_bytes(folder, ".journal"));
        std::printf("peak_heap_checkpoint_bytes %lld\n",
                    static_cast<long long>(alloc_stats::peak_bytes.load() - heap_before));
        std::printf("live_heap_after_checkpoint_bytes %lld\n",
                    static_cast<long long>(alloc_stats::live_bytes.load() - heap_before));
        const clocks finish_start = clocks::now();
        scope.finish();
        std::printf("finish_wall_ms %.3f\n", (clocks::now() - finish_start).wall_ns / 1e6);
        const auto& h = p["run-100k"].history("loss");
        if (h.size() != static_cast<std::size_t>(first + k_steps)) {
            std::fprintf(stderr, "bench-live: the history of loss has %zu points\n", h.size());
            return 1;
        }
        p.save();
        std::printf("history_artifact_bytes %.0f\n", files_bytes(folder, ".json", "history-"));
    } else {
        std::FILE* csv = std::fopen((folder / "metrics.csv").c_str(), "a");
        if (csv == nullptr) return 1;
        double sink = 0.0;
        const clocks start = clocks::now();
        for (std::int64_t step = 0; step < k_steps; ++step)
            for (int m = 0; m < k_metrics; ++m) {
                const double v = value_at(step, m);
                sink += v;
                benchmark::DoNotOptimize(sink);
                std::fprintf(csv, "%s,%lld,%lld,%.17g\n", k_names[m], static_cast<long long>(step),
                             static_cast<long long>(now_us()), v);
            }
        const clocks loop = clocks::now() - start;
        std::printf("loop_ms %.3f\nloop_wall_ms %.3f\n", loop.cpu_ns / 1e6, loop.wall_ns / 1e6);
        std::printf("peak_heap_loop_bytes %lld\n",
                    static_cast<long long>(alloc_stats::peak_bytes.load() - heap_before));
        std::fclose(csv);
    }
    std::printf("total_wall_ms %.3f\n",
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_before).count());
    std::printf("process_cpu_ms %.3f\n", (process_cpu_ns() - process_before) / 1e6);
    std::printf("peak_heap_bytes %lld\n", static_cast<long long>(alloc_stats::peak_bytes.load() - heap_before));
    std::printf("rss_delta_kb %ld\n", maxrss_kb() - rss_before);
    return 0;
}

using child_result = std::map<std::string, double>;

std::optional<child_result> spawn_child(const std::string& side) {
    char exe[4096];
    const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) return std::nullopt;
    exe[len] = '\0';
    temp_dir folder;
    int fds[2];
    if (pipe(fds) != 0) return std::nullopt;
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) return std::nullopt;
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(exe, exe, "--run-child", side.c_str(), folder.path().c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    std::string out;
    char buf[256];
    for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(got));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
    child_result r;
    std::istringstream lines(out);
    std::string key;
    double value = 0.0;
    while (lines >> key >> value) r[key] = value;
    return r;
}

std::optional<double> median_key(const std::vector<child_result>& runs, const std::string& key) {
    std::vector<double> v;
    for (const auto& r : runs)
        if (const auto it = r.find(key); it != r.end()) v.push_back(it->second);
    if (v.empty()) return std::nullopt;
    return recording_reporter::median_of(v);
}

std::string verdict(std::optional<double> value, double goal) {
    if (!value) return "-";
    return *value <= goal ? "met" : "MISSED";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::strcmp(argv[1], "--run-child") == 0) return run_child(argv[2], argv[3]);
    int runs = 5;
    bool skip_runs = false;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        if (std::strncmp(argv[i], "--runs=", 7) == 0) {
            runs = std::atoi(argv[i] + 7);
            skip_runs = runs <= 0;
        } else {
            args.push_back(argv[i]);
        }
    }
    int bench_argc = static_cast<int>(args.size());
    args.push_back(nullptr);

    recording_reporter reporter;
    if (!lazyscribe_bench::run_all(bench_argc, args.data(), reporter)) return 1;

    std::printf(
        "\nSummary (medians; CPU time of the calling thread unless said; ratio = lazyscribe / baseline, paired)\n");
    std::printf("%-34s %14s %14s %8s %10s %8s\n", "benchmark", "lazyscribe", "baseline", "ratio", "ratio_wall", "goal");
    const auto row = [&](const char* label, const std::string& name, double goal) {
        const auto r = reporter.counter(name, "ratio");
        std::printf("%-34s %11s ns %11s ns %8s %10s %8s  %s\n", label,
                    fmt(reporter.counter(name, "candidate_ns")).c_str(),
                    fmt(reporter.counter(name, "baseline_ns")).c_str(), fmt(r).c_str(),
                    fmt(reporter.counter(name, "ratio_wall")).c_str(), goal > 0 ? fmt(goal, "<= %.0f").c_str() : "",
                    goal > 0 ? verdict(r, goal).c_str() : "");
    };
    const std::string pairs = "/iterations:" + std::to_string(k_pairs);
    const std::string flushes = "/iterations:" + std::to_string(k_flushes);
    const std::string lm = "live/log_metric/1" + pairs;
    const std::string lm10 = "live/log_metric/10" + pairs;
    row("log_metric vs reserved vector", lm, 3.0);
    row("log_metric, 10 metrics, vs vector", lm10, 3.0);
    row("log_metric vs CSV fprintf", "live/csv_append/0" + pairs, 0.0);
    row("log_metric vs CSV fprintf+fflush", "live/csv_append/1" + pairs, 0.0);
    const auto per_call = reporter.counter(lm, "allocs_per_call");
    const auto per_call_all = reporter.counter(lm, "allocs_per_call_all");
    std::printf(
        "log_metric allocations per call: this thread %s (%s in %d calls; goal 0: %s); every thread, flusher "
        "included, %s (%s allocations in %d calls)\n",
        fmt(per_call, "%.7f").c_str(), fmt(reporter.counter(lm, "allocs_thread"), "%.0f").c_str(), k_pairs * k_block,
        per_call && *per_call == 0.0 ? "met" : "MISSED", fmt(per_call_all, "%.7f").c_str(),
        fmt(reporter.counter(lm, "allocs_all"), "%.0f").c_str(), k_pairs * k_block);
    const auto f1k = reporter.counter("live/flush/1000" + flushes, "flush_us");
    const auto f1m = reporter.counter("live/flush/1000000" + flushes, "flush_us");
    std::printf("flush of 10,000 new points: after 1,000 %s us (wall %s), after 1,000,000 %s us (wall %s): ratio %s\n",
                fmt(f1k, "%.0f").c_str(),
                fmt(reporter.counter("live/flush/1000" + flushes, "flush_wall_us"), "%.0f").c_str(),
                fmt(f1m, "%.0f").c_str(),
                fmt(reporter.counter("live/flush/1000000" + flushes, "flush_wall_us"), "%.0f").c_str(),
                fmt(lazyscribe_bench::ratio(f1m, f1k)).c_str());

    if (skip_runs) return 0;
    std::vector<child_result> live_runs, warm_runs, latency_runs, warm_latency_runs, csv_runs;
    for (int i = 0; i < runs; ++i) {
        if (auto r = spawn_child("live")) live_runs.push_back(*r);
        if (auto r = spawn_child("live-warm")) warm_runs.push_back(*r);
        if (auto r = spawn_child("live-latency")) latency_runs.push_back(*r);
        if (auto r = spawn_child("live-warm-latency")) warm_latency_runs.push_back(*r);
        if (auto r = spawn_child("csv")) csv_runs.push_back(*r);
    }
    if (live_runs.empty()) {
        std::printf("run/100k: the child failed\n");
        return 1;
    }
    const auto m = [&](const char* key) { return median_key(live_runs, key); };
    const auto c = [&](const char* key) { return median_key(csv_runs, key); };
    const auto bare = m("bare_loop_ms");
    const auto loop = m("loop_ms");
    std::printf("\nrun/100k: 100,000 steps x 10 metrics, median of %zu child processes\n", live_runs.size());
    std::printf(
        "  loop without logging %s ms; with log_metric %s ms CPU (%s ms wall): %s ms inside log_metric, "
        "%s ns per point\n",
        fmt(bare, "%.2f").c_str(), fmt(loop, "%.2f").c_str(), fmt(m("loop_wall_ms"), "%.2f").c_str(),
        fmt(loop && bare ? std::optional<double>(*loop - *bare) : std::nullopt, "%.2f").c_str(),
        fmt(loop && bare ? std::optional<double>((*loop - *bare) * 1e6 / (k_steps * k_metrics)) : std::nullopt, "%.1f")
            .c_str());
    std::printf(
        "  the slowest single log_metric call of the cold run (thread CPU time): %s us (median over runs); calls over "
        "100 us: %s\n",
        fmt(median_key(latency_runs, "max_call_us"), "%.0f").c_str(),
        fmt(median_key(latency_runs, "calls_over_100us"), "%.0f").c_str());
    std::printf("  the same on a run's third 100,000 steps (buffers grown): %s us; calls over 100 us: %s\n",
                fmt(median_key(warm_latency_runs, "max_call_us"), "%.0f").c_str(),
                fmt(median_key(warm_latency_runs, "calls_over_100us"), "%.0f").c_str());
    const auto warm_loop = median_key(warm_runs, "loop_ms");
    std::printf(
        "  the same loop on a run's third 100,000 steps (buffers grown): %s ms CPU, %s ns per point; "
        "%s allocations\n",
        fmt(warm_loop, "%.2f").c_str(),
        fmt(warm_loop && bare ? std::optional<double>((*warm_loop - *bare) * 1e6 / (k_steps * k_metrics))
                              : std::nullopt,
            "%.1f")
            .c_str(),
        fmt(median_key(warm_runs, "loop_thread_allocs"), "%.0f").c_str());
    std::printf(
        "  allocations on the logging thread during the loop: %s (the buffer growing: the flusher's first\n"
        "  swap comes after flush_interval, so the loop fills one buffer of up to 1,000,000 points)\n",
        fmt(m("loop_thread_allocs"), "%.0f").c_str());
    std::printf("  finish (history artifact, project file) %s ms wall; whole run %s ms wall, %s ms CPU (all threads)\n",
                fmt(m("finish_wall_ms"), "%.1f").c_str(), fmt(m("total_wall_ms"), "%.1f").c_str(),
                fmt(m("process_cpu_ms"), "%.1f").c_str());
    const auto peak_loop = m("peak_heap_loop_bytes");
    const auto peak = m("peak_heap_bytes");
    const auto rss = m("rss_delta_kb");
    const auto peak_cp = m("peak_heap_checkpoint_bytes");
    const auto live_cp = m("live_heap_after_checkpoint_bytes");
    std::printf("  peak heap through the last flush (checkpoint, %s ms wall) %s MB (%s x); live heap after it %s MB\n",
                fmt(m("checkpoint_wall_ms"), "%.1f").c_str(),
                fmt(peak_cp ? std::optional<double>(*peak_cp / 1e6) : std::nullopt, "%.1f").c_str(),
                fmt(peak_cp ? std::optional<double>(*peak_cp / k_raw_bytes) : std::nullopt).c_str(),
                fmt(live_cp ? std::optional<double>(*live_cp / 1e6) : std::nullopt, "%.1f").c_str());
    std::printf(
        "  journal %s MB after the last flush; history artifact %s MB\n",
        fmt(m("journal_bytes") ? std::optional<double>(*m("journal_bytes") / 1e6) : std::nullopt, "%.1f").c_str(),
        fmt(m("history_artifact_bytes") ? std::optional<double>(*m("history_artifact_bytes") / 1e6) : std::nullopt,
            "%.1f")
            .c_str());
    std::printf(
        "  raw history %.1f MB; peak heap during the loop %s MB (%s x), including finish %s MB (%s x); "
        "max RSS delta %s MB (%s x)\n",
        k_raw_bytes / 1e6, fmt(peak_loop ? std::optional<double>(*peak_loop / 1e6) : std::nullopt, "%.1f").c_str(),
        fmt(peak_loop ? std::optional<double>(*peak_loop / k_raw_bytes) : std::nullopt).c_str(),
        fmt(peak ? std::optional<double>(*peak / 1e6) : std::nullopt, "%.1f").c_str(),
        fmt(peak ? std::optional<double>(*peak / k_raw_bytes) : std::nullopt).c_str(),
        fmt(rss ? std::optional<double>(*rss * 1024 / 1e6) : std::nullopt, "%.1f").c_str(),
        fmt(rss ? std::optional<double>(*rss * 1024 / k_raw_bytes) : std::nullopt).c_str());
    if (!csv_runs.empty()) {
        std::printf(
            "  the same points as buffered CSV (fprintf): loop %s ms CPU, whole run %s ms wall, %s ms CPU; "
            "peak heap %s MB\n",
            fmt(c("loop_ms"), "%.2f").c_str(), fmt(c("total_wall_ms"), "%.1f").c_str(),
            fmt(c("process_cpu_ms"), "%.1f").c_str(),
            fmt(c("peak_heap_bytes") ? std::optional<double>(*c("peak_heap_bytes") / 1e6) : std::nullopt, "%.2f")
                .c_str());
        std::printf("  loop time ratio lazyscribe / CSV %s; whole-run CPU ratio %s\n",
                    fmt(lazyscribe_bench::ratio(loop, c("loop_ms"))).c_str(),
                    fmt(lazyscribe_bench::ratio(m("process_cpu_ms"), c("process_cpu_ms"))).c_str());
    }
    return 0;
}
