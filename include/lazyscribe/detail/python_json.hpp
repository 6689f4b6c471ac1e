#pragma once
/// @file python_json.hpp
/// @brief JSON text exactly as Python 3.11's `json` module writes and reads it.
///
/// nlohmann's own dump()/parse() differ from Python in float formatting, escaping,
/// layout, NaN/Infinity and integers wider than 64 bits; project, repository and
/// artifact files must be byte-identical to what Python writes (docs/format.md §2, §6),
/// so lazyscribe reads and writes JSON text through these functions only.
///
/// Integers that do not fit in 64 bits ("big integers") are kept as nlohmann binary
/// values with subtype big_integer_subtype whose bytes are the decimal digits; the
/// writer copies them verbatim, so such values survive a read/write round trip.

#include <lazyscribe/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace lazyscribe::detail::pyjson {

/// @brief Binary subtype marking a big integer (the bytes "bi").
inline constexpr std::uint64_t big_integer_subtype = 0x6269;

/// @brief Most digits Python 3.11 converts between int and str
/// (sys.int_info.default_max_str_digits); longer integers fail in Python, so here too.
inline constexpr std::size_t max_integer_digits = 4300;

/// @brief Deepest array/object nesting the reader accepts, counting every container of the
/// document. Python 3.11 with its default recursion limit (1000) writes a project whose
/// parameter is nested 494 deep (497 in all) and reads one nested 986 deep (989 in all):
/// twice that leaves a margin, and the recursive nlohmann operations (copy, ==) on values
/// this deep stay far from the stack's end, also under AddressSanitizer.
inline constexpr std::size_t max_depth = 2048;

/// @brief Options of Python's json.dump that change the output text.
struct dump_options {
    int indent = -1;             ///< < 0: indent=None (one line); >= 0: newline + indent spaces per level
    bool sort_keys = false;      ///< sort object keys by code point at every depth
    std::string item_separator;  ///< empty: Python's default (", " without indent, "," with)
    std::string key_separator = ": ";
    bool ensure_ascii = true;  ///< false: write UTF-8 as is (still escaping '"', '\\' and C0 controls)
    bool allow_nan = true;     ///< false: NaN/Infinity throw format_error (Python's ValueError)
    /// Nesting level the value sits at inside a larger document being written piecewise
    /// (indentation only), so a big array can be streamed element by element.
    std::size_t initial_depth = 0;
};

namespace impl {

inline constexpr char hex_digits[] = "0123456789abcdef";

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// True if s is a JSON integer literal: -?(0|[1-9][0-9]*).
inline bool is_integer_literal(std::string_view s) noexcept {
    std::size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
    if (i == s.size()) return false;
    if (s[i] == '0') return i + 1 == s.size();
    for (; i < s.size(); ++i)
        if (!is_digit(s[i])) return false;
    return true;
}

/// Length of the well-formed UTF-8 sequence starting at s[i] (code point in cp), or 0.
/// Rejects overlong forms, surrogates and values above U+10FFFF, as Python's decoder does.
inline std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) noexcept {
    const auto byte = [&](std::size_t k) -> unsigned {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u;
    };
    const unsigned b0 = byte(0);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned b = byte(k);
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    return len;
}

template <class String>
void append_utf8(String& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

inline void append_u_escape(std::string& out, unsigned unit) {
    const char buf[6] = {'\\',
                         'u',
                         hex_digits[(unit >> 12) & 0xF],
                         hex_digits[(unit >> 8) & 0xF],
                         hex_digits[(unit >> 4) & 0xF],
                         hex_digits[unit & 0xF]};
    out.append(buf, 6);
}

/// Writes s as a quoted JSON string the way Python's encoder does
/// (py_encode_basestring_ascii / py_encode_basestring).
inline void append_string(std::string& out, std::string_view s, bool ensure_ascii) {
    out += '"';
    std::size_t i = 0;
    while (i < s.size()) {
        // Copy the longest run that needs no escaping in one append.
        const std::size_t run = i;
        while (i < s.size()) {
            const auto c = static_cast<unsigned char>(s[i]);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F) break;
            ++i;
        }
        out.append(s.data() + run, i - run);
        if (i == s.size()) break;
        const auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"':
            out += "\\\"";
            ++i;
            continue;
        case '\\':
            out += "\\\\";
            ++i;
            continue;
        case '\b':
            out += "\\b";
            ++i;
            continue;
        case '\t':
            out += "\\t";
            ++i;
            continue;
        case '\n':
            out += "\\n";
            ++i;
            continue;
        case '\f':
            out += "\\f";
            ++i;
            continue;
        case '\r':
            out += "\\r";
            ++i;
            continue;
        default:
            break;
        }
        if (c < 0x20) {
            append_u_escape(out, c);
            ++i;
            continue;
        }
        if (c == 0x7F) {
            // Only the ASCII encoder escapes DEL; the other one escapes C0 controls only.
            if (ensure_ascii)
                append_u_escape(out, c);
            else
                out += static_cast<char>(c);
            ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t len = decode_utf8(s, i, cp);
        if (len == 0) throw format_error("cannot write JSON: invalid UTF-8 in a string at byte " + std::to_string(i));
        if (!ensure_ascii) {
            out.append(s.data() + i, len);
        } else if (cp < 0x10000) {
            append_u_escape(out, static_cast<unsigned>(cp));
        } else {
            const auto v = static_cast<unsigned>(cp - 0x10000);
            append_u_escape(out, 0xD800 + (v >> 10));
            append_u_escape(out, 0xDC00 + (v & 0x3FF));
        }
        i += len;
    }
    out += '"';
}

/// Appends Python's float.__repr__ of d (plus json's NaN/Infinity spellings).
inline void append_float(std::string& out, double d, bool allow_nan) {
    if (std::isnan(d) || std::isinf(d)) {
        if (!allow_nan)
            throw format_error(
                "cannot write JSON: out of range float values are not JSON "
                "compliant (allow_nan is false)");
        out += std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    // Shortest round-trip digits as "[-]d[.ddd]e±XX"; Ryu-based, like Python's dtoa mode 0.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const char* p = buf;
    const char* const end = res.ptr;
    if (*p == '-') {
        out += '-';
        ++p;
    }
    char digits[32];
    std::size_t n = 0;
    for (; p != end && *p != 'e'; ++p)
        if (*p != '.') digits[n++] = *p;
    int exp = 0;
    if (p != end) {
        ++p;                 // 'e'
        if (*p == '+') ++p;  // from_chars rejects a leading '+'
        std::from_chars(p, end, exp);
    }
    if (exp >= -4 && exp < 16) {
        if (exp >= 0) {
            const auto int_len = static_cast<std::size_t>(exp) + 1;
            if (n <= int_len) {
                out.append(digits, n);
                out.append(int_len - n, '0');
                out += ".0";
            } else {
                out.append(digits, int_len);
                out += '.';
                out.append(digits + int_len, n - int_len);
            }
        } else {
            out += "0.";
            out.append(static_cast<std::size_t>(-exp - 1), '0');
            out.append(digits, n);
        }
        return;
    }
    out += digits[0];
    if (n > 1) {
        out += '.';
        out.append(digits + 1, n - 1);
    }
    out += 'e';
    out += exp < 0 ? '-' : '+';
    const int mag = exp < 0 ? -exp : exp;
    if (mag < 10) out += '0';
    char ebuf[8];
    const auto er = std::to_chars(ebuf, ebuf + sizeof ebuf, mag);
    out.append(ebuf, er.ptr);
}

template <class Int>
void append_int(std::string& out, Int v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

/// memcmp order of UTF-8 bytes == code point order of the decoded strings.
inline bool key_less(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
    return c < 0 || (c == 0 && a.size() < b.size());
}

/// The value of an integer literal that passed is_integer_literal: number_integer,
/// number_unsigned or, if neither holds it, a big integer (digit count not checked here).
template <class BasicJson>
BasicJson integer_value(std::string_view lit) {
    const char* const first = lit.data();
    const char* const last = lit.data() + lit.size();
    if (lit[0] == '-') {
        std::int64_t v = 0;
        const auto r = std::from_chars(first, last, v);
        if (r.ec == std::errc{} && r.ptr == last)
            return BasicJson(static_cast<typename BasicJson::number_integer_t>(v));
    } else {
        std::uint64_t v = 0;
        const auto r = std::from_chars(first, last, v);
        if (r.ec == std::errc{} && r.ptr == last) {
            if (v <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return BasicJson(static_cast<typename BasicJson::number_integer_t>(v));
            return BasicJson(static_cast<typename BasicJson::number_unsigned_t>(v));
        }
    }
    using container_t = typename BasicJson::binary_t::container_type;
    return BasicJson::binary(container_t(lit.begin(), lit.end()), big_integer_subtype);
}

inline std::size_t digit_count(std::string_view lit) noexcept {
    return lit.size() - ((!lit.empty() && lit[0] == '-') ? 1 : 0);
}

/// True for object types that iterate in memcmp order of their keys: std::map with
/// std::less (nlohmann::json's default), not nlohmann::ordered_map.
template <class Object>
inline constexpr bool keys_in_byte_order = false;
template <class Key, class Value, class Alloc>
inline constexpr bool keys_in_byte_order<std::map<Key, Value, std::less<Key>, Alloc>> =
    std::is_same_v<Key, std::string>;
template <class Key, class Value, class Alloc>
inline constexpr bool keys_in_byte_order<std::map<Key, Value, std::less<>, Alloc>> = std::is_same_v<Key, std::string>;

/// Appends a null, boolean, number (not a big integer) or string as dump_to would;
/// false (nothing appended) for anything else.
template <class BasicJson>
bool append_scalar(std::string& out, const BasicJson& v, const dump_options& opt) {
    switch (v.type()) {
    case nlohmann::detail::value_t::null:
        out += "null";
        return true;
    case nlohmann::detail::value_t::boolean:
        out += v.template get<bool>() ? "true" : "false";
        return true;
    case nlohmann::detail::value_t::number_integer:
        append_int(out, *v.template get_ptr<const typename BasicJson::number_integer_t*>());
        return true;
    case nlohmann::detail::value_t::number_unsigned:
        append_int(out, *v.template get_ptr<const typename BasicJson::number_unsigned_t*>());
        return true;
    case nlohmann::detail::value_t::number_float:
        append_float(out, static_cast<double>(*v.template get_ptr<const typename BasicJson::number_float_t*>()),
                     opt.allow_nan);
        return true;
    case nlohmann::detail::value_t::string: {
        const auto& str = *v.template get_ptr<const typename BasicJson::string_t*>();
        append_string(out, std::string_view(str.data(), str.size()), opt.ensure_ascii);
        return true;
    }
    default:
        return false;
    }
}

/// Iterative writer (explicit stack), so user-built values of any depth cannot
/// overflow the call stack.
template <class BasicJson>
class writer {
    using array_t = typename BasicJson::array_t;
    using object_t = typename BasicJson::object_t;
    using member_t = typename object_t::value_type;

    struct frame {
        const array_t* array = nullptr;  // exactly one of array/object is set
        const object_t* object = nullptr;
        typename object_t::const_iterator it{};  // next member, container order
        std::size_t pos = 0;                     // members written so far
        std::size_t size = 0;
        std::size_t sorted_begin = 0;  // first entry in sorted_ when `sorted`
        bool sorted = false;
    };

public:
    writer(std::string& out, const dump_options& opt) : out_(out), opt_(opt) {
        item_sep_ = !opt.item_separator.empty() ? std::string_view(opt.item_separator)
                    : opt.indent < 0            ? std::string_view(", ")
                                                : std::string_view(",");
    }

    void write(const BasicJson& root) {
        begin(root);
        while (!stack_.empty()) {
            frame& f = stack_.back();
            const std::size_t depth = stack_.size();
            if (f.pos == f.size) {
                if (opt_.indent >= 0) newline(depth - 1);
                out_ += f.array != nullptr ? ']' : '}';
                if (f.sorted) sorted_.resize(f.sorted_begin);
                stack_.pop_back();
                continue;
            }
            if (f.pos != 0) out_ += item_sep_;
            if (opt_.indent >= 0) newline(depth);
            const BasicJson* child = nullptr;
            if (f.array != nullptr) {
                child = &(*f.array)[f.pos];
            } else {
                const member_t& m = f.sorted ? *sorted_[f.sorted_begin + f.pos] : *f.it++;
                append_string(out_, m.first, opt_.ensure_ascii);
                out_ += opt_.key_separator;
                child = &m.second;
            }
            ++f.pos;
            begin(*child);  // may push, which invalidates f
        }
    }

private:
    void newline(std::size_t level) {
        out_ += '\n';
        out_.append((level + opt_.initial_depth) * static_cast<std::size_t>(opt_.indent), ' ');
    }

    /// Writes a scalar or an empty container whole; opens a non-empty container.
    void begin(const BasicJson& v) {
        switch (v.type()) {
        case nlohmann::detail::value_t::null:
            out_ += "null";
            return;
        case nlohmann::detail::value_t::boolean:
            out_ += v.template get<bool>() ? "true" : "false";
            return;
        case nlohmann::detail::value_t::number_integer:
            append_int(out_, *v.template get_ptr<const typename BasicJson::number_integer_t*>());
            return;
        case nlohmann::detail::value_t::number_unsigned:
            append_int(out_, *v.template get_ptr<const typename BasicJson::number_unsigned_t*>());
            return;
        case nlohmann::detail::value_t::number_float:
            append_float(out_, static_cast<double>(*v.template get_ptr<const typename BasicJson::number_float_t*>()),
                         opt_.allow_nan);
            return;
        case nlohmann::detail::value_t::string: {
            const auto& s = *v.template get_ptr<const typename BasicJson::string_t*>();
            append_string(out_, std::string_view(s.data(), s.size()), opt_.ensure_ascii);
            return;
        }
        case nlohmann::detail::value_t::binary:
            write_binary(v);
            return;
        case nlohmann::detail::value_t::array: {
            const auto& a = *v.template get_ptr<const array_t*>();
            if (a.empty()) {
                out_ += "[]";
                return;
            }
            out_ += '[';
            frame f;
            f.array = &a;
            f.size = a.size();
            stack_.push_back(f);
            return;
        }
        case nlohmann::detail::value_t::object: {
            const auto& o = *v.template get_ptr<const object_t*>();
            if (o.empty()) {
                out_ += "{}";
                return;
            }
            out_ += '{';
            frame f;
            f.object = &o;
            f.size = o.size();
            f.it = o.begin();
            // A std::map keeps its keys in memcmp order already; other object types
            // are checked in O(n) and sorted (pointers, one shared pool) when needed.
            const auto less = [](const member_t& a, const member_t& b) { return key_less(a.first, b.first); };
            if (opt_.sort_keys && !keys_in_byte_order<object_t> && !std::is_sorted(o.begin(), o.end(), less)) {
                f.sorted = true;
                f.sorted_begin = sorted_.size();
                for (const member_t& m : o) sorted_.push_back(&m);
                std::sort(sorted_.begin() + static_cast<std::ptrdiff_t>(f.sorted_begin), sorted_.end(),
                          [](const member_t* a, const member_t* b) { return key_less(a->first, b->first); });
            }
            stack_.push_back(f);
            return;
        }
        case nlohmann::detail::value_t::discarded:
        default:
            throw format_error("cannot write JSON: the value is a discarded nlohmann value");
        }
    }

    void write_binary(const BasicJson& v) {
        const auto& bin = v.get_binary();
        if (!bin.has_subtype() || bin.subtype() != big_integer_subtype)
            throw format_error(
                "cannot write JSON: binary values have no JSON form "
                "(only big integers, binary subtype 0x6269, can be written)");
        const std::string digits(bin.begin(), bin.end());
        if (!is_integer_literal(digits))
            throw format_error("cannot write JSON: a big integer holds \"" + digits +
                               "\", which is not a decimal integer literal");
        if (digit_count(digits) > max_integer_digits)
            throw format_error("cannot write JSON: integer of " + std::to_string(digit_count(digits)) +
                               " digits exceeds Python's limit of 4300 digits");
        out_ += digits;
    }

    std::string& out_;
    const dump_options& opt_;
    std::string_view item_sep_;
    std::vector<frame> stack_;
    std::vector<const member_t*> sorted_;
};

/// Iterative recursive-descent reader with an explicit stack of open containers.
template <class BasicJson>
class parser {
    using array_t = typename BasicJson::array_t;
    using object_t = typename BasicJson::object_t;
    using string_t = typename BasicJson::string_t;

    struct frame {
        BasicJson* container;
        bool is_object;
    };

public:
    parser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

    [[nodiscard]] std::size_t position() const noexcept { return pos_; }

    BasicJson run() {
        check_no_bom();
        BasicJson root;
        read_one(root);
        expect_end();
        return root;
    }

    // ---- pieces for typed readers, which walk a document themselves and hand the values
    // they do not model to read_one (see project.hpp). Errors are the ones run() reports.

    /// A UTF-8 byte order mark at the start is an error, as in Python's json.load.
    void check_no_bom() const {
        if (text_.size() >= 3 && text_.compare(0, 3, "\xEF\xBB\xBF") == 0)
            fail(0,
                 "unexpected UTF-8 byte order mark (BOM); JSON text must not start with one "
                 "(Python's json.load rejects it too)");
    }

    /// Reads the value at the current position (after whitespace) into target and leaves the
    /// position after it. `depth` is the value's nesting level in the whole document.
    void read_one(BasicJson& target, std::size_t depth = 0) {
        base_depth_ = depth;
        target_ = &target;
        for (;;) {
            skip_ws();
            if (read_value(*target_)) {
                // Just opened a container: either it closes at once or a member follows.
                frame& f = stack_.back();
                skip_ws();
                if (pos_ < text_.size() && text_[pos_] == (f.is_object ? '}' : ']')) {
                    ++pos_;
                    stack_.pop_back();
                } else {
                    target_ = next_slot(f, false);
                    continue;
                }
            }
            if (close_containers()) return;
        }
    }

    /// The next byte after whitespace, or '\0' at the end of the text.
    [[nodiscard]] char peek() noexcept {
        skip_ws();
        return pos_ < text_.size() ? text_[pos_] : '\0';
    }

    /// Reads a string literal (the next byte after whitespace must be '"').
    void read_string_value(string_t& out) {
        skip_ws();
        if (pos_ >= text_.size() || text_[pos_] != '"') fail(pos_, "expected a string, found " + describe(pos_));
        read_string(out);
    }

    /// Reads an object, calling member(key) with the position on each member's value, which
    /// member must consume. The next byte after whitespace must be '{'.
    template <class Member>
    void read_object(Member&& member) {
        skip_ws();
        if (pos_ >= text_.size() || text_[pos_] != '{') fail(pos_, "expected an object, found " + describe(pos_));
        ++pos_;
        skip_ws();
        if (pos_ < text_.size() && text_[pos_] == '}') {
            ++pos_;
            return;
        }
        string_t key;
        for (bool after_comma = false;; after_comma = true) {
            skip_ws();
            if (pos_ >= text_.size() || text_[pos_] != '"') {
                if (after_comma && pos_ < text_.size() && text_[pos_] == '}')
                    fail(pos_, "expected a property name after ',' (trailing commas are not allowed)");
                fail(pos_, "expected a property name enclosed in double quotes, found " + describe(pos_));
            }
            key.clear();
            read_string(key);
            skip_ws();
            if (pos_ >= text_.size() || text_[pos_] != ':')
                fail(pos_, "expected ':' after a property name, found " + describe(pos_));
            ++pos_;
            skip_ws();
            member(std::as_const(key));
            skip_ws();
            if (pos_ < text_.size() && text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < text_.size() && text_[pos_] == '}') {
                ++pos_;
                return;
            }
            fail(pos_, "expected ',' or '}' after an object member, found " + describe(pos_));
        }
    }

    /// Reads an array, calling element(index) with the position on each element, which
    /// element must consume. The next byte after whitespace must be '['.
    template <class Element>
    void read_array(Element&& element) {
        skip_ws();
        if (pos_ >= text_.size() || text_[pos_] != '[') fail(pos_, "expected an array, found " + describe(pos_));
        ++pos_;
        skip_ws();
        if (pos_ < text_.size() && text_[pos_] == ']') {
            ++pos_;
            return;
        }
        for (std::size_t index = 0;; ++index) {
            skip_ws();
            if (index > 0 && pos_ < text_.size() && text_[pos_] == ']')
                fail(pos_, "expected a value after ',' (trailing commas are not allowed)");
            element(index);
            skip_ws();
            if (pos_ < text_.size() && text_[pos_] == ',') {
                ++pos_;
                continue;
            }
            if (pos_ < text_.size() && text_[pos_] == ']') {
                ++pos_;
                return;
            }
            fail(pos_, "expected ',' or ']' after an array element, found " + describe(pos_));
        }
    }

    /// Consumes an empty array ("[]", whitespace allowed inside) if one is next.
    bool consume_empty_array() noexcept {
        skip_ws();
        if (pos_ >= text_.size() || text_[pos_] != '[') return false;
        const std::size_t open = pos_++;
        skip_ws();
        if (pos_ < text_.size() && text_[pos_] == ']') {
            ++pos_;
            return true;
        }
        pos_ = open;
        return false;
    }

    /// Only whitespace may follow.
    void expect_end() {
        skip_ws();
        if (pos_ != text_.size())
            fail(pos_, "expected the end of the text after the top-level value, found " + describe(pos_));
    }

    /// 1-based line and byte column of offset `at`.
    [[nodiscard]] std::pair<std::size_t, std::size_t> line_column(std::size_t at) const noexcept {
        at = std::min(at, text_.size());
        std::size_t line = 1;
        std::size_t line_start = 0;
        for (std::size_t i = 0; i < at; ++i) {
            if (text_[i] == '\n') {
                ++line;
                line_start = i + 1;
            }
        }
        return {line, at - line_start + 1};
    }

    [[noreturn]] void fail(std::size_t at, const std::string& message) const {
        const auto [line, column] = line_column(at);
        throw parse_error(source_, line, column, message);
    }

private:
    // A value is complete: close containers until one continues with ','. Returns true when
    // the stack is empty (the value read_one started is complete).
    bool close_containers() {
        while (!stack_.empty()) {
            frame& f = stack_.back();
            skip_ws();
            const char close = f.is_object ? '}' : ']';
            if (pos_ < text_.size() && text_[pos_] == ',') {
                ++pos_;
                skip_ws();
                target_ = next_slot(f, true);
                return false;
            }
            if (pos_ < text_.size() && text_[pos_] == close) {
                ++pos_;
                stack_.pop_back();
                continue;
            }
            fail(pos_, std::string(f.is_object ? "expected ',' or '}' after an object member"
                                               : "expected ',' or ']' after an array element") +
                           ", found " + describe(pos_));
        }
        return true;
    }

    void skip_ws() noexcept {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            ++pos_;
        }
    }

    [[nodiscard]] std::string describe(std::size_t at) const {
        if (at >= text_.size()) return "the end of the text";
        const auto c = static_cast<unsigned char>(text_[at]);
        if (c >= 0x21 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
        std::string s = "byte 0x";
        s += hex_digits[c >> 4];
        s += hex_digits[c & 0xF];
        return s;
    }

    /// After '[' / '{' or ',' (whitespace skipped): the slot the next value goes into.
    /// For objects this reads the key and the ':' first.
    BasicJson* next_slot(frame& f, bool after_comma) {
        if (!f.is_object) {
            if (after_comma && pos_ < text_.size() && text_[pos_] == ']')
                fail(pos_, "expected a value after ',' (trailing commas are not allowed)");
            auto& arr = *f.container->template get_ptr<array_t*>();
            arr.emplace_back();
            return &arr.back();
        }
        if (pos_ >= text_.size() || text_[pos_] != '"') {
            if (after_comma && pos_ < text_.size() && text_[pos_] == '}')
                fail(pos_, "expected a property name after ',' (trailing commas are not allowed)");
            fail(pos_, "expected a property name enclosed in double quotes, found " + describe(pos_));
        }
        string_t key;
        read_string(key);
        skip_ws();
        if (pos_ >= text_.size() || text_[pos_] != ':')
            fail(pos_, "expected ':' after a property name, found " + describe(pos_));
        ++pos_;
        // operator[] keeps the first position of a repeated key and the caller then
        // overwrites its value: Python's dict(pairs) gives the same (last value wins).
        auto& obj = *f.container->template get_ptr<object_t*>();
        return &obj[std::move(key)];
    }

    bool consume_word(std::string_view word) noexcept {
        if (text_.compare(pos_, word.size(), word) != 0) return false;
        pos_ += word.size();
        return true;
    }

    /// Reads the value at pos_ into target. Returns true if it opened a container
    /// (pushed on the stack, members still to read).
    bool read_value(BasicJson& target) {
        if (pos_ >= text_.size()) fail(pos_, "expected a value, found the end of the text");
        const std::size_t start = pos_;
        switch (text_[pos_]) {
        case '{':
        case '[': {
            if (stack_.size() + base_depth_ >= max_depth)
                fail(pos_, "arrays and objects are nested more than " + std::to_string(max_depth) +
                               " levels deep (lazyscribe's limit; Python reads at most about 990)");
            const bool is_object = text_[pos_] == '{';
            target = is_object ? BasicJson::object() : BasicJson::array();
            stack_.push_back(frame{&target, is_object});
            ++pos_;
            return true;
        }
        case '"': {
            string_t s;
            read_string(s);
            target = std::move(s);
            return false;
        }
        case 't':
            if (consume_word("true")) {
                target = true;
                return false;
            }
            break;
        case 'f':
            if (consume_word("false")) {
                target = false;
                return false;
            }
            break;
        case 'n':
            if (consume_word("null")) {
                target = nullptr;
                return false;
            }
            break;
        case 'N':
            if (consume_word("NaN")) {
                target = std::numeric_limits<typename BasicJson::number_float_t>::quiet_NaN();
                return false;
            }
            break;
        case 'I':
            if (consume_word("Infinity")) {
                target = std::numeric_limits<typename BasicJson::number_float_t>::infinity();
                return false;
            }
            break;
        case '-':
            if (consume_word("-Infinity")) {
                target = -std::numeric_limits<typename BasicJson::number_float_t>::infinity();
                return false;
            }
            read_number(target);
            return false;
        default:
            if (is_digit(text_[pos_])) {
                read_number(target);
                return false;
            }
            break;
        }
        // Show a whole misspelt word ("tru", "nan"), not just its first letter.
        std::size_t word_end = start;
        while (word_end < text_.size() && word_end - start < 20 &&
               (std::isalnum(static_cast<unsigned char>(text_[word_end])) != 0 || text_[word_end] == '-'))
            ++word_end;
        fail(start,
             "expected a value (object, array, string, number, true, false, null, NaN or "
             "Infinity), found " +
                 (word_end - start > 1 ? "'" + std::string(text_.substr(start, word_end - start)) + "'"
                                       : describe(start)));
    }

    void read_number(BasicJson& target) {
        const std::size_t start = pos_;
        if (text_[pos_] == '-') ++pos_;
        if (pos_ >= text_.size() || !is_digit(text_[pos_]))
            fail(pos_, "expected a digit after '-', found " + describe(pos_));
        if (text_[pos_] == '0') {
            ++pos_;
            if (pos_ < text_.size() && is_digit(text_[pos_])) fail(start, "leading zeros are not allowed in numbers");
        } else {
            while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
        }
        const std::size_t int_end = pos_;
        bool is_float = false;
        if (pos_ < text_.size() && text_[pos_] == '.') {
            ++pos_;
            if (pos_ >= text_.size() || !is_digit(text_[pos_]))
                fail(pos_, "expected a digit after the decimal point, found " + describe(pos_));
            while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
            is_float = true;
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (pos_ >= text_.size() || !is_digit(text_[pos_]))
                fail(pos_, "expected a digit in the exponent, found " + describe(pos_));
            while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
            is_float = true;
        }
        const std::string_view lit = text_.substr(start, pos_ - start);
        if (!is_float) {
            if (digit_count(lit) > max_integer_digits)
                fail(start, "integer literal of " + std::to_string(digit_count(lit)) +
                                " digits exceeds Python's limit of 4300 digits");
            target = integer_value<BasicJson>(lit);
            return;
        }
        double d = 0.0;
        const auto r = std::from_chars(lit.data(), lit.data() + lit.size(), d);
        if (r.ec == std::errc::result_out_of_range) {
            d = overflows(lit, int_end - start) ? std::numeric_limits<double>::infinity() : 0.0;
            if (lit[0] == '-') d = -d;
        } else if (r.ec != std::errc{} || r.ptr != lit.data() + lit.size()) {
            fail(start, "invalid number literal");
        }
        target = static_cast<typename BasicJson::number_float_t>(d);
    }

    /// For a float literal out of double range: true if it is too large (Python reads
    /// it as +-inf), false if too small (Python reads it as +-0.0).
    static bool overflows(std::string_view lit, std::size_t int_len) noexcept {
        // Decimal exponent of the first significant digit, before the 'e' part.
        const std::size_t int_begin = lit[0] == '-' ? 1 : 0;
        long long mag = 0;
        bool found = false;
        for (std::size_t i = int_begin; i < int_len; ++i) {
            if (lit[i] != '0') {
                mag = static_cast<long long>(int_len - i) - 1;
                found = true;
                break;
            }
        }
        std::size_t i = int_len;
        if (i < lit.size() && lit[i] == '.') {
            ++i;
            for (std::size_t k = i; !found && k < lit.size() && is_digit(lit[k]); ++k) {
                if (lit[k] != '0') {
                    mag = -static_cast<long long>(k - i) - 1;
                    found = true;
                }
            }
            while (i < lit.size() && is_digit(lit[i])) ++i;
        }
        long long exp = 0;
        if (i < lit.size() && (lit[i] == 'e' || lit[i] == 'E')) {
            ++i;
            bool neg = false;
            if (lit[i] == '+' || lit[i] == '-') neg = lit[i++] == '-';
            for (; i < lit.size(); ++i) exp = std::min(exp * 10 + (lit[i] - '0'), 1'000'000'000LL);
            if (neg) exp = -exp;
        }
        return mag + exp > 0;
    }

    /// Reads the string literal at pos_ (on its '"') into out, decoding escapes.
    void read_string(string_t& out) {
        const std::size_t start = pos_;
        ++pos_;
        for (;;) {
            const std::size_t run = pos_;
            while (pos_ < text_.size()) {
                const auto c = static_cast<unsigned char>(text_[pos_]);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
                ++pos_;
            }
            out.append(text_.data() + run, pos_ - run);
            if (pos_ >= text_.size())
                fail(start, "unterminated string: expected a closing '\"' before the end of the text");
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return;
            }
            if (c == '\\') {
                read_escape(out, start);
                continue;
            }
            if (c < 0x20) {
                std::string msg = "invalid control character U+00";
                msg += "0123456789ABCDEF"[c >> 4];
                msg += "0123456789ABCDEF"[c & 0xF];
                fail(pos_, msg + " in a string (expected it escaped, e.g. as \\n or \\u00XX)");
            }
            char32_t cp = 0;
            const std::size_t len = decode_utf8(text_, pos_, cp);
            if (len == 0) fail(pos_, "invalid UTF-8 byte sequence in a string");
            out.append(text_.data() + pos_, len);
            pos_ += len;
        }
    }

    /// Four hex digits at text_[at..at+4) as a UTF-16 code unit, or -1.
    [[nodiscard]] long hex4(std::size_t at) const noexcept {
        if (at + 4 > text_.size()) return -1;
        long v = 0;
        for (std::size_t i = at; i < at + 4; ++i) {
            const char c = text_[i];
            int d = 0;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return -1;
            v = v * 16 + d;
        }
        return v;
    }

    void read_escape(string_t& out, std::size_t string_start) {
        const std::size_t esc = pos_;  // on the backslash
        ++pos_;
        if (pos_ >= text_.size())
            fail(string_start, "unterminated string: expected a closing '\"' before the end of the text");
        const char e = text_[pos_++];
        switch (e) {
        case '"':
            out += '"';
            return;
        case '\\':
            out += '\\';
            return;
        case '/':
            out += '/';
            return;
        case 'b':
            out += '\b';
            return;
        case 'f':
            out += '\f';
            return;
        case 'n':
            out += '\n';
            return;
        case 'r':
            out += '\r';
            return;
        case 't':
            out += '\t';
            return;
        case 'u':
            break;
        default:
            fail(esc, "invalid escape '\\" + std::string(1, e) +
                          "' in a string (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }
        const long unit = hex4(pos_);
        if (unit < 0) fail(esc, "invalid \\uXXXX escape: expected 4 hex digits after \\u");
        pos_ += 4;
        auto cp = static_cast<char32_t>(unit);
        // Python keeps a lone surrogate in its str; UTF-8 cannot hold one and the value
        // could not be written back faithfully, so it is rejected.
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            fail(esc, "lone UTF-16 low surrogate \\u" + std::string(text_.substr(esc + 2, 4)) +
                          " (expected it after a high surrogate \\ud800-\\udbff)");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            const long low =
                (pos_ + 1 < text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == 'u') ? hex4(pos_ + 2) : -1;
            if (low < 0xDC00 || low > 0xDFFF)
                fail(esc, "lone UTF-16 high surrogate \\u" + std::string(text_.substr(esc + 2, 4)) +
                              " (expected a low surrogate \\udc00-\\udfff right after it)");
            pos_ += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<char32_t>(low) - 0xDC00);
        }
        append_utf8(out, cp);
    }

    std::string_view text_;
    const std::string& source_;
    std::size_t pos_ = 0;
    std::vector<frame> stack_;
    BasicJson* target_ = nullptr;  // where read_one puts the next value
    std::size_t base_depth_ = 0;   // nesting level of the value read_one started
};

}  // namespace impl

/// @brief True if v is a big integer made by the reader or make_big_integer.
template <class BasicJson>
[[nodiscard]] bool is_big_integer(const BasicJson& v) noexcept {
    return v.is_binary() && v.get_binary().has_subtype() && v.get_binary().subtype() == big_integer_subtype;
}

/// @brief The integer whose JSON literal is `digits` (-?(0|[1-9][0-9]*), at most 4300
/// digits). Like the reader, gives a plain number_integer/number_unsigned when the
/// value fits in 64 bits and a big integer only otherwise.
/// @throws lazyscribe::format_error if digits is not such a literal.
template <class BasicJson = nlohmann::json>
[[nodiscard]] BasicJson make_big_integer(std::string_view digits) {
    if (!impl::is_integer_literal(digits))
        throw format_error("not a decimal integer literal: \"" + std::string(digits) + "\"");
    if (impl::digit_count(digits) > max_integer_digits)
        throw format_error("integer of " + std::to_string(impl::digit_count(digits)) +
                           " digits exceeds Python's limit of 4300 digits");
    return impl::integer_value<BasicJson>(digits);
}

/// @brief Decimal digits of a big integer (also accepts a number_integer/number_unsigned).
/// @throws lazyscribe::format_error for any other value.
template <class BasicJson>
[[nodiscard]] std::string big_integer_digits(const BasicJson& v) {
    if (is_big_integer(v)) return std::string(v.get_binary().begin(), v.get_binary().end());
    std::string out;
    if (v.is_number_integer() && !v.is_number_unsigned())
        impl::append_int(out, *v.template get_ptr<const typename BasicJson::number_integer_t*>());
    else if (v.is_number_unsigned())
        impl::append_int(out, *v.template get_ptr<const typename BasicJson::number_unsigned_t*>());
    else
        throw format_error(std::string("expected an integer, got a JSON ") + v.type_name());
    return out;
}

/// @brief Appends the text Python's json.dumps(value, **options) returns to out.
/// On an exception out is left as it was.
/// @throws lazyscribe::format_error for invalid UTF-8, NaN/Infinity with allow_nan
/// false, binary values other than big integers, or discarded values.
template <class BasicJson>
void dump_to(const BasicJson& value, std::string& out, const dump_options& options = {}) {
    const std::size_t old_size = out.size();
    try {
        impl::writer<BasicJson>(out, options).write(value);
    } catch (const lazyscribe::error&) {
        out.resize(old_size);
        throw;
    } catch (const std::exception& e) {
        out.resize(old_size);
        throw format_error(std::string("cannot write JSON: ") + e.what());
    }
}

/// @brief The text Python's json.dumps(value, **options) returns.
template <class BasicJson>
[[nodiscard]] std::string dump(const BasicJson& value, const dump_options& options = {}) {
    std::string out;
    dump_to(value, out, options);
    return out;
}

/// @brief Writes one object member by member, exactly as dump_to would write it with
/// options.indent >= 0 at nesting level `depth`, for writers that walk their own records
/// instead of building a JSON value first. Members must come in the order dump_to would
/// give them (sorted, for sort_keys).
class member_writer {
public:
    member_writer(std::string& out, const dump_options& options, std::size_t depth)
        : out_(out), options_(options), depth_(depth), indent_(static_cast<std::size_t>(std::max(options.indent, 0))) {
        child_ = options;
        child_.initial_depth = depth + 1;
    }

    /// Starts a member: separator, line break, indentation, key and ':'; the value follows.
    void key(std::string_view k) {
        if (first_) {
            out_ += "{\n";
            first_ = false;
        } else {
            out_ += options_.item_separator.empty() ? std::string_view(",") : std::string_view(options_.item_separator);
            out_ += '\n';
        }
        out_.append(indent_ * (depth_ + 1), ' ');
        impl::append_string(out_, k, options_.ensure_ascii);
        out_ += options_.key_separator;
    }
    void string(std::string_view k, std::string_view v) {
        key(k);
        impl::append_string(out_, v, options_.ensure_ascii);
    }
    template <class BasicJson>
    void value(std::string_view k, const BasicJson& v) {
        key(k);
        if (!write_flat_object(v)) dump_to(v, out_, child_);
    }
    /// A member whose value is `"a"`-style literal text written as is (null, a number...).
    void raw(std::string_view k, std::string_view text) {
        key(k);
        out_ += text;
    }
    /// An array member of n elements; element(i, writer-depth) appends element i, which
    /// sits at nesting level depth + 2.
    template <class Element>
    void array(std::string_view k, std::size_t n, Element&& element) {
        key(k);
        if (n == 0) {
            out_ += "[]";
            return;
        }
        out_ += '[';
        for (std::size_t i = 0; i < n; ++i) {
            if (i > 0)
                out_ +=
                    options_.item_separator.empty() ? std::string_view(",") : std::string_view(options_.item_separator);
            out_ += '\n';
            out_.append(indent_ * (depth_ + 2), ' ');
            element(i, depth_ + 2);
        }
        out_ += '\n';
        out_.append(indent_ * (depth_ + 1), ' ');
        out_ += ']';
    }
    /// The members of `extras` (an object, keys sorted) whose keys sort before `next`,
    /// then nothing else: call before each known member to merge the two in order.
    template <class BasicJson>
    void extras_before(const BasicJson& extras, typename BasicJson::const_iterator& it, std::string_view next) {
        for (; it != extras.end() && !impl::key_less(next, it.key()); ++it) {
            if (it.key() != next) value(it.key(), it.value());  // an equal key: the known member wins
        }
    }
    template <class BasicJson>
    void extras_rest(const BasicJson& extras, typename BasicJson::const_iterator& it) {
        for (; it != extras.end(); ++it) value(it.key(), it.value());
    }
    /// Closes the object ("{}" if it had no member).
    void finish() {
        if (first_) {
            out_ += "{}";
            return;
        }
        out_ += '\n';
        out_.append(indent_ * depth_, ' ');
        out_ += '}';
    }
    [[nodiscard]] std::string& out() noexcept { return out_; }
    [[nodiscard]] const dump_options& options() const noexcept { return options_; }

private:
    // Metrics and parameters are mostly objects of numbers and strings: written here without
    // the general writer's stack. False (nothing written) for anything else.
    template <class BasicJson>
    bool write_flat_object(const BasicJson& v) {
        using object_t = typename BasicJson::object_t;
        if constexpr (!impl::keys_in_byte_order<object_t>) {
            return false;
        } else {
            if (!v.is_object()) return false;
            const auto& o = *v.template get_ptr<const object_t*>();
            for (const auto& m : o) {
                if (m.second.is_structured() || m.second.is_binary() || m.second.is_discarded()) return false;
            }
            if (o.empty()) {
                out_ += "{}";
                return true;
            }
            const std::string_view separator =
                options_.item_separator.empty() ? std::string_view(",") : std::string_view(options_.item_separator);
            out_ += '{';
            bool first = true;
            for (const auto& m : o) {
                if (!first) out_ += separator;
                first = false;
                out_ += '\n';
                out_.append(indent_ * (depth_ + 2), ' ');
                impl::append_string(out_, m.first, options_.ensure_ascii);
                out_ += options_.key_separator;
                impl::append_scalar(out_, m.second, options_);
            }
            out_ += '\n';
            out_.append(indent_ * (depth_ + 1), ' ');
            out_ += '}';
            return true;
        }
    }

    std::string& out_;
    const dump_options& options_;
    dump_options child_;
    std::size_t depth_;
    std::size_t indent_;
    bool first_ = true;
};

/// @brief dump_options from the keyword arguments of a Python json.dump call, given as
/// a JSON object: "indent" (integer, string of spaces or null), "sort_keys",
/// "separators" ([item, key] or null), "ensure_ascii", "allow_nan" (booleans);
/// "skipkeys" and "check_circular" (booleans) are accepted and change nothing, as all
/// keys are strings and values are trees. null kwargs means no arguments.
/// @throws lazyscribe::format_error naming the argument for unknown ones or wrong types.
inline dump_options options_from_kwargs(const nlohmann::json& kwargs) {
    dump_options o;
    if (kwargs.is_null()) return o;
    if (!kwargs.is_object())
        throw format_error(std::string("json writer kwargs must be an object, got a JSON ") + kwargs.type_name());
    const auto get_bool = [](const std::string& key, const nlohmann::json& v) {
        if (!v.is_boolean())
            throw format_error("json writer kwarg '" + key + "' must be a boolean, got a JSON " + v.type_name());
        return v.get<bool>();
    };
    for (const auto& [key, v] : kwargs.items()) {
        if (key == "indent") {
            if (v.is_null()) {
                o.indent = -1;
            } else if (v.is_number_integer()) {
                // Python: ' ' * indent, so a negative indent means no spaces, like 0.
                if (v.is_number_unsigned() ? v.get<std::uint64_t>() > 1024u : v.get<std::int64_t>() > 1024)
                    throw format_error("json writer kwarg 'indent' is too large (at most 1024)");
                o.indent = v.is_number_unsigned() ? static_cast<int>(v.get<std::uint64_t>())
                                                  : static_cast<int>(std::max<std::int64_t>(v.get<std::int64_t>(), 0));
            } else if (v.is_string()) {
                // Python also takes the indent string itself; only spaces map onto `indent`.
                const auto& s = v.get_ref<const std::string&>();
                if (s.size() > 1024 || s.find_first_not_of(' ') != std::string::npos)
                    throw format_error("json writer kwarg 'indent': only strings of spaces are supported");
                o.indent = static_cast<int>(s.size());
            } else {
                throw format_error(std::string("json writer kwarg 'indent' must be an integer or null, got a JSON ") +
                                   v.type_name());
            }
        } else if (key == "separators") {
            if (v.is_null()) {
                o.item_separator.clear();
                o.key_separator = ": ";
                continue;
            }
            if (!v.is_array() || v.size() != 2 || !v[0].is_string() || !v[1].is_string())
                throw format_error(
                    "json writer kwarg 'separators' must be an array of two strings "
                    "[item_separator, key_separator]");
            o.item_separator = v[0].get<std::string>();
            o.key_separator = v[1].get<std::string>();
            // dump_options uses "" for "Python's default"; an explicitly empty one would
            // silently mean ',' or ', ', so refuse it.
            if (o.item_separator.empty())
                throw format_error("json writer kwarg 'separators': an empty item separator is not supported");
        } else if (key == "sort_keys") {
            o.sort_keys = get_bool(key, v);
        } else if (key == "ensure_ascii") {
            o.ensure_ascii = get_bool(key, v);
        } else if (key == "allow_nan") {
            o.allow_nan = get_bool(key, v);
        } else if (key == "skipkeys" || key == "check_circular") {
            (void)get_bool(key, v);
        } else {
            throw format_error("unsupported json writer kwarg '" + key +
                               "' (supported: indent, sort_keys, separators, ensure_ascii, allow_nan, "
                               "skipkeys, check_circular)");
        }
    }
    return o;
}

/// @brief Parses text as Python's json.loads does (standard JSON plus NaN, Infinity,
/// -Infinity; duplicate keys: last value wins; integers beyond 64 bits become big
/// integers; lone UTF-16 surrogate escapes are rejected).
/// @param source_name names the text (usually a path) in error messages.
/// @throws lazyscribe::parse_error with 1-based line and byte column; no other exception.
template <class BasicJson = nlohmann::json>
[[nodiscard]] BasicJson parse(std::string_view text, const std::string& source_name) {
    impl::parser<BasicJson> p(text, source_name);
    try {
        return p.run();
    } catch (const lazyscribe::error&) {
        throw;
    } catch (const std::exception& e) {
        p.fail(p.position(), std::string("cannot parse JSON: ") + e.what());
    }
}

}  // namespace lazyscribe::detail::pyjson
