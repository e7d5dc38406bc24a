# What `cmake --install` and the .deb put where (docs/operations.md, "Install layout"):
#   bin/cchost, bin/ccprovision
#   lib/cchost/plugins/*.so        every in-tree authorizer; the installed cchost looks here
#   share/cchost/policies/*.toml   the shipped policies
#   share/doc/cchost/              README, docs/, protocol and plugin references
#   share/man/man1/                man pages, generated at build time (cmake/CchostManPages.cmake)
#   lib/systemd/system/cchost@.service
#   include/, lib/, lib/cmake/cchost-sdk   the plugin SDK (component sdk)
include(GNUInstallDirs)

# Must match plugin::kInstalledPluginSubdir (host/plugin/include/cchost/plugin/default_dir.hpp).
set(CCHOST_INSTALL_PLUGINDIR "lib/cchost/plugins")

install(DIRECTORY ${PROJECT_SOURCE_DIR}/policies/ DESTINATION ${CMAKE_INSTALL_DATADIR}/cchost/policies
        COMPONENT runtime FILES_MATCHING PATTERN "*.toml" PATTERN "README.md")
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs COMPONENT runtime)
foreach(doc host/job/PROTOCOL.md host/net/README.md host/crypto/README.md provision/README.md sdk/README.md)
  get_filename_component(dir ${doc} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/${doc} DESTINATION ${CMAKE_INSTALL_DOCDIR}/${dir} COMPONENT runtime)
endforeach()
file(GLOB plugin_readmes RELATIVE ${PROJECT_SOURCE_DIR} CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/plugins/*/README.md)
foreach(doc ${plugin_readmes})
  get_filename_component(dir ${doc} DIRECTORY)
  install(FILES ${PROJECT_SOURCE_DIR}/${doc} DESTINATION ${CMAKE_INSTALL_DOCDIR}/${dir} COMPONENT runtime)
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/cchost@.service DESTINATION lib/systemd/system COMPONENT runtime)

# The .deb: `cpack -G DEB` in a build folder (scripts/package.sh builds, packs and checks it).
set(CPACK_PACKAGE_NAME cchost)
set(CPACK_PACKAGE_VENDOR "cchost")
set(CPACK_PACKAGE_CONTACT "cchost maintainers <cchost@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "confidential-computing attestation host: authorizer plugins, policies, multi-site runtime")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps reads every ELF's NEEDED entries, so Depends names exactly the libraries the
# binaries and plugins link (libssl3, libzmq5, libxmlsec1, libcbor0.8, ...), with versions.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# adduser for the service account the postinst makes; systemd is recommended, not required.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/debian/postinst)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
