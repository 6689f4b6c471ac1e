#pragma once
// Date-times as Python lazyscribe stores them (docs/format.md §3): naive UTC,
// "YYYY-MM-DDTHH:MM:SS", sub-second parts truncated.

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace lazyscribe {

/// @brief A point in time as lazyscribe stores it: UTC, whole seconds.
using time_point = std::chrono::sys_seconds;

namespace detail {

inline time_point now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

struct civil_time {
    int year, month, day, hour, minute, second;
};

inline civil_time to_civil(time_point t) {
    const auto days = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{days};
    const std::chrono::hh_mm_ss hms{t - days};
    return {int(ymd.year()),          int(unsigned(ymd.month())), int(unsigned(ymd.day())),
            int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count())};
}

/// "2024-01-02T03:04:05"
inline std::string format_time(time_point t) {
    const auto c = to_civil(t);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", c.year, c.month, c.day, c.hour, c.minute,
                  c.second);
    return buffer;
}

/// Appends format_time(t) to out, without formatting through printf.
inline void append_time(std::string& out, time_point t) {
    const auto c = to_civil(t);
    if (c.year < 0 || c.year > 9999) {
        out += format_time(t);
        return;
    }
    char b[19];
    const auto two = [&](int at, int v) {
        b[at] = static_cast<char>('0' + v / 10);
        b[at + 1] = static_cast<char>('0' + v % 10);
    };
    two(0, c.year / 100);
    two(2, c.year % 100);
    b[4] = '-';
    two(5, c.month);
    b[7] = '-';
    two(8, c.day);
    b[10] = 'T';
    two(11, c.hour);
    b[13] = ':';
    two(14, c.minute);
    b[16] = ':';
    two(17, c.second);
    out.append(b, sizeof b);
}

/// "20240102030405", the stamp in slugs and default file names.
inline std::string format_stamp(time_point t) {
    const auto c = to_civil(t);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d%02d%02d%02d%02d%02d", c.year, c.month, c.day, c.hour, c.minute,
                  c.second);
    return buffer;
}

/// Parses what Python 3.11's datetime.fromisoformat accepts for lazyscribe's values:
/// "YYYY-MM-DD[T| ]HH:MM:SS[.ffffff][Z|+00:00]", fraction truncated. nullopt otherwise.
inline std::optional<time_point> parse_time(std::string_view s) {
    auto digits = [&](std::size_t pos, std::size_t count, int& out) {
        if (pos + count > s.size()) return false;
        out = 0;
        for (std::size_t i = pos; i < pos + count; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            out = out * 10 + (s[i] - '0');
        }
        return true;
    };
    int y, mo, d, h, mi, sec;
    if (s.size() < 19 || !digits(0, 4, y) || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' || !digits(8, 2, d) ||
        (s[10] != 'T' && s[10] != ' ') || !digits(11, 2, h) || s[13] != ':' || !digits(14, 2, mi) || s[16] != ':' ||
        !digits(17, 2, sec))
        return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        std::size_t n = 0;
        for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) ++n;
        if (n == 0) return std::nullopt;
    }
    const std::string_view zone = s.substr(pos);
    if (!(zone.empty() || zone == "Z" || zone == "+00:00")) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(mo)},
                                          std::chrono::day{unsigned(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
    return std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{sec};
}

}  // namespace detail
}  // namespace lazyscribe
