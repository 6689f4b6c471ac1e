#pragma once
// The operating-system user name, looked up as Python's getpass.getuser() does, so that a
// project logged from C++ names the same author as one logged from Python.

#include <cstdlib>
#include <string>

#if defined(__unix__) || defined(__APPLE__)
#include <pwd.h>
#include <unistd.h>
#endif

namespace lazyscribe::detail {

inline std::string os_user_name() {
    for (const char* variable : {"LOGNAME", "USER", "LNAME", "USERNAME"}) {
        if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') return value;
    }
#if defined(__unix__) || defined(__APPLE__)
    if (const passwd* entry = ::getpwuid(::geteuid()); entry != nullptr && entry->pw_name != nullptr) {
        return entry->pw_name;
    }
#endif
    return "unknown";
}

}  // namespace lazyscribe::detail
