// The library-alone baseline of benchmarks/bench-viewer.mjs (docs/performance.md, section 11):
// how long reading a project takes with lazyscribe itself, to compare with `lazyscribe serve`'s
// start (which opens the projects and builds the /api/runs document) in the same run.
//
//   bench_viewer_read PROJECT_FILE [REPEATS] [project-first|summary-first]
//
// Times, wall clock, best of REPEATS (default 3), each in a fresh object destroyed outside the
// timed region:
//   project       lazyscribe::project(path, mode::read_only): what serve and report open
//   read_summary  lazyscribe::read_summary(path): the fast reader `lazyscribe list` uses
// the first of the phase that runs first (default project) as *_first_ms: a fresh process whose
// heap has not grown yet, as a server's start (the best of 3 reuses the freed memory of the
// earlier repeats, so it takes no page faults), and the peak resident memory of each phase
// (VmHWM, reset between the phases through /proc/self/clear_refs). Prints "key value" lines:
//   experiments 100000
//   project_first_ms 1900.2
//   project_ms 650.1
//   read_summary_ms 610.4
//   project_peak_rss_mb 350.3
//   read_summary_peak_rss_mb 316.7
//
// Built by benchmarks/CMakeLists.txt (Release, LAZYSCRIBE_BUILD_BENCHMARKS=ON), or by hand:
//   g++ -std=c++20 -O2 -Iinclude benchmarks/bench_viewer_read.cpp -o /tmp/bench_viewer_read -pthread

#include <lazyscribe/project.hpp>
#include <lazyscribe/summary.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace {

double now_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// VmHWM of this process in MB (0 when /proc is not there).
double peak_rss_mb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    }
    return 0;
}

// Resets VmHWM to the current RSS (Linux 4.0 and later).
void reset_peak_rss() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
}

}  // namespace

int main(int argc, char** argv) {
    const std::string order = argc >= 4 ? argv[3] : "project-first";
    if (argc < 2 || argc > 4 || (order != "project-first" && order != "summary-first")) {
        std::fprintf(stderr, "usage: bench_viewer_read PROJECT_FILE [REPEATS] [project-first|summary-first]\n");
        return 2;
    }
    const std::string path = argv[1];
    const int repeats = argc >= 3 ? std::max(1, std::atoi(argv[2])) : 3;
    try {
        std::size_t experiments = 0, summaries = 0;
        double project_first = 0, project_best = std::numeric_limits<double>::infinity();
        double summary_first = 0, summary_best = std::numeric_limits<double>::infinity();
        double project_peak = 0, summary_peak = 0;
        const auto project_phase = [&] {
            reset_peak_rss();
            for (int i = 0; i < repeats; ++i) {
                const double t0 = now_ms();
                auto p = std::make_unique<const lazyscribe::project>(path, lazyscribe::mode::read_only);
                const double t1 = now_ms();
                if (i == 0) project_first = t1 - t0;
                project_best = std::min(project_best, t1 - t0);
                experiments = p->size();
            }
            project_peak = peak_rss_mb();
        };
        const auto summary_phase = [&] {
            reset_peak_rss();
            for (int i = 0; i < repeats; ++i) {
                const double t0 = now_ms();
                auto s = std::make_unique<const std::vector<lazyscribe::experiment_summary>>(
                    lazyscribe::read_summary(path));
                const double t1 = now_ms();
                if (i == 0) summary_first = t1 - t0;
                summary_best = std::min(summary_best, t1 - t0);
                summaries = s->size();
            }
            summary_peak = peak_rss_mb();
        };
        if (order == "project-first") {
            project_phase();
            summary_phase();
        } else {
            summary_phase();
            project_phase();
        }
        if (summaries != experiments) {
            std::fprintf(stderr, "bench_viewer_read: read_summary gave %zu experiments, project %zu\n", summaries,
                         experiments);
            return 1;
        }

        std::printf("experiments %zu\n", experiments);
        if (order == "project-first") std::printf("project_first_ms %.1f\n", project_first);
        else std::printf("read_summary_first_ms %.1f\n", summary_first);
        std::printf("project_ms %.1f\n", project_best);
        std::printf("read_summary_ms %.1f\n", summary_best);
        std::printf("project_peak_rss_mb %.1f\n", project_peak);
        std::printf("read_summary_peak_rss_mb %.1f\n", summary_peak);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_viewer_read: %s\n", e.what());
        return 1;
    }
    return 0;
}
