#pragma once
/// @file handlers/yaml.hpp
/// @brief The `yaml` handler (opt-in, needs yaml-cpp: link lazyscribe::yaml): JSON-like values
/// in the files Python's lazyscribe-yaml plugin writes and reads.
///
/// Writing follows PyYAML's `yaml.dump` (block style, keys sorted, ASCII with escapes, lines
/// folded at 80 columns) so closely that the bytes are equal for every value a
/// `lazyscribe::json` holds; reading parses with yaml-cpp and types plain scalars with
/// PyYAML's YAML 1.1 rules, so a value reads as Python's `yaml.safe_load` returns it.

#include <lazyscribe/detail/pyjson_numbers.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/handler.hpp>
#include <lazyscribe/handlers/json.hpp>
#include <lazyscribe/json.hpp>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <iterator>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace lazyscribe {

namespace detail::yaml {

/// The type PyYAML's resolver gives a plain (unquoted) scalar.
enum class plain_type { str, null, boolean, integer, floating, timestamp, merge, value, yaml };

namespace match {

// Small matchers for PyYAML's implicit-resolver regular expressions (yaml/resolver.py); each
// advances `i` over what it consumed, only on success.
inline bool digit(std::string_view s, std::size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }
inline bool one_of(std::string_view s, std::size_t i, std::string_view set) {
    return i < s.size() && set.find(s[i]) != std::string_view::npos;
}
inline void skip_sign(std::string_view s, std::size_t& i) {
    if (one_of(s, i, "-+")) ++i;
}
inline std::size_t run(std::string_view s, std::size_t i, std::string_view set) {
    while (one_of(s, i, set)) ++i;
    return i;
}
// (?::[0-5]?[0-9])+ : at least one group; a two-digit group is always right to take, because
// what may follow a group (':', '.' or the end) is never a digit.
inline bool sexagesimal_groups(std::string_view s, std::size_t& i) {
    std::size_t j = i;
    std::size_t groups = 0;
    while (j < s.size() && s[j] == ':') {
        if (one_of(s, j + 1, "012345") && digit(s, j + 2)) {
            j += 3;
        } else if (digit(s, j + 1)) {
            j += 2;
        } else {
            break;
        }
        ++groups;
    }
    if (groups == 0) return false;
    i = j;
    return true;
}
// (?:[eE][-+][0-9]+)?
inline void optional_exponent(std::string_view s, std::size_t& i) {
    if (one_of(s, i, "eE") && one_of(s, i + 1, "-+") && digit(s, i + 2)) i = run(s, i + 2, "0123456789");
}

inline bool is_float(std::string_view s) {
    const auto decimal = [&] {  // [-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?
        std::size_t i = 0;
        skip_sign(s, i);
        if (!digit(s, i)) return false;
        i = run(s, i, "0123456789_");
        if (i >= s.size() || s[i] != '.') return false;
        i = run(s, i + 1, "0123456789_");
        optional_exponent(s, i);
        return i == s.size();
    };
    const auto fraction_only = [&] {  // \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
        if (s.empty() || s[0] != '.' || !digit(s, 1)) return false;
        std::size_t i = run(s, 1, "0123456789_");
        optional_exponent(s, i);
        return i == s.size();
    };
    const auto base60 = [&] {  // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        std::size_t i = 0;
        skip_sign(s, i);
        if (!digit(s, i)) return false;
        i = run(s, i, "0123456789_");
        if (!sexagesimal_groups(s, i) || i >= s.size() || s[i] != '.') return false;
        return run(s, i + 1, "0123456789_") == s.size();
    };
    const auto special = [&] {  // [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
        std::size_t i = 0;
        skip_sign(s, i);
        const auto rest = s.substr(i);
        if (rest == ".inf" || rest == ".Inf" || rest == ".INF") return true;
        return s == ".nan" || s == ".NaN" || s == ".NAN";
    };
    return decimal() || fraction_only() || base60() || special();
}

inline bool is_int(std::string_view s) {
    std::size_t start = 0;
    skip_sign(s, start);
    const auto body = s.substr(start);
    const auto all_of = [](std::string_view t, std::string_view set) {
        return !t.empty() && t.find_first_not_of(set) == std::string_view::npos;
    };
    if (body.starts_with("0b") && all_of(body.substr(2), "01_")) return true;
    if (body.starts_with("0x") && all_of(body.substr(2), "0123456789abcdefABCDEF_")) return true;
    if (body.size() > 1 && body[0] == '0' && all_of(body.substr(1), "01234567_")) return true;
    if (body == "0") return true;
    if (!body.empty() && body[0] >= '1' && body[0] <= '9') {
        std::size_t i = run(body, 1, "0123456789_");
        if (i == body.size()) return true;
        return sexagesimal_groups(body, i) && i == body.size();
    }
    return false;
}

inline bool is_timestamp(std::string_view s) {
    const auto digits = [&](std::size_t& i, std::size_t least, std::size_t most) {
        std::size_t n = 0;
        while (n < most && digit(s, i + n)) ++n;
        if (n < least) return false;
        i += n;
        return true;
    };
    const auto literal = [&](std::size_t& i, char c) {
        if (i >= s.size() || s[i] != c) return false;
        ++i;
        return true;
    };
    {  // [0-9]{4}-[0-9]{2}-[0-9]{2}
        std::size_t i = 0;
        if (digits(i, 4, 4) && literal(i, '-') && digits(i, 2, 2) && literal(i, '-') && digits(i, 2, 2) &&
            i == s.size())
            return true;
    }
    // [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
    //   (?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?
    std::size_t i = 0;
    if (!(digits(i, 4, 4) && literal(i, '-') && digits(i, 1, 2) && literal(i, '-') && digits(i, 1, 2))) return false;
    if (one_of(s, i, "Tt")) {
        ++i;
    } else {
        const auto after = run(s, i, " \t");
        if (after == i) return false;
        i = after;
    }
    if (!(digits(i, 1, 2) && literal(i, ':') && digits(i, 2, 2) && literal(i, ':') && digits(i, 2, 2))) return false;
    if (i < s.size() && s[i] == '.') i = run(s, i + 1, "0123456789");
    if (i == s.size()) return true;
    i = run(s, i, " \t");
    if (literal(i, 'Z')) return i == s.size();
    if (!one_of(s, i, "-+")) return false;
    ++i;
    if (!digits(i, 1, 2)) return false;
    if (i < s.size() && s[i] == ':') {
        ++i;
        if (!digits(i, 2, 2)) return false;
    }
    return i == s.size();
}

}  // namespace match

/// @brief PyYAML's Resolver (the one `yaml.dump` and `yaml.safe_load` use) on a plain scalar:
/// the resolvers registered for its first character, in registration order.
inline plain_type resolve_plain(std::string_view s) {
    if (s.empty()) return plain_type::null;
    const char first = s[0];
    if (std::string_view("yYnNtTfFoO").find(first) != std::string_view::npos) {
        static constexpr std::string_view booleans[] = {"yes", "Yes",   "YES",  "no",    "No",    "NO",
                                                        "true", "True", "TRUE", "false", "False", "FALSE",
                                                        "on",  "On",    "ON",   "off",   "Off",   "OFF"};
        if (std::find(std::begin(booleans), std::end(booleans), s) != std::end(booleans)) return plain_type::boolean;
    }
    if (std::string_view("-+0123456789.").find(first) != std::string_view::npos && match::is_float(s))
        return plain_type::floating;
    if (std::string_view("-+0123456789").find(first) != std::string_view::npos && match::is_int(s))
        return plain_type::integer;
    if (s == "<<") return plain_type::merge;
    if (s == "~" || s == "null" || s == "Null" || s == "NULL") return plain_type::null;
    if (match::digit(s, 0) && match::is_timestamp(s)) return plain_type::timestamp;
    if (s == "=") return plain_type::value;
    if (s == "!" || s == "&" || s == "*") return plain_type::yaml;
    return plain_type::str;
}

/// `yaml.dump`'s keyword arguments that the writer follows.
struct dump_options {
    bool sort_keys = true;
    bool allow_unicode = false;
    int best_indent = 2;
    int best_width = 80;
};

/// @brief The writer kwargs as `yaml.dump` reads them (`sort_keys`, `allow_unicode`, `indent`,
/// `width`); throws format_error naming any other or an ill-typed one.
inline dump_options options_from_kwargs(const json& kwargs) {
    dump_options o;
    if (kwargs.is_null()) return o;
    if (!kwargs.is_object()) throw format_error("yaml writer kwargs must be an object; given: " + kwargs.dump());
    int indent = 0;
    int width = 0;
    for (const auto& [key, value] : kwargs.items()) {
        if (key == "sort_keys" || key == "allow_unicode") {
            if (!value.is_boolean()) throw format_error("yaml writer kwarg '" + key + "' must be a bool; given: " + value.dump());
            (key == "sort_keys" ? o.sort_keys : o.allow_unicode) = value.get<bool>();
        } else if (key == "indent" || key == "width") {
            if (!value.is_null() && !value.is_number_integer())
                throw format_error("yaml writer kwarg '" + key + "' must be an integer or null; given: " + value.dump());
            const auto number = value.is_null() ? 0 : value.get<std::int64_t>();
            const int clamped = static_cast<int>(std::clamp<std::int64_t>(number, -1, std::numeric_limits<int>::max()));
            (key == "indent" ? indent : width) = clamped;
        } else {
            throw format_error("yaml writer kwarg '" + key +
                               "' is not supported (the yaml handler follows yaml.dump's sort_keys, "
                               "allow_unicode, indent and width)");
        }
    }
    // As PyYAML's Emitter.__init__.
    if (indent > 1 && indent < 10) o.best_indent = indent;
    if (width > o.best_indent * 2) o.best_width = width;
    return o;
}

/// Decodes UTF-8 (PyYAML works on code points). What is not UTF-8 is a format_error naming
/// the byte, or, given `bad_at`, sets it to that byte's offset and gives an empty string.
inline std::u32string decode_utf8(std::string_view s, std::size_t* bad_at = nullptr) {
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
        char32_t c = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
        bool valid = n != 0 && i + n <= s.size();
        for (std::size_t k = 1; valid && k < n; ++k) {
            const auto cont = static_cast<unsigned char>(s[i + k]);
            valid = (cont & 0xC0) == 0x80;
            c = (c << 6) | (cont & 0x3F);
        }
        static constexpr char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        valid = valid && c >= least[n] && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
        if (!valid) {
            if (bad_at != nullptr) {
                *bad_at = i;
                return {};
            }
            throw format_error("yaml: a string is not valid UTF-8 (byte " + std::to_string(i) + ")");
        }
        out.push_back(c);
        i += n;
    }
    return out;
}

inline void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

/// PyYAML's float representer: repr, lower-cased, with ".0" before a bare exponent.
inline std::string float_text(double d) {
    if (std::isnan(d)) return ".nan";
    if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
    std::string text;
    pyjson::impl::append_float(text, d, true);
    if (text.find('.') == std::string::npos) {
        if (const auto e = text.find('e'); e != std::string::npos) text.insert(e, ".0");
    }
    return text;
}

/// @brief A port of PyYAML 6's Emitter, for the events `yaml.dump` (default_flow_style=False)
/// makes of JSON-like data: block collections, `[]`/`{}` when empty, scalars in the style
/// PyYAML chooses. Names follow emitter.py so the two can be read side by side.
class emitter {
public:
    emitter(std::string& out, const dump_options& options) : out_(out), options_(options) {}

    template <class J>
    void document(const J& value) {
        node(value, context::root);
        write_indent();  // expect_document_end
        if (open_ended_) {
            write_indicator(U"...", true);
            write_indent();
        }
    }

private:
    enum class context { root, sequence, mapping, simple_key };
    static constexpr int none = -1;  // Python's None for an indent
    static constexpr char32_t end_of_text = 0xFFFFFFFF;

    struct analysis {
        std::u32string scalar;
        bool empty = false;
        bool multiline = false;
        bool allow_flow_plain = true;
        bool allow_block_plain = true;
        bool allow_single_quoted = true;
        bool allow_block = true;
    };

    static bool is_break(char32_t c) { return c == U'\n' || c == 0x85 || c == 0x2028 || c == 0x2029; }
    static bool is_space_or_break(char32_t c) { return c == U'\0' || c == U' ' || c == U'\t' || c == U'\r' || is_break(c); }

    analysis analyze(std::u32string scalar) const {
        analysis a;
        if (scalar.empty()) {
            a.empty = true;
            a.allow_flow_plain = false;
            a.allow_block = false;
            a.scalar = std::move(scalar);
            return a;
        }
        const std::u32string_view s = scalar;
        bool block_indicators = false;
        bool flow_indicators = false;
        bool line_breaks = false;
        bool special_characters = false;
        bool leading_space = false;
        bool leading_break = false;
        bool trailing_space = false;
        bool trailing_break = false;
        bool break_space = false;
        bool space_break = false;
        if (s.starts_with(U"---") || s.starts_with(U"...")) block_indicators = flow_indicators = true;
        bool preceded_by_whitespace = true;
        bool followed_by_whitespace = s.size() == 1 || is_space_or_break(s[1]);
        bool previous_space = false;
        bool previous_break = false;
        for (std::size_t index = 0; index < s.size(); ++index) {
            const char32_t ch = s[index];
            if (index == 0) {
                if (std::u32string_view(U"#,[]{}&*!|>'\"%@`").find(ch) != std::u32string_view::npos)
                    flow_indicators = block_indicators = true;
                if (ch == U'?' || ch == U':') {
                    flow_indicators = true;
                    if (followed_by_whitespace) block_indicators = true;
                }
                if (ch == U'-' && followed_by_whitespace) flow_indicators = block_indicators = true;
            } else {
                if (std::u32string_view(U",?[]{}").find(ch) != std::u32string_view::npos) flow_indicators = true;
                if (ch == U':') {
                    flow_indicators = true;
                    if (followed_by_whitespace) block_indicators = true;
                }
                if (ch == U'#' && preceded_by_whitespace) flow_indicators = block_indicators = true;
            }
            if (is_break(ch)) line_breaks = true;
            if (!(ch == U'\n' || (ch >= 0x20 && ch <= 0x7E))) {
                if ((ch == 0x85 || (ch >= 0xA0 && ch <= 0xD7FF) || (ch >= 0xE000 && ch <= 0xFFFD) ||
                     (ch >= 0x10000 && ch < 0x10FFFF)) &&
                    ch != 0xFEFF) {
                    if (!options_.allow_unicode) special_characters = true;
                } else {
                    special_characters = true;
                }
            }
            if (ch == U' ') {
                if (index == 0) leading_space = true;
                if (index == s.size() - 1) trailing_space = true;
                if (previous_break) break_space = true;
                previous_space = true;
                previous_break = false;
            } else if (is_break(ch)) {
                if (index == 0) leading_break = true;
                if (index == s.size() - 1) trailing_break = true;
                if (previous_space) space_break = true;
                previous_space = false;
                previous_break = true;
            } else {
                previous_space = previous_break = false;
            }
            preceded_by_whitespace = is_space_or_break(ch);
            followed_by_whitespace = index + 2 >= s.size() || is_space_or_break(s[index + 2]);
        }
        if (leading_space || leading_break || trailing_space || trailing_break)
            a.allow_flow_plain = a.allow_block_plain = false;
        if (trailing_space) a.allow_block = false;
        if (break_space) a.allow_flow_plain = a.allow_block_plain = a.allow_single_quoted = false;
        if (space_break || special_characters)
            a.allow_flow_plain = a.allow_block_plain = a.allow_single_quoted = a.allow_block = false;
        if (line_breaks) a.allow_flow_plain = a.allow_block_plain = false;
        if (flow_indicators) a.allow_flow_plain = false;
        if (block_indicators) a.allow_block_plain = false;
        a.multiline = line_breaks;
        a.scalar = std::move(scalar);
        return a;
    }

    // --- writers (emitter.py "Writers") ---
    void write(std::u32string_view data) {
        for (char32_t c : data) append_utf8(out_, c);
    }
    void write_indicator(std::u32string_view indicator, bool need_whitespace, bool whitespace = false,
                         bool indention = false) {
        if (!whitespace_ && need_whitespace) {
            write(U" ");
            ++column_;
        }
        write(indicator);
        column_ += static_cast<int>(indicator.size());
        whitespace_ = whitespace;
        indention_ = indention_ && indention;
        open_ended_ = false;
    }
    void write_indent() {
        const int indent = indent_ == none ? 0 : indent_;
        if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) write_line_break();
        if (column_ < indent) {
            whitespace_ = true;
            out_.append(static_cast<std::size_t>(indent - column_), ' ');
            column_ = indent;
        }
    }
    void write_line_break(char32_t data = U'\n') {
        whitespace_ = true;
        indention_ = true;
        column_ = 0;
        append_utf8(out_, data);
    }
    void write_text(std::u32string_view data) {
        column_ += static_cast<int>(data.size());
        write(data);
    }

    void write_plain(std::u32string_view text, bool split) {
        if (root_context_) open_ended_ = true;
        if (text.empty()) return;
        if (!whitespace_) write_text(U" ");
        whitespace_ = indention_ = false;
        bool spaces = false;
        bool breaks = false;
        std::size_t start = 0;
        for (std::size_t end = 0; end <= text.size(); ++end) {
            const char32_t ch = end < text.size() ? text[end] : end_of_text;
            if (spaces) {
                if (ch != U' ') {
                    if (start + 1 == end && column_ > options_.best_width && split) {
                        write_indent();
                        whitespace_ = indention_ = false;
                    } else {
                        write_text(text.substr(start, end - start));
                    }
                    start = end;
                }
            } else if (breaks) {
                if (!is_break(ch)) {
                    if (text[start] == U'\n') write_line_break();
                    for (char32_t br : text.substr(start, end - start)) write_line_break(br);
                    write_indent();
                    whitespace_ = indention_ = false;
                    start = end;
                }
            } else if (ch == end_of_text || ch == U' ' || is_break(ch)) {
                write_text(text.substr(start, end - start));
                start = end;
            }
            if (ch != end_of_text) {
                spaces = ch == U' ';
                breaks = is_break(ch);
            }
        }
    }

    void write_single_quoted(std::u32string_view text, bool split) {
        write_indicator(U"'", true);
        bool spaces = false;
        bool breaks = false;
        std::size_t start = 0;
        for (std::size_t end = 0; end <= text.size(); ++end) {
            const char32_t ch = end < text.size() ? text[end] : end_of_text;
            if (spaces) {
                if (ch != U' ') {
                    if (start + 1 == end && column_ > options_.best_width && split && start != 0 && end != text.size()) {
                        write_indent();
                    } else {
                        write_text(text.substr(start, end - start));
                    }
                    start = end;
                }
            } else if (breaks) {
                if (ch == end_of_text || !is_break(ch)) {
                    if (text[start] == U'\n') write_line_break();
                    for (char32_t br : text.substr(start, end - start)) write_line_break(br);
                    write_indent();
                    start = end;
                }
            } else if (ch == end_of_text || ch == U' ' || is_break(ch) || ch == U'\'') {
                if (start < end) {
                    write_text(text.substr(start, end - start));
                    start = end;
                }
            }
            if (ch == U'\'') {
                write_text(U"''");
                start = end + 1;
            }
            if (ch != end_of_text) {
                spaces = ch == U' ';
                breaks = is_break(ch);
            }
        }
        write_indicator(U"'", false);
    }

    static std::u32string escape(char32_t ch) {
        const auto simple = [](char32_t c) -> char32_t {
            switch (c) {
                case 0x00: return U'0';
                case 0x07: return U'a';
                case 0x08: return U'b';
                case 0x09: return U't';
                case 0x0A: return U'n';
                case 0x0B: return U'v';
                case 0x0C: return U'f';
                case 0x0D: return U'r';
                case 0x1B: return U'e';
                case U'"': return U'"';
                case U'\\': return U'\\';
                case 0x85: return U'N';
                case 0xA0: return U'_';
                case 0x2028: return U'L';
                case 0x2029: return U'P';
                default: return 0;
            }
        };
        if (const char32_t r = simple(ch)) return std::u32string{U'\\', r};
        const int digits = ch <= 0xFF ? 2 : (ch <= 0xFFFF ? 4 : 8);
        std::u32string out{U'\\', ch <= 0xFF ? U'x' : (ch <= 0xFFFF ? U'u' : U'U')};
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += U"0123456789ABCDEF"[(ch >> shift) & 0xF];
        return out;
    }

    void write_double_quoted(std::u32string_view text, bool split) {
        write_indicator(U"\"", true);
        std::size_t start = 0;
        for (std::size_t end = 0; end <= text.size(); ++end) {
            const char32_t ch = end < text.size() ? text[end] : end_of_text;
            const bool printable = ch != end_of_text &&
                                   ((ch >= 0x20 && ch <= 0x7E) ||
                                    (options_.allow_unicode && ((ch >= 0xA0 && ch <= 0xD7FF) || (ch >= 0xE000 && ch <= 0xFFFD))));
            if (ch == end_of_text || ch == U'"' || ch == U'\\' || ch == 0x85 || ch == 0x2028 || ch == 0x2029 ||
                ch == 0xFEFF || !printable) {
                if (start < end) {
                    write_text(text.substr(start, end - start));
                    start = end;
                }
                if (ch != end_of_text) {
                    write_text(escape(ch));
                    start = end + 1;
                }
            }
            if (0 < end && end + 1 < text.size() && (ch == U' ' || start >= end) &&
                column_ + static_cast<int>(end - start) > options_.best_width && split) {
                std::u32string data(text.substr(start, end > start ? end - start : 0));
                data += U'\\';
                if (start < end) start = end;
                write_text(data);
                write_indent();
                whitespace_ = indention_ = false;
                if (text[start] == U' ') write_text(U"\\");
            }
        }
        write_indicator(U"\"", false);
    }

    // --- nodes (emitter.py "Node handlers", recursive instead of an event queue) ---
    void set_context(context c) {
        root_context_ = c == context::root;
        mapping_context_ = c == context::mapping || c == context::simple_key;
        simple_key_context_ = c == context::simple_key;
    }
    void increase_indent(bool flow, bool indentless = false) {
        indents_.push_back(indent_);
        if (indent_ == none) {
            indent_ = flow ? options_.best_indent : 0;
        } else if (!indentless) {
            indent_ += options_.best_indent;
        }
    }
    void pop_indent() {
        indent_ = indents_.back();
        indents_.pop_back();
    }

    // A scalar: `plain_ok` is the event's implicit[0] (the text, written plain, reads back
    // as the same type), which for strings the resolver decides.
    void scalar(std::u32string text, bool plain_ok, context c) {
        set_context(c);
        const analysis a = analyze(std::move(text));
        increase_indent(true);  // expect_scalar
        const bool simple_key = simple_key_context_;
        char style = '"';
        if (plain_ok && !(simple_key && (a.empty || a.multiline)) && a.allow_block_plain) {
            style = '\0';
        } else if (a.allow_single_quoted && !(simple_key && a.multiline)) {
            style = '\'';
        }
        const bool split = !simple_key;
        if (style == '"') {
            write_double_quoted(a.scalar, split);
        } else if (style == '\'') {
            write_single_quoted(a.scalar, split);
        } else {
            write_plain(a.scalar, split);
        }
        pop_indent();
    }

    void string_scalar(const std::string& value, context c) {
        scalar(decode_utf8(value), resolve_plain(value) == plain_type::str, c);
    }

    void ascii_scalar(std::string_view text, context c) {  // numbers, booleans, null: always plain
        scalar(std::u32string(text.begin(), text.end()), true, c);
    }

    // check_simple_key: a one-line, non-empty key shorter than 128 with its "!!str" tag.
    bool simple_key(const std::string& key) const {
        const analysis a = analyze(decode_utf8(key));
        return a.scalar.size() + 5 < 128 && !a.empty && !a.multiline;
    }

    template <class J>
    void node(const J& value, context c) {
        set_context(c);
        switch (value.type()) {
            case nlohmann::json::value_t::null: ascii_scalar("null", c); return;
            case nlohmann::json::value_t::boolean: ascii_scalar(value.template get<bool>() ? "true" : "false", c); return;
            case nlohmann::json::value_t::number_integer:
                ascii_scalar(std::to_string(value.template get<std::int64_t>()), c);
                return;
            case nlohmann::json::value_t::number_unsigned:
                ascii_scalar(std::to_string(value.template get<std::uint64_t>()), c);
                return;
            case nlohmann::json::value_t::number_float: ascii_scalar(float_text(value.template get<double>()), c); return;
            case nlohmann::json::value_t::string: string_scalar(value.template get_ref<const std::string&>(), c); return;
            case nlohmann::json::value_t::binary:
                if (pyjson::is_big_integer(value)) {
                    ascii_scalar(lazyscribe::integer_digits(value), c);
                    return;
                }
                throw format_error("yaml: cannot write a binary JSON value (only big integers are binary here)");
            case nlohmann::json::value_t::array: sequence(value); return;
            case nlohmann::json::value_t::object: mapping(value); return;
            case nlohmann::json::value_t::discarded: break;
        }
        throw format_error("yaml: cannot write a discarded JSON value");
    }

    template <class J>
    void sequence(const J& value) {
        if (value.empty()) {  // a flow sequence: check_empty_sequence
            write_indicator(U"[", true, true);
            write_indicator(U"]", false);
            return;
        }
        const bool indentless = mapping_context_ && !indention_;
        increase_indent(false, indentless);
        for (const auto& item : value) {
            write_indent();
            write_indicator(U"-", true, false, true);
            node(item, context::sequence);
        }
        pop_indent();
    }

    template <class J>
    void mapping(const J& value) {
        if (value.empty()) {
            write_indicator(U"{", true, true);
            write_indicator(U"}", false);
            return;
        }
        std::vector<std::pair<const std::string*, const J*>> items;
        items.reserve(value.size());
        for (auto it = value.begin(); it != value.end(); ++it) items.emplace_back(&it.key(), &it.value());
        if (options_.sort_keys) {
            // Python sorts str by code point, which is UTF-8's byte order.
            std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return *a.first < *b.first; });
        }
        increase_indent(false);
        for (const auto& [key, item] : items) {
            write_indent();
            if (simple_key(*key)) {
                string_scalar(*key, context::simple_key);
                write_indicator(U":", false);
            } else {
                write_indicator(U"?", true, false, true);
                string_scalar(*key, context::mapping);
                write_indent();
                write_indicator(U":", true, false, true);
            }
            node(*item, context::mapping);
        }
        pop_indent();
    }

    std::string& out_;
    dump_options options_;
    std::vector<int> indents_;
    int indent_ = none;
    int column_ = 0;
    bool whitespace_ = true;
    bool indention_ = true;
    bool open_ended_ = false;
    bool root_context_ = false;
    bool mapping_context_ = false;
    bool simple_key_context_ = false;
};

/// @brief `yaml.dump(value)` as PyYAML 6 writes it, with the given kwargs.
template <class J>
std::string dump(const J& value, const dump_options& options = {}) {
    std::string out;
    emitter(out, options).document(value);
    return out;
}

// ---------------------------------------------------------------------------------------
// Reading.

/// decimal * factor + addend, on decimal texts (most significant digit first).
inline std::string multiply_add(const std::string& decimal, unsigned factor, unsigned addend) {
    std::string out = decimal;
    unsigned carry = addend;
    for (std::size_t i = out.size(); i-- > 0;) {  // least significant digit first
        const unsigned v = static_cast<unsigned>(out[i] - '0') * factor + carry;
        out[i] = static_cast<char>('0' + v % 10);
        carry = v / 10;
    }
    while (carry) {
        out.insert(out.begin(), static_cast<char>('0' + carry % 10));
        carry /= 10;
    }
    return out;
}

/// The integer `digits` (in `base`, no sign, no underscores) as decimal text.
inline std::string to_decimal(std::string_view digits, unsigned base) {
    std::string decimal = "0";
    for (char c : digits) {
        const auto digit = static_cast<unsigned>(c >= 'a' ? c - 'a' + 10 : (c >= 'A' ? c - 'A' + 10 : c - '0'));
        decimal = multiply_add(decimal, base, digit);
        if (decimal.size() > 1 && decimal[0] == '0') decimal.erase(0, decimal.find_first_not_of('0'));
    }
    return decimal;
}

/// PyYAML's construct_yaml_int on a scalar the int resolver accepted (or tagged !!int).
template <class J>
J to_integer(std::string text, const std::string& where) {
    std::erase(text, '_');
    bool negative = false;
    std::string_view v = text;
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
        negative = v[0] == '-';
        v.remove_prefix(1);
    }
    const auto bad = [&] { return format_error(where + " is not an integer"); };
    if (v.empty()) throw bad();
    // Converting is quadratic in the digits, so what could not give at most 4300 decimal digits
    // (Python's limit, and big_integer's) is refused first: base 2 needs 3.33 digits per decimal
    // one, base 8 1.11, base 16 0.83, base 10 (and base 60's first part) one.
    const double digits_per_decimal = v.starts_with("0b") ? 3.33 : v.starts_with("0x") ? 0.83 : v[0] == '0' ? 1.11 : 1.0;
    if (static_cast<double>(v.size()) > digits_per_decimal * static_cast<double>(pyjson::max_integer_digits) + 3)
        throw format_error(where + ": an integer of " + std::to_string(v.size()) + " characters is more than Python converts");
    const auto all_of = [](std::string_view t, std::string_view set) {
        return !t.empty() && t.find_first_not_of(set) == std::string_view::npos;
    };
    std::string magnitude;
    if (v == "0") {
        magnitude = "0";
    } else if (v.starts_with("0b")) {
        if (!all_of(v.substr(2), "01")) throw bad();
        magnitude = to_decimal(v.substr(2), 2);
    } else if (v.starts_with("0x")) {
        if (!all_of(v.substr(2), "0123456789abcdefABCDEF")) throw bad();
        magnitude = to_decimal(v.substr(2), 16);
    } else if (v[0] == '0') {
        if (!all_of(v, "01234567")) throw bad();
        magnitude = to_decimal(v, 8);
    } else if (v.find(':') != std::string_view::npos) {
        // base 60: the first part may be long, each later one is below 60
        const auto colon = v.find(':');
        if (!all_of(v.substr(0, colon), "0123456789")) throw bad();
        magnitude = to_decimal(v.substr(0, colon), 10);
        for (std::size_t from = colon + 1; from <= v.size();) {
            const auto next = std::min(v.find(':', from), v.size());
            const auto part = v.substr(from, next - from);
            if (!all_of(part, "0123456789") || part.size() > 2) throw bad();
            magnitude = multiply_add(magnitude, 60, static_cast<unsigned>(std::stoi(std::string(part))));
            from = next + 1;
        }
    } else {
        if (!all_of(v, "0123456789")) throw bad();
        magnitude = std::string(v);  // no leading zero: that would be octal
    }
    const std::string literal = (negative && magnitude != "0" ? "-" : "") + magnitude;
    if (magnitude.size() > pyjson::max_integer_digits)
        throw format_error(where + ": an integer of " + std::to_string(magnitude.size()) +
                           " digits is more than Python converts (" + std::to_string(pyjson::max_integer_digits) + ")");
    return lazyscribe::big_integer<J>(literal);
}

/// What Python's float() gives for a decimal beyond double's range (no sign here): inf when
/// its first significant digit is far left of the point, else 0.0.
inline double out_of_range_float(std::string_view text) {
    const auto e = text.find_first_of("eE");
    const std::string_view mantissa = text.substr(0, e);
    long long exponent = 0;
    if (e != std::string_view::npos) {
        auto digits = text.substr(e + 1);
        const bool negative = !digits.empty() && digits[0] == '-';
        if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
        for (char c : digits) exponent = std::min<long long>(exponent * 10 + (c - '0'), 1'000'000'000);
        if (negative) exponent = -exponent;
    }
    const auto point = std::min(mantissa.find('.'), mantissa.size());
    const auto first = mantissa.find_first_of("123456789");
    if (first == std::string_view::npos) return 0.0;
    const long long position = first < point ? static_cast<long long>(point - first) : -static_cast<long long>(first - point) + 1;
    return position + exponent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

/// PyYAML's construct_yaml_float.
inline double to_float(std::string text, const std::string& where) {
    std::erase(text, '_');
    for (auto& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    double sign = 1;
    std::string_view v = text;
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
        if (v[0] == '-') sign = -1;
        v.remove_prefix(1);
    }
    if (v == ".inf") return sign * std::numeric_limits<double>::infinity();
    if (v == ".nan") return std::numeric_limits<double>::quiet_NaN();
    const auto parse = [&](std::string_view part) {
        double d = 0;
        const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), d);
        // Python's float() also takes "1." and ".5", which from_chars does.
        if (part.empty() || ptr != part.data() + part.size() || (ec != std::errc() && ec != std::errc::result_out_of_range))
            throw format_error(where + " is not a float");
        if (ec == std::errc::result_out_of_range) return out_of_range_float(part);
        return d;
    };
    if (v.find(':') == std::string_view::npos) return sign * parse(v);
    std::vector<double> parts;
    for (std::size_t from = 0;;) {
        const auto colon = v.find(':', from);
        parts.push_back(parse(v.substr(from, colon == std::string_view::npos ? std::string_view::npos : colon - from)));
        if (colon == std::string_view::npos) break;
        from = colon + 1;
    }
    double value = 0;
    double base = 1;
    for (std::size_t i = parts.size(); i-- > 0;) {  // least significant part first
        value += parts[i] * base;
        base *= 60;
    }
    return sign * value;
}

/// yaml-cpp 0.7 decodes the escapes `\N` and `\_` to the single bytes 0x85 and 0xA0 instead
/// of UTF-8; such a byte where a character must start can only come from them.
inline std::string repair_latin1_escapes(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
        bool valid = n != 0 && i + n <= s.size();
        for (std::size_t k = 1; valid && k < n; ++k) valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (!valid && (b == 0x85 || b == 0xA0)) {
            append_utf8(out, b);
            ++i;
        } else {
            if (n == 0 || !valid) n = 1;  // left for decode_utf8's check, were it ever written back
            out.append(s, i, n);
            i += n;
        }
    }
    return out;
}

/// What the reader refuses to expand: alias bombs ("billion laughs"), and nesting deeper than
/// this, which only an alias to a node that contains it reaches (yaml-cpp refuses deep text
/// nesting itself, while parsing: "bad file"); Python builds a recursive dict there, which
/// JSON cannot hold.
inline constexpr std::size_t max_nodes = 10'000'000;
inline constexpr std::size_t max_depth = 512;

template <class J>
class reader {
public:
    /// `input_size`: the document's size; what aliases may expand it to is bounded by it.
    reader(std::string where, std::size_t input_size)
        : where_(std::move(where)), max_bytes_((std::size_t{64} << 20) + 16 * input_size) {}

    J value(const YAML::Node& n, std::size_t depth = 0) {
        if (depth > max_depth)
            throw error_at(n, "nesting deeper than " + std::to_string(max_depth) + " levels (an alias inside the node it names?)");
        if (++nodes_ > max_nodes)
            throw error_at(n, "more than " + std::to_string(max_nodes) + " nodes once aliases are expanded");
        const std::string& tag = n.Tag();
        switch (n.Type()) {
            case YAML::NodeType::Undefined:
            case YAML::NodeType::Null:
                if (!tag.empty() && tag != "?" && tag != "!" && tag != "tag:yaml.org,2002:null")
                    throw error_at(n, "tag '" + tag + "' is not one yaml.safe_load constructs");
                return J(nullptr);
            case YAML::NodeType::Scalar: return scalar(n);
            case YAML::NodeType::Sequence: {
                if (tag != "?" && tag != "tag:yaml.org,2002:seq" && tag != "!")
                    throw error_at(n, "tag '" + tag + "' is not one yaml.safe_load constructs");
                J out = J::array();
                for (const auto& item : n) out.push_back(value(item, depth + 1));
                return out;
            }
            case YAML::NodeType::Map: {
                if (tag != "?" && tag != "tag:yaml.org,2002:map" && tag != "!")
                    throw error_at(n, "tag '" + tag + "' is not one yaml.safe_load constructs");
                return mapping(n, depth);
            }
        }
        throw error_at(n, "a node of unknown kind");
    }

private:
    format_error error_at(const YAML::Node& n, const std::string& what) const {
        const auto mark = n.Mark();
        std::string where = where_;
        if (!mark.is_null()) where += ", line " + std::to_string(mark.line + 1) + " column " + std::to_string(mark.column + 1);
        return format_error(where + ": " + what);
    }

    J scalar(const YAML::Node& n) {
        const std::string text = repair_latin1_escapes(n.Scalar());
        count_bytes(n, text.size());
        const std::string& tag = n.Tag();
        plain_type type = plain_type::str;
        if (tag == "?") {
            type = resolve_plain(text);
        } else if (tag == "!" || tag == "tag:yaml.org,2002:str") {
            type = plain_type::str;
        } else if (tag == "tag:yaml.org,2002:int") {
            type = plain_type::integer;
        } else if (tag == "tag:yaml.org,2002:float") {
            type = plain_type::floating;
        } else if (tag == "tag:yaml.org,2002:bool") {
            type = plain_type::boolean;
        } else if (tag == "tag:yaml.org,2002:null") {
            type = plain_type::null;
        } else {
            throw error_at(n, "tag '" + tag + "' is not one yaml.safe_load constructs");
        }
        const std::string shown = "'" + (text.size() > 80 ? text.substr(0, 77) + "..." : text) + "'";
        try {
            switch (type) {
                case plain_type::str:
                // A timestamp is a datetime in Python; here it stays the text it was (docs/handlers.md).
                case plain_type::timestamp: return J(text);
                case plain_type::null: return J(nullptr);
                case plain_type::boolean: {  // construct_yaml_bool: the lower-cased text, one of six
                    std::string lower = text;
                    for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
                    if (lower == "yes" || lower == "true" || lower == "on") return J(true);
                    if (lower == "no" || lower == "false" || lower == "off") return J(false);
                    throw error_at(n, shown + " is not a bool (yes, no, true, false, on, off)");
                }
                case plain_type::integer: return to_integer<J>(text, shown);
                case plain_type::floating: return J(to_float(text, shown));
                case plain_type::merge: throw error_at(n, "'<<' (a merge key) used as a value");
                case plain_type::value:
                case plain_type::yaml: throw error_at(n, "'" + text + "' has a YAML type yaml.safe_load cannot construct");
            }
        } catch (const format_error& e) {
            if (type == plain_type::integer || type == plain_type::floating) throw error_at(n, e.what());
            throw;
        }
        throw error_at(n, "a scalar of unknown type");
    }

    std::string key_of(const YAML::Node& key) {
        if (key.Type() == YAML::NodeType::Scalar) {
            const std::string& tag = key.Tag();
            if (tag == "!" || tag == "tag:yaml.org,2002:str" || (tag == "?" && resolve_plain(key.Scalar()) == plain_type::str))
                return repair_latin1_escapes(key.Scalar());
            // A timestamp key stays its text; '=' (the value type) is a string key in flatten_mapping.
            if (tag == "?" && (resolve_plain(key.Scalar()) == plain_type::timestamp || key.Scalar() == "=")) return key.Scalar();
        }
        std::string shown = key.Type() == YAML::NodeType::Scalar ? "'" + key.Scalar() + "'" : "a collection";
        if (key.Type() == YAML::NodeType::Null) shown = "null";
        throw error_at(key, "the key " + shown +
                                " is not a string in Python's yaml.safe_load, and a lazyscribe::json object has string keys");
    }

    J mapping(const YAML::Node& n, std::size_t depth) {
        // PyYAML's flatten_mapping: the merged mappings' entries come first, in the order of
        // their '<<' keys (a list of mappings in reverse, so its first one wins), then the
        // mapping's own entries; later entries win.
        std::vector<J> merged;
        std::vector<std::pair<std::string, J>> own;
        for (const auto& entry : n) {
            const YAML::Node& key = entry.first;
            if (key.Type() == YAML::NodeType::Scalar && key.Tag() == "?" && key.Scalar() == "<<") {
                J source = value(entry.second, depth + 1);
                if (source.is_object()) {
                    merged.push_back(std::move(source));
                } else if (source.is_array() && std::all_of(source.begin(), source.end(), [](const J& m) { return m.is_object(); })) {
                    for (auto it = source.rbegin(); it != source.rend(); ++it) merged.push_back(std::move(*it));
                } else {
                    throw error_at(entry.second, "a merge key ('<<') needs a mapping or a list of mappings");
                }
                continue;
            }
            std::string name = key_of(key);
            count_bytes(key, name.size());
            own.emplace_back(std::move(name), value(entry.second, depth + 1));
        }
        J out = J::object();
        for (auto& m : merged) {
            for (auto it = m.begin(); it != m.end(); ++it) out[it.key()] = std::move(it.value());
        }
        for (auto& [name, item] : own) out[name] = std::move(item);
        return out;
    }

    // Aliases copy what they name, so a small file can expand to gigabytes of text: the bytes
    // of every string built are counted against a budget.
    void count_bytes(const YAML::Node& n, std::size_t bytes) {
        bytes_ += bytes;
        if (bytes_ > max_bytes_)
            throw error_at(n, "more than " + std::to_string(max_bytes_ >> 20) + " MiB of text once aliases are expanded");
    }

    std::string where_;
    std::size_t nodes_ = 0;
    std::size_t bytes_ = 0;
    std::size_t max_bytes_ = 0;
};

/// PyYAML's Reader: the text must be UTF-8 of printable characters (tab, LF, CR, and
/// #x20-#x7E, #x85, #xA0-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF); yaml-cpp passes any byte.
inline void check_characters(const std::string& text, const std::string& where) {
    std::size_t bad_at = std::string::npos;
    const std::u32string decoded = decode_utf8(text, &bad_at);
    if (bad_at != std::string::npos) {
        static constexpr char hex[] = "0123456789abcdef";
        const auto b = static_cast<unsigned char>(text[bad_at]);
        throw format_error(where + ": not UTF-8 (byte " + std::to_string(bad_at) + ": 0x" + hex[b >> 4] + hex[b & 0xF] + ")");
    }
    for (std::size_t i = 0; i < decoded.size(); ++i) {
        const char32_t c = decoded[i];
        const bool printable = c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) || c == 0x85 ||
                               (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
        if (!printable) {
            static constexpr char hex[] = "0123456789abcdef";
            std::string code;
            for (int shift = 12; shift >= 0; shift -= 4) code += hex[(c >> shift) & 0xF];
            throw format_error(where + ": unacceptable character #x" + code + " (character " + std::to_string(i) +
                               "): special characters are not allowed, as in PyYAML");
        }
    }
}

/// Counts documents; the parse's other events are not needed.
class document_counter final : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

/// @brief The value of one YAML document, as `yaml.safe_load` reads it (an empty stream is
/// null); `where` names the source in errors.
template <class J>
J load(const std::string& text, const std::string& where) {
    YAML::Node document;
    try {
        // Counted first, with events only: yaml-cpp 0.7's LoadAll never returns on some inputs
        // (" ,": its parser then reports a new document forever without reading on), so the
        // count stops where no input could hold that many documents.
        check_characters(text, where);
        // A document after the first starts after a '---' or a '...'.
        std::size_t markers = 0;
        for (const char* marker : {"---", "..."}) {
            for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 3)) ++markers;
        }
        std::istringstream in(text);
        YAML::Parser parser(in);
        document_counter counter;
        std::size_t documents = 0;
        while (parser.HandleNextDocument(counter)) {
            if (++documents > markers + 1)
                throw format_error(where + ": not valid YAML: the parser makes no progress (a document that starts with a flow indicator such as ',')");
        }
        if (documents == 0) return J(nullptr);
        if (documents > 1)
            throw format_error(where + ": holds " + std::to_string(documents) + " YAML documents; yaml.safe_load reads exactly one");
        document = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        std::string message = where;
        if (!e.mark.is_null()) message += ", line " + std::to_string(e.mark.line + 1) + " column " + std::to_string(e.mark.column + 1);
        throw format_error(message + ": not valid YAML: " + e.msg);
    }
    return reader<J>(where, text.size()).value(document);
}

}  // namespace detail::yaml

/// @brief Writes and reads JSON-like values as YAML, as the lazyscribe-yaml plugin for Python
/// (alias `yaml`, suffix `yaml`, text).
///
/// Writes what `yaml.dump(value, f, **writer_kwargs)` writes, byte for byte: block style,
/// keys sorted, 2-space indentation, non-ASCII text escaped in double quotes, long strings
/// folded at 80 columns; kwargs `sort_keys`, `allow_unicode`, `indent` and `width` act as
/// they do there (others are refused at log time). Reads one YAML document as
/// `yaml.safe_load` does: plain scalars typed by YAML 1.1's rules (`yes` is true, `012` is 10,
/// `1:30` is 90, `.inf`), merge keys and aliases expanded; a timestamp stays its text, and
/// what has no JSON counterpart (a non-string key, `!!binary`, a Python tag) is refused with
/// format_error naming the line and column.
struct yaml_handler {
    static constexpr std::string_view alias = "yaml";
    static constexpr std::string_view suffix = "yaml";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;

    /// @brief Throws format_error naming an unknown or ill-typed kwarg; called at log time.
    static void check_write_kwargs(const json& kwargs) { (void)detail::yaml::options_from_kwargs(kwargs); }

    template <JsonWritable T>
    static void write(const T& value, std::ostream& out, const json& kwargs) {
        const auto options = detail::yaml::options_from_kwargs(kwargs);
        std::string text;
        if constexpr (detail::is_basic_json<T>::value) {
            text = detail::yaml::dump(value, options);
        } else {
            text = detail::yaml::dump(json(value), options);
        }
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }

    template <JsonReadable T>
    static T read(std::istream& in, const json& kwargs) {
        if (!kwargs.is_null() && !(kwargs.is_object() && kwargs.empty())) {
            throw format_error("the yaml handler's read takes no kwargs (it reads as yaml.safe_load); given: " + kwargs.dump());
        }
        const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if constexpr (detail::is_basic_json<T>::value) {
            return detail::yaml::load<T>(text, "yaml artifact");
        } else {
            const auto value = detail::yaml::load<json>(text, "yaml artifact");
            try {
                return value.template get<T>();
            } catch (const nlohmann::json::exception& e) {
                throw format_error(std::string("yaml artifact does not convert to the requested type: ") + e.what());
            }
        }
    }
};

static_assert(ArtifactHandler<yaml_handler>);
static_assert(WritableBy<yaml_handler, json> && ReadableAs<yaml_handler, json>);

}  // namespace lazyscribe
