#pragma once
// Where a live run came from (docs/format.md §11.2): host, process, command line, working
// folder, the git commit of that folder (read from .git: no git process), and the build.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <lazyscribe/detail/files.hpp>
#include <lazyscribe/detail/time.hpp>
#include <lazyscribe/detail/xxh64.hpp>
#include <lazyscribe/history.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/json.hpp>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

namespace lazyscribe::detail {

// A file of .git or /proc through the project's reader; provenance is best effort, so a file
// that cannot be read counts as absent.
inline std::optional<std::string> read_small_file(const std::filesystem::path& file) {
    try {
        return read_if_exists(file);
    } catch (const lazyscribe::error&) {
        return std::nullopt;
    }
}

inline std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
    return text;
}

/// The commit checked out in the repository that contains `folder` (and its branch, when
/// HEAD names one): .git as a folder or as a worktree's "gitdir:" file, loose or packed refs.
/// null outside a repository.
inline json git_commit_of(std::filesystem::path folder) {
    std::error_code ec;
    folder = std::filesystem::absolute(folder, ec);
    for (bool last = folder.empty(); !last; folder = folder.parent_path()) {
        last = folder == folder.parent_path();  // the root is its own parent
        const auto dot_git = folder / ".git";
        std::filesystem::path git_dir;
        if (std::filesystem::is_directory(dot_git, ec)) {
            git_dir = dot_git;
        } else if (const auto link = read_small_file(dot_git); link && link->rfind("gitdir: ", 0) == 0) {
            git_dir = trimmed(link->substr(8));
            if (git_dir.is_relative()) git_dir = folder / git_dir;
        }
        if (!git_dir.empty()) {
            const auto head = read_small_file(git_dir / "HEAD");
            if (!head) return nullptr;
            std::string ref = trimmed(*head);
            if (ref.rfind("ref: ", 0) != 0) return json{{"commit", ref}, {"branch", nullptr}};
            ref = ref.substr(5);
            // A worktree keeps its HEAD; the refs live in the common folder.
            std::filesystem::path common = git_dir;
            if (const auto c = read_small_file(git_dir / "commondir")) {
                common = trimmed(*c);
                if (common.is_relative()) common = git_dir / common;
            }
            const std::string branch = ref.rfind("refs/heads/", 0) == 0 ? ref.substr(11) : ref;
            for (const auto& dir : {git_dir, common}) {
                if (const auto loose = read_small_file(dir / ref)) {
                    return json{{"commit", trimmed(*loose)}, {"branch", branch}};
                }
            }
            if (const auto packed = read_small_file(common / "packed-refs")) {
                const std::string suffix = " " + ref;
                std::size_t at = 0;
                while (at < packed->size()) {
                    auto end = packed->find('\n', at);
                    if (end == std::string::npos) end = packed->size();
                    const std::string_view line(packed->data() + at, end - at);
                    if (line.size() > suffix.size() && line.substr(line.size() - suffix.size()) == suffix) {
                        return json{{"commit", std::string(line.substr(0, line.size() - suffix.size()))},
                                    {"branch", branch}};
                    }
                    at = end + 1;
                }
            }
            return json{{"commit", nullptr}, {"branch", branch}};  // a branch without commits yet
        }
    }
    return nullptr;
}

/// The process's command line, as it was given (/proc/self/cmdline where there is one).
inline json command_line() {
    json args = json::array();
    if (const auto raw = read_small_file("/proc/self/cmdline")) {
        std::size_t at = 0;
        while (at < raw->size()) {
            auto end = raw->find('\0', at);
            if (end == std::string::npos) end = raw->size();
            args.push_back(raw->substr(at, end - at));
            at = end + 1;
        }
    }
    return args;
}

inline std::string host_name() {
#if defined(__unix__) || defined(__APPLE__)
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0) return name;
#endif
    return {};
}

inline long long process_id() {
#if defined(__unix__) || defined(__APPLE__)
    return static_cast<long long>(::getpid());
#else
    return 0;
#endif
}

/// Eight hex digits that tell one live run's files from another's in a shared folder: a hash
/// of the process, the time to the nanosecond and a counter (no <random>: it is a heavy header).
inline std::string random_run_id() {
    static std::atomic<std::uint64_t> counter{0};
    std::string seed;
    const auto append = [&](std::uint64_t v) { seed.append(reinterpret_cast<const char*>(&v), sizeof v); };
    append(static_cast<std::uint64_t>(process_id()));
    append(static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()));
    append(static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    append(counter.fetch_add(1));
    append(reinterpret_cast<std::uintptr_t>(&seed));
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(content_signature(seed)));
    return std::string(text, 8);
}

/// The provenance fields of a live run's "run" artifact.
inline json provenance(const build_info& build) {
    std::error_code ec;
    const auto cwd = std::filesystem::current_path(ec);
    return json{{"host", host_name()},
                {"pid", process_id()},
                {"command_line", command_line()},
                {"working_directory", ec ? std::string() : cwd.string()},
                {"git", ec ? json(nullptr) : git_commit_of(cwd)},
                {"compiler", std::string(build.compiler)},
                {"optimized", build.optimized},
                {"assertions", build.assertions}};
}

}  // namespace lazyscribe::detail
