#pragma once
/// @file fixed_string.hpp
/// @brief A string literal usable as a template argument: `log_artifact<"json">(...)`.

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace lazyscribe {

/// @brief A compile-time string of N characters, usable as a non-type template parameter.
///
/// Written by users only as a literal: `handler_t<"json">`, `log_artifact<"text">(...)`.
template <std::size_t N>
struct fixed_string {
    char data[N + 1]{};  // NUL-terminated so that compiler diagnostics print it as a string

    constexpr fixed_string() = default;
    constexpr fixed_string(const char (&literal)[N + 1]) noexcept {  // NOLINT(google-explicit-constructor): a literal
        std::copy_n(literal, N + 1, data);
    }
    /// @brief Copies the first N characters of a constant string (for aliases read off handlers).
    constexpr explicit fixed_string(std::string_view text) noexcept { std::copy_n(text.data(), N, data); }

    [[nodiscard]] constexpr std::string_view view() const noexcept { return {data, N}; }
    constexpr operator std::string_view() const noexcept { return view(); }  // NOLINT(google-explicit-constructor)
    [[nodiscard]] static constexpr std::size_t size() noexcept { return N; }
};

template <std::size_t M>
fixed_string(const char (&)[M]) -> fixed_string<M - 1>;

}  // namespace lazyscribe
