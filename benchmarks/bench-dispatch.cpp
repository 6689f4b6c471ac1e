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
#include <bit>
#include <cstddef>
#include <cstdint>
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
    "jsonl", "handler-008", "pandas-xlsx", "model.v3",    "cereal2",     "JSON",      "csv-zstd",  "torchscript",
    "xml",   "tsv",         "parquet-v2",  "handler-999", "polars-avro", "json-line", "model.v11", "texts"};

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
    }
    (std::make_index_sequence<N>{});
    return map;
}

// ---- baseline (b): if-chain of string comparisons, in list order

template <std::size_t N>
std::size_t chain_index_of(std::string_view alias) noexcept {
    std::size_t index = static_cast<std::size_t>(-1);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (void)((alias == gen_handler<I>::alias ? (index = I, true) : false) || ...);
    }
    (std::make_index_sequence<N>{});
    return index;
}

template <std::size_t N>
std::size_t chain_suffix_size(std::string_view alias) {
    std::size_t result = 0;
    const bool found = [&]<std::size_t... I>(std::index_sequence<I...>) {
        return ((alias == gen_handler<I>::alias ? (result = gen_handler<I>::suffix.size(), true) : false) || ...);
    }
    (std::make_index_sequence<N>{});
    if (!found) throw std::out_of_range("unknown alias");
    return result;
}

// ---- not lazyscribe: a sketch of a cheaper index_of, to show what the lookup could cost
//
// Same open addressing at load factor <= 1/4, but each slot stores the alias's length and
// its first and last 8 bytes (4 bytes, or the bytes themselves, for shorter aliases: the
// words alias_hash already loads). For aliases of at most 16 bytes, equal (length, words)
// means equal strings, so a hit costs the two loads, one multiply and one slot compare,
// with no stored-hash check and no memcmp call; longer aliases fall back to a full compare.

namespace sketch {

using lazyscribe::detail::load_bytes;

struct words {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
};

constexpr words load_words(const char* p, std::size_t n) noexcept {
    if (n >= 8) return {load_bytes<8>(p), load_bytes<8>(p + n - 8)};
    if (n >= 4) return {load_bytes<4>(p), load_bytes<4>(p + n - 4)};
    if (n == 0) return {};
    const auto byte = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])); };
    return {(byte(0) << 16) | (byte(n / 2) << 8) | byte(n - 1), 0};
}

template <std::size_t N>
struct word_table {
    static constexpr std::size_t slot_count = std::bit_ceil(N * 4 < 8 ? std::size_t{8} : N * 4);
    static constexpr int shift = 64 - std::countr_zero(slot_count);
    struct slot {
        std::uint64_t a = 0;
        std::uint64_t b = 0;
        std::uint32_t size = 0;
        std::uint32_t index_plus_1 = 0;  // 0 = empty
    };
    std::array<slot, slot_count> slots{};
    std::array<std::string_view, N> aliases{};

    static constexpr std::size_t home(words w, std::size_t n) noexcept {
        const std::uint64_t h = (w.a * 0x9e3779b97f4a7c15ULL) ^ w.b ^ (static_cast<std::uint64_t>(n) << 56);
        return static_cast<std::size_t>((h * 0xff51afd7ed558ccdULL) >> shift);
    }

    constexpr explicit word_table(const std::array<std::string_view, N>& names) : aliases(names) {
        for (std::size_t i = 0; i < N; ++i) {
            const words w = load_words(names[i].data(), names[i].size());
            std::size_t pos = home(w, names[i].size());
            while (slots[pos].index_plus_1 != 0) pos = (pos + 1) & (slot_count - 1);
            slots[pos] = {w.a, w.b, static_cast<std::uint32_t>(names[i].size()), static_cast<std::uint32_t>(i + 1)};
        }
    }

    [[nodiscard]] std::size_t find(std::string_view alias) const noexcept {
        const std::size_t n = alias.size();
        const words w = load_words(alias.data(), n);
        for (std::size_t pos = home(w, n);; pos = (pos + 1) & (slot_count - 1)) {
            const slot& s = slots[pos];
            if (s.index_plus_1 == 0) return static_cast<std::size_t>(-1);
            if (s.size == n && s.a == w.a && s.b == w.b && (n <= 16 || aliases[s.index_plus_1 - 1] == alias)) {
                return s.index_plus_1 - 1;
            }
        }
    }
};

template <std::size_t N>
inline constexpr word_table<N> table{list_of<N>::aliases};

}  // namespace sketch

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
void bm_sketch_find(benchmark::State& state, bool hits) {
    const auto inputs = make_inputs(N, hits);
    std::size_t i = 0;
    for (auto _ : state) {
        const std::string_view alias = inputs[i++ & (k_inputs - 1)];
        std::size_t index = sketch::table<N>.find(alias);
        benchmark::DoNotOptimize(index);
    }
}

// The cost of the benchmark loop itself: take the next alias, no lookup.
template <std::size_t N>
void bm_floor(benchmark::State& state, bool hits) {
    const auto inputs = make_inputs(N, hits);
    std::size_t i = 0;
    for (auto _ : state) {
        std::string_view alias = inputs[i++ & (k_inputs - 1)];
        benchmark::DoNotOptimize(alias);
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
    benchmark::RegisterBenchmark(name("hit", "sketch_word_table", N).c_str(), bm_sketch_find<N>, true);
    benchmark::RegisterBenchmark(name("hit", "loop_floor", N).c_str(), bm_floor<N>, true);
    benchmark::RegisterBenchmark(name("miss", "lazyscribe_index_of", N).c_str(), bm_index_of<N>, false);
    benchmark::RegisterBenchmark(name("miss", "unordered_map", N).c_str(), bm_map_find<N>, false);
    benchmark::RegisterBenchmark(name("miss", "if_chain", N).c_str(), bm_chain_find<N>, false);
    benchmark::RegisterBenchmark(name("miss", "sketch_word_table", N).c_str(), bm_sketch_find<N>, false);
    benchmark::RegisterBenchmark(name("visit", "lazyscribe_visit", N).c_str(), bm_visit<N>);
    benchmark::RegisterBenchmark(name("visit", "unordered_map", N).c_str(), bm_map_visit<N>);
    benchmark::RegisterBenchmark(name("visit", "if_chain", N).c_str(), bm_chain_visit<N>);
}

}  // namespace

// The sketch must agree with index_of on every alias and every miss before it is timed.
template <std::size_t N>
bool sketch_agrees() {
    for (std::string_view a : list_of<N>::aliases) {
        if (sketch::table<N>.find(a) != list_of<N>::index_of(a)) return false;
    }
    for (std::string_view m : k_misses) {
        if (sketch::table<N>.find(m) != list_of<N>::npos) return false;
    }
    for (std::string_view a : k_aliases) {  // hits in the 64 list, some misses here
        if (sketch::table<N>.find(a) != list_of<N>::index_of(a)) return false;
    }
    return sketch::table<N>.find("") == list_of<N>::npos;
}

int main(int argc, char** argv) {
    if (!sketch_agrees<4>() || !sketch_agrees<16>() || !sketch_agrees<64>()) {
        std::fprintf(stderr, "bench-dispatch: the sketch table disagrees with index_of\n");
        return 1;
    }
    register_size<4>();
    register_size<16>();
    register_size<64>();

    lazyscribe_bench::recording_reporter reporter;
    if (!lazyscribe_bench::run_all(argc, argv, reporter)) return 1;

    using lazyscribe_bench::fmt;
    using lazyscribe_bench::ratio;
    std::printf("\nSummary: median CPU ns per lookup; speed-up = other / lazyscribe (higher is better)\n");
    std::printf("%-6s %9s %11s %14s %9s %11s %12s %11s\n", "op", "handlers", "lazyscribe", "unordered_map", "if_chain",
                "vs map (x)", "vs chain (x)", "sketch (*)");
    for (const char* op : {"hit", "miss", "visit"}) {
        const char* ours = std::string_view(op) == "visit" ? "lazyscribe_visit" : "lazyscribe_index_of";
        for (std::size_t n : {4, 16, 64}) {
            const auto l = reporter.ns(name(op, ours, n));
            const auto m = reporter.ns(name(op, "unordered_map", n));
            const auto c = reporter.ns(name(op, "if_chain", n));
            const auto k = reporter.ns(name(op, "sketch_word_table", n));
            if (!l && !m && !c) continue;
            std::printf("%-6s %9zu %11s %14s %9s %11s %12s %11s\n", op, n, fmt(l).c_str(), fmt(m).c_str(),
                        fmt(c).c_str(), fmt(ratio(m, l)).c_str(), fmt(ratio(c, l)).c_str(), fmt(k).c_str());
        }
    }
    if (const auto floor = reporter.ns(name("hit", "loop_floor", 16))) {
        std::printf("Loop floor (take the next alias, no lookup), 16 handlers: %.2f ns; included in every number.\n",
                    *floor);
    }
    std::printf("(*) not lazyscribe: a sketch of a cheaper index_of (slots compare length + first/last 8 bytes)\n");

    // Goals: <= 3 ns per lookup at 16 handlers and >= 3x faster than unordered_map.
    std::printf("\nGoals at 16 handlers (<= 3 ns per lookup, >= 3x faster than unordered_map):\n");
    for (const char* op : {"hit", "miss", "visit"}) {
        const char* ours = std::string_view(op) == "visit" ? "lazyscribe_visit" : "lazyscribe_index_of";
        const auto l = reporter.ns(name(op, ours, 16));
        const auto r = ratio(reporter.ns(name(op, "unordered_map", 16)), l);
        if (!l || !r) continue;
        const std::string label = std::string(op) + (std::string_view(op) == "visit" ? " (visit)" : " (index_of)");
        std::printf("  %-18s %6.2f ns (%s)   %5.2fx vs unordered_map (%s)\n", label.c_str(), *l,
                    *l <= 3.0 ? "met" : "MISSED", *r, *r >= 3.0 ? "met" : "MISSED");
    }
    return 0;
}
