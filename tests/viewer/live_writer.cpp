// Test helper for the viewer's browser tests (viewer_test.mjs, case "live"): logs one live run,
// "Live writer", into DIR/project.json through the library, a point of "loss" and "acc" every
// INTERVAL_MS milliseconds for STEPS steps, checkpointing after each, then ends the run
// (finished). Prints "started SLUG" once the run is on disk, and "done" at the end.
//   lazyscribe_viewer_live_writer DIR STEPS INTERVAL_MS

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <thread>

#include <lazyscribe/lazyscribe.hpp>

namespace ls = lazyscribe;

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: lazyscribe_viewer_live_writer DIR STEPS INTERVAL_MS\n");
        return 2;
    }
    try {
        const std::filesystem::path dir(argv[1]);
        std::filesystem::create_directories(dir);
        const long steps = std::strtol(argv[2], nullptr, 10);
        const auto interval = std::chrono::milliseconds(std::strtol(argv[3], nullptr, 10));
        ls::project_options options;
        options.author = "writer";
        ls::project project(dir / "project.json", ls::mode::append, options);
        ls::live_options live;
        live.flush_interval = std::chrono::milliseconds(50);
        live.heartbeat_interval = std::chrono::milliseconds(200);
        auto run = project.log("Live writer", live);
        run.log_parameter("lr", 0.01);
        run.log_parameter("optimizer", ls::json::object({{"name", "adam"}}));
        run.tag("live");
        run.checkpoint();
        const std::string slug = run.edit([](ls::experiment& e) { return e.slug(); });
        std::printf("started %s\n", slug.c_str());
        std::fflush(stdout);
        for (long s = 0; s < steps; ++s) {
            run.log_metric("loss", 1.0 / static_cast<double>(s + 1), ls::step{s});
            run.log_metric("acc", 1.0 - std::exp(-0.1 * static_cast<double>(s)), ls::step{s});
            run.checkpoint();
            std::this_thread::sleep_for(interval);
        }
        std::printf("done\n");
        std::fflush(stdout);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lazyscribe_viewer_live_writer: %s\n", e.what());
        return 1;
    }
}
