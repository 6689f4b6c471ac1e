// The storage layer: the in-memory backend, protocols, and crash safety under injected
// faults (every operation of a save fails once) and under SIGKILL.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include <cereal/types/vector.hpp>

#include <random>

namespace ls = lazyscribe;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;

namespace {

// A project with experiment and test artifacts, logged into `p`.
void log_sample(ls::project& p, int run) {
    auto e = p.log("run " + std::to_string(run));
    e.log_metric("run", run);
    e.log_artifact<"json">("config", ls::json{{"run", run}});
    e.log_artifact<"cereal">("weights", std::vector<double>(64, run));
    auto t = e.log_test("holdout");
    t.log_metric("auc", 0.5 + run / 100.0);
    t.log_artifact<"json">("confusion", std::vector<int>{run, run});
}

// Everything a reader can see of a saved project.
std::string snapshot(const std::filesystem::path& file, const std::shared_ptr<ls::storage>& files) {
    ls::project_options options;
    options.files = files;
    ls::project p(file, ls::mode::read_only, options);
    std::string out = p.to_text();
    for (const auto& e : p) {
        out += e.load_artifact<ls::json>("config").dump();
        out += std::to_string(e.load_artifact<std::vector<double>>("weights").size());
        out += e.tests()[0].load_artifact<ls::json>("confusion").dump();
    }
    return out;
}

}  // namespace

TEST_CASE("storage: a project lives in memory with memory:// paths, and never touches the disk") {
    {
        ls::project p("memory://scratch/project.json", ls::mode::write, "m");
        log_sample(p, 1);
        p.save();
    }
    CHECK_FALSE(std::filesystem::exists("scratch/project.json"));
    ls::project p("memory://scratch/project.json", ls::mode::read_only);
    REQUIRE(p.size() == 1);
    CHECK(p["run-1"].load_artifact<std::vector<double>>("weights").size() == 64);
    const auto files = ls::memory()->files();
    CHECK(files.count("scratch/project.json") == 1);
    CHECK(files.size() == 4);  // the JSON and three artifacts

    ls::repository repo("memory://scratch/repo/repository.json", ls::mode::write);
    repo.log_artifact<"json">("m", 1);
    repo.save();
    CHECK(ls::repository("memory://scratch/repo/repository.json", ls::mode::read_only).load_artifact<int>("m") == 1);
    CHECK_THROWS_WITH(ls::project("s3://bucket/project.json", ls::mode::read_only),
                      Catch::Contains("no storage for protocol 's3'"));
}

TEST_CASE("storage: a save that fails at any operation leaves the previous saved state") {
    // Count the operations of one save, then fail each of them in turn.
    const auto count_operations = [] {
        auto base = std::make_shared<ls::memory_storage>();
        auto counter = std::make_shared<ls::faulty_storage>(base, static_cast<std::size_t>(-1));
        ls::project_options options;
        options.files = counter;
        ls::project p("p/project.json", ls::mode::write, options);
        log_sample(p, 1);
        p.save();
        log_sample(p, 2);
        const auto before = counter->operations();
        p.save();
        return counter->operations() - before;
    };
    const std::size_t operations = count_operations();
    REQUIRE(operations >= 4);  // artifacts of experiment and test, then the JSON
    for (std::size_t k = 1; k <= operations; ++k) {
        INFO("failing operation " << k << " of " << operations);
        auto base = std::make_shared<ls::memory_storage>();
        ls::project_options plain;
        plain.files = base;
        {
            ls::project p("p/project.json", ls::mode::write, plain);
            log_sample(p, 1);
            p.save();
        }
        const auto saved = snapshot("p/project.json", base);

        auto faulty = std::make_shared<ls::faulty_storage>(base, k);
        ls::project_options options;
        options.files = faulty;
        ls::project p("p/project.json", ls::mode::append, options);
        log_sample(p, 2);
        CHECK_THROWS_AS(p.save(), ls::save_error);
        CHECK(snapshot("p/project.json", base) == saved);  // reloads identical
    }
}

TEST_CASE("storage: a process killed at random points during saves leaves a loadable project") {
    temp_dir dir;
    const auto file = dir / "big/project.json";
    {
        ls::project p(file, ls::mode::write, "k");
        for (int i = 0; i < 200; ++i) log_sample(p, i);
        p.save();
    }
    std::mt19937 rng(12345);
    for (int round = 0; round < 8; ++round) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            try {
                ls::project p(file, ls::mode::append, "k");
                for (int i = 0;; ++i) {
                    log_sample(p, 1000 + round * 1000 + i);
                    p.save();
                }
            } catch (...) {
            }
            ::_exit(0);
        }
        ::usleep(std::uniform_int_distribution<int>(20000, 300000)(rng));
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        INFO("round " << round);
        ls::project p(file, ls::mode::read_only);  // never torn
        CHECK(p.size() >= 200);
        for (const auto& e : p) {
            for (const auto& a : e.artifacts()) CHECK(std::filesystem::exists(e.path() / a.fname()));
            for (const auto& t : e.tests())
                for (const auto& a : t.artifacts()) CHECK(std::filesystem::exists(t.path() / a.fname()));
        }
    }
}

TEST_CASE("storage: the change signature does not depend on how the bytes are fed") {
    std::string text;
    for (int i = 0; i < 3000; ++i) text += static_cast<char>('a' + (i * 7919) % 26);
    const auto whole = ls::detail::content_signature(text);
    for (std::size_t piece : {1u, 3u, 31u, 32u, 33u, 64u, 1000u}) {
        ls::detail::content_hasher h;
        for (std::size_t at = 0; at < text.size(); at += piece) h.update(std::string_view(text).substr(at, piece));
        CHECK(h.digest() == whole);
    }
    std::string changed = text;
    changed[1500] = 'Z';
    CHECK(ls::detail::content_signature(changed) != whole);
    CHECK(ls::detail::content_signature(text.substr(0, 2999)) != whole);
    CHECK(ls::detail::content_signature("") != ls::detail::content_signature(std::string(1, '\0')));
    // XXH64 with seed 0: the reference values (the last one from the python-xxhash docs).
    CHECK(ls::detail::content_signature("") == 0xEF46DB3751D8E999ull);
    CHECK(ls::detail::content_signature("abc") == 0x44BC2CF5AD770999ull);
    CHECK(ls::detail::content_signature("Nobody inspects the spammish repetition") == 0xFBCEA83C8A378BF1ull);
}
