#pragma once
/// @file errors.hpp
/// @brief The exception types thrown by lazyscribe.
///
/// Every exception derives from lazyscribe::error, so a caller can catch broadly;
/// each category has its own type and a stable id ("lazyscribe.<category>") at the
/// start of its message, so a user can catch precisely or search for the id.

#include <cstddef>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lazyscribe {

namespace detail {
/// @brief The pieces joined into one string, allocated once. Messages are built with it
/// rather than with `"literal" + std::string&&`, on which GCC 12 at -O2 reports a false
/// -Wrestrict inside <string> (GCC bugs 105329, 105651) that -Werror turns into a failed build.
inline std::string concat(std::initializer_list<std::string_view> pieces) {
    std::size_t size = 0;
    for (const std::string_view piece : pieces) size += piece.size();
    std::string joined;
    joined.reserve(size);
    for (const std::string_view piece : pieces) joined.append(piece);
    return joined;
}
}  // namespace detail

/// @brief Base class of every exception lazyscribe throws.
class error : public std::runtime_error {
public:
    /// @brief The stable id of the category, e.g. "lazyscribe.parse_error".
    [[nodiscard]] std::string_view id() const noexcept { return id_; }

protected:
    error(std::string_view id, const std::string& what)
        : std::runtime_error(detail::concat({"[", id, "] ", what})), id_(id) {}

private:
    std::string_view id_;  // always a string literal, see the derived classes
};

/// @brief Malformed JSON text (a project, repository or artifact file).
/// The message names the source (usually a file path), the line and the column.
class parse_error : public error {
public:
    parse_error(const std::string& source, std::size_t line, std::size_t column, const std::string& what)
        : error("lazyscribe.parse_error",
                source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + what),
          line_(line),
          column_(column) {}
    /// @brief 1-based line of the error.
    [[nodiscard]] std::size_t line() const noexcept { return line_; }
    /// @brief 1-based column (in bytes) of the error.
    [[nodiscard]] std::size_t column() const noexcept { return column_; }

private:
    std::size_t line_;
    std::size_t column_;
};

/// @brief Well-formed JSON whose content does not fit: a missing field, a field of the
/// wrong type, a value that cannot be written in the Python-compatible format.
/// The message names the file and the field.
class format_error : public error {
public:
    explicit format_error(const std::string& what) : error("lazyscribe.format_error", what) {}
};

/// @brief A handler alias that is not in the handler list, or a run-time request a
/// handler cannot serve (reading a type it does not support).
class unknown_handler_error : public error {
public:
    explicit unknown_handler_error(const std::string& what) : error("lazyscribe.unknown_handler_error", what) {}
};

/// @brief Logging an artifact failed: a name logged twice without overwrite, or a file name
/// another artifact already uses.
class artifact_log_error : public error {
public:
    explicit artifact_log_error(const std::string& what) : error("lazyscribe.artifact_log_error", what) {}
};

/// @brief Loading an artifact failed: its environment does not match the running one,
/// its file is missing, or the handler's read threw.
class artifact_load_error : public error {
public:
    explicit artifact_load_error(const std::string& what) : error("lazyscribe.artifact_load_error", what) {}
};

/// @brief A change was attempted on something opened read-only.
class read_only_error : public error {
public:
    explicit read_only_error(const std::string& what) : error("lazyscribe.read_only_error", what) {}
};

/// @brief Saving failed: an artifact's handler threw while writing, or a file could not be
/// created, written or renamed. What was on disk before stays as it was.
class save_error : public error {
public:
    explicit save_error(const std::string& what) : error("lazyscribe.save_error", what) {}
};

/// @brief An experiment's scope ended and it could not join its project (the destructor cannot
/// throw): the next save() throws this, naming the experiment and the reason. The experiment
/// is kept in the project's uncommitted(); take_uncommitted() hands it back to retry.
class commit_error : public error {
public:
    explicit commit_error(const std::string& what) : error("lazyscribe.commit_error", what) {}
};

/// @brief No version of a repository artifact matches the request. The message says which
/// versions exist.
class version_not_found_error : public error {
public:
    explicit version_not_found_error(const std::string& what) : error("lazyscribe.version_not_found_error", what) {}
};

/// @brief A version request that makes no sense: a malformed date-time string, or an as-of
/// match with an integer version.
class invalid_version_error : public error {
public:
    explicit invalid_version_error(const std::string& what) : error("lazyscribe.invalid_version_error", what) {}
};

/// @brief No experiment with that slug or short slug in a project, no test with that name in
/// an experiment, or no project file at a path opened read-only. The message names the
/// project file (or experiment) and the key.
class not_found_error : public error {
public:
    explicit not_found_error(const std::string& what) : error("lazyscribe.not_found_error", what) {}
};

/// @brief A path that cannot be used: it escapes the folder it must stay in, or names no
/// file. The message names the path.
class path_error : public error {
public:
    explicit path_error(const std::string& what) : error("lazyscribe.path_error", what) {}
};

/// @brief Options that cannot work together or at all (a live run's zero flush interval, say).
/// The message names the option, the bound and the value given.
class options_error : public error {
public:
    explicit options_error(const std::string& what) : error("lazyscribe.options_error", what) {}
};

}  // namespace lazyscribe
