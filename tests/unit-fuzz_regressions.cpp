// Replays every input the fuzzers ever found (tests/data/fuzz-regressions) and the fixtures
// through the fuzz target bodies: they may only throw lazyscribe errors.
#include "../fuzz/fuzz_targets.hpp"
#if defined(LAZYSCRIBE_WITH_YAML)
#include "../fuzz/fuzz_handlers.hpp"
#endif
#include "support.hpp"

#include <catch2/catch.hpp>

namespace {
void replay(const std::filesystem::path& folder, void (*target)(const std::uint8_t*, std::size_t)) {
    if (!std::filesystem::exists(folder)) return;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (!entry.is_regular_file()) continue;
        INFO(entry.path());
        const auto bytes = lazyscribe_test::read_file(entry.path());
        CHECK_NOTHROW(target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    }
}
}  // namespace

TEST_CASE("fuzz regressions: every saved crash input and every fixture loads or fails cleanly") {
    const std::filesystem::path data = std::filesystem::path(LAZYSCRIBE_FIXTURES_DIR).parent_path();
    replay(data / "fuzz-regressions/project", &lazyscribe_fuzz::load_project);
    replay(data / "fuzz-regressions/repository", &lazyscribe_fuzz::load_repository);
    replay(data / "fuzz-regressions/journal", &lazyscribe_fuzz::load_journal);
    replay(data / "fuzz-regressions/pickle", &lazyscribe_fuzz::load_pickle);
#if defined(LAZYSCRIBE_WITH_YAML)
    replay(data / "fuzz-regressions/handlers", &lazyscribe_fuzz::load_handlers);
    replay(data / "handler-seeds", &lazyscribe_fuzz::load_handlers);
#endif
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data / "fixtures")) {
        if (entry.path().extension() != ".json") continue;
        const auto bytes = lazyscribe_test::read_file(entry.path());
        const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
        CHECK_NOTHROW(lazyscribe_fuzz::load_project(p, bytes.size()));
        CHECK_NOTHROW(lazyscribe_fuzz::load_repository(p, bytes.size()));
    }
    std::error_code ec;
    std::filesystem::remove_all(lazyscribe_fuzz::scratch(), ec);
}
