# Every header compiles on its own, as Boost.Hana's cmake/TestHeaders.cmake checks it: one
# generated translation unit per header, holding nothing but that header included twice (the
# second include checks that the header guards itself). The TUs form one object library that
# is part of the normal test build, so a header that relies on something included before it
# fails the build, at that header.
#
#   lazyscribe_add_header_test(<target> ROOT <include dir> HEADERS <relative paths>... [LINK <targets>...])
#
# ROOT is the folder the HEADERS are relative to (the folder on the include path); LINK names
# the targets whose usage requirements the headers need (the library, optional parts).
function(lazyscribe_add_header_test target)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "ROOT" "HEADERS;LINK")
    if(NOT arg_HEADERS)
        message(FATAL_ERROR "lazyscribe_add_header_test(${target}): no HEADERS")
    endif()
    set(sources)
    foreach(header IN LISTS arg_HEADERS)
        if(NOT EXISTS ${arg_ROOT}/${header})
            message(FATAL_ERROR "lazyscribe_add_header_test(${target}): no ${arg_ROOT}/${header}")
        endif()
        string(MAKE_C_IDENTIFIER "${header}" id)
        set(source ${CMAKE_CURRENT_BINARY_DIR}/${target}/${id}.cpp)
        # file(CONFIGURE) rewrites only on change, so a reconfigure does not rebuild the TUs.
        set(again "#include <${header}>  // NOLINT(readability-duplicate-include): checks the guard")
        file(CONFIGURE OUTPUT ${source} CONTENT "#include <${header}>\n${again}\n")
        list(APPEND sources ${source})
    endforeach()
    add_library(${target} OBJECT ${sources})
    target_link_libraries(${target} PRIVATE ${arg_LINK})
endfunction()
