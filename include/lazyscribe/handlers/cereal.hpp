#pragma once
/// @file handlers/cereal.hpp
/// @brief The `cereal` handler: any cereal-serializable C++ object in cereal's portable
/// binary archive, the place Python's `pickle` holds in lazyscribe. Opt-in: use the list
/// lazyscribe::with_cereal (the built-in handlers and this one).

#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <cereal/details/traits.hpp>
#include <cereal/version.hpp>

#include <lazyscribe/builtin_handlers.hpp>
#include <lazyscribe/detail/canonical_type_name.hpp>
#include <lazyscribe/errors.hpp>
#include <lazyscribe/handler.hpp>
#include <lazyscribe/json.hpp>

namespace lazyscribe {

/// @brief Values the cereal handler writes: types with a cereal `serialize`/`save`.
/// Include cereal's headers for standard types (e.g. <cereal/types/vector.hpp>) yourself.
template <class T>
concept CerealWritable = cereal::traits::is_output_serializable<T, cereal::PortableBinaryOutputArchive>::value;

/// @brief Values the cereal handler reads: default-constructible types with a cereal
/// `serialize`/`load`.
template <class T>
concept CerealReadable = std::is_default_constructible_v<T> &&
    cereal::traits::is_input_serializable<T, cereal::PortableBinaryInputArchive>::value;

/// @brief Writes and reads C++ objects with cereal's portable binary archive.
///
/// The archive is independent of byte order, but its layout is cereal's: each artifact
/// records the archive and cereal's version (`environment()`), and loading with
/// `validate` refuses a file written by another cereal version rather than misreading it.
/// Each artifact also records the value's C++ type under `cereal_type`, by canonical_type_name
/// (the same on every compiler), and loading with `validate` refuses another type: an archive
/// has no type of its own, so a struct read as a vector would otherwise give garbage.
struct cereal_handler {
    static constexpr std::string_view alias = "cereal";
    static constexpr std::string_view suffix = "cereal";
    static constexpr bool binary = true;
    static constexpr bool output_only = false;

    /// @brief The fields stored with each artifact and compared on load.
    static json environment() {
        return json{
            {"cereal_archive", "portable_binary"},
            {"cereal_version", std::to_string(CEREAL_VERSION_MAJOR) + "." + std::to_string(CEREAL_VERSION_MINOR) + "." +
                                   std::to_string(CEREAL_VERSION_PATCH)}};
    }

    /// @brief The metadata key of the value's type (a handler-specific field, as Python's
    /// `python_version` is for `pickle`).
    static constexpr std::string_view value_type_key = "cereal_type";
    /// @brief The recorded name of T: see canonical_type_name and artifact_type_name.
    template <class T>
    static std::string value_type_name() {
        return canonical_type_name<T>();
    }

    /// @brief The cereal handler takes no writer kwargs; called at log time.
    static void check_write_kwargs(const json& kwargs) { reject_kwargs(kwargs, "write"); }

    template <CerealWritable T>
    static void write(const T& value, std::ostream& out, const json& kwargs) {
        reject_kwargs(kwargs, "write");
        cereal::PortableBinaryOutputArchive archive(out);
        archive(value);
    }

    template <CerealReadable T>
    static T read(std::istream& in, const json& kwargs) {
        reject_kwargs(kwargs, "read");
        T value{};
        try {
            cereal::PortableBinaryInputArchive archive(in);
            archive(value);
        } catch (const cereal::Exception& e) {
            throw format_error(std::string("cereal archive is truncated or not of the requested type: ") + e.what());
        }
        return value;
    }

private:
    static void reject_kwargs(const json& kwargs, const char* what) {
        if (!kwargs.is_null() && !(kwargs.is_object() && kwargs.empty())) {
            throw format_error(std::string("the cereal handler's ") + what +
                               " takes no kwargs; given: " + kwargs.dump());
        }
    }
};

static_assert(ArtifactHandler<cereal_handler> && HasEnvironment<cereal_handler>);
static_assert(WritableBy<cereal_handler, int> && ReadableAs<cereal_handler, double>);
static_assert(!WritableBy<cereal_handler, std::ostream> && !ReadableAs<cereal_handler, std::istream>);

/// @brief The built-in handlers and cereal: `lazyscribe::basic_project<lazyscribe::with_cereal>`,
/// `lazyscribe::basic_repository<lazyscribe::with_cereal>`.
using with_cereal = builtin_handlers::with<cereal_handler>;

}  // namespace lazyscribe
