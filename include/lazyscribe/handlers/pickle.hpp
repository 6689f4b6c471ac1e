#pragma once
/// @file handlers/pickle.hpp
/// @brief WIP (#14): the `pickle` handler (lazyscribe::pickle_handler) and its codec. Writes
/// what lazyscribe::json holds (None, bool, integers of any size, floats, str, list, dict with
/// str keys) as CPython's pickle.dumps does by default (protocol 4), and reads those values,
/// tuples (as lists), bytes, NumPy arrays and NumPy scalars from protocols 2 to 5. Nothing in
/// a pickle is ever executed: the few NumPy and codec names it knows are matched as text, and
/// any other reference, call or object is refused with a format_error naming it. Not yet:
/// tuples on request, writing protocols other than 4, docs.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <istream>
#include <limits>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <utility>
#include <vector>

#include <lazyscribe/errors.hpp>
#include <lazyscribe/handler.hpp>
#include <lazyscribe/handlers/ndarray.hpp>
#include <lazyscribe/json.hpp>

namespace lazyscribe::detail::pickle {

template <class T>
inline constexpr bool is_ndarray_v = false;
template <class T>
inline constexpr bool is_ndarray_v<ndarray<T>> = true;

// ---- integers of any size: Python's two's-complement little-endian bytes <-> decimal digits ----

/// Decimal digits of the signed little-endian two's-complement integer in `bytes` (LONG1/LONG4).
inline std::string decimal_of_twos_complement(std::vector<unsigned char> bytes) {
    if (bytes.empty()) return "0";
    const bool negative = (bytes.back() & 0x80U) != 0;
    if (negative) {  // magnitude = ~x + 1
        unsigned carry = 1;
        for (auto& b : bytes) {
            const unsigned v = static_cast<unsigned char>(~b) + carry;
            b = static_cast<unsigned char>(v & 0xFFU);
            carry = v >> 8U;
        }
    }
    std::string digits;
    std::vector<unsigned char> n(bytes.rbegin(), bytes.rend());  // most significant first
    while (!n.empty()) {
        unsigned remainder = 0;
        std::vector<unsigned char> quotient;
        for (const auto b : n) {
            const unsigned cur = remainder * 256 + b;
            const auto q = static_cast<unsigned char>(cur / 10);
            remainder = cur % 10;
            if (!quotient.empty() || q != 0) quotient.push_back(q);
        }
        digits.push_back(static_cast<char>('0' + remainder));
        n = std::move(quotient);
    }
    if (digits.empty()) digits = "0";
    if (negative) digits.push_back('-');
    std::reverse(digits.begin(), digits.end());
    return digits;
}

/// The shortest two's-complement little-endian bytes of a decimal integer, as Python's
/// encode_long: 0 is no bytes.
inline std::vector<unsigned char> twos_complement_of_decimal(std::string_view text) {
    const bool negative = !text.empty() && text[0] == '-';
    std::string digits(negative ? text.substr(1) : text);
    std::vector<unsigned char> bytes;  // magnitude, least significant first
    while (!(digits.empty() || digits == "0")) {
        std::string quotient;
        unsigned remainder = 0;
        for (const char c : digits) {
            const unsigned cur = remainder * 10 + static_cast<unsigned>(c - '0');
            const auto q = static_cast<char>('0' + cur / 256);
            remainder = cur % 256;
            if (!quotient.empty() || q != '0') quotient.push_back(q);
        }
        bytes.push_back(static_cast<unsigned char>(remainder));
        digits = quotient;
    }
    if (bytes.empty()) return bytes;
    if (negative) {
        unsigned carry = 1;
        for (auto& b : bytes) {
            const unsigned v = static_cast<unsigned char>(~b) + carry;
            b = static_cast<unsigned char>(v & 0xFFU);
            carry = v >> 8U;
        }
        if ((bytes.back() & 0x80U) == 0) bytes.push_back(0xFF);
        // The shortest form: drop 0xFF bytes whose next lower byte already has the sign bit.
        while (bytes.size() > 1 && bytes.back() == 0xFF && (bytes[bytes.size() - 2] & 0x80U) != 0) bytes.pop_back();
    } else if ((bytes.back() & 0x80U) != 0) {
        bytes.push_back(0);
    }
    return bytes;
}

// ---- writing: protocol 4, as CPython's pickle.dumps ---------------------------------------------

class writer {
public:
    writer() = default;
    /// A writer that pickles the arrays at these JSON pointers ("" is the value itself) as
    /// tuples; each must name an array of the value it dumps.
    explicit writer(std::set<std::string> tuples) : tuples_(std::move(tuples)) {}

    /// The whole pickle of `value`, framed as CPython frames protocol 4.
    std::string dump(const json& value) {
        for (const auto& pointer : tuples_) {
            const json::json_pointer where(pointer);
            if (!value.contains(where) || !value.at(where).is_array())
                throw format_error("pickle: tuples names '" + pointer + "', which is not an array of the value");
        }
        path_.clear();
        body_.clear();
        frames_.clear();
        put(0x80);
        put(4);
        start_frame();
        save(value);
        put('.');
        end_frame();
        return frames_;
    }

private:
    static constexpr std::size_t frame_size_target = std::size_t{64} * 1024;
    static constexpr std::size_t frame_size_min = 4;
    static constexpr std::size_t batch = 1000;

    void put(int byte) { body_.push_back(static_cast<char>(byte)); }
    void put_bytes(std::string_view bytes) { body_.append(bytes); }
    template <class U>
    void put_le(U value, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) put(static_cast<int>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xFFU));
    }

    // CPython's framer: opcodes gather in a frame, written with a FRAME header when it holds
    // at least 4 bytes; a frame is closed at an opcode boundary once it reaches 64 KiB.
    void start_frame() {
        frames_ += body_;
        body_.clear();
    }
    void end_frame() {
        if (body_.size() >= frame_size_min) {
            frames_.push_back(static_cast<char>(0x95));
            for (std::size_t i = 0; i < 8; ++i) frames_.push_back(static_cast<char>((body_.size() >> (8 * i)) & 0xFFU));
        }
        frames_ += body_;
        body_.clear();
    }
    void boundary() {
        if (body_.size() >= frame_size_target) end_frame();
    }
    void memoize() { put(0x94); }

    void save(const json& v) {
        boundary();
        switch (v.type()) {
        case json::value_t::null: put('N'); break;
        case json::value_t::boolean: put(v.get<bool>() ? 0x88 : 0x89); break;
        case json::value_t::number_unsigned: save_integer(std::to_string(v.get<std::uint64_t>())); break;
        case json::value_t::number_integer: save_integer(std::to_string(v.get<std::int64_t>())); break;
        case json::value_t::number_float: {
            put('G');
            const auto bits = std::bit_cast<std::uint64_t>(v.get<double>());
            for (int i = 7; i >= 0; --i) put(static_cast<int>((bits >> (8 * i)) & 0xFFU));
            break;
        }
        case json::value_t::string: save_string(v.get_ref<const std::string&>()); break;
        case json::value_t::array: {
            if (!tuples_.empty() && tuples_.contains(path_)) {
                save_tuple(v);
                break;
            }
            put(']');
            memoize();
            save_items(v, false);
            break;
        }
        case json::value_t::object: {
            put('}');
            memoize();
            save_items(v, true);
            break;
        }
        case json::value_t::binary:
            if (is_big_integer(v)) {
                save_integer(integer_digits(v));
                break;
            }
            throw format_error("pickle: binary JSON values have no pickle form here");
        case json::value_t::discarded: throw format_error("pickle: a discarded JSON value");
        }
    }

    void save_integer(const std::string& digits) {
        const bool negative = digits[0] == '-';
        if (!negative && digits.size() <= 10) {
            const auto n = std::stoull(digits);
            if (n <= 0xFF) {
                put('K');
                put_le(n, 1);
                return;
            }
            if (n <= 0xFFFF) {
                put('M');
                put_le(n, 2);
                return;
            }
        }
        if (digits.size() <= 11) {
            const auto n = std::stoll(digits);
            if (n >= std::numeric_limits<std::int32_t>::min() && n <= std::numeric_limits<std::int32_t>::max()) {
                put('J');
                put_le(static_cast<std::uint32_t>(static_cast<std::int32_t>(n)), 4);
                return;
            }
        }
        const auto bytes = twos_complement_of_decimal(digits);
        if (bytes.size() < 256) {
            put(0x8a);
            put(static_cast<int>(bytes.size()));
        } else {
            put(0x8b);
            put_le(bytes.size(), 4);
        }
        put_bytes(std::string_view(reinterpret_cast<const char*>(bytes.data()),  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
                                   bytes.size()));
    }

    void save_string(const std::string& s) {
        if (s.size() < 256) {
            put(0x8c);
            put(static_cast<int>(s.size()));
        } else if (s.size() <= 0xFFFFFFFFU) {
            put('X');
            put_le(s.size(), 4);
        } else {
            put(0x8d);
            put_le(s.size(), 8);
        }
        if (s.size() >= frame_size_target) {
            // CPython writes a payload this large outside any frame, its opcode included.
            const std::string opcode = body_.substr(body_.size() - (s.size() <= 0xFFFFFFFFU ? 5 : 9));
            body_.resize(body_.size() - opcode.size());
            end_frame();
            frames_ += opcode;
            frames_ += s;
        } else {
            put_bytes(s);
        }
        memoize();
    }

    // Python's batch_list / batch_dict: one item alone with APPEND/SETITEM, more in batches of
    // 1000 between MARK and APPENDS/SETITEMS.
    void save_items(const json& container, bool dict) {
        if (!tuples_.empty() && !dict) index_in_parent_.push_back(0);
        auto it = container.begin();
        std::size_t left = container.size();
        while (left > 0) {
            const std::size_t n = std::min(left, batch);
            if (n == 1) {
                save_item(it, dict);
                ++it;
                put(dict ? 's' : 'a');
            } else {
                put('(');
                for (std::size_t i = 0; i < n; ++i, ++it) save_item(it, dict);
                put(dict ? 'u' : 'e');
            }
            left -= n;
        }
        if (!tuples_.empty() && !dict) index_in_parent_.pop_back();
    }
    void save_item(json::const_iterator it, bool dict) {
        if (dict) save_string(it.key());
        if (tuples_.empty()) {
            save(*it);
            return;
        }
        // The item's JSON pointer, only when some array is to be a tuple.
        const auto length = path_.size();
        path_ += '/';
        if (dict) {
            for (char c : it.key()) path_ += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
        } else {
            path_ += std::to_string(index_in_parent_.back()++);
        }
        save(*it);
        path_.resize(length);
    }

    // CPython's save_tuple in protocol 4: () alone, up to 3 items then TUPLE1/2/3, more
    // between MARK and TUPLE; memoized, except the empty tuple.
    void save_tuple(const json& v) {
        if (v.empty()) {
            put(')');
            return;
        }
        if (v.size() > 3) put('(');
        index_in_parent_.push_back(0);
        for (auto it = v.begin(); it != v.end(); ++it) save_item(it, false);
        index_in_parent_.pop_back();
        put(v.size() == 1 ? 0x85 : v.size() == 2 ? 0x86 : v.size() == 3 ? 0x87 : 't');
        memoize();
    }

    std::string body_;    // the frame being filled
    std::string frames_;  // what is done
    std::set<std::string> tuples_;              // JSON pointers of the arrays written as tuples
    std::string path_;                          // the pointer of the value being saved
    std::vector<std::size_t> index_in_parent_;  // the next item's index, per open list or tuple
};

// ---- reading: protocols 2 to 5, data only -------------------------------------------------------

// A value under construction. Lists and dicts are shared, as Python's objects are: the memo
// and the stack refer to one node, so that a list memoized empty and filled later reads back
// filled wherever BINGET repeats it.
struct node;
using node_ptr = std::shared_ptr<node>;
struct node {
    // global: a NumPy name this reader knows (never looked up); dtype: numpy.dtype(kind) with
    // its byte order; array: a NumPy array, `built` once its data is in.
    enum class kind { scalar, list, dict, bytes, global, dtype, array } what = kind::scalar;
    json scalar;
    std::vector<node_ptr> items;                           // a list's (or tuple's) items
    std::vector<std::pair<std::string, node_ptr>> entries;  // a dict's, in insertion order
    std::string text;                                      // bytes; a global's "module.name"; a dtype's kind
    node_ptr data;                                         // an array's bytes node, shared rather than copied
    char byte_order = '=';                                 // a dtype's
    std::vector<std::size_t> shape;                        // an array's
    bool fortran = false;
    node_ptr dtype;
    bool built = false;
    bool converting = false;  // on the path being converted: a cycle
};

struct mark {};
using stack_item = std::variant<node_ptr, mark>;

class reader {
public:
    explicit reader(std::istream& in) : in_(in) {}
    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;
    reader(reader&&) = delete;
    reader& operator=(reader&&) = delete;
    // A pickle can make a list contain itself (a cycle of shared nodes): every node this
    // reader made lets go of the others here, so that none outlives it.
    ~reader() {
        for (const auto& n : made_) {
            n->items.clear();
            n->entries.clear();
            n->dtype.reset();
        }
    }

    /// The pickle's value as JSON: format_error for a NumPy array (load_array reads those).
    json load() { return to_json(*load_node(), 0); }

    /// The pickle's NumPy array of T's dtype, in C order and this machine's byte order.
    template <numpy_element T>
    ndarray<T> load_array() {
        const auto n = load_node();
        if (n->what != node::kind::array || !n->built || !n->dtype) fail("the pickle holds no NumPy array");
        if (n->dtype->text != numpy_kind<T>()) {
            fail("the array's dtype is '" + n->dtype->text + "', not the requested '" + numpy_kind<T>() + "'");
        }
        if (!n->data) fail("a NumPy array without its data");
        return detail::ndarray_from_bytes<T>(n->data->text, n->shape, n->fortran, swapped(*n->dtype));
    }

    node_ptr load_node() {
        while (true) {
            const int op = byte("an opcode");
            switch (op) {
            case 0x80: {  // PROTO
                const int version = byte("PROTO's version");
                if (version < 2 || version > 5) fail("protocol " + std::to_string(version) + " (2 to 5 are read)");
                break;
            }
            case 0x95: (void)uint_le(8, "FRAME"); break;  // FRAME: the framed bytes follow inline
            case '.': {                                    // STOP
                if (stack_.size() != 1 || !std::holds_alternative<node_ptr>(stack_.back())) fail("STOP with a bad stack");
                return std::get<node_ptr>(stack_.back());
            }
            case '(': stack_.emplace_back(mark{}); break;
            case '0': (void)pop_value("POP"); break;
            case '1': (void)pop_to_mark("POP_MARK"); break;
            case '2': stack_.emplace_back(top("DUP")); break;
            case 'N': push_scalar(nullptr); break;
            case 0x88: push_scalar(true); break;
            case 0x89: push_scalar(false); break;
            case 'J': push_scalar(static_cast<std::int32_t>(static_cast<std::uint32_t>(uint_le(4, "BININT")))); break;
            case 'K': push_scalar(uint_le(1, "BININT1")); break;
            case 'M': push_scalar(uint_le(2, "BININT2")); break;
            case 0x8a: push_long(uint_le(1, "LONG1")); break;
            case 0x8b: push_long(uint_le(4, "LONG4")); break;
            case 'G': push_scalar(std::bit_cast<double>(uint_be(8, "BINFLOAT"))); break;
            case 0x8c: push_scalar(bytes(uint_le(1, "SHORT_BINUNICODE"), "SHORT_BINUNICODE")); break;
            case 'X': push_scalar(bytes(uint_le(4, "BINUNICODE"), "BINUNICODE")); break;
            case 0x8d: push_scalar(bytes(uint_le(8, "BINUNICODE8"), "BINUNICODE8")); break;
            case ']':
            case ')': push_container(node::kind::list, {}); break;  // tuples read as lists
            case '}': push_container(node::kind::dict, {}); break;
            case 'l':
            case 't': push_container(node::kind::list, pop_to_mark(op == 'l' ? "LIST" : "TUPLE")); break;
            case 0x85: push_tuple(1); break;
            case 0x86: push_tuple(2); break;
            case 0x87: push_tuple(3); break;
            case 'd': {
                push_container(node::kind::dict, {});
                auto items = pop_to_mark_under_top("DICT");
                set_items(*std::get<node_ptr>(stack_.back()), items, "DICT");
                break;
            }
            case 'a': {
                auto v = pop_value("APPEND");
                container_at_top(node::kind::list, "APPEND").items.push_back(std::move(v));
                break;
            }
            case 'e': {
                auto items = pop_to_mark("APPENDS");
                auto& list = container_at_top(node::kind::list, "APPENDS").items;
                for (auto& v : items) list.push_back(std::move(v));
                break;
            }
            case 's': {
                auto value = pop_value("SETITEM");
                auto key = pop_value("SETITEM");
                std::vector<node_ptr> pair{std::move(key), std::move(value)};
                set_items(container_at_top(node::kind::dict, "SETITEM"), pair, "SETITEM");
                break;
            }
            case 'u': {
                auto items = pop_to_mark("SETITEMS");
                set_items(container_at_top(node::kind::dict, "SETITEMS"), items, "SETITEMS");
                break;
            }
            case 'C': push_bytes(uint_le(1, "SHORT_BINBYTES"), "SHORT_BINBYTES"); break;
            case 'B': push_bytes(uint_le(4, "BINBYTES"), "BINBYTES"); break;
            case 0x8e: push_bytes(uint_le(8, "BINBYTES8"), "BINBYTES8"); break;
            case 0x96: push_bytes(uint_le(8, "BYTEARRAY8"), "BYTEARRAY8"); break;
            case 'c': {  // GLOBAL: "module\nname\n"
                std::string module = line("GLOBAL");
                std::string name = line("GLOBAL");
                push_global(module + "." + name);
                break;
            }
            case 0x93: {  // STACK_GLOBAL
                const auto name = pop_value("STACK_GLOBAL");
                const auto module = pop_value("STACK_GLOBAL");
                if (!is_string(*module) || !is_string(*name)) fail("STACK_GLOBAL of a non-string");
                push_global(module->scalar.get<std::string>() + "." + name->scalar.get<std::string>());
                break;
            }
            case 'R': reduce(); break;
            case 'b': build(); break;
            case 0x94: memo_.push_back(top("MEMOIZE")); break;
            case 'q': put_memo(uint_le(1, "BINPUT")); break;
            case 'r': put_memo(uint_le(4, "LONG_BINPUT")); break;
            case 'h': get_memo(uint_le(1, "BINGET")); break;
            case 'j': get_memo(uint_le(4, "LONG_BINGET")); break;
            default: refuse(op);
            }
        }
    }

private:
    static constexpr std::size_t max_depth = 10'000;

    [[noreturn]] void fail(const std::string& why) const {
        throw format_error("pickle: at byte " + std::to_string(offset_) + ": " + why);
    }
    [[noreturn]] void refuse(int op) const {
        std::string name;
        switch (op) {
        case 0x81: name = "NEWOBJ (an object)"; break;
        case 0x92: name = "NEWOBJ_EX (an object)"; break;
        case 'i': name = "INST (an object)"; break;
        case 'o': name = "OBJ (an object)"; break;
        case 0x82: case 0x83: case 0x84: name = "EXT (an extension registry entry)"; break;
        case 'P': case 'Q': name = "PERSID (a persistent id)"; break;
        case 0x8f: case 0x90: case 0x91: name = "a set or frozenset"; break;
        case 0x97: case 0x98: name = "an out-of-band buffer"; break;
        default: {
            static constexpr std::string_view hex = "0123456789abcdef";
            name = std::string("0x") + hex[static_cast<unsigned>(op) >> 4U] + hex[static_cast<unsigned>(op) & 0xFU];
        }
        }
        fail("opcode " + name + " is not read: only None, bool, int, float, str, bytes, list, tuple, dict and NumPy "
             "arrays are, and nothing is ever executed");
    }

    int byte(const char* what) {
        const int c = in_.get();
        if (c == std::char_traits<char>::eof()) fail(std::string("the pickle ends inside ") + what);
        ++offset_;
        return c;
    }
    std::uint64_t uint_le(std::size_t n, const char* what) {
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(byte(what)) << (8 * i);
        return v;
    }
    std::uint64_t uint_be(std::size_t n, const char* what) {
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i) v = (v << 8U) | static_cast<std::uint64_t>(byte(what));
        return v;
    }
    std::string bytes(std::uint64_t n, const char* what) {
        std::string out;
        constexpr std::uint64_t chunk = 1 << 20;  // grows with what arrives: a lying length costs nothing
        while (out.size() < n) {
            const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, n - out.size()));
            const auto have = out.size();
            out.resize(have + want);
            in_.read(out.data() + have, static_cast<std::streamsize>(want));
            const auto got = static_cast<std::size_t>(in_.gcount());
            offset_ += got;
            if (got != want) fail(std::string("the pickle ends inside ") + what);
        }
        return out;
    }

    void push_scalar(json v) {
        auto n = make_node();
        n->scalar = std::move(v);
        stack_.emplace_back(std::move(n));
    }
    void push_container(node::kind k, std::vector<node_ptr> items) {
        auto n = make_node();
        n->what = k;
        n->items = std::move(items);
        stack_.emplace_back(std::move(n));
    }
    void push_tuple(std::size_t n) {
        std::vector<node_ptr> items(n);
        for (std::size_t i = n; i-- > 0;) items[i] = pop_value("TUPLE");
        push_container(node::kind::list, std::move(items));
    }
    void push_long(std::uint64_t n) {
        if (n > std::uint64_t{8} * 1024) fail("an integer of " + std::to_string(n) + " bytes");
        const auto raw = bytes(n, "LONG");
        push_scalar(lazyscribe::big_integer(decimal_of_twos_complement({raw.begin(), raw.end()})));
    }
    node_ptr make_node() {
        auto n = std::make_shared<node>();
        made_.push_back(n);
        return n;
    }
    void push_bytes(std::uint64_t n, const char* what) {
        auto b = make_node();
        b->what = node::kind::bytes;
        b->text = bytes(n, what);
        stack_.emplace_back(std::move(b));
    }
    std::string line(const char* what) {
        std::string out;
        for (int c = byte(what); c != '\n'; c = byte(what)) {
            if (out.size() > 256) fail(std::string(what) + ": a name longer than 256 bytes");
            out.push_back(static_cast<char>(c));
        }
        return out;
    }
    static bool is_string(const node& n) { return n.what == node::kind::scalar && n.scalar.is_string(); }

    // The only names a pickle may refer to: NumPy's array, dtype and scalar reconstructors (in
    // numpy 1's numpy.core and numpy 2's numpy._core), and _codecs.encode and bytes (protocol 2's
    // bytes).
    // They are matched as text; nothing is imported or called.
    static std::string known_global(const std::string& name) {
        for (const char* core : {"numpy.core.", "numpy._core."}) {
            if (name.rfind(core, 0) == 0) {
                std::string rest = name.substr(std::string(core).size());
                if (rest == "multiarray._reconstruct" || rest == "multiarray.scalar" || rest == "numeric._frombuffer") {
                    return rest;
                }
            }
        }
        if (name == "numpy.ndarray" || name == "numpy.dtype" || name == "_codecs.encode") return name;
        if (name == "__builtin__.bytes" || name == "builtins.bytes") return "bytes";  // protocol 2's b''

        return {};
    }
    void push_global(const std::string& name) {
        const auto known = known_global(name);
        if (known.empty()) {
            fail("a reference to " + name + ": no Python class or function is read, and nothing is ever executed");
        }
        auto g = make_node();
        g->what = node::kind::global;
        g->text = known;
        stack_.emplace_back(std::move(g));
    }

    // REDUCE: one of the known reconstructors applied to its arguments, by hand.
    void reduce() {
        const auto args = pop_value("REDUCE");
        const auto callable = pop_value("REDUCE");
        if (callable->what != node::kind::global || args->what != node::kind::list) fail("REDUCE of something not known");
        const auto& a = args->items;
        const std::string& f = callable->text;
        const auto arg = [&](std::size_t i, node::kind k, const char* what) -> node& {
            if (i >= a.size() || a[i]->what != k) fail(f + ": argument " + std::to_string(i) + " is not " + what);
            return *a[i];
        };
        auto out = make_node();
        if (f == "multiarray._reconstruct") {  // _reconstruct(ndarray, (0,), b'b'): an empty array, BUILD fills it
            if (arg(0, node::kind::global, "numpy.ndarray").text != "numpy.ndarray") fail(f + " of another class");
            out->what = node::kind::array;
        } else if (f == "numpy.dtype") {  // dtype('f8', False, True): BUILD sets the byte order
            if (a.empty() || !is_string(*a[0])) fail("numpy.dtype of a non-string");
            out->what = node::kind::dtype;
            out->text = a[0]->scalar.get<std::string>();
        } else if (f == "numeric._frombuffer") {  // _frombuffer(data, dtype, shape, order)
            out->what = node::kind::array;
            (void)arg(0, node::kind::bytes, "bytes");
            out->data = a[0];
            out->dtype = a.size() > 1 && a[1]->what == node::kind::dtype ? a[1] : nullptr;
            if (!out->dtype) fail(f + ": argument 1 is not a dtype");
            out->shape = extents(arg(2, node::kind::list, "a shape"));
            if (a.size() < 4 || !is_string(*a[3])) fail(f + ": argument 3 is not an order");
            out->fortran = a[3]->scalar.get<std::string>() == "F";
            out->built = true;
        } else if (f == "multiarray.scalar") {  // scalar(dtype, raw bytes): a NumPy number
            if (a.size() < 2 || a[0]->what != node::kind::dtype) fail(f + ": argument 0 is not a dtype");
            out->scalar = scalar_of(*a[0], arg(1, node::kind::bytes, "bytes").text);
        } else if (f == "_codecs.encode") {  // encode('\x00\xff', 'latin1'): protocol 2's bytes
            if (a.size() != 2 || !is_string(*a[0]) || !is_string(*a[1]) || a[1]->scalar.get<std::string>() != "latin1") {
                fail("_codecs.encode of anything but a str in latin1");
            }
            out->what = node::kind::bytes;
            out->text = latin1(a[0]->scalar.get<std::string>());
        } else if (f == "bytes" && a.empty()) {
            out->what = node::kind::bytes;
        } else {
            fail("REDUCE of " + f + " with these arguments");
        }
        stack_.emplace_back(std::move(out));
    }

    // BUILD: a dtype's state (3, '<', None, None, None, -1, -1, 0), or an array's
    // (1, shape, dtype, is_fortran, raw bytes).
    void build() {
        const auto state = pop_value("BUILD");
        const auto target = top("BUILD");
        if (state->what != node::kind::list) fail("BUILD with a state that is not a tuple");
        const auto& s = state->items;
        if (target->what == node::kind::dtype) {
            if (s.size() < 8 || !is_string(*s[1])) fail("BUILD of a dtype with an unknown state");
            for (std::size_t i = 2; i <= 4; ++i) {
                if (!(s[i]->what == node::kind::scalar && s[i]->scalar.is_null())) {
                    fail("a structured or subarray dtype ('" + target->text + "'): only plain numeric dtypes are read");
                }
            }
            const auto order = s[1]->scalar.get<std::string>();
            target->byte_order = order.size() == 1 ? order[0] : '?';
        } else if (target->what == node::kind::array && !target->built) {
            if (s.size() != 5 || s[1]->what != node::kind::list || s[2]->what != node::kind::dtype ||
                s[3]->what != node::kind::scalar || !s[3]->scalar.is_boolean()) {
                fail("BUILD of an array with an unknown state");
            }
            if (s[4]->what != node::kind::bytes) fail("an array of Python objects (dtype object): not read");
            target->shape = extents(*s[1]);
            target->dtype = s[2];
            target->fortran = s[3]->scalar.get<bool>();
            target->data = s[4];
            target->built = true;
        } else {
            fail("BUILD of an object: only NumPy dtypes and arrays are built");
        }
    }
    std::vector<std::size_t> extents(const node& tuple) const {
        std::vector<std::size_t> out;
        for (const auto& e : tuple.items) {
            if (e->what != node::kind::scalar || !e->scalar.is_number_integer() || e->scalar.get<std::int64_t>() < 0) {
                fail("an array shape that is not a tuple of non-negative integers");
            }
            out.push_back(e->scalar.get<std::size_t>());
        }
        return out;
    }
    std::string latin1(const std::string& utf8) const {
        std::string out;
        for (std::size_t i = 0; i < utf8.size(); ++i) {
            const auto c = static_cast<unsigned char>(utf8[i]);
            if (c < 0x80) {
                out.push_back(static_cast<char>(c));
            } else if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) {
                out.push_back(static_cast<char>(((c & 0x03U) << 6U) | (static_cast<unsigned char>(utf8[++i]) & 0x3FU)));
            } else {
                fail("_codecs.encode of a character beyond latin1");
            }
        }
        return out;
    }
    template <numpy_element T>
    static T element(const node& dtype, const std::string& raw, std::size_t i) {
        T v;
        std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
        return swapped(dtype) ? detail::byte_swapped(v) : v;
    }
    static bool swapped(const node& dtype) {
        const bool little = std::endian::native == std::endian::little;
        return (dtype.byte_order == '<' && !little) || (dtype.byte_order == '>' && little);
    }
    json scalar_of(const node& dtype, const std::string& raw) const {
        const auto& k = dtype.text;
        const auto size_is = [&](std::size_t n) {
            if (raw.size() != n) fail("numpy scalar of dtype " + k + " with " + std::to_string(raw.size()) + " bytes");
        };
        if (k == "b1") { size_is(1); return raw[0] != 0; }
        if (k == "i1") { size_is(1); return element<std::int8_t>(dtype, raw, 0); }
        if (k == "i2") { size_is(2); return element<std::int16_t>(dtype, raw, 0); }
        if (k == "i4") { size_is(4); return element<std::int32_t>(dtype, raw, 0); }
        if (k == "i8") { size_is(8); return element<std::int64_t>(dtype, raw, 0); }
        if (k == "u1") { size_is(1); return element<std::uint8_t>(dtype, raw, 0); }
        if (k == "u2") { size_is(2); return element<std::uint16_t>(dtype, raw, 0); }
        if (k == "u4") { size_is(4); return element<std::uint32_t>(dtype, raw, 0); }
        if (k == "u8") { size_is(8); return element<std::uint64_t>(dtype, raw, 0); }
        if (k == "f4") { size_is(4); return element<float>(dtype, raw, 0); }
        if (k == "f8") { size_is(8); return element<double>(dtype, raw, 0); }
        fail("a numpy scalar of dtype " + k + ": only bool, integers and floats become JSON numbers");
    }

    node_ptr top(const char* what) const {
        if (stack_.empty() || !std::holds_alternative<node_ptr>(stack_.back())) fail(std::string(what) + " on an empty stack");
        return std::get<node_ptr>(stack_.back());
    }
    node_ptr pop_value(const char* what) {
        auto v = top(what);
        stack_.pop_back();
        return v;
    }
    std::vector<node_ptr> pop_to_mark(const char* what) {
        std::vector<node_ptr> items;
        while (true) {
            if (stack_.empty()) fail(std::string(what) + " without a MARK");
            if (std::holds_alternative<mark>(stack_.back())) {
                stack_.pop_back();
                break;
            }
            items.push_back(std::get<node_ptr>(std::move(stack_.back())));
            stack_.pop_back();
        }
        std::reverse(items.begin(), items.end());
        return items;
    }
    // DICT: the new dict was pushed on top; the items are those under it, down to the MARK.
    std::vector<node_ptr> pop_to_mark_under_top(const char* what) {
        auto d = pop_value(what);
        auto items = pop_to_mark(what);
        stack_.emplace_back(std::move(d));
        return items;
    }
    node& container_at_top(node::kind k, const char* what) {
        if (stack_.empty() || !std::holds_alternative<node_ptr>(stack_.back()) ||
            std::get<node_ptr>(stack_.back())->what != k) {
            fail(std::string(what) + (k == node::kind::list ? " without a list under it" : " without a dict under it"));
        }
        return *std::get<node_ptr>(stack_.back());
    }
    void set_items(node& d, std::vector<node_ptr>& items, const char* what) {
        if (items.size() % 2 != 0) fail(std::string(what) + " with an odd number of items");
        for (std::size_t i = 0; i < items.size(); i += 2) {
            const node& key = *items[i];
            if (key.what != node::kind::scalar || !key.scalar.is_string()) {
                fail(std::string(what) + ": a dict key that is not a str");
            }
            const auto& k = key.scalar.get_ref<const std::string&>();
            const auto same = std::find_if(d.entries.begin(), d.entries.end(), [&](const auto& e) { return e.first == k; });
            if (same != d.entries.end()) {
                same->second = items[i + 1];  // Python: the later value, in the first one's place
            } else {
                d.entries.emplace_back(k, items[i + 1]);
            }
        }
    }
    void put_memo(std::uint64_t index) {
        if (index > memo_.size() + (std::uint64_t{1} << 20)) fail("BINPUT index " + std::to_string(index));
        if (index >= memo_.size()) memo_.resize(static_cast<std::size_t>(index) + 1);
        memo_[static_cast<std::size_t>(index)] = top("BINPUT");
    }
    void get_memo(std::uint64_t index) {
        if (index >= memo_.size() || !memo_[static_cast<std::size_t>(index)]) {
            fail("BINGET of an unset memo entry " + std::to_string(index));
        }
        stack_.emplace_back(memo_[static_cast<std::size_t>(index)]);
    }

    json to_json(node& n, std::size_t depth) const {
        if (n.what == node::kind::scalar) return n.scalar;
        if (n.what == node::kind::array) fail("a NumPy array: read the artifact as lazyscribe::ndarray");
        if (n.what == node::kind::bytes) fail("a bytes value: JSON has no bytes");
        if (n.what == node::kind::global || n.what == node::kind::dtype) fail("a NumPy class or dtype as a value");
        if (depth > max_depth) fail("values nested more than " + std::to_string(max_depth) + " deep");
        if (n.converting) fail("a list or dict that contains itself (JSON cannot hold it)");
        n.converting = true;
        json out = n.what == node::kind::list ? json::array() : json::object();
        if (n.what == node::kind::list) {
            for (const auto& item : n.items) out.push_back(to_json(*item, depth + 1));
        } else {
            for (const auto& [k, v] : n.entries) out[k] = to_json(*v, depth + 1);
        }
        n.converting = false;
        return out;
    }

    std::istream& in_;
    std::size_t offset_ = 0;
    std::vector<stack_item> stack_;
    std::vector<node_ptr> memo_;
    std::vector<node_ptr> made_;  // every node, to break cycles at the end
};

}  // namespace lazyscribe::detail::pickle

namespace lazyscribe {

/// @brief Python's `pickle` handler (lazyscribe's own, alias `pickle`, suffix `pkl`): writes
/// what lazyscribe::json holds as Python's pickle.dump does by default (protocol 4), so that a
/// Python colleague's load_artifact returns an equal value; reads the values Python pickles in
/// protocols 2 to 5 as JSON, and NumPy arrays as lazyscribe::ndarray. Nothing in a pickle is
/// ever executed. Each artifact records `python_version`, as Python's does: Python's
/// load_artifact refuses another minor version unless validate=False, so choose the reader's
/// with the writer kwarg `{"python_version": "3.12"}` (default: default_python_version).
struct pickle_handler {
    static constexpr std::string_view alias = "pickle";
    static constexpr std::string_view suffix = "pkl";
    static constexpr bool binary = true;
    static constexpr bool output_only = false;
    /// @brief The Python that Debian 12 ships.
    static constexpr std::string_view default_python_version = "3.11";

    /// @brief The fields stored with each artifact (never compared when C++ loads it).
    static json recorded_fields(const json& kwargs) {
        if (kwargs.is_object() && kwargs.contains("python_version")) return {{"python_version", kwargs["python_version"]}};
        return {{"python_version", std::string(default_python_version)}};
    }

    /// @brief Accepts `python_version` ("3.N"), `protocol` (4, Python's default) and `tuples`
    /// (JSON pointers of the arrays to write as Python tuples); called at log time.
    static void check_write_kwargs(const json& kwargs) {
        if (kwargs.is_null()) return;
        if (!kwargs.is_object()) throw format_error("the pickle handler's kwargs must be an object");
        for (const auto& [key, value] : kwargs.items()) {
            if (key == "python_version") {
                const bool ok = value.is_string() && value.get<std::string>().rfind("3.", 0) == 0 &&
                                value.get<std::string>().size() > 2 &&
                                value.get<std::string>().find_first_not_of("0123456789", 2) == std::string::npos;
                if (!ok) throw format_error("python_version must be a Python 3 minor version such as \"3.12\"; given " + value.dump());
            } else if (key == "tuples") {
                if (!value.is_array()) throw format_error("tuples must be a list of JSON pointers such as \"/shape\"; given " + value.dump());
                for (const auto& pointer : value) {
                    if (!pointer.is_string()) throw format_error("tuples must be a list of JSON pointers; given " + pointer.dump());
                    try {
                        (void)json::json_pointer(pointer.get<std::string>());
                    } catch (const json::exception&) {
                        throw format_error("tuples: '" + pointer.get<std::string>() + "' is not a JSON pointer (\"\" or \"/key/0\")");
                    }
                }
            } else if (key == "protocol") {
                if (value != 4) throw format_error("the pickle handler writes protocol 4 (Python's default); given " + value.dump());
            } else {
                throw format_error("the pickle handler takes python_version, protocol and tuples; given '" + key + "'");
            }
        }
    }

    template <class T>
    requires(!not_json_v<T> && std::is_constructible_v<json, const T&>)
    static void write(const T& value, std::ostream& out, const json& kwargs) {
        check_write_kwargs(kwargs);
        std::set<std::string> tuples;
        if (kwargs.is_object() && kwargs.contains("tuples")) {
            for (const auto& pointer : kwargs["tuples"]) tuples.insert(pointer.get<std::string>());
        }
        detail::pickle::writer writer(std::move(tuples));
        std::string bytes;
        if constexpr (std::is_same_v<T, json>) {
            bytes = writer.dump(value);  // no copy of a large value
        } else {
            bytes = writer.dump(json(value));
        }
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }

    template <class T>
    requires(detail::pickle::is_ndarray_v<T> || (!not_json_v<T> && requires(const json& j) { j.template get<T>(); }))
    static T read(std::istream& in, const json& kwargs) {
        if (!kwargs.is_null() && !(kwargs.is_object() && kwargs.empty())) {
            throw format_error("the pickle handler's read takes no kwargs; given: " + kwargs.dump());
        }
        detail::pickle::reader reader(in);
        if constexpr (detail::pickle::is_ndarray_v<T>) {
            return reader.template load_array<typename decltype(T::values)::value_type>();
        } else {
            const json value = reader.load();
            try {
                return value.template get<T>();
            } catch (const json::exception& e) {
                throw format_error(std::string("pickle: the value does not convert to the requested type: ") + e.what());
            }
        }
    }
};

static_assert(ArtifactHandler<pickle_handler>);
static_assert(WritableBy<pickle_handler, json> && ReadableAs<pickle_handler, std::vector<double>>);
static_assert(ReadableAs<pickle_handler, ndarray<float>>);

}  // namespace lazyscribe
