#pragma once
/// @file slug_index.hpp
/// @brief The look-up table behind `project[slug]`: an open-addressing hash table whose
/// keys are copied, back to back, into one buffer. A look-up touches one slot and a few
/// bytes of that buffer, both compact, so it stays fast when a project holds 100,000
/// experiments whose own strings are scattered over a large heap.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lazyscribe::detail {

template <class Value>
class slug_index {
public:
    /// @brief The value stored for `key`, or nullptr.
    [[nodiscard]] const Value* find(std::string_view key) const noexcept {
        if (slots_.empty()) return nullptr;
        const std::uint64_t h = hash(key);
        for (std::size_t i = start(h); slots_[i].hash != 0; i = (i + 1) & mask()) {
            if (matches(slots_[i], h, key)) return &slots_[i].value;
        }
        return nullptr;
    }
    [[nodiscard]] Value* find(std::string_view key) noexcept {
        return const_cast<Value*>(static_cast<const slug_index&>(*this).find(key));
    }

    /// @brief The value stored for `key`, value-initialised if the key is new.
    Value& operator[](std::string_view key) {
        if (2 * (count_ + 1) > slots_.size()) grow();
        const std::uint64_t h = hash(key);
        std::size_t i = start(h);
        for (; slots_[i].hash != 0; i = (i + 1) & mask()) {
            if (matches(slots_[i], h, key)) return slots_[i].value;
        }
        if (keys_.size() + key.size() > max_key_bytes) throw std::length_error("lazyscribe: slug index is full");
        const std::size_t offset = keys_.size();
        keys_.append(key);  // may throw: before the slot is taken, so that a failure changes nothing
        slot& s = slots_[i];
        s.hash = h;
        s.offset = static_cast<std::uint32_t>(offset);
        s.length = static_cast<std::uint32_t>(key.size());
        ++count_;
        return s.value;
    }

    void reserve(std::size_t keys) {
        while (2 * keys > slots_.size()) grow();
    }
    void clear() noexcept {
        slots_.clear();
        keys_.clear();
        count_ = 0;
    }
    [[nodiscard]] std::size_t size() const noexcept { return count_; }

private:
    // 32 bytes with two pointers as the value: half a cache line per probe.
    struct slot {
        std::uint64_t hash = 0;    // 0: an empty slot (stored hashes are odd)
        std::uint32_t offset = 0;  // of the key in keys_
        std::uint32_t length = 0;
        Value value{};
    };
    static constexpr std::size_t max_key_bytes = 0xFFFFFFFFu;

    static std::uint64_t hash(std::string_view key) noexcept { return std::hash<std::string_view>{}(key) | 1u; }
    [[nodiscard]] std::size_t mask() const noexcept { return slots_.size() - 1; }
    // The first slot to probe: bit 0 of a stored hash is always set, so it is left out.
    [[nodiscard]] std::size_t start(std::uint64_t h) const noexcept {
        return static_cast<std::size_t>(h >> 1) & mask();
    }
    [[nodiscard]] bool matches(const slot& s, std::uint64_t h, std::string_view key) const noexcept {
        return s.hash == h && s.length == key.size() &&
               (key.empty() || std::memcmp(keys_.data() + s.offset, key.data(), key.size()) == 0);
    }

    // Doubles the table (at most half full keeps probe runs short); stored hashes make it
    // a pass over the slots that reads no key.
    // The new table is built aside, so that a failed allocation leaves the old one whole.
    void grow() {
        std::vector<slot> bigger(slots_.empty() ? 16 : 2 * slots_.size(), slot{});
        const std::size_t new_mask = bigger.size() - 1;
        for (auto& s : slots_) {
            if (s.hash == 0) continue;
            std::size_t i = static_cast<std::size_t>(s.hash >> 1) & new_mask;
            while (bigger[i].hash != 0) i = (i + 1) & new_mask;
            bigger[i] = std::move(s);
        }
        slots_ = std::move(bigger);
    }

    std::vector<slot> slots_;  // size 0 or a power of two
    std::string keys_;         // every key, back to back
    std::size_t count_ = 0;
};

}  // namespace lazyscribe::detail
