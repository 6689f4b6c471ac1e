#pragma once
/// @file xxh64.hpp
/// @brief XXH64 (seed 0), the fingerprint projects and repositories keep of the bytes they
/// last read or wrote, to notice that another writer changed a file before they save.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace lazyscribe::detail {

// A fingerprint of a file's bytes, to notice that another writer changed it: XXH64 (seed 0),
// fast enough to run on every load and save. Fed in pieces of any size, it gives the same
// value as for the whole text at once, so a file can be hashed while it is written.
class content_hasher {
public:
    void update(std::string_view bytes) noexcept {
        total_ += bytes.size();
        if (pending_size_ > 0) {
            const std::size_t take = std::min(stripe - pending_size_, bytes.size());
            std::memcpy(pending_ + pending_size_, bytes.data(), take);
            pending_size_ += take;
            bytes.remove_prefix(take);
            if (pending_size_ < stripe) return;
            consume(pending_);
            pending_size_ = 0;
        }
        for (; bytes.size() >= stripe; bytes.remove_prefix(stripe)) consume(bytes.data());
        std::memcpy(pending_, bytes.data(), bytes.size());
        pending_size_ = bytes.size();
    }

    [[nodiscard]] std::uint64_t digest() const noexcept {
        std::uint64_t h = 0;
        if (total_ >= stripe) {
            h = rotl(lanes_[0], 1) + rotl(lanes_[1], 7) + rotl(lanes_[2], 12) + rotl(lanes_[3], 18);
            for (const std::uint64_t lane : lanes_) h = (h ^ round(0, lane)) * p1 + p4;
        } else {
            h = p5;
        }
        h += total_;
        std::size_t i = 0;
        for (; i + 8 <= pending_size_; i += 8) h = rotl(h ^ round(0, word64(pending_ + i)), 27) * p1 + p4;
        if (i + 4 <= pending_size_) {
            h = rotl(h ^ (word32(pending_ + i) * p1), 23) * p2 + p3;
            i += 4;
        }
        for (; i < pending_size_; ++i) h = rotl(h ^ (static_cast<unsigned char>(pending_[i]) * p5), 11) * p1;
        h ^= h >> 33;
        h *= p2;
        h ^= h >> 29;
        h *= p3;
        h ^= h >> 32;
        return h;
    }

private:
    static constexpr std::uint64_t p1 = 0x9E3779B185EBCA87ull;
    static constexpr std::uint64_t p2 = 0xC2B2AE3D27D4EB4Full;
    static constexpr std::uint64_t p3 = 0x165667B19E3779F9ull;
    static constexpr std::uint64_t p4 = 0x85EBCA77C2B2AE63ull;
    static constexpr std::uint64_t p5 = 0x27D4EB2F165667C5ull;
    static constexpr std::size_t stripe = 32;

    static std::uint64_t rotl(std::uint64_t x, int r) noexcept { return (x << r) | (x >> (64 - r)); }
    static std::uint64_t round(std::uint64_t acc, std::uint64_t w) noexcept { return rotl(acc + w * p2, 31) * p1; }
    // Little-endian reads, as XXH64 defines them (the machines we build for are little-endian).
    static std::uint64_t word64(const char* p) noexcept {
        std::uint64_t w;
        std::memcpy(&w, p, sizeof w);
        return w;
    }
    static std::uint64_t word32(const char* p) noexcept {
        std::uint32_t w;
        std::memcpy(&w, p, sizeof w);
        return w;
    }
    void consume(const char* p) noexcept {
        for (std::size_t lane = 0; lane < 4; ++lane) lanes_[lane] = round(lanes_[lane], word64(p + 8 * lane));
    }

    std::uint64_t lanes_[4] = {p1 + p2, p2, 0, 0 - p1};
    std::uint64_t total_ = 0;
    char pending_[stripe] = {};
    std::size_t pending_size_ = 0;
};

inline std::uint64_t content_signature(std::string_view bytes) noexcept {
    content_hasher hasher;
    hasher.update(bytes);
    return hasher.digest();
}

}  // namespace lazyscribe::detail
