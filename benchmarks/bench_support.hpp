#pragma once
// Shared by the bench-*.cpp programs: a console reporter that also remembers each
// benchmark's time per iteration, so that a program can print ratios against its baseline
// after RunSpecifiedBenchmarks.
//
// With --benchmark_repetitions=N the remembered time is the median of the repetitions
// (Google Benchmark's "median" aggregate, or the median of the iteration runs when
// aggregates are not reported); without repetitions it is the single run. Times are CPU
// time per iteration in nanoseconds: on a shared 2-core machine, CPU time is less disturbed
// by other processes than wall time (it still counts the kernel's time for file I/O).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <system_error>
#include <type_traits>
#include <optional>
#include <string>
#include <vector>

namespace lazyscribe_bench {

inline double to_ns(benchmark::TimeUnit unit) {
    switch (unit) {
    case benchmark::kNanosecond:
        return 1.0;
    case benchmark::kMicrosecond:
        return 1e3;
    case benchmark::kMillisecond:
        return 1e6;
    case benchmark::kSecond:
        return 1e9;
    }
    return 1.0;
}

class recording_reporter : public benchmark::ConsoleReporter {
public:
    recording_reporter() : benchmark::ConsoleReporter(OO_Tabular) {}

    void ReportRuns(const std::vector<Run>& reports) override {
        for (const Run& run : reports) {
            if (run.error_occurred) continue;
            const std::string name = run.run_name.str();
            const double ns = run.GetAdjustedCPUTime() * to_ns(run.time_unit);
            if (run.run_type == Run::RT_Aggregate) {
                if (run.aggregate_name == "median") {
                    medians_[name] = ns;
                    for (const auto& [key, counter] : run.counters) median_counters_[name][key] = counter.value;
                }
            } else {
                samples_[name].push_back(ns);
                for (const auto& [key, counter] : run.counters) counter_samples_[name][key].push_back(counter.value);
            }
        }
        benchmark::ConsoleReporter::ReportRuns(reports);
    }

    /// Median CPU ns per iteration of the benchmark `name`, if it ran.
    [[nodiscard]] std::optional<double> ns(const std::string& name) const {
        if (const auto it = medians_.find(name); it != medians_.end()) return it->second;
        const auto it = samples_.find(name);
        if (it == samples_.end() || it->second.empty()) return std::nullopt;
        return median_of(it->second);
    }

    /// Median of the user counter `key` of the benchmark `name`, if it ran.
    [[nodiscard]] std::optional<double> counter(const std::string& name, const std::string& key) const {
        if (const auto it = median_counters_.find(name); it != median_counters_.end()) {
            if (const auto c = it->second.find(key); c != it->second.end()) return c->second;
        }
        const auto it = counter_samples_.find(name);
        if (it == counter_samples_.end()) return std::nullopt;
        const auto c = it->second.find(key);
        if (c == it->second.end() || c->second.empty()) return std::nullopt;
        return median_of(c->second);
    }

    static double median_of(std::vector<double> v) {
        std::sort(v.begin(), v.end());
        const std::size_t n = v.size();
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }

private:
    std::map<std::string, double> medians_;
    std::map<std::string, std::vector<double>> samples_;
    std::map<std::string, std::map<std::string, double>> median_counters_;
    std::map<std::string, std::map<std::string, std::vector<double>>> counter_samples_;
};

/// Thread CPU time and wall time, in nanoseconds.
struct clocks {
    double cpu_ns = 0.0;
    double wall_ns = 0.0;

    static clocks now() noexcept {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        const auto wall = std::chrono::steady_clock::now().time_since_epoch();
        return {static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec),
                static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count())};
    }
    friend clocks operator-(clocks a, clocks b) noexcept { return {a.cpu_ns - b.cpu_ns, a.wall_ns - b.wall_ns}; }
};

/// A paired A/B measurement for ratios that must be resolved to a few percent on a busy
/// machine. Each benchmark iteration times one block of `block` calls of `baseline` and one
/// block of `candidate`, in alternating order (AB, BA, AB, ...), so that a slow phase of
/// the machine hits both sides alike. Reported counters, medians over the iterations:
///   baseline_us, candidate_us   CPU time per call
///   ratio                       candidate / baseline, CPU time, per pair of blocks
///   ratio_wall                  the same with wall time
/// A preempted block spoils one pair, which the median ignores.
template <class Baseline, class Candidate>
void paired(benchmark::State& state, int block, Baseline&& baseline, Candidate&& candidate) {
    std::vector<double> base_cpu, cand_cpu, ratio_cpu, ratio_wall;
    const auto time_block = [block](auto& f) {
        const clocks start = clocks::now();
        for (int k = 0; k < block; ++k) f();
        return clocks::now() - start;
    };
    bool candidate_first = false;
    for (auto _ : state) {
        clocks b{};
        clocks c{};
        if (candidate_first) {
            c = time_block(candidate);
            b = time_block(baseline);
        } else {
            b = time_block(baseline);
            c = time_block(candidate);
        }
        candidate_first = !candidate_first;
        base_cpu.push_back(b.cpu_ns);
        cand_cpu.push_back(c.cpu_ns);
        if (b.cpu_ns > 0.0) ratio_cpu.push_back(c.cpu_ns / b.cpu_ns);
        if (b.wall_ns > 0.0) ratio_wall.push_back(c.wall_ns / b.wall_ns);
    }
    if (base_cpu.empty()) return;
    const double per_call_us = 1e-3 / block;
    state.counters["baseline_us"] = recording_reporter::median_of(base_cpu) * per_call_us;
    state.counters["candidate_us"] = recording_reporter::median_of(cand_cpu) * per_call_us;
    if (!ratio_cpu.empty()) state.counters["ratio"] = recording_reporter::median_of(ratio_cpu);
    if (!ratio_wall.empty()) state.counters["ratio_wall"] = recording_reporter::median_of(ratio_wall);
}

/// "12.3" or "-" when absent.
inline std::string fmt(std::optional<double> value, const char* format = "%.2f") {
    if (!value) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, *value);
    return buf;
}

inline std::optional<double> ratio(std::optional<double> num, std::optional<double> den) {
    if (!num || !den || *den <= 0.0) return std::nullopt;
    return *num / *den;
}

/// Runs the benchmarks selected on the command line with a recording reporter; returns
/// false when the command line is invalid (the caller exits with 1).
inline bool run_all(int& argc, char** argv, recording_reporter& reporter) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return false;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return true;
}

/// A folder under the system's temporary directory, removed when the program ends.
class temp_dir {
public:
    temp_dir() {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("lazyscribe-bench-" + std::to_string(rd()) + "-" + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// The benchmark program's scratch folder.
inline temp_dir& scratch() {
    static temp_dir dir;
    return dir;
}

/// A paired measurement whose results (the objects each side builds) are destroyed outside
/// the timed region. Counters: baseline_<unit> and candidate_<unit> (median CPU time divided
/// by unit_ns), ratio (median of candidate / baseline CPU time per pair) and ratio_wall.
template <class Baseline, class Candidate>
void paired_kept(benchmark::State& state, Baseline&& baseline, Candidate&& candidate, double unit_ns,
                 const std::string& unit) {
    using B = std::invoke_result_t<Baseline&>;
    using C = std::invoke_result_t<Candidate&>;
    std::vector<double> base_cpu, cand_cpu, ratio_cpu, ratio_wall;
    bool candidate_first = false;
    for (auto _ : state) {
        std::optional<B> kept_b;
        std::optional<C> kept_c;
        clocks b{};
        clocks c{};
        const auto run_b = [&] {
            const clocks start = clocks::now();
            kept_b.emplace(baseline());
            b = clocks::now() - start;
        };
        const auto run_c = [&] {
            const clocks start = clocks::now();
            kept_c.emplace(candidate());
            c = clocks::now() - start;
        };
        if (candidate_first) {
            run_c();
            run_b();
        } else {
            run_b();
            run_c();
        }
        candidate_first = !candidate_first;
        benchmark::DoNotOptimize(kept_b);
        benchmark::DoNotOptimize(kept_c);
        base_cpu.push_back(b.cpu_ns);
        cand_cpu.push_back(c.cpu_ns);
        if (b.cpu_ns > 0) ratio_cpu.push_back(c.cpu_ns / b.cpu_ns);
        if (b.wall_ns > 0) ratio_wall.push_back(c.wall_ns / b.wall_ns);
    }
    if (base_cpu.empty()) return;
    state.counters["baseline_" + unit] = recording_reporter::median_of(base_cpu) / unit_ns;
    state.counters["candidate_" + unit] = recording_reporter::median_of(cand_cpu) / unit_ns;
    state.counters["ratio"] = recording_reporter::median_of(ratio_cpu);
    state.counters["ratio_wall"] = recording_reporter::median_of(ratio_wall);
}

}  // namespace lazyscribe_bench
