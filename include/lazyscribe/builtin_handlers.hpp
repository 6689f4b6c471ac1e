#pragma once
/// @file builtin_handlers.hpp
/// @brief The default handler list: `json`. The `cereal` handler is opt-in
/// (<lazyscribe/handlers/cereal.hpp>, list lazyscribe::with_cereal), so that a program
/// that does not use it neither includes nor needs cereal.

#include <lazyscribe/handlers/json.hpp>
#include <lazyscribe/registry.hpp>

namespace lazyscribe {

/// @brief The handlers every project and repository knows. Extend it with your own:
/// `using handlers = lazyscribe::builtin_handlers::with<my_handler>;`
using builtin_handlers = handler_list<json_handler>;

}  // namespace lazyscribe
