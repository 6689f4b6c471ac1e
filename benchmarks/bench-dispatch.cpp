// Run-time alias -> handler lookup: handler_list::index_of and handler_list::visit against
// (a) std::unordered_map<std::string, ...> with a transparent hash (string_view lookup
//     without building a std::string: the fair standard-library baseline), and
// (b) an if-chain of string comparisons, one per handler, in list order.
// For lists of 4, 16 and 64 generated handlers. Aliases are run-time std::strings taken in
// a shuffled order from a pre-built vector, so nothing folds at compile time and the branch
// predictor cannot learn one alias. One lookup per benchmark iteration.
//
// Run: bench-dispatch --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// A table of medians and ratios against unordered_map is printed at the end.

#include "bench_support.hpp"

#include <lazyscribe/registry.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <istream>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

// Realistic aliases, ordered so that the first 4 and the first 16 already mix short and
// long names, names sharing a prefix ("json"/"json-lines", "pandas-csv"/"pandas-json",
// "handler-001"/"handler-007"/"handler-017") and names of equal length.
constexpr std::array<std::string_view, 64> k_aliases{
    // first 4
    "json", "cereal", "json-lines", "handler-007",
    // up to 16
    "csv", "text", "pandas-csv", "pandas-json", "polars-csv", "handler-001", "handler-017", "model.v1", "model.v2",
    "parquet", "pickle", "numpy",
    // up to 64
    "yaml", "toml", "joblib", "feather", "arrow", "npz", "hdf5", "netcdf", "onnx", "torch", "torch-script",
    "tensorflow", "keras", "sklearn", "xgboost", "lightgbm", "catboost", "png", "jpeg", "svg", "html", "markdown",
    "pdf", "plotly", "matplotlib", "pandas-parquet", "pandas-pickle", "polars-parquet", "polars-json", "polars-ipc",
    "json-gzip", "csv-gzip", "text-utf16", "yaml-safe", "msgpack", "bson", "protobuf", "handler-000", "handler-010",
    "handler-070", "handler-100", "handler-101", "model.v10", "model_best", "model_last", "metrics", "params",
    "config"};

// Aliases in none of the lists, close to registered ones (same prefix or same length).
constexpr std::array<std::string_view, 16> k_misses{
    "jsonl",       "handler-008", "pandas-xlsx", "model.v3", "cereal2", "JSON",       "csv-zstd",    "torchscript",
    "xml",         "tsv",         "parquet-v2",  "handler-999", "polars-avro", "json-line", "model.v11", "texts"};

template <std::size_t I>
struct gen_handler {
    static constexpr std::string_view alias = k_aliases[I];
    // A suffix of its own, of a length that differs between handlers.
    static constexpr std::string_view suffix = k_aliases[I].substr(0, 1 + I % k_aliases[I].size());
    static constexpr bool binary = false;
    static constexpr bool output_only = false;
    static void write(const std::string& value, std::ostream& out, const lazyscribe::json&) { out << value; }
    static std::string read(std::istream&, const lazyscribe::json&) { return {}; }
};

template <std::size_t... I>
auto make_list(std::index_sequence<I...>) -> lazyscribe::handler_list<gen_handler<I>...>;
template <std::size_t N>
using list_of = decltype(make_list(std::make_index_sequence<N>{}));

static_assert(list_of<64>::size == 64 && list_of<64>::index_of("config") == 63);
static_assert(list_of<16>::index_of("handler-017") == 10 && list_of<16>::index_of("yaml") == list_of<16>::npos);

// ---- baseline (a): unordered_map with heterogeneous lookup

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

using suffix_size_fn = std::size_t (*)();

struct map_entry {
    std::size_t index;
    suffix_size_fn suffix_size;
};

template <class H>
std::size_t suffix_size_of() {
    return H::suffix.size();
}

template <std::size_t N>
std::unordered_map<std::string, map_entry, string_hash, std::equal_to<>> make_map() {
    std::unordered_map<std::string, map_entry, string_hash, std::equal_to<>> map;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (map.emplace(std::string(gen_handler<I>::alias), map_entry{I, &suffix_size_of<gen_handler<I>>}), ...);
    }(std::make_index_sequence<N>{});
    return map;
}

// ---- baseline (b): if-chain of string comparisons, in list order

template <std::size_t N>
std::size_t chain_index_of(std::string_view alias) noexcept {
    std::size_t index = static_cast<std::size_t>(-1);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (void)((alias == gen_handler<I>::alias ? (index = I, true) : false) || ...);
    }(std::make_index_sequence<N>{});
    return index;
}

template <std::size_t N>
std::size_t chain_suffix_size(std::string_view alias) {
    std::size_t result = 0;
    const bool found = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return ((alias == gen_handler<I>::alias ? (result = gen_handler<I>::suffix.size(), true) : false) || ...);
    }(std::make_index_sequence<N>{});
    if (!found) throw std::out_of_range("unknown alias");
    return result;
}

// ---- inputs

constexpr std::size_t k_inputs = 4096;  // a power of two: the cursor wraps with a mask

std::vector<std::string> make_inputs(std::size_t n, bool hits) {
    std::mt19937 rng(12345u + static_cast<unsigned>(n));
    std::vector<std::string> out;
    out.reserve(k_inputs);
    for (std::size_t i = 0; i < k_inputs; ++i) {
        if (hits) {
            out.emplace_back(k_aliases[i % n]);
        } else {
            out.emplace_back(k_misses[i % k_misses.size()]);
        }
    }
    std::shuffle(out.begin(), out.end(), rng);
    return out;
}

struct visitor {
    template <class T>
    std::size_t operator()(std::type_identity<T>) const noexcept {
        return T::suffix.size();
    }
};

// ---- benchmarks

template <std::size_t N>
void bm_index_of(benchmark::State& state, bool hits) {
    using list = list_of<N>;
    const auto inputs = make_inputs(N, hits);
    std::size_t i = 0;
    for (auto _ : state) {
        const std::string& alias = inputs[i++ & (k_inputs - 1)];
        std::size_t index = list::index_of(alias);
        benchmark::DoNotOptimize(index);
    }
}

template <std::size_t N>
void bm_map_find(benchmark::State& state, bool hits) {
    const auto map = make_map<N>();
    const auto inputs = make_inputs(N, hits);
    std::size_t i = 0;
    for (auto _ : state) {
        const std::string_view alias = inputs[i++ & (k_inputs - 1)];
        const auto it = map.find(alias);
        std::size_t index = it == map.end() ? static_cast<std::size_t>(-1) : it->second.index;
        benchmark::DoNotOptimize(index);
    }
}

template <std::size_t N>
void bm_chain_find(benchmark::State& state, bool hits) {
    const auto inputs = make_inputs(N, hits);
    std::size_t i = 0;
    for (auto _ : state) {
        const std::string_view alias = inputs[i++ & (k_inputs - 1)];
        std::size_t index = chain_index_of<N>(alias);
        benchmark::DoNotOptimize(index);
    }
}

template <std::size_t N>
void bm_visit(benchmark::State& state) {
    using list = list_of<N>;
    const auto inputs = make_inputs(N, true);
    std::size_t i = 0;
    for (auto _ : state) {
        const std::string& alias = inputs[i++ & (k_inputs - 1)];
        std::size_t size = list::visit(alias, visitor{});
        benchmark::DoNotOptimize(size);
    }
}

template <std::size_t N>
void bm_map_visit(benchmark::State& state) {
    const auto map = make_map<N>();
    const auto inputs = make_inputs(N, true);
    std::size_t i = 0;
    for (auto _ : state) {
        const std::string_view alias = inputs[i++ & (k_inputs - 1)];
        const auto it = map.find(alias);
        if (it == map.end()) throw std::out_of_range("unknown alias");
        std::size_t size = it->second.suffix_size();
        benchmark::DoNotOptimize(size);
    }
}

template <std::size_t N>
void bm_chain_visit(benchmark::State& state) {
    const auto inputs = make_inputs(N, true);
    std::size_t i = 0;
    for (auto _ : state) {
        const std::string_view alias = inputs[i++ & (k_inputs - 1)];
        std::size_t size = chain_suffix_size<N>(alias);
        benchmark::DoNotOptimize(size);
    }
}

std::string name(const char* op, const char* impl, std::size_t n) {
    return std::string(op) + "/" + impl + "/" + std::to_string(n);
}

template <std::size_t N>
void register_size() {
    benchmark::RegisterBenchmark(name("hit", "lazyscribe_index_of", N).c_str(), bm_index_of<N>, true);
    benchmark::RegisterBenchmark(name("hit", "unordered_map", N).c_str(), bm_map_find<N>, true);
    benchmark::RegisterBenchmark(name("hit", "if_chain", N).c_str(), bm_chain_find<N>, true);
    benchmark::RegisterBenchmark(name("miss", "lazyscribe_index_of", N).c_str(), bm_index_of<N>, false);
    benchmark::RegisterBenchmark(name("miss", "unordered_map", N).c_str(), bm_map_find<N>, false);
    benchmark::RegisterBenchmark(name("miss", "if_chain", N).c_str(), bm_chain_find<N>, false);
    benchmark::RegisterBenchmark(name("visit", "lazyscribe_visit", N).c_str(), bm_visit<N>);
    benchmark::RegisterBenchmark(name("visit", "unordered_map", N).c_str(), bm_map_visit<N>);
    benchmark::RegisterBenchmark(name("visit", "if_chain", N).c_str(), bm_chain_visit<N>);
}

}  // namespace

int main(int argc, char** argv) {
    register_size<4>();
    register_size<16>();
    register_size<64>();

    lazyscribe_bench::recording_reporter reporter;
    if (!lazyscribe_bench::run_all(argc, argv, reporter)) return 1;

    using lazyscribe_bench::fmt;
    using lazyscribe_bench::ratio;
    std::printf("\nSummary: median CPU ns per lookup; speed-up = other / lazyscribe (higher is better)\n");
    std::printf("%-6s %9s %11s %14s %9s %12s %12s\n", "op", "handlers", "lazyscribe", "unordered_map", "if_chain",
                "vs map (x)", "vs chain (x)");
    for (const char* op : {"hit", "miss", "visit"}) {
        const char* ours = std::string_view(op) == "visit" ? "lazyscribe_visit" : "lazyscribe_index_of";
        for (std::size_t n : {4, 16, 64}) {
            const auto l = reporter.ns(name(op, ours, n));
            const auto m = reporter.ns(name(op, "unordered_map", n));
            const auto c = reporter.ns(name(op, "if_chain", n));
            if (!l && !m && !c) continue;
            std::printf("%-6s %9zu %11s %14s %9s %12s %12s\n", op, n, fmt(l).c_str(), fmt(m).c_str(), fmt(c).c_str(),
                        fmt(ratio(m, l)).c_str(), fmt(ratio(c, l)).c_str());
        }
    }

    // Goals: <= 3 ns per lookup at 16 handlers and >= 3x faster than unordered_map.
    std::printf("\nGoals at 16 handlers (<= 3 ns per lookup, >= 3x faster than unordered_map):\n");
    for (const char* op : {"hit", "visit"}) {
        const char* ours = std::string_view(op) == "visit" ? "lazyscribe_visit" : "lazyscribe_index_of";
        const auto l = reporter.ns(name(op, ours, 16));
        const auto r = ratio(reporter.ns(name(op, "unordered_map", 16)), l);
        if (!l || !r) continue;
        std::printf("  %-26s %6.2f ns (%s)   %5.2fx vs unordered_map (%s)\n",
                    std::string_view(op) == "visit" ? "visit(alias, f):" : "index_of(alias), hits:", *l,
                    *l <= 3.0 ? "met" : "MISSED", *r, *r >= 3.0 ? "met" : "MISSED");
    }
    return 0;
}
