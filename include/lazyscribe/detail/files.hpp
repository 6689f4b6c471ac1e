#pragma once
// Paths that must stay inside a folder, and files replaced atomically: a crash or a throwing
// writer leaves the previous file (or no file) in place, never a torn one.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <lazyscribe/errors.hpp>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#endif

namespace lazyscribe::detail {

/// `text` with control characters (a NUL byte, say) shown as \xNN, for error messages.
inline std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
            out += hex[static_cast<unsigned char>(c) & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

/// Why `relative` cannot name a file inside a folder (empty, absolute, climbs out, names the
/// folder itself), or an empty string when it can.
inline std::string outside_folder_reason(std::string_view relative) {
    if (relative.find('\0') != std::string_view::npos) return "contains a NUL byte";
    // The common case, one plain file or folder name, without building a path.
    if (!relative.empty() && relative != "." && relative != ".." &&
        relative.find_first_of("/\\:") == std::string_view::npos) {
        return "";
    }
    const std::filesystem::path rel{std::string(relative)};
    if (relative.empty()) return "is empty";
    if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory()) return "is not a relative path";
    int depth = 0;
    for (const auto& part : rel.lexically_normal()) {
        if (part == "..") {
            if (--depth < 0) return "climbs out of the folder";
        } else if (!part.empty() && part != ".") {
            ++depth;
        }
    }
    return depth == 0 ? "names the folder itself, not a file" : "";
}

/// folder / relative, refusing a relative path that cannot name a file inside folder.
inline std::filesystem::path resolve_inside(const std::filesystem::path& folder, std::string_view relative,
                                            std::string_view what) {
    if (const auto reason = outside_folder_reason(relative); !reason.empty()) {
        throw path_error(std::string(what) + ": '" + printable(relative) + "' " + reason + " (folder " +
                         folder.string() + ")");
    }
    return folder / std::filesystem::path(std::string(relative));
}

/// Refuses `file` when, with symbolic links followed, it lies outside `root`: a link planted
/// inside a project folder must not lead a read or a write elsewhere. Checked before opening.
inline void ensure_real_path_inside(const std::filesystem::path& root, const std::filesystem::path& file,
                                    std::string_view what) {
    std::error_code ec;
    const auto real_root = std::filesystem::weakly_canonical(root.empty() ? std::filesystem::path(".") : root, ec);
    if (ec) return;  // the root itself does not resolve: nothing below it exists yet
    const auto real_file = std::filesystem::weakly_canonical(file, ec);
    if (ec) return;
    const auto [r, f] = std::mismatch(real_root.begin(), real_root.end(), real_file.begin(), real_file.end());
    if (r != real_root.end()) {
        throw format_error(std::string(what) + ": " + file.string() + " resolves to " + real_file.string() +
                           ", outside " + real_root.string() + " (a symbolic link leads out of the folder)");
    }
}

/// `fname`, or the first of stem-1.ext, stem-2.ext, ... that `taken` does not report.
template <class Taken>
std::string unique_variant(const std::string& fname, Taken&& taken) {
    const auto dot = fname.find_last_of('.');
    const auto slash = fname.find_last_of('/');
    const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
    const std::string stem = has_ext ? fname.substr(0, dot) : fname;
    const std::string ext = has_ext ? fname.substr(dot) : "";
    std::string candidate = fname;
    for (int n = 1; taken(candidate); ++n) candidate = stem + "-" + std::to_string(n) + ext;
    return candidate;
}

inline std::filesystem::path temporary_sibling(const std::filesystem::path& target) {
    static std::atomic<unsigned> counter{0};
    auto name = target.filename().string();
    name = "." + name + ".lazyscribe-tmp-" + std::to_string(counter.fetch_add(1));
    return target.parent_path() / name;
}

/// Flushes a file's (or a folder's) data to the device, so that a rename that follows is
/// not reordered before the data on a crash or power loss.
inline void sync_to_disk(const std::filesystem::path& path, bool is_directory) {
#if defined(__unix__) || defined(__APPLE__)
    const int fd = ::open(path.c_str(), is_directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0) throw save_error("cannot open " + path.string() + " to sync it");
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw save_error("cannot sync " + path.string() + " to disk");
#else
    (void)path;
    (void)is_directory;
#endif
}

/// Writes target through `body(std::ostream&)` into a sibling temporary file, syncs it,
/// renames it over target and syncs the folder: a crash leaves the old file or the new one.
/// With `durable` false the syncs are skipped (scratch work: atomic, but not crash-proof
/// against power loss). If body throws, the temporary file is removed and target is untouched.
template <class Body>
void write_file_atomically(const std::filesystem::path& target, bool binary, Body&& body, bool durable = true) {
    std::error_code ec;
    if (!target.parent_path().empty()) {
        std::filesystem::create_directories(target.parent_path(), ec);
        if (ec) throw save_error("cannot create folder " + target.parent_path().string() + ": " + ec.message());
    }
    const auto temporary = temporary_sibling(target);
    try {
        std::ofstream out(temporary, binary ? std::ios::out | std::ios::binary | std::ios::trunc
                                            : std::ios::out | std::ios::trunc);
        if (!out) throw save_error("cannot create " + temporary.string());
        body(static_cast<std::ostream&>(out));
        out.flush();
        if (!out) throw save_error("cannot write " + temporary.string());
        out.close();
        if (durable) sync_to_disk(temporary, false);
        std::filesystem::rename(temporary, target, ec);
        if (ec) throw save_error("cannot replace " + target.string() + ": " + ec.message());
        if (durable) sync_to_disk(target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path(), true);
    } catch (...) {
        std::filesystem::remove(temporary, ec);
        throw;
    }
}

/// An exclusive advisory lock (flock) on `<file>.lock`, held for the lifetime of the object.
/// The kernel releases it when the holder exits or dies, so a crashed writer never blocks
/// the others. It coordinates lazyscribe writers; it does not stop other programs.
class file_lock {
public:
    explicit file_lock(const std::filesystem::path& file) {
#if defined(__unix__) || defined(__APPLE__)
        auto lock_path = file;
        lock_path += ".lock";
        std::error_code ec;
        if (!lock_path.parent_path().empty()) std::filesystem::create_directories(lock_path.parent_path(), ec);
        fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) throw save_error("cannot open the lock file " + lock_path.string());
        while (::flock(fd_, LOCK_EX) != 0) {
            if (errno != EINTR) {
                ::close(fd_);
                throw save_error("cannot lock " + lock_path.string());
            }
        }
#else
        (void)file;
#endif
    }
    ~file_lock() {
#if defined(__unix__) || defined(__APPLE__)
        if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the lock
#endif
    }
    file_lock(const file_lock&) = delete;
    file_lock& operator=(const file_lock&) = delete;

private:
    int fd_ = -1;
};

/// The bytes of a file, or nullopt when it does not exist; path_error when it cannot be read.
inline std::optional<std::string> read_if_exists(const std::filesystem::path& file) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (status.type() == std::filesystem::file_type::not_found) return std::nullopt;
    if (status.type() == std::filesystem::file_type::directory) {
        throw path_error(file.string() + " is a folder, not a file");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) throw path_error("cannot open " + file.string());
    try {
        // One read of the size the file has now; a file that grows meanwhile is read to its end.
        std::string text;
        const auto size = std::filesystem::file_size(file, ec);
        if (!ec && size > 0) {
            text.resize(static_cast<std::size_t>(size));
            in.read(text.data(), static_cast<std::streamsize>(text.size()));
            text.resize(static_cast<std::size_t>(in.gcount()));
        }
        if (in) {  // not at the end yet (a file that grew, or a size the system did not report)
            text.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        if (in.bad()) throw path_error("cannot read " + file.string());
        return text;
    } catch (const path_error&) {
        throw;
    } catch (const std::exception& e) {
        throw path_error("cannot read " + file.string() + ": " + e.what());
    }
}


}  // namespace lazyscribe::detail
