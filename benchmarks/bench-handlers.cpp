// Binary handlers on 1,000,000 doubles (issue 14): writing and reading the same 8 MB of values
// through the npy and pickle handlers, against cereal and a raw fwrite/fread in this binary,
// and (with benchmarks/python_handlers.py) against Python's pickle and numpy on the same data.
//
// The values: v[i] = i * 0.001 + sin(i), i < 1,000,000 (8,000,000 bytes of doubles).
// Every benchmark is one operation per iteration; names are <op>/<medium>/<format>:
//   op      write, read, or json (the JSON value's own cost, no handler)
//   medium  memory: a std::ostringstream reused across iterations (seekp(0)), or a
//                   std::istringstream over the bytes (clear + seekg(0))
//           file:   a file in a temporary folder: std::ofstream (truncating) + write + close,
//                   or std::ifstream + read, as an artifact is written and loaded
//   format  raw                  the baseline: one write of the 8 MB buffer (std::fwrite to a
//                                FILE* opened "wb", or ostream::write), and one read into a new
//                                uninitialised buffer, std::make_unique_for_overwrite<double[]>(n)
//                                (std::fread, or istream::read), as numpy.empty + readinto in
//                                python_handlers.py (a zero-filled std::vector<double>(n), as the
//                                other readers return, would add an 8 MB memset)
//           npy                  npy_handler::write(std::vector<double>) and
//                                npy_handler::read<ndarray<double>>
//           pickle_list          pickle_handler::write of a lazyscribe::json array of the 1e6
//                                doubles, built once outside the timed loop (what a Python list
//                                of floats pickles to: the same bytes as Python's pickle.dump);
//                                pickle_handler::read<json> of those bytes
//           pickle_list_convert  the same including the conversion to or from the C++ array:
//                                pickle_handler::write(std::vector<double>) (it builds the json
//                                inside) and pickle_handler::read<std::vector<double>>
//           pickle_numpy         pickle_handler::read<ndarray<double>> of Python's
//                                pickle.dump(numpy array) (protocol 4, Python's default). Only
//                                Python makes that file: it is generated once at start with
//                                python3 and numpy; without them the rows are skipped, saying so
//           cereal               cereal_handler (portable binary) of std::vector<double>
//   json/memory/build_from_vector   lazyscribe::json(std::vector<double>), built and destroyed
//   json/memory/copy                a copy of the prebuilt json array, made and destroyed
//                                   (pickle_handler::write(const T&) converts its argument to
//                                   json, so a json argument is copied once per write)
//   json/memory/to_vector           json::get<std::vector<double>>() of the prebuilt array
// Results are destroyed inside the timed loop, as a caller would (and as Python's timeit does).
//
// Checks, failing loudly (state.SkipWithError, and exit code 1): before timing, the fixture
// bytes are checked (npy: the header numpy writes and the raw values; pickle_list: decodes to
// the values, and equals Python's pickle.dump of the same list byte for byte when python3 is
// present; npy: equals numpy.save's bytes then). After each timed loop, what was written equals
// the fixture (the file read back) and what was read equals the values, element by element.
//
// Run: bench-handlers --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// The summary at the end gives, per row, the median CPU and wall ms per operation, MB/s of
// payload (8,000,000 bytes / CPU time), the ratio to the raw row of the same op and medium, and
// the counter "faults": this thread's minor page faults per operation. Rows that allocate per
// element fault their memory in again on every operation, because glibc returns large freed
// blocks to the kernel; where a fault is expensive (about 15-20 us on the VM of
// docs/performance.md) that dominates. GLIBC_TUNABLES=glibc.malloc.trim_threshold=4294967296:
// glibc.malloc.mmap_threshold=33554432 keeps the memory, to time the rest.
// benchmarks/python_handlers.py --cpp <this binary> runs it and prints Python beside it.
// The python used for the fixtures: $PYTHON, else /usr/bin/python3, else python3 on PATH.

#include "bench_support.hpp"

#include <lazyscribe/handlers/ndarray.hpp>
#include <lazyscribe/handlers/npy.hpp>
#include <lazyscribe/handlers/pickle.hpp>
#include <lazyscribe/json.hpp>

#if __has_include(<cereal/cereal.hpp>)
#define LAZYSCRIBE_BENCH_HAS_CEREAL 1
#include <cereal/types/vector.hpp>
#include <lazyscribe/handlers/cereal.hpp>
#else
#define LAZYSCRIBE_BENCH_HAS_CEREAL 0
#endif

#include <sys/resource.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using lazyscribe::json;
using lazyscribe::ndarray;
using lazyscribe::npy_handler;
using lazyscribe::pickle_handler;

constexpr std::size_t n_values = 1'000'000;
constexpr double payload_bytes = static_cast<double>(n_values * sizeof(double));

const std::vector<double>& values() {
    static const std::vector<double> v = [] {
        std::vector<double> out(n_values);
        for (std::size_t i = 0; i < n_values; ++i)
            out[i] = static_cast<double>(i) * 0.001 + std::sin(static_cast<double>(i));
        return out;
    }();
    return v;
}

const json& values_json() {
    static const json j(values());
    return j;
}

const json& no_kwargs() {
    static const json k = json::object();
    return k;
}

std::string raw_bytes() {
    const auto& v = values();
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    return {reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double)};
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return {};
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool write_file(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    return static_cast<bool>(out);
}

// ---- what is compared after each loop

// The raw read's result: an uninitialised buffer, filled by one read.
struct raw_buffer {
    std::unique_ptr<double[]> data;  // NOLINT(cppcoreguidelines-avoid-c-arrays)
    std::size_t size = 0;
};

// "" when equal, else what differs.
std::string compare(const raw_buffer& got) {
    if (got.size != n_values) return "the raw read came up short";
    return std::memcmp(got.data.get(), values().data(), n_values * sizeof(double)) == 0 ? "" : "the raw bytes differ";
}
std::string compare(const std::vector<double>& got) {
    const auto& want = values();
    if (got.size() != want.size())
        return "read " + std::to_string(got.size()) + " values, wrote " + std::to_string(want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        if (std::memcmp(&got[i], &want[i], sizeof(double)) != 0) return "value " + std::to_string(i) + " differs";
    }
    return {};
}
std::string compare(const ndarray<double>& got) {
    if (got.shape != std::vector<std::size_t>{n_values})
        return "the shape read is not (" + std::to_string(n_values) + ",)";
    return compare(got.values);
}
std::string compare(const json& got) {
    if (!got.is_array()) return "the value read is not a list";
    const auto& want = values();
    if (got.size() != want.size())
        return "read " + std::to_string(got.size()) + " items, wrote " + std::to_string(want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        if (!got[i].is_number_float()) return "item " + std::to_string(i) + " is not a float";
        const double d = got[i].get<double>();
        if (std::memcmp(&d, &want[i], sizeof(double)) != 0) return "item " + std::to_string(i) + " differs";
    }
    return {};
}

// ---- the fixtures: each format's bytes, checked once, and their files for the read rows

struct fixture_set {
    std::string raw, npy, pickle_list, cereal;
    std::optional<std::string> pickle_numpy;  // Python's pickle.dump of the numpy array
    std::string python_note;                  // why pickle_numpy is missing, or what Python confirmed
    std::vector<std::string> errors;          // a fixture that failed its check
    fs::path dir;
};

fixture_set& fixtures() {
    static fixture_set f;
    return f;
}

std::string python_command() {
    if (const char* p = std::getenv("PYTHON"); p != nullptr && *p != '\0') return p;
    if (fs::exists("/usr/bin/python3")) return "/usr/bin/python3";
    return "python3";
}

template <class Write>
std::string bytes_of(Write write) {
    std::ostringstream out;
    write(out);
    return std::move(out).str();
}

void make_fixtures() {
    auto& f = fixtures();
    f.dir = lazyscribe_bench::scratch().path();
    f.raw = raw_bytes();
    f.npy = bytes_of([](std::ostream& o) { npy_handler::write(values(), o, no_kwargs()); });
    f.pickle_list = bytes_of([](std::ostream& o) { pickle_handler::write(values_json(), o, no_kwargs()); });
#if LAZYSCRIBE_BENCH_HAS_CEREAL
    f.cereal = bytes_of([](std::ostream& o) { lazyscribe::cereal_handler::write(values(), o, no_kwargs()); });
#endif

    // npy: the magic, version 1.0, numpy's header for '<f8' (1000000,), then the values as they are.
    const std::string_view expected_dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000,), }";
    if (f.npy.size() != 128 + f.raw.size() || f.npy.compare(0, 8, std::string("\x93NUMPY\x01\x00", 8)) != 0 ||
        f.npy.compare(10, expected_dict.size(), expected_dict) != 0 || f.npy.compare(128, f.raw.size(), f.raw) != 0) {
        f.errors.push_back("npy: the bytes written are not numpy's header followed by the values");
    }
    {
        std::istringstream in(f.pickle_list);
        if (const auto why = compare(pickle_handler::read<json>(in, no_kwargs())); !why.empty()) {
            f.errors.push_back("pickle_list: our own pickle does not read back: " + why);
        }
    }
#if LAZYSCRIBE_BENCH_HAS_CEREAL
    {
        std::istringstream in(f.cereal);
        if (const auto why = compare(lazyscribe::cereal_handler::read<std::vector<double>>(in, no_kwargs()));
            !why.empty()) {
            f.errors.push_back("cereal: does not read back: " + why);
        }
    }
#endif

    const std::pair<const char*, const std::string*> files[] = {
        {"in.raw", &f.raw}, {"in.npy", &f.npy}, {"in-list.pkl", &f.pickle_list}, {"in.cereal", &f.cereal}};
    for (const auto& [name, bytes] : files) {
        if (!write_file(f.dir / name, *bytes)) f.errors.push_back(std::string("cannot write the fixture ") + name);
    }

    // Python makes the numpy-array pickle from our .npy (so that the values are exactly ours),
    // and, to check our writers, its own pickle of the list and its own numpy.save.
    const std::string python = python_command();
    const std::string code =
        "import sys, pickle, numpy\n"
        "d = sys.argv[1]\n"
        "a = numpy.load(d + \"/in.npy\")\n"
        "with open(d + \"/in-numpy.pkl\", \"wb\") as f: pickle.dump(a, f)\n"
        "with open(d + \"/python-list.pkl\", \"wb\") as f: pickle.dump(a.tolist(), f)\n"
        "numpy.save(d + \"/python.npy\", a)\n";
    const std::string command = "'" + python + "' -c '" + code + "' '" + f.dir.string() + "'";
    const int status = std::system(command.c_str());
    if (status != 0) {
        const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : status;
        f.python_note = "'" + python + "' with numpy did not run (exit status " + std::to_string(rc) +
                        "): no numpy-array pickle, so the pickle_numpy rows are skipped, and the pickle and npy "
                        "bytes were not compared with Python's";
        std::fprintf(stderr, "NOTE: %s\n", f.python_note.c_str());
        return;
    }
    f.pickle_numpy = read_file(f.dir / "in-numpy.pkl");
    {
        std::istringstream in(*f.pickle_numpy);
        if (const auto why = compare(pickle_handler::read<ndarray<double>>(in, no_kwargs())); !why.empty()) {
            f.errors.push_back("pickle_numpy: Python's pickle of the array reads back wrong: " + why);
        }
    }
    const bool same_list = read_file(f.dir / "python-list.pkl") == f.pickle_list;
    const bool same_npy = read_file(f.dir / "python.npy") == f.npy;
    if (!same_list) f.errors.push_back("pickle_list: our bytes differ from Python's pickle.dump of the same list");
    if (!same_npy) f.errors.push_back("npy: our bytes differ from numpy.save of the same array");
    f.python_note = "checked against " + python + ": pickle_list bytes == pickle.dump(list) " +
                    (same_list ? "yes" : "NO") + ", npy bytes == numpy.save " + (same_npy ? "yes" : "NO") +
                    "; numpy-array pickle: " + std::to_string(f.pickle_numpy->size()) + " bytes";
    std::fprintf(stderr, "NOTE: %s\n", f.python_note.c_str());
}

bool fixtures_ok(benchmark::State& state) {
    const auto& f = fixtures();
    if (f.errors.empty()) return true;
    std::string all = "fixture check failed:";
    for (const auto& e : f.errors) all += " " + e + ";";
    state.SkipWithError(all.c_str());
    return false;
}

// ---- the benchmark bodies

// This thread's minor page faults so far: on this project's benchmark VM a fault on fresh
// memory costs about 20 us, so the count explains much of a row's time (see the summary).
long minor_faults() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return usage.ru_minflt;
}

// Counts the page faults of the timed loop: construct just before it, finish() just after.
class fault_count {
public:
    fault_count() : start_(minor_faults()) {}
    void finish(benchmark::State& state) const {
        if (state.iterations() == 0) return;
        state.counters["faults"] =
            static_cast<double>(minor_faults() - start_) / static_cast<double>(state.iterations());
        state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                                static_cast<std::int64_t>(payload_bytes));
    }

private:
    long start_;
};

// `write(std::ostream&)` into a reused std::ostringstream; the output must equal `expected`.
template <class Write>
void write_memory(benchmark::State& state, Write write, const std::string* expected) {
    if (!fixtures_ok(state)) return;
    std::ostringstream out;
    write(out);  // untimed: the stream's buffer reaches its size once
    const fault_count faults;
    for (auto _ : state) {
        out.seekp(0);
        write(out);
        benchmark::ClobberMemory();
    }
    faults.finish(state);
    if (!out || out.str() != *expected) state.SkipWithError("the bytes written differ from the checked fixture");
}

// `write(std::ostream&)` into a fresh std::ofstream on `path` (truncated), closed each time.
template <class Write>
void write_to_file(benchmark::State& state, Write write, const std::string* expected, const char* name) {
    if (!fixtures_ok(state)) return;
    const fs::path path = fixtures().dir / name;
    const fault_count faults;
    for (auto _ : state) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        write(out);
        out.close();
        if (!out) {
            state.SkipWithError(("writing " + path.string() + " failed").c_str());
            return;
        }
    }
    faults.finish(state);
    if (read_file(path) != *expected) state.SkipWithError("the file written differs from the checked fixture");
}

// `read(std::istream&)` from a reused std::istringstream over `bytes`; the last result is checked.
template <class Read>
void read_memory(benchmark::State& state, Read read, const std::string* bytes) {
    if (!fixtures_ok(state)) return;
    std::istringstream in(*bytes);
    std::optional<decltype(read(in))> last;
    const fault_count faults;
    for (auto _ : state) {
        in.clear();
        in.seekg(0);
        last.emplace(read(in));  // the previous result is destroyed here, inside the loop
        benchmark::DoNotOptimize(*last);
    }
    faults.finish(state);
    if (!last) return;
    if (const auto why = compare(*last); !why.empty()) state.SkipWithError(("read back wrong: " + why).c_str());
}

template <class Read>
void read_from_file(benchmark::State& state, Read read, const char* name) {
    if (!fixtures_ok(state)) return;
    const fs::path path = fixtures().dir / name;
    std::optional<decltype(read(std::declval<std::istream&>()))> last;
    const fault_count faults;
    for (auto _ : state) {
        std::ifstream in(path, std::ios::binary);
        last.emplace(read(in));
        benchmark::DoNotOptimize(*last);
    }
    faults.finish(state);
    if (!last) return;
    if (const auto why = compare(*last); !why.empty()) state.SkipWithError(("read back wrong: " + why).c_str());
}

// The raw baselines on FILE*: one fwrite of the buffer; one fread into a new vector.
void raw_fwrite(benchmark::State& state) {
    if (!fixtures_ok(state)) return;
    const fs::path path = fixtures().dir / "out.raw";
    const auto& v = values();
    const fault_count faults;
    for (auto _ : state) {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        const bool ok = f != nullptr && std::fwrite(v.data(), sizeof(double), v.size(), f) == v.size();
        if (f == nullptr || std::fclose(f) != 0 || !ok) {
            state.SkipWithError("fwrite failed");
            return;
        }
    }
    faults.finish(state);
    if (read_file(path) != fixtures().raw) state.SkipWithError("the file written differs from the values");
}

void raw_fread(benchmark::State& state) {
    if (!fixtures_ok(state)) return;
    const fs::path path = fixtures().dir / "in.raw";
    std::optional<raw_buffer> last;
    const fault_count faults;
    for (auto _ : state) {
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (f == nullptr) {
            state.SkipWithError("cannot open the raw file");
            return;
        }
        // NOLINTNEXTLINE(cppcoreguidelines-avoid-c-arrays)
        last.emplace(raw_buffer{std::make_unique_for_overwrite<double[]>(n_values), 0});
        last->size = std::fread(last->data.get(), sizeof(double), n_values, f);
        std::fclose(f);
        if (last->size != n_values) {
            state.SkipWithError("fread read less than the file");
            return;
        }
        benchmark::DoNotOptimize(last->data.get());
    }
    faults.finish(state);
    if (!last) return;
    if (const auto why = compare(*last); !why.empty()) state.SkipWithError(("read back wrong: " + why).c_str());
}

// The raw baselines on streams: one write of the buffer; one read into a new vector.
void raw_ostream_write(std::ostream& out) {
    const auto& v = values();
    out.write(reinterpret_cast<const char*>(v.data()),  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
              static_cast<std::streamsize>(v.size() * sizeof(double)));
}
raw_buffer raw_istream_read(std::istream& in) {
    raw_buffer b{std::make_unique_for_overwrite<double[]>(n_values), 0};  // NOLINT(cppcoreguidelines-avoid-c-arrays)
    in.read(reinterpret_cast<char*>(b.data.get()),  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
            static_cast<std::streamsize>(n_values * sizeof(double)));
    b.size = static_cast<std::size_t>(in.gcount()) / sizeof(double);
    return b;
}

// The JSON value alone.
void json_build(benchmark::State& state) {
    const fault_count faults;
    for (auto _ : state) {
        json j(values());
        benchmark::DoNotOptimize(j);
    }
    faults.finish(state);
    if (const auto why = compare(json(values())); !why.empty()) state.SkipWithError(why.c_str());
}
void json_copy(benchmark::State& state) {
    const json& source = values_json();
    const fault_count faults;
    for (auto _ : state) {
        json j(source);
        benchmark::DoNotOptimize(j);
    }
    faults.finish(state);
}
void json_to_vector(benchmark::State& state) {
    std::optional<std::vector<double>> last;
    const fault_count faults;
    for (auto _ : state) {
        last.emplace(values_json().get<std::vector<double>>());
        benchmark::DoNotOptimize(last->data());
    }
    faults.finish(state);
    if (!last) return;
    if (const auto why = compare(*last); !why.empty()) state.SkipWithError(why.c_str());
}

// ---- registration

const std::vector<std::string>& formats() {
    static const std::vector<std::string> f = {"raw",   "npy", "pickle_numpy", "pickle_list", "pickle_list_convert",
                                               "cereal"};
    return f;
}

void register_all() {
    auto& f = fixtures();
    const auto add = [](const std::string& name, auto fn) {
        benchmark::RegisterBenchmark(name.c_str(), fn)->Unit(benchmark::kMillisecond);
    };

    const auto npy_write = [](std::ostream& o) { npy_handler::write(values(), o, no_kwargs()); };
    const auto pickle_write = [](std::ostream& o) { pickle_handler::write(values_json(), o, no_kwargs()); };
    const auto pickle_write_vector = [](std::ostream& o) { pickle_handler::write(values(), o, no_kwargs()); };
    const auto npy_read = [](std::istream& i) { return npy_handler::read<ndarray<double>>(i, no_kwargs()); };
    const auto pickle_read_array = [](std::istream& i) {
        return pickle_handler::read<ndarray<double>>(i, no_kwargs());
    };
    const auto pickle_read_json = [](std::istream& i) { return pickle_handler::read<json>(i, no_kwargs()); };
    const auto pickle_read_vector = [](std::istream& i) {
        return pickle_handler::read<std::vector<double>>(i, no_kwargs());
    };

    // write
    add("write/memory/raw", [&f](benchmark::State& s) { write_memory(s, raw_ostream_write, &f.raw); });
    add("write/memory/npy", [&f, npy_write](benchmark::State& s) { write_memory(s, npy_write, &f.npy); });
    add("write/memory/pickle_list",
        [&f, pickle_write](benchmark::State& s) { write_memory(s, pickle_write, &f.pickle_list); });
    add("write/memory/pickle_list_convert",
        [&f, pickle_write_vector](benchmark::State& s) { write_memory(s, pickle_write_vector, &f.pickle_list); });
    add("write/file/raw", raw_fwrite);
    add("write/file/npy", [&f, npy_write](benchmark::State& s) { write_to_file(s, npy_write, &f.npy, "out.npy"); });
    add("write/file/pickle_list",
        [&f, pickle_write](benchmark::State& s) { write_to_file(s, pickle_write, &f.pickle_list, "out-list.pkl"); });
    add("write/file/pickle_list_convert", [&f, pickle_write_vector](benchmark::State& s) {
        write_to_file(s, pickle_write_vector, &f.pickle_list, "out-list.pkl");
    });
#if LAZYSCRIBE_BENCH_HAS_CEREAL
    const auto cereal_write = [](std::ostream& o) { lazyscribe::cereal_handler::write(values(), o, no_kwargs()); };
    const auto cereal_read = [](std::istream& i) {
        return lazyscribe::cereal_handler::read<std::vector<double>>(i, no_kwargs());
    };
    add("write/memory/cereal", [&f, cereal_write](benchmark::State& s) { write_memory(s, cereal_write, &f.cereal); });
    add("write/file/cereal",
        [&f, cereal_write](benchmark::State& s) { write_to_file(s, cereal_write, &f.cereal, "out.cereal"); });
#endif

    // read
    const auto need_numpy = [](benchmark::State& s) {
        if (fixtures().pickle_numpy) return true;
        s.SkipWithError(fixtures().python_note.c_str());
        return false;
    };
    add("read/memory/raw", [&f](benchmark::State& s) { read_memory(s, raw_istream_read, &f.raw); });
    add("read/memory/npy", [&f, npy_read](benchmark::State& s) { read_memory(s, npy_read, &f.npy); });
    add("read/memory/pickle_numpy", [&f, need_numpy, pickle_read_array](benchmark::State& s) {
        if (need_numpy(s)) read_memory(s, pickle_read_array, &*f.pickle_numpy);
    });
    add("read/memory/pickle_list",
        [&f, pickle_read_json](benchmark::State& s) { read_memory(s, pickle_read_json, &f.pickle_list); });
    add("read/memory/pickle_list_convert",
        [&f, pickle_read_vector](benchmark::State& s) { read_memory(s, pickle_read_vector, &f.pickle_list); });
    add("read/file/raw", raw_fread);
    add("read/file/npy", [npy_read](benchmark::State& s) { read_from_file(s, npy_read, "in.npy"); });
    add("read/file/pickle_numpy", [need_numpy, pickle_read_array](benchmark::State& s) {
        if (need_numpy(s)) read_from_file(s, pickle_read_array, "in-numpy.pkl");
    });
    add("read/file/pickle_list",
        [pickle_read_json](benchmark::State& s) { read_from_file(s, pickle_read_json, "in-list.pkl"); });
    add("read/file/pickle_list_convert",
        [pickle_read_vector](benchmark::State& s) { read_from_file(s, pickle_read_vector, "in-list.pkl"); });
#if LAZYSCRIBE_BENCH_HAS_CEREAL
    add("read/memory/cereal", [&f, cereal_read](benchmark::State& s) { read_memory(s, cereal_read, &f.cereal); });
    add("read/file/cereal", [cereal_read](benchmark::State& s) { read_from_file(s, cereal_read, "in.cereal"); });
#endif

    // the JSON value alone
    add("json/memory/build_from_vector", json_build);
    add("json/memory/copy", json_copy);
    add("json/memory/to_vector", json_to_vector);
}

// The recording reporter, plus the median wall time and the errors.
class handler_reporter : public lazyscribe_bench::recording_reporter {
public:
    void ReportRuns(const std::vector<Run>& reports) override {
        for (const Run& run : reports) {
            const std::string name = run.run_name.str();
            if (run.error_occurred) {
                errors_[name] = run.error_message;
                continue;
            }
            const double ns = run.GetAdjustedRealTime() * lazyscribe_bench::to_ns(run.time_unit);
            if (run.run_type == Run::RT_Aggregate) {
                if (run.aggregate_name == "median") wall_medians_[name] = ns;
            } else {
                wall_samples_[name].push_back(ns);
            }
        }
        recording_reporter::ReportRuns(reports);
    }
    [[nodiscard]] std::optional<double> wall_ns(const std::string& name) const {
        if (const auto it = wall_medians_.find(name); it != wall_medians_.end()) return it->second;
        const auto it = wall_samples_.find(name);
        if (it == wall_samples_.end() || it->second.empty()) return std::nullopt;
        return median_of(it->second);
    }
    [[nodiscard]] const std::map<std::string, std::string>& errors() const { return errors_; }

private:
    std::map<std::string, double> wall_medians_;
    std::map<std::string, std::vector<double>> wall_samples_;
    std::map<std::string, std::string> errors_;
};

}  // namespace

int main(int argc, char** argv) {
    make_fixtures();
    register_all();
    handler_reporter reporter;
    if (!lazyscribe_bench::run_all(argc, argv, reporter)) return 1;

    using lazyscribe_bench::fmt;
    using lazyscribe_bench::ratio;
    const auto ms = [](std::optional<double> ns) -> std::optional<double> {
        if (!ns) return std::nullopt;
        return *ns / 1e6;
    };
    std::printf(
        "\nSummary: %zu doubles (%.0f bytes); medians of the repetitions; ms per operation; "
        "MB/s = payload / CPU time;\nvs raw = this row / the raw row of the same op and medium "
        "(fwrite/fread for files, ostream::write/istream::read in memory)\n",
        n_values, payload_bytes);
    std::printf("%-6s %-7s %-20s %9s %9s %9s %10s %11s %9s\n", "op", "medium", "format", "CPU ms", "wall ms", "MB/s",
                "vs raw CPU", "vs raw wall", "faults");
    for (const char* op : {"write", "read"}) {
        for (const char* medium : {"memory", "file"}) {
            const std::string base = std::string(op) + "/" + medium + "/raw";
            for (const auto& format : formats()) {
                const std::string n = std::string(op) + "/" + medium + "/" + format;
                const auto cpu = reporter.ns(n);
                if (!cpu) continue;
                std::printf("%-6s %-7s %-20s %9s %9s %9s %10s %11s %9s\n", op, medium, format.c_str(),
                            fmt(ms(cpu), "%.3f").c_str(), fmt(ms(reporter.wall_ns(n)), "%.3f").c_str(),
                            fmt(payload_bytes / *cpu * 1e3, "%.0f").c_str(),
                            fmt(ratio(cpu, reporter.ns(base)), "%.2f").c_str(),
                            fmt(ratio(reporter.wall_ns(n), reporter.wall_ns(base)), "%.2f").c_str(),
                            fmt(reporter.counter(n, "faults"), "%.0f").c_str());
            }
        }
    }
    for (const char* n : {"json/memory/build_from_vector", "json/memory/copy", "json/memory/to_vector"}) {
        const auto cpu = reporter.ns(n);
        if (!cpu) continue;
        std::printf("%-35s %9s %9s %9s %10s %11s %9s\n", n, fmt(ms(cpu), "%.3f").c_str(),
                    fmt(ms(reporter.wall_ns(n)), "%.3f").c_str(), "", "", "",
                    fmt(reporter.counter(n, "faults"), "%.0f").c_str());
    }
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    std::printf("\nfaults = minor page faults per operation (this thread). GLIBC_TUNABLES=%s\n",
                tunables != nullptr ? tunables : "(unset: glibc's default heap trimming)");
    if (!fixtures().python_note.empty()) std::printf("\nPython: %s\n", fixtures().python_note.c_str());
    bool failed = false;
    for (const auto& [name, message] : reporter.errors()) {
        const bool skipped_for_python = !fixtures().pickle_numpy && name.find("pickle_numpy") != std::string::npos;
        std::printf("%s %s: %s\n", skipped_for_python ? "SKIPPED" : "FAILED", name.c_str(), message.c_str());
        failed = failed || !skipped_for_python;
    }
    return failed ? 1 : 0;
}
