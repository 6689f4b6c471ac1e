// Saving (issue: "Cost of a crash-safe save against an unsafe one (plain overwrite) for
// projects of 10 and 10,000 experiments; locking overhead of a save with no contention").
//
// Every experiment has 3 metrics, 3 parameters, 1 tag and one small "json" artifact; names,
// values and times are deterministic (a fake clock gives experiment i the time base + i s),
// so every side writes the same bytes. All sides of one size share one folder
// (<temp>/n<N>/project.json and its artifact folders) and run one after another.
//
// Three ways to save a project of N experiments (N = 10 and 10,000), built once (mode write):
//   durable      project::save() with the default options (project_options::durable = true):
//                flock on <file>.lock, temporary file, fsync, rename, fsync of the folder
//   nondurable   project::save() with durable = false: the lock, temporary file, rename; no fsync
//   unsafe       the baseline, in this binary: the same bytes (project.to_text(), computed once
//                outside the timed loop) written straight over project.json with a plain
//                std::ofstream (truncate + write); no temporary file, no sync, no lock
//
// save_json/...        the project built once, save() timed repeatedly. After the first save
//                      its artifacts are clean, so these saves rewrite the project JSON only.
// save_json_settled/.. the same for nondurable and unsafe, with the project file written back
//                      (fdatasync, untimed) before each save, as when saves are seconds apart:
//                      back to back, a write may wait for the previous one's writeback (ext4
//                      starts writeback on close after a truncate and on rename over a file).
//                      A durable save settles itself. Unsynced saves of a small file take a
//                      fraction of a millisecond of CPU; their wall time is mostly waiting, and
//                      on a shared machine it varies widely from run to run.
// save_artifacts/...   a save that also writes artifacts: each iteration (untimed, between
//                      PauseTiming and ResumeTiming) rebuilds the project from N-10 clean
//                      experiments and logs the last 10 afresh, each with a dirty artifact, so the
//                      timed save() writes 10 artifact files + the JSON of N experiments (for N =
//                      10: the first save of a new project), and settles the files as above. The
//                      unsafe side writes the same 10 artifact files and the JSON with plain
//                      ofstreams. Every side writes the same bytes (checked at start).
// serialize/to_text/N  project.to_text() alone: save() serializes, the unsafe side does not.
// lock/file_lock       constructing + destroying lazyscribe::detail::file_lock (open(O_CREAT) of
//                      <file>.lock + flock(LOCK_EX) + close), no contention.
// save_json/nondurable_nolock/10   what a durable=false save does without the lock, from the
//                      library's own parts: to_text() + detail::write_file_atomically(durable
//                      false). save() always takes the lock, so this is the "without" side.
// lock/paired_save_vs_nolock/10    the two above, paired (alternating blocks), for a ratio
//                      that the shared machine's noise does not swamp.
//
// save_json, lock/file_lock and nondurable_nolock are registered twice: by CPU time (iteration
// count chosen on CPU time) and with ->UseRealTime() (the name ends in /real_time; wall time,
// which is where fsync costs); the summary takes CPU time from the first and wall time from the
// second. The benchmarks with an untimed part per iteration run a fixed count with
// UseRealTime, and one run gives both times. Before each run the file system is synced
// (untimed), so that one benchmark's dirty pages do not slow the next.
//
// Run: bench-save --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// A summary of medians and ratios (safe / unsafe) is printed at the end.

#include "bench_support.hpp"

#include <lazyscribe/lazyscribe.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using lazyscribe::json;
using lazyscribe::project;
using lazyscribe_bench::fmt;
using lazyscribe_bench::recording_reporter;

constexpr std::int64_t k_base_seconds = 1'704'067'200;  // 2024-01-01T00:00:00Z
constexpr std::size_t k_fresh = 10;                     // experiments logged afresh in save_artifacts
const char* const k_author = "bench";

// ---- the fake clock: experiment i is logged at base + i seconds

std::int64_t g_now_seconds = k_base_seconds;
lazyscribe::time_point fake_now() { return lazyscribe::time_point(std::chrono::seconds(g_now_seconds)); }

// ---- scratch folder

using lazyscribe_bench::scratch;
using lazyscribe_bench::temp_dir;

// ---- the content of experiment i

double metric_value(std::size_t i, int k) {
    return 0.5 + 0.5 * std::sin(static_cast<double>(i) * 12.9898 + k * 78.233);
}

void log_experiment(project& p, std::size_t i) {
    g_now_seconds = k_base_seconds + static_cast<std::int64_t>(i);
    p.log("experiment " + std::to_string(i), [&](project::experiment_type& e) {
        e.log_metric("accuracy", metric_value(i, 0));
        e.log_metric("recall", metric_value(i, 1));
        e.log_metric("loss", metric_value(i, 2));
        e.log_parameter("learning_rate", 1e-3 * static_cast<double>(1 + i % 7));
        e.log_parameter("epochs", 10 + static_cast<int>(i % 50));
        e.log_parameter("model", "resnet50");
        e.tag("fold-" + std::to_string(i % 5));
        e.log_artifact<"json">("config", json{{"seed", i}, {"layers", json::array({64, 32, 16})}});
    });
}

project empty_project(const fs::path& file, bool durable) {
    lazyscribe::project_options options{k_author, &fake_now};
    options.durable = durable;
    return project(file, lazyscribe::mode::write, options);
}

// A new project (mode write, same file) holding copies of the first `count` experiments of
// `source`; their artifacts stay clean, so a save writes none of them.
project copy_of(const project& source, std::size_t count, bool durable) {
    project p = empty_project(source.path(), durable);
    std::size_t i = 0;
    for (const auto& e : source) {
        if (i++ == count) break;
        p.append(e);
    }
    return p;
}

void plain_write(const fs::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::out | std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

// ---- fixtures, one per size, built before the benchmarks run

enum class side { durable, nondurable, unsafe };
const char* side_name(side s) {
    switch (s) {
    case side::durable:
        return "durable";
    case side::nondurable:
        return "nondurable";
    case side::unsafe:
        return "unsafe";
    }
    return "?";
}

struct fixture {
    std::size_t n = 0;
    fs::path file;
    std::unique_ptr<project> nondurable;  // saved once (durable = false): every artifact is on disk and clean
    std::unique_ptr<project> durable;     // copies of the same experiments, default options
    std::string text;                     // the project file's bytes
    std::vector<std::pair<fs::path, std::string>> fresh_artifacts;  // files of the last k_fresh experiments
};

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + file.string());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void fail(const std::string& message) {
    std::fprintf(stderr, "bench-save: %s\n", message.c_str());
    std::exit(1);
}

std::unique_ptr<fixture> make_fixture(std::size_t n) {
    auto f = std::make_unique<fixture>();
    f->n = n;
    f->file = scratch().path() / ("n" + std::to_string(n)) / "project.json";
    f->nondurable = std::make_unique<project>(empty_project(f->file, false));
    for (std::size_t i = 0; i < n; ++i) log_experiment(*f->nondurable, i);
    f->nondurable->save();
    f->durable = std::make_unique<project>(copy_of(*f->nondurable, n, true));
    f->text = f->nondurable->to_text();
    if (read_file(f->file) != f->text) fail("the saved file differs from to_text()");
    if (f->durable->to_text() != f->text) fail("the durable copy's text differs");
    std::size_t i = 0;
    for (const auto& e : *f->nondurable) {
        if (i++ < n - k_fresh) continue;
        for (const auto& a : e.artifacts()) {
            if (a.dirty()) fail("an artifact is still dirty after the first save");
            const fs::path file = e.artifacts().folder() / a.fname();
            f->fresh_artifacts.emplace_back(file, read_file(file));
        }
    }
    if (f->fresh_artifacts.size() != k_fresh) fail("expected one artifact per fresh experiment");
    // The project that save_artifacts saves is the same document.
    project p = copy_of(*f->nondurable, n - k_fresh, true);
    for (std::size_t j = n - k_fresh; j < n; ++j) log_experiment(p, j);
    if (p.to_text() != f->text) fail("the rebuilt project's text differs");
    return f;
}

std::map<std::size_t, std::unique_ptr<fixture>>& fixtures() {
    static std::map<std::size_t, std::unique_ptr<fixture>> instance;
    return instance;
}

// ---- benchmarks

void settle() { ::sync(); }  // untimed: write back what earlier benchmarks left dirty

// Waits until `file`'s data has been written back (fdatasync), so that the next write does not
// wait for this one's I/O.
void settle_file(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    (void)::fdatasync(fd);
    ::close(fd);
}

// `settled`: before each save (untimed) the project file is written back, as it would be when
// saves are seconds apart; otherwise the saves run back to back.
void bm_save_json(benchmark::State& state, fixture* f, side s, bool settled) {
    settle();
    try {
        project& p = s == side::durable ? *f->durable : *f->nondurable;
        for (auto _ : state) {
            if (settled) {
                state.PauseTiming();
                settle_file(f->file);
                state.ResumeTiming();
            }
            if (s == side::unsafe) {
                plain_write(f->file, f->text);
            } else {
                p.save();
            }
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
    state.SetLabel(std::to_string(f->text.size()) + " bytes");
}

void bm_save_artifacts(benchmark::State& state, fixture* f, side s) {
    settle();
    std::optional<project> p;
    try {
        for (auto _ : state) {
            state.PauseTiming();
            if (s != side::unsafe) {
                p.reset();
                p.emplace(copy_of(*f->nondurable, f->n - k_fresh, s == side::durable));
                for (std::size_t i = f->n - k_fresh; i < f->n; ++i) log_experiment(*p, i);
            }
            for (const auto& artifact : f->fresh_artifacts) settle_file(artifact.first);
            settle_file(f->file);
            state.ResumeTiming();
            if (s == side::unsafe) {
                for (const auto& [file, bytes] : f->fresh_artifacts) plain_write(file, bytes);
                plain_write(f->file, f->text);
            } else {
                p->save();
            }
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
    state.SetLabel(std::to_string(k_fresh) + " artifacts + " + std::to_string(f->text.size()) + " bytes");
}

void bm_to_text(benchmark::State& state, fixture* f) {
    for (auto _ : state) {
        std::string text = f->nondurable->to_text();
        benchmark::DoNotOptimize(text);
    }
}

void bm_file_lock(benchmark::State& state, fixture* f) {
    settle();
    try {
        for (auto _ : state) {
            lazyscribe::detail::file_lock lock(f->file);
            benchmark::DoNotOptimize(&lock);
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void bm_save_nolock(benchmark::State& state, fixture* f) {
    settle();
    const project& p = *f->nondurable;
    try {
        for (auto _ : state) {
            const std::string text = p.to_text();
            lazyscribe::detail::write_file_atomically(
                p.path(), true,
                [&](std::ostream& out) { out.write(text.data(), static_cast<std::streamsize>(text.size())); }, false);
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

// save() (durable = false, takes the lock) against the same work without the lock, paired:
// alternating blocks of 5 calls of each (lazyscribe_bench::paired), so that a slow phase of
// the shared machine hits both sides alike; counters ratio (CPU) and ratio_wall.
void bm_lock_paired(benchmark::State& state, fixture* f) {
    settle();
    project& p = *f->nondurable;
    const auto without_lock = [&] {
        const std::string text = p.to_text();
        lazyscribe::detail::write_file_atomically(
            p.path(), true,
            [&](std::ostream& out) { out.write(text.data(), static_cast<std::streamsize>(text.size())); }, false);
    };
    const auto with_lock = [&] { p.save(); };
    try {
        lazyscribe_bench::paired(state, 5, without_lock, with_lock);
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

// ---- a reporter that also remembers wall time

class save_reporter : public recording_reporter {
public:
    void ReportRuns(const std::vector<Run>& reports) override {
        for (const Run& run : reports) {
            if (run.error_occurred) continue;
            const std::string name = run.run_name.str();
            const double ns = run.GetAdjustedRealTime() * lazyscribe_bench::to_ns(run.time_unit);
            if (run.run_type == Run::RT_Aggregate) {
                if (run.aggregate_name == "median") wall_medians_[name] = ns;
            } else {
                wall_samples_[name].push_back(ns);
            }
        }
        recording_reporter::ReportRuns(reports);
    }
    /// Median wall ns per iteration of the benchmark `name`, if it ran.
    [[nodiscard]] std::optional<double> wall_ns(const std::string& name) const {
        if (const auto it = wall_medians_.find(name); it != wall_medians_.end()) return it->second;
        const auto it = wall_samples_.find(name);
        if (it == wall_samples_.end() || it->second.empty()) return std::nullopt;
        return median_of(it->second);
    }

private:
    std::map<std::string, double> wall_medians_;
    std::map<std::string, std::vector<double>> wall_samples_;
};

// The full names of the runs that give a benchmark's CPU time and its wall time.
struct run_names {
    std::string cpu;
    std::string wall;
};
std::map<std::string, run_names>& names() {
    static std::map<std::string, run_names> instance;
    return instance;
}

// Registers `name` twice: by CPU time, and with UseRealTime (the run `name/real_time`).
template <class F>
void register_both(const std::string& name, F&& f) {
    benchmark::RegisterBenchmark(name.c_str(), f)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(name.c_str(), f)->Unit(benchmark::kMicrosecond)->UseRealTime();
    names()[name] = {name, name + "/real_time"};
}

// Benchmarks with an untimed part in each iteration: Google Benchmark does not count it when
// it chooses the iteration count, so the count is fixed, and one run (UseRealTime) gives both
// times.
template <class F>
void register_fixed(const std::string& name, F&& f, benchmark::IterationCount iterations) {
    benchmark::RegisterBenchmark(name.c_str(), f)->Unit(benchmark::kMicrosecond)->UseRealTime()->Iterations(iterations);
    const std::string run = name + "/iterations:" + std::to_string(iterations) + "/real_time";
    names()[name] = {run, run};
}

std::optional<double> us(std::optional<double> ns) {
    if (!ns) return std::nullopt;
    return *ns / 1e3;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::size_t> sizes = {10, 10'000};
    for (const std::size_t n : sizes) fixtures()[n] = make_fixture(n);
    std::printf("Scratch folder: %s\n", scratch().path().c_str());

    for (const std::size_t n : sizes) {
        fixture* f = fixtures()[n].get();
        const std::string N = std::to_string(n);
        for (const side s : {side::durable, side::nondurable, side::unsafe}) {
            register_both("save_json/" + std::string(side_name(s)) + "/" + N,
                          [f, s](benchmark::State& st) { bm_save_json(st, f, s, false); });
        }
        for (const side s : {side::nondurable, side::unsafe}) {
            register_fixed(
                "save_json_settled/" + std::string(side_name(s)) + "/" + N,
                [f, s](benchmark::State& st) { bm_save_json(st, f, s, true); }, n == 10 ? 200 : 20);
        }
        for (const side s : {side::durable, side::nondurable, side::unsafe}) {
            register_fixed(
                "save_artifacts/" + std::string(side_name(s)) + "/" + N,
                [f, s](benchmark::State& st) { bm_save_artifacts(st, f, s); }, n == 10 ? 50 : 10);
        }
        benchmark::RegisterBenchmark(("serialize/to_text/" + N).c_str(), [f](benchmark::State& st) {
            bm_to_text(st, f);
        })->Unit(benchmark::kMicrosecond);
        names()["serialize/to_text/" + N] = {"serialize/to_text/" + N, ""};
    }
    fixture* small = fixtures()[10].get();
    register_both("lock/file_lock", [small](benchmark::State& st) { bm_file_lock(st, small); });
    register_both("save_json/nondurable_nolock/10", [small](benchmark::State& st) { bm_save_nolock(st, small); });
    benchmark::RegisterBenchmark("lock/paired_save_vs_nolock/10", [small](benchmark::State& st) {
        bm_lock_paired(st, small);
    })->Unit(benchmark::kMillisecond);

    save_reporter reporter;
    if (!lazyscribe_bench::run_all(argc, argv, reporter)) return 1;

    const auto cpu = [&](const std::string& name) -> std::optional<double> {
        const auto it = names().find(name);
        if (it == names().end()) return std::nullopt;
        return us(reporter.ns(it->second.cpu));
    };
    const auto wall = [&](const std::string& name) -> std::optional<double> {
        const auto it = names().find(name);
        if (it == names().end()) return std::nullopt;
        return us(reporter.wall_ns(it->second.wall));
    };
    const auto r = [](std::optional<double> a, std::optional<double> b) { return lazyscribe_bench::ratio(a, b); };

    std::printf(
        "\nSummary: medians, microseconds per save; ratio = side / unsafe. save_json: CPU from the "
        "CPU-time run, wall from the /real_time run; the others: both from one fixed-count run\n");
    const std::pair<const char*, const char*> kinds[] = {
        {"save_json", "artifacts clean, the JSON file only; saves back to back"},
        {"save_json_settled", "the same, the file written back (untimed) before each save; durable: see save_json"},
        {"save_artifacts", "10 fresh experiments: 10 artifact files + the JSON file; settled before each save"},
    };
    for (const auto& [kind, what] : kinds) {
        std::printf("\n%s (%s)\n", kind, what);
        std::printf("%-8s %-11s %12s %12s %10s %10s\n", "N", "side", "CPU us", "wall us", "CPU ratio", "wall ratio");
        for (const std::size_t n : sizes) {
            const std::string N = std::to_string(n);
            const std::string base = std::string(kind) + "/unsafe/" + N;
            for (const side s : {side::durable, side::nondurable, side::unsafe}) {
                std::string name = std::string(kind) + "/" + side_name(s) + "/" + N;
                if (!names().count(name)) name = std::string("save_json/") + side_name(s) + "/" + N;
                std::printf("%-8s %-11s %12s %12s %10s %10s\n", N.c_str(), side_name(s), fmt(cpu(name), "%.1f").c_str(),
                            fmt(wall(name), "%.1f").c_str(), fmt(r(cpu(name), cpu(base)), "%.2f").c_str(),
                            fmt(r(wall(name), wall(base)), "%.2f").c_str());
            }
        }
    }

    std::printf("\nSerialization (included in save(), not in the unsafe side): to_text CPU us\n");
    for (const std::size_t n : sizes) {
        const std::string N = std::to_string(n);
        const auto t = cpu("serialize/to_text/" + N);
        const auto nd = cpu("save_json/nondurable/" + N);
        const auto un = cpu("save_json/unsafe/" + N);
        std::optional<double> file_work;
        if (t && nd) file_work = *nd - *t;
        std::printf("  N=%-6s to_text %s us; nondurable save minus to_text %s us = %s x unsafe (CPU)\n", N.c_str(),
                    fmt(t, "%.1f").c_str(), fmt(file_work, "%.1f").c_str(), fmt(r(file_work, un), "%.2f").c_str());
    }

    const auto lock_cpu = cpu("lock/file_lock");
    const auto lock_wall = wall("lock/file_lock");
    const auto nd_cpu = cpu("save_json/nondurable/10");
    const auto nd_wall = wall("save_json/nondurable/10");
    const auto nl_cpu = cpu("save_json/nondurable_nolock/10");
    const auto nl_wall = wall("save_json/nondurable_nolock/10");
    const auto un_cpu = cpu("save_json/unsafe/10");
    const auto un_wall = wall("save_json/unsafe/10");
    const auto diff = [](std::optional<double> a, std::optional<double> b) -> std::optional<double> {
        if (!a || !b) return std::nullopt;
        return *a - *b;
    };
    std::printf("\nLocking, no contention (N = 10), us: CPU / wall\n");
    std::printf("  file_lock alone (open + flock + close)       %8s / %8s\n", fmt(lock_cpu, "%.2f").c_str(),
                fmt(lock_wall, "%.2f").c_str());
    std::printf("  save, durable=false (takes the lock)         %8s / %8s\n", fmt(nd_cpu, "%.2f").c_str(),
                fmt(nd_wall, "%.2f").c_str());
    std::printf("  same work without the lock (emulated)        %8s / %8s\n", fmt(nl_cpu, "%.2f").c_str(),
                fmt(nl_wall, "%.2f").c_str());
    std::printf("  unsafe overwrite                             %8s / %8s\n", fmt(un_cpu, "%.2f").c_str(),
                fmt(un_wall, "%.2f").c_str());
    std::printf("  save - no-lock save                          %8s / %8s\n", fmt(diff(nd_cpu, nl_cpu), "%.2f").c_str(),
                fmt(diff(nd_wall, nl_wall), "%.2f").c_str());
    std::printf("  lock / durable=false save                    %8s / %8s\n", fmt(r(lock_cpu, nd_cpu), "%.3f").c_str(),
                fmt(r(lock_wall, nd_wall), "%.3f").c_str());
    std::printf("  lock / unsafe overwrite                      %8s / %8s\n", fmt(r(lock_cpu, un_cpu), "%.3f").c_str(),
                fmt(r(lock_wall, un_wall), "%.3f").c_str());
    const std::string paired_name = "lock/paired_save_vs_nolock/10";
    const auto paired_no = reporter.counter(paired_name, "baseline_us");
    const auto paired_yes = reporter.counter(paired_name, "candidate_us");
    std::printf("  paired, CPU us: without lock %s, save %s; save / without: CPU %s, wall %s\n",
                fmt(paired_no, "%.2f").c_str(), fmt(paired_yes, "%.2f").c_str(),
                fmt(reporter.counter(paired_name, "ratio"), "%.3f").c_str(),
                fmt(reporter.counter(paired_name, "ratio_wall"), "%.3f").c_str());
    const auto d_wall = wall("save_json/durable/10");
    std::printf("  lock / durable save (wall)                   %8s\n", fmt(r(lock_wall, d_wall), "%.4f").c_str());
    return 0;
}
