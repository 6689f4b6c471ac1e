#pragma once
// Paths that must stay inside a folder, and files replaced atomically: a crash or a throwing
// writer leaves the previous file (or no file) in place, never a torn one.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <ostream>
#include <set>
#include <streambuf>
#include <istream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <lazyscribe/errors.hpp>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
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

/// The OS's words for an errno value ("No space left on device"), for error messages.
inline std::string os_reason(int error_number) {
    if (error_number == 0) return "unknown error";
    return std::error_code(error_number, std::generic_category()).message();
}

/// Why `relative` cannot name a file inside a folder (empty, absolute, climbs out, names the
/// folder itself), or an empty string when it can. `climb` is how many `..` levels the folder
/// may go up and still be inside the root (its depth below the project folder): Python lets
/// `../shared/x.json` name a file several experiments share.
inline std::string outside_folder_reason(std::string_view relative, std::size_t climb = 0) {
    if (relative.find('\0') != std::string_view::npos) return "contains a NUL byte";
    // The common case, one plain file or folder name, without building a path.
    if (!relative.empty() && relative != "." && relative != ".." &&
        relative.find_first_of("/\\:") == std::string_view::npos) {
        return "";
    }
    const std::filesystem::path rel{std::string(relative)};
    if (relative.empty()) return "is empty";
    if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory()) return "is not a relative path";
    long depth = 0;
    const auto normal = rel.lexically_normal();
    for (const auto& part : normal) {
        if (part == "..") {
            if (--depth < -static_cast<long>(climb)) {
                return climb == 0 ? "climbs out of the folder" : "climbs out of the project folder";
            }
        } else if (!part.empty() && part != ".") {
            ++depth;
        }
    }
    if (normal == ".") return "names the folder itself, not a file";
    return normal.filename() == ".." ? "names a folder above it, not a file" : "";
}

/// How many levels `folder` lies below `root` (lexically), or 0 when it is not below it; with
/// `root` empty, `folder` is taken as relative to the root already.
inline std::size_t depth_below(const std::filesystem::path& root, const std::filesystem::path& folder) {
    const auto rel = root.empty() ? folder.lexically_normal()
                                  : folder.lexically_normal().lexically_relative(root.lexically_normal());
    if (rel.empty() || rel.is_absolute()) return 0;
    std::size_t depth = 0;
    for (const auto& part : rel) {
        if (part == "..") return 0;
        if (!part.empty() && part != ".") ++depth;
    }
    return depth;
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

/// folder / relative, refusing a relative path that lexically leaves `root` (folder lies
/// inside root); `..` that stays inside root is allowed, as Python allows it.
inline std::filesystem::path resolve_inside(const std::filesystem::path& folder, std::string_view relative,
                                            std::string_view what, const std::filesystem::path& root) {
    if (const auto reason = outside_folder_reason(relative, depth_below(root, folder)); !reason.empty()) {
        throw path_error(std::string(what) + ": '" + printable(relative) + "' " + reason + " (folder " +
                         folder.string() + ", project folder " + root.string() + ")");
    }
    return folder / std::filesystem::path(std::string(relative));
}

/// `file` as the OS resolves it when it has a `..` part: its folder made canonical (symbolic
/// links followed, then `..` applied, as the kernel does), so that the file can be opened and
/// its folder created even when the folder the `..` climbs out of does not exist yet. The last
/// part is kept, so a link named by the file itself is replaced, not followed, by a write.
inline std::filesystem::path io_path(const std::filesystem::path& file) {
    bool climbs = false;
    for (const auto& part : file) climbs = climbs || part == "..";
    if (!climbs || !file.has_parent_path()) return file;
    std::error_code ec;
    const auto folder = std::filesystem::weakly_canonical(file.parent_path(), ec);
    if (ec) return file;
    return folder / file.filename();
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

/// An input stream over another that reads text as Python's text mode does (universal
/// newlines): "\r\n" and a lone "\r" both read as "\n", also across buffer boundaries.
class newline_translating_istream final : private std::streambuf, public std::istream {
public:
    explicit newline_translating_istream(std::unique_ptr<std::istream> source)
        : std::istream(this), source_(std::move(source)) {
        setg(buffer_, buffer_, buffer_);
    }

private:
    using traits_type = std::streambuf::traits_type;
    int underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        std::streambuf* in = source_->rdbuf();
        std::size_t size = 0;
        while (size < sizeof buffer_) {
            const auto c = in->sbumpc();
            if (traits_type::eq_int_type(c, traits_type::eof())) break;
            char ch = traits_type::to_char_type(c);
            if (ch == '\r') {
                ch = '\n';
                if (traits_type::eq_int_type(in->sgetc(), traits_type::to_int_type('\n'))) in->sbumpc();
            }
            buffer_[size++] = ch;
        }
        setg(buffer_, buffer_, buffer_ + size);
        return size == 0 ? traits_type::eof() : traits_type::to_int_type(*gptr());
    }

    std::unique_ptr<std::istream> source_;
    char buffer_[1 << 14];
};

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

/// The part of a temporary file's name after the target's: `.<target>.lazyscribe-tmp-<pid>-<n>`.
inline constexpr std::string_view temporary_marker = ".lazyscribe-tmp-";

inline std::filesystem::path temporary_sibling(const std::filesystem::path& target) {
    static std::atomic<unsigned> counter{0};
#if defined(__unix__) || defined(__APPLE__)
    const std::string process = std::to_string(::getpid()) + "-";
#else
    const std::string process;
#endif
    auto name = target.filename().string();
    name = "." + name + std::string(temporary_marker) + process + std::to_string(counter.fetch_add(1));
    return target.parent_path() / name;
}

/// Whether `name` is of our temporaries' naming: `.<name>.lazyscribe-tmp-<digits>[-<digits>]`
/// (the older form has no process id).
inline bool is_temporary_name(std::string_view name) {
    if (name.size() < 2 || name.front() != '.') return false;
    const auto at = name.rfind(temporary_marker);
    if (at == std::string_view::npos || at < 2) return false;
    const auto tail = name.substr(at + temporary_marker.size());
    if (tail.empty() || tail.front() == '-' || tail.back() == '-') return false;
    int dashes = 0;
    for (const char c : tail) {
        if (c == '-') {
            if (++dashes > 1) return false;
        } else if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

/// Flushes a file's (or a folder's) data to the device, so that a rename that follows is
/// not reordered before the data on a crash or power loss.
inline void sync_to_disk(const std::filesystem::path& path, bool is_directory) {
#if defined(__unix__) || defined(__APPLE__)
    const int fd = ::open(path.c_str(), is_directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
    if (fd < 0) throw save_error("cannot open " + path.string() + " to sync it: " + os_reason(errno));
    const bool ok = ::fsync(fd) == 0;
    const int error_number = errno;
    ::close(fd);
    if (!ok) throw save_error("cannot sync " + path.string() + " to disk: " + os_reason(error_number));
#else
    (void)path;
    (void)is_directory;
#endif
}

/// Appends `bytes` to `file` (creating it, and its folder), each write() landing after the
/// file's current end (O_APPEND); fdatasync when durable. A crash may cut the bytes short,
/// never disturb what was there.
inline void append_to_file(const std::filesystem::path& file, std::string_view bytes, bool durable) {
#if defined(__unix__) || defined(__APPLE__)
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw save_error("cannot open " + file.string() + " to append to it: " + os_reason(errno));
    const char* at = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const auto written = ::write(fd, at, left);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) {
            const int error_number = written < 0 ? errno : EIO;
            ::close(fd);
            throw save_error("cannot append to " + file.string() + ": " + os_reason(error_number));
        }
        at += written;
        left -= static_cast<std::size_t>(written);
    }
    if (durable && ::fdatasync(fd) != 0) {
        const int error_number = errno;
        ::close(fd);
        throw save_error("cannot sync " + file.string() + " to disk: " + os_reason(error_number));
    }
    if (::close(fd) != 0) throw save_error("cannot append to " + file.string() + ": " + os_reason(errno));
#else
    std::ofstream out(file, std::ios::binary | std::ios::app);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw save_error("cannot append to " + file.string());
    (void)durable;
#endif
}

#if defined(__unix__) || defined(__APPLE__)
/// An output stream over a file descriptor that keeps the errno of the first failed write,
/// so that a full disk is reported as such ("No space left on device"), with the file.
class fd_output final : private std::streambuf, public std::ostream {
public:
    /// Takes `fd` (owned: closed by close() or the destructor); `file` names it in errors.
    fd_output(int fd, std::filesystem::path file) : std::ostream(this), fd_(fd), file_(std::move(file)) {
        setp(buffer_, buffer_ + sizeof buffer_);
    }
    fd_output(const fd_output&) = delete;
    fd_output& operator=(const fd_output&) = delete;
    ~fd_output() override {
        if (fd_ >= 0) ::close(fd_);
    }
    [[nodiscard]] int fd() const noexcept { return fd_; }

    /// Runs `body(*this)`. When it throws because a write failed (a full disk makes a cereal
    /// archive throw "failed to write"), the OS reason is what is reported: save_error.
    template <class Body>
    void run(Body&& body) {
        try {
            body(static_cast<std::ostream&>(*this));
        } catch (const std::exception&) {
            if (error_ != 0) throw save_error("cannot write " + file_.string() + ": " + os_reason(error_));
            throw;
        }
    }

    /// Writes what is buffered; throws save_error naming the file and the OS reason if any
    /// write failed.
    void finish() {
        if (!drain() || !*this) {
            throw save_error("cannot write " + file_.string() + ": " + os_reason(error_ != 0 ? error_ : EIO));
        }
    }
    /// finish(), optionally fsync, then close; each failure is a save_error with the reason.
    void close(bool durable) {
        finish();
        if (durable && ::fsync(fd_) != 0) {
            throw save_error("cannot sync " + file_.string() + " to disk: " + os_reason(errno));
        }
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) throw save_error("cannot write " + file_.string() + ": " + os_reason(errno));
    }

private:
    using traits_type = std::streambuf::traits_type;
    int overflow(int c) override {
        if (!drain()) return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override { return drain() ? 0 : -1; }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        if (n >= static_cast<std::streamsize>(sizeof buffer_)) {  // large pieces skip the buffer
            if (!drain() || !write_all(s, static_cast<std::size_t>(n))) return 0;
            return n;
        }
        return std::streambuf::xsputn(s, n);
    }
    bool drain() {
        if (error_ != 0) return false;
        const auto size = static_cast<std::size_t>(pptr() - pbase());
        setp(buffer_, buffer_ + sizeof buffer_);
        return write_all(buffer_, size);
    }
    bool write_all(const char* data, std::size_t size) {
        while (size > 0) {
            const auto written = ::write(fd_, data, size);
            if (written < 0) {
                if (errno == EINTR) continue;
                error_ = errno;
                return false;
            }
            data += written;
            size -= static_cast<std::size_t>(written);
        }
        return true;
    }

    int fd_;
    std::filesystem::path file_;
    int error_ = 0;
    char buffer_[1 << 16];
};

// Whether `path` still names the file open as `fd` (same device and inode).
inline bool names_open_file(const std::filesystem::path& path, int fd) {
    struct stat by_path {};
    struct stat by_fd {};
    return ::stat(path.c_str(), &by_path) == 0 && ::fstat(fd, &by_fd) == 0 && by_path.st_dev == by_fd.st_dev &&
           by_path.st_ino == by_fd.st_ino;
}
#endif

/// How old a temporary of the older naming (no process id, no lock held while written)
/// must be before a save removes it: no write takes that long.
inline constexpr std::chrono::hours old_temporary_age{24};

/// Removes, in `folder`, the temporary files of our naming that no live writer holds: each
/// writer holds an flock on its temporary from creation to rename, so a temporary whose lock
/// can be taken was left by a process that died (SIGINT, a crash) mid-save. Other files are
/// never touched. Returns how many were removed; failures to remove are ignored (the next
/// save tries again).
inline std::size_t remove_stale_temporaries(const std::filesystem::path& folder) {
    std::size_t removed = 0;
#if defined(__unix__) || defined(__APPLE__)
    std::error_code ec;
    std::filesystem::directory_iterator it(folder.empty() ? std::filesystem::path(".") : folder, ec);
    for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (!is_temporary_name(name)) continue;
        std::error_code entry_ec;
        if (!it->is_regular_file(entry_ec) || it->is_symlink(entry_ec)) continue;
        const bool older_form =
            name.find('-', name.rfind(temporary_marker) + temporary_marker.size()) == std::string::npos;
        if (older_form) {
            const auto written = std::filesystem::last_write_time(it->path(), entry_ec);
            if (entry_ec || std::filesystem::file_time_type::clock::now() - written < old_temporary_age) continue;
        }
        const int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) continue;
        // A live writer holds the lock; a writer that locked and then found its file gone retries.
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && names_open_file(it->path(), fd)) {
            if (::unlink(it->path().c_str()) == 0) ++removed;
        }
        ::close(fd);
    }
#else
    (void)folder;
#endif
    return removed;
}

/// remove_stale_temporaries for `folder`, once per folder in this process: the first save
/// into a folder sweeps it, later ones do not list it again.
inline void sweep_temporaries_once(const std::filesystem::path& folder) {
    static std::mutex mutex;
    static std::set<std::string> swept;
    const std::string key = folder.lexically_normal().string();
    {
        std::lock_guard guard(mutex);
        if (!swept.insert(key).second) return;
    }
    (void)remove_stale_temporaries(folder);
}

/// Writes target through `body(std::ostream&)` into a sibling temporary file, syncs it,
/// renames it over target and syncs the folder: a crash leaves the old file or the new one.
/// With `durable` false the syncs are skipped (scratch work: atomic, but not crash-proof
/// against power loss). If body throws, the temporary file is removed and target is untouched.
/// The temporary is locked (flock) while it exists, so that a later save can tell one left
/// by a dead process (removed, see remove_stale_temporaries) from one being written.
template <class Body>
void write_file_atomically(const std::filesystem::path& given_target, bool binary, Body&& body, bool durable = true) {
    std::error_code ec;
    // As Python's makedirs does, the folders a `..` climbs out of are created too (so that
    // Python, which opens the name as it is, finds the file): `exp/../shared/x` makes `exp`.
    std::filesystem::path prefix;
    for (const auto& part : given_target.parent_path()) {
        if (part == ".." && !prefix.empty()) {
            std::filesystem::create_directories(prefix, ec);
            if (ec) throw save_error("cannot create folder " + prefix.string() + ": " + ec.message());
        }
        prefix /= part;
    }
    const auto target = io_path(given_target);
    if (!target.parent_path().empty()) {
        std::filesystem::create_directories(target.parent_path(), ec);
        if (ec) throw save_error("cannot create folder " + target.parent_path().string() + ": " + ec.message());
    }
    sweep_temporaries_once(target.parent_path());
#if defined(__unix__) || defined(__APPLE__)
    (void)binary;  // POSIX text and binary files are the same bytes (Python writes '\n' as it is)
    std::filesystem::path temporary;
    int fd = -1;
    int lock_fd = -1;  // holds the flock from creation until after the rename
    for (int attempt = 0; lock_fd < 0; ++attempt) {
        temporary = temporary_sibling(target);
        fd =
            ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);  // umask applies, as for ofstream
        if (fd < 0) {
            if (errno == EEXIST && attempt < 100) continue;
            throw save_error("cannot create the temporary file " + temporary.string() + " for " + target.string() +
                             ": " + os_reason(errno));
        }
        lock_fd = ::open(temporary.c_str(), O_RDONLY | O_CLOEXEC);
        if (lock_fd >= 0) {
            while (::flock(lock_fd, LOCK_EX) != 0 && errno == EINTR) {
            }
            if (names_open_file(temporary, lock_fd)) break;
            ::close(lock_fd);  // a sweep removed it before we held the lock: take another name
            lock_fd = -1;
        }
        ::close(fd);
        fd = -1;
        if (attempt >= 100) throw save_error("cannot keep a temporary file for " + target.string());
    }
    try {
        {
            fd_output out(fd, temporary);
            fd = -1;
            out.run(body);
            out.close(durable);
        }
        std::filesystem::rename(temporary, target, ec);
        if (ec) throw save_error("cannot replace " + target.string() + ": " + ec.message());
        ::close(lock_fd);
        lock_fd = -1;
        if (durable)
            sync_to_disk(target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path(), true);
    } catch (...) {
        if (fd >= 0) ::close(fd);
        std::filesystem::remove(temporary, ec);
        if (lock_fd >= 0) ::close(lock_fd);
        throw;
    }
#else
    const auto temporary = temporary_sibling(target);
    try {
        std::ofstream out(
            temporary, binary ? std::ios::out | std::ios::binary | std::ios::trunc : std::ios::out | std::ios::trunc);
        if (!out) throw save_error("cannot create " + temporary.string());
        body(static_cast<std::ostream&>(out));
        out.flush();
        if (!out) throw save_error("cannot write " + temporary.string());
        out.close();
        std::filesystem::rename(temporary, target, ec);
        if (ec) throw save_error("cannot replace " + target.string() + ": " + ec.message());
    } catch (...) {
        std::filesystem::remove(temporary, ec);
        throw;
    }
#endif
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
        if (fd_ < 0) throw save_error("cannot open the lock file " + lock_path.string() + ": " + os_reason(errno));
        while (::flock(fd_, LOCK_EX) != 0) {
            if (errno != EINTR) {
                const int error_number = errno;
                ::close(fd_);
                throw save_error("cannot lock " + lock_path.string() + ": " + os_reason(error_number));
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
        throw path_error("cannot read " + file.string() + ": " + os_reason(EISDIR) + " (a folder, not a file)");
    }
    errno = 0;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw path_error("cannot open " + file.string() + ": " + os_reason(errno));
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
        if (in.bad()) throw path_error("cannot read " + file.string() + ": " + os_reason(errno));
        return text;
    } catch (const path_error&) {
        throw;
    } catch (const std::exception& e) {
        throw path_error("cannot read " + file.string() + ": " + e.what());
    }
}

}  // namespace lazyscribe::detail
