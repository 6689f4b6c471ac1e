#pragma once
/// @file pyjson_writer.hpp
/// @brief JSON text exactly as Python 3.11's json.dumps writes it (dump, dump_to).
///
/// nlohmann's own dump() differs from Python in float formatting, escaping, layout,
/// NaN/Infinity and integers wider than 64 bits; project, repository and artifact files must
/// be byte-identical to what Python writes (docs/format.md §2, §6), so lazyscribe writes JSON
/// text through these functions only.

#include <lazyscribe/detail/pyjson_big_integer.hpp>
#include <lazyscribe/detail/pyjson_numbers.hpp>
#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_strings.hpp>
#include <lazyscribe/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lazyscribe::detail::pyjson {

namespace impl {

/// memcmp order of UTF-8 bytes == code point order of the decoded strings.
inline bool key_less(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
    return c < 0 || (c == 0 && a.size() < b.size());
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

}  // namespace impl

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

}  // namespace lazyscribe::detail::pyjson
