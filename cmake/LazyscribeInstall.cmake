# find_package(lazyscribe CONFIG) support: headers, targets, config and version files.
include(CMakePackageConfigHelpers)

install(TARGETS lazyscribe EXPORT lazyscribeTargets)
if(LAZYSCRIBE_WITH_TOML)
    install(TARGETS lazyscribe_toml EXPORT lazyscribeTargets)
endif()
install(DIRECTORY include/lazyscribe DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The MIT license asks that its notice travel with every copy.
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(EXPORT lazyscribeTargets NAMESPACE lazyscribe::
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/lazyscribe)

set(LAZYSCRIBE_LICENSE_FILE ${CMAKE_INSTALL_DOCDIR}/LICENSE)
configure_package_config_file(cmake/lazyscribeConfig.cmake.in
    ${PROJECT_BINARY_DIR}/lazyscribeConfig.cmake
    INSTALL_DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/lazyscribe
    PATH_VARS LAZYSCRIBE_LICENSE_FILE)
# A header-only library does not depend on the consumer's architecture.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/lazyscribeConfigVersion.cmake
    COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/lazyscribeConfig.cmake ${PROJECT_BINARY_DIR}/lazyscribeConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/lazyscribe)
