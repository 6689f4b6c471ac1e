#pragma once
/// @file builtin_handlers.hpp
/// @brief The default handler list: `json` and `cereal`.

#include <lazyscribe/handlers/cereal.hpp>
#include <lazyscribe/handlers/json.hpp>
#include <lazyscribe/registry.hpp>

namespace lazyscribe {

/// @brief The handlers lazyscribe ships. Extend it with your own:
/// `using handlers = lazyscribe::builtin_handlers::with<my_handler>;`
using builtin_handlers = handler_list<json_handler, cereal_handler>;

}  // namespace lazyscribe
