#pragma once
/// @file storage.hpp
/// @brief Where lazyscribe's files live: the counterpart of Python's fsspec. Projects and
/// repositories do all their file work through a `storage`, so a backend (an object store,
/// say) can be added without touching them. See docs/storage.md.

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <lazyscribe/detail/files.hpp>
#include <lazyscribe/errors.hpp>

namespace lazyscribe {

/// @brief A file's bytes with the version the backend gave them (an S3 ETag, a counter in
/// memory): what a conditional write names to replace only what was read.
struct versioned_bytes {
    std::optional<std::string> bytes;  ///< nullopt when the file does not exist
    std::string version;               ///< empty when the file does not exist
};

/// @brief What a conditional write must find: `version` nullopt means the file must not exist
/// (create only, S3's `If-None-Match: *`); a value means the file must still be that version
/// (S3's `If-Match`).
struct write_condition {
    std::optional<std::string> version;
    [[nodiscard]] static write_condition create_only() { return {}; }
    [[nodiscard]] static write_condition replace(std::string version) { return {std::move(version)}; }
};

/// @brief How a conditional write ended.
enum class write_outcome {
    written,               ///< the bytes are stored; `version` is theirs
    condition_failed,      ///< another writer got there first (412, 409); nothing was stored
    outcome_unknown,       ///< a timeout or a 5xx: the bytes may or may not be stored
};

/// @brief A conditional write's result; `reason` is the backend's word for a failure.
struct write_result {
    write_outcome outcome = write_outcome::written;
    std::string version;
    std::string reason;
};

/// @brief The file operations lazyscribe needs. Implementations must make `write` atomic:
/// a reader sees the old bytes or the new ones, never a mix, and a failed write leaves the
/// old bytes. All errors are lazyscribe errors (save_error when writing).
class storage {
public:
    virtual ~storage() = default;

    /// @brief The whole file, or nullopt when it does not exist.
    virtual std::optional<std::string> read(const std::filesystem::path& file) = 0;
    /// @brief A stream over the file, or nullptr when it does not exist (for large artifacts).
    virtual std::unique_ptr<std::istream> open(const std::filesystem::path& file, bool binary) = 0;
    /// @brief Replaces (or creates) `file` with what `body` writes, atomically. `durable`
    /// asks for the data to reach stable storage before the call returns.
    virtual void write(const std::filesystem::path& file, bool binary, const std::function<void(std::ostream&)>& body,
                       bool durable) = 0;
    virtual bool exists(const std::filesystem::path& file) = 0;
    /// @brief The file's size in bytes, when the backend knows it without reading the file.
    virtual std::optional<std::uintmax_t> size(const std::filesystem::path& file) {
        (void)file;
        return std::nullopt;
    }
    /// @brief Removes a file if present.
    virtual void remove(const std::filesystem::path& file) = 0;
    /// @brief Appends `bytes` to `file` (created if missing): a live run's journal. A crash may
    /// cut the appended bytes short, never change what was there. `durable` asks for them to
    /// reach stable storage before the call returns. This default rewrites the whole file
    /// through write(): correct, but it costs the file's size; backends that can append should.
    virtual void append(const std::filesystem::path& file, std::string_view bytes, bool durable) {
        auto current = read(file);
        write(
            file, true,
            [&](std::ostream& out) {
                if (current) out.write(current->data(), static_cast<std::streamsize>(current->size()));
                out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            },
            durable);
    }
    /// @brief Holds an exclusive lock among writers of `file` until the returned object dies.
    virtual std::shared_ptr<void> lock(const std::filesystem::path& file) = 0;
    /// @brief True when write_if() is a compare-and-swap that holds across machines (object
    /// storage). Saves then use it, re-reading and merging on a lost race, instead of lock().
    [[nodiscard]] virtual bool conditional_writes() const { return false; }
    /// @brief The whole file and its version (for write_if()); the default has no versions.
    virtual versioned_bytes read_versioned(const std::filesystem::path& file) { return {read(file), {}}; }
    /// @brief Writes `file` only if it meets `condition`, atomically. Throws save_error when the
    /// write certainly failed for another reason. The default, for backends without
    /// conditional_writes(), checks and writes under lock() (correct among lazyscribe writers
    /// that lock).
    virtual write_result write_if(const std::filesystem::path& file, const write_condition& condition, bool binary,
                                  const std::function<void(std::ostream&)>& body, bool durable) {
        const auto writers = lock(file);
        const auto current = read_versioned(file);
        const bool meets = condition.version ? (current.bytes && current.version == *condition.version)
                                             : !current.bytes;
        if (!meets) return {write_outcome::condition_failed, current.version, "the file changed"};
        write(file, binary, body, durable);
        return {write_outcome::written, read_versioned(file).version, {}};
    }
    /// @brief Throws format_error when `file`, resolved as the backend resolves it (symbolic
    /// links, say), lies outside `root`.
    virtual void check_inside(const std::filesystem::path& root, const std::filesystem::path& file) {
        (void)root;
        (void)file;
    }
};

/// @brief The local file system: atomic replace by rename, fsync when durable, flock between
/// processes, symbolic links checked.
class local_storage final : public storage {
public:
    std::optional<std::string> read(const std::filesystem::path& file) override {
        return detail::read_if_exists(detail::io_path(file));
    }
    /// @brief nullptr when the file does not exist; path_error with the OS reason when it
    /// exists but cannot be opened (a folder, say).
    std::unique_ptr<std::istream> open(const std::filesystem::path& file, bool binary) override {
        const auto path = detail::io_path(file);
        std::error_code ec;
        const auto status = std::filesystem::status(path, ec);
        if (status.type() == std::filesystem::file_type::not_found) return nullptr;
        if (status.type() == std::filesystem::file_type::directory) {
            throw path_error("cannot open " + file.string() + ": " + detail::os_reason(EISDIR));
        }
        errno = 0;
        auto in = std::make_unique<std::ifstream>(path, binary ? std::ios::in | std::ios::binary : std::ios::in);
        if (!*in) {
            const int error_number = errno;
            if (error_number == ENOENT) return nullptr;
            throw path_error("cannot open " + file.string() + ": " + detail::os_reason(error_number));
        }
        return in;
    }
    void write(const std::filesystem::path& file, bool binary, const std::function<void(std::ostream&)>& body,
               bool durable) override {
        detail::write_file_atomically(file, binary, body, durable);
    }
    bool exists(const std::filesystem::path& file) override {
        std::error_code ec;
        return std::filesystem::exists(detail::io_path(file), ec);
    }
    std::optional<std::uintmax_t> size(const std::filesystem::path& file) override {
        std::error_code ec;
        const auto bytes = std::filesystem::file_size(detail::io_path(file), ec);
        if (ec) return std::nullopt;
        return bytes;
    }
    void remove(const std::filesystem::path& file) override {
        std::error_code ec;
        std::filesystem::remove(detail::io_path(file), ec);
        if (ec) throw save_error("cannot remove " + file.string() + ": " + ec.message());
    }
    std::shared_ptr<void> lock(const std::filesystem::path& file) override {
        return std::make_shared<detail::file_lock>(file);
    }
    /// @brief O_APPEND writes (each lands whole after the current end), fdatasync when durable.
    void append(const std::filesystem::path& file, std::string_view bytes, bool durable) override {
        detail::append_to_file(detail::io_path(file), bytes, durable);
    }
    void check_inside(const std::filesystem::path& root, const std::filesystem::path& file) override {
        detail::ensure_real_path_inside(root, file, "file");
    }
};

/// @brief Files in memory, for tests and scratch projects ("memory://" paths). Thread-safe.
class memory_storage final : public storage {
public:
    std::optional<std::string> read(const std::filesystem::path& file) override {
        std::lock_guard guard(mutex_);
        const auto it = files_.find(key(file));
        if (it == files_.end()) return std::nullopt;
        return it->second;
    }
    std::unique_ptr<std::istream> open(const std::filesystem::path& file, bool) override {
        auto bytes = read(file);
        if (!bytes) return nullptr;
        return std::make_unique<std::istringstream>(std::move(*bytes));
    }
    void write(const std::filesystem::path& file, bool, const std::function<void(std::ostream&)>& body, bool) override {
        std::ostringstream out;
        body(out);  // if it throws, nothing is stored
        std::lock_guard guard(mutex_);
        files_[key(file)] = std::move(out).str();
    }
    bool exists(const std::filesystem::path& file) override {
        std::lock_guard guard(mutex_);
        return files_.count(key(file)) != 0;
    }
    void remove(const std::filesystem::path& file) override {
        std::lock_guard guard(mutex_);
        files_.erase(key(file));
    }
    void append(const std::filesystem::path& file, std::string_view bytes, bool) override {
        std::lock_guard guard(mutex_);
        files_[key(file)].append(bytes);
    }
    std::shared_ptr<void> lock(const std::filesystem::path& file) override {
        std::mutex* m = nullptr;
        {
            std::lock_guard guard(mutex_);
            m = &locks_[key(file)];
        }
        m->lock();
        return std::shared_ptr<void>(m, [](void* p) { static_cast<std::mutex*>(p)->unlock(); });
    }
    /// @brief Every file, by path (for tests).
    std::map<std::string, std::string> files() const {
        std::lock_guard guard(mutex_);
        return files_;
    }

private:
    static std::string key(const std::filesystem::path& file) { return file.lexically_normal().generic_string(); }
    mutable std::mutex mutex_;
    std::map<std::string, std::string> files_;
    std::map<std::string, std::mutex> locks_;
};

/// @brief Wraps a storage and fails its k-th mutating operation (write or remove, counted
/// from 1) with save_error, for crash-safety tests. A failing write may first deliver part of
/// its body to nowhere, as a crash mid-write would.
class faulty_storage final : public storage {
public:
    faulty_storage(std::shared_ptr<storage> inner, std::size_t fail_at) : inner_(std::move(inner)), fail_at_(fail_at) {}

    std::optional<std::string> read(const std::filesystem::path& file) override { return inner_->read(file); }
    std::unique_ptr<std::istream> open(const std::filesystem::path& file, bool binary) override {
        return inner_->open(file, binary);
    }
    void write(const std::filesystem::path& file, bool binary, const std::function<void(std::ostream&)>& body,
               bool durable) override {
        if (++count_ == fail_at_) {
            std::ostringstream discarded;
            body(discarded);
            throw save_error("injected failure writing " + file.string() + " (operation " + std::to_string(count_) +
                             ")");
        }
        inner_->write(file, binary, body, durable);
    }
    bool exists(const std::filesystem::path& file) override { return inner_->exists(file); }
    std::optional<std::uintmax_t> size(const std::filesystem::path& file) override { return inner_->size(file); }
    void remove(const std::filesystem::path& file) override {
        if (++count_ == fail_at_) throw save_error("injected failure removing " + file.string());
        inner_->remove(file);
    }
    void append(const std::filesystem::path& file, std::string_view bytes, bool durable) override {
        if (++count_ == fail_at_) throw save_error("injected failure appending to " + file.string());
        inner_->append(file, bytes, durable);
    }
    std::shared_ptr<void> lock(const std::filesystem::path& file) override { return inner_->lock(file); }
    void check_inside(const std::filesystem::path& root, const std::filesystem::path& file) override {
        inner_->check_inside(root, file);
    }
    /// @brief Mutating operations seen so far.
    [[nodiscard]] std::size_t operations() const noexcept { return count_; }

private:
    std::shared_ptr<storage> inner_;
    std::size_t fail_at_;
    std::size_t count_ = 0;
};

/// @brief The largest project or repository file lazyscribe reads (1 GiB): a hostile or
/// corrupt file of many gigabytes is refused with format_error instead of exhausting memory.
inline constexpr std::uintmax_t max_file_bytes = std::uintmax_t{1} << 30;

/// @brief Reads a project or repository file through `files`, refusing one larger than
/// max_file_bytes before reading it.
inline std::optional<std::string> read_bounded(storage& files, const std::filesystem::path& file) {
    if (const auto bytes = files.size(file); bytes && *bytes > max_file_bytes) {
        throw format_error(file.string() + ": the file has " + std::to_string(*bytes) +
                           " bytes; lazyscribe reads project and repository files of at most " +
                           std::to_string(max_file_bytes) + " bytes");
    }
    return files.read(file);
}

namespace detail {
// read_bounded for a save that must first see what other writers saved: any failure to
// re-read fails the save (save_error).
inline std::optional<std::string> reread_for_save(storage& files, const std::filesystem::path& file) {
    try {
        return read_bounded(files, file);
    } catch (const error& e) {
        throw save_error(std::string("cannot re-read before saving: ") + e.what());
    }
}
}  // namespace detail

/// @brief The shared local storage.
inline std::shared_ptr<storage> local() {
    static const auto instance = std::make_shared<local_storage>();
    return instance;
}

/// @brief The process-wide in-memory storage behind "memory://" paths.
inline std::shared_ptr<memory_storage> memory() {
    static const auto instance = std::make_shared<memory_storage>();
    return instance;
}

/// @brief Makes a storage for one protocol ("s3"), on the first path that names it.
using storage_factory = std::function<std::shared_ptr<storage>()>;

namespace detail {
struct protocol_registry {
    std::mutex mutex;
    std::map<std::string, storage_factory, std::less<>> factories;
    std::map<std::string, std::shared_ptr<storage>, std::less<>> made;
};
inline protocol_registry& protocols() {
    static protocol_registry registry;
    return registry;
}
}  // namespace detail

/// @brief Serves "`protocol`://" paths with the storage `factory` makes (once, on first use):
/// how an optional backend such as lazyscribe::s3 plugs in. Registering a protocol again
/// replaces its factory and forgets the storage the old one made.
inline void register_protocol(std::string protocol, storage_factory factory) {
    auto& registry = detail::protocols();
    std::lock_guard guard(registry.mutex);
    registry.made.erase(protocol);
    registry.factories.insert_or_assign(std::move(protocol), std::move(factory));
}

/// @brief Splits "protocol://path" as Python's lazyscribe does: "file://" and bare paths are
/// local, "memory://" is memory(), a protocol given to register_protocol() its storage;
/// another protocol needs an explicit storage.
inline std::pair<std::shared_ptr<storage>, std::filesystem::path> resolve_storage(const std::filesystem::path& location,
                                                                                  std::shared_ptr<storage> given) {
    const std::string text = location.string();
    const auto sep = text.find("://");
    if (sep == std::string::npos) return {given ? std::move(given) : local(), location};
    const std::string protocol = text.substr(0, sep);
    std::filesystem::path rest = text.substr(sep + 3);
    if (given) return {std::move(given), rest};
    if (protocol == "file") return {local(), rest};
    if (protocol == "memory") return {memory(), rest};
    {
        auto& registry = detail::protocols();
        std::lock_guard guard(registry.mutex);
        if (const auto made = registry.made.find(protocol); made != registry.made.end()) return {made->second, rest};
        if (const auto factory = registry.factories.find(protocol); factory != registry.factories.end()) {
            auto files = factory->second();
            registry.made.emplace(protocol, files);
            return {std::move(files), rest};
        }
    }
    throw format_error("no storage for protocol '" + protocol + "' in " + text +
                       "; pass one in the options (see docs/storage.md)");
}

}  // namespace lazyscribe
