#pragma once
// The body of fuzz_handlers: the readers of the handlers that parse a foreign format (npy,
// onnx, csv, yaml), each given the same bytes; only lazyscribe's own errors may come out. The
// unit tests replay tests/data/fuzz-regressions/handlers through it.
#include <lazyscribe/handlers/csv.hpp>
#include <lazyscribe/handlers/npy.hpp>
#include <lazyscribe/handlers/onnx.hpp>
#include <lazyscribe/handlers/yaml.hpp>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

namespace lazyscribe_fuzz {

namespace handlers_detail {
template <class Read>
void attempt(const std::string& bytes, Read read) {
    std::istringstream in(bytes);
    try {
        read(in);
    } catch (const lazyscribe::error&) {
    }
}
}  // namespace handlers_detail

inline void load_handlers(const std::uint8_t* data, std::size_t size) {
    namespace ls = lazyscribe;
    using handlers_detail::attempt;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    const ls::json none = ls::json::object();
    attempt(bytes, [&](std::istream& in) { (void)ls::npy_handler::read<ls::ndarray<double>>(in, none); });
    attempt(bytes, [&](std::istream& in) { (void)ls::npy_handler::read<ls::ndarray<std::int8_t>>(in, none); });
    attempt(bytes, [&](std::istream& in) { (void)ls::onnx_handler::read(in, none); });
    attempt(bytes, [&](std::istream& in) {
        const auto t = ls::csv_handler::read(in, none);
        // What was read must write back and read again as the same table.
        std::ostringstream out;
        ls::csv_handler::write(t, out, none);
        std::istringstream again(out.str());
        if (!(ls::csv_handler::read(again, none) == t)) __builtin_trap();
    });
    attempt(bytes, [&](std::istream& in) {
        const auto value = ls::yaml_handler::read<ls::json>(in, none);
        std::ostringstream out;
        ls::yaml_handler::write(value, out, none);
        std::istringstream again(out.str());
        if (ls::yaml_handler::read<ls::json>(again, none) != value && value == value) __builtin_trap();
    });
}

}  // namespace lazyscribe_fuzz
