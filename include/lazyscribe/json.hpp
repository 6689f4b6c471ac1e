#pragma once
/// @file json.hpp
/// @brief lazyscribe's JSON value type.

#include <nlohmann/json.hpp>

namespace lazyscribe {

/// @brief The JSON value type used for parameters, metrics, writer/reader kwargs and
/// handler environments. Objects keep their keys sorted.
using json = nlohmann::json;

/// @brief A JSON value whose objects keep insertion order, as Python's dicts do.
/// Read an artifact as ordered_json to write it back byte for byte.
using ordered_json = nlohmann::ordered_json;

}  // namespace lazyscribe
