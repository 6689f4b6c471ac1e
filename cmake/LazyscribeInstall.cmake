# find_package(lazyscribe CONFIG) support: headers, targets, config and version files.
include(CMakePackageConfigHelpers)

install(TARGETS lazyscribe lazyscribe_header_only EXPORT lazyscribeTargets)
if(LAZYSCRIBE_WITH_CEREAL)
    install(TARGETS lazyscribe_cereal EXPORT lazyscribeTargets)
endif()
if(LAZYSCRIBE_WITH_TOML)
    install(TARGETS lazyscribe_toml EXPORT lazyscribeTargets)
endif()
if(LAZYSCRIBE_WITH_YAML)
    install(TARGETS lazyscribe_yaml EXPORT lazyscribeTargets)
endif()
if(LAZYSCRIBE_WITH_EIGEN)
    install(TARGETS lazyscribe_eigen EXPORT lazyscribeTargets)
endif()
if(LAZYSCRIBE_WITH_S3)
    install(TARGETS lazyscribe_s3 EXPORT lazyscribeTargets)
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
# lazyscribe::lazyscribe is a compiled (static) library: the package is for one architecture.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/lazyscribeConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/lazyscribeConfig.cmake ${PROJECT_BINARY_DIR}/lazyscribeConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/lazyscribe)
