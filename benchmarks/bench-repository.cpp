// Repositories (issue 4): one artifact with 100, 1,000 and 10,000 versions, against a plain
// linear scan over the same entries parsed with nlohmann into a vector of simple records, in
// the same binary.
//
// The repositories are generated once in a temporary folder with lazyscribe::repository
// (fake clock: version v is created at base + 60 v seconds; the value is a vector of 16
// doubles, ~350 bytes of JSON per file; no version expires).
//
// Paired A/B benchmarks (counters baseline_*, candidate_*, ratio = lazyscribe / plain, CPU
// time, median over pairs of blocks timed in alternating order):
//   repo/open/N                 repository(path, read_only) vs read file + nlohmann::json::parse
//                               + conversion to std::vector<record> (objects destroyed untimed)
//   repo/find_version/number/N  find_version(name, v) vs linear scan for (name, v); random v
//   repo/find_version/asof/N    find_version(name, t, match::asof) vs linear scan for the newest
//                               version created at or before t and not expired then; random t
//   repo/load_artifact/number/N, repo/load_artifact/asof/N
//                               load_artifact<T> (lookup + read) vs linear scan + std::ifstream
//                               + nlohmann::json::parse + get<T>; the summary splits each into
//                               lookup (the find_version median) and read (the difference)
//   repo/log/N                  log_artifact (in memory; edit mode) vs max-version scan + fname
//                               check + push_back; blocks of 10; both rebuilt (untimed) every
//                               max(100, N/10) versions
//   repo/log_save/N             log_artifact + save() vs push_back + write the artifact file +
//                               dump(4) of all records to the repository file. durable=false
//                               (no fsync, as the plain side); repo/log_save_durable/1000 shows
//                               the default (fsync of the files and folders)
//
// Run: bench-repository --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// A summary of medians, ratios and the growth from 100 to 10,000 versions is printed at the end.

#include "bench_support.hpp"

#include <lazyscribe/lazyscribe.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using lazyscribe_bench::paired_kept;

namespace fs = std::filesystem;
using lazyscribe::json;
using lazyscribe::repository;
using lazyscribe_bench::clocks;
using lazyscribe_bench::recording_reporter;
using value_type = std::vector<double>;

constexpr std::int64_t k_base_seconds = 1'704'067'200;  // 2024-01-01T00:00:00Z
constexpr std::int64_t k_step_seconds = 60;
const std::string k_name = "model";
const std::vector<std::size_t> k_sizes = {100, 1000, 10000};

std::int64_t g_now_seconds = k_base_seconds;
lazyscribe::time_point fake_now() { return lazyscribe::time_point(std::chrono::seconds(g_now_seconds)); }
std::int64_t created_seconds(std::size_t v) { return k_base_seconds + k_step_seconds * static_cast<std::int64_t>(v); }

value_type value_of(std::size_t v) {
    value_type x(16);
    for (std::size_t k = 0; k < x.size(); ++k) x[k] = std::sin(static_cast<double>(v * 16 + k) * 0.731);
    return x;
}

using lazyscribe_bench::scratch;
using lazyscribe_bench::temp_dir;

lazyscribe::repository_options repo_options(bool durable) {
    lazyscribe::repository_options o;
    o.clock = &fake_now;
    o.durable = durable;
    return o;
}

// ---- the plain side

struct record {
    std::string name;
    std::string handler;
    std::string fname;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> expiry;
    long long version = 0;
};

// "YYYY-MM-DDTHH:MM:SS" -> seconds since the epoch (what a hand-written reader does).
std::int64_t parse_iso(std::string_view s) {
    const auto num = [&](std::size_t pos, std::size_t len) {
        int v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
        return v;
    };
    if (s.size() < 19) throw std::runtime_error("bad time");
    const std::chrono::year_month_day ymd{std::chrono::year{num(0, 4)}, std::chrono::month{unsigned(num(5, 2))},
                                          std::chrono::day{unsigned(num(8, 2))}};
    const auto t = std::chrono::sys_days{ymd} + std::chrono::hours{num(11, 2)} + std::chrono::minutes{num(14, 2)} +
                   std::chrono::seconds{num(17, 2)};
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string iso_time(std::int64_t secs) {
    const auto tp = std::chrono::sys_seconds(std::chrono::seconds(secs));
    const auto days = std::chrono::floor<std::chrono::days>(tp);
    const std::chrono::year_month_day ymd{days};
    const std::chrono::hh_mm_ss hms{tp - days};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                  int(hms.seconds().count()));
    return buf;
}
std::string stamp14(std::int64_t secs) {
    std::string s = iso_time(secs);
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '-' || c == ':' || c == 'T'; }), s.end());
    return s;
}

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + file.string());
    std::string text;
    in.seekg(0, std::ios::end);
    text.resize(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    return text;
}

std::vector<record> parse_records(const std::string& text) {
    const json data = json::parse(text);
    std::vector<record> out;
    out.reserve(data.size());
    for (const json& j : data) {
        record r;
        r.name = j.at("name").get<std::string>();
        r.handler = j.at("handler").get<std::string>();
        r.fname = j.at("fname").get<std::string>();
        r.created_at = parse_iso(j.at("created_at").get_ref<const std::string&>());
        if (const json& e = j.at("expiry"); !e.is_null()) r.expiry = parse_iso(e.get_ref<const std::string&>());
        r.version = j.at("version").get<long long>();
        out.push_back(std::move(r));
    }
    return out;
}

const record* plain_find_number(const std::vector<record>& records, std::string_view name, long long v) {
    for (const record& r : records)
        if (r.version == v && r.name == name) return &r;
    return nullptr;
}

const record* plain_find_asof(const std::vector<record>& records, std::string_view name, std::int64_t t) {
    const record* best = nullptr;
    for (const record& r : records) {
        if (r.name != name || r.created_at > t) continue;
        if (r.expiry && !(t < *r.expiry)) continue;
        if (best == nullptr || r.created_at >= best->created_at) best = &r;
    }
    return best;
}

value_type plain_read(const fs::path& folder, const record& r) {
    std::ifstream in(folder / r.name / r.fname, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + r.fname);
    return json::parse(in).get<value_type>();
}

// A new version with the plain data structures: the same scans lazyscribe does (highest
// version, file name not taken), then push_back.
void plain_log(std::vector<record>& records, std::vector<std::shared_ptr<const value_type>>& values, std::int64_t now,
               const value_type& value) {
    long long next = 0;
    for (const record& r : records)
        if (r.name == k_name) next = std::max(next, r.version + 1);
    std::string fname = k_name + "-" + stamp14(now) + ".json";
    for (int n = 1; std::any_of(records.begin(), records.end(),
                                [&](const record& r) { return r.name == k_name && r.fname == fname; });
         ++n)
        fname = k_name + "-" + stamp14(now) + "-" + std::to_string(n) + ".json";
    records.push_back(record{k_name, "json", std::move(fname), now, std::nullopt, next});
    values.push_back(std::make_shared<const value_type>(value));
}

json plain_to_json(const std::vector<record>& records) {
    json array = json::array();
    for (const record& r : records) {
        array.push_back(json{{"created_at", iso_time(r.created_at)},
                             {"expiry", r.expiry ? json(iso_time(*r.expiry)) : json(nullptr)},
                             {"fname", r.fname},
                             {"handler", r.handler},
                             {"name", r.name},
                             {"version", r.version}});
    }
    return array;
}

void write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::out | std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot create " + file.string());
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// ---- fixtures: the generated repositories

fs::path repo_file(std::size_t n) { return scratch().path() / ("repo-" + std::to_string(n)) / "repository.json"; }

void generate(std::size_t n) {
    repository repo(repo_file(n), lazyscribe::mode::write, repo_options(false));
    for (std::size_t v = 0; v < n; ++v) {
        g_now_seconds = created_seconds(v);
        (void)repo.log_artifact<"json">(k_name, value_of(v));
    }
    repo.save();
}

struct fixture {
    std::unique_ptr<repository> repo;
    std::vector<record> records;
    std::vector<long long> numbers;   // random version numbers
    std::vector<std::int64_t> times;  // random as-of times (seconds)
};

const fixture& data(std::size_t n) {
    static std::map<std::size_t, fixture> cache;
    fixture& f = cache[n];
    if (!f.repo) {
        if (!fs::exists(repo_file(n))) generate(n);
        f.repo = std::make_unique<repository>(repo_file(n), lazyscribe::mode::read_only, repo_options(false));
        f.records = parse_records(read_file(repo_file(n)));
        std::mt19937_64 rng(11);
        std::uniform_int_distribution<long long> pick(0, static_cast<long long>(n) - 1);
        std::uniform_int_distribution<std::int64_t> when(created_seconds(0), created_seconds(n));
        for (int k = 0; k < 4096; ++k) {
            f.numbers.push_back(pick(rng));
            f.times.push_back(when(rng));
        }
    }
    return f;
}

// ---- benchmarks

void bm_open(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    (void)data(n);
    const fs::path file = repo_file(n);
    paired_kept(
        state, [&] { return parse_records(read_file(file)); },
        [&] { return repository(file, lazyscribe::mode::read_only, repo_options(false)); }, 1e3, "us");
    state.SetLabel(std::to_string(fs::file_size(file)) + " bytes");
}

void bm_find_number(benchmark::State& state) {
    const fixture& f = data(static_cast<std::size_t>(state.range(0)));
    std::size_t kb = 0;
    std::size_t kc = 0;
    lazyscribe_bench::paired(
        state, 256, [&] { benchmark::DoNotOptimize(plain_find_number(f.records, k_name, f.numbers[kb++ & 4095])); },
        [&] { benchmark::DoNotOptimize(&f.repo->find_version(k_name, f.numbers[kc++ & 4095])); });
}

void bm_find_asof(benchmark::State& state) {
    const fixture& f = data(static_cast<std::size_t>(state.range(0)));
    std::size_t kb = 0;
    std::size_t kc = 0;
    lazyscribe_bench::paired(
        state, 256, [&] { benchmark::DoNotOptimize(plain_find_asof(f.records, k_name, f.times[kb++ & 4095])); },
        [&] {
            const lazyscribe::time_point t{std::chrono::seconds(f.times[kc++ & 4095])};
            benchmark::DoNotOptimize(&f.repo->find_version(k_name, t, lazyscribe::match::asof));
        });
}

void bm_load_number(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const fixture& f = data(n);
    const fs::path folder = repo_file(n).parent_path();
    std::size_t kb = 0;
    std::size_t kc = 0;
    lazyscribe_bench::paired(
        state, 16,
        [&] {
            benchmark::DoNotOptimize(plain_read(folder, *plain_find_number(f.records, k_name, f.numbers[kb++ & 4095])));
        },
        [&] {
            lazyscribe::repository_load_options o;
            o.version = f.numbers[kc++ & 4095];
            benchmark::DoNotOptimize(f.repo->load_artifact<value_type>(k_name, o));
        });
}

void bm_load_asof(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const fixture& f = data(n);
    const fs::path folder = repo_file(n).parent_path();
    std::size_t kb = 0;
    std::size_t kc = 0;
    lazyscribe_bench::paired(
        state, 16,
        [&] {
            benchmark::DoNotOptimize(plain_read(folder, *plain_find_asof(f.records, k_name, f.times[kb++ & 4095])));
        },
        [&] {
            lazyscribe::repository_load_options o;
            o.version = lazyscribe::time_point{std::chrono::seconds(f.times[kc++ & 4095])};
            o.match = lazyscribe::match::asof;
            benchmark::DoNotOptimize(f.repo->load_artifact<value_type>(k_name, o));
        });
}

// One more version, in memory.
void bm_log(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    (void)data(n);
    constexpr std::size_t block = 10;
    const std::size_t limit = n + std::max<std::size_t>(100, n / 10);
    std::optional<repository> repo;
    std::vector<record> records;
    std::vector<std::shared_ptr<const value_type>> values;
    std::size_t next = 0;
    const auto rebuild = [&] {
        repo.reset();
        repo.emplace(repo_file(n), lazyscribe::mode::edit, repo_options(false));
        records = parse_records(read_file(repo_file(n)));
        values.clear();
        next = n;
    };
    rebuild();
    const value_type value = value_of(0);
    std::vector<double> base_cpu, cand_cpu, ratio_cpu;
    bool candidate_first = false;
    for (auto _ : state) {
        if (records.size() + block > limit) rebuild();
        const std::size_t first = next;
        const auto run_c = [&] {
            const clocks start = clocks::now();
            for (std::size_t v = first; v < first + block; ++v) {
                g_now_seconds = created_seconds(v);
                benchmark::DoNotOptimize(&repo->log_artifact<"json">(k_name, value));
            }
            return clocks::now() - start;
        };
        const auto run_b = [&] {
            const clocks start = clocks::now();
            for (std::size_t v = first; v < first + block; ++v) plain_log(records, values, created_seconds(v), value);
            return clocks::now() - start;
        };
        clocks b{};
        clocks c{};
        if (candidate_first) {
            c = run_c();
            b = run_b();
        } else {
            b = run_b();
            c = run_c();
        }
        candidate_first = !candidate_first;
        next += block;
        base_cpu.push_back(b.cpu_ns / block);
        cand_cpu.push_back(c.cpu_ns / block);
        if (b.cpu_ns > 0) ratio_cpu.push_back(c.cpu_ns / b.cpu_ns);
    }
    if (base_cpu.empty()) return;
    state.counters["baseline_us"] = recording_reporter::median_of(base_cpu) / 1e3;
    state.counters["candidate_us"] = recording_reporter::median_of(cand_cpu) / 1e3;
    state.counters["ratio"] = recording_reporter::median_of(ratio_cpu);
}

// One more version, then save: the artifact file and the whole repository file.
void log_save(benchmark::State& state, std::size_t n, bool durable) {
    (void)data(n);
    const std::string tag = std::to_string(n) + (durable ? "-durable" : "");
    const fs::path ours = scratch().path() / ("save-" + tag) / "repository.json";
    const fs::path plain = scratch().path() / ("save-plain-" + tag) / "repository.json";
    std::error_code ec;
    fs::remove_all(ours.parent_path(), ec);
    fs::remove_all(plain.parent_path(), ec);
    fs::create_directories(ours.parent_path());
    fs::create_directories(plain.parent_path() / k_name);
    fs::copy_file(repo_file(n), ours);
    fs::copy_file(repo_file(n), plain);
    repository repo(ours, lazyscribe::mode::edit, repo_options(durable));
    std::vector<record> records = parse_records(read_file(plain));
    std::vector<std::shared_ptr<const value_type>> values;
    std::size_t next_b = n;
    std::size_t next_c = n;
    const value_type value = value_of(0);
    paired_kept(
        state,
        [&] {
            plain_log(records, values, created_seconds(next_b++), value);
            const record& r = records.back();
            write_text(plain.parent_path() / r.name / r.fname, json(*values.back()).dump());
            write_text(plain, plain_to_json(records).dump(4));
            return 0;
        },
        [&] {
            g_now_seconds = created_seconds(next_c++);
            (void)repo.log_artifact<"json">(k_name, value);
            repo.save();
            return 0;
        },
        1e3, "us");
}
void bm_log_save(benchmark::State& state) { log_save(state, static_cast<std::size_t>(state.range(0)), false); }
void bm_log_save_durable(benchmark::State& state) { log_save(state, static_cast<std::size_t>(state.range(0)), true); }

void check_same_records() {
    const fixture& f = data(100);
    std::size_t i = 0;
    for (const lazyscribe::artifact& a : *f.repo) {
        const record& r = f.records.at(i++);
        const auto secs = std::chrono::duration_cast<std::chrono::seconds>(a.created_at().time_since_epoch()).count();
        if (a.name() != r.name || a.fname() != r.fname || a.version() != r.version || secs != r.created_at) {
            std::fprintf(stderr, "bench-repository: record %zu differs\n", i - 1);
            std::exit(1);
        }
    }
    const value_type expected = value_of(42);
    const value_type ours = f.repo->load_artifact<value_type>(k_name, lazyscribe::repository_load_options{42});
    const value_type plain = plain_read(repo_file(100).parent_path(), *plain_find_number(f.records, k_name, 42));
    const lazyscribe::time_point t{std::chrono::seconds(created_seconds(42) + 30)};
    const auto& asof = f.repo->find_version(k_name, t, lazyscribe::match::asof);
    if (ours != expected || plain != expected || asof.version() != 42 ||
        plain_find_asof(f.records, k_name, created_seconds(42) + 30)->version != 42) {
        std::fprintf(stderr, "bench-repository: the two sides disagree\n");
        std::exit(1);
    }
}

}  // namespace

int main(int argc, char** argv) {
    check_same_records();

    for (const std::size_t n : k_sizes) {
        const auto arg = static_cast<std::int64_t>(n);
        benchmark::RegisterBenchmark("repo/open", bm_open)->Arg(arg)->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark("repo/find_version/number", bm_find_number)
            ->Arg(arg)
            ->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark("repo/find_version/asof", bm_find_asof)->Arg(arg)->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark("repo/load_artifact/number", bm_load_number)
            ->Arg(arg)
            ->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark("repo/load_artifact/asof", bm_load_asof)->Arg(arg)->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark("repo/log", bm_log)->Arg(arg)->Iterations(500)->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark("repo/log_save", bm_log_save)->Arg(arg)->Unit(benchmark::kMicrosecond);
    }
    benchmark::RegisterBenchmark("repo/log_save_durable", bm_log_save_durable)
        ->Arg(1000)
        ->Unit(benchmark::kMicrosecond);

    recording_reporter reporter;
    if (!lazyscribe_bench::run_all(argc, argv, reporter)) return 1;

    using lazyscribe_bench::fmt;
    const auto counter = [&](const std::string& name, const char* key) { return reporter.counter(name, key); };
    std::printf("\nSummary (medians of CPU time per call; ratio = lazyscribe / plain, paired)\n");
    std::printf("%-30s %8s %12s %12s %8s %10s\n", "benchmark", "N", "plain us", "lazyscribe us", "ratio", "ratio_wall");
    const auto row = [&](const std::string& bench, const std::string& n, const std::string& suffix = "") {
        const std::string name = bench + (n.empty() ? "" : "/" + n) + suffix;
        const auto r = counter(name, "ratio");
        if (!r) return;
        std::printf("%-30s %8s %12s %12s %8s %10s\n", bench.c_str(), n.c_str(),
                    fmt(counter(name, "baseline_us"), "%.3f").c_str(),
                    fmt(counter(name, "candidate_us"), "%.3f").c_str(), fmt(r, "%.3f").c_str(),
                    fmt(counter(name, "ratio_wall"), "%.3f").c_str());
    };
    const char* sizes[] = {"100", "1000", "10000"};
    for (const char* bench : {"repo/open", "repo/find_version/number", "repo/find_version/asof",
                              "repo/load_artifact/number", "repo/load_artifact/asof", "repo/log", "repo/log_save"}) {
        for (const char* n : sizes) row(bench, n, std::string(bench) == "repo/log" ? "/iterations:500" : "");
    }
    std::printf(
        "\nload_artifact split (CPU us per call): lookup = find_version, read = load_artifact - find_version\n");
    std::printf("%-8s %8s %12s %12s %14s %12s\n", "by", "N", "lazy lookup", "lazy read", "plain lookup", "plain read");
    for (const char* kind : {"number", "asof"}) {
        for (const char* n : sizes) {
            const std::string find = std::string("repo/find_version/") + kind + "/" + n;
            const std::string load = std::string("repo/load_artifact/") + kind + "/" + n;
            const auto diff = [&](const char* key) -> std::optional<double> {
                const auto total = counter(load, key);
                const auto lookup = counter(find, key);
                if (!total || !lookup) return std::nullopt;
                return *total - *lookup;
            };
            std::printf("%-8s %8s %12s %12s %14s %12s\n", kind, n, fmt(counter(find, "candidate_us"), "%.3f").c_str(),
                        fmt(diff("candidate_us"), "%.3f").c_str(), fmt(counter(find, "baseline_us"), "%.3f").c_str(),
                        fmt(diff("baseline_us"), "%.3f").c_str());
        }
    }
    row("repo/log_save_durable", "1000");

    std::printf("\nGoals\n");
    for (const char* n : sizes) {
        const auto r = counter(std::string("repo/open/") + n, "ratio");
        std::printf("  open within 1.5x of parse-into-records, N=%-6s ratio %s: %s\n", n, fmt(r, "%.3f").c_str(),
                    r ? (*r <= 1.5 ? "met" : "MISSED") : "-");
    }
    for (const char* kind : {"number", "asof"}) {
        const std::string base = std::string("repo/find_version/") + kind + "/";
        const auto at100 = counter(base + "100", "candidate_us");
        const auto at10k = counter(base + "10000", "candidate_us");
        const auto growth = lazyscribe_bench::ratio(at10k, at100);
        const auto plain_growth =
            lazyscribe_bench::ratio(counter(base + "10000", "baseline_us"), counter(base + "100", "baseline_us"));
        // O(log n): 10,000 vs 100 is 2x the comparisons; allow 3x for cache effects. O(n) is 100x.
        std::printf("  find_version by %-6s O(log n): 100 -> 10,000 versions costs x%s (plain scan x%s): %s\n", kind,
                    fmt(growth, "%.2f").c_str(), fmt(plain_growth, "%.2f").c_str(),
                    growth ? (*growth <= 3.0 ? "met" : "MISSED") : "-");
    }
    return 0;
}
