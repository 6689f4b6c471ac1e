#pragma once
/// @file storage.hpp
/// @brief Where lazyscribe's files live: the counterpart of Python's fsspec. Projects and
/// repositories do all their file work through a `storage`, so a backend (an object store,
/// say) can be added without touching them. See docs/storage.md.

#include <cerrno>
#include <chrono>
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

/// @brief How a save on a storage with conditional writes retries when other writers save
/// first: up to `attempts` rounds of read, merge and conditional write, with a random wait
/// below min(cap', base' × 2^round) between them (full jitter), where base' and cap' are
/// `base` and `cap` raised to one and eight times the round's own duration; then save_error.
struct save_retry {
    std::size_t attempts = 32;
    std::chrono::microseconds base{5'000};
    std::chrono::microseconds cap{1'000'000};
};

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
    /// @brief How saves retry on this storage after losing a race (conditional_writes() only).
    [[nodiscard]] virtual save_retry retry_policy() const { return {}; }
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
    /// @brief `file` as a user names it in messages: with the protocol that reaches this
    /// backend ("s3://bucket/key", "memory://p.json"); a local path as it is.
    [[nodiscard]] virtual std::string display_name(const std::filesystem::path& file) const { return file.string(); }
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
/// Each write gives a file a new version, and write_if() is a real compare-and-swap, so saves
/// here take the same path as on object storage (read, merge, conditional write, retry).
class memory_storage final : public storage {
public:
    [[nodiscard]] std::string display_name(const std::filesystem::path& file) const override {
        return "memory://" + file.string();
    }
    std::optional<std::string> read(const std::filesystem::path& file) override { return read_versioned(file).bytes; }
    std::unique_ptr<std::istream> open(const std::filesystem::path& file, bool) override {
        auto bytes = read(file);
        if (!bytes) return nullptr;
        return std::make_unique<std::istringstream>(std::move(*bytes));
    }
    void write(const std::filesystem::path& file, bool, const std::function<void(std::ostream&)>& body, bool) override {
        std::ostringstream out;
        body(out);  // if it throws, nothing is stored
        std::lock_guard guard(mutex_);
        store(key(file), std::move(out).str());
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
        auto& f = files_[key(file)];
        f.bytes.append(bytes);
        f.version = ++generation_;
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
    [[nodiscard]] bool conditional_writes() const override { return true; }
    versioned_bytes read_versioned(const std::filesystem::path& file) override {
        std::lock_guard guard(mutex_);
        const auto it = files_.find(key(file));
        if (it == files_.end()) return {};
        return {it->second.bytes, std::to_string(it->second.version)};
    }
    write_result write_if(const std::filesystem::path& file, const write_condition& condition, bool,
                          const std::function<void(std::ostream&)>& body, bool) override {
        std::ostringstream out;
        body(out);  // if it throws, nothing is stored
        std::lock_guard guard(mutex_);
        const auto k = key(file);
        const auto it = files_.find(k);
        if (condition.version ? it == files_.end() || std::to_string(it->second.version) != *condition.version
                              : it != files_.end()) {
            return {write_outcome::condition_failed, {},
                    condition.version ? "the file is no longer the version read" : "the file exists"};
        }
        return {write_outcome::written, std::to_string(store(k, std::move(out).str())), {}};
    }
    /// @brief Every file, by path (for tests).
    std::map<std::string, std::string> files() const {
        std::lock_guard guard(mutex_);
        std::map<std::string, std::string> out;
        for (const auto& [name, f] : files_) out.emplace(name, f.bytes);
        return out;
    }

private:
    struct stored {
        std::string bytes;
        std::uint64_t version = 0;
    };
    static std::string key(const std::filesystem::path& file) { return file.lexically_normal().generic_string(); }
    std::uint64_t store(const std::string& k, std::string bytes) {
        auto& f = files_[k];
        f.bytes = std::move(bytes);
        f.version = ++generation_;
        return f.version;
    }
    mutable std::mutex mutex_;
    std::map<std::string, stored> files_;
    std::map<std::string, std::mutex> locks_;
    std::uint64_t generation_ = 0;
};

/// @brief What faulty_storage does at its failing operation.
enum class injected_fault {
    error,               ///< throws save_error (a crash mid-write: part of the body goes nowhere)
    lost_race,           ///< a conditional write reports condition_failed, storing nothing
    unknown_not_stored,  ///< a conditional write reports outcome_unknown, storing nothing
    unknown_stored,      ///< a conditional write stores the bytes, then reports outcome_unknown
};

/// @brief Wraps a storage and fails its k-th mutating operation (write, write_if, append or
/// remove, counted from 1), for crash-safety and retry tests. With `injected_fault::error` a
/// failing write may first deliver part of its body to nowhere, as a crash mid-write would;
/// the others answer a conditional write as a lost race or an unknown outcome would.
class faulty_storage final : public storage {
public:
    faulty_storage(std::shared_ptr<storage> inner, std::size_t fail_at, injected_fault fault = injected_fault::error)
        : inner_(std::move(inner)), fail_at_(fail_at), fault_(fault) {}

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
    [[nodiscard]] bool conditional_writes() const override { return inner_->conditional_writes(); }
    [[nodiscard]] save_retry retry_policy() const override { return inner_->retry_policy(); }
    versioned_bytes read_versioned(const std::filesystem::path& file) override { return inner_->read_versioned(file); }
    write_result write_if(const std::filesystem::path& file, const write_condition& condition, bool binary,
                          const std::function<void(std::ostream&)>& body, bool durable) override {
        if (++count_ != fail_at_) return inner_->write_if(file, condition, binary, body, durable);
        const std::string reason = "injected at operation " + std::to_string(count_);
        switch (fault_) {
            case injected_fault::error: {
                std::ostringstream discarded;
                body(discarded);
                throw save_error("injected failure writing " + file.string() + " (operation " +
                                 std::to_string(count_) + ")");
            }
            case injected_fault::lost_race:
            case injected_fault::unknown_not_stored: {
                std::ostringstream discarded;
                body(discarded);
                return {fault_ == injected_fault::lost_race ? write_outcome::condition_failed
                                                            : write_outcome::outcome_unknown,
                        {}, reason};
            }
            case injected_fault::unknown_stored:
                (void)inner_->write_if(file, condition, binary, body, durable);
                return {write_outcome::outcome_unknown, {}, reason};
        }
        return {write_outcome::outcome_unknown, {}, reason};
    }
    void check_inside(const std::filesystem::path& root, const std::filesystem::path& file) override {
        inner_->check_inside(root, file);
    }
    /// @brief Mutating operations seen so far.
    [[nodiscard]] std::size_t operations() const noexcept { return count_; }

private:
    std::shared_ptr<storage> inner_;
    std::size_t fail_at_;
    injected_fault fault_;
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
// Creates folder/fname with what `body` writes, never replacing a file: when another writer
// has that name (or a write's outcome is unknown), the next free variant (name-1.ext, ...) is
// taken instead. Returns the fname written.
inline std::string write_new_file(storage& files, const std::filesystem::path& folder, std::string fname, bool binary,
                                  const std::function<void(std::ostream&)>& body, bool durable) {
    std::string last_reason;
    const std::size_t attempts = files.retry_policy().attempts;
    for (std::size_t attempt = 0; attempt < attempts; ++attempt) {
        const auto file = folder / fname;
        const auto result = files.write_if(file, write_condition::create_only(), binary, body, durable);
        if (result.outcome == write_outcome::written) return fname;
        last_reason = result.reason;
        const std::string refused = fname;
        fname = unique_variant(fname, [&](const std::string& candidate) {
            return candidate == refused || files.exists(folder / candidate);
        });
    }
    throw save_error("cannot create a new file for " + (folder / fname).string() + " after " +
                     std::to_string(attempts) + " attempts (last: " + last_reason + ")");
}

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
