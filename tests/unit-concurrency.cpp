// Many writers: threads of one process, and processes saving the same project.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <thread>

namespace ls = lazyscribe;
using lazyscribe_test::temp_dir;

namespace {
// Runs body(c) in `count` child processes at once and checks that each exits cleanly.
template <class Body>
void run_processes(int count, Body body) {
    std::vector<pid_t> children;
    for (int c = 0; c < count; ++c) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            int status = 0;
            try {
                body(c);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "child %d: %s\n", c, e.what());
                status = 1;
            }
            ::_exit(status);  // no Catch teardown in the child
        }
        children.push_back(pid);
    }
    for (const pid_t pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
    }
}
}  // namespace

TEST_CASE("concurrency: save from several threads while others log") {
    temp_dir dir;
    ls::project p(dir / "p.json", ls::mode::write, "t");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&p, t] {
            for (int i = 0; i < 50; ++i) {
                {
                    auto e = p.log("t" + std::to_string(t) + "-" + std::to_string(i));
                    e.log_artifact<"json">("v", i);
                }
                if (i % 10 == 0) p.save();
            }
        });
    }
    for (auto& th : threads) th.join();
    p.save();
    ls::project reloaded(dir / "p.json", ls::mode::read_only);
    REQUIRE(reloaded.size() == 200);
    for (const auto& e : reloaded) CHECK(std::filesystem::exists(e.path() / e.artifacts().at("v").fname()));
}

TEST_CASE("concurrency: many threads log into one live run while it flushes, beats and saves") {
    temp_dir dir;
    ls::project p(dir / "p.json", ls::mode::append, "t");
    ls::live_options options;
    options.flush_interval = std::chrono::milliseconds(1);
    options.heartbeat_interval = std::chrono::milliseconds(5);
    options.max_buffered_points = 256;  // producers also wait for the flusher now and then
    constexpr int threads_count = 4;
    constexpr std::int64_t per_thread = 20'000;
    {
        auto run = p.log("threads", options);
        std::vector<std::thread> threads;
        for (int t = 0; t < threads_count; ++t) {
            threads.emplace_back([&run, &p, t] {
                const std::string own = "thread/" + std::to_string(t);
                for (std::int64_t s = 0; s < per_thread; ++s) {
                    run.log_metric(own, static_cast<double>(s), ls::step{s});
                    run.log_metric("shared", static_cast<double>(t), ls::step{s});
                    if (s % 5000 == 0) {
                        run.log_parameter(own, s);
                        (void)run.history("shared");
                        if (t == 0) run.checkpoint();
                        if (t == 1) p.save();
                    }
                }
            });
        }
        for (auto& th : threads) th.join();
    }
    p.save();
    const ls::project reloaded(dir / "p.json", ls::mode::read_only);
    const auto& e = *reloaded.begin();
    CHECK(e.status() == ls::run_status::finished);
    CHECK(e.history("shared").size() == threads_count * per_thread);
    for (int t = 0; t < threads_count; ++t) {
        const auto& h = e.history("thread/" + std::to_string(t));
        REQUIRE(h.size() == per_thread);
        for (std::int64_t s = 0; s < per_thread; ++s) REQUIRE(h.steps()[s] == s);  // one thread's order kept
        CHECK(e.metric("thread/" + std::to_string(t)) == static_cast<double>(per_thread - 1));
    }
}

TEST_CASE("concurrency: four processes saving one project lose nothing") {
    temp_dir dir;
    const auto file = dir / "shared/project.json";
    constexpr int processes = 4;
    constexpr int per_process = 50;
    run_processes(processes, [&](int c) {
        ls::project p(file, ls::mode::append, "proc" + std::to_string(c));
        for (int i = 0; i < per_process; ++i) {
            {
                auto e = p.log("proc " + std::to_string(c) + " run " + std::to_string(i));
                e.log_metric("i", i);
                e.log_artifact<"json">("payload", std::vector<int>{c, i});
            }
            p.save();  // after every experiment, racing the other processes
        }
    });
    ls::project p(file, ls::mode::read_only);
    CHECK(p.size() == processes * per_process);
    for (int c = 0; c < processes; ++c)
        for (int i = 0; i < per_process; ++i)
            CHECK(p.contains("proc-" + std::to_string(c) + "-run-" + std::to_string(i)));
    for (const auto& e : p) {
        CHECK(e.load_artifact<std::vector<int>>("payload") ==
              std::vector<int>{std::stoi(e.author().substr(4)), e.metrics()["i"].get<int>()});
    }
}

TEST_CASE("concurrency: a lock left by a dead process does not block") {
    temp_dir dir;
    const auto file = dir / "p.json";
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ls::detail::file_lock held(file);
        ::_exit(0);  // dies holding the lock
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ls::project p(file, ls::mode::write, "t");
    p.log("after", [](auto&) {});
    p.save();  // would hang if the lock outlived its holder
    CHECK(ls::project(file, ls::mode::read_only).size() == 1);
}

TEST_CASE("concurrency: processes logging versions never share a number or a file") {
    temp_dir dir;
    const auto file = dir / "repo/repository.json";
    constexpr int processes = 4;
    constexpr int per_process = 25;
    run_processes(processes, [&](int c) {
        ls::repository repo(file, ls::mode::edit);
        for (int i = 0; i < per_process; ++i) {
            repo.log_artifact<"json">("model", std::vector<int>{c, i});
            repo.save();
        }
    });
    ls::repository repo(file, ls::mode::read_only);
    REQUIRE(repo.size() == processes * per_process);
    std::set<long long> versions;
    std::set<std::string> fnames;
    std::set<std::vector<int>> payloads;
    for (const auto& a : repo) {
        versions.insert(a.version());
        fnames.insert(a.fname());
        payloads.insert(repo.load_artifact<std::vector<int>>("model", {.version = a.version()}));
    }
    CHECK(versions.size() == processes * per_process);
    CHECK(*versions.rbegin() == processes * per_process - 1);
    CHECK(fnames.size() == processes * per_process);
    CHECK(payloads.size() == processes * per_process);  // every process's every value survived
}
