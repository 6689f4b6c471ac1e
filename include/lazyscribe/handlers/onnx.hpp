#pragma once
/// @file handlers/onnx.hpp
/// @brief The `onnx` handler (opt-in, no dependency): ONNX models as their serialized bytes,
/// as Python's lazyscribe-onnx plugin stores them (`onnx.save`), so `onnx.load` opens what a
/// C++ program logged and a C++ runtime (ONNX Runtime, TensorRT) gets what Python logged.

#include <lazyscribe/errors.hpp>
#include <lazyscribe/handler.hpp>
#include <lazyscribe/json.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <istream>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace lazyscribe {

/// @brief One operator set a model imports (ONNX's OperatorSetIdProto).
struct onnx_opset {
    std::string domain;  ///< "" is the default ONNX domain ("ai.onnx")
    std::int64_t version = 0;
    friend bool operator==(const onnx_opset&, const onnx_opset&) = default;
};

/// @brief What an ONNX model says of itself: the ModelProto fields outside the graph's body.
struct onnx_model_info {
    std::int64_t ir_version = 0;
    std::vector<onnx_opset> opset_import;
    std::string producer_name;
    std::string producer_version;
    std::string domain;
    std::int64_t model_version = 0;
    std::string doc_string;
    std::string graph_name;
};

namespace detail::onnx {

/// A reader of protobuf's wire format, enough to walk a message's fields without a schema.
class wire {
public:
    wire(std::string_view bytes, std::string_view what) : bytes_(bytes), what_(what) {}

    bool done() const { return pos_ == bytes_.size(); }

    std::uint64_t varint() {
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= bytes_.size()) fail("a varint runs past the end");
            const auto b = static_cast<unsigned char>(bytes_[pos_++]);
            value |= static_cast<std::uint64_t>(b & 0x7F) << shift;
            if (!(b & 0x80)) return value;
        }
        fail("a varint longer than 10 bytes");
    }

    std::string_view length_delimited() {
        const auto n = varint();
        if (n > bytes_.size() - pos_) fail("a field of " + std::to_string(n) + " bytes runs past the end");
        const auto out = bytes_.substr(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return out;
    }

    /// Skips a field of the given wire type (the ones proto3 messages use).
    void skip(std::uint64_t wire_type) {
        switch (wire_type) {
            case 0: (void)varint(); return;
            case 1: advance(8); return;
            case 2: (void)length_delimited(); return;
            case 5: advance(4); return;
            default: fail("wire type " + std::to_string(wire_type) + " (groups are not used by ONNX)");
        }
    }

    [[noreturn]] void fail(const std::string& why) const {
        throw format_error("onnx: " + std::string(what_) + " is not a serialized ONNX model: " + why + " (at byte " +
                           std::to_string(pos_) + ")");
    }

private:
    void advance(std::size_t n) {
        if (n > bytes_.size() - pos_) fail("a fixed-size field runs past the end");
        pos_ += n;
    }

    std::string_view bytes_;
    std::string_view what_;
    std::size_t pos_ = 0;
};

/// @brief Parses the ModelProto's own fields; throws format_error if `bytes` is not a
/// well-formed protobuf message with an ir_version (every exporter writes one; text, a
/// truncated download or another format is not).
inline onnx_model_info describe(std::string_view bytes, std::string_view what) {
    onnx_model_info info;
    bool has_ir_version = false;
    wire w(bytes, what);
    const auto expect = [&](std::uint64_t field, std::uint64_t type, std::uint64_t wanted) {
        if (type != wanted)
            w.fail("field " + std::to_string(field) + " has wire type " + std::to_string(type) + ", not " +
                   std::to_string(wanted));
    };
    while (!w.done()) {
        const auto key = w.varint();
        const auto field = key >> 3;
        const auto type = key & 7;
        if (field == 0) w.fail("field number 0");
        switch (field) {
            case 1:
                expect(field, type, 0);
                info.ir_version = static_cast<std::int64_t>(w.varint());
                has_ir_version = true;
                break;
            case 2: expect(field, type, 2); info.producer_name = w.length_delimited(); break;
            case 3: expect(field, type, 2); info.producer_version = w.length_delimited(); break;
            case 4: expect(field, type, 2); info.domain = w.length_delimited(); break;
            case 5: expect(field, type, 0); info.model_version = static_cast<std::int64_t>(w.varint()); break;
            case 6: expect(field, type, 2); info.doc_string = w.length_delimited(); break;
            case 7: {
                expect(field, type, 2);
                wire graph(w.length_delimited(), what);
                while (!graph.done()) {
                    const auto gkey = graph.varint();
                    if ((gkey >> 3) == 2 && (gkey & 7) == 2) {
                        info.graph_name = graph.length_delimited();
                    } else {
                        graph.skip(gkey & 7);
                    }
                }
                break;
            }
            case 8: {
                expect(field, type, 2);
                wire opset(w.length_delimited(), what);
                onnx_opset entry;
                while (!opset.done()) {
                    const auto okey = opset.varint();
                    if ((okey >> 3) == 1 && (okey & 7) == 2) {
                        entry.domain = opset.length_delimited();
                    } else if ((okey >> 3) == 2 && (okey & 7) == 0) {
                        entry.version = static_cast<std::int64_t>(opset.varint());
                    } else {
                        opset.skip(okey & 7);
                    }
                }
                info.opset_import.push_back(std::move(entry));
                break;
            }
            default: w.skip(type);  // metadata_props, training_info, functions, newer fields
        }
    }
    if (!has_ir_version) w.fail("no ir_version (field 1)");
    return info;
}

}  // namespace detail::onnx

/// @brief An ONNX model as its serialized bytes (a ModelProto), kept unchanged.
///
/// The bytes are checked when the model is made from them: a file that is not a protobuf
/// message with an ir_version is refused with format_error, rather than logged or loaded as
/// a model. Hand `bytes()` to a runtime, e.g. ONNX Runtime's
/// `Ort::Session(env, model.bytes().data(), model.bytes().size(), options)`.
class onnx_model {
public:
    onnx_model() = default;

    /// @brief The model whose serialized bytes are `bytes`; throws format_error if they are not one.
    explicit onnx_model(std::string bytes, std::string_view what = "the bytes given")
        : bytes_(std::move(bytes)), info_(detail::onnx::describe(bytes_, what)) {}

    /// @brief The model in an `.onnx` file; throws path_error (with the OS's reason) if it
    /// cannot be read, format_error if it is not a model.
    static onnx_model from_file(const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw path_error("onnx: cannot open " + path.string() + ": " + std::generic_category().message(errno));
        std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (in.bad()) throw path_error("onnx: cannot read " + path.string() + ": " + std::generic_category().message(errno));
        return onnx_model(std::move(bytes), path.string());
    }

    /// @brief The serialized ModelProto, as `onnx.save` writes it and runtimes take it.
    [[nodiscard]] const std::string& bytes() const noexcept { return bytes_; }
    /// @brief ir_version, opsets, producer, domain, model version, doc string, graph name.
    [[nodiscard]] const onnx_model_info& info() const noexcept { return info_; }

    friend bool operator==(const onnx_model& a, const onnx_model& b) { return a.bytes_ == b.bytes_; }

private:
    std::string bytes_;
    onnx_model_info info_;
};

/// @brief Writes and reads ONNX models as the lazyscribe-onnx plugin for Python (alias
/// `onnx`, suffix `onnx`, binary): the model's bytes, unchanged, which `onnx.load` opens.
/// Takes no kwargs (Python's would go to `onnx.save`/`onnx.load`, for external data).
struct onnx_handler {
    static constexpr std::string_view alias = "onnx";
    static constexpr std::string_view suffix = "onnx";
    static constexpr bool binary = true;
    static constexpr bool output_only = false;

    /// @brief Throws format_error for any kwarg; called at log time.
    static void check_write_kwargs(const json& kwargs) { reject(kwargs, "write"); }

    static void write(const onnx_model& model, std::ostream& out, const json& kwargs) {
        reject(kwargs, "write");
        if (model.bytes().empty()) throw format_error("onnx: cannot write an empty onnx_model (made by its default constructor)");
        out.write(model.bytes().data(), static_cast<std::streamsize>(model.bytes().size()));
    }

    static onnx_model read(std::istream& in, const json& kwargs) {
        reject(kwargs, "read");
        return onnx_model({std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()}, "the artifact file");
    }

private:
    static void reject(const json& kwargs, const char* what) {
        if (!kwargs.is_null() && !(kwargs.is_object() && kwargs.empty()))
            throw format_error(std::string("the onnx handler's ") + what + " takes no kwargs (external data is not supported); given: " +
                               kwargs.dump());
    }
};

static_assert(ArtifactHandler<onnx_handler>);
static_assert(WritableBy<onnx_handler, onnx_model> && ReadableAs<onnx_handler, onnx_model>);
static_assert(!WritableBy<onnx_handler, std::string> && !ReadableAs<onnx_handler, std::string>);

}  // namespace lazyscribe
