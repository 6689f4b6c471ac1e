#pragma once
/// @file time.hpp
/// @brief Times as lazyscribe stores them: UTC, whole seconds, "YYYY-MM-DDTHH:MM:SS".

#include <optional>
#include <string>
#include <string_view>

#include <lazyscribe/detail/time.hpp>

namespace lazyscribe {

/// @brief "2024-01-02T03:04:05", the form every lazyscribe file uses.
inline std::string format_time(time_point t) { return detail::format_time(t); }

/// @brief Parses what Python's datetime.fromisoformat accepts for lazyscribe's times
/// (a 'T' or space separator, an optional fraction, which is truncated, and "Z" or "+00:00");
/// nullopt for anything else.
inline std::optional<time_point> parse_time(std::string_view text) { return detail::parse_time(text); }

/// @brief The current time, in whole seconds, as lazyscribe stamps records (the default clock).
inline time_point now() { return detail::now(); }

}  // namespace lazyscribe
