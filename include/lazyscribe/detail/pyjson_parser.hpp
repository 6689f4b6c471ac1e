#pragma once
/// @file pyjson_parser.hpp
/// @brief JSON text read exactly as Python 3.11's json.loads reads it (parse), and the
/// pieces typed readers use to walk a document themselves (impl::parser).
///
/// nlohmann's own parse() differs from Python for NaN/Infinity, duplicate keys, integers
/// wider than 64 bits and lone surrogates; lazyscribe reads JSON text through this only.

#include <lazyscribe/detail/pyjson_big_integer.hpp>
#include <lazyscribe/detail/pyjson_numbers.hpp>
#include <lazyscribe/detail/pyjson_strings.hpp>
#include <lazyscribe/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <exception>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace lazyscribe::detail::pyjson {

/// @brief Deepest array/object nesting the reader accepts, counting every container of the
/// document. Python 3.11 with its default recursion limit (1000) writes a project whose
/// parameter is nested 494 deep (497 in all) and reads one nested 986 deep (989 in all):
/// twice that leaves a margin, and the recursive nlohmann operations (copy, ==) on values
/// this deep stay far from the stack's end, also under AddressSanitizer.
inline constexpr std::size_t max_depth = 2048;

namespace impl {

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
