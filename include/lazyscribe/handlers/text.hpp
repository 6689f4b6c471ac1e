#pragma once
/// @file handlers/text.hpp
/// @brief The `text` handler (opt-in): a string in a `.txt` file. It is the handler of the
/// guide "Write a custom artifact handler" (docs/custom-handler.md), ready to use, and the
/// shortest complete handler to copy when writing one of your own.

#include <lazyscribe/errors.hpp>
#include <lazyscribe/handler.hpp>
#include <lazyscribe/json.hpp>

#include <istream>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>

namespace lazyscribe {

/// @brief Plain text (alias `text`, suffix `txt`, text mode), as the guide's `TextArtifact`
/// writes it in Python: `buf.write(value)` and `buf.read()`.
///
/// The file is opened in text mode on both sides. Reading translates newlines as Python's
/// text mode does (universal newlines: `"\r\n"` and `"\r"` read as `"\n"`), so a file written
/// by Python on Windows reads the same here; writing leaves `"\n"` as is, as Python does on
/// Linux and macOS. It is not in `builtin_handlers`, so a handler of your own may take the
/// alias `text`; add this one with `builtin_handlers::with<lazyscribe::text_handler>`.
struct text_handler {
    static constexpr std::string_view alias = "text";
    static constexpr std::string_view suffix = "txt";
    static constexpr bool binary = false;
    static constexpr bool output_only = false;

    /// @brief Throws format_error for any kwarg (Python's `write` would ignore them); called at log time.
    static void check_write_kwargs(const json& kwargs) { reject(kwargs, "write"); }

    // A std::string, not a view: an artifact keeps its value until save(), and a view could
    // outlive what it shows (string literals are kept as std::string).
    static void write(const std::string& value, std::ostream& out, const json& kwargs) {
        reject(kwargs, "write");
        out.write(value.data(), static_cast<std::streamsize>(value.size()));
    }

    static std::string read(std::istream& in, const json& kwargs) {
        reject(kwargs, "read");
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

private:
    static void reject(const json& kwargs, const char* what) {
        if (!kwargs.is_null() && !(kwargs.is_object() && kwargs.empty()))
            throw format_error(std::string("the text handler's ") + what + " takes no kwargs; given: " + kwargs.dump());
    }
};

static_assert(ArtifactHandler<text_handler>);
static_assert(WritableBy<text_handler, std::string> && WritableBy<text_handler, const char*> &&
              !WritableBy<text_handler, std::string_view>);
static_assert(ReadableAs<text_handler, std::string> && !WritableBy<text_handler, int>);

}  // namespace lazyscribe
