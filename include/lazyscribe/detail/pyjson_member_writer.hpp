#pragma once
/// @file pyjson_member_writer.hpp
/// @brief A writer of one JSON object member by member, for the typed writers of project,
/// repository and artifact files that walk their records instead of building a JSON value.

#include <lazyscribe/detail/pyjson_options.hpp>
#include <lazyscribe/detail/pyjson_strings.hpp>
#include <lazyscribe/detail/pyjson_writer.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace lazyscribe::detail::pyjson {

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

}  // namespace lazyscribe::detail::pyjson
