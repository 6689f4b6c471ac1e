// Test helper: writes DIR/project.json with live runs in every state, through the library, for
// the CLI tests (cli_tests.sh, the live_* cases):
//   "Baseline curves"  not live (finished): metrics [[0, 1.0], [5, 0.6]] (pairs), [0.5, 0.7, 0.9]
//                      (a plain list) and a number
//   "Finished sweep"   live, finished: "loss" at steps 0, 10, ..., 100 (sparse), "val/acc" at
//                      0, 50, 100 with a NaN at 50, 'grad "norm", l2' at step 7
//   "Diverged"         live, failed: an exception "loss is NaN at step 3" left its scope
//   "Recovered run"    live, killed (SIGKILL) after a checkpoint; recovered by the next writer:
//                      status tag crashed, its journal turned into the history artifact
//   "Live run"         live, killed after a checkpoint with a fresh heartbeat: running, until
//                      crashed_after (120 s by default) has passed
//   "Crashed run"      live, killed after a checkpoint, its heartbeat (2024-06-01T14:00:00)
//                      old: status tag running, read as crashed, its points in the journal
// and DIR/long/project.json: "Long run", 5,000 points of "lr" (1/(step+1), 10 at step 3333).
// Every run but "Live run" is written with a fixed clock (2024-06-01), so that its times and
// slugs are known; "Live run" uses the real clock. The points' wall times are always real.
// Exit code 0 on success; prints what failed otherwise.

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lazyscribe/lazyscribe.hpp>

namespace ls = lazyscribe;

namespace {

ls::time_point at(const char* text) { return *ls::parse_time(text); }
ls::time_point june_first_noon() { return at("2024-06-01T12:00:00"); }
ls::time_point june_first_one() { return at("2024-06-01T13:00:00"); }
ls::time_point june_first_two() { return at("2024-06-01T14:00:00"); }

ls::project_options writer(ls::clock_function clock) {
    ls::project_options options;
    options.author = "tester";
    if (clock != nullptr) options.clock = clock;
    return options;
}

ls::live_options quick() {
    ls::live_options options;
    options.flush_interval = std::chrono::milliseconds(5);
    options.heartbeat_interval = std::chrono::milliseconds(20);
    return options;
}

// In a child: a live run that logs `points` steps of "loss", checkpoints, says so on `ready`,
// and waits to be killed.
[[noreturn]] void run_until_killed(const std::filesystem::path& file, const char* name, ls::clock_function clock,
                                   int points, int ready) {
    try {
        ls::project project(file, ls::mode::append, writer(clock));
        auto exp = project.log(name, quick());
        exp.log_parameter("lr", 0.1);
        for (std::int64_t s = 0; s < points; ++s) exp.log_metric("loss", 1.0 / static_cast<double>(s + 1), ls::step{s});
        exp.checkpoint();
        if (::write(ready, "x", 1) != 1) ::_exit(3);
        while (true) ::pause();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "live_project (%s): %s\n", name, e.what());
        ::_exit(2);
    }
}

// Runs run_until_killed in a child and kills it with SIGKILL once it checkpointed.
void crash(const std::filesystem::path& file, const char* name, ls::clock_function clock, int points) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t child = ::fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
        ::close(fds[0]);
        run_until_killed(file, name, clock, points, fds[1]);
    }
    ::close(fds[1]);
    char c = 0;
    const bool ready = ::read(fds[0], &c, 1) == 1;
    ::close(fds[0]);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!ready || !WIFSIGNALED(status)) throw std::runtime_error(std::string(name) + ": the child did not checkpoint");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: live_project DIR\n");
        return 2;
    }
    try {
        const std::filesystem::path file = std::filesystem::path(argv[1]) / "project.json";
        {
            ls::project project(file, ls::mode::write, writer(&june_first_noon));
            project.log("Baseline curves", [](ls::experiment& e) {
                e.log_metric("loss", ls::json::parse("[[0, 1.0], [5, 0.6]]"));
                e.log_metric("acc", ls::json::parse("[0.5, 0.7, 0.9]"));
                e.log_metric("f1", 0.75);
                e.tag("baseline");
            });
            {
                auto exp = project.log("Finished sweep", quick());
                exp.tag("sweep");
                for (std::int64_t s = 0; s <= 100; s += 10) {
                    exp.log_metric("loss", 1.0 - static_cast<double>(s) / 200.0, ls::step{s});
                    if (s % 50 == 0)
                        exp.log_metric("val/acc", s == 50 ? std::nan("") : 0.5 + 0.004 * static_cast<double>(s),
                                       ls::step{s});
                }
                exp.log_metric("grad \"norm\", l2", 0.25, ls::step{7});  // a name CSV must quote
            }
            try {
                project.log("Diverged", quick(), [](auto& exp) {
                    for (std::int64_t s = 0; s < 3; ++s)
                        exp.log_metric("loss", 2.0 * static_cast<double>(s + 1), ls::step{s});
                    throw std::runtime_error("loss is NaN at step 3");
                });
            } catch (const std::runtime_error&) {
            }
            project.save();
        }
        // In this order: the live run's first save recovers the run crashed before it (its
        // heartbeat is old by the real clock); the last one, written by a clock in 2024, sees
        // no crash and recovers nothing, so that its "running" tag stays as the crash left it.
        crash(file, "Recovered run", &june_first_one, 4);
        crash(file, "Live run", nullptr, 5);
        crash(file, "Crashed run", &june_first_two, 10);
        // A long history, alone in its project: the report thins it.
        ls::project project(std::filesystem::path(argv[1]) / "long/project.json", ls::mode::write,
                            writer(&june_first_noon));
        {
            auto exp = project.log("Long run", quick());
            for (std::int64_t s = 0; s < 5000; ++s)
                exp.log_metric("lr", s == 3333 ? 10.0 : 1.0 / static_cast<double>(s + 1), ls::step{s});
        }
        project.save();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "live_project: %s\n", e.what());
        return 1;
    }
    return 0;
}
