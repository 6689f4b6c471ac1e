// Projects and repositories on a real S3 server (lazyscribe::s3): many processes saving into one
// project or one repository at once, saves that the gateway's crash interrupts, scenarios run on
// s3:// and on a local folder with the same bytes as results, and the layout Python lazyscribe
// reads (checked on a downloaded copy: the keys are the relative paths that Python with s3fs
// would open).
//
// The server: `scripts/s3-server.sh start DIR && source DIR/env`. Without AWS_ENDPOINT_URL and
// LAZYSCRIBE_S3_TEST_BUCKET every test here prints the LAZYSCRIBE-SKIP marker and returns (ctest
// reports it skipped). The gateway-restart test is hidden ([.][gateway-restart]): it stops the
// gateway under whatever runs beside it, so ctest runs it alone (s3.gateway_restart, RUN_SERIAL).
//
// Processes: the many-writers tests fork. lazyscribe::s3 keeps one curl handle per thread, and a
// forked child inherits its parent's, keep-alive connections included; the test "processes forked
// after the parent used S3 ..." below checks that a child gets connections (and random probe
// names) of its own even on the thread that forked. The other process tests still run each
// child's work on a thread of its own, so that they test the save protocol whatever that one finds.
#include "support.hpp"
#include "python_oracle.hpp"
#include "s3_support.hpp"

#include <lazyscribe/s3.hpp>

#include <catch2/catch.hpp>

#include <cereal/types/vector.hpp>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ls = lazyscribe;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;

namespace {

using project_t = ls::basic_project<ls::with_cereal>;
using repository_t = ls::basic_repository<ls::with_cereal>;
using clock_type = std::chrono::steady_clock;

// ---- the server ---------------------------------------------------------------------------

using lazyscribe_test::random_name;
using lazyscribe_test::s3_place;
using cleanup = lazyscribe_test::s3_cleanup;

std::optional<s3_place> s3_server() { return lazyscribe_test::s3_server("unit-s3_project"); }

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

// ---- a storage that counts conditional writes ---------------------------------------------

// Forwards everything to `inner`, counting conditional writes by outcome: those of the project
// or repository file (named `main_file`) apart from the artifacts'. A save writes its main file
// once when nobody overtakes it; every further attempt is a retry.
class counting_storage final : public ls::storage {
public:
    struct counts {
        std::atomic<std::size_t> attempts{0};
        std::atomic<std::size_t> written{0};
        std::atomic<std::size_t> lost{0};     // condition_failed: another writer got there first
        std::atomic<std::size_t> unknown{0};  // outcome_unknown: settled by reading back
    };

    counting_storage(std::shared_ptr<ls::storage> inner, std::string main_file)
        : inner_(std::move(inner)), main_file_(std::move(main_file)) {}

    std::optional<std::string> read(const std::filesystem::path& f) override { return inner_->read(f); }
    std::unique_ptr<std::istream> open(const std::filesystem::path& f, bool binary) override {
        return inner_->open(f, binary);
    }
    void write(const std::filesystem::path& f, bool binary, const std::function<void(std::ostream&)>& body,
               bool durable) override {
        inner_->write(f, binary, body, durable);
    }
    bool exists(const std::filesystem::path& f) override { return inner_->exists(f); }
    std::optional<std::uintmax_t> size(const std::filesystem::path& f) override { return inner_->size(f); }
    void remove(const std::filesystem::path& f) override { inner_->remove(f); }
    void append(const std::filesystem::path& f, std::string_view bytes, bool durable) override {
        inner_->append(f, bytes, durable);
    }
    std::shared_ptr<void> lock(const std::filesystem::path& f) override { return inner_->lock(f); }
    [[nodiscard]] bool conditional_writes() const override { return inner_->conditional_writes(); }
    [[nodiscard]] ls::save_retry retry_policy() const override { return inner_->retry_policy(); }
    ls::versioned_bytes read_versioned(const std::filesystem::path& f) override { return inner_->read_versioned(f); }
    ls::write_result write_if(const std::filesystem::path& f, const ls::write_condition& condition, bool binary,
                              const std::function<void(std::ostream&)>& body, bool durable) override {
        counts& c = f.filename() == main_file_ ? main : artifacts;
        ++c.attempts;
        auto result = inner_->write_if(f, condition, binary, body, durable);
        switch (result.outcome) {
        case ls::write_outcome::written:
            ++c.written;
            break;
        case ls::write_outcome::condition_failed:
            ++c.lost;
            break;
        case ls::write_outcome::outcome_unknown:
            ++c.unknown;
            break;
        }
        return result;
    }
    void check_inside(const std::filesystem::path& root, const std::filesystem::path& f) override {
        inner_->check_inside(root, f);
    }

    counts main;
    counts artifacts;

private:
    std::shared_ptr<ls::storage> inner_;
    std::string main_file_;
};

// "key=value" lines, for a child process to hand its counts to the parent through a file.
void write_stats(const std::filesystem::path& file, const std::map<std::string, double>& stats) {
    std::ofstream out(file);
    for (const auto& [key, value] : stats) out << key << '=' << value << '\n';
}

std::map<std::string, double> read_stats(const std::filesystem::path& file) {
    std::map<std::string, double> stats;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) stats[line.substr(0, eq)] = std::stod(line.substr(eq + 1));
    }
    return stats;
}

std::map<std::string, double> stats_of(const counting_storage& files) {
    return {{"main_attempts", static_cast<double>(files.main.attempts)},
            {"main_written", static_cast<double>(files.main.written)},
            {"main_lost", static_cast<double>(files.main.lost)},
            {"main_unknown", static_cast<double>(files.main.unknown)},
            {"artifact_attempts", static_cast<double>(files.artifacts.attempts)},
            {"artifact_lost", static_cast<double>(files.artifacts.lost)},
            {"artifact_unknown", static_cast<double>(files.artifacts.unknown)}};
}

// One save as a program that must not lose it makes it: save(), and on save_error (each of the
// retry policy's attempts overtaken by another writer; nothing is lost from memory, and the
// message says "save() again") save() again, up to 10 times. Records how many save_errors that
// took, the most attempts at the main file one save() made, and the slowest save.
struct save_log {
    std::size_t save_errors = 0;
    std::size_t most_attempts = 0;
    double slowest = 0;
    std::string first_error;

    template <class Saveable>
    void save(Saveable& s, const counting_storage& files) {
        const auto before = clock_type::now();
        for (int round = 1;; ++round) {
            const std::size_t attempts_before = files.main.attempts;
            try {
                s.save();
                most_attempts = std::max<std::size_t>(most_attempts, files.main.attempts - attempts_before);
                break;
            } catch (const ls::save_error& e) {
                most_attempts = std::max<std::size_t>(most_attempts, files.main.attempts - attempts_before);
                ++save_errors;
                if (first_error.empty()) first_error = e.what();
                if (round == 10) throw;
            }
        }
        slowest = std::max(slowest, seconds_since(before));
    }
    void add_to(std::map<std::string, double>& stats) const {
        stats["save_errors"] = static_cast<double>(save_errors);
        stats["most_attempts"] = static_cast<double>(most_attempts);
        stats["slowest_save"] = slowest;
    }
};

// Sums the children's stats (the maximum of the "most_" and "slowest_" ones).
std::map<std::string, double> total_stats(const std::filesystem::path& folder, int children) {
    std::map<std::string, double> total;
    for (int h = 0; h < children; ++h) {
        for (const auto& [key, value] : read_stats(folder / ("child-" + std::to_string(h)))) {
            const bool maximum = key.starts_with("most_") || key.starts_with("slowest_");
            total[key] = maximum ? std::max(total[key], value) : total[key] + value;
        }
    }
    return total;
}

// ---- child processes ----------------------------------------------------------------------

struct child_report {
    int index = 0;
    int status = 0;
    bool killed_by_parent = false;
    [[nodiscard]] bool ok() const { return !killed_by_parent && WIFEXITED(status) && WEXITSTATUS(status) == 0; }
    [[nodiscard]] std::string describe() const {
        std::string text = "child " + std::to_string(index) + ": ";
        if (killed_by_parent) return text + "killed by the parent at the deadline (a hang)";
        if (WIFEXITED(status)) return text + "exited with " + std::to_string(WEXITSTATUS(status));
        if (WIFSIGNALED(status)) {
            return text + "killed by signal " + std::to_string(WTERMSIG(status)) +
                   (WTERMSIG(status) == SIGALRM ? " (its alarm: it ran out of time)" : "");
        }
        return text + "status " + std::to_string(status);
    }
};

// Runs body(i), i in [0, n), in n child processes, each bounded by alarm(limit), and waits for
// them (killing any still alive `limit` + 30 s later). A child's exit status is body's result,
// 1 when it throws (what it threw goes to stderr). No Catch2 assertion may run in a child: the
// child reports through its exit status, stderr and files. With `own_thread` the body runs on a
// thread of the child's own, with a curl handle that the parent never had.
std::vector<child_report> run_processes(int n, std::chrono::seconds limit, bool own_thread,
                                        const std::function<int(int)>& body) {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);  // nothing buffered is written twice, by the parent and by a child
    std::vector<pid_t> pids;
    for (int i = 0; i < n; ++i) {
        const pid_t pid = ::fork();
        if (pid < 0) {
            for (const pid_t started : pids) ::kill(started, SIGKILL);
            for (const pid_t started : pids) ::waitpid(started, nullptr, 0);
            throw std::runtime_error("fork failed");
        }
        if (pid == 0) {
            ::alarm(static_cast<unsigned>(limit.count()));
            int code = 1;
            const auto run = [&] {
                try {
                    code = body(i);
                } catch (const std::exception& e) {
                    std::cerr << "child " << i << ": " << e.what() << "\n";
                    code = 1;
                } catch (...) {
                    std::cerr << "child " << i << ": an exception that is not a std::exception\n";
                    code = 1;
                }
            };
            if (own_thread) {
                std::thread worker(run);
                worker.join();
            } else {
                run();
            }
            std::cerr.flush();
            std::cout.flush();
            std::fflush(nullptr);
            ::_exit(code);  // no destructor of the parent's objects runs in the child
        }
        pids.push_back(pid);
    }
    std::vector<child_report> reports(static_cast<std::size_t>(n));
    std::vector<bool> done(static_cast<std::size_t>(n), false);
    const auto deadline = clock_type::now() + limit + std::chrono::seconds(30);
    for (int left = n; left > 0;) {
        for (int i = 0; i < n; ++i) {
            const auto at = static_cast<std::size_t>(i);
            if (done[at]) continue;
            reports[at].index = i;
            int status = 0;
            const pid_t got = ::waitpid(pids[at], &status, WNOHANG);
            if (got == pids[at]) {
                reports[at].status = status;
                done[at] = true;
                --left;
            } else if (clock_type::now() > deadline) {
                ::kill(pids[at], SIGKILL);
                ::waitpid(pids[at], &status, 0);
                reports[at].status = status;
                reports[at].killed_by_parent = true;
                done[at] = true;
                --left;
            }
        }
        if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return reports;
}

// ---- the same scenario on a local folder and on S3 ----------------------------------------

// A scenario's clock, set by hand so that both runs write the same times.
ls::time_point fake_now = ls::detail::parse_time("2024-01-15T10:00:00").value();
ls::time_point fake_clock() { return fake_now; }
void set_now(const char* text) { fake_now = ls::detail::parse_time(text).value(); }
ls::time_point at(const char* text) { return ls::detail::parse_time(text).value(); }

// Where a scenario runs: a local folder, or a prefix of the S3 bucket reached as "s3://" (through
// the protocol register_s3() serves, as a user's program would).
struct base_location {
    std::string url;                     // "/tmp/lazyscribe-test-..." or "s3://bucket/prefix"
    std::string stored;                  // the base as the storage (and the files) spell it
    std::shared_ptr<ls::storage> files;  // local(), or an s3_storage on the same bucket
    ls::s3_storage* s3 = nullptr;        // set on S3

    [[nodiscard]] std::string at(const std::string& rel) const { return url + "/" + rel; }
    // The path the storage takes (no protocol): what minimal_repository_from_release needs.
    [[nodiscard]] std::string path(const std::string& rel) const { return stored + "/" + rel; }
    [[nodiscard]] std::string read(const std::string& rel) const {
        return files->read(path(rel)).value_or("<missing " + rel + ">");
    }
    [[nodiscard]] std::string version(const std::string& rel) const { return files->read_versioned(path(rel)).version; }
    // The text with the base replaced, so that a local run and an S3 run compare.
    [[nodiscard]] std::string normalise(std::string text) const {
        for (auto found = text.find(stored); found != std::string::npos; found = text.find(stored, found)) {
            text.replace(found, stored.size(), "<base>");
        }
        return text;
    }
    // Every file under `rel` (relative to it, sorted), without a local save's lock files.
    [[nodiscard]] std::vector<std::string> files_under(const std::string& rel) const {
        std::vector<std::string> out;
        const std::string folder = path(rel);
        if (s3 != nullptr) {
            for (const auto& key : s3->list(folder)) out.push_back(key.substr(folder.size() + 1));
        } else if (std::filesystem::exists(folder)) {
            for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
                const auto name = entry.path().filename().string();
                if (!entry.is_regular_file() || name.ends_with(".lock") ||
                    name.find(".lazyscribe-tmp") != std::string::npos) {
                    continue;
                }
                out.push_back(std::filesystem::relative(entry.path(), folder).generic_string());
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }
    // The files under `rel` with their bytes, as a transcript.
    [[nodiscard]] std::string dump_files(const std::string& rel) const {
        std::string out;
        for (const auto& name : files_under(rel)) {
            out += "== " + name + "\n" + normalise(read(rel + "/" + name)) + "\n";
        }
        return out;
    }
};

ls::project_options by(std::string author) {
    ls::project_options options;
    options.author = std::move(author);
    options.clock = &fake_clock;
    return options;
}

ls::repository_options repository_clock() {
    ls::repository_options options;
    options.clock = &fake_clock;
    return options;
}

// Runs `scenario` on a fresh local folder and on a fresh S3 prefix: each run checks the
// behaviour, and the transcripts the two return (files' bytes, loaded values) must be equal.
template <class Scenario>
void on_local_and_s3(const s3_place& server, Scenario scenario) {
    ls::register_s3(ls::s3_config::from_environment());
    temp_dir dir;
    const base_location local{dir.path().string(), dir.path().string(), ls::local(), nullptr};
    auto s3 = std::make_shared<ls::s3_storage>(ls::s3_config::from_environment());
    const base_location remote{"s3://" + server.root(), server.root(), s3, s3.get()};
    std::string on_local;
    std::string on_s3;
    {
        INFO("on a local folder: " << local.url);
        on_local = scenario(local);
    }
    {
        INFO("on S3: " << remote.url);
        on_s3 = scenario(remote);
    }
    CHECK(on_local == on_s3);
}

}  // namespace

// ---- many processes, one file -------------------------------------------------------------------

// Eight processes ("host-0".."host-7", each its own author) append to one project, saving after
// each of their 40 experiments, all at once: afterwards the project holds the 320 experiments,
// each (host, save) once, each artifact with its writer's content. A save() overtaken at each of
// the retry policy's attempts throws save_error and keeps everything in memory; the child then
// saves again, as the message says to (save_log), and the count of such save_errors is printed
// with the wall time and the retries per save (counted by counting_storage): under this load,
// with the default policy (16 attempts), a few of the 320 saves give up once.
TEST_CASE("s3 project: 8 processes x 40 saves into one project lose nothing", "[s3-project][processes]") {
    const auto server = s3_server();
    if (!server) return;
    cleanup remove_afterwards(*server);
    constexpr int hosts = 8;
    constexpr int saves = 40;
    const auto location = server->url("many/project.json");
    temp_dir stats;

    const auto started = clock_type::now();
    const auto reports = run_processes(hosts, std::chrono::seconds(420), true, [&](int h) {
        const std::string host = "host-" + std::to_string(h);
        auto files = std::make_shared<counting_storage>(
            std::make_shared<ls::s3_storage>(ls::s3_config::from_environment()), "project.json");
        ls::project_options options;
        options.author = host;
        options.files = files;
        ls::project p(location, ls::mode::append, options);
        save_log log;
        for (int i = 0; i < saves; ++i) {
            {
                auto e = p.log(host + " save " + std::to_string(i));
                e.log_metric("save", i);
                e.log_parameter("host", host);
                e.log_artifact<"json">("payload", ls::json{{"host", host}, {"save", i}});
                e.commit();
            }
            log.save(p, *files);
        }
        auto out = stats_of(*files);
        log.add_to(out);
        write_stats(stats / ("child-" + std::to_string(h)), out);
        if (!log.first_error.empty()) std::cerr << host << ": first save_error: " << log.first_error << "\n";
        return 0;
    });
    const double wall = seconds_since(started);
    for (const auto& r : reports) {
        INFO(r.describe() << " (its stderr is above)");
        CHECK(r.ok());
    }

    auto total = total_stats(stats, hosts);
    const double saved = hosts * saves;
    std::cout << "s3 project, " << hosts << " processes x " << saves << " saves: " << wall << " s wall ("
              << wall / saves << " s per round of " << hosts
              << " saves); project.json conditional writes: " << total["main_attempts"] << " for " << saved
              << " saves (" << total["main_lost"] << " lost races, " << total["main_unknown"]
              << " unknown outcomes): " << (total["main_attempts"] - saved) / saved << " retries per save, at most "
              << total["most_attempts"] << " attempts in one save(); " << total["save_errors"]
              << " save() calls gave up with save_error (saved again); slowest save " << total["slowest_save"]
              << " s; artifact writes " << total["artifact_attempts"] << " (" << total["artifact_lost"]
              << " name taken, " << total["artifact_unknown"] << " unknown)\n";
    CHECK(total["main_written"] + total["main_unknown"] >= saved);  // every save ended in a write

    auto s3 = std::make_shared<ls::s3_storage>(ls::s3_config::from_environment());
    ls::project_options options;
    options.files = s3;
    const ls::project p(location, ls::mode::read_only, options);
    CHECK(p.size() == static_cast<std::size_t>(hosts * saves));
    std::set<std::pair<std::string, int>> seen;
    std::set<std::pair<std::string, int>> expected;
    for (int h = 0; h < hosts; ++h) {
        for (int i = 0; i < saves; ++i) expected.emplace("host-" + std::to_string(h), i);
    }
    std::vector<std::string> wrong;
    for (const auto& e : p) {
        const auto host = e.parameter("host").get<std::string>();
        const int save = e.metric("save").get<int>();
        if (!seen.emplace(host, save).second) wrong.push_back(e.slug() + ": (host, save) twice");
        if (e.author() != host) wrong.push_back(e.slug() + ": author " + e.author());
        if (e.name() != host + " save " + std::to_string(save)) wrong.push_back(e.slug() + ": name " + e.name());
        try {
            const auto payload = e.load_artifact<ls::json>("payload");
            if (payload != ls::json{{"host", host}, {"save", save}}) {
                wrong.push_back(e.slug() + ": payload " + payload.dump());
            }
        } catch (const ls::error& x) {
            wrong.push_back(e.slug() + ": " + x.what());
        }
    }
    INFO("first problems: " << (wrong.empty() ? std::string() : wrong[0]) << (wrong.size() > 1 ? "; " + wrong[1] : ""));
    CHECK(wrong.empty());
    CHECK(seen == expected);
    CHECK(s3->list_uploads(server->root()).empty());
}

// Eight processes log 10 versions each of one artifact name into one repository (mode edit),
// saving after each: the 80 versions are numbered 0..79 once each, have 80 files, and each loads
// with its writer's content.
TEST_CASE("s3 project: 8 processes x 10 versions into one repository: each number once, each file its own",
          "[s3-project][processes]") {
    const auto server = s3_server();
    if (!server) return;
    cleanup remove_afterwards(*server);
    constexpr int hosts = 8;
    constexpr int versions = 10;
    const auto location = server->url("repo/repository.json");
    temp_dir stats;

    const auto started = clock_type::now();
    const auto reports = run_processes(hosts, std::chrono::seconds(300), true, [&](int h) {
        const std::string host = "host-" + std::to_string(h);
        auto files = std::make_shared<counting_storage>(
            std::make_shared<ls::s3_storage>(ls::s3_config::from_environment()), "repository.json");
        ls::repository_options options;
        options.files = files;
        ls::repository repo(location, ls::mode::edit, options);
        save_log log;
        for (int i = 0; i < versions; ++i) {
            repo.log_artifact<"json">("model", ls::json{{"host", host}, {"i", i}});
            log.save(repo, *files);
        }
        auto out = stats_of(*files);
        log.add_to(out);
        write_stats(stats / ("child-" + std::to_string(h)), out);
        if (!log.first_error.empty()) std::cerr << host << ": first save_error: " << log.first_error << "\n";
        return 0;
    });
    const double wall = seconds_since(started);
    for (const auto& r : reports) {
        INFO(r.describe() << " (its stderr is above)");
        CHECK(r.ok());
    }
    auto total = total_stats(stats, hosts);
    const double saved = hosts * versions;
    std::cout << "s3 repository, " << hosts << " processes x " << versions << " versions: " << wall
              << " s wall; repository.json conditional writes: " << total["main_attempts"] << " for " << saved
              << " saves (" << total["main_lost"] << " lost races, " << total["main_unknown"]
              << " unknown): " << (total["main_attempts"] - saved) / saved << " retries per save, at most "
              << total["most_attempts"] << " attempts in one save(); " << total["save_errors"]
              << " save() calls gave up with save_error (saved again); slowest save " << total["slowest_save"]
              << " s; artifact writes " << total["artifact_attempts"] << " (" << total["artifact_lost"]
              << " name taken, " << total["artifact_unknown"] << " unknown)\n";

    auto s3 = std::make_shared<ls::s3_storage>(ls::s3_config::from_environment());
    ls::repository_options options;
    options.files = s3;
    const ls::repository repo(location, ls::mode::read_only, options);
    CHECK(repo.size() == static_cast<std::size_t>(hosts * versions));
    std::set<long long> numbers;
    std::set<std::string> fnames;
    std::set<std::pair<std::string, int>> contents;
    std::vector<std::string> wrong;
    for (const auto& a : repo) {
        numbers.insert(a.version());
        fnames.insert(a.fname());
        ls::repository_load_options which;
        which.version = a.version();
        try {
            const auto j = repo.load_artifact<ls::json>("model", which);
            contents.emplace(j.at("host").get<std::string>(), j.at("i").get<int>());
        } catch (const std::exception& x) {
            wrong.push_back("version " + std::to_string(a.version()) + ": " + x.what());
        }
    }
    INFO("first problem: " << (wrong.empty() ? std::string() : wrong[0]));
    CHECK(wrong.empty());
    std::set<long long> all_numbers;
    for (long long v = 0; v < hosts * versions; ++v) all_numbers.insert(v);
    CHECK(numbers == all_numbers);
    CHECK(fnames.size() == static_cast<std::size_t>(hosts * versions));
    CHECK(contents.size() == static_cast<std::size_t>(hosts * versions));
    // The files are the ones listed: no version was written over another's file.
    std::set<std::string> keys;
    for (const auto& key : s3->list(server->key("repo/model")))
        keys.insert(key.substr(server->key("repo/model/").size()));
    for (const auto& f : fnames) CHECK(keys.count(f) == 1);
}

// Before the fix in src/s3/http.cpp, a child forked after its parent had sent a request on the
// same thread reused the parent's curl handle, and with it the parent's keep-alive connection:
// children read each other's answers ("Received HTTP/0.9"), and the parent's own next request
// failed. And the children drew the parent's random numbers, so that their probes of one prefix
// used one scratch object and failed each other ("the store refused a create-only PUT").
TEST_CASE(
    "s3 project: processes forked after the parent used S3 on that thread have connections and names of "
    "their own",
    "[s3-project][processes]") {
    const auto server = s3_server();
    if (!server) return;
    cleanup remove_afterwards(*server);
    constexpr int children = 6;
    const auto content = [](int i) { return std::string(64 * 1024, static_cast<char>('a' + i)); };
    ls::s3_storage parent(ls::s3_config::from_environment());
    for (int i = 0; i < children; ++i) {
        parent.write(
            server->key("object-" + std::to_string(i)), true, [&](std::ostream& out) { out << content(i); }, true);
    }
    // This thread now has a connection open, and has drawn random numbers (the probe's name).
    REQUIRE(parent.probe_conditional_writes(server->key("probe")).passed);
    REQUIRE(parent.read(server->key("object-0")) == content(0));

    const auto start = clock_type::now() + std::chrono::milliseconds(500);
    const auto reports = run_processes(children, std::chrono::seconds(120), false, [&](int i) {
        ls::s3_storage files(ls::s3_config::from_environment());
        std::this_thread::sleep_until(start);  // all at once
        // The first conditional write probes the prefix, as every child's does, at the same time.
        const auto written = files.write_if(
            server->key("probe/child-" + std::to_string(i)), ls::write_condition::create_only(), true,
            [&](std::ostream& out) { out << i; }, true);
        if (written.outcome != ls::write_outcome::written) {
            std::cerr << "child " << i << ": write_if: " << written.reason << "\n";
            return 2;
        }
        for (int k = 0; k < 100; ++k) {
            const auto got = files.read(server->key("object-" + std::to_string(i)));
            if (got != content(i)) {
                std::cerr << "child " << i << ": read " << k << " got another object's bytes\n";
                return 3;
            }
        }
        return 0;
    });
    for (const auto& r : reports) {
        INFO(r.describe() << " (its stderr is above)");
        CHECK(r.ok());
    }
    CHECK(parent.read(server->key("object-0")) == content(0));  // the parent's connection is its own still
    for (int i = 0; i < children; ++i)
        CHECK(parent.read(server->key("probe/child-" + std::to_string(i))) == std::to_string(i));
}

// ---- the gateway killed and restarted under saves ---------------------------------------------

// Kills the gateway at a random moment while a thread saves a project with 512 KiB artifacts
// over and over, and starts it again: each save succeeds or throws save_error, within a bound;
// after each restart the project loads and every experiment it lists has all its artifacts; at
// the end a save succeeds and holds every experiment ever logged. Hidden: it stops the server under
// any test running beside it; ctest runs it alone (s3.gateway_restart), or
// `lazyscribe_s3_tests "[gateway-restart]"` with DIR/env sourced.
TEST_CASE(
    "s3 project: saves while the gateway is killed and restarted succeed or throw save_error, and nothing is torn",
    "[.][gateway-restart]") {
    const auto server = s3_server();
    if (!server) return;
    const char* dir = std::getenv("LAZYSCRIBE_S3_SERVER_DIR");
    if (dir == nullptr || *dir == '\0') {
        std::cout << "LAZYSCRIBE-SKIP: LAZYSCRIBE_S3_SERVER_DIR is not set (scripts/s3-server.sh start DIR)\n";
        return;
    }
    const auto script = std::filesystem::path(LAZYSCRIBE_FIXTURES_DIR).parent_path().parent_path().parent_path() /
                        "scripts/s3-server.sh";
    REQUIRE(std::filesystem::exists(script));
    const auto run = [&](const char* command) {
        return std::system(("bash '" + script.string() + "' " + command + " '" + dir + "' >/dev/null 2>&1").c_str());
    };
    cleanup remove_afterwards(*server);  // after the gateway is up again (declared before its guard)
    // Should a check fail with the gateway down, the tests after this one still find it.
    struct gateway_guard {
        std::function<int(const char*)> run;
        bool down = false;
        ~gateway_guard() {
            if (down) (void)run("start-gateway");
        }
    } gateway{run};

    auto config = ls::s3_config::from_environment();
    config.connect_timeout = std::chrono::milliseconds(1000);
    config.request_timeout = std::chrono::milliseconds(5000);
    config.max_attempts = 3;
    auto files = std::make_shared<counting_storage>(std::make_shared<ls::s3_storage>(config), "project.json");
    ls::project_options options;
    options.author = "restarts";
    options.files = files;
    const auto location = server->url("restart/project.json");
    project_t p(location, ls::mode::write, options);

    constexpr std::size_t doubles = 64 * 1024;  // 512 KiB a file
    constexpr double save_bound_seconds = 60;   // 3 attempts of 5 s at most per request, a few requests
    struct outcome {
        int run = 0;
        double seconds = 0;
        std::string error;  // empty: saved
        bool save_error = false;
    };
    std::mutex mutex;
    std::vector<outcome> outcomes;
    std::vector<std::string> logged;  // slugs, in order
    std::atomic<int> successes{0};
    std::atomic<bool> stop{false};
    std::thread saver([&] {
        for (int k = 0; !stop; ++k) {
            std::string slug;
            {
                auto e = p.log("run " + std::to_string(k));
                slug = e.slug();  // before commit() moves the experiment into the project
                e.log_metric("k", k);
                e.log_artifact<"cereal">("weights", std::vector<double>(doubles, k));
                e.log_artifact<"json">("config", ls::json{{"k", k}});
                e.commit();
            }
            outcome o{k, 0, {}, false};
            const auto before = clock_type::now();
            try {
                p.save();
            } catch (const ls::save_error& x) {
                o.error = x.what();
                o.save_error = true;
            } catch (const std::exception& x) {
                o.error = x.what();
            }
            o.seconds = seconds_since(before);
            {
                std::lock_guard guard(mutex);
                logged.push_back(slug);
                outcomes.push_back(o);
            }
            if (o.error.empty()) ++successes;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    // Whatever fails below, the saver stops before `p` goes.
    struct joiner {
        std::atomic<bool>& stop;
        std::thread& thread;
        ~joiner() {
            stop = true;
            if (thread.joinable()) thread.join();
        }
    } join_saver{stop, saver};

    const auto wait_for_successes = [&](int target) {
        const auto deadline = clock_type::now() + std::chrono::seconds(90);
        while (successes < target && clock_type::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return successes >= target;
    };
    // What a reader finds: the project loads, and every experiment it lists has its artifacts.
    const auto check_readable = [&](const char* when) {
        INFO(when);
        auto reader = std::make_shared<ls::s3_storage>(ls::s3_config::from_environment());
        ls::project_options read_options;
        read_options.files = reader;
        std::optional<project_t> read;
        REQUIRE_NOTHROW(read.emplace(location, ls::mode::read_only, read_options));
        std::vector<std::string> wrong;
        for (const auto& e : *read) {
            const int k = e.metric("k").get<int>();
            try {
                const auto w = e.load_artifact<std::vector<double>>("weights");
                if (w.size() != doubles || w.front() != k || w.back() != k) wrong.push_back(e.slug() + ": weights");
                if (e.load_artifact<ls::json>("config") != ls::json{{"k", k}}) wrong.push_back(e.slug() + ": config");
            } catch (const ls::error& x) {
                wrong.push_back(e.slug() + ": " + x.what());
            }
        }
        INFO("first problem: " << (wrong.empty() ? std::string() : wrong[0]));
        CHECK(wrong.empty());
        return read->size();
    };

    std::mt19937 random(std::random_device{}());
    constexpr int rounds = 3;
    for (int round = 0; round < rounds; ++round) {
        INFO("round " << round);
        REQUIRE(wait_for_successes(successes + 3));
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 500)(random)));
        REQUIRE(run("kill-gateway") == 0);
        gateway.down = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(300, 1500)(random)));
        REQUIRE(run("start-gateway") == 0);
        gateway.down = false;
        CHECK(wait_for_successes(successes + 3));  // saves work again
        check_readable("after the restart");
    }
    stop = true;
    saver.join();

    // One more save, with the gateway up all along: it holds every experiment ever logged, those
    // of the saves that failed included (they stayed in memory).
    {
        auto e = p.log("after the restarts");
        logged.push_back(e.slug());
        e.log_metric("k", -1);
        e.log_artifact<"cereal">("weights", std::vector<double>(doubles, -1));
        e.log_artifact<"json">("config", ls::json{{"k", -1}});
        e.commit();
    }
    REQUIRE_NOTHROW(p.save());
    const auto listed = check_readable("at the end");
    CHECK(listed == logged.size());
    auto reader = std::make_shared<ls::s3_storage>(ls::s3_config::from_environment());
    ls::project_options read_options;
    read_options.files = reader;
    const project_t final_project(location, ls::mode::read_only, read_options);
    std::vector<std::string> missing;
    for (const auto& slug : logged) {
        if (slug.empty() || final_project.find(slug) == nullptr) missing.push_back("'" + slug + "'");
    }
    INFO("missing: " << (missing.empty() ? std::string() : missing[0]));
    CHECK(missing.empty());

    int failed = 0;
    double slowest = 0;
    std::vector<std::string> not_save_errors;
    for (const auto& o : outcomes) {
        slowest = std::max(slowest, o.seconds);
        if (o.error.empty()) continue;
        ++failed;
        if (!o.save_error) not_save_errors.push_back("run " + std::to_string(o.run) + ": " + o.error);
    }
    std::cout << "s3 gateway restarts: " << outcomes.size() << " saves, " << failed << " failed with save_error, "
              << not_save_errors.size() << " with another error; slowest " << slowest
              << " s; project.json writes: " << files->main.unknown << " unknown outcomes, " << files->main.lost
              << " lost races; artifact writes: " << files->artifacts.unknown << " unknown outcomes\n";
    for (const auto& o : outcomes) {
        if (!o.error.empty()) std::cout << "  run " << o.run << " (" << o.seconds << " s): " << o.error << "\n";
    }
    INFO("first error that is not save_error: " << (not_save_errors.empty() ? std::string() : not_save_errors[0]));
    CHECK(not_save_errors.empty());
    CHECK(slowest < save_bound_seconds);
    CHECK(failed > 0);  // the gateway was down under some save: else this tested nothing
}

// ---- project and repository behaviours, on a local folder and on S3 -----------------------------
//
// Every test of tests/unit-project.cpp, unit-repository.cpp, unit-live.cpp and unit-release.cpp
// that touches storage runs on S3 as well (tests/unit-s3_on_*.cpp). The scenarios here add what
// those cannot: one body run on a local folder and on S3 whose transcripts (every file's bytes,
// the values loaded) must be equal, and a project and a repository on different storages.

TEST_CASE("s3 project: a save/load round trip with artifacts of each built-in handler, as on a local folder",
          "[s3-project][same-as-local]") {
    const auto server = s3_server();
    if (!server) return;
    cleanup remove_afterwards(*server);
    on_local_and_s3(*server, [](const base_location& b) {
        set_now("2024-03-01T12:00:00");
        {
            project_t p(b.at("rt/project.json"), ls::mode::write, by("alice"));
            {
                auto e = p.log("First run");
                e.log_metric("m", 1.5);
                e.log_parameter("lr", 0.1);
                e.log_parameter("layers", std::vector<int>{64, 32});
                e.tag("baseline");
                e.log_artifact<"json">("config", ls::json{{"lr", 0.1}, {"name", "ü"}});
                e.log_artifact<"json">("pretty", ls::json{{"a", 1}},
                                       {.fname = "pretty.json", .kwargs = {{"indent", 2}}});
                e.log_artifact<"cereal">("weights", std::vector<double>{1.0, 2.5, -3.0});
                auto t = e.log_test("Holdout set");
                t.log_metric("auc", 0.75);
                t.log_artifact<"json">("confusion", std::vector<int>{1, 2, 3, 4});
            }
            set_now("2024-03-01T12:00:05");
            p.log("Second run", [](auto& e) { e.log_metric("m", 2.0); });
            p.save();
        }
        std::string out;
        const project_t p(b.at("rt/project.json"), ls::mode::read_only);
        REQUIRE(p.size() == 2);
        const auto& first = p["first-run"];
        CHECK(first.metric("m") == 1.5);
        CHECK(first.tags() == std::vector<std::string>{"baseline"});
        CHECK(first.load_artifact<ls::json>("config") == ls::json{{"lr", 0.1}, {"name", "ü"}});
        CHECK(first.load_artifact<ls::json>("pretty") == ls::json{{"a", 1}});
        CHECK(first.load_artifact<std::vector<double>>("weights") == std::vector<double>{1.0, 2.5, -3.0});
        REQUIRE(first.tests().size() == 1);
        CHECK(first.test("Holdout set").metric("auc") == 0.75);
        CHECK(first.test("Holdout set").load_artifact<ls::json>("confusion") == ls::json{1, 2, 3, 4});
        CHECK(b.read("rt/" + first.slug() + "/pretty.json") == "{\n  \"a\": 1\n}");
        CHECK(p["second-run"].metric("m") == 2.0);
        out += b.dump_files("rt");
        out += first.load_artifact<ls::json>("config").dump() + "\n";
        return out;
    });
}

TEST_CASE("s3 project: modes r, a, w and w+, and append merging another writer's experiments, as on a local folder",
          "[s3-project][same-as-local]") {
    const auto server = s3_server();
    if (!server) return;
    cleanup remove_afterwards(*server);
    on_local_and_s3(*server, [](const base_location& b) {
        const auto file = b.at("modes/project.json");
        std::string out;
        set_now("2024-02-01T00:00:00");
        {
            project_t p(file, ls::mode::write, by("ann"));
            p.log("first", [](auto& e) {
                e.log_metric("m", 1);
                e.template log_artifact<"json">("data", ls::json{{"v", 1}});
            });
            p.save();
        }
        const std::string first_artifact = "modes/first-20240201000000/data-20240201000000.json";
        const auto artifact_version = b.version(first_artifact);
        // Two writers read the same file; each logs its own experiment; the second to save merges
        // the first's in.
        set_now("2024-02-02T00:00:00");
        {
            project_t ben(file, ls::mode::append, by("ben"));
            project_t cat(file, ls::mode::append, by("cat"));
            REQUIRE(ben.size() == 1);
            CHECK(ben["first"].read_only());
            CHECK_THROWS_AS(ben.edit("first"), ls::read_only_error);
            ben.log("second", [](auto& e) { e.log_metric("m", 2); });
            set_now("2024-02-02T00:00:01");
            cat.log("third", [](auto& e) {
                e.log_metric("m", 3);
                e.template log_artifact<"json">("data", ls::json{{"v", 3}});
            });
            ben.save();
            cat.save();
            CHECK(cat.size() == 3);
        }
        {
            const project_t p(file, ls::mode::read_only);
            REQUIRE(p.size() == 3);
            CHECK(p["second"].author() == "ben");
            CHECK(p["third"].author() == "cat");
            CHECK(p["third"].load_artifact<ls::json>("data") == ls::json{{"v", 3}});
        }
        // Saves that never read an artifact leave its file alone (on S3: the same ETag).
        CHECK(b.version(first_artifact) == artifact_version);
        out += "after append:\n" + b.normalise(b.read("modes/project.json"));
        set_now("2024-02-03T00:00:00");
        {
            project_t p(file, ls::mode::edit, by("dan"));
            p.edit("first").log_metric("m", 10);
            p.save();
        }
        {
            const project_t p(file, ls::mode::read_only);
            CHECK(p["first"].metric("m") == 10);
            CHECK(p["first"].last_updated_by() == "dan");
            CHECK(p["first"].author() == "ann");
            CHECK(p["second"].last_updated_by() == "ben");
            CHECK(p["first"].load_artifact<ls::json>("data") == ls::json{{"v", 1}});
        }
        out += "after edit:\n" + b.normalise(b.read("modes/project.json"));
        {
            project_t p(file, ls::mode::write, by("eve"));
            CHECK(p.empty());  // w ignores the file
            p.log("fourth", [](auto&) {});
            p.save();
        }
        CHECK(project_t(file, ls::mode::read_only).size() == 1);
        out += "after write:\n" + b.normalise(b.read("modes/project.json"));
        // r on a missing file: not_found_error, unless asked to read it as empty (Python's rule).
        CHECK_THROWS_AS(project_t(b.at("modes/missing.json"), ls::mode::read_only), ls::not_found_error);
        ls::project_options python_rule;
        python_rule.missing_file_is_empty = true;
        CHECK(project_t(b.at("modes/missing.json"), ls::mode::read_only, python_rule).empty());
        out += "files:\n";
        for (const auto& name : b.files_under("modes")) out += name + "\n";
        return out;
    });
}

TEST_CASE("s3 project: dependencies between projects on one storage, by path and by registry key, as on a local folder",
          "[s3-project][same-as-local]") {
    const auto server = s3_server();
    if (!server) return;
    cleanup remove_afterwards(*server);
    on_local_and_s3(*server, [](const base_location& b) {
        std::string out;
        set_now("2024-04-01T00:00:00");
        {
            project_t up(b.at("up/project.json"), ls::mode::write, by("u"));
            up.log("Feature set", [](auto&) {});
            up.save();
        }
        set_now("2024-04-02T00:00:00");
        {
            const project_t up(b.at("up/project.json"), ls::mode::read_only);
            project_t down(b.at("down/project.json"), ls::mode::write, by("d"));
            down.log("Model", [&](auto& e) { e.add_dependency(up["feature-set"]); });
            down.save();
        }
        // Written as Python writes it: the upstream project's path without the protocol.
        CHECK(b.read("down/project.json").find("\"" + b.path("up/project.json") + "|feature-set-20240401000000\"") !=
              std::string::npos);
        {
            const project_t down(b.at("down/project.json"), ls::mode::read_only);
            REQUIRE(down["model"].dependencies().size() == 1);
            CHECK(down["model"].dependencies()[0].short_slug == "feature-set");
        }
        out += b.normalise(b.read("down/project.json"));
        // A registered project is referred to by its key. The registry takes the project's path
        // as its storage spells it (for S3 without "s3://": see the report on registering URLs).
        ls::project_registry::clear();
        ls::project_registry::add("features", b.path("up/project.json"));
        {
            const project_t up(b.at("up/project.json"), ls::mode::read_only);
            project_t other(b.at("other/project.json"), ls::mode::write, by("o"));
            other.log("M", [&](auto& e) { e.add_dependency(up["feature-set"]); });
            other.save();
        }
        CHECK(b.read("other/project.json").find("\"features|feature-set-20240401000000\"") != std::string::npos);
        {
            const project_t other(b.at("other/project.json"), ls::mode::read_only);
            REQUIRE(other["m"].dependencies().size() == 1);
            CHECK(other["m"].dependencies()[0].short_slug == "feature-set");
        }
        ls::project_registry::clear();
        out += b.normalise(b.read("other/project.json"));
        return out;
    });
}

TEST_CASE(
    "s3 project: repository versions, look-ups by version and time, expiry, filter and diffs, as on a local folder",
    "[s3-project][same-as-local]") {
    const auto server = s3_server();
    if (!server) return;
    cleanup remove_afterwards(*server);
    on_local_and_s3(*server, [](const base_location& b) {
        std::string out;
        const auto file = b.at("repo/repository.json");
        {
            repository_t repo(file, ls::mode::write, repository_clock());
            set_now("2024-05-01T09:00:00");
            CHECK(repo.log_artifact<"json">("model-config", ls::json{{"lr", 0.1}}).version() == 0);
            CHECK(repo.log_artifact<"json">("model-config", ls::json{{"lr", 0.15}}).version() == 1);  // same second
            CHECK(repo.log_artifact<"cereal">("weights", std::vector<double>{1, 2}).version() == 0);
            set_now("2024-05-04T00:00:00");
            CHECK(repo.log_artifact<"json">("model-config", ls::json{{"lr", 0.2}}).version() == 2);
            repo.log_artifact<"json">("notes", std::string("line1\nline2\nline3\n"), {.fname = "a.json"});
            set_now("2024-05-05T00:00:00");
            repo.log_artifact<"json">("notes", std::string("line1\nline2 changed\nline3\n"), {.fname = "b.json"});
            repo.set_artifact_expiry("model-config", 2, "2024-05-06T00:00:00");
            repo.save();
        }
        const auto files = b.files_under("repo");
        CHECK(std::count_if(files.begin(), files.end(), [](const std::string& f) {
                  return f.starts_with("model-config/model-config-20240501090000");
              }) == 2);  // same-second versions have files of their own
        out += b.dump_files("repo");

        set_now("2024-05-05T12:00:00");
        repository_t repo(file, ls::mode::edit, repository_clock());
        CHECK(repo.load_artifact<ls::json>("model-config") == ls::json{{"lr", 0.2}});
        CHECK(repo.load_artifact<ls::json>("model-config", {.version = 0}) == ls::json{{"lr", 0.1}});
        CHECK(repo.load_artifact<ls::json>("model-config", {.version = 1}) == ls::json{{"lr", 0.15}});
        CHECK(repo.load_artifact<ls::json>("model-config", {.version = "2024-05-03T00:00:00",
                                                            .match = ls::match::asof}) == ls::json{{"lr", 0.15}});
        CHECK(repo.load_artifact<ls::json>("model-config", {.version = at("2024-05-04T00:00:00"),
                                                            .match = ls::match::asof}) == ls::json{{"lr", 0.2}});
        CHECK(repo.load_artifact<ls::json>("model-config", {.version = "2024-05-04T00:00:00"}) ==
              ls::json{{"lr", 0.2}});
        CHECK_THROWS_AS(repo.load_artifact<ls::json>("model-config", {.version = "2024-05-04T00:00:01"}),
                        ls::version_not_found_error);
        CHECK(repo.load_artifact<std::vector<double>>("weights") == std::vector<double>{1, 2});
        // Expiry, after reloading: valid while now < expiry.
        set_now("2024-05-06T00:00:00");
        CHECK(repo.load_artifact<ls::json>("model-config") == ls::json{{"lr", 0.15}});
        CHECK(repo.load_artifact<ls::json>("model-config", {.version = 2}) == ls::json{{"lr", 0.2}});
        CHECK(repo.get_artifact_metadata("model-config", 2)["expiry"] == "2024-05-06T00:00:00");
        repo.set_artifact_expiry("model-config", "2024-05-02T00:00:00", ls::match::asof, "2024-05-07T00:00:00");
        CHECK(repo.get_artifact_metadata("model-config", 1)["expiry"] == "2024-05-07T00:00:00");
        // Diffs read both versions' files through the storage.
        const std::string diff = repo.get_version_diff("notes", {0, 1});
        CHECK(diff.find("+\"line1\\nline2 changed\\nline3\\n\"") != std::string::npos);
        out += diff + "\n";
        // A new version in edit mode numbers on, and the save keeps the earlier versions' files.
        CHECK(repo.log_artifact<"json">("model-config", ls::json{{"lr", 0.3}}).version() == 3);
        repo.save();
        const auto then = repository_t(file, ls::mode::read_only, repository_clock()).filter(at("2024-05-02T00:00:00"));
        CHECK(then.open_mode() == ls::mode::read_only);
        CHECK(then.load_artifact<ls::json>("model-config") == ls::json{{"lr", 0.15}});
        const auto chosen = repo.filter({{"model-config", 0}, {"weights", 0}});
        CHECK(chosen.size() == 2);
        CHECK(chosen.load_artifact<ls::json>("model-config") == ls::json{{"lr", 0.1}});
        CHECK_THROWS_AS(repo.filter({{"model-config", 9}}), ls::version_not_found_error);
        out += b.dump_files("repo");
        return out;
    });
}

TEST_CASE("s3 project: promote_artifact from an experiment to a repository on one storage, as on a local folder",
          "[s3-project][same-as-local]") {
    const auto server = s3_server();
    if (!server) return;
    cleanup remove_afterwards(*server);
    on_local_and_s3(*server, [](const base_location& b) {
        set_now("2024-05-01T00:00:00");
        project_t project(b.at("project/project.json"), ls::mode::write, by("p"));
        project.log("exp", [](auto& e) { e.template log_artifact<"json">("notes", std::string("from experiment")); });
        project.save();
        repository_t repo(b.at("repo/repository.json"), ls::mode::edit, repository_clock());
        project["exp"].promote_artifact(repo, "notes");  // saved: the file is copied, the repository saved
        CHECK(repo.find_version("notes").version() == 0);
        CHECK(repository_t(b.at("repo/repository.json"), ls::mode::read_only).load_artifact<std::string>("notes") ==
              "from experiment");
        CHECK_THROWS_AS(project["exp"].promote_artifact(repo, "notes"), ls::artifact_log_error);  // not newer

        set_now("2024-05-02T00:00:00");
        repo.log_artifact<"json">("notes", std::string("v1"));
        repo.set_artifact_expiry("notes", 1);
        repo.save();
        set_now("2024-05-03T00:00:00");
        project_t later(b.at("project/project.json"), ls::mode::append, by("p"));
        later.log("exp2", [](auto& e) { e.template log_artifact<"json">("notes", std::string("v2")); });
        later["exp2"].promote_artifact(repo, "notes");  // unsaved: the value itself goes along
        CHECK(repo.find_version("notes").version() == 2);
        const repository_t again(b.at("repo/repository.json"), ls::mode::read_only);
        CHECK(again.load_artifact<std::string>("notes", {.version = 0}) == "from experiment");
        CHECK(again.load_artifact<std::string>("notes", {.version = 2}) == "v2");
        return b.dump_files("repo");
    });
}

TEST_CASE(
    "s3 project: create_release and minimal_repository_from_release through the repository's storage, as on a "
    "local folder",
    "[s3-project][same-as-local]") {
    const auto server = s3_server();
    if (!server) return;
    cleanup remove_afterwards(*server);
    on_local_and_s3(*server, [](const base_location& b) {
        {
            repository_t repo(b.at("repo/repository.json"), ls::mode::write, repository_clock());
            set_now("2024-05-01T00:00:00");
            repo.log_artifact<"json">("model-config", ls::json{{"lr", 0.1}});
            repo.log_artifact<"json">("Feature List", std::vector<std::string>{"age"});
            set_now("2024-05-02T09:00:00");
            repo.log_artifact<"json">("model-config", ls::json{{"lr", 0.2}});
            repo.log_artifact<"cereal">("weights", std::vector<double>{0.5});
            repo.save();
        }
        set_now("2024-05-02T12:00:00");
        const repository_t repo(b.at("repo/repository.json"), ls::mode::read_only, repository_clock());
        const auto rel = ls::create_release(repo, "1.0.0", &fake_clock);
        CHECK(rel.artifacts ==
              std::vector<std::pair<std::string, long long>>{{"Feature List", 0}, {"model-config", 1}, {"weights", 0}});
        // The location is a path of the repository's storage: "bucket/prefix/minimal" on S3
        // ("s3://..." is refused there: see the report).
        const auto minimal = ls::minimal_repository_from_release(b.path("minimal"), repo, rel);
        CHECK(minimal.size() == 3);
        CHECK(minimal.load_artifact<ls::json>("model-config") == ls::json{{"lr", 0.2}});
        CHECK(minimal.load_artifact<std::vector<double>>("weights") == std::vector<double>{0.5});
        CHECK(repository_t(b.at("minimal/repository.json"), ls::mode::read_only)
                  .load_artifact<ls::json>("Feature List") == ls::json{"age"});
        return ls::dumps_releases({rel}) + b.dump_files("minimal");
    });
}

// Python refuses to promote between filesystems (ArtifactLogError: "The repository and the
// experiment use different filesystems"). Here promote() reads the experiment's file through the
// experiment's own storage and writes the copy through the repository's, so an artifact of an S3
// project promotes into a local repository (an earlier version read through the repository's
// storage, found nothing, and listed a version without its file). Without an S3 server the
// project is on memory://, another storage all the same.
TEST_CASE("s3 project: promote_artifact from an S3 project into a local repository copies the file across",
          "[s3-project]") {
    std::string location = "memory://unit-s3_project-" + random_name() + "/project/project.json";
    std::optional<cleanup> remove_afterwards;
    const char* endpoint = std::getenv("AWS_ENDPOINT_URL");
    const char* bucket = std::getenv("LAZYSCRIBE_S3_TEST_BUCKET");
    if (endpoint != nullptr && *endpoint != '\0' && bucket != nullptr && *bucket != '\0') {
        const s3_place server{bucket, "unit-s3_project/" + random_name()};
        remove_afterwards.emplace(server);
        ls::register_s3(ls::s3_config::from_environment());
        location = server.url("project/project.json");
    }
    temp_dir dir;
    project_t project(location, ls::mode::write, "p");
    project.log("exp", [](auto& e) { e.template log_artifact<"json">("notes", std::string("elsewhere")); });
    project.save();
    repository_t repo(dir / "repo/repository.json", ls::mode::edit);
    project[project.begin()->slug()].promote_artifact(repo, "notes");
    const repository_t again(dir / "repo/repository.json", ls::mode::read_only);
    REQUIRE(again.size() == 1);
    for (const auto& a : again) {
        INFO(a.name() << " version " << a.version() << ": " << a.fname());
        CHECK(again.load_artifact<std::string>(a.name(), {.version = a.version()}) == "elsewhere");
        CHECK(std::filesystem::exists(dir / "repo/notes" / a.fname()));
    }
}

// ---- the files Python lazyscribe reads ---------------------------------------------------------

TEST_CASE(
    "s3 project: the objects of a project saved to S3, downloaded, are the files of the same project saved locally",
    "[s3-project][layout]") {
    const auto server = s3_server();
    if (!server) return;
    cleanup remove_afterwards(*server);
    ls::register_s3(ls::s3_config::from_environment());
    temp_dir dir;
    // Only the json handler: Python lazyscribe has no cereal handler.
    const auto fill = [](const std::string& file) {
        set_now("2024-03-01T12:00:00");
        {
            ls::project p(file, ls::mode::write, by("alice"));
            {
                auto e = p.log("First run");
                e.log_metric("m", 1.0);
                e.log_parameter("Ünïcode", "yes");
                e.log_artifact<"json">("config", ls::json{{"lr", 0.1}});
                e.log_artifact<"json">("named", ls::json::array({1, 2}), {.fname = "named file.json"});
                auto t = e.log_test("Holdout");
                t.log_metric("auc", 0.75);
                t.log_artifact<"json">("scores", ls::json{{"auc", 0.75}});
            }
            p.log("Second run", [](auto& e) { e.log_metric("m", 2.0); });
            p.save();
        }
        set_now("2024-03-02T08:00:00");
        ls::project p(file, ls::mode::append, by("bob"));
        p.log("Third run", [](auto& e) { e.template log_artifact<"json">("config", ls::json{{"lr", 0.3}}); });
        p.save();
    };
    fill((dir / "local/project.json").string());
    fill(server->url("layout/project.json"));

    ls::s3_storage s3(ls::s3_config::from_environment());
    const std::string base = server->key("layout") + "/";
    std::set<std::string> keys;
    for (const auto& key : s3.list(server->key("layout"))) {
        const auto rel = key.substr(base.size());
        keys.insert(rel);
        const auto bytes = s3.read(key);
        REQUIRE(bytes);
        lazyscribe_test::write_file(dir / "downloaded" / rel, *bytes);
    }
    std::set<std::string> local_files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir / "local")) {
        const auto name = entry.path().filename().string();
        if (!entry.is_regular_file() || name.ends_with(".lock") || name.find(".lazyscribe-tmp") != std::string::npos) {
            continue;
        }
        local_files.insert(std::filesystem::relative(entry.path(), dir / "local").generic_string());
    }
    CHECK(keys == local_files);
    CHECK(keys.count("project.json") == 1);
    CHECK(keys.size() == 5);  // project.json, three experiment artifacts and a test's
    for (const auto& rel : keys) {
        INFO(rel);
        CHECK(read_file(dir / "downloaded" / rel) == read_file(dir / "local" / rel));
    }

    // The downloaded copy is a local project like any other.
    const ls::project copy((dir / "downloaded/project.json").string(), ls::mode::read_only);
    REQUIRE(copy.size() == 3);
    CHECK(copy["first-run"].load_artifact<ls::json>("named") == ls::json::array({1, 2}));
    CHECK(copy["first-run"].test("Holdout").load_artifact<ls::json>("scores") == ls::json{{"auc", 0.75}});
    CHECK(copy["third-run"].author() == "bob");

    // And Python lazyscribe reads it, where it is at hand (LAZYSCRIBE_PYTHONPATH).
    std::string why;
    if (!lazyscribe_test::python_available(&why)) {
        std::cout << "s3 layout: the Python check did not run: " << why << "\n";
        return;
    }
    const auto out = lazyscribe_test::python_ok(
        "import json\n"
        "from lazyscribe import Project\n"
        "p = Project('project.json', mode='r')\n"
        "for e in p.experiments:\n"
        "    arts = {a.name: e.load_artifact(a.name) for a in e.artifacts}\n"
        "    tests = {t.name: {a.name: t.load_artifact(a.name) for a in t.artifacts} for t in e.tests}\n"
        "    print(json.dumps([e.slug, e.author, e.metrics, e.parameters, arts, tests], sort_keys=True))\n",
        dir / "downloaded");
    CHECK(out ==
          "[\"first-run-20240301120000\", \"alice\", {\"m\": 1.0}, {\"\\u00dcn\\u00efcode\": \"yes\"}, "
          "{\"config\": {\"lr\": 0.1}, \"named\": [1, 2]}, {\"Holdout\": {\"scores\": {\"auc\": 0.75}}}]\n"
          "[\"second-run-20240301120000\", \"alice\", {\"m\": 2.0}, {}, {}, {}]\n"
          "[\"third-run-20240302080000\", \"bob\", {}, {}, {\"config\": {\"lr\": 0.3}}, {}]\n");
}
