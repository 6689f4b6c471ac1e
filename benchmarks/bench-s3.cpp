// S3 object storage (lazyscribe::s3) against the local disk and against plain libcurl
// requests of the same bytes, in the same binary. A plain program, not Google Benchmark:
// its requests go to a server and its second part runs 8 processes.
//
// Needs a server (Ceph's RADOS Gateway on loopback; the program exits with a message
// without one):
//     S3_PORT=7484 scripts/s3-server.sh start /tmp/s3e && source /tmp/s3e/env
//     build-bench-s3/benchmarks/bench-s3        # --reps=7 --writers=8 --saves=40; 5-10 minutes
//     scripts/s3-server.sh stop /tmp/s3e
//
// Part 1, one writer: the 10,000-experiment project of bench-project.cpp (same experiments,
// same fake clock; an 11.9 MB file) saved and loaded
//   - on the local disk (a temporary folder; save() durable, the default, and durable=false),
//   - on S3, s3://$LAZYSCRIBE_S3_TEST_BUCKET/bench-<pid>/project.json (register_s3; save()
//     in mode::write, load in mode::read_only),
//   - and the baseline: one libcurl PUT and one GET of the same project.json bytes to the same
//     server, signed with the library's own SigV4 signer (detail/sigv4.hpp) with the payload's
//     SHA-256, as lazyscribe::s3 signs, on one kept connection, as lazyscribe::s3 keeps one;
//   - and a save that must merge: two projects in mode::append on one file, the other one
//     saving one new experiment before each timed save (S3 and local disk).
// Each repetition runs every operation once, in forward order on even repetitions and in
// reverse order on odd ones; the ratios are medians of the per-repetition ratios (wall time).
// A forwarding storage (counting_storage) counts the requests and times the GETs, the PUTs
// and the writing of the body, for the breakdown.
//
// Part 2, 8 writers x 40 saves into one project that starts with the same 10,000
// experiments: 8 forked processes, each opening it in mode::append and saving 40 times, one
// new experiment per save, all starting together. On S3 each save is the conditional save
// (detail/file_lifecycle.hpp: GET with the ETag, merge, PUT with If-Match, again after a
// jittered back-off on a lost race); the same run on the local disk (flock, re-read, merge,
// atomic replace) is the baseline. Per save: latency, write_if outcomes (counting_storage
// counts condition_failed and outcome_unknown), where the time went. The children send their
// numbers to the parent through pipes; at the end the parent loads the project and checks
// that no experiment was lost. Each child does its S3 work on a new thread with a new
// s3_storage, so that it never touches a curl handle inherited from the parent by fork:
// lazyscribe::s3 keeps one per thread, with its open connection, and children sharing the
// parent's connection would interleave their requests and answers.
//
// Options: --reps=N (7), --writers=N (8), --saves=N (40), --experiments=N (10000),
//          --skip=single | contention | local-contention | journal (repeatable).

#include "bench_support.hpp"

#include <lazyscribe/detail/sigv4.hpp>
#include <lazyscribe/lazyscribe.hpp>
#include <lazyscribe/s3.hpp>

#include <curl/curl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
namespace ls = lazyscribe;
namespace sigv4 = lazyscribe::detail::sigv4;
using lazyscribe::project;
using lazyscribe_bench::recording_reporter;

// ---- options

struct options {
    int reps = 7;
    int writers = 8;
    int saves = 40;
    std::size_t experiments = 10'000;
    std::set<std::string> skip;
};

// ---- clocks

double wall_ns() {
    return static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}
double thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}
std::string loadavg() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

double median(std::vector<double> v) { return v.empty() ? 0.0 : recording_reporter::median_of(std::move(v)); }
double percentile(std::vector<double> v, double p) {  // nearest rank
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::min(v.size(), std::max<std::size_t>(rank, 1)) - 1];
}

// ---- the 10,000 experiments: the same as bench-project.cpp's (content, fake clock)

constexpr std::int64_t k_base_seconds = 1'704'067'200;  // 2024-01-01T00:00:00Z
const char* const k_author = "bench";
std::int64_t g_now_seconds = k_base_seconds;
lazyscribe::time_point fake_now() { return lazyscribe::time_point(std::chrono::seconds(g_now_seconds)); }

double metric_value(std::size_t i, int k) {
    return 0.5 + 0.5 * std::sin(static_cast<double>(i) * 12.9898 + k * 78.233);
}

void log_experiment(project& p, std::size_t i, const std::string& name) {
    p.log(name, [&](project::experiment_type& e) {
        e.log_metric("accuracy", metric_value(i, 0));
        e.log_metric("precision", metric_value(i, 1));
        e.log_metric("recall", metric_value(i, 2));
        e.log_metric("f1", metric_value(i, 3));
        e.log_metric("loss", metric_value(i, 4));
        e.log_parameter("learning_rate", 1e-3 * static_cast<double>(1 + i % 7));
        e.log_parameter("epochs", 10 + static_cast<int>(i % 50));
        e.log_parameter("model", "resnet50");
        e.log_parameter("batch_size", 32 << (i % 4));
        e.log_parameter("shuffle", i % 2 == 0);
        e.tag("baseline", "fold-" + std::to_string(i % 5));
        e.log_test("holdout", std::nullopt, [&](project::test_type& t) {
            t.log_metric("accuracy", metric_value(i, 5));
            t.log_metric("loss", metric_value(i, 6));
        });
    });
}

// The project of bench-project.cpp's make_project, at `location` (a path or s3://...).
project make_project(const std::string& location, std::size_t count, bool durable,
                     std::shared_ptr<ls::storage> files) {
    lazyscribe::project_options o{k_author, &fake_now};
    o.durable = durable;
    o.files = std::move(files);
    project p(location, lazyscribe::mode::write, o);
    for (std::size_t i = 0; i < count; ++i) {
        g_now_seconds = k_base_seconds + static_cast<std::int64_t>(i);
        log_experiment(p, i, "experiment " + std::to_string(i));
    }
    return p;
}

std::string read_local(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return std::move(out).str();
}

// ---- a forwarding storage that counts and times what a save or a load asks of the store
//
// Single-threaded (one per project, one project per thread). "read" is read()/read_versioned()
// (a GET on S3), "head" size()/exists() (a HEAD), "write" write()/write_if() (a PUT) including
// the writing of the body, which is timed on its own ("body": the project's text, hashed, into
// the upload buffer or the temporary file). "backoff" is the time between a write_if() that
// did not write and the next read: the jittered wait (and an unknown outcome's read-back).
class counting_storage final : public ls::storage {
public:
    struct tally {
        int reads = 0, heads = 0, writes = 0, locks = 0;
        int written = 0, condition_failed = 0, outcome_unknown = 0;
        double read_ns = 0, head_ns = 0, write_ns = 0, body_ns = 0, lock_ns = 0, backoff_ns = 0;
        std::vector<std::string> unknown_reasons;  // the store's words for the first few unknown outcomes
    };

    explicit counting_storage(std::shared_ptr<ls::storage> inner) : inner_(std::move(inner)) {}

    /// What was counted since the last take().
    tally take() { return std::exchange(t_, tally{}); }
    [[nodiscard]] const std::shared_ptr<ls::storage>& inner() const { return inner_; }

    std::optional<std::string> read(const fs::path& file) override {
        const double start = before_read();
        auto out = inner_->read(file);
        after_read(start);
        return out;
    }
    std::unique_ptr<std::istream> open(const fs::path& file, bool binary) override {
        return inner_->open(file, binary);
    }
    void write(const fs::path& file, bool binary, const std::function<void(std::ostream&)>& body,
               bool durable) override {
        const double start = wall_ns();
        inner_->write(file, binary, timed(body), durable);
        t_.write_ns += wall_ns() - start;
        ++t_.writes;
        ++t_.written;
    }
    bool exists(const fs::path& file) override {
        const double start = wall_ns();
        const bool out = inner_->exists(file);
        t_.head_ns += wall_ns() - start;
        ++t_.heads;
        return out;
    }
    std::optional<std::uintmax_t> size(const fs::path& file) override {
        const double start = wall_ns();
        auto out = inner_->size(file);
        t_.head_ns += wall_ns() - start;
        ++t_.heads;
        return out;
    }
    void remove(const fs::path& file) override { inner_->remove(file); }
    void append(const fs::path& file, std::string_view bytes, bool durable) override {
        inner_->append(file, bytes, durable);
    }
    std::shared_ptr<void> lock(const fs::path& file) override {
        const double start = wall_ns();
        auto out = inner_->lock(file);
        t_.lock_ns += wall_ns() - start;
        ++t_.locks;
        return out;
    }
    [[nodiscard]] bool conditional_writes() const override { return inner_->conditional_writes(); }
    [[nodiscard]] ls::save_retry retry_policy() const override { return inner_->retry_policy(); }
    ls::versioned_bytes read_versioned(const fs::path& file) override {
        const double start = before_read();
        failed_write_end_.reset();
        auto out = inner_->read_versioned(file);
        after_read(start);
        return out;
    }
    ls::write_result write_if(const fs::path& file, const ls::write_condition& condition, bool binary,
                              const std::function<void(std::ostream&)>& body, bool durable) override {
        const double start = wall_ns();
        auto out = inner_->write_if(file, condition, binary, timed(body), durable);
        const double end = wall_ns();
        t_.write_ns += end - start;
        ++t_.writes;
        switch (out.outcome) {
        case ls::write_outcome::written:
            ++t_.written;
            break;
        case ls::write_outcome::condition_failed:
            ++t_.condition_failed;
            failed_write_end_ = end;
            break;
        case ls::write_outcome::outcome_unknown:
            ++t_.outcome_unknown;
            if (t_.unknown_reasons.size() < 3) t_.unknown_reasons.push_back(out.reason);
            failed_write_end_ = end;
            break;
        }
        return out;
    }
    void check_inside(const fs::path& root, const fs::path& file) override { inner_->check_inside(root, file); }

private:
    std::function<void(std::ostream&)> timed(const std::function<void(std::ostream&)>& body) {
        return [this, &body](std::ostream& out) {
            const double start = wall_ns();
            body(out);
            t_.body_ns += wall_ns() - start;
        };
    }
    double before_read() {
        const double start = wall_ns();
        if (failed_write_end_) t_.backoff_ns += start - *failed_write_end_;
        return start;
    }
    void after_read(double start) {
        const double end = wall_ns();
        t_.read_ns += end - start;
        ++t_.reads;
        if (failed_write_end_) failed_write_end_ = end;  // an unknown outcome's read-back: the wait goes on
    }

    std::shared_ptr<ls::storage> inner_;
    tally t_;
    std::optional<double> failed_write_end_;
};

// ---- the baseline: plain libcurl requests, signed with the library's SigV4 signer

class plain_s3 {
public:
    explicit plain_s3(const ls::s3_config& config)
        : base_(config.endpoint_url()),
          region_(config.region.empty() ? "us-east-1" : config.region),
          access_key_(config.credentials.access_key_id),
          secret_key_(config.credentials.secret_access_key) {
        const auto sep = base_.find("://");
        host_ = base_.substr(sep + 3);
        host_ = host_.substr(0, host_.find('/'));
        handle_ = curl_easy_init();
        if (handle_ == nullptr) throw std::runtime_error("curl_easy_init failed");
    }
    ~plain_s3() { curl_easy_cleanup(handle_); }
    plain_s3(const plain_s3&) = delete;
    plain_s3& operator=(const plain_s3&) = delete;

    /// PUT bucket/key with `body`: the payload's SHA-256 signed, as lazyscribe::s3 does.
    void put(const std::string& bucket, const std::string& key, std::string_view body) {
        const std::string path = "/" + sigv4::uri_encode(bucket, true) + "/" + sigv4::uri_encode(key, false);
        headers h = sign("PUT", path, sigv4::sha256_hex(body));
        h.add("Expect:");  // no 100-continue round trip (lazyscribe::s3 sends none either)
        reader src{body};
        curl_easy_reset(handle_);
        curl_easy_setopt(handle_, CURLOPT_URL, (base_ + path).c_str());
        curl_easy_setopt(handle_, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(handle_, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body.size()));
        curl_easy_setopt(handle_, CURLOPT_READFUNCTION, &reader::read);
        curl_easy_setopt(handle_, CURLOPT_READDATA, static_cast<void*>(&src));
        std::string answer;
        curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &append_body);
        curl_easy_setopt(handle_, CURLOPT_WRITEDATA, static_cast<void*>(&answer));
        curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, h.list);
        perform("PUT", path, answer);
    }

    /// GET bucket/key into `out` (reserved for `expected` bytes).
    void get(const std::string& bucket, const std::string& key, std::string& out, std::size_t expected) {
        const std::string path = "/" + sigv4::uri_encode(bucket, true) + "/" + sigv4::uri_encode(key, false);
        static const std::string empty_sha256 = sigv4::sha256_hex({});
        headers h = sign("GET", path, empty_sha256);
        out.clear();
        out.reserve(expected);
        curl_easy_reset(handle_);
        curl_easy_setopt(handle_, CURLOPT_URL, (base_ + path).c_str());
        curl_easy_setopt(handle_, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &append_body);
        curl_easy_setopt(handle_, CURLOPT_WRITEDATA, static_cast<void*>(&out));
        curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, h.list);
        perform("GET", path, out);
    }

private:
    struct headers {
        curl_slist* list = nullptr;
        headers() = default;
        headers(const headers&) = delete;
        headers& operator=(const headers&) = delete;
        headers(headers&& other) noexcept : list(std::exchange(other.list, nullptr)) {}
        headers& operator=(headers&&) = delete;
        ~headers() { curl_slist_free_all(list); }
        void add(const std::string& line) {
            curl_slist* grown = curl_slist_append(list, line.c_str());
            if (grown == nullptr) throw std::bad_alloc();
            list = grown;
        }
    };
    struct reader {
        std::string_view rest;
        static std::size_t read(char* buffer, std::size_t size, std::size_t count, void* user) {
            auto* self = static_cast<reader*>(user);
            const std::size_t n = std::min(size * count, self->rest.size());
            std::memcpy(buffer, self->rest.data(), n);
            self->rest.remove_prefix(n);
            return n;
        }
    };
    static std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
        static_cast<std::string*>(user)->append(data, size * count);
        return size * count;
    }

    headers sign(const std::string& method, const std::string& path, const std::string& payload_sha256) const {
        const std::time_t now = std::time(nullptr);
        std::tm utc{};
        gmtime_r(&now, &utc);
        char date[32];
        const auto n = std::strftime(date, sizeof date, "%Y%m%dT%H%M%SZ", &utc);
        const std::string amz_date(date, n);
        sigv4::request r;
        r.method = method;
        r.path = path;
        r.headers = {{"host", host_}, {"x-amz-content-sha256", payload_sha256}, {"x-amz-date", amz_date}};
        r.payload_sha256 = payload_sha256;
        headers h;
        h.add("x-amz-content-sha256: " + payload_sha256);
        h.add("x-amz-date: " + amz_date);
        h.add("Authorization: " + sigv4::authorization(r, access_key_, secret_key_, amz_date, region_, "s3"));
        return h;
    }

    void perform(const char* method, const std::string& path, const std::string& answer) {
        const CURLcode code = curl_easy_perform(handle_);
        long status = 0;
        curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
        if (code != CURLE_OK || status != 200) {
            throw std::runtime_error(std::string("baseline ") + method + " " + path + ": " +
                                     (code != CURLE_OK ? curl_easy_strerror(code)
                                                       : "HTTP " + std::to_string(status) + " " +
                                                             answer.substr(0, 300)));
        }
    }

    std::string base_;
    std::string host_;
    std::string region_;
    std::string access_key_;
    std::string secret_key_;
    CURL* handle_ = nullptr;
};

// ---- the server

struct server {
    std::string bucket;
    std::string prefix;      // bench-<pid>
    std::string server_dir;  // LAZYSCRIBE_S3_SERVER_DIR, to read the daemons' CPU time (optional)
    [[nodiscard]] std::string at(const std::string& key) const { return bucket + "/" + prefix + "/" + key; }
    [[nodiscard]] std::string url(const std::string& key) const { return "s3://" + at(key); }
};

std::optional<server> server_from_environment() {
    const auto get = [](const char* name) {
        const char* v = std::getenv(name);
        return std::string(v == nullptr ? "" : v);
    };
    server s{get("LAZYSCRIBE_S3_TEST_BUCKET"), "bench-" + std::to_string(getpid()), get("LAZYSCRIBE_S3_SERVER_DIR")};
    if (get("AWS_ENDPOINT_URL").empty() || s.bucket.empty() || get("AWS_ACCESS_KEY_ID").empty() ||
        get("AWS_SECRET_ACCESS_KEY").empty()) {
        return std::nullopt;
    }
    return s;
}

// CPU seconds (user + system) of the gateway's daemons so far (radosgw, the OSD, the monitor),
// when LAZYSCRIBE_S3_SERVER_DIR names scripts/s3-server.sh's folder; nullopt otherwise.
std::optional<double> server_cpu_seconds(const server& s) {
    if (s.server_dir.empty()) return std::nullopt;
    double total = 0;
    bool any = false;
    for (const char* daemon : {"rgw", "osd", "mon"}) {
        std::ifstream pid_file(fs::path(s.server_dir) / (std::string(daemon) + ".pid"));
        long pid = 0;
        if (!(pid_file >> pid)) continue;
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        const auto close = text.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream fields(text.substr(close + 2));
        std::string field;
        double ticks = 0;
        for (int i = 0; i < 13 && fields >> field; ++i) {
            if (i == 11 || i == 12) ticks += std::strtod(field.c_str(), nullptr);  // utime, stime
        }
        total += ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
        any = true;
    }
    return any ? std::optional<double>(total) : std::nullopt;
}

std::string fmt(double v, const char* format = "%.1f") {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

// ---- part 1: one writer, save and load

struct timing {
    std::vector<double> wall_ms, cpu_ms;
    void add(double wall_ns_, double cpu_ns_) {
        wall_ms.push_back(wall_ns_ / 1e6);
        cpu_ms.push_back(cpu_ns_ / 1e6);
    }
};

template <class F>
void timed(timing& t, F&& f) {
    const double w = wall_ns();
    const double c = thread_cpu_ns();
    f();
    t.add(wall_ns() - w, thread_cpu_ns() - c);
}

// What the counting storage saw during one timed save or load, in ms.
struct breakdown {
    std::vector<double> get, head, body, put, rest, wall;
    int gets = 0, heads = 0, puts = 0;
    void add(const counting_storage::tally& t, double wall_ms) {
        gets = t.reads;
        heads = t.heads;
        puts = t.writes;
        get.push_back(t.read_ns / 1e6);
        head.push_back(t.head_ns / 1e6);
        body.push_back(t.body_ns / 1e6);
        put.push_back((t.write_ns - t.body_ns) / 1e6);
        rest.push_back(wall_ms - (t.read_ns + t.head_ns + t.write_ns + t.lock_ns) / 1e6);
        wall.push_back(wall_ms);
    }
};

void part_single(const options& opt, const server& srv, const fs::path& scratch) {
    std::printf("== 1. One writer: save and load of %zu experiments (load average %s)\n", opt.experiments,
                loadavg().c_str());
    const auto registered = ls::resolve_storage("s3://" + srv.bucket + "/x", nullptr).first;  // register_s3's
    auto counted = std::make_shared<counting_storage>(registered);
    auto counted_merge = std::make_shared<counting_storage>(registered);
    auto counted_local_merge = std::make_shared<counting_storage>(ls::local());
    const fs::path local_file = scratch / "single" / "project.json";
    const fs::path local_file_nd = scratch / "single-nosync" / "project.json";
    const fs::path local_merge_file = scratch / "merge" / "project.json";
    const std::string s3_location = srv.url("project.json");
    const std::string s3_merge_location = srv.url("merge/project.json");
    const std::string curl_key = srv.prefix + "/curl/project.json";

    project local = make_project(local_file.string(), opt.experiments, true, nullptr);
    project local_nd = make_project(local_file_nd.string(), opt.experiments, false, nullptr);
    project remote = make_project(s3_location, opt.experiments, true, counted);

    // Warm-up, untimed except the first S3 save: it creates the object and, as the first
    // write_if() of this storage on the bucket, runs the conditional-write probe.
    local.save();
    local_nd.save();
    double first_s3_save_ms = 0;
    {
        const double w = wall_ns();
        remote.save();
        first_s3_save_ms = (wall_ns() - w) / 1e6;
    }
    const auto first_tally = counted->take();
    const std::string bytes = read_local(local_file);
    const auto stored = registered->read(srv.at("project.json"));
    if (!stored || *stored != bytes) {
        std::fprintf(stderr, "bench-s3: the S3 object differs from the local file (%zu vs %zu bytes)\n",
                     stored ? stored->size() : 0, bytes.size());
        std::exit(1);
    }
    plain_s3 plain(ls::s3_config::from_environment());
    std::string got;
    plain.put(srv.bucket, curl_key, bytes);
    plain.get(srv.bucket, curl_key, got, bytes.size());
    if (got != bytes) {
        std::fprintf(stderr, "bench-s3: the baseline GET returned other bytes\n");
        std::exit(1);
    }

    // Saves that merge: two projects in mode::append on one file; before each timed save of
    // `ours`, `theirs` logs one experiment and saves (untimed), so that ours must take it in.
    registered->write(
        srv.at("merge/project.json"), true,
        [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); }, true);
    fs::create_directories(local_merge_file.parent_path());
    std::ofstream(local_merge_file, std::ios::binary) << bytes;
    const auto open_append = [](const std::string& location, std::shared_ptr<ls::storage> files, const char* who) {
        lazyscribe::project_options o{who, &fake_now};
        o.files = std::move(files);
        return project(location, lazyscribe::mode::append, o);
    };
    project ours_s3 = open_append(s3_merge_location, counted_merge, "ours");
    project theirs_s3 = open_append(s3_merge_location, nullptr, "theirs");
    project ours_local = open_append(local_merge_file.string(), counted_local_merge, "ours");
    project theirs_local = open_append(local_merge_file.string(), nullptr, "theirs");
    std::size_t next_extra = opt.experiments;
    const auto log_one = [&](project& p) {
        g_now_seconds = k_base_seconds + static_cast<std::int64_t>(next_extra);
        log_experiment(p, next_extra, "extra " + std::to_string(next_extra));
        ++next_extra;
    };

    timing local_save, local_save_nd, s3_save, curl_put, local_load, s3_load, curl_get, sha, s3_merge, local_merge;
    std::vector<double> r_save_put, r_load_get, r_save_local, r_load_local, r_save_local_nd, r_merge;
    breakdown save_parts, load_parts, merge_parts, local_merge_parts;
    lazyscribe::project_options read_options;
    read_options.files = counted;

    for (int rep = 0; rep < opt.reps; ++rep) {
        std::vector<std::function<void()>> ops = {
            [&] { timed(local_save, [&] { local.save(); }); },
            [&] { timed(local_save_nd, [&] { local_nd.save(); }); },
            [&] {
                counted->take();
                timed(s3_save, [&] { remote.save(); });
                save_parts.add(counted->take(), s3_save.wall_ms.back());
            },
            [&] { timed(curl_put, [&] { plain.put(srv.bucket, curl_key, bytes); }); },
            [&] {
                std::optional<project> kept;
                timed(local_load, [&] { kept.emplace(local_file, lazyscribe::mode::read_only); });
            },
            [&] {
                std::optional<project> kept;
                counted->take();
                timed(s3_load, [&] { kept.emplace(s3_location, lazyscribe::mode::read_only, read_options); });
                load_parts.add(counted->take(), s3_load.wall_ms.back());
                if (kept->size() != opt.experiments) throw std::runtime_error("S3 load: wrong size");
            },
            [&] {
                timed(curl_get, [&] { plain.get(srv.bucket, curl_key, got, bytes.size()); });
                if (got.size() != bytes.size()) throw std::runtime_error("baseline GET: wrong size");
            },
            [&] { timed(sha, [&] { benchmark::DoNotOptimize(sigv4::sha256_hex(bytes)); }); },
            [&] {
                log_one(theirs_s3);
                theirs_s3.save();
                log_one(ours_s3);
                counted_merge->take();
                timed(s3_merge, [&] { ours_s3.save(); });
                const auto t = counted_merge->take();
                if (t.condition_failed + t.outcome_unknown != 0) throw std::runtime_error("merge save: a lost race");
                merge_parts.add(t, s3_merge.wall_ms.back());
            },
            [&] {
                log_one(theirs_local);
                theirs_local.save();
                log_one(ours_local);
                counted_local_merge->take();
                timed(local_merge, [&] { ours_local.save(); });
                local_merge_parts.add(counted_local_merge->take(), local_merge.wall_ms.back());
            },
        };
        if (rep % 2 == 1) std::reverse(ops.begin(), ops.end());
        for (auto& op : ops) op();
        const auto last = [](const timing& t) { return t.wall_ms.back(); };
        r_save_put.push_back(last(s3_save) / last(curl_put));
        r_load_get.push_back(last(s3_load) / last(curl_get));
        r_save_local.push_back(last(s3_save) / last(local_save));
        r_save_local_nd.push_back(last(s3_save) / last(local_save_nd));
        r_load_local.push_back(last(s3_load) / last(local_load));
        r_merge.push_back(last(s3_merge) / last(local_merge));
        std::printf("  repetition %d: S3 save %.1f ms, curl PUT %.1f ms, S3 load %.1f ms, curl GET %.1f ms, "
                    "S3 save with merge %.1f ms\n",
                    rep + 1, last(s3_save), last(curl_put), last(s3_load), last(curl_get), last(s3_merge));
        std::fflush(stdout);
    }

    const auto row = [](const char* label, const timing& t, const char* note) {
        std::printf("  %-58s %9s %9s %9s   %s\n", label, fmt(median(t.wall_ms)).c_str(),
                    fmt(median(t.cpu_ms)).c_str(),
                    (fmt(*std::min_element(t.wall_ms.begin(), t.wall_ms.end()), "%.0f") + "-" +
                     fmt(*std::max_element(t.wall_ms.begin(), t.wall_ms.end()), "%.0f"))
                        .c_str(),
                    note);
    };
    std::printf("\nOne writer, %zu experiments, %zu bytes; medians of %d repetitions (load average now %s)\n",
                opt.experiments, bytes.size(), opt.reps, loadavg().c_str());
    std::printf("  %-58s %9s %9s %9s\n", "operation", "wall ms", "CPU ms", "wall range");
    row("local save (durable: fsync file + folder)", local_save, "");
    row("local save (durable = false)", local_save_nd, "");
    row("S3 save (mode::write)", s3_save, "");
    row("baseline: curl PUT of the same bytes", curl_put, "(SHA-256 of the body + SigV4 + PUT)");
    row("local load (mode::read_only)", local_load, "");
    row("S3 load (mode::read_only)", s3_load, "");
    row("baseline: curl GET of the same bytes", curl_get, "");
    row("S3 save after another writer's (append: GET, merge, PUT)", s3_merge, "");
    row("local save after another writer's (flock, merge)", local_merge, "");
    row("  part: SHA-256 of the body (both PUTs do it)", sha, "");
    std::printf("  first S3 save of the process (creates the object; probe): %.1f ms, %d GETs/HEADs, %d PUTs "
                "through the storage (the probe's own requests not counted)\n",
                first_s3_save_ms, first_tally.reads + first_tally.heads, first_tally.writes);
    std::printf("\nRatios (median of the per-repetition ratios, wall time)\n");
    const auto ratio_row = [](const char* label, const std::vector<double>& r) {
        std::printf("  %-58s %7s   (%s-%s)\n", label, fmt(median(r), "%.2f").c_str(),
                    fmt(*std::min_element(r.begin(), r.end()), "%.2f").c_str(),
                    fmt(*std::max_element(r.begin(), r.end()), "%.2f").c_str());
    };
    ratio_row("S3 save / curl PUT", r_save_put);
    ratio_row("S3 load / curl GET", r_load_get);
    ratio_row("S3 save / local save (durable)", r_save_local);
    ratio_row("S3 save / local save (durable = false)", r_save_local_nd);
    ratio_row("S3 load / local load", r_load_local);
    ratio_row("S3 save with merge / local save with merge", r_merge);
    const auto parts = [](const char* label, const breakdown& b) {
        std::printf("  %-30s %d HEAD %5.1f ms | %d GET %6.1f ms | text %5.1f ms | %d PUT %6.1f ms | rest %6.1f ms "
                    "| total %6.1f ms\n",
                    label, b.heads, median(b.head), b.gets, median(b.get), median(b.body), b.puts, median(b.put),
                    median(b.rest), median(b.wall));
    };
    std::printf("\nWhere the time goes (medians, wall; 'text' = serialising and hashing the project into the upload "
                "buffer or the temporary file, inside the PUT/write call; 'PUT' = the rest of that call: payload "
                "SHA-256, signing, transfer, the gateway; 'rest' = outside the storage: merge, parse, build)\n");
    parts("S3 save (mode::write)", save_parts);
    parts("S3 load", load_parts);
    parts("S3 save with merge", merge_parts);
    parts("local save with merge", local_merge_parts);
    std::printf("\n");
}

// ---- part 2: N writers x M saves into one project

struct save_record {
    int writer = 0, index = 0;
    double latency_ns = 0, start_ns = 0, end_ns = 0;
    int writes = 0, condition_failed = 0, outcome_unknown = 0, reads = 0, gave_up = 0;
    double read_ns = 0, write_ns = 0, body_ns = 0, lock_ns = 0, backoff_ns = 0;
};

bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// In a child: open the project, say ready, wait for the start, save `saves` times, report.
// Runs on a thread of its own: lazyscribe::s3 keeps one curl handle (and its open connection)
// per thread, and the main thread's was inherited from the parent by fork.
std::string run_writer(int w, int saves, const std::string& location, bool s3, int ready_fd, int go_fd) {
    std::string out;
    std::optional<project> p;
    std::shared_ptr<counting_storage> files;
    std::string error;
    try {
        std::shared_ptr<ls::storage> inner;
        if (s3) {
            auto made = std::make_shared<ls::s3_storage>(ls::s3_config::from_environment());  // after fork
            const fs::path key = location.substr(5);
            (void)made->probe_conditional_writes(key.parent_path().string());  // not in the first save's time
            inner = made;
        } else {
            inner = ls::local();
        }
        files = std::make_shared<counting_storage>(inner);
        lazyscribe::project_options o{"writer " + std::to_string(w)};
        o.files = files;
        p.emplace(location, lazyscribe::mode::append, o);
    } catch (const std::exception& e) {
        error = e.what();
    }
    (void)write_all(ready_fd, "r");
    char c = 0;
    while (::read(go_fd, &c, 1) > 0) {
    }
    if (!error.empty()) return "E " + std::to_string(w) + " open: " + error + "\n";
    try {
        for (int k = 0; k < saves; ++k) {
            log_experiment(*p, static_cast<std::size_t>(w * saves + k),
                           "writer " + std::to_string(w) + " save " + std::to_string(k));
            (void)files->take();
            save_record r;
            r.writer = w;
            r.index = k;
            r.start_ns = wall_ns();
            for (;;) {
                try {
                    p->save();
                    break;
                } catch (const ls::save_error&) {
                    // Every attempt was overtaken: the experiment is still in memory; save() again.
                    if (++r.gave_up > 20) throw;
                }
            }
            r.end_ns = wall_ns();
            r.latency_ns = r.end_ns - r.start_ns;
            const auto t = files->take();
            r.writes = t.writes;
            r.condition_failed = t.condition_failed;
            r.outcome_unknown = t.outcome_unknown;
            r.reads = t.reads + t.heads;
            r.read_ns = t.read_ns + t.head_ns;
            r.write_ns = t.write_ns;
            r.body_ns = t.body_ns;
            r.lock_ns = t.lock_ns;
            r.backoff_ns = t.backoff_ns;
            char line[512];
            std::snprintf(line, sizeof line, "S %d %d %.0f %.0f %.0f %d %d %d %d %d %.0f %.0f %.0f %.0f %.0f\n",
                          r.writer, r.index, r.latency_ns, r.start_ns, r.end_ns, r.writes, r.condition_failed,
                          r.outcome_unknown, r.reads, r.gave_up, r.read_ns, r.write_ns, r.body_ns, r.lock_ns,
                          r.backoff_ns);
            out += line;
            for (auto reason : t.unknown_reasons) {
                std::replace(reason.begin(), reason.end(), '\n', ' ');
                out += "U " + reason + "\n";
            }
        }
    } catch (const std::exception& e) {
        out += "E " + std::to_string(w) + " save: " + e.what() + "\n";
    }
    return out;
}

struct contention_result {
    std::vector<save_record> saves;
    std::vector<std::string> errors;
    std::map<std::string, int> unknown_reasons;  // the first 160 characters, how often
    double go_ns = 0, wall_s = 0, children_cpu_s = 0;
    std::optional<double> server_cpu_s;
    std::size_t final_size = 0;
};

contention_result run_contention(const options& opt, const server& srv, const std::string& location, bool s3) {
    contention_result result;
    int ready[2];
    int go[2];
    if (pipe(ready) != 0 || pipe(go) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::pair<pid_t, int>> children;  // pid, result pipe
    rusage before{};
    getrusage(RUSAGE_CHILDREN, &before);
    std::fflush(stdout);
    std::fflush(stderr);
    for (int w = 0; w < opt.writers; ++w) {
        int results[2];
        if (pipe(results) != 0) throw std::runtime_error("pipe failed");
        const pid_t pid = fork();
        if (pid < 0) throw std::runtime_error("fork failed");
        if (pid == 0) {
            close(ready[0]);
            close(go[1]);
            close(results[0]);
            for (const auto& [other_pid, fd] : children) close(fd);
            std::string text;
            std::thread worker([&] { text = run_writer(w, opt.saves, location, s3, ready[1], go[0]); });
            worker.join();
            (void)write_all(results[1], text);
            _exit(0);  // not exit(): the parent's temporary folder must outlive this child
        }
        close(results[1]);
        children.emplace_back(pid, results[0]);
    }
    close(ready[1]);
    close(go[0]);
    for (int got = 0; got < opt.writers;) {  // every child has opened the project
        char c = 0;
        if (::read(ready[0], &c, 1) <= 0) break;
        ++got;
    }
    close(ready[0]);
    const auto server_before = server_cpu_seconds(srv);
    result.go_ns = wall_ns();
    close(go[1]);  // go
    for (const auto& [pid, fd] : children) {
        std::string text;
        char buf[4096];
        for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
        close(fd);
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) result.errors.push_back("a writer died");
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind("E ", 0) == 0) {
                result.errors.push_back(line.substr(2));
                continue;
            }
            if (line.rfind("U ", 0) == 0) {
                ++result.unknown_reasons[line.substr(2, 160)];
                continue;
            }
            save_record r;
            if (std::sscanf(line.c_str(), "S %d %d %lf %lf %lf %d %d %d %d %d %lf %lf %lf %lf %lf", &r.writer,
                            &r.index, &r.latency_ns, &r.start_ns, &r.end_ns, &r.writes, &r.condition_failed,
                            &r.outcome_unknown, &r.reads, &r.gave_up, &r.read_ns, &r.write_ns, &r.body_ns,
                            &r.lock_ns, &r.backoff_ns) == 15) {
                result.saves.push_back(r);
            }
        }
    }
    const auto server_after = server_cpu_seconds(srv);
    if (server_before && server_after) result.server_cpu_s = *server_after - *server_before;
    double last_end = result.go_ns;
    for (const auto& r : result.saves) last_end = std::max(last_end, r.end_ns);
    result.wall_s = (last_end - result.go_ns) / 1e9;
    rusage after{};
    getrusage(RUSAGE_CHILDREN, &after);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    result.children_cpu_s = seconds(after.ru_utime) - seconds(before.ru_utime) + seconds(after.ru_stime) -
                            seconds(before.ru_stime);
    lazyscribe::project_options o;
    o.files = s3 ? std::make_shared<ls::s3_storage>(ls::s3_config::from_environment()) : nullptr;
    result.final_size = project(location, lazyscribe::mode::read_only, o).size();
    return result;
}

void print_contention(const options& opt, const char* label, const contention_result& r) {
    const auto n = static_cast<double>(r.saves.size());
    std::vector<double> latency_ms;
    double writes = 0, cf = 0, unknown = 0, gave_up = 0, reads = 0;
    double total = 0, read = 0, write = 0, body = 0, lock = 0, backoff = 0;
    for (const auto& s : r.saves) {
        latency_ms.push_back(s.latency_ns / 1e6);
        writes += s.writes;
        cf += s.condition_failed;
        unknown += s.outcome_unknown;
        gave_up += s.gave_up;
        reads += s.reads;
        total += s.latency_ns;
        read += s.read_ns;
        write += s.write_ns;
        body += s.body_ns;
        lock += s.lock_ns;
        backoff += s.backoff_ns;
    }
    const std::size_t expected = opt.experiments + static_cast<std::size_t>(opt.writers * opt.saves);
    std::printf("  %s: %zu saves in %.1f s wall = %.2f saves/s; final project %zu experiments (expected %zu: %s)\n",
                label, r.saves.size(), r.wall_s, n / r.wall_s, r.final_size, expected,
                r.final_size == expected ? "nothing lost" : "MISMATCH");
    if (n == 0) return;
    std::printf("    retries per save %.2f (writes %.0f: condition_failed %.0f, outcome_unknown %.0f); "
                "save() gave up after all attempts %.0f times; reads per save %.2f\n",
                (writes - n) / n, writes, cf, unknown, gave_up, reads / n);
    std::printf("    save latency ms: p50 %.0f, p95 %.0f, max %.0f, mean %.0f\n", percentile(latency_ms, 0.5),
                percentile(latency_ms, 0.95), percentile(latency_ms, 1.0), total / n / 1e6);
    const auto pct = [&](double part) { return 100.0 * part / total; };
    std::printf("    save time, summed over saves: read/GET %.0f%%, write the text %.0f%%, PUT/replace %.0f%%, "
                "lock wait %.0f%%, back-off %.0f%%, merge + rest %.0f%%\n",
                pct(read), pct(body), pct(write - body), pct(lock), pct(backoff),
                pct(total - read - write - lock - backoff));
    std::printf("    CPU: the %d writers %.1f s", opt.writers, r.children_cpu_s);
    if (r.server_cpu_s) std::printf(", the gateway's daemons %.1f s", *r.server_cpu_s);
    std::printf(" (2 cores x %.1f s wall = %.1f s)\n", r.wall_s, 2 * r.wall_s);
    for (const auto& [reason, count] : r.unknown_reasons) {
        std::printf("    outcome_unknown x%d (of the first 3 per save): %s\n", count, reason.c_str());
    }
    for (const auto& e : r.errors) std::printf("    error: %s\n", e.c_str());
}

void part_contention(const options& opt, const server& srv, const fs::path& scratch, bool with_local) {
    std::printf("== 2. %d writers x %d saves into one project of %zu experiments (load average %s)\n", opt.writers,
                opt.saves, opt.experiments, loadavg().c_str());
    const std::string s3_location = srv.url("shared/project.json");
    const fs::path local_location = scratch / "shared" / "project.json";
    {
        project seed = make_project(local_location.string(), opt.experiments, true, nullptr);
        seed.save();
    }
    const std::string bytes = read_local(local_location);
    const auto registered = ls::resolve_storage(s3_location, nullptr).first;
    registered->write(
        srv.at("shared/project.json"), true,
        [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); }, true);

    const auto s3_result = run_contention(opt, srv, s3_location, true);
    std::printf("\n%d writers x %d saves, one new experiment per save, project of %zu experiments (%zu bytes) "
                "at the start (load average now %s)\n",
                opt.writers, opt.saves, opt.experiments, bytes.size(), loadavg().c_str());
    print_contention(opt, "S3 (conditional writes)", s3_result);
    std::fflush(stdout);
    if (with_local) {
        const auto local_result = run_contention(opt, srv, local_location.string(), false);
        print_contention(opt, "local disk (flock, durable)", local_result);
        if (!s3_result.saves.empty() && !local_result.saves.empty()) {
            std::printf("  ratio S3 / local: throughput %.2f, wall %.2f\n",
                        (static_cast<double>(s3_result.saves.size()) / s3_result.wall_s) /
                            (static_cast<double>(local_result.saves.size()) / local_result.wall_s),
                        s3_result.wall_s / local_result.wall_s);
        }
    }
    std::printf("  (load average at the end %s)\n", loadavg().c_str());
}

// ---- 3. a live run's journal: appends to an object that grows -----------------------------------
//
// A live run appends each flush to its journal, which has one writer. On S3: under 5 MiB, GET the
// object and PUT it back with If-Match; from 5 MiB on, a HEAD and a multipart upload whose first
// part the store copies from the object (UploadPartCopy) and whose last part is the new bytes.
// Baselines in this binary: a plain libcurl PUT of the new bytes alone (the floor: sending the
// flush), the whole-object rewrite every append was before (read_versioned + write_if of the
// whole object through the same s3_storage), and an append to a local file (local(), no fsync).
void part_journal(const options& opt, const server& srv, const fs::path& scratch) {
    std::printf("\n== 3. journal appends of 16 KiB to an object of each size (load average %s)\n",
                loadavg().c_str());
    const auto config = ls::s3_config::from_environment();
    ls::s3_storage files(config);
    plain_s3 plain(config);
    std::string flush;  // journal lines, as a flush of ~500 points writes them
    for (int i = 0; flush.size() < 16 * 1024; ++i) flush += "{\"m\": 0, \"s\": " + std::to_string(i) + ", \"v\": 0.125}\n";
    std::printf("  %-10s %14s %14s %16s %14s %12s %14s\n", "object", "append ms", "floor: PUT",
                "before: rewrite", "local append", "append/floor", "rewrite/append");
    for (const std::uint64_t mib : {1, 4, 16, 64}) {
        const std::string key = srv.prefix + "/journal-" + std::to_string(mib);
        const std::string path = srv.bucket + "/" + key;
        const fs::path local_file = scratch / ("journal-" + std::to_string(mib));
        const std::string base(mib << 20U, 'x');
        const auto reset = [&] {
            files.write(path, true, [&](std::ostream& out) { out << base; }, true);
            ls::local()->write(local_file, true, [&](std::ostream& out) { out << base; }, false);
        };
        std::vector<double> appended, floor, rewrite, local, per_ratio, rewrite_ratio;
        for (int r = 0; r < opt.reps; ++r) {
            reset();
            double t0 = wall_ns();
            files.append(path, flush, true);
            appended.push_back((wall_ns() - t0) / 1e6);
            t0 = wall_ns();
            plain.put(srv.bucket, key + ".flush", flush);
            floor.push_back((wall_ns() - t0) / 1e6);
            reset();
            t0 = wall_ns();
            auto current = files.read_versioned(path);
            current.bytes->append(flush);
            const auto written = files.write_if(
                path, ls::write_condition::replace(current.version), true,
                [&](std::ostream& out) { out << *current.bytes; }, true);
            rewrite.push_back((wall_ns() - t0) / 1e6);
            if (written.outcome != ls::write_outcome::written) throw std::runtime_error("the rewrite was refused");
            t0 = wall_ns();
            ls::local()->append(local_file, flush, false);
            local.push_back((wall_ns() - t0) / 1e6);
            per_ratio.push_back(appended.back() / floor.back());
            rewrite_ratio.push_back(rewrite.back() / appended.back());
        }
        if (files.size(path) != base.size() + flush.size()) throw std::runtime_error("the journal has a wrong size");
        std::printf("  %-10s %14s %14s %16s %14s %12s %14s\n", (std::to_string(mib) + " MiB").c_str(),
                    fmt(median(appended)).c_str(), fmt(median(floor)).c_str(), fmt(median(rewrite)).c_str(),
                    fmt(median(local), "%.2f").c_str(), fmt(median(per_ratio), "%.2f").c_str(),
                    fmt(median(rewrite_ratio), "%.2f").c_str());
    }
    std::printf("  (medians of %d repetitions; ratios are medians of the per-repetition ratios)\n", opt.reps);
}

void remove_objects(const server& srv) {
    try {
        ls::s3_storage files(ls::s3_config::from_environment());
        for (const auto& key : files.list(srv.bucket + "/" + srv.prefix)) files.remove(key);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench-s3: could not remove s3://%s/%s/: %s\n", srv.bucket.c_str(), srv.prefix.c_str(),
                     e.what());
    }
}

bool parse_options(int argc, char** argv, options& opt) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const auto value = [&](std::string_view name) -> std::optional<std::string> {
            if (a.rfind(name, 0) != 0) return std::nullopt;
            return std::string(a.substr(name.size()));
        };
        if (auto v = value("--reps=")) {
            opt.reps = std::max(1, std::atoi(v->c_str()));
        } else if (auto w = value("--writers=")) {
            opt.writers = std::max(1, std::atoi(w->c_str()));
        } else if (auto s = value("--saves=")) {
            opt.saves = std::max(1, std::atoi(s->c_str()));
        } else if (auto e = value("--experiments=")) {
            opt.experiments = static_cast<std::size_t>(std::max(1L, std::atol(e->c_str())));
        } else if (auto k = value("--skip=")) {
            opt.skip.insert(*k);
        } else {
            std::fprintf(stderr,
                         "usage: bench-s3 [--reps=7] [--writers=8] [--saves=40] [--experiments=10000] "
                         "[--skip=single|contention|local-contention|journal]...\n");
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    options opt;
    if (!parse_options(argc, argv, opt)) return 2;
    const auto srv = server_from_environment();
    if (!srv) {
        std::fprintf(stderr,
                     "bench-s3: no S3 server: set AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and "
                     "LAZYSCRIBE_S3_TEST_BUCKET, e.g.\n"
                     "    S3_PORT=7484 scripts/s3-server.sh start /tmp/s3e && source /tmp/s3e/env\n");
        return 1;
    }
    try {
        ls::register_s3(ls::s3_config::from_environment());
        curl_global_init(CURL_GLOBAL_DEFAULT);
        std::printf("bench-s3: endpoint %s, bucket %s, prefix %s/; load average %s\n",
                    ls::s3_config::from_environment().endpoint_url().c_str(), srv->bucket.c_str(),
                    srv->prefix.c_str(), loadavg().c_str());
        lazyscribe_bench::temp_dir scratch;
        if (opt.skip.count("single") == 0) part_single(opt, *srv, scratch.path());
        if (opt.skip.count("contention") == 0) {
            part_contention(opt, *srv, scratch.path(), opt.skip.count("local-contention") == 0);
        }
        if (opt.skip.count("journal") == 0) part_journal(opt, *srv, scratch.path());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench-s3: %s\n", e.what());
        remove_objects(*srv);
        return 1;
    }
    remove_objects(*srv);
    return 0;
}
