// The storage layer: the in-memory backend, protocols, and crash safety under injected
// faults (every operation of a save fails once) and under SIGKILL.
#include "support.hpp"

#include <lazyscribe/detail/xxh64.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cereal/types/vector.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <set>
#include <thread>
#include <atomic>
#include <string>
#include <string_view>
#include <system_error>

namespace ls = lazyscribe;
// The samples keep binary (cereal) artifacts next to JSON ones.
using project_t = ls::basic_project<ls::with_cereal>;
using lazyscribe_test::read_file;
using lazyscribe_test::temp_dir;

namespace {

// A project with experiment and test artifacts, logged into `p`.
void log_sample(project_t& p, int run) {
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
    project_t p(file, ls::mode::read_only, options);
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
        project_t p("memory://scratch/project.json", ls::mode::write, "m");
        log_sample(p, 1);
        p.save();
    }
    CHECK_FALSE(std::filesystem::exists("scratch/project.json"));
    project_t p("memory://scratch/project.json", ls::mode::read_only);
    REQUIRE(p.size() == 1);
    CHECK(p["run-1"].load_artifact<std::vector<double>>("weights").size() == 64);
    const auto files = ls::memory()->files();
    CHECK(files.count("scratch/project.json") == 1);
    CHECK(files.size() == 4);  // the JSON and three artifacts

    ls::repository repo("memory://scratch/repo/repository.json", ls::mode::write);
    repo.log_artifact<"json">("m", 1);
    repo.save();
    CHECK(ls::repository("memory://scratch/repo/repository.json", ls::mode::read_only).load_artifact<int>("m") == 1);
    CHECK_THROWS_WITH(project_t("s3://bucket/project.json", ls::mode::read_only),
                      Catch::Contains("no storage for protocol 's3'"));
}

TEST_CASE("storage: a save that fails at any operation leaves the previous saved state") {
    // Count the operations of one save, then fail each of them in turn.
    const auto count_operations = [] {
        auto base = std::make_shared<ls::memory_storage>();
        auto counter = std::make_shared<ls::faulty_storage>(base, static_cast<std::size_t>(-1));
        ls::project_options options;
        options.files = counter;
        project_t p("p/project.json", ls::mode::write, options);
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
            project_t p("p/project.json", ls::mode::write, plain);
            log_sample(p, 1);
            p.save();
        }
        const auto saved = snapshot("p/project.json", base);

        auto faulty = std::make_shared<ls::faulty_storage>(base, k);
        ls::project_options options;
        options.files = faulty;
        project_t p("p/project.json", ls::mode::append, options);
        log_sample(p, 2);
        CHECK_THROWS_AS(p.save(), ls::save_error);
        CHECK(snapshot("p/project.json", base) == saved);  // reloads identical
    }
}

TEST_CASE("storage: a process killed at random points during saves leaves a loadable project") {
    temp_dir dir;
    const auto file = dir / "big/project.json";
    {
        project_t p(file, ls::mode::write, "k");
        for (int i = 0; i < 200; ++i) log_sample(p, i);
        p.save();
    }
    std::mt19937 rng(12345);
    for (int round = 0; round < 8; ++round) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            try {
                project_t p(file, ls::mode::append, "k");
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
        project_t p(file, ls::mode::read_only);  // never torn
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

// The inputs of 32 bytes and more go through the four-lane stripes, which the short vectors
// above do not reach. Reference values: XXH64 of the system's libxxhash 0.8.1, seed 0.
TEST_CASE("storage: XXH64 matches the reference implementation across the stripe boundary") {
    struct vector_row {
        std::size_t size;
        std::uint64_t xxh64;
    };
    const vector_row rows[] = {
        {4, 0x9bb64b7d66ee9fdaull},    {8, 0xdab99d95c6f90092ull},  {12, 0xd52e407833af5133ull},
        {31, 0xa2aa5f33cc4a6119ull},   {32, 0x23c3c17ef790fd97ull}, {33, 0x50a7cfc7ba588784ull},
        {63, 0x5e3e54b431c7493cull},   {64, 0x0eb64b3ef6eeb01full}, {100, 0xa61f8d4c170fe531ull},
        {1000, 0x5f235fa033f1a3fbull},
    };
    for (const auto& row : rows) {
        std::string bytes;
        for (std::size_t i = 0; i < row.size; ++i) bytes += static_cast<char>((i * 7 + 3) % 256);
        CAPTURE(row.size);
        CHECK(ls::detail::content_signature(bytes) == row.xxh64);
        ls::detail::content_hasher fed;
        for (std::size_t at = 0; at < bytes.size(); at += 5) fed.update(std::string_view(bytes).substr(at, 5));
        CHECK(fed.digest() == row.xxh64);
    }
    std::string text;
    for (int i = 0; i < 3000; ++i) text += static_cast<char>('a' + (i * 7919) % 26);
    CHECK(ls::detail::content_signature(text) == 0x92a2782408fd6069ull);
}

namespace {

// The OS's message for an errno, as error messages carry it.
std::string reason(int error_number) { return std::error_code(error_number, std::generic_category()).message(); }

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ls::error& e) {
        return e.what();
    }
    return "(no exception)";
}

// Local storage, except that every write goes to /dev/full: the real ENOSPC of a full disk.
class full_disk_storage final : public ls::storage {
public:
    std::optional<std::string> read(const std::filesystem::path& file) override { return inner_->read(file); }
    std::unique_ptr<std::istream> open(const std::filesystem::path& file, bool binary) override {
        return inner_->open(file, binary);
    }
    void write(const std::filesystem::path& file, bool, const std::function<void(std::ostream&)>& body, bool) override {
        const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
        if (fd < 0) throw ls::save_error("test: cannot open /dev/full");
        ls::detail::fd_output out(fd, file);
        out.run(body);
        out.close(false);
    }
    bool exists(const std::filesystem::path& file) override { return inner_->exists(file); }
    void remove(const std::filesystem::path& file) override { inner_->remove(file); }
    std::shared_ptr<void> lock(const std::filesystem::path& file) override { return inner_->lock(file); }

private:
    std::shared_ptr<ls::storage> inner_ = ls::local();
};

}  // namespace

TEST_CASE("storage: errors name the operation, the file and the OS reason", "[storage][errors]") {
    temp_dir dir;
    lazyscribe_test::write_file(dir / "plain", "a regular file");
    auto local = ls::local();

    // A lock file under a regular file (ENOTDIR), and a lock file that is a folder (EISDIR).
    CHECK_THAT(message_of([&] { (void)local->lock(dir / "plain/p.json"); }),
               Catch::Contains("cannot open the lock file " + (dir / "plain/p.json.lock").string()) &&
                   Catch::Contains(reason(ENOTDIR)));
    std::filesystem::create_directories(dir / "p.json.lock");
    CHECK_THAT(message_of([&] { (void)local->lock(dir / "p.json"); }),
               Catch::Contains("p.json.lock") && Catch::Contains(reason(EISDIR)));

    // A write whose target is a folder, and one whose folder would be under a regular file.
    std::filesystem::create_directories(dir / "folder.json");
    auto body = [](std::ostream& out) { out << "{}"; };
    CHECK_THAT(message_of([&] { local->write(dir / "folder.json", false, body, true); }),
               Catch::Contains("cannot replace " + (dir / "folder.json").string()) && Catch::Contains(reason(EISDIR)));
    CHECK_THAT(message_of([&] { local->write(dir / "plain/sub/x.json", false, body, true); }),
               Catch::Contains("plain/sub") && (Catch::Contains(reason(ENOTDIR)) || Catch::Contains(reason(EEXIST))));

    // Reads: a folder where a file is expected.
    CHECK_THAT(message_of([&] { (void)local->read(dir / "folder.json"); }),
               Catch::Contains("cannot read " + (dir / "folder.json").string()) && Catch::Contains(reason(EISDIR)));
    CHECK_THAT(message_of([&] { (void)local->open(dir / "folder.json", true); }),
               Catch::Contains("cannot open " + (dir / "folder.json").string()) && Catch::Contains(reason(EISDIR)));
    CHECK(local->open(dir / "missing.json", true) == nullptr);  // absent is not an error
    CHECK(local->open(dir / "plain/x.json", true) == nullptr);  // nor is a path under a file (ENOTDIR)

    // A full disk: the writer reports ENOSPC with the file, not a bare "cannot write".
    const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CHECK_THAT(message_of([&] {
                   ls::detail::fd_output out(fd, "/dev/full");
                   out << std::string(200000, 'x');
                   out.close(false);
               }),
               Catch::Contains("cannot write /dev/full") && Catch::Contains(reason(ENOSPC)));
}

TEST_CASE("storage: an artifact that cannot be saved or read is named with its file and the OS reason",
          "[storage][errors]") {
    temp_dir dir;
    {
        ls::project_options options;
        options.files = std::make_shared<full_disk_storage>();
        project_t p(dir / "p/project.json", ls::mode::write, options);
        {
            auto e = p.log("Full");
            e.log_artifact<"cereal">("weights", std::vector<double>(100000, 1.0), {.fname = "weights.cereal"});
        }
        const auto message = message_of([&] { p.save(); });
        CHECK_THAT(message, Catch::Contains("artifact 'weights'") && Catch::Contains("weights.cereal") &&
                                Catch::Contains(reason(ENOSPC)));
        CHECK(message.rfind("[lazyscribe.save_error] artifact 'weights': cannot write ", 0) == 0);  // one id, in front
    }
    {
        project_t p(dir / "q/project.json", ls::mode::write, "t");
        {
            auto e = p.log("Dir");
            e.log_artifact<"json">("config", ls::json{{"a", 1}}, {.fname = "config.json"});
        }
        p.save();
    }
    // The artifact's file replaced by a folder: reading it names the artifact, the file, the reason.
    const project_t p(dir / "q/project.json", ls::mode::read_only);
    const auto file = p["dir"].path() / "config.json";
    std::filesystem::remove(file);
    std::filesystem::create_directories(file);
    CHECK_THAT(
        message_of([&] { (void)p["dir"].load_artifact<ls::json>("config"); }),
        Catch::Contains("artifact 'config'") && Catch::Contains(file.string()) && Catch::Contains(reason(EISDIR)));
    // And a folder where the artifact's folder should be: the save names the artifact and why.
    project_t q(dir / "r/project.json", ls::mode::write, "t");
    lazyscribe_test::write_file(dir / "r/blocked", "a file");
    {
        auto e = q.log("Blocked");
        e.log_artifact<"json">("config", 1, {.fname = "../blocked/config.json"});
    }
    CHECK_THAT(message_of([&] { q.save(); }),
               Catch::Contains("artifact 'config'") && Catch::Contains("blocked") &&
                   (Catch::Contains(reason(ENOTDIR)) || Catch::Contains(reason(EEXIST))));
}

namespace {

// A handler whose write blocks after its first megabyte, until the process is signalled.
int gate_fd = -1;
struct blocking_handler {
    static constexpr std::string_view alias = "blocking";
    static constexpr std::string_view suffix = "bin";
    static constexpr bool binary = true;
    static constexpr bool output_only = false;
    static void write(const int&, std::ostream& out, const ls::json&) {
        out << std::string(1 << 20, 'x');
        out.flush();
        const char ready = 'r';
        (void)!::write(gate_fd, &ready, 1);
        for (;;) ::pause();
    }
    static int read(std::istream&, const ls::json&) { return 0; }
};
using blocking_set = ls::basic_artifact_set<ls::builtin_handlers::with<blocking_handler>>;

std::vector<std::string> temporaries_in(const std::filesystem::path& folder) {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        const auto name = entry.path().filename().string();
        if (name.find(".lazyscribe-tmp-") != std::string::npos) out.push_back(name);
    }
    return out;
}

// Forks a writer that stops in the middle of writing big.bin in `folder`; returns its pid.
pid_t start_blocked_writer(const std::filesystem::path& folder) {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        std::signal(SIGINT, SIG_DFL);  // Catch2's handler would report instead of dying
        ::close(pipe_fds[0]);
        gate_fd = pipe_fds[1];
        try {
            blocking_set set(folder);
            set.log_artifact<"blocking">("big", 1, {.fname = "big.bin"});
            set.save();
        } catch (...) {
        }
        ::_exit(1);
    }
    ::close(pipe_fds[1]);
    char ready = 0;
    REQUIRE(::read(pipe_fds[0], &ready, 1) == 1);
    ::close(pipe_fds[0]);
    return pid;
}

}  // namespace

TEST_CASE("storage: the next save removes temporary files a killed save left, never a live writer's or another's",
          "[storage][temporaries]") {
    temp_dir dir;
    const auto folder = dir / "exp";
    std::filesystem::create_directories(folder);
    // Files that are not our temporaries, or not stale, stay whatever happens.
    const std::vector<std::string> others = {".big.bin.lazyscribe-tmp-x1", "big.bin.lazyscribe-tmp-1", ".notes.txt",
                                             ".big.bin.lazyscribe-tmp-", ".recent.json.lazyscribe-tmp-7"};
    for (const auto& name : others) lazyscribe_test::write_file(folder / name, "keep");
    const pid_t writer = start_blocked_writer(folder);
    // An old temporary of the older naming (no process id) is stale once a day old.
    lazyscribe_test::write_file(folder / ".old.json.lazyscribe-tmp-3", "stale");
    std::filesystem::last_write_time(folder / ".old.json.lazyscribe-tmp-3",
                                     std::filesystem::file_time_type::clock::now() - std::chrono::hours(48));
    auto ours = temporaries_in(folder);
    std::erase_if(ours, [&](const std::string& n) {
        return std::find(others.begin(), others.end(), n) != others.end() || n == ".old.json.lazyscribe-tmp-3";
    });
    REQUIRE(ours.size() == 1);
    const auto live = folder / ours[0];
    CHECK(std::filesystem::file_size(live) >= (1u << 20));

    // While the writer lives, a sweep leaves its temporary alone (it holds the temporary's lock).
    CHECK(ls::detail::remove_stale_temporaries(folder) == 1);  // only the day-old one
    CHECK(std::filesystem::exists(live));
    CHECK_FALSE(std::filesystem::exists(folder / ".old.json.lazyscribe-tmp-3"));

    // SIGINT in the middle of the save: the temporary stays behind...
    ::kill(writer, SIGINT);
    int status = 0;
    ::waitpid(writer, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(std::filesystem::exists(live));

    // ...until the next save into that folder, which removes it and nothing else.
    ls::basic_artifact_set<lazyscribe_test::test_handlers> set(folder);
    set.log_artifact<"json">("next", 1, {.fname = "next.json"});
    set.save();
    CHECK_FALSE(std::filesystem::exists(live));
    CHECK(read_file(folder / "next.json") == "1");
    for (const auto& name : others) CHECK(read_file(folder / name) == "keep");
}

// ---- Conditional writes: the many-writers protocol of object storage, run on the memory
// backend (a real compare-and-swap) and on faults injected around it.

namespace {

// The memory backend with the retry policy's waits shortened, so that tests of lost races run fast.
class quick_retry_storage final : public ls::storage {
public:
    explicit quick_retry_storage(std::shared_ptr<ls::storage> inner, ls::save_retry policy = {16, std::chrono::microseconds(200), std::chrono::microseconds(5'000)})
        : inner_(std::move(inner)), policy_(policy) {}
    std::optional<std::string> read(const std::filesystem::path& f) override { return inner_->read(f); }
    std::unique_ptr<std::istream> open(const std::filesystem::path& f, bool b) override { return inner_->open(f, b); }
    void write(const std::filesystem::path& f, bool b, const std::function<void(std::ostream&)>& body,
               bool d) override {
        inner_->write(f, b, body, d);
    }
    bool exists(const std::filesystem::path& f) override { return inner_->exists(f); }
    void remove(const std::filesystem::path& f) override { inner_->remove(f); }
    std::shared_ptr<void> lock(const std::filesystem::path& f) override { return inner_->lock(f); }
    [[nodiscard]] bool conditional_writes() const override { return inner_->conditional_writes(); }
    [[nodiscard]] ls::save_retry retry_policy() const override { return policy_; }
    ls::versioned_bytes read_versioned(const std::filesystem::path& f) override { return inner_->read_versioned(f); }
    ls::write_result write_if(const std::filesystem::path& f, const ls::write_condition& c, bool b,
                              const std::function<void(std::ostream&)>& body, bool d) override {
        ++conditional_writes_seen;
        if (before_write_if) before_write_if(f);
        return inner_->write_if(f, c, b, body, d);
    }
    std::function<void(const std::filesystem::path&)> before_write_if;
    std::size_t conditional_writes_seen = 0;

private:
    std::shared_ptr<ls::storage> inner_;
    ls::save_retry policy_;
};

ls::project_options on(std::shared_ptr<ls::storage> files, std::string author = "w") {
    ls::project_options options;
    options.author = std::move(author);
    options.files = std::move(files);
    options.durable = false;
    return options;
}

}  // namespace

TEST_CASE("storage: memory_storage's write_if is a compare-and-swap", "[storage][conditional]") {
    ls::memory_storage files;
    const auto put = [](std::string text) {
        return [text = std::move(text)](std::ostream& out) { out << text; };
    };
    CHECK(files.conditional_writes());
    CHECK_FALSE(files.read_versioned("f").bytes);
    const auto first = files.write_if("f", ls::write_condition::create_only(), true, put("one"), false);
    REQUIRE(first.outcome == ls::write_outcome::written);
    CHECK(files.write_if("f", ls::write_condition::create_only(), true, put("two"), false).outcome ==
          ls::write_outcome::condition_failed);
    const auto read = files.read_versioned("f");
    CHECK(*read.bytes == "one");
    CHECK(read.version == first.version);
    const auto second = files.write_if("f", ls::write_condition::replace(read.version), true, put("two"), false);
    REQUIRE(second.outcome == ls::write_outcome::written);
    CHECK(second.version != first.version);
    // The version read before the second write is stale now.
    CHECK(files.write_if("f", ls::write_condition::replace(read.version), true, put("three"), false).outcome ==
          ls::write_outcome::condition_failed);
    CHECK(*files.read("f") == "two");
    CHECK(files.write_if("g", ls::write_condition::replace("1"), true, put("x"), false).outcome ==
          ls::write_outcome::condition_failed);  // replace-only of a missing file
    CHECK_FALSE(files.exists("g"));
}

TEST_CASE("storage: a save that loses the race re-reads, merges what the winner saved, and retries",
          "[storage][conditional]") {
    auto base = std::make_shared<ls::memory_storage>();
    auto files = std::make_shared<quick_retry_storage>(base);
    {
        project_t p("p/project.json", ls::mode::write, on(files, "a"));
        log_sample(p, 1);
        p.save();
    }
    project_t mine("p/project.json", ls::mode::append, on(files, "a"));
    log_sample(mine, 2);
    // Just before this session's conditional write of the project file, another writer saves.
    bool raced = false;
    files->before_write_if = [&](const std::filesystem::path& f) {
        if (raced || f != "p/project.json") return;
        raced = true;
        project_t other("p/project.json", ls::mode::append, on(base, "b"));
        log_sample(other, 3);
        other.save();
    };
    mine.save();
    REQUIRE(raced);
    project_t after("p/project.json", ls::mode::read_only, on(base));
    CHECK(after.size() == 3);
    for (const char* slug : {"run-1", "run-2", "run-3"}) {
        INFO(slug);
        const auto* e = after.find(slug);
        REQUIRE(e != nullptr);
        CHECK(e->load_artifact<std::vector<double>>("weights").size() == 64);
    }
    // This session now knows the file as written: the next save merges nothing and writes once.
    files->before_write_if = nullptr;
    const auto writes = files->conditional_writes_seen;
    log_sample(mine, 4);
    mine.save();
    CHECK(files->conditional_writes_seen - writes == 4);  // three artifacts, then the file once
    CHECK(project_t("p/project.json", ls::mode::read_only, on(base)).size() == 4);
}

TEST_CASE("storage: a conditional write whose outcome is unknown is settled by reading the file back",
          "[storage][conditional]") {
    for (const auto fault : {ls::injected_fault::unknown_stored, ls::injected_fault::unknown_not_stored,
                             ls::injected_fault::lost_race}) {
        INFO("fault " << static_cast<int>(fault));
        auto base = std::make_shared<ls::memory_storage>();
        {
            project_t p("p/project.json", ls::mode::write, on(base));
            log_sample(p, 1);
            p.save();
        }
        // The project file is the save's fourth conditional write (three artifacts first).
        auto faulty = std::make_shared<ls::faulty_storage>(std::make_shared<quick_retry_storage>(base), 4, fault);
        project_t p("p/project.json", ls::mode::append, on(faulty));
        log_sample(p, 2);
        p.save();
        CHECK(faulty->operations() >= 4);
        project_t after("p/project.json", ls::mode::read_only, on(base));
        REQUIRE(after.size() == 2);  // once each: a write that landed is not written twice
        CHECK(after["run-2"].load_artifact<ls::json>("config") == ls::json{{"run", 2}});
    }
}

TEST_CASE("storage: a save overtaken at every attempt gives up after the bound, leaving the file as it was",
          "[storage][conditional]") {
    auto base = std::make_shared<ls::memory_storage>();
    auto files = std::make_shared<quick_retry_storage>(
        base, ls::save_retry{4, std::chrono::microseconds(100), std::chrono::microseconds(1'000)});
    {
        project_t p("p/project.json", ls::mode::write, on(base));
        log_sample(p, 1);
        p.save();
    }
    int others = 0;
    files->before_write_if = [&](const std::filesystem::path& f) {
        if (f != "p/project.json") return;
        project_t other("p/project.json", ls::mode::append, on(base, "other"));
        log_sample(other, 100 + others++);
        other.save();
    };
    project_t mine("p/project.json", ls::mode::append, on(files));
    log_sample(mine, 2);
    CHECK_THROWS_WITH(mine.save(), Catch::Contains("save_error") && Catch::Contains("p/project.json") &&
                                       Catch::Contains("4 attempts"));
    CHECK(others == 4);
    project_t after("p/project.json", ls::mode::read_only, on(base));
    CHECK(after.size() == 5);  // the first run and the four others: nothing torn, nothing of theirs lost
    CHECK(after.find("run-2") == nullptr);
    // Kept in memory: once the others stop, save() again succeeds.
    files->before_write_if = nullptr;
    mine.save();
    CHECK(project_t("p/project.json", ls::mode::read_only, on(base)).size() == 6);
}

TEST_CASE("storage: artifacts on conditional storage are created, never replaced: a taken name gets a variant",
          "[storage][conditional]") {
    auto base = std::make_shared<ls::memory_storage>();
    // Another writer's file already has the name this artifact would take.
    ls::basic_artifact_set<ls::builtin_handlers> set;
    set.set_folder("p", "p", base);
    set.log_artifact<"json">("config", ls::json{{"mine", true}});
    const std::string fname = set.at("config").fname();
    base->write(std::filesystem::path("p") / fname, false, [](std::ostream& out) { out << "theirs"; }, false);
    set.save(false);
    CHECK(*base->read(std::filesystem::path("p") / fname) == "theirs");
    const std::string variant = set.at("config").fname();
    CHECK(variant != fname);
    CHECK(ls::json::parse(*base->read(std::filesystem::path("p") / variant)) == ls::json{{"mine", true}});
    // The set's own file is replaced by its later writes.
    ls::log_options again;
    again.fname = variant;
    again.overwrite = true;
    set.log_artifact<"json">("config", ls::json{{"mine", 2}}, again);
    set.save(false);
    CHECK(ls::json::parse(*base->read(std::filesystem::path("p") / variant)) == ls::json{{"mine", 2}});
}

TEST_CASE("storage: many writers on one conditional store lose nothing: projects and repositories",
          "[storage][conditional]") {
    constexpr int writers = 8;
    constexpr int saves = 25;
    auto base = std::make_shared<ls::memory_storage>();
    auto files = std::make_shared<quick_retry_storage>(base, ls::save_retry{64, std::chrono::microseconds(100), std::chrono::microseconds(20'000)});
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            try {
                project_t p("many/project.json", ls::mode::append, on(files, "writer" + std::to_string(w)));
                ls::repository repo("many/repo/repository.json", ls::mode::edit,
                                    ls::repository_options{{}, false, files});
                for (int i = 0; i < saves; ++i) {
                    auto e = p.log("w" + std::to_string(w) + " i" + std::to_string(i));  // same second: same slug stem
                    e.log_metric("writer", w);
                    e.log_metric("save", i);
                    e.log_artifact<"json">("config", ls::json{{"w", w}, {"i", i}});
                    e.commit();
                    p.save();
                    repo.log_artifact<"json">("model", ls::json{{"w", w}, {"i", i}});
                    repo.save();
                }
            } catch (const std::exception& ex) {
                UNSCOPED_INFO("writer " << w << ": " << ex.what());
                ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    REQUIRE(failures == 0);
    project_t p("many/project.json", ls::mode::read_only, on(base));
    CHECK(p.size() == writers * saves);
    std::set<std::pair<int, int>> seen;
    for (const auto& e : p) {
        const auto config = e.load_artifact<ls::json>("config");
        CHECK(config["w"].get<double>() == e.metric("writer"));
        seen.emplace(config["w"].get<int>(), config["i"].get<int>());
    }
    CHECK(seen.size() == static_cast<std::size_t>(writers * saves));
    ls::repository repo("many/repo/repository.json", ls::mode::read_only, ls::repository_options{{}, false, base});
    std::set<long long> versions;
    std::set<std::pair<int, int>> contents;
    std::set<std::string> fnames;
    for (const auto& a : repo) {
        versions.insert(a.version());
        fnames.insert(a.fname());
        ls::repository_load_options which;
        which.version = a.version();
        const auto j = repo.load_artifact<ls::json>("model", which);
        contents.emplace(j["w"].get<int>(), j["i"].get<int>());
    }
    CHECK(versions.size() == static_cast<std::size_t>(writers * saves));  // no version number twice
    CHECK(*versions.rbegin() == writers * saves - 1);
    CHECK(fnames.size() == static_cast<std::size_t>(writers * saves));    // no file written twice
    CHECK(contents.size() == static_cast<std::size_t>(writers * saves));
}

TEST_CASE("storage: a project registered by a protocol path is found by its key, as a local one",
          "[storage][registry]") {
    const std::string up_location = "memory://registry-test/upstream/project.json";
    {
        project_t up(up_location, ls::mode::write, "u");
        up.log("feature set", [](auto&) {});
        up.save();
        project_t down("memory://registry-test/downstream/project.json", ls::mode::write, "d");
        down.log("model", [&](auto& e) { e.add_dependency(*up.begin()); });
        ls::project_registry::clear();
        ls::project_registry::add("features", up_location);
        down.save();  // the dependency is written with the key
    }
    const auto text = *ls::memory()->read("registry-test/downstream/project.json");
    CHECK(text.find("\"features|feature-set-") != std::string::npos);
    // The key resolves to the registered protocol path, read through the downstream's storage.
    project_t down("memory://registry-test/downstream/project.json", ls::mode::read_only);
    const auto deps = down.begin()->dependencies();
    REQUIRE(deps.size() == 1);
    ls::project_registry::clear();
}

TEST_CASE("storage: minimal_repository_from_release writes to a protocol location, reading the repository's",
          "[storage][release]") {
    temp_dir dir;
    ls::repository repo(dir / "repo/repository.json", ls::mode::write);
    repo.log_artifact<"json">("model", ls::json{{"w", 1}});
    repo.save();
    const ls::repository saved(dir / "repo/repository.json", ls::mode::read_only);
    const auto rel = ls::create_release(saved, "1.0.0");
    const auto minimal = ls::minimal_repository_from_release("memory://minimal-test/m", saved, rel);
    CHECK(minimal.load_artifact<ls::json>("model") == ls::json{{"w", 1}});
    CHECK(ls::memory()->read("minimal-test/m/repository.json"));
    CHECK_FALSE(std::filesystem::exists(dir / "memory:"));
    CHECK_FALSE(std::filesystem::exists("memory:"));
}
