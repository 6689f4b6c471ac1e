#pragma once
// The life cycle of a project or repository file, written once for both: open (through a
// storage), read with a size bound, remember the bytes' signature, and on save lock the file,
// re-read it to merge what another writer saved meanwhile, then replace it atomically.
// Not a template of the handler list: it is compiled once, whatever records the file holds.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <lazyscribe/detail/xxh64.hpp>
#include <lazyscribe/storage.hpp>

#include <ctime>  // ::nanosleep (POSIX): <thread> would cost every project translation unit its compile time

namespace lazyscribe::detail {

/// A non-owning reference to a callable (as {fmt} and LLVM have): calling through it costs
/// one indirect call, and passing one instantiates nothing of the callee's caller.
template <class Signature>
class function_ref;

template <class R, class... Args>
class function_ref<R(Args...)> {
public:
    // Implicit, as a function pointer converts; the constraint keeps copies and moves away from
    // it (clang-tidy 14 does not read requires-clauses).
    // NOLINTBEGIN(google-explicit-constructor,bugprone-forwarding-reference-overload)
    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, function_ref> && std::is_invocable_r_v<R, F&, Args...>)
        function_ref(F&& f)
    noexcept
        : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
          call_([](void* object, Args... args) -> R {
              return (*static_cast<std::remove_reference_t<F>*>(object))(std::forward<Args>(args)...);
          }) {}
    // NOLINTEND(google-explicit-constructor,bugprone-forwarding-reference-overload)
    R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

private:
    void* object_;
    R (*call_)(void*, Args...);
};

/// Where a file lives and what this process last knew of its bytes.
class file_lifecycle {
public:
    /// A sink for the file's text, handed out a slice at a time.
    using text_sink = function_ref<void(std::string_view)>;

    file_lifecycle(std::pair<std::shared_ptr<storage>, std::filesystem::path> where, bool durable)
        : path_(std::move(where.second)), storage_(std::move(where.first)), durable_(durable) {}

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    /// The file as messages name it: with its storage's protocol ("s3://bucket/project.json").
    [[nodiscard]] std::string display_name() const { return storage_->display_name(path_); }
    [[nodiscard]] const std::shared_ptr<storage>& files() const noexcept { return storage_; }
    [[nodiscard]] bool durable() const noexcept { return durable_; }

    /// The file's bytes (nullopt when there is no file), refusing one larger than
    /// max_file_bytes; remembers their signature, to notice later that another writer saved.
    std::optional<std::string> read() {
        auto text = read_bounded(*storage_, path_);
        if (text) signature_ = content_signature(*text);
        return text;
    }

    /// One save, under the advisory lock on `<file>.lock`: if `merge_others` and the file's
    /// bytes are not the ones last read or written here, `merge(bytes)` takes them in; then
    /// `prepare()` (writing the records' own files, say); then the file is replaced
    /// atomically by what `write(sink)` hands the sink, hashed as it streams.
    void save(bool merge_others, function_ref<void(const std::string&)> merge, function_ref<void()> prepare,
              function_ref<void(text_sink)> write) {
        if (storage_->conditional_writes()) {
            save_conditionally(merge_others, merge, prepare, write);
            return;
        }
        const auto writers = storage_->lock(path_);  // makes read-merge-write one step across processes
        if (merge_others) {
            if (auto current = reread_for_save(*storage_, path_);
                current && content_signature(*current) != signature_) {
                merge(*current);
            }
        }
        prepare();
        content_hasher signature;
        storage_->write(path_, true, hashed_body(write, signature), durable_);
        signature_ = signature.digest();
    }

private:
    // The storage's body: what `write` hands the sink goes to the file and into `hasher`.
    static std::function<void(std::ostream&)> hashed_body(function_ref<void(text_sink)> write,
                                                          content_hasher& hasher) {
        return [write, &hasher](std::ostream& out) {
            hasher = content_hasher{};  // should a storage call this again
            write([&](std::string_view slice) {
                hasher.update(slice);
                out.write(slice.data(), static_cast<std::streamsize>(slice.size()));
            });
        };
    }

    // Object storage has no locks: read the file with its version, merge, write only if it is
    // still that version (create only if there was none); a lost race re-reads, merges again and
    // retries after a jittered back-off. A write whose outcome is unknown (a timeout, a 5xx) is
    // settled by reading the file back: our bytes there mean it landed.
    void save_conditionally(bool merge_others, function_ref<void(const std::string&)> merge,
                            function_ref<void()> prepare, function_ref<void(text_sink)> write) {
        std::string last_reason;
        const save_retry policy = storage_->retry_policy();
        save_backoff backoff(this, policy);
        for (std::size_t attempt = 1; attempt <= policy.attempts; ++attempt) {
            const auto started = std::chrono::steady_clock::now();
            versioned_bytes current;
            try {
                current = storage_->read_versioned(path_);
            } catch (const error& e) {
                throw save_error(std::string("cannot re-read before saving: ") + e.what());
            }
            if (current.bytes && current.bytes->size() > max_file_bytes) {
                throw save_error(display_name() + ": the file has " + std::to_string(current.bytes->size()) +
                                 " bytes, more than lazyscribe reads");
            }
            if (current.bytes) {
                const auto seen = content_signature(*current.bytes);
                if (merge_others && seen != signature_) merge(*current.bytes);
                signature_ = seen;  // merged (or, in write mode, deliberately replaced)
            }
            prepare();
            content_hasher hasher;
            const auto condition = current.bytes ? write_condition::replace(current.version)
                                                 : write_condition::create_only();
            const auto result = storage_->write_if(path_, condition, true, hashed_body(write, hasher), durable_);
            const auto written = hasher.digest();
            if (result.outcome == write_outcome::written) {
                signature_ = written;
                return;
            }
            if (result.outcome == write_outcome::outcome_unknown) {
                std::optional<std::string> now;
                try {
                    now = storage_->read(path_);
                } catch (const error& e) {
                    throw save_error("save: " + display_name() + ": the write's outcome is unknown (" + result.reason +
                                     ") and reading the file back failed: " + e.what());
                }
                if (now && content_signature(*now) == written) {
                    signature_ = written;
                    return;
                }
            }
            last_reason = result.reason;
            if (attempt < policy.attempts) {
                backoff.wait(attempt, std::chrono::duration_cast<std::chrono::microseconds>(
                                          std::chrono::steady_clock::now() - started));
            }
        }
        throw save_error("save: " + display_name() + ": " + std::to_string(policy.attempts) +
                         " attempts, each overtaken by another writer's save (last: " + last_reason +
                         "); nothing of this save was lost from memory: save() again");
    }

    // Full jitter: each wait uniform in [0, ceiling), the ceiling doubling with each attempt from
    // the larger of the policy's base and the attempt's own duration, up to the larger of the
    // policy's cap and 8 attempts' duration. Scaling with the duration spreads writers of a
    // large file (whose read-merge-write takes a second) as far apart as those of a small one;
    // with a fixed cap they kept colliding (docs/performance.md, 8 writers). No <random>: a
    // splitmix of the clock and this object's address separates processes and threads.
    class save_backoff {
    public:
        save_backoff(const void* self, const save_retry& policy)
            : policy_(policy),
              state_(static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                     static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(self))) {}
        void wait(std::size_t attempt, std::chrono::microseconds attempt_took) {
            const auto took = static_cast<std::uint64_t>(std::max<std::int64_t>(attempt_took.count(), 0));
            const auto base = std::max<std::uint64_t>(static_cast<std::uint64_t>(policy_.base.count()), took);
            const auto cap = std::max<std::uint64_t>(static_cast<std::uint64_t>(policy_.cap.count()), 8 * took);
            const auto ceiling = std::min<std::uint64_t>(cap, base << std::min<std::size_t>(attempt, 20));
            const std::uint64_t wait_us = next() % (ceiling + 1);
            timespec wait{static_cast<time_t>(wait_us / 1'000'000), static_cast<long>(wait_us % 1'000'000) * 1'000};
            while (::nanosleep(&wait, &wait) != 0 && errno == EINTR) {
            }
        }

    private:
        std::uint64_t next() {
            std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
            z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
            return z ^ (z >> 31U);
        }
        save_retry policy_;
        std::uint64_t state_;
    };

    std::filesystem::path path_;
    std::shared_ptr<storage> storage_;
    bool durable_ = true;
    std::uint64_t signature_ = 0;  // of the file as we last read or wrote it
};

}  // namespace lazyscribe::detail
