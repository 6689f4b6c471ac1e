#pragma once
// The life cycle of a project or repository file, written once for both: open (through a
// storage), read with a size bound, remember the bytes' signature, and on save lock the file,
// re-read it to merge what another writer saved meanwhile, then replace it atomically.
// Not a template of the handler list: it is compiled once, whatever records the file holds.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <lazyscribe/detail/xxh64.hpp>
#include <lazyscribe/storage.hpp>

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
        const auto writers = storage_->lock(path_);  // makes read-merge-write one step across processes
        if (merge_others) {
            if (auto current = reread_for_save(*storage_, path_);
                current && content_signature(*current) != signature_) {
                merge(*current);
            }
        }
        prepare();
        content_hasher signature;
        storage_->write(
            path_, true,
            [&](std::ostream& out) {
                signature = content_hasher{};  // should a storage call this again
                write([&](std::string_view slice) {
                    signature.update(slice);
                    out.write(slice.data(), static_cast<std::streamsize>(slice.size()));
                });
            },
            durable_);
        signature_ = signature.digest();
    }

private:
    std::filesystem::path path_;
    std::shared_ptr<storage> storage_;
    bool durable_ = true;
    std::uint64_t signature_ = 0;  // of the file as we last read or wrote it
};

}  // namespace lazyscribe::detail
