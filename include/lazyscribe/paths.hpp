#pragma once
/// @file paths.hpp
/// @brief Relative paths from a file (an artifact's fname), refused when they leave their folder.

#include <filesystem>
#include <string_view>

#include <lazyscribe/detail/files.hpp>

namespace lazyscribe {

/// @brief `folder / relative`, for a `relative` path that names a file inside `folder`: not
/// empty, not absolute, not climbing out of it ("..", "a/../.."), not `folder` itself, no NUL
/// byte.
/// Lexical only: symbolic links are not followed.
/// @throws lazyscribe::path_error naming `what`, the path and why it is refused.
[[nodiscard]] inline std::filesystem::path resolve_inside(const std::filesystem::path& folder,
                                                          std::string_view relative, std::string_view what) {
    return detail::resolve_inside(folder, relative, what);
}

}  // namespace lazyscribe
