# Tests mirror include/: every public header include/lazyscribe/<path>.hpp has its test file
# tests/unit-<path with '/' as '_'>.cpp (lazyscribe/handlers/json.hpp: tests/unit-handlers_json.cpp).
# detail/ is internal and exempt; its headers are tested through the public ones.
#   cmake -DSOURCE_DIR=<source root> -P CheckTestMirror.cmake
cmake_policy(VERSION 3.25)
file(GLOB_RECURSE headers RELATIVE ${SOURCE_DIR}/include/lazyscribe ${SOURCE_DIR}/include/lazyscribe/*.hpp)
list(FILTER headers EXCLUDE REGEX "^detail/")
set(missing "")
foreach(header IN LISTS headers)
    string(REGEX REPLACE "\\.hpp$" "" stem "${header}")
    string(REPLACE "/" "_" stem "${stem}")
    if(NOT EXISTS ${SOURCE_DIR}/tests/unit-${stem}.cpp)
        string(APPEND missing "include/lazyscribe/${header} has no test file tests/unit-${stem}.cpp\n")
    endif()
endforeach()
list(LENGTH headers count)
if(count EQUAL 0)
    message(FATAL_ERROR "no public headers under ${SOURCE_DIR}/include/lazyscribe")
endif()
if(missing)
    message(FATAL_ERROR "${missing}")
endif()
message(STATUS "${count} public headers, each with its test file")
