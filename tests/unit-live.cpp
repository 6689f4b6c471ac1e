// Live runs (live.hpp, history.hpp): step-indexed histories, the status convention in the project file,
// the journal, failures kept, crash detection and recovery (kill -9 at random points), and
// what the real Python lazyscribe 2.2.1 sees at each state.
#include "python_oracle.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ls = lazyscribe;
using lazyscribe_test::python_ok;

namespace {

double loss_at(std::int64_t step) { return 1.0 / static_cast<double>(step + 1); }

// A reader whose clock is `ahead` past now: a running run's heartbeat looks that old to it.
ls::project_options reader_ahead(std::chrono::seconds ahead) {
    ls::project_options options;
    static thread_local std::chrono::seconds offset{};
    offset = ahead;
    options.clock = [] { return ls::now() + offset; };
    return options;
}

// Fast intervals, so that tests see flushes and heartbeats without waiting seconds.
ls::live_options quick() {
    ls::live_options options;
    options.flush_interval = std::chrono::milliseconds(5);
    options.heartbeat_interval = std::chrono::milliseconds(20);
    return options;
}

const std::string& only_status_tag(const ls::experiment& e) {
    const std::string* found = nullptr;
    for (const auto& t : e.tags()) {
        if (t.starts_with(ls::status_tag_prefix)) {
            REQUIRE(found == nullptr);
            found = &t;
        }
    }
    REQUIRE(found != nullptr);
    return *found;
}

}  // namespace

TEST_CASE("live: the issue's training loop, as written") {
    LAZYSCRIBE_TEST_DIR(dir);
    const auto file = dir / "runs/project.json";
    {
        ls::project project(file);
        {
            auto exp = project.log("ResNet sweep 3", ls::live);
            // In the project file from now on, status running.
            {
                const ls::project ro(file, ls::mode::read_only);
                REQUIRE(ro.size() == 1);
                CHECK(ro["resnet-sweep-3"].status() == ls::run_status::running);
                CHECK(only_status_tag(ro["resnet-sweep-3"]) == "lazyscribe.status=running");
            }
            exp.log_parameter("lr", 0.01);
            for (std::int64_t step = 0; step < 5'000; ++step) {
                exp.log_metric("loss", loss_at(step), ls::step{step});
                if (step % 1000 == 0)
                    exp.log_metric("val/acc", 0.5 + 0.0001 * static_cast<double>(step), ls::step{step});
            }
            exp.checkpoint();
            const ls::project ro(file, ls::mode::read_only);
            const auto& running = ro["resnet-sweep-3"];
            CHECK(running.status() == ls::run_status::running);
            CHECK(running.metric("loss") == loss_at(4999));  // the heartbeat wrote the last values
            CHECK(running.history("loss").size() == 5000);   // from the journal
            CHECK(running.history("val/acc").steps().back() == 4000);
            CHECK(exp.history("loss").size() == 5000);
            CHECK(exp.status() == ls::run_status::running);
        }
        project.save();
    }
    const ls::project ro(file, ls::mode::read_only);
    const auto& e = ro["resnet-sweep-3"];
    CHECK(e.status() == ls::run_status::finished);
    const auto& h = e.history("loss");
    REQUIRE(h.size() == 5000);
    CHECK(h.steps()[0] == 0);
    CHECK(h.steps()[4999] == 4999);
    CHECK(h.values()[10] == loss_at(10));
    CHECK(h.times()[0] > 1.7e9);
    CHECK(h.times()[4999] >= h.times()[0]);
    const double last = e.metric("loss");
    CHECK(last == loss_at(4999));
    CHECK(h.min() == loss_at(4999));
    CHECK(h.max() == 1.0);
    CHECK(e.parameter("lr") == 0.01);
    CHECK(only_status_tag(e) == "lazyscribe.status=finished");
    CHECK(e.artifacts().contains("history"));
    CHECK(e.artifacts().contains("run"));
    // The journal is spent once the history artifact is in the file.
    const auto run = e.load_artifact<ls::json>("run");
    CHECK_FALSE(dir.exists(e.path() / run["journal"].get<std::string>()));
    CHECK(run["journal"].get<std::string>().ends_with(".journal"));
    CHECK(run["status"] == "finished");
    CHECK(run["points"] == 5005);
    CHECK(run["dropped_points"] == 0);
    CHECK(run["failure"].is_null());
    CHECK(run["provenance"]["pid"] == static_cast<long long>(::getpid()));
    CHECK(run["provenance"]["command_line"].size() >= 1);
    CHECK(run["provenance"]["compiler"].get<std::string>().size() > 3);
    CHECK_THROWS_AS(e.history("lossy"), ls::not_found_error);
}

TEST_CASE("live: the history artifact is json.dump's text, read back as columns") {
    LAZYSCRIBE_TEST_DIR(dir);
    const auto file = dir / "p.json";
    ls::project project(file);
    {
        auto exp = project.log("cols", ls::live);
        exp.log_metric("b", 0.5, ls::step{0});
        exp.log_metric("a", std::nan(""), ls::step{3});
        exp.log_metric("b", 2.0, ls::step{7});  // sparse steps
    }
    project.save();
    const ls::project ro(file, ls::mode::read_only);
    const auto& e = *ro.begin();
    const std::string text = dir.read(e.path() / e.artifacts().at("history").fname());
    // First-logged order, json.dump's separators, float repr, NaN as Python writes it.
    CHECK(text.starts_with("{\"b\": {\"steps\": [0, 7], \"times\": ["));
    CHECK(text.find("\"values\": [0.5, 2.0]}, \"a\": {\"steps\": [3]") != std::string::npos);
    CHECK(text.ends_with("\"values\": [NaN]}}"));
    REQUIRE(e.histories().size() == 2);
    CHECK(e.histories().begin()->first == "b");
    CHECK(std::isnan(e.history("a").last()));
    CHECK(std::isnan(e.history("a").min()));
    CHECK(e.history("b").steps()[1] == 7);
}

TEST_CASE("live: an exception leaving the scope keeps the run, failed, project.log(name) still discards") {
    LAZYSCRIBE_TEST_DIR(dir);
    const auto file = dir / "p.json";
    ls::project project(file);
    try {
        auto exp = project.log("diverged", ls::live);
        exp.log_metric("loss", 1.0, ls::step{0});
        throw std::runtime_error("loss is NaN");
    } catch (const std::runtime_error&) {
    }
    try {
        project.log("ordinary", [](ls::experiment&) { throw std::runtime_error("no"); });
    } catch (const std::runtime_error&) {
    }
    // The callback form sees the exception, so its message is kept.
    CHECK_THROWS_WITH(project.log("callback", ls::live,
                                  [](auto& exp) {
                                      exp.log_metric("loss", 2.0, ls::step{0});
                                      throw std::runtime_error("CUDA out of memory");
                                  }),
                      "CUDA out of memory");
    {
        auto exp = project.log("explicit", ls::live);
        exp.fail("validation set missing");
        CHECK(exp.status() == ls::run_status::failed);
        CHECK_THROWS_AS(exp.checkpoint(), ls::read_only_error);
    }
    project.save();
    const ls::project ro(file, ls::mode::read_only);
    CHECK(ro.size() == 3);
    CHECK_FALSE(ro.contains("ordinary"));
    const auto& diverged = *ro.filter([](const auto& e) { return e.name() == "diverged"; }).begin();
    CHECK(diverged.status() == ls::run_status::failed);
    CHECK(diverged.history("loss").size() == 1);
    CHECK(diverged.load_artifact<ls::json>("run")["failure"].get<std::string>().find("exception left") !=
          std::string::npos);
    const auto& callback = *ro.filter([](const auto& e) { return e.name() == "callback"; }).begin();
    CHECK(callback.status() == ls::run_status::failed);
    CHECK(callback.load_artifact<ls::json>("run")["failure"] == "CUDA out of memory");
    CHECK(callback.metric("loss") == 2.0);
    const auto& expl = *ro.filter([](const auto& e) { return e.name() == "explicit"; }).begin();
    CHECK(expl.load_artifact<ls::json>("run")["failure"] == "validation set missing");
}

TEST_CASE("live: a save() inside the loop writes the running experiment") {
    LAZYSCRIBE_TEST_DIR(dir);
    const auto file = dir / "p.json";
    ls::project project(file);
    auto exp = project.log("in loop", ls::live);
    exp.log_parameter("batch", 64);
    exp.tag("baseline");
    project.save();
    const std::string text = dir.read(file);
    CHECK(text.find("\"lazyscribe.status=running\"") != std::string::npos);
    CHECK(text.find("\"batch\": 64") != std::string::npos);
    CHECK(project.size() == 1);
    CHECK_THROWS_AS(project[exp.slug()].histories(), ls::read_only_error);  // live here: through the scope
    exp.finish();
    project.save();
    CHECK(project[exp.slug()].status() == ls::run_status::finished);
    CHECK(project[exp.slug()].histories().empty());
}

TEST_CASE("live: bad options, read-only projects and reserved names are refused") {
    LAZYSCRIBE_TEST_DIR(dir);
    const auto file = dir / "p.json";
    ls::project project(file);
    ls::live_options zero = ls::live;
    zero.flush_interval = std::chrono::milliseconds(0);
    CHECK_THROWS_AS(project.log("x", zero), ls::options_error);
    ls::live_options slow = ls::live;
    slow.heartbeat_interval = std::chrono::minutes(5);
    CHECK_THROWS_WITH(project.log("x", slow), Catch::Contains("heartbeat_interval") && Catch::Contains("30 s"));
    CHECK(project.empty());
    CHECK_FALSE(dir.exists(file));
    {
        auto exp = project.log("x", ls::live);
        CHECK_THROWS_AS(exp.log_artifact<"json">("history", ls::json(1)), ls::artifact_log_error);
        exp.log_artifact<"json">("config", ls::json{{"depth", 50}});
    }
    project.save();
    const ls::project ro(file, ls::mode::read_only);
    CHECK(ro.begin()->load_artifact<ls::json>("config")["depth"] == 50);
    ls::project read_only(file, ls::mode::read_only);
    CHECK_THROWS_AS(read_only.log("y", ls::live), ls::read_only_error);
}

TEST_CASE("live: provenance is opt-out") {
    LAZYSCRIBE_TEST_DIR(dir);
    ls::project project(dir / "p.json");
    ls::live_options options = ls::live;
    options.provenance = false;
    { auto exp = project.log("anonymous", options); }
    const auto run = project.begin()->load_artifact<ls::json>("run");
    CHECK_FALSE(run.contains("provenance"));
    CHECK(run["status"] == "finished");
}

// On a slow memory storage: once, in the unit binary.
#ifndef LAZYSCRIBE_TEST_ON_S3
TEST_CASE("live: a full buffer drops, counted, or blocks, as asked") {
    // A disk that takes 20 ms per append: the loop outruns the flusher.
    class slow_storage final : public ls::storage {
    public:
        std::optional<std::string> read(const std::filesystem::path& f) override { return inner.read(f); }
        std::unique_ptr<std::istream> open(const std::filesystem::path& f, bool b) override { return inner.open(f, b); }
        void write(const std::filesystem::path& f, bool b, const std::function<void(std::ostream&)>& body,
                   bool d) override {
            inner.write(f, b, body, d);
        }
        bool exists(const std::filesystem::path& f) override { return inner.exists(f); }
        void remove(const std::filesystem::path& f) override { inner.remove(f); }
        std::shared_ptr<void> lock(const std::filesystem::path& f) override { return inner.lock(f); }
        void append(const std::filesystem::path& f, std::string_view bytes, bool d) override {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            inner.append(f, bytes, d);
        }
        ls::memory_storage inner;
    };
    for (const auto policy : {ls::when_full::drop, ls::when_full::block}) {
        ls::project_options po;
        po.files = std::make_shared<slow_storage>();
        ls::project project("memory://p.json", ls::mode::append, po);
        ls::live_options options = quick();
        options.max_buffered_points = 64;
        options.on_full = policy;
        constexpr std::int64_t total = 5'000;
        std::uint64_t dropped = 0;
        {
            auto exp = project.log("burst", options);
            for (std::int64_t s = 0; s < total; ++s) exp.log_metric("x", static_cast<double>(s), ls::step{s});
            dropped = exp.dropped_points();
        }
        const auto& h = project.begin()->history("x");
        const auto run = project.begin()->load_artifact<ls::json>("run");
        CHECK(run["dropped_points"] == dropped);
        CHECK(h.size() + dropped == total);
        if (policy == ls::when_full::drop) {
            CHECK(dropped > 0);
        } else {
            CHECK(dropped == 0);
            CHECK(h.steps().back() == total - 1);
        }
    }
}
#endif

// A local .git: once, in the unit binary.
#ifndef LAZYSCRIBE_TEST_ON_S3
TEST_CASE("live: the git commit is read from .git, without git") {
    LAZYSCRIBE_TEST_DIR(dir);
    const std::string hash = "0123456789abcdef0123456789abcdef01234567";
    dir.write(dir / "repo/.git/HEAD", "ref: refs/heads/main\n");
    dir.write(dir / "repo/.git/refs/heads/main", hash + "\n");
    std::filesystem::create_directories(dir / "repo/src/deep");
    auto git = ls::detail::git_commit_of(dir / "repo/src/deep");
    CHECK(git["commit"] == hash);
    CHECK(git["branch"] == "main");
    // Packed refs, and a worktree's .git file.
    std::filesystem::remove(dir / "repo/.git/refs/heads/main");
    dir.write(dir / "repo/.git/packed-refs", "# pack-refs with: peeled\n" + hash + " refs/heads/main\n");
    CHECK(ls::detail::git_commit_of(dir / "repo")["commit"] == hash);
    dir.write(dir / "repo/.git/worktrees/wt/HEAD", "ref: refs/heads/topic\n");
    dir.write(dir / "repo/.git/worktrees/wt/commondir", "../..\n");
    dir.write(dir / "repo/.git/refs/heads/topic", std::string(40, 'f') + "\n");
    dir.write(dir / "wt/.git", "gitdir: " + (dir / "repo/.git/worktrees/wt").string() + "\n");
    git = ls::detail::git_commit_of(dir / "wt");
    CHECK(git["commit"] == std::string(40, 'f'));
    CHECK(git["branch"] == "topic");
    dir.write(dir / "detached/.git/HEAD", hash + "\n");
    CHECK(ls::detail::git_commit_of(dir / "detached")["branch"].is_null());
}
#endif

// ---- crashes -------------------------------------------------------------------------------

namespace {

// In a child process: a live run that logs until killed; after each checkpoint it reports the
// last step that is certainly in the journal on `report` (a pipe).

[[noreturn]] void run_until_killed(const std::filesystem::path& file, int report) {
    try {
        ls::project project(file);
        auto exp = project.log("doomed", quick());
        for (std::int64_t step = 0;; ++step) {
            exp.log_metric("loss", loss_at(step), ls::step{step});
            if (step % 97 == 0) exp.log_metric("acc", static_cast<double>(step), ls::step{step});
            if (step % 500 == 499) {
                exp.checkpoint();
                const std::string line = std::to_string(step) + "\n";
                if (::write(report, line.data(), line.size()) < 0) ::_exit(3);
            }
        }
    } catch (...) {
        ::_exit(2);
    }
}

}  // namespace

TEST_CASE("live: kill -9 at random points loses no flushed point and damages nothing") {
    LAZYSCRIBE_TEST_DIR(dir);
    const auto file = dir / "p.json";
    {
        ls::project project(file);
        project.log("bystander", [](ls::experiment& e) { e.log_metric("auc", 0.9); });
        project.save();
    }
    std::mt19937 random(20261201);
    constexpr int kills = 12;
    for (int round = 0; round < kills; ++round) {
        int pipe_fds[2];
        REQUIRE(::pipe(pipe_fds) == 0);
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            ::close(pipe_fds[0]);
            run_until_killed(file, pipe_fds[1]);
        }
        ::close(pipe_fds[1]);
        std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(30, 400)(random)));
        REQUIRE(::kill(child, SIGKILL) == 0);
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        REQUIRE(WIFSIGNALED(status));
        std::string reported;
        char buffer[4096];
        for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) reported.append(buffer, n);
        ::close(pipe_fds[0]);
        std::int64_t certain = -1;  // the last step a checkpoint confirmed
        if (const auto end = reported.rfind('\n'); end != std::string::npos && end > 0) {
            const auto begin = reported.rfind('\n', end - 1);
            certain = std::stoll(reported.substr(begin == std::string::npos ? 0 : begin + 1));
        }
        INFO("round " << round << ", certain up to step " << certain);

        // The file parses; the bystander is intact; the run reads as running until its
        // heartbeat is stale, then as crashed, with every point flushed before the kill.
        const ls::project fresh(file, ls::mode::read_only);
        CHECK(fresh["bystander"].metric("auc") == 0.9);
        const auto doomed = fresh.filter([](const auto& e) { return e.status() == ls::run_status::running; });
        if (doomed.begin() == doomed.end()) {
            // Killed before the first project write finished: then nothing of the run is there.
            CHECK(certain == -1);
            continue;
        }
        // Runs started in one second share a slug and a folder: the run's record file tells them apart.
        const std::string record = doomed.begin()->artifacts().at("run").fname();
        const auto same_run = [&](const auto& e) {
            return e.artifacts().contains("run") && e.artifacts().at("run").fname() == record;
        };
        const ls::project later(file, ls::mode::read_only, reader_ahead(std::chrono::minutes(10)));
        const auto& crashed = *later.filter(same_run).begin();
        CHECK(crashed.status() == ls::run_status::crashed);
        // Killed before the first flush, the journal has no point yet.
        const auto* flushed = crashed.histories().find("loss");
        const ls::metric_history h = flushed != nullptr ? *flushed : ls::metric_history{};
        CHECK(static_cast<std::int64_t>(h.size()) >= certain + 1);
        for (std::size_t i = 0; i < h.size(); ++i) {
            REQUIRE(h.steps()[i] == static_cast<std::int64_t>(i));  // whole, in order, no gaps
            REQUIRE(h.values()[i] == loss_at(static_cast<std::int64_t>(i)));
        }
        const auto journal = crashed.path() / crashed.load_artifact<ls::json>("run")["journal"].get<std::string>();
        CHECK(dir.exists(journal));

        // Recovery, once, by the next writable save: the journal becomes the history artifact.
        for (int twice = 0; twice < 2; ++twice) {
            ls::project recovering(file, ls::mode::append, reader_ahead(std::chrono::minutes(10)));
            recovering.save();
        }
        const ls::project after(file, ls::mode::read_only);
        std::size_t recovered = 0;
        for (const auto& e : after.filter(same_run)) {
            ++recovered;
            CHECK(e.status() == ls::run_status::crashed);
            CHECK(e.artifacts().contains("history"));
            if (h.empty()) {
                CHECK(e.histories().find("loss") == nullptr);
            } else {
                CHECK(e.history("loss") == h);
                CHECK(e.metric("loss") == h.last());
            }
        }
        CHECK_FALSE(dir.exists(journal));
        CHECK(recovered == 1);
        CHECK(after["bystander"].metric("auc") == 0.9);
    }
}

// ---- what Python sees (a local folder: Python reads it in place) -------------------------

#ifndef LAZYSCRIBE_TEST_ON_S3
TEST_CASE("live: Python lazyscribe loads a live run at every state, and its histories as columns") {
    LAZYSCRIBE_REQUIRE_PYTHON();
    LAZYSCRIBE_TEST_DIR(dir);
    const auto file = dir / "p.json";
    const std::string reader = R"(
from lazyscribe import Project
p = Project("p.json", mode="r")
for e in p.experiments:
    status = [t for t in e.tags if t.startswith("lazyscribe.status=")]
    line = [e.name, status[0] if status else "-", repr(e.metrics.get("loss"))]
    if any(a.name == "history" for a in e.artifacts):
        h = e.load_artifact("history")
        line.append("%d:%d:%r" % (len(h["loss"]["steps"]), h["loss"]["steps"][-1], h["loss"]["values"][-1]))
    print("|".join(line))
)";
    {
        ls::project project(file);
        {
            auto exp = project.log("running", quick());
            for (std::int64_t s = 0; s < 100; ++s) exp.log_metric("loss", loss_at(s), ls::step{s});
            exp.checkpoint();
            CHECK(python_ok(reader, dir) == "running|lazyscribe.status=running|0.01\n");
        }
        CHECK_THROWS(project.log("failed", ls::live, [](auto& exp) {
            exp.log_metric("loss", 0.5, ls::step{0});
            throw std::runtime_error("boom");
        }));
        project.save();
    }
    CHECK(python_ok(reader, dir) ==
          "running|lazyscribe.status=finished|0.01|100:99:0.01\n"
          "failed|lazyscribe.status=failed|0.5|1:0:0.5\n");
    // A crash: the process ends without the scope ending.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            ls::project project(file);
            auto exp = project.log("crashed", quick());
            for (std::int64_t s = 0; s < 10; ++s) exp.log_metric("loss", loss_at(s), ls::step{s});
            exp.checkpoint();
            ::_exit(0);  // with the scope open, as a crash: the run's destructor never runs
        } catch (...) {
            ::_exit(2);
        }
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    CHECK(python_ok(reader, dir).ends_with("crashed|lazyscribe.status=running|0.1\n"));
    {
        ls::project recovering(file, ls::mode::append, reader_ahead(std::chrono::minutes(10)));
        recovering.save();
    }
    CHECK(python_ok(reader, dir).ends_with("crashed|lazyscribe.status=crashed|0.1|10:9:0.1\n"));
    // And a file Python saves afterwards still loads here, statuses and histories intact.
    python_ok(R"(
from lazyscribe import Project
p = Project("p.json", mode="a")
with p.log("from python") as e:
    e.log_metric("loss", 0.25)
p.save()
)",
              dir, "2030-01-01T00:00:00");
    const ls::project ro(file, ls::mode::read_only);
    CHECK(ro.size() == 4);
    CHECK(ro["from-python"].status() == ls::run_status::finished);
    const auto crashed = ro.filter([](const auto& e) { return e.name() == "crashed"; });
    CHECK(crashed.begin()->status() == ls::run_status::crashed);
    CHECK(crashed.begin()->history("loss").size() == 10);
}
#endif

TEST_CASE("live: an ended run refuses points, and says so") {
    LAZYSCRIBE_TEST_DIR(dir);
    ls::project project(dir / "p.json");
    auto exp = project.log("short", ls::live);
    exp.log_metric("loss", 1.0, ls::step{0});
    exp.finish();
    CHECK(exp.status() == ls::run_status::finished);
    CHECK_THROWS_WITH(exp.log_metric("loss", 2.0, ls::step{1}), Catch::Contains("the live run has ended"));
    CHECK_THROWS_AS(exp.log_parameter("x", 1), ls::read_only_error);
    CHECK(exp.history("loss").size() == 1);
    exp.fail("too late");  // an ended run stays as it ended
    CHECK(exp.status() == ls::run_status::finished);
    CHECK(project.begin()->status() == ls::run_status::finished);
}
