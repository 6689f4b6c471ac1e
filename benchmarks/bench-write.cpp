// Writing an artifact: the cost of lazyscribe's dispatch around json_handler::write.
//
// Every benchmark is a paired A/B measurement (see lazyscribe_bench::paired): each iteration
// times a block of direct writes and a block of lazyscribe writes of the same value, in
// alternating order, and the reported ratio is the median of the per-pair ratios. A
// difference of a few percent is far below the run-to-run noise of a shared 2-core machine
// (5-15 % between separate benchmarks); pairing cancels most of it.
//
// In memory (each side its own std::ostringstream, buffer reused), the same value and the
// same kwargs, against json_handler::write(value, out, kwargs) called directly:
//   erased_vs_direct        the type-erased writer basic_artifact_set stores at
//                           log_artifact time (detail::checked_writer<builtin_handlers,
//                           "json", T>().first), called through a function pointer the
//                           compiler cannot see through
//   visit_erased_vs_direct  what save() does per artifact around the write:
//                           handlers::visit(alias as a run-time std::string, ...) and,
//                           inside, the function-pointer call
// On disk, into a temporary folder:
//   log_save_vs_direct      a fresh basic_artifact_set<builtin_handlers>,
//                           log_artifact<"json">(name, value) with default options (copies
//                           the value, builds a default file name) and save(false), against
//                           std::ofstream to a temporary file + json_handler::write + close +
//                           std::filesystem::rename (the atomic replace a careful caller
//                           writes by hand)
//   durable_log_save_vs_direct
//                           the same with save() (durable, the default: fsync of the file
//                           before the rename and of the folder after it), against the
//                           hand-written version doing the same two fsyncs
//   part_atomic_helper      breakdown: detail::write_file_atomically(..., durable = false)
//                           (what save() writes through) around json_handler::write
//   part_log_save_fname     breakdown: log_save_vs_direct with an explicit file name
// Values: a std::vector<double> of 1000 normal deviates (~20 KB of JSON) and a small struct
// (~120 bytes of JSON).
//
// Run: bench-write --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// The "Time" column is one pair of blocks; the counters and the summary printed at the
// end give the per-write CPU times and the ratios (medians over the repetitions).

#include "bench_support.hpp"

#include <lazyscribe/lazyscribe.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <typeinfo>
#include <vector>

// The small value: a struct with to_json/from_json (outside the anonymous namespace, where
// the unused from_json would trip -Wunused-function).
namespace bench_values {
struct run_params {
    std::string model;
    double learning_rate = 0.0;
    int epochs = 0;
    bool shuffle = false;
    std::vector<int> layers;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(run_params, model, learning_rate, epochs, shuffle, layers)
}  // namespace bench_values

namespace {

namespace fs = std::filesystem;
using handlers = lazyscribe::builtin_handlers;
using bench_values::run_params;
using lazyscribe::json_handler;

std::vector<double> make_vector() {
    std::mt19937_64 rng(42);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> v(1000);
    for (double& x : v) x = normal(rng);
    return v;
}

run_params make_params() { return {"resnet50-finetune", 0.0003, 40, true, {64, 128, 256, 512}}; }

const std::vector<double>& vector_value() {
    static const std::vector<double> v = make_vector();
    return v;
}
const run_params& params_value() {
    static const run_params p = make_params();
    return p;
}

template <class T>
const T& value_of();
template <>
const std::vector<double>& value_of<std::vector<double>>() {
    return vector_value();
}
template <>
const run_params& value_of<run_params>() {
    return params_value();
}

using lazyscribe_bench::scratch;
using lazyscribe_bench::temp_dir;

// ---- the paths being compared, each writing `value` once

template <class T>
struct memory_paths {
    const T& value = value_of<T>();
    const lazyscribe::json kwargs = lazyscribe::json::object();
    const lazyscribe::detail::erased_value erased = erased_of(value);
    const std::string alias = "json";  // as save() has it: artifact::handler(), a std::string
    std::ostringstream direct_out, erased_out, visit_out;

    // The writer exactly as basic_artifact_set stores it, behind a pointer the optimiser
    // cannot constant-fold.
    static lazyscribe::detail::erased_value erased_of(const T& v) {
        constexpr auto writer = lazyscribe::detail::checked_writer<handlers, "json", T>();
        lazyscribe::detail::erased_value e{std::make_shared<const T>(v), &typeid(T), writer.first};
        benchmark::DoNotOptimize(e.write);
        return e;
    }

    void direct() {
        direct_out.seekp(0);
        json_handler::write(value, direct_out, kwargs);
        benchmark::ClobberMemory();
    }
    void erased_write() {
        erased_out.seekp(0);
        erased.write(erased.value.get(), erased_out, kwargs);
        benchmark::ClobberMemory();
    }
    // What save() does per artifact around the write, minus the file.
    void erased_visit() {
        visit_out.seekp(0);
        handlers::visit(alias, [&](auto h) {
            using H = typename decltype(h)::type;
            benchmark::DoNotOptimize(H::binary);
            erased.write(erased.value.get(), visit_out, kwargs);
        });
        benchmark::ClobberMemory();
    }
};

template <class T>
struct file_paths {
    const T& value = value_of<T>();
    const lazyscribe::json kwargs = lazyscribe::json::object();
    const fs::path direct_folder = scratch().path() / "direct";
    const fs::path set_folder = scratch().path() / "log-save";
    const fs::path target = direct_folder / "model-value.json";
    const fs::path temporary = direct_folder / ".model-value.json.tmp";

    file_paths() {
        fs::create_directories(direct_folder);
        fs::create_directories(set_folder);
    }

    // By hand: ofstream to a temporary file, write, close, rename over the target. With
    // `durable`, also what save() does for durability: fsync the file before the rename
    // and the folder after it.
    void direct(bool durable) {
        {
            std::ofstream out(temporary, std::ios::out | std::ios::trunc);
            if (!out) throw std::runtime_error("cannot create " + temporary.string());
            json_handler::write(value, out, kwargs);
            out.close();
            if (!out) throw std::runtime_error("cannot write " + temporary.string());
        }
        if (durable) sync(temporary, O_RDONLY);
        fs::rename(temporary, target);
        if (durable) sync(direct_folder, O_RDONLY | O_DIRECTORY);
    }
    static void sync(const fs::path& path, int flags) {
        const int fd = ::open(path.c_str(), flags);
        if (fd < 0) throw std::runtime_error("cannot open " + path.string());
        const bool ok = ::fsync(fd) == 0;
        ::close(fd);
        if (!ok) throw std::runtime_error("cannot sync " + path.string());
    }

    // A fresh set, log with default options (copies the value, builds a default file
    // name), save (atomic write through a temporary file and rename; syncs when durable).
    void log_save(bool durable) {
        lazyscribe::basic_artifact_set<handlers> set(set_folder);
        const auto& logged = set.template log_artifact<"json">("model value", value);
        set.save(durable);
        benchmark::DoNotOptimize(&logged);
    }
    // Breakdown 1: only lazyscribe's atomic-write helper (what save() writes through), not durable.
    void atomic_helper() {
        lazyscribe::detail::write_file_atomically(
            set_folder / "model-value.json", false, [&](std::ostream& out) { json_handler::write(value, out, kwargs); },
            false);
    }
    // Breakdown 2: log + save(false) with an explicit file name (no default-name generation).
    void log_save_fname() {
        lazyscribe::basic_artifact_set<handlers> set(set_folder);
        lazyscribe::log_options options;
        options.fname = "model-value.json";
        const auto& logged = set.template log_artifact<"json">("model value", value, std::move(options));
        set.save(false);
        benchmark::DoNotOptimize(&logged);
    }
};

template <class T>
void bm_memory_erased(benchmark::State& state, int block) {
    memory_paths<T> p;
    lazyscribe_bench::paired(
        state, block, [&] { p.direct(); }, [&] { p.erased_write(); });
    state.SetLabel(std::to_string(p.direct_out.tellp()) + " bytes");
}

template <class T>
void bm_memory_visit(benchmark::State& state, int block) {
    memory_paths<T> p;
    lazyscribe_bench::paired(
        state, block, [&] { p.direct(); }, [&] { p.erased_visit(); });
    state.SetLabel(std::to_string(p.direct_out.tellp()) + " bytes");
}

template <class T>
void bm_file_log_save(benchmark::State& state, int block) {
    file_paths<T> p;
    lazyscribe_bench::paired(
        state, block, [&] { p.direct(false); }, [&] { p.log_save(false); });
    state.SetLabel(std::to_string(fs::file_size(p.target)) + " bytes");
}

template <class T>
void bm_file_log_save_durable(benchmark::State& state, int block) {
    file_paths<T> p;
    lazyscribe_bench::paired(
        state, block, [&] { p.direct(true); }, [&] { p.log_save(true); });
    state.SetLabel(std::to_string(fs::file_size(p.target)) + " bytes");
}

template <class T>
void bm_file_atomic_helper(benchmark::State& state, int block) {
    file_paths<T> p;
    lazyscribe_bench::paired(
        state, block, [&] { p.direct(false); }, [&] { p.atomic_helper(); });
}

template <class T>
void bm_file_log_save_fname(benchmark::State& state, int block) {
    file_paths<T> p;
    lazyscribe_bench::paired(
        state, block, [&] { p.direct(false); }, [&] { p.log_save_fname(); });
}

const char* value_label(const std::vector<double>*) { return "vector1000"; }
const char* value_label(const run_params*) { return "small_struct"; }

std::string name(const char* where, const char* impl, const char* value) {
    return std::string(where) + "/" + impl + "/" + value;
}

// block: calls per timed block, so that a block lasts some tens of microseconds.
template <class T>
void register_value(int memory_block) {
    const char* v = value_label(static_cast<const T*>(nullptr));
    benchmark::RegisterBenchmark(name("memory", "erased_vs_direct", v).c_str(), bm_memory_erased<T>, memory_block)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(name("memory", "visit_erased_vs_direct", v).c_str(), bm_memory_visit<T>, memory_block)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(name("file", "log_save_vs_direct", v).c_str(), bm_file_log_save<T>, 1)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(name("file", "durable_log_save_vs_direct", v).c_str(), bm_file_log_save_durable<T>, 1)
        ->Unit(benchmark::kMicrosecond);
    // Breakdown of log_save_vs_direct (not goals): the atomic-write helper alone, and
    // log + save with an explicit file name.
    benchmark::RegisterBenchmark(name("file", "part_atomic_helper", v).c_str(), bm_file_atomic_helper<T>, 1)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(name("file", "part_log_save_fname", v).c_str(), bm_file_log_save_fname<T>, 1)
        ->Unit(benchmark::kMicrosecond);
}

}  // namespace

int main(int argc, char** argv) {
    register_value<std::vector<double>>(1);
    register_value<run_params>(64);

    lazyscribe_bench::recording_reporter reporter;
    if (!lazyscribe_bench::run_all(argc, argv, reporter)) return 1;

    using lazyscribe_bench::fmt;
    std::printf(
        "\nSummary (medians): CPU us per write; ratio = lazyscribe path / direct write, from paired blocks "
        "(goal <= 1.05)\n");
    std::printf("%-7s %-13s %-24s %10s %14s %8s %11s %s\n", "where", "value", "lazyscribe path", "direct us",
                "lazyscribe us", "ratio", "ratio_wall", "goal");
    bool all_met = true;
    bool any = false;
    for (const char* v : {"vector1000", "small_struct"}) {
        for (const auto& [where, impl] :
             {std::pair{"memory", "erased_vs_direct"}, std::pair{"memory", "visit_erased_vs_direct"},
              std::pair{"file", "log_save_vs_direct"}, std::pair{"file", "durable_log_save_vs_direct"},
              std::pair{"file", "part_atomic_helper"}, std::pair{"file", "part_log_save_fname"}}) {
            const std::string n = name(where, impl, v);
            const auto r = reporter.counter(n, "ratio");
            if (!r) continue;
            any = true;
            const bool part = std::string_view(impl).starts_with("part_");
            const bool met = *r <= 1.05;
            if (!part) all_met = all_met && met;
            std::printf("%-7s %-13s %-24s %10s %14s %8.3f %11s %s\n", where, v, impl,
                        fmt(reporter.counter(n, "baseline_us"), "%.3f").c_str(),
                        fmt(reporter.counter(n, "candidate_us"), "%.3f").c_str(), *r,
                        fmt(reporter.counter(n, "ratio_wall"), "%.3f").c_str(),
                        part  ? "(breakdown)"
                        : met ? "met"
                              : "MISSED");
        }
    }
    if (any) std::printf("\nAll CPU-time ratios <= 1.05 (breakdown rows excluded): %s\n", all_met ? "yes" : "no");
    return 0;
}
